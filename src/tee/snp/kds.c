/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AMD Key Distribution Service collateral (VCEK/VLEK spec #57230, "KDS Interface"): URL layout,
 * a cache directory that mirrors it, and fetching with libcurl, with back-off on HTTP 429 (the
 * KDS rate-limits) and 503.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/x509.h>

#include "tee/snp/snp_internal.h"
#include "trustchain/snp.h"
#include "trustchain/util.h"

#define KDS_MAX_ANSWER ((size_t)1 << 20) /* a chain is ~5 KB; a CRL a few KB */
#define KDS_MAX_DELAY_MS 60000u

tc_err tc_snp_kds_default_cache_dir(char *buf, size_t len)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n;

    if (xdg != NULL && xdg[0] == '/') {
        n = snprintf(buf, len, "%s/trustchain/amd", xdg);
    } else if (home != NULL && home[0] != '\0') {
        n = snprintf(buf, len, "%s/.cache/trustchain/amd", home);
    } else {
        return tc_fail(TC_ERR_NOT_FOUND, "no cache directory: neither XDG_CACHE_HOME nor HOME set");
    }
    if (n < 0 || (size_t)n >= len) {
        return tc_fail(TC_ERR_IO, "cache directory path too long");
    }
    return TC_ERR_OK;
}

static tc_err known(enum tc_snp_product p)
{
    if (p == TC_SNP_PRODUCT_UNKNOWN) {
        return tc_fail(TC_ERR_UNSUPPORTED, "KDS: unknown product");
    }
    return TC_ERR_OK;
}

static tc_err fit(int n, size_t len)
{
    if (n < 0 || (size_t)n >= len) {
        return tc_fail(TC_ERR_INTERNAL, "KDS path buffer too small");
    }
    return TC_ERR_OK;
}

tc_err tc_snp_kds_vcek_path(enum tc_snp_product p, const uint8_t chip_id[64],
                            const struct tc_snp_tcb *tcb, char *buf, size_t len)
{
    char hw[129];
    tc_err e = known(p);

    if (e != TC_ERR_OK) {
        return e;
    }
    if (p == TC_SNP_PRODUCT_TURIN) {
        /* Turin: the hwID is the first 8 bytes of CHIP_ID, and fmcSPL comes first. */
        tc_hex_encode(chip_id, 8, hw);
        return fit(snprintf(buf, len,
                            "vcek/v1/%s/%s?fmcSPL=%u&blSPL=%u&teeSPL=%u&snpSPL=%u&"
                            "ucodeSPL=%u",
                            tc_snp_product_name(p), hw, tcb->fmc, tcb->bootloader, tcb->tee,
                            tcb->snp, tcb->microcode),
                   len);
    }
    tc_hex_encode(chip_id, 64, hw);
    return fit(snprintf(buf, len, "vcek/v1/%s/%s?blSPL=%u&teeSPL=%u&snpSPL=%u&ucodeSPL=%u",
                        tc_snp_product_name(p), hw, tcb->bootloader, tcb->tee, tcb->snp,
                        tcb->microcode),
               len);
}

tc_err tc_snp_kds_chain_path(enum tc_snp_product p, int vlek, char *buf, size_t len)
{
    tc_err e = known(p);

    if (e != TC_ERR_OK) {
        return e;
    }
    return fit(
        snprintf(buf, len, "%s/v1/%s/cert_chain", vlek ? "vlek" : "vcek", tc_snp_product_name(p)),
        len);
}

tc_err tc_snp_kds_crl_path(enum tc_snp_product p, int vlek, char *buf, size_t len)
{
    tc_err e = known(p);

    if (e != TC_ERR_OK) {
        return e;
    }
    return fit(snprintf(buf, len, "%s/v1/%s/crl", vlek ? "vlek" : "vcek", tc_snp_product_name(p)),
               len);
}

/* KDS paths are ours (product names, hex, digits): refuse anything else reaching the disk. */
static tc_err path_ok(const char *path)
{
    const char *s;

    if (path[0] == '/' || path[0] == '\0' || strstr(path, "..") != NULL) {
        return tc_fail(TC_ERR_USAGE, "KDS path '%s' not allowed", path);
    }
    for (s = path; *s != '\0'; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '/' || *s == '?' || *s == '&' || *s == '=' || *s == '_' || *s == '.' ||
              *s == '-')) {
            return tc_fail(TC_ERR_USAGE, "KDS path '%s' has a character not allowed", path);
        }
    }
    return TC_ERR_OK;
}

tc_err tc_snp_kds_cache_file(const struct tc_snp_kds_opts *o, const char *path, char *buf,
                             size_t len)
{
    size_t i, n;
    tc_err e = path_ok(path);

    if (e != TC_ERR_OK) {
        return e;
    }
    if (o == NULL || o->cache_dir == NULL) {
        return tc_fail(TC_ERR_NOT_FOUND, "no cache directory");
    }
    if (fit(snprintf(buf, len, "%s/%s", o->cache_dir, path), len) != TC_ERR_OK) {
        return tc_fail(TC_ERR_IO, "cache path too long");
    }
    n = strlen(buf);
    for (i = strlen(o->cache_dir); i < n; i++) {
        if (buf[i] == '?' || buf[i] == '&') {
            buf[i] = '_';
        }
    }
    return TC_ERR_OK;
}

static tc_err mkdirs(const char *file)
{
    char dir[PATH_MAX];
    char *s;

    if (snprintf(dir, sizeof(dir), "%s", file) >= (int)sizeof(dir)) {
        return tc_fail(TC_ERR_IO, "%s: path too long", file);
    }
    s = strrchr(dir, '/');
    if (s == NULL) {
        return TC_ERR_OK;
    }
    *s = '\0';
    for (s = dir + 1; *s != '\0'; s++) {
        if (*s == '/') {
            *s = '\0';
            if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
                return tc_fail(TC_ERR_IO, "%s: %s", dir, strerror(errno));
            }
            *s = '/';
        }
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        return tc_fail(TC_ERR_IO, "%s: %s", dir, strerror(errno));
    }
    return TC_ERR_OK;
}

/* What the KDS answers for this path must at least parse before it is kept. */
static int answer_ok(const char *path, const uint8_t *d, size_t len)
{
    const unsigned char *q = d;

    if (strstr(path, "/cert_chain") != NULL) {
        return len > 10 && memmem(d, len, "-----BEGIN CERTIFICATE-----", 27) != NULL;
    }
    if (strstr(path, "/crl") != NULL) {
        X509_CRL *c = d2i_X509_CRL(NULL, &q, (long)len);
        int ok = c != NULL && (size_t)(q - d) == len;

        X509_CRL_free(c);
        return ok;
    }
    {
        X509 *x = d2i_X509(NULL, &q, (long)len);
        int ok = x != NULL && (size_t)(q - d) == len;

        X509_free(x);
        return ok;
    }
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct answer {
    struct tc_buf body;
    long retry_after_s; /* -1 if absent */
};

static size_t on_body(char *p, size_t size, size_t nmemb, void *arg)
{
    struct answer *a = arg;

    if (tc_buf_append(&a->body, p, size * nmemb) != TC_ERR_OK) {
        return 0; /* over the cap: abort the transfer */
    }
    return size * nmemb;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *arg)
{
    struct answer *a = arg;
    size_t n = size * nmemb;
    static const char key[] = "retry-after:";

    if (n > sizeof(key) - 1 && strncasecmp(p, key, sizeof(key) - 1) == 0) {
        char v[32];
        size_t i = sizeof(key) - 1, j = 0;

        while (i < n && (p[i] == ' ' || p[i] == '\t')) {
            i++;
        }
        while (i < n && j < sizeof(v) - 1 && p[i] >= '0' && p[i] <= '9') {
            v[j++] = p[i++];
        }
        v[j] = '\0';
        if (j > 0 && j < 7) {
            a->retry_after_s = strtol(v, NULL, 10);
        }
    }
    return n;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static tc_err fetch(const struct tc_snp_kds_opts *o, const char *path, uint8_t **data, size_t *len)
{
    char url[1024];
    const char *base = o->base_url != NULL ? o->base_url : TC_SNP_KDS_URL;
    unsigned tries = o->max_retries != 0 ? o->max_retries : 4, attempt;
    unsigned delay = o->backoff_ms != 0 ? o->backoff_ms : 1000;
    CURL *h = NULL;
    tc_err e = TC_ERR_NETWORK;

    if (snprintf(url, sizeof(url), "%s/%s", base, path) >= (int)sizeof(url)) {
        return tc_fail(TC_ERR_USAGE, "KDS URL too long");
    }
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK) {
        return tc_fail(TC_ERR_INTERNAL, "libcurl: %s", curl_easy_strerror(curl_init_rc));
    }
    h = curl_easy_init();
    if (h == NULL) {
        return tc_fail(TC_ERR_NOMEM, "libcurl handle");
    }
    for (attempt = 0;; attempt++) {
        struct answer a;
        CURLcode rc;
        long code = 0;

        tc_buf_init(&a.body, KDS_MAX_ANSWER);
        a.retry_after_s = -1;
        curl_easy_reset(h);
        if (curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK ||
            curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http,file") != CURLE_OK ||
            curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
            curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
            curl_easy_setopt(h, CURLOPT_TIMEOUT, o->timeout_s > 0 ? o->timeout_s : 30L) !=
                CURLE_OK ||
            curl_easy_setopt(h, CURLOPT_USERAGENT, "trustchain") != CURLE_OK ||
            curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK ||
            curl_easy_setopt(h, CURLOPT_WRITEDATA, &a) != CURLE_OK ||
            curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK ||
            curl_easy_setopt(h, CURLOPT_HEADERDATA, &a) != CURLE_OK) {
            tc_buf_free(&a.body);
            e = tc_fail(TC_ERR_INTERNAL, "libcurl: cannot set options");
            break;
        }
        rc = curl_easy_perform(h);
        if (rc == CURLE_OK) {
            (void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        }
        if (rc == CURLE_OK && (code == 200 || code == 0 /* file:// */)) {
            *data = a.body.data; /* ownership moves to the caller */
            *len = a.body.len;
            e = TC_ERR_OK;
            break;
        }
        tc_buf_free(&a.body);
        if (rc != CURLE_OK) {
            e = tc_fail(rc == CURLE_WRITE_ERROR ? TC_ERR_TOO_LARGE : TC_ERR_NETWORK, "KDS %s: %s",
                        url, curl_easy_strerror(rc));
            break;
        }
        if (code == 404) {
            e = tc_fail(TC_ERR_NOT_FOUND, "KDS %s: HTTP 404", url);
            break;
        }
        if ((code != 429 && code != 503) || attempt + 1 >= tries) {
            e = tc_fail(TC_ERR_NETWORK, "KDS %s: HTTP %ld%s", url, code,
                        code == 429 ? " (rate limited; retries exhausted)" : "");
            break;
        }
        /* Rate limited: wait (at least what Retry-After asks, within a cap), then again. */
        {
            unsigned wait = delay;

            if (a.retry_after_s >= 0 && (unsigned long)a.retry_after_s * 1000 > wait) {
                wait = (unsigned)((unsigned long)a.retry_after_s * 1000);
            }
            sleep_ms(wait < KDS_MAX_DELAY_MS ? wait : KDS_MAX_DELAY_MS);
            delay = delay < KDS_MAX_DELAY_MS / 2 ? delay * 2 : KDS_MAX_DELAY_MS;
        }
    }
    curl_easy_cleanup(h);
    return e;
}

tc_err tc_snp_kds_get(const struct tc_snp_kds_opts *o, const char *path, int flags, uint8_t **data,
                      size_t *len)
{
    char file[PATH_MAX];
    int have_cache;
    tc_err e = path_ok(path);

    *data = NULL;
    *len = 0;
    if (e != TC_ERR_OK) {
        return e;
    }
    have_cache =
        o->cache_dir != NULL && tc_snp_kds_cache_file(o, path, file, sizeof(file)) == TC_ERR_OK;
    if (have_cache && !(flags & TC_SNP_KDS_REFRESH)) {
        e = tc_file_read(file, KDS_MAX_ANSWER, data, len);
        if (e == TC_ERR_OK) {
            return TC_ERR_OK;
        }
    }
    if (o->offline) {
        return tc_fail(TC_ERR_OFFLINE, "%s is not in the cache%s%s and the network is off", path,
                       have_cache ? " " : "", have_cache ? o->cache_dir : "");
    }
    e = fetch(o, path, data, len);
    if (e != TC_ERR_OK) {
        return e;
    }
    if (!answer_ok(path, *data, *len)) {
        free(*data);
        *data = NULL;
        *len = 0;
        return tc_fail(TC_ERR_MALFORMED, "KDS %s: the answer is not what was asked for", path);
    }
    if (have_cache) {
        /* A cache that cannot be written only costs a later fetch. */
        if (mkdirs(file) != TC_ERR_OK || tc_file_write(file, *data, *len, 0644) != TC_ERR_OK) {
            tc_err_clear();
        }
    }
    return TC_ERR_OK;
}
