/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "core/reader.h"

void tc_reader_init(struct tc_reader *r, const uint8_t *p, size_t len, const char *what)
{
    r->p = p;
    r->len = p != NULL ? len : 0;
    r->off = 0;
    r->base = 0;
    r->what = what;
}

static const char *name(const struct tc_reader *r)
{
    return r->what != NULL ? r->what : "input";
}

/* The one bounds check: compares with what remains, so it cannot overflow. */
static tc_err need(const struct tc_reader *r, size_t n)
{
    if (n > r->len - r->off) {
        return tc_fail(TC_ERR_TRUNCATED, "%s: need %zu bytes at offset 0x%zx, %zu left", name(r), n,
                       r->base + r->off, r->len - r->off);
    }
    return TC_ERR_OK;
}

tc_err tc_read_u8(struct tc_reader *r, uint8_t *v)
{
    tc_err e = need(r, 1);

    if (e == TC_ERR_OK) {
        *v = r->p[r->off];
        r->off += 1;
    }
    return e;
}

tc_err tc_read_u16le(struct tc_reader *r, uint16_t *v)
{
    tc_err e = need(r, 2);

    if (e == TC_ERR_OK) {
        *v = tc_le16(r->p + r->off);
        r->off += 2;
    }
    return e;
}

tc_err tc_read_u32le(struct tc_reader *r, uint32_t *v)
{
    tc_err e = need(r, 4);

    if (e == TC_ERR_OK) {
        *v = tc_le32(r->p + r->off);
        r->off += 4;
    }
    return e;
}

tc_err tc_read_u64le(struct tc_reader *r, uint64_t *v)
{
    tc_err e = need(r, 8);

    if (e == TC_ERR_OK) {
        *v = tc_le64(r->p + r->off);
        r->off += 8;
    }
    return e;
}

tc_err tc_read_u16be(struct tc_reader *r, uint16_t *v)
{
    tc_err e = need(r, 2);

    if (e == TC_ERR_OK) {
        *v = tc_be16(r->p + r->off);
        r->off += 2;
    }
    return e;
}

tc_err tc_read_u32be(struct tc_reader *r, uint32_t *v)
{
    tc_err e = need(r, 4);

    if (e == TC_ERR_OK) {
        *v = tc_be32(r->p + r->off);
        r->off += 4;
    }
    return e;
}

tc_err tc_read_u64be(struct tc_reader *r, uint64_t *v)
{
    tc_err e = need(r, 8);

    if (e == TC_ERR_OK) {
        *v = ((uint64_t)tc_be32(r->p + r->off) << 32) | tc_be32(r->p + r->off + 4);
        r->off += 8;
    }
    return e;
}

tc_err tc_read_bytes(struct tc_reader *r, void *out, size_t n)
{
    tc_err e = need(r, n);

    if (e == TC_ERR_OK && n > 0) {
        memcpy(out, r->p + r->off, n);
        r->off += n;
    }
    return e;
}

tc_err tc_read_ptr(struct tc_reader *r, const uint8_t **out, size_t n)
{
    tc_err e = need(r, n);

    if (e == TC_ERR_OK) {
        *out = r->p + r->off;
        r->off += n;
    }
    return e;
}

tc_err tc_read_skip(struct tc_reader *r, size_t n)
{
    tc_err e = need(r, n);

    if (e == TC_ERR_OK) {
        r->off += n;
    }
    return e;
}

tc_err tc_read_zero(struct tc_reader *r, size_t n, const char *field)
{
    size_t i;
    tc_err e = need(r, n);

    if (e != TC_ERR_OK) {
        return e;
    }
    for (i = 0; i < n; i++) {
        if (r->p[r->off + i] != 0) {
            return tc_fail(TC_ERR_RESERVED, "%s: %s must be zero, byte 0x%02x at offset 0x%zx",
                           name(r), field != NULL ? field : "reserved field", r->p[r->off + i],
                           r->base + r->off + i);
        }
    }
    r->off += n;
    return TC_ERR_OK;
}

tc_err tc_reader_view(const struct tc_reader *r, size_t off, size_t n, struct tc_reader *sub,
                      const char *what)
{
    if (off > r->len || n > r->len - off) {
        return tc_fail(TC_ERR_TRUNCATED, "%s: range [0x%zx, +0x%zx) outside %zu bytes at 0x%zx",
                       what != NULL ? what : name(r), off, n, r->len, r->base);
    }
    sub->p = r->p + off;
    sub->len = n;
    sub->off = 0;
    sub->base = r->base + off;
    sub->what = what != NULL ? what : r->what;
    return TC_ERR_OK;
}

tc_err tc_read_sub(struct tc_reader *r, struct tc_reader *sub, size_t n, const char *what)
{
    tc_err e = tc_reader_view(r, r->off, n, sub, what);

    if (e == TC_ERR_OK) {
        r->off += n;
    }
    return e;
}

tc_err tc_reader_seek(struct tc_reader *r, size_t off)
{
    if (off > r->len) {
        return tc_fail(TC_ERR_TRUNCATED, "%s: offset 0x%zx beyond end (%zu bytes)", name(r),
                       r->base + off, r->len);
    }
    r->off = off;
    return TC_ERR_OK;
}

tc_err tc_reader_end(const struct tc_reader *r)
{
    if (r->off != r->len) {
        return tc_fail(TC_ERR_TRAILING, "%s: %zu unexpected bytes at offset 0x%zx", name(r),
                       r->len - r->off, r->base + r->off);
    }
    return TC_ERR_OK;
}
