/* SPDX-License-Identifier: Apache-2.0 */
#define TC_JOSE_LAZY_IMPL
#include "broker/jose_lazy.h"
#include "core/lazy.h"

#define DEFINE_(f) __typeof__(f) *tc_lazy_##f;
TC_JOSE_SYMS(DEFINE_)
#undef DEFINE_

#define NAME_(f) #f,
static const char *const names[] = {TC_JOSE_SYMS(NAME_)};
#undef NAME_
#define SLOT_(f) (void **)&tc_lazy_##f,
static void **const slots[] = {TC_JOSE_SYMS(SLOT_)};
#undef SLOT_

static struct tc_lazy lib =
    TC_LAZY_INIT("libjose.so.0", names, slots, sizeof(names) / sizeof(names[0]));

tc_err tc_jose_load(void)
{
    return tc_lazy_load(&lib);
}
