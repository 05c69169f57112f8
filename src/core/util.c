/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "trustchain/util.h"

/* ---- hex ---- */

char *tc_hex_encode(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0xf];
    }
    out[2 * n] = '\0';
    return out;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

tc_err tc_hex_decode(const char *s, size_t slen, uint8_t *out, size_t max, size_t *outlen)
{
    size_t i, n;

    if (slen >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        slen -= 2;
    }
    if (slen % 2 != 0) {
        return tc_fail(TC_ERR_ENCODING, "hex string has an odd number of digits (%zu)", slen);
    }
    n = slen / 2;
    if (n > max) {
        return tc_fail(TC_ERR_TOO_LARGE, "hex string is %zu bytes, at most %zu allowed", n, max);
    }
    for (i = 0; i < n; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            return tc_fail(TC_ERR_ENCODING, "invalid hex digit at position %zu",
                           2 * i + (hi < 0 ? 0 : 1));
        }
        out[i] = (uint8_t)((hi << 4) | lo);
    }
    *outlen = n;
    return TC_ERR_OK;
}

/* ---- base64 ---- */

tc_err tc_b64_encode(const uint8_t *in, size_t n, int url, char **out)
{
    static const char std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char *a = url ? safe : std;
    size_t i, o = 0, outcap;
    char *s;

    if (n > (SIZE_MAX - 4) / 4 * 3) {
        return tc_fail(TC_ERR_TOO_LARGE, "base64 input too large");
    }
    outcap = (n + 2) / 3 * 4 + 1;
    s = malloc(outcap);
    if (s == NULL) {
        return tc_fail(TC_ERR_NOMEM, "base64: %zu bytes", outcap);
    }
    for (i = 0; i + 2 < n; i += 3) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];

        s[o++] = a[(v >> 18) & 63];
        s[o++] = a[(v >> 12) & 63];
        s[o++] = a[(v >> 6) & 63];
        s[o++] = a[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)in[i] << 16;

        if (i + 1 < n) {
            v |= (uint32_t)in[i + 1] << 8;
        }
        s[o++] = a[(v >> 18) & 63];
        s[o++] = a[(v >> 12) & 63];
        if (i + 1 < n) {
            s[o++] = a[(v >> 6) & 63];
        } else if (!url) {
            s[o++] = '=';
        }
        if (!url) {
            s[o++] = '=';
        }
    }
    s[o] = '\0';
    *out = s;
    return TC_ERR_OK;
}

static int b64val(char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+' || c == '-') {
        return 62;
    }
    if (c == '/' || c == '_') {
        return 63;
    }
    return -1;
}

tc_err tc_b64_decode(const char *s, size_t slen, size_t max, uint8_t **out, size_t *outlen)
{
    size_t i, o = 0, digits, pad = 0, n;
    uint32_t acc = 0;
    int bits = 0;
    uint8_t *d;

    while (slen > 0 && s[slen - 1] == '=' && pad < 2) {
        slen--;
        pad++;
    }
    digits = slen;
    if (digits % 4 == 1) {
        return tc_fail(TC_ERR_ENCODING, "base64: invalid length %zu", digits);
    }
    if (pad > 0 && (digits + pad) % 4 != 0) {
        return tc_fail(TC_ERR_ENCODING, "base64: bad padding");
    }
    n = digits / 4 * 3 + (digits % 4 == 0 ? 0 : digits % 4 - 1);
    if (n > max) {
        return tc_fail(TC_ERR_TOO_LARGE, "base64: decodes to %zu bytes, at most %zu allowed", n,
                       max);
    }
    d = malloc(n > 0 ? n : 1);
    if (d == NULL) {
        return tc_fail(TC_ERR_NOMEM, "base64: %zu bytes", n);
    }
    for (i = 0; i < digits; i++) {
        int v = b64val(s[i]);

        if (v < 0) {
            free(d);
            return tc_fail(TC_ERR_ENCODING, "base64: invalid character at position %zu", i);
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            d[o++] = (uint8_t)(acc >> bits);
        }
    }
    /* Leftover bits must be zero (canonical encoding). */
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
        free(d);
        return tc_fail(TC_ERR_ENCODING, "base64: non-zero trailing bits");
    }
    *out = d;
    *outlen = o;
    return TC_ERR_OK;
}

/* ---- files ---- */

tc_err tc_file_read(const char *path, size_t max, uint8_t **data, size_t *len)
{
    int fd, own = 0;
    struct stat st;
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    tc_err e = TC_ERR_OK;

    if (strcmp(path, "-") == 0) {
        fd = STDIN_FILENO;
    } else {
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            return tc_fail(TC_ERR_IO, "%s: %s", path, strerror(errno));
        }
        own = 1;
    }
    if (fstat(fd, &st) != 0) {
        e = tc_fail(TC_ERR_IO, "%s: %s", path, strerror(errno));
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        e = tc_fail(TC_ERR_IO, "%s: is a directory", path);
        goto out;
    }
    if (S_ISREG(st.st_mode)) {
        if ((uintmax_t)st.st_size > max) {
            e = tc_fail(TC_ERR_TOO_LARGE, "%s: %jd bytes, at most %zu allowed", path,
                        (intmax_t)st.st_size, max);
            goto out;
        }
        cap = (size_t)st.st_size + 1;
    } else {
        cap = 65536;
    }
    for (;;) {
        ssize_t r;

        if (n == cap) {
            size_t ncap = cap * 2;
            uint8_t *nb;

            if (ncap > max + 1) {
                ncap = max + 1;
            }
            if (ncap <= cap) {
                e = tc_fail(TC_ERR_TOO_LARGE, "%s: more than %zu bytes", path, max);
                goto out;
            }
            nb = realloc(buf, ncap);
            if (nb == NULL) {
                e = tc_fail(TC_ERR_NOMEM, "%s: %zu bytes", path, ncap);
                goto out;
            }
            buf = nb;
            cap = ncap;
        }
        if (buf == NULL) {
            buf = malloc(cap);
            if (buf == NULL) {
                e = tc_fail(TC_ERR_NOMEM, "%s: %zu bytes", path, cap);
                goto out;
            }
        }
        r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            e = tc_fail(TC_ERR_IO, "%s: %s", path, strerror(errno));
            goto out;
        }
        if (r == 0) {
            break;
        }
        n += (size_t)r;
        if (n > max) {
            e = tc_fail(TC_ERR_TOO_LARGE, "%s: more than %zu bytes", path, max);
            goto out;
        }
    }
    *data = buf;
    *len = n;
    buf = NULL;
out:
    free(buf);
    if (own) {
        close(fd);
    }
    return e;
}

tc_err tc_file_write(const char *path, const void *data, size_t len, int mode)
{
    char tmp[PATH_MAX];
    const uint8_t *p = data;
    int fd;
    size_t off = 0;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
        return tc_fail(TC_ERR_IO, "%s: path too long", path);
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        return tc_fail(TC_ERR_IO, "%s: %s", tmp, strerror(errno));
    }
    while (off < len) {
        ssize_t w = write(fd, p + off, len - off);

        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            goto fail;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0) {
        goto fail;
    }
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    if (rename(tmp, path) != 0) {
        fd = -1;
        goto fail;
    }
    return TC_ERR_OK;
fail : {
    int err = errno;

    if (fd >= 0) {
        close(fd);
    }
    unlink(tmp);
    return tc_fail(TC_ERR_IO, "%s: %s", path, strerror(err));
}
}

/* ---- buffer ---- */

#define TC_BUF_DEFAULT_MAX ((size_t)64 << 20)

void tc_buf_init(struct tc_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max != 0 ? max : TC_BUF_DEFAULT_MAX;
}

static tc_err buf_reserve(struct tc_buf *b, size_t n)
{
    size_t want, ncap;
    uint8_t *nd;

    if (n > b->max - b->len) {
        return tc_fail(TC_ERR_TOO_LARGE, "buffer would exceed its cap of %zu bytes", b->max);
    }
    want = b->len + n + 1; /* room for a terminating NUL */
    if (want <= b->cap) {
        return TC_ERR_OK;
    }
    ncap = b->cap != 0 ? b->cap : 256;
    while (ncap < want) {
        ncap = ncap > SIZE_MAX / 2 ? want : ncap * 2;
    }
    /* Grow by copy so old contents can be wiped (buffers may hold secrets). */
    nd = malloc(ncap);
    if (nd == NULL) {
        return tc_fail(TC_ERR_NOMEM, "buffer: %zu bytes", ncap);
    }
    if (b->data != NULL) {
        memcpy(nd, b->data, b->len);
        tc_free_secret(b->data, b->cap);
    }
    b->data = nd;
    b->cap = ncap;
    return TC_ERR_OK;
}

tc_err tc_buf_append(struct tc_buf *b, const void *p, size_t n)
{
    tc_err e = buf_reserve(b, n);

    if (e != TC_ERR_OK) {
        return e;
    }
    if (n > 0) {
        memcpy(b->data + b->len, p, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
    return TC_ERR_OK;
}

tc_err tc_buf_printf(struct tc_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    tc_err e;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return tc_fail(TC_ERR_INTERNAL, "buffer: format failed");
    }
    e = buf_reserve(b, (size_t)n);
    if (e != TC_ERR_OK) {
        return e;
    }
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return TC_ERR_OK;
}

void tc_buf_free(struct tc_buf *b)
{
    tc_free_secret(b->data, b->cap);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

/* ---- secrets ---- */

void tc_wipe(void *p, size_t n)
{
    if (p != NULL && n > 0) {
        OPENSSL_cleanse(p, n);
    }
}

void tc_free_secret(void *p, size_t n)
{
    tc_wipe(p, n);
    free(p);
}

/* ---- time ---- */

static int parse_digits(const char **s, int n, int *out)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if ((*s)[i] < '0' || (*s)[i] > '9') {
            return -1;
        }
        v = v * 10 + ((*s)[i] - '0');
    }
    *s += n;
    *out = v;
    return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

tc_err tc_time_parse(const char *s, time_t *out)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
    int64_t t;

    if (s[0] == '@') {
        char *end;
        long long v;

        errno = 0;
        v = strtoll(s + 1, &end, 10);
        if (errno != 0 || end == s + 1 || *end != '\0') {
            goto bad;
        }
        *out = (time_t)v;
        return TC_ERR_OK;
    }
    if (parse_digits(&p, 4, &y) || *p++ != '-' || parse_digits(&p, 2, &mo) || *p++ != '-' ||
        parse_digits(&p, 2, &d)) {
        goto bad;
    }
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (parse_digits(&p, 2, &h) || *p++ != ':' || parse_digits(&p, 2, &mi) || *p++ != ':' ||
            parse_digits(&p, 2, &sec)) {
            goto bad;
        }
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9') {
                goto bad;
            }
            while (*p >= '0' && *p <= '9') {
                p++;
            }
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            sign = *p == '+' ? 1 : -1;
            p++;
            if (parse_digits(&p, 2, &oh) || *p++ != ':' || parse_digits(&p, 2, &om)) {
                goto bad;
            }
        } else {
            goto bad;
        }
    }
    if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
        sec > 60 || oh > 23 || om > 59) {
        goto bad;
    }
    if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
        goto bad;
    }
    t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec;
    t -= (int64_t)sign * (oh * 3600 + om * 60);
    *out = (time_t)t;
    return TC_ERR_OK;
bad:
    return tc_fail(TC_ERR_USAGE, "invalid time '%s' (expected RFC 3339, e.g. 2025-07-19T10:00:00Z)",
                   s);
}

const char *tc_time_format(time_t t, char *buf, size_t len)
{
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        snprintf(buf, len, "@%lld", (long long)t);
    }
    return buf;
}
