/* SPDX-License-Identifier: Apache-2.0 */
/* SQLite, loaded when a store is opened (src/core/lazy.h explains why). */
#ifndef TC_BROKER_SQLITE_LAZY_H
#define TC_BROKER_SQLITE_LAZY_H

#include <sqlite3.h>

#include "trustchain/err.h"

#define TC_SQLITE_SYMS(X)                                                                          \
    X(sqlite3_bind_blob)                                                                           \
    X(sqlite3_bind_int)                                                                            \
    X(sqlite3_bind_int64)                                                                          \
    X(sqlite3_bind_null)                                                                           \
    X(sqlite3_bind_text)                                                                           \
    X(sqlite3_busy_timeout)                                                                        \
    X(sqlite3_changes)                                                                             \
    X(sqlite3_clear_bindings)                                                                      \
    X(sqlite3_close)                                                                               \
    X(sqlite3_column_blob)                                                                         \
    X(sqlite3_column_bytes)                                                                        \
    X(sqlite3_column_int)                                                                          \
    X(sqlite3_column_int64)                                                                        \
    X(sqlite3_column_text)                                                                         \
    X(sqlite3_column_type)                                                                         \
    X(sqlite3_errmsg)                                                                              \
    X(sqlite3_exec)                                                                                \
    X(sqlite3_extended_errcode)                                                                    \
    X(sqlite3_file_control)                                                                        \
    X(sqlite3_finalize)                                                                            \
    X(sqlite3_free)                                                                                \
    X(sqlite3_open_v2)                                                                             \
    X(sqlite3_prepare_v3)                                                                          \
    X(sqlite3_reset)                                                                               \
    X(sqlite3_sql)                                                                                 \
    X(sqlite3_step)                                                                                \
    X(sqlite3_wal_checkpoint_v2)

#define TC_LAZY_EXTERN_(f) extern __typeof__(f) *tc_lazy_##f;
TC_SQLITE_SYMS(TC_LAZY_EXTERN_)
#undef TC_LAZY_EXTERN_

/* Load libsqlite3; call before any sqlite3_ function. */
TC_MUST_USE tc_err tc_sqlite_load(void);

#ifndef TC_SQLITE_LAZY_IMPL
#define sqlite3_bind_blob (*tc_lazy_sqlite3_bind_blob)
#define sqlite3_bind_int (*tc_lazy_sqlite3_bind_int)
#define sqlite3_bind_int64 (*tc_lazy_sqlite3_bind_int64)
#define sqlite3_bind_null (*tc_lazy_sqlite3_bind_null)
#define sqlite3_bind_text (*tc_lazy_sqlite3_bind_text)
#define sqlite3_busy_timeout (*tc_lazy_sqlite3_busy_timeout)
#define sqlite3_changes (*tc_lazy_sqlite3_changes)
#define sqlite3_clear_bindings (*tc_lazy_sqlite3_clear_bindings)
#define sqlite3_close (*tc_lazy_sqlite3_close)
#define sqlite3_column_blob (*tc_lazy_sqlite3_column_blob)
#define sqlite3_column_bytes (*tc_lazy_sqlite3_column_bytes)
#define sqlite3_column_int (*tc_lazy_sqlite3_column_int)
#define sqlite3_column_int64 (*tc_lazy_sqlite3_column_int64)
#define sqlite3_column_text (*tc_lazy_sqlite3_column_text)
#define sqlite3_column_type (*tc_lazy_sqlite3_column_type)
#define sqlite3_errmsg (*tc_lazy_sqlite3_errmsg)
#define sqlite3_exec (*tc_lazy_sqlite3_exec)
#define sqlite3_extended_errcode (*tc_lazy_sqlite3_extended_errcode)
#define sqlite3_file_control (*tc_lazy_sqlite3_file_control)
#define sqlite3_finalize (*tc_lazy_sqlite3_finalize)
#define sqlite3_free (*tc_lazy_sqlite3_free)
#define sqlite3_open_v2 (*tc_lazy_sqlite3_open_v2)
#define sqlite3_prepare_v3 (*tc_lazy_sqlite3_prepare_v3)
#define sqlite3_reset (*tc_lazy_sqlite3_reset)
#define sqlite3_sql (*tc_lazy_sqlite3_sql)
#define sqlite3_step (*tc_lazy_sqlite3_step)
#define sqlite3_wal_checkpoint_v2 (*tc_lazy_sqlite3_wal_checkpoint_v2)
#endif

#endif
