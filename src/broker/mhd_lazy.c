/* SPDX-License-Identifier: Apache-2.0 */
#define TC_MHD_LAZY_IMPL
#include "broker/mhd_lazy.h"
#include "core/lazy.h"

#define DEFINE_(f) __typeof__(f) *tc_lazy_##f;
TC_MHD_SYMS(DEFINE_)
#undef DEFINE_

#define NAME_(f) #f,
static const char *const names[] = {TC_MHD_SYMS(NAME_)};
#undef NAME_
#define SLOT_(f) (void **)&tc_lazy_##f,
static void **const slots[] = {TC_MHD_SYMS(SLOT_)};
#undef SLOT_

static struct tc_lazy lib =
    TC_LAZY_INIT("libmicrohttpd.so.12", names, slots, sizeof(names) / sizeof(names[0]));

tc_err tc_mhd_load(void)
{
    return tc_lazy_load(&lib);
}
