/* SPDX-License-Identifier: Apache-2.0 */
/* The bounded reader: every read at every length and offset, and that failures never move it. */
#include <stdint.h>

#include "core/reader.h"
#include "harness.h"

static void test_reads_exhaustive(void)
{
    uint8_t buf[16];
    size_t len, off, i;
    int bad = 0;

    for (i = 0; i < sizeof(buf); i++) {
        buf[i] = (uint8_t)(0x10 + i);
    }
    /* For every buffer length and starting offset, each width either reads the right value
     * or fails with TRUNCATED without moving. */
    for (len = 0; len <= sizeof(buf); len++) {
        for (off = 0; off <= len; off++) {
            static const size_t widths[] = {1, 2, 4, 8};
            size_t w;

            for (w = 0; w < 4; w++) {
                struct tc_reader r;
                size_t n = widths[w];
                uint64_t v = 0;
                tc_err e = TC_ERR_OK;
                int fits = n <= len - off;

                tc_reader_init(&r, buf, len, "t");
                if (tc_reader_seek(&r, off) != TC_ERR_OK) {
                    bad++;
                    continue;
                }
                if (n == 1) {
                    uint8_t x;
                    e = tc_read_u8(&r, &x);
                    v = x;
                } else if (n == 2) {
                    uint16_t x;
                    e = tc_read_u16le(&r, &x);
                    v = x;
                } else if (n == 4) {
                    uint32_t x;
                    e = tc_read_u32le(&r, &x);
                    v = x;
                } else {
                    e = tc_read_u64le(&r, &v);
                }
                if (fits) {
                    uint64_t want = 0;
                    size_t k;

                    for (k = 0; k < n; k++) {
                        want |= (uint64_t)buf[off + k] << (8 * k);
                    }
                    if (e != TC_ERR_OK || v != want || r.off != off + n) {
                        bad++;
                    }
                } else if (e != TC_ERR_TRUNCATED || r.off != off) {
                    bad++;
                }
            }
        }
    }
    CHECK(bad == 0, "little-endian reads at every length/offset/width (%d wrong)", bad);
}

static void test_big_endian(void)
{
    static const uint8_t b[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
    struct tc_reader r;
    uint16_t a;
    uint32_t c;
    uint64_t d;

    tc_reader_init(&r, b, sizeof(b), "be");
    CHECK_OK(tc_read_u16be(&r, &a), "u16be reads");
    CHECK(a == 0x0102, "u16be value");
    CHECK_OK(tc_read_u32be(&r, &c), "u32be reads");
    CHECK(c == 0x03040506, "u32be value");
    CHECK_ERR(tc_read_u32be(&r, &c), TC_ERR_TRUNCATED, "u32be past the end fails");
    CHECK(r.off == 6, "failed read does not move");
    tc_reader_init(&r, b, sizeof(b), "be");
    CHECK_OK(tc_read_u64be(&r, &d), "u64be reads");
    CHECK(d == 0x0102030405060708ull, "u64be value");
    CHECK(tc_reader_remaining(&r) == 0, "nothing remains");
    CHECK_OK(tc_reader_end(&r), "end check passes at the end");
}

static void test_bytes_ptr_skip(void)
{
    uint8_t b[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    uint8_t out[10];
    const uint8_t *p;
    struct tc_reader r;

    tc_reader_init(&r, b, sizeof(b), "bytes");
    CHECK_OK(tc_read_bytes(&r, out, 3), "read 3 bytes");
    CHECK(memcmp(out, b, 3) == 0 && r.off == 3, "bytes copied, moved 3");
    CHECK_OK(tc_read_ptr(&r, &p, 2), "borrow 2 bytes");
    CHECK(p == b + 3 && r.off == 5, "pointer into the buffer");
    CHECK_ERR(tc_read_skip(&r, 6), TC_ERR_TRUNCATED, "skip past the end fails");
    CHECK(r.off == 5, "failed skip does not move");
    CHECK_ERR(tc_read_bytes(&r, out, SIZE_MAX), TC_ERR_TRUNCATED, "SIZE_MAX read cannot overflow");
    CHECK_ERR(tc_read_ptr(&r, &p, SIZE_MAX - 2), TC_ERR_TRUNCATED, "huge borrow cannot overflow");
    CHECK_OK(tc_read_bytes(&r, out, 0), "zero-length read succeeds");
    CHECK_ERR(tc_reader_end(&r), TC_ERR_TRAILING, "end check names trailing bytes");
    CHECK(strstr(tc_err_detail(), "5 unexpected bytes at offset 0x5") != NULL,
          "trailing message gives count and offset: %s", tc_err_detail());
    CHECK_OK(tc_read_skip(&r, 5), "skip to the end");
    CHECK_OK(tc_reader_end(&r), "end check passes");
}

static void test_zero(void)
{
    uint8_t b[8] = {0, 0, 0, 0, 0, 7, 0, 0};
    struct tc_reader r;

    tc_reader_init(&r, b, sizeof(b), "rsv");
    CHECK_OK(tc_read_zero(&r, 5, "reserved1"), "zero bytes accepted");
    CHECK_ERR(tc_read_zero(&r, 2, "reserved2"), TC_ERR_RESERVED, "non-zero byte rejected");
    CHECK(strstr(tc_err_detail(), "reserved2") && strstr(tc_err_detail(), "0x5"),
          "message names the field and offset: %s", tc_err_detail());
    CHECK(r.off == 5, "failed zero check does not move");
    CHECK_ERR(tc_read_zero(&r, 4, "reserved3"), TC_ERR_TRUNCATED, "short reserved is truncated");
}

static void test_sub(void)
{
    uint8_t b[12];
    struct tc_reader r, s, v;
    uint32_t x;
    size_t i;

    for (i = 0; i < sizeof(b); i++) {
        b[i] = (uint8_t)i;
    }
    tc_reader_init(&r, b, sizeof(b), "outer");
    CHECK_OK(tc_read_skip(&r, 2), "skip 2");
    CHECK_OK(tc_read_sub(&r, &s, 6, "inner"), "sub-reader over 6 bytes");
    CHECK(r.off == 8 && s.len == 6 && s.base == 2, "outer moved, inner based at 2");
    CHECK_OK(tc_read_u32le(&s, &x), "read in sub");
    CHECK(x == 0x05040302, "sub reads its own bytes");
    CHECK_ERR(tc_read_u32le(&s, &x), TC_ERR_TRUNCATED, "sub cannot read past its end");
    CHECK(strstr(tc_err_detail(), "inner") && strstr(tc_err_detail(), "0x6"),
          "sub error gives absolute offset: %s", tc_err_detail());
    CHECK_ERR(tc_read_sub(&r, &s, 5, "big"), TC_ERR_TRUNCATED, "sub larger than rest fails");
    CHECK(r.off == 8, "failed sub does not move");
    CHECK_OK(tc_reader_view(&r, 10, 2, &v, "view"), "view at the end");
    CHECK_ERR(tc_reader_view(&r, 11, 2, &v, "view"), TC_ERR_TRUNCATED, "view past the end fails");
    CHECK_ERR(tc_reader_view(&r, 13, 0, &v, "view"), TC_ERR_TRUNCATED, "view start past end");
    CHECK_ERR(tc_reader_view(&r, 4, SIZE_MAX, &v, "view"), TC_ERR_TRUNCATED,
              "view length cannot overflow");
    CHECK_ERR(tc_reader_seek(&r, 13), TC_ERR_TRUNCATED, "seek past end fails");
    CHECK_OK(tc_reader_seek(&r, 12), "seek to the end");
}

static void test_null(void)
{
    struct tc_reader r;
    uint8_t x;

    tc_reader_init(&r, NULL, 100, "null");
    CHECK(r.len == 0, "NULL buffer has no bytes");
    CHECK_ERR(tc_read_u8(&r, &x), TC_ERR_TRUNCATED, "NULL buffer reads fail");
}

int main(void)
{
    test_reads_exhaustive();
    test_big_endian();
    test_bytes_ptr_skip();
    test_zero();
    test_sub();
    test_null();
    return t_done();
}
