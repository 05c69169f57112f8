/* SPDX-License-Identifier: Apache-2.0 */
/* libmicrohttpd, loaded when the broker starts (src/core/lazy.h explains why). */
#ifndef TC_BROKER_MHD_LAZY_H
#define TC_BROKER_MHD_LAZY_H

#include <microhttpd.h>

#include "trustchain/err.h"

#define TC_MHD_SYMS(X)                                                                             \
    X(MHD_start_daemon)                                                                            \
    X(MHD_stop_daemon)                                                                             \
    X(MHD_add_response_header)                                                                     \
    X(MHD_create_response_from_buffer)                                                             \
    X(MHD_destroy_response)                                                                        \
    X(MHD_get_connection_info)                                                                     \
    X(MHD_get_connection_values)                                                                   \
    X(MHD_get_daemon_info)                                                                         \
    X(MHD_lookup_connection_value)                                                                 \
    X(MHD_queue_response)

#define TC_LAZY_EXTERN_(f) extern __typeof__(f) *tc_lazy_##f;
TC_MHD_SYMS(TC_LAZY_EXTERN_)
#undef TC_LAZY_EXTERN_

/* Load libmicrohttpd; call before any MHD_ function. */
TC_MUST_USE tc_err tc_mhd_load(void);

#ifndef TC_MHD_LAZY_IMPL
#define MHD_start_daemon (*tc_lazy_MHD_start_daemon)
#define MHD_stop_daemon (*tc_lazy_MHD_stop_daemon)
#define MHD_add_response_header (*tc_lazy_MHD_add_response_header)
#define MHD_create_response_from_buffer (*tc_lazy_MHD_create_response_from_buffer)
#define MHD_destroy_response (*tc_lazy_MHD_destroy_response)
#define MHD_get_connection_info (*tc_lazy_MHD_get_connection_info)
#define MHD_get_connection_values (*tc_lazy_MHD_get_connection_values)
#define MHD_get_daemon_info (*tc_lazy_MHD_get_daemon_info)
#define MHD_lookup_connection_value (*tc_lazy_MHD_lookup_connection_value)
#define MHD_queue_response (*tc_lazy_MHD_queue_response)
#endif

#endif
