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

#include <openssl/x509.h>

#include "core/http.h"
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

static tc_err fetch(const struct tc_snp_kds_opts *o, const char *path, uint8_t **data, size_t *len)
{
    char url[1024];
    const char *base = o->base_url != NULL ? o->base_url : TC_SNP_KDS_URL;
    struct tc_http_req req = {
        .url = url,
        .protocols = "https,http,file",
        .timeout_s = o->timeout_s > 0 ? o->timeout_s : 30L,
        .max_body = KDS_MAX_ANSWER,
        /* AMD's KDS rate-limits (HTTP 429): retry with back-off, honouring Retry-After. */
        .retries = (o->max_retries != 0 ? o->max_retries : 4) - 1,
        .backoff_ms = o->backoff_ms != 0 ? o->backoff_ms : 1000,
        .max_delay_ms = KDS_MAX_DELAY_MS,
    };
    struct tc_http_resp resp;
    tc_err e;

    if (snprintf(url, sizeof(url), "%s/%s", base, path) >= (int)sizeof(url)) {
        return tc_fail(TC_ERR_USAGE, "KDS URL too long");
    }
    e = tc_http_do(&req, &resp);
    if (e != TC_ERR_OK) {
        tc_http_resp_free(&resp);
        return tc_fail_ctx(e, "KDS");
    }
    if (resp.status == 200 || resp.status == 0 /* file:// */) {
        *data = resp.body.data; /* ownership moves to the caller */
        *len = resp.body.len;
        return TC_ERR_OK;
    }
    e = resp.status == 404
            ? tc_fail(TC_ERR_NOT_FOUND, "KDS %s: HTTP 404", url)
            : tc_fail(TC_ERR_NETWORK, "KDS %s: HTTP %ld%s", url, resp.status,
                      resp.status == 429 ? " (rate limited; retries exhausted)" : "");
    tc_http_resp_free(&resp);
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
