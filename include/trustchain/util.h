/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small utilities shared by the library and the CLI: encodings, files, a capped
 * growable buffer, time parsing, secret wiping.
 *
 * Ownership: functions that return allocated memory say so; free it with free()
 * (or tc_free_secret() for secrets).
 */
#ifndef TRUSTCHAIN_UTIL_H
#define TRUSTCHAIN_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "trustchain/err.h"

/* ---- hex ---- */

/* Writes 2n lowercase hex digits and a NUL to out (2n+1 bytes). Returns out. */
char *tc_hex_encode(const uint8_t *in, size_t n, char *out);
/*
 * Decode exactly slen hex digits (upper or lower case, an optional "0x" prefix)
 * into out (at most max bytes); *outlen receives the byte count.
 */
TC_MUST_USE tc_err tc_hex_decode(const char *s, size_t slen, uint8_t *out, size_t max,
                                 size_t *outlen);

/* ---- base64 (RFC 4648; url = the URL-safe alphabet, no padding) ---- */

/* Allocates *out (NUL-terminated). */
TC_MUST_USE tc_err tc_b64_encode(const uint8_t *in, size_t n, int url, char **out);
/*
 * Decode; accepts standard or URL-safe alphabet, with or without padding.
 * Fails if the decoded size would exceed max.  Allocates *out.
 */
TC_MUST_USE tc_err tc_b64_decode(const char *s, size_t slen, size_t max, uint8_t **out,
                                 size_t *outlen);

/* ---- files ---- */

/*
 * Read a whole file ("-" = stdin) of at most max bytes into a new allocation.
 * Fails with TC_ERR_TOO_LARGE above max, TC_ERR_IO if unreadable.
 */
TC_MUST_USE tc_err tc_file_read(const char *path, size_t max, uint8_t **data, size_t *len);
/* Write atomically: temp file in the same folder, fsync, rename. */
TC_MUST_USE tc_err tc_file_write(const char *path, const void *data, size_t len, int mode);

/* ---- growable buffer with a hard cap (curl) ---- */

struct tc_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t max; /* hard cap on len; 0 means 64 MiB */
};

void tc_buf_init(struct tc_buf *b, size_t max);
TC_MUST_USE tc_err tc_buf_append(struct tc_buf *b, const void *p, size_t n);
TC_MUST_USE tc_err tc_buf_printf(struct tc_buf *b, const char *fmt, ...) TC_PRINTF(2, 3);
/* Frees the storage; wipes it first. */
void tc_buf_free(struct tc_buf *b);

/* ---- secrets ---- */

/* Wipe n bytes at p (OPENSSL_cleanse) then free(p). NULL is fine. */
void tc_free_secret(void *p, size_t n);
void tc_wipe(void *p, size_t n);

/* ---- time ---- */

/*
 * Parse an RFC 3339 / ISO 8601 UTC time: "2025-07-19T10:00:34Z",
 * "2025-07-19T10:00:34.123Z", "2025-07-19T10:00:34+02:00", or "2025-07-19"
 * (midnight UTC), or "@<unix seconds>".
 */
TC_MUST_USE tc_err tc_time_parse(const char *s, time_t *out);
/* Format as "YYYY-MM-DDTHH:MM:SSZ" into buf (>= 21 bytes). Returns buf. */
const char *tc_time_format(time_t t, char *buf, size_t len);

#endif
