/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Libraries loaded on first use (dlopen) instead of linked.
 *
 * libcurl (~30 libraries), libmicrohttpd (GnuTLS and its ~10) and José
 * together would add ~4 ms to the start of every trustchain process; only
 * `serve`, network fetches and JWE decryption need them.  A module lists the
 * functions it uses; tc_lazy_load() resolves them once, thread-safely.
 *
 * Pattern (see src/broker/mhd_lazy.h): the module header declares
 *     extern __typeof__(f) *tc_lazy_f;
 * for each function f and redefines f as (*tc_lazy_f), so call sites read as
 * ordinary calls; the loader file defines the pointers.
 */
#ifndef TC_CORE_LAZY_H
#define TC_CORE_LAZY_H

#include <pthread.h>
#include <stddef.h>

#include "trustchain/err.h"

struct tc_lazy {
    const char *soname;       /* e.g. "libmicrohttpd.so.12" */
    const char *const *names; /* symbol names */
    void **const *slots;      /* where each resolved address goes */
    size_t n;
    pthread_mutex_t mu;
    int state; /* 0 not tried, 1 loaded, -1 failed */
    char why[256];
};

#define TC_LAZY_INIT(so, names_, slots_, n_)                                                       \
    {                                                                                              \
        (so), (names_), (slots_), (n_), PTHREAD_MUTEX_INITIALIZER, 0,                              \
        {                                                                                          \
            0                                                                                      \
        }                                                                                          \
    }

/* Load the library and resolve every symbol (once). TC_ERR_IO if absent. */
TC_MUST_USE tc_err tc_lazy_load(struct tc_lazy *l);

#endif
