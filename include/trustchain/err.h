/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Errors: one table of names, messages and classes (s2n-tls style).
 *
 * Every fallible function returns tc_err and is must-use.  A thread-local
 * detail string carries the specific reason (field, offset, OpenSSL error).
 * Classes map to the process exit codes that are part of the interface
 * (DESIGN.md): 0 ok, 1 rejected, 2 usage, 3 malformed, 4 I/O, 70 internal.
 */
#ifndef TRUSTCHAIN_ERR_H
#define TRUSTCHAIN_ERR_H

#include <stddef.h>

#define TC_MUST_USE __attribute__((warn_unused_result))
#define TC_PRINTF(a, b) __attribute__((format(printf, a, b)))

enum tc_err_class {
    TC_CLASS_OK = 0,
    TC_CLASS_REJECTED = 1,
    TC_CLASS_USAGE = 2,
    TC_CLASS_MALFORMED = 3,
    TC_CLASS_IO = 4,
    TC_CLASS_INTERNAL = 70,
};

/* X(name, message, class) */
#define TC_ERR_TABLE(X)                                                                            \
    X(OK, "ok", OK)                                                                                \
    X(USAGE, "invalid usage", USAGE)                                                               \
    X(NOMEM, "out of memory", INTERNAL)                                                            \
    X(INTERNAL, "internal error", INTERNAL)                                                        \
    X(CRYPTO, "cryptographic library failure", INTERNAL)                                           \
    X(IO, "I/O error", IO)                                                                         \
    X(NOT_FOUND, "not found", IO)                                                                  \
    X(NETWORK, "network error", IO)                                                                \
    X(OFFLINE, "network access forbidden (offline mode)", IO)                                      \
    X(STORE, "store error", IO)                                                                    \
    X(TRUNCATED, "input truncated", MALFORMED)                                                     \
    X(TRAILING, "unexpected trailing bytes", MALFORMED)                                            \
    X(RESERVED, "reserved field is not zero", MALFORMED)                                           \
    X(VERSION, "unsupported format version", MALFORMED)                                            \
    X(MALFORMED, "malformed input", MALFORMED)                                                     \
    X(TOO_LARGE, "input exceeds size limit", MALFORMED)                                            \
    X(UNSUPPORTED, "unsupported input", MALFORMED)                                                 \
    X(JSON, "malformed JSON", MALFORMED)                                                           \
    X(ENCODING, "malformed encoding", MALFORMED)                                                   \
    X(SIGNATURE, "signature verification failed", REJECTED)                                        \
    X(CHAIN, "certificate chain verification failed", REJECTED)                                    \
    X(REVOKED, "certificate revoked", REJECTED)                                                    \
    X(EXPIRED, "outside validity window", REJECTED)                                                \
    X(TCB, "TCB check failed", REJECTED)                                                           \
    X(MISMATCH, "value mismatch", REJECTED)                                                        \
    X(POLICY, "rejected by policy", REJECTED)                                                      \
    X(AUTH, "authentication failed", REJECTED)                                                     \
    X(UNTRUSTED, "untrusted evidence", REJECTED)

typedef enum tc_err {
#define TC_ERR_ENUM_(name, msg, cls) TC_ERR_##name,
    TC_ERR_TABLE(TC_ERR_ENUM_)
#undef TC_ERR_ENUM_
        TC_ERR_COUNT_
} tc_err;

/* Static strings; never NULL. */
const char *tc_err_name(tc_err e);
const char *tc_err_message(tc_err e);
enum tc_err_class tc_err_class(tc_err e);
/* The process exit code for this error (the numeric value of its class). */
int tc_err_exit_code(tc_err e);

/*
 * Set the thread-local detail for e and return e, so a caller can write
 *     return tc_fail(TC_ERR_TRUNCATED, "report: need %zu bytes at 0x%zx", n, off);
 */
tc_err tc_fail(tc_err e, const char *fmt, ...) TC_PRINTF(2, 3);
/* Prefix the current detail with context ("vcek: " + detail). Returns e. */
tc_err tc_fail_ctx(tc_err e, const char *fmt, ...) TC_PRINTF(2, 3);
/* Append the pending OpenSSL error queue (and clear it) to a fail message. */
tc_err tc_fail_ssl(tc_err e, const char *fmt, ...) TC_PRINTF(2, 3);
/* The detail of the last tc_fail on this thread, or "" if none. */
const char *tc_err_detail(void);
void tc_err_clear(void);

/*
 * Format "message: detail" for one line of output into buf (always terminated).
 * Returns buf.
 */
const char *tc_err_str(tc_err e, char *buf, size_t len);

#endif
