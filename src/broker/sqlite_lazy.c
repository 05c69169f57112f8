/* SPDX-License-Identifier: Apache-2.0 */
#define TC_SQLITE_LAZY_IMPL
#include "broker/sqlite_lazy.h"
#include "core/lazy.h"

#define DEFINE_(f) __typeof__(f) *tc_lazy_##f;
TC_SQLITE_SYMS(DEFINE_)
#undef DEFINE_

#define NAME_(f) #f,
static const char *const names[] = {TC_SQLITE_SYMS(NAME_)};
#undef NAME_
#define SLOT_(f) (void **)&tc_lazy_##f,
static void **const slots[] = {TC_SQLITE_SYMS(SLOT_)};
#undef SLOT_

static struct tc_lazy lib =
    TC_LAZY_INIT("libsqlite3.so.0", names, slots, sizeof(names) / sizeof(names[0]));

tc_err tc_sqlite_load(void)
{
    return tc_lazy_load(&lib);
}
