/* SPDX-License-Identifier: Apache-2.0 */
/* Errors, hex, base64, buffers, files and time. */
#include <stdint.h>
#include <unistd.h>

#include "harness.h"
#include "trustchain/trustchain.h"

static void test_err(void)
{
    char buf[128];
    int i;

    CHECK(tc_err_exit_code(TC_ERR_OK) == 0, "OK exits 0");
    CHECK(tc_err_exit_code(TC_ERR_SIGNATURE) == 1, "rejected exits 1");
    CHECK(tc_err_exit_code(TC_ERR_USAGE) == 2, "usage exits 2");
    CHECK(tc_err_exit_code(TC_ERR_TRUNCATED) == 3, "malformed exits 3");
    CHECK(tc_err_exit_code(TC_ERR_IO) == 4, "I/O exits 4");
    CHECK(tc_err_exit_code(TC_ERR_INTERNAL) == 70, "internal exits 70");
    CHECK(tc_err_exit_code((tc_err)9999) == 70, "out-of-range error is internal");
    for (i = 0; i < TC_ERR_COUNT_; i++) {
        if (tc_err_name((tc_err)i) == NULL || strncmp(tc_err_name((tc_err)i), "TC_ERR_", 7)) {
            break;
        }
    }
    CHECK(i == TC_ERR_COUNT_, "every error has a name");
    tc_fail(TC_ERR_TRUNCATED, "at %d", 5);
    CHECK(strcmp(tc_err_str(TC_ERR_TRUNCATED, buf, sizeof(buf)), "input truncated: at 5") == 0,
          "message with detail: %s", buf);
    tc_fail_ctx(TC_ERR_TRUNCATED, "report");
    CHECK(strcmp(tc_err_detail(), "report: at 5") == 0, "context prefix: %s", tc_err_detail());
    tc_err_clear();
    CHECK(strcmp(tc_err_str(TC_ERR_IO, buf, sizeof(buf)), "I/O error") == 0, "no detail");
}

static void test_hex(void)
{
    uint8_t out[8];
    size_t n = 0;
    char s[17];
    static const uint8_t b[] = {0x00, 0xab, 0xff, 0x10};

    CHECK(strcmp(tc_hex_encode(b, 4, s), "00abff10") == 0, "hex encode");
    CHECK_OK(tc_hex_decode("00ABff10", 8, out, sizeof(out), &n), "hex decode mixed case");
    CHECK(n == 4 && memcmp(out, b, 4) == 0, "hex round trip");
    CHECK_OK(tc_hex_decode("0x0a", 4, out, sizeof(out), &n), "0x prefix accepted");
    CHECK(n == 1 && out[0] == 0x0a, "0x value");
    CHECK_ERR(tc_hex_decode("abc", 3, out, sizeof(out), &n), TC_ERR_ENCODING, "odd length");
    CHECK_ERR(tc_hex_decode("zz", 2, out, sizeof(out), &n), TC_ERR_ENCODING, "bad digit");
    CHECK_ERR(tc_hex_decode("001122334455667788", 18, out, sizeof(out), &n), TC_ERR_TOO_LARGE,
              "over max");
}

static void test_b64(void)
{
    /* RFC 4648 section 10 vectors. */
    static const char *plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *std[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    static const char *url[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
    int i, good = 1;
    uint8_t *d;
    size_t n;
    char *s;

    for (i = 0; i < 7; i++) {
        if (tc_b64_encode((const uint8_t *)plain[i], strlen(plain[i]), 0, &s) != TC_ERR_OK) {
            good = 0;
            continue;
        }
        good &= strcmp(s, std[i]) == 0;
        free(s);
        if (tc_b64_encode((const uint8_t *)plain[i], strlen(plain[i]), 1, &s) != TC_ERR_OK) {
            good = 0;
            continue;
        }
        good &= strcmp(s, url[i]) == 0;
        free(s);
        if (tc_b64_decode(std[i], strlen(std[i]), 64, &d, &n) != TC_ERR_OK) {
            good = 0;
            continue;
        }
        good &= n == strlen(plain[i]) && memcmp(d, plain[i], n) == 0;
        free(d);
        if (tc_b64_decode(url[i], strlen(url[i]), 64, &d, &n) != TC_ERR_OK) {
            good = 0;
            continue;
        }
        good &= n == strlen(plain[i]) && memcmp(d, plain[i], n) == 0;
        free(d);
    }
    CHECK(good, "RFC 4648 vectors, standard and URL-safe, both ways");
    CHECK_ERR(tc_b64_decode("Zm9v!", 5, 64, &d, &n), TC_ERR_ENCODING, "invalid character");
    CHECK_ERR(tc_b64_decode("Z", 1, 64, &d, &n), TC_ERR_ENCODING, "impossible length");
    CHECK_ERR(tc_b64_decode("Zh==", 4, 64, &d, &n), TC_ERR_ENCODING, "non-canonical bits");
    CHECK_ERR(tc_b64_decode("Zm9vYmFy", 8, 5, &d, &n), TC_ERR_TOO_LARGE, "over max");
    CHECK_OK(tc_b64_decode("_-8", 3, 8, &d, &n), "url alphabet decodes");
    CHECK(n == 2 && d[0] == 0xff && d[1] == 0xef, "url alphabet value");
    free(d);
}

static void test_buf(void)
{
    struct tc_buf b;

    tc_buf_init(&b, 10);
    CHECK_OK(tc_buf_append(&b, "hello", 5), "append within cap");
    CHECK_OK(tc_buf_printf(&b, "%d", 1234), "printf within cap");
    CHECK(b.len == 9 && strcmp((char *)b.data, "hello1234") == 0, "contents");
    CHECK_ERR(tc_buf_append(&b, "xx", 2), TC_ERR_TOO_LARGE, "append over cap fails");
    CHECK(b.len == 9, "failed append leaves the buffer");
    CHECK_ERR(tc_buf_printf(&b, "%s", "yy"), TC_ERR_TOO_LARGE, "printf over cap fails");
    tc_buf_free(&b);
    CHECK(b.data == NULL && b.len == 0, "freed");
}

static void test_file(void)
{
    char path[] = "/tmp/tc-test-XXXXXX";
    int fd = mkstemp(path);
    uint8_t *d = NULL;
    size_t n = 0;

    if (!CHECK(fd >= 0, "temp file")) {
        return;
    }
    close(fd);
    CHECK_OK(tc_file_write(path, "abcdef", 6, 0600), "atomic write");
    CHECK_OK(tc_file_read(path, 6, &d, &n), "read at exactly the cap");
    CHECK(n == 6 && memcmp(d, "abcdef", 6) == 0, "read contents");
    free(d);
    CHECK_ERR(tc_file_read(path, 5, &d, &n), TC_ERR_TOO_LARGE, "file over cap refused");
    unlink(path);
    CHECK_ERR(tc_file_read(path, 5, &d, &n), TC_ERR_IO, "missing file is an I/O error");
    CHECK_ERR(tc_file_read("/tmp", 5, &d, &n), TC_ERR_IO, "directory is an I/O error");
}

static void test_time(void)
{
    time_t t = 0;
    char buf[32];

    CHECK_OK(tc_time_parse("2025-07-19T10:00:34Z", &t), "parse Z time");
    CHECK(t == 1752919234, "value of 2025-07-19T10:00:34Z (%lld)", (long long)t);
    CHECK_OK(tc_time_parse("2025-07-19T12:00:34.5+02:00", &t), "parse offset time");
    CHECK(t == 1752919234, "offset applied");
    CHECK_OK(tc_time_parse("1970-01-01", &t), "date only");
    CHECK(t == 0, "epoch");
    CHECK_OK(tc_time_parse("2024-02-29T00:00:00Z", &t), "leap day");
    CHECK_OK(tc_time_parse("@1700000000", &t), "unix seconds");
    CHECK(t == 1700000000, "unix value");
    CHECK_ERR(tc_time_parse("2023-02-29T00:00:00Z", &t), TC_ERR_USAGE, "not a leap year");
    CHECK_ERR(tc_time_parse("2025-13-01", &t), TC_ERR_USAGE, "month 13");
    CHECK_ERR(tc_time_parse("2025-07-19T10:00:34", &t), TC_ERR_USAGE, "no zone");
    CHECK_ERR(tc_time_parse("2025-07-19Tjunk", &t), TC_ERR_USAGE, "junk");
    CHECK(strcmp(tc_time_format(1752919234, buf, sizeof(buf)), "2025-07-19T10:00:34Z") == 0,
          "format");
}

int main(void)
{
    test_err();
    test_hex();
    test_b64();
    test_buf();
    test_file();
    test_time();
    return t_done();
}
