/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bounded byte reader: every read of untrusted bytes goes through it.
 *
 * - Bounds checks compare against the remaining length, never compute off + n,
 *   so they cannot overflow (tpm2-tss).
 * - A read moves the cursor only when it succeeds; on failure the reader is
 *   unchanged and the thread-local error detail names the offset.
 * - Offsets in messages are absolute in the outermost buffer (sub-readers
 *   carry their base), so an error points at the byte in the file.
 * - The reader never owns the bytes; they must outlive it.
 */
#ifndef TC_CORE_READER_H
#define TC_CORE_READER_H

#include <stddef.h>
#include <stdint.h>

#include "trustchain/err.h"

struct tc_reader {
    const uint8_t *p;
    size_t len;
    size_t off;
    size_t base;      /* absolute offset of p[0], for messages */
    const char *what; /* name used in messages, e.g. "report"; may be NULL */
};

void tc_reader_init(struct tc_reader *r, const uint8_t *p, size_t len, const char *what);

static inline size_t tc_reader_remaining(const struct tc_reader *r)
{
    return r->len - r->off;
}

static inline size_t tc_reader_offset(const struct tc_reader *r)
{
    return r->off;
}

/* Absolute offset (base + off), for messages. */
static inline size_t tc_reader_abs(const struct tc_reader *r)
{
    return r->base + r->off;
}

TC_MUST_USE tc_err tc_read_u8(struct tc_reader *r, uint8_t *v);
TC_MUST_USE tc_err tc_read_u16le(struct tc_reader *r, uint16_t *v);
TC_MUST_USE tc_err tc_read_u32le(struct tc_reader *r, uint32_t *v);
TC_MUST_USE tc_err tc_read_u64le(struct tc_reader *r, uint64_t *v);
TC_MUST_USE tc_err tc_read_u16be(struct tc_reader *r, uint16_t *v);
TC_MUST_USE tc_err tc_read_u32be(struct tc_reader *r, uint32_t *v);
TC_MUST_USE tc_err tc_read_u64be(struct tc_reader *r, uint64_t *v);
/* Copy n bytes out. */
TC_MUST_USE tc_err tc_read_bytes(struct tc_reader *r, void *out, size_t n);
/* Borrow a pointer to the next n bytes (valid while the underlying buffer lives). */
TC_MUST_USE tc_err tc_read_ptr(struct tc_reader *r, const uint8_t **out, size_t n);
TC_MUST_USE tc_err tc_read_skip(struct tc_reader *r, size_t n);
/* Read n bytes that must all be zero; field names the field in the message. */
TC_MUST_USE tc_err tc_read_zero(struct tc_reader *r, size_t n, const char *field);
/* A sub-reader over the next n bytes; r moves past them. */
TC_MUST_USE tc_err tc_read_sub(struct tc_reader *r, struct tc_reader *sub, size_t n,
                               const char *what);
/* A sub-reader over [off, off+n) of r's bytes, without moving r. */
TC_MUST_USE tc_err tc_reader_view(const struct tc_reader *r, size_t off, size_t n,
                                  struct tc_reader *sub, const char *what);
/* Move to absolute position off within r (0..len). */
TC_MUST_USE tc_err tc_reader_seek(struct tc_reader *r, size_t off);
/* Succeeds only if nothing remains (formats that forbid trailing bytes). */
TC_MUST_USE tc_err tc_reader_end(const struct tc_reader *r);

/* Unaligned little/big-endian loads and stores on trusted, already-bounded memory. */
static inline uint16_t tc_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t tc_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t tc_le64(const uint8_t *p)
{
    return (uint64_t)tc_le32(p) | ((uint64_t)tc_le32(p + 4) << 32);
}
static inline uint16_t tc_be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}
static inline uint32_t tc_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}
static inline void tc_put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void tc_put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static inline void tc_put_le64(uint8_t *p, uint64_t v)
{
    tc_put_le32(p, (uint32_t)v);
    tc_put_le32(p + 4, (uint32_t)(v >> 32));
}

#endif
