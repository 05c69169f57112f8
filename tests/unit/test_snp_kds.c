/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AMD KDS collateral without the network: a loopback HTTP server in this test answers with
 * scripted statuses (429 then 200, 404, ...), a file:// URL, and the cache directory.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "support/snp_synth.h"
#include "trustchain/snp.h"
#include "trustchain/util.h"

/* ---- a one-connection-at-a-time HTTP/1.0 server on 127.0.0.1 ---- */

#define MAX_SCRIPT 8
#define MAX_ROUTES 4

struct route {
    char path[600]; /* "/vcek/v1/..." with the query */
    const uint8_t *body;
    size_t len;
};

struct server {
    int fd;
    int port;
    pthread_t th;
    pthread_mutex_t mu;
    int script[MAX_SCRIPT]; /* statuses for the next requests (then routes answer 200/404) */
    size_t n_script, next;
    struct route routes[MAX_ROUTES];
    size_t n_routes;
    int requests;
    char last_path[600];
    int stop;
};

static void reply(int c, int status, const char *extra, const uint8_t *body, size_t len)
{
    char h[256];
    int n = snprintf(h, sizeof(h),
                     "HTTP/1.0 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n", status,
                     len, extra);

    (void)!write(c, h, (size_t)n);
    if (len > 0) {
        (void)!write(c, body, len);
    }
}

static void *serve(void *arg)
{
    struct server *s = arg;

    for (;;) {
        char req[2048], path[600] = "";
        ssize_t n;
        size_t i;
        int c = accept(s->fd, NULL, NULL), status = 0;

        if (c < 0) {
            return NULL;
        }
        pthread_mutex_lock(&s->mu);
        if (s->stop) {
            pthread_mutex_unlock(&s->mu);
            close(c);
            return NULL;
        }
        pthread_mutex_unlock(&s->mu);
        n = read(c, req, sizeof(req) - 1);
        req[n > 0 ? n : 0] = '\0';
        if (sscanf(req, "GET %599s ", path) != 1) {
            close(c);
            continue;
        }
        pthread_mutex_lock(&s->mu);
        s->requests++;
        snprintf(s->last_path, sizeof(s->last_path), "%s", path);
        if (s->next < s->n_script) {
            status = s->script[s->next++];
        }
        pthread_mutex_unlock(&s->mu);
        if (status == 429) {
            reply(c, 429, "Retry-After: 0\r\n", (const uint8_t *)"slow down", 9);
        } else if (status != 0 && status != 200) {
            reply(c, status, "", NULL, 0);
        } else {
            for (i = 0; i < s->n_routes && strcmp(s->routes[i].path, path) != 0; i++) {
            }
            if (i < s->n_routes) {
                reply(c, 200, "", s->routes[i].body, s->routes[i].len);
            } else {
                reply(c, 404, "", NULL, 0);
            }
        }
        close(c);
    }
}

static int server_start(struct server *s)
{
    struct sockaddr_in a;
    socklen_t al = sizeof(a);

    memset(s, 0, sizeof(*s));
    pthread_mutex_init(&s->mu, NULL);
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s->fd, 8) != 0 ||
        getsockname(s->fd, (struct sockaddr *)&a, &al) != 0) {
        return 0;
    }
    s->port = ntohs(a.sin_port);
    return pthread_create(&s->th, NULL, serve, s) == 0;
}

static void server_stop(struct server *s)
{
    int c;
    struct sockaddr_in a;

    pthread_mutex_lock(&s->mu);
    s->stop = 1;
    pthread_mutex_unlock(&s->mu);
    /* Wake accept() with one last connection. */
    c = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)s->port);
    if (c >= 0) {
        (void)!connect(c, (struct sockaddr *)&a, sizeof(a));
        close(c);
    }
    pthread_join(s->th, NULL);
    close(s->fd);
    pthread_mutex_destroy(&s->mu);
}

static void script(struct server *s, const int *st, size_t n)
{
    pthread_mutex_lock(&s->mu);
    if (n > 0) {
        memcpy(s->script, st, n * sizeof(*st));
    }
    s->n_script = n;
    s->next = 0;
    s->requests = 0;
    pthread_mutex_unlock(&s->mu);
}

static int requests(struct server *s)
{
    int n;

    pthread_mutex_lock(&s->mu);
    n = s->requests;
    pthread_mutex_unlock(&s->mu);
    return n;
}

static void rmrf(const char *dir)
{
    char cmd[600];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    (void)!system(cmd);
}

/* ---- tests ---- */

static void test_paths(void)
{
    uint8_t chip[64];
    struct tc_snp_tcb t;
    char p[512], f[512];
    struct tc_snp_kds_opts o = {.cache_dir = "/c"};
    size_t i;

    for (i = 0; i < 64; i++) {
        chip[i] = (uint8_t)i;
    }
    tc_snp_tcb_decode(0x7300000000000403ull, TC_SNP_PRODUCT_MILAN, &t);
    CHECK(tc_snp_kds_vcek_path(TC_SNP_PRODUCT_MILAN, chip, &t, p, sizeof(p)) == TC_ERR_OK &&
              strncmp(p, "vcek/v1/Milan/000102030405", 26) == 0 &&
              strcmp(p + 14 + 128, "?blSPL=3&teeSPL=4&snpSPL=0&ucodeSPL=115") == 0,
          "Milan VCEK path: 64-byte hwID, four SPLs");
    tc_snp_tcb_decode(0x6100000005020301ull, TC_SNP_PRODUCT_TURIN, &t);
    CHECK(tc_snp_kds_vcek_path(TC_SNP_PRODUCT_TURIN, chip, &t, p, sizeof(p)) == TC_ERR_OK &&
              strcmp(p, "vcek/v1/Turin/0001020304050607?fmcSPL=1&blSPL=3&teeSPL=2&snpSPL=5&"
                        "ucodeSPL=97") == 0,
          "Turin VCEK path: 8-byte hwID, fmcSPL first");
    CHECK_ERR(tc_snp_kds_vcek_path(TC_SNP_PRODUCT_UNKNOWN, chip, &t, p, sizeof(p)),
              TC_ERR_UNSUPPORTED, "no path without a product");
    CHECK_ERR(tc_snp_kds_vcek_path(TC_SNP_PRODUCT_MILAN, chip, &t, p, 20), TC_ERR_INTERNAL,
              "path buffer too small");
    CHECK(tc_snp_kds_chain_path(TC_SNP_PRODUCT_GENOA, 0, p, sizeof(p)) == TC_ERR_OK &&
              strcmp(p, "vcek/v1/Genoa/cert_chain") == 0,
          "VCEK chain path");
    CHECK(tc_snp_kds_chain_path(TC_SNP_PRODUCT_TURIN, 1, p, sizeof(p)) == TC_ERR_OK &&
              strcmp(p, "vlek/v1/Turin/cert_chain") == 0,
          "VLEK chain path");
    CHECK(tc_snp_kds_crl_path(TC_SNP_PRODUCT_MILAN, 1, p, sizeof(p)) == TC_ERR_OK &&
              strcmp(p, "vlek/v1/Milan/crl") == 0,
          "VLEK CRL path");
    CHECK(tc_snp_kds_cache_file(&o, "vcek/v1/Turin/00?fmcSPL=1&blSPL=3", f, sizeof(f)) ==
                  TC_ERR_OK &&
              strcmp(f, "/c/vcek/v1/Turin/00_fmcSPL=1_blSPL=3") == 0,
          "cache file mirrors the path, query folded into the name");
    CHECK_ERR(tc_snp_kds_cache_file(&o, "vcek/../../etc/passwd", f, sizeof(f)), TC_ERR_USAGE,
              "'..' refused");
    CHECK_ERR(tc_snp_kds_cache_file(&o, "/etc/passwd", f, sizeof(f)), TC_ERR_USAGE,
              "absolute path refused");
    CHECK_ERR(tc_snp_kds_cache_file(&o, "vcek/v1/Milan/a b", f, sizeof(f)), TC_ERR_USAGE,
              "space refused");
    setenv("XDG_CACHE_HOME", "/xdg", 1);
    CHECK(tc_snp_kds_default_cache_dir(f, sizeof(f)) == TC_ERR_OK &&
              strcmp(f, "/xdg/trustchain/amd") == 0,
          "default cache under XDG_CACHE_HOME");
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "/home/u", 1);
    CHECK(tc_snp_kds_default_cache_dir(f, sizeof(f)) == TC_ERR_OK &&
              strcmp(f, "/home/u/.cache/trustchain/amd") == 0,
          "default cache ~/.cache/trustchain/amd");
}

static void test_fetch(struct server *s, const struct snp_synth_chain *c)
{
    char base[64], dir[] = "/tmp/tc_kdsXXXXXX", file[1024];
    const uint8_t *der;
    size_t dlen, len = 0;
    uint8_t *data = NULL;
    struct tc_snp_kds_opts o = {0};
    static const int s429[] = {429, 429, 200};
    static const int always429[] = {429, 429, 429, 429, 429, 429};
    static const int s503[] = {503, 200};

    if (mkdtemp(dir) == NULL) {
        CHECK(0, "temp dir");
        return;
    }
    snp_synth_der(c, SNP_SYNTH_VEK, &der, &dlen);
    snprintf(s->routes[0].path, sizeof(s->routes[0].path), "/vcek/v1/Milan/abcd?blSPL=3");
    s->routes[0].body = der;
    s->routes[0].len = dlen;
    snprintf(s->routes[1].path, sizeof(s->routes[1].path), "/vcek/v1/Milan/junk");
    s->routes[1].body = (const uint8_t *)"<html>hello</html>";
    s->routes[1].len = 18;
    s->n_routes = 2;
    snprintf(base, sizeof(base), "http://127.0.0.1:%d", s->port);
    o.base_url = base;
    o.cache_dir = dir;
    o.backoff_ms = 5;
    o.max_retries = 4;
    o.timeout_s = 10;

    /* 429, 429, then 200: retried with back-off, then cached. */
    script(s, s429, 3);
    CHECK_OK(tc_snp_kds_get(&o, "vcek/v1/Milan/abcd?blSPL=3", 0, &data, &len),
             "429, 429, 200: fetched after retries");
    CHECK(data != NULL && len == dlen && memcmp(data, der, dlen) == 0 && requests(s) == 3,
          "three requests, the certificate returned");
    free(data);
    data = NULL;
    CHECK(strcmp(s->last_path, "/vcek/v1/Milan/abcd?blSPL=3") == 0, "the URL as KDS lays it out");
    CHECK(tc_snp_kds_cache_file(&o, "vcek/v1/Milan/abcd?blSPL=3", file, sizeof(file)) ==
                  TC_ERR_OK &&
              access(file, R_OK) == 0,
          "stored in the cache");
    script(s, NULL, 0);
    CHECK(tc_snp_kds_get(&o, "vcek/v1/Milan/abcd?blSPL=3", 0, &data, &len) == TC_ERR_OK &&
              len == dlen && requests(s) == 0,
          "second get served from the cache, no request");
    free(data);
    data = NULL;
    o.offline = 1;
    CHECK(tc_snp_kds_get(&o, "vcek/v1/Milan/abcd?blSPL=3", 0, &data, &len) == TC_ERR_OK &&
              requests(s) == 0,
          "offline: served from the cache");
    free(data);
    data = NULL;
    CHECK_ERR(tc_snp_kds_get(&o, "vcek/v1/Milan/abcd?blSPL=4", 0, &data, &len), TC_ERR_OFFLINE,
              "offline and not cached: refused without a request");
    CHECK(requests(s) == 0, "offline: no request made");
    CHECK_ERR(tc_snp_kds_get(&o, "vcek/v1/Milan/abcd?blSPL=3", TC_SNP_KDS_REFRESH, &data, &len),
              TC_ERR_OFFLINE, "offline refresh refused");
    o.offline = 0;
    /* Refresh bypasses the cache. */
    script(s, NULL, 0);
    CHECK(tc_snp_kds_get(&o, "vcek/v1/Milan/abcd?blSPL=3", TC_SNP_KDS_REFRESH, &data, &len) ==
                  TC_ERR_OK &&
              requests(s) == 1,
          "refresh: fetched again");
    free(data);
    data = NULL;
    /* Rate limited for good: gives up after max_retries attempts. */
    script(s, always429, 6);
    CHECK_ERR(tc_snp_kds_get(&o, "vcek/v1/Milan/abcd?blSPL=9", 0, &data, &len), TC_ERR_NETWORK,
              "429 forever: network error");
    CHECK(requests(s) == 4, "429 forever: exactly max_retries (4) attempts, got %d", requests(s));
    script(s, s503, 2);
    CHECK(tc_snp_kds_get(&o, "vcek/v1/Milan/abcd?blSPL=3", TC_SNP_KDS_REFRESH, &data, &len) ==
                  TC_ERR_OK &&
              requests(s) == 2,
          "503 then 200: retried");
    free(data);
    data = NULL;
    script(s, NULL, 0);
    CHECK_ERR(tc_snp_kds_get(&o, "vcek/v1/Genoa/none", 0, &data, &len), TC_ERR_NOT_FOUND,
              "404: not found");
    CHECK_ERR(tc_snp_kds_get(&o, "vcek/v1/Milan/junk", 0, &data, &len), TC_ERR_MALFORMED,
              "an HTML page instead of a certificate: refused");
    CHECK(tc_snp_kds_cache_file(&o, "vcek/v1/Milan/junk", file, sizeof(file)) == TC_ERR_OK &&
              access(file, F_OK) != 0,
          "the bad answer is not cached");
    /* No cache at all. */
    o.cache_dir = NULL;
    script(s, NULL, 0);
    CHECK(tc_snp_kds_get(&o, "vcek/v1/Milan/abcd?blSPL=3", 0, &data, &len) == TC_ERR_OK &&
              requests(s) == 1,
          "without a cache: fetched");
    free(data);
    data = NULL;
    /* Nothing listening. */
    o.base_url = "http://127.0.0.1:1";
    CHECK_ERR(tc_snp_kds_get(&o, "vcek/v1/Milan/abcd", 0, &data, &len), TC_ERR_NETWORK,
              "connection refused: network error");
    /* file:// works too (a local mirror of the KDS). */
    {
        char url[600], f2[1100];

        snprintf(url, sizeof(url), "file://%s", dir);
        o.base_url = url;
        snprintf(f2, sizeof(f2), "%s/mirror.der", dir);
        CHECK(tc_file_write(f2, der, dlen, 0644) == TC_ERR_OK &&
                  tc_snp_kds_get(&o, "mirror.der", 0, &data, &len) == TC_ERR_OK && len == dlen,
              "file:// base URL");
        free(data);
        data = NULL;
    }
    rmrf(dir);
}

/* tc_snp_verify with nothing but the report: the VCEK and the chain come from the "KDS". */
static void test_verify_online(struct server *s)
{
    struct snp_synth_opts so = {.product = TC_SNP_PRODUCT_TURIN};
    struct snp_synth_chain *c = NULL;
    struct snp_synth_report ro;
    uint8_t raw[TC_SNP_REPORT_SIZE];
    struct tc_snp_report r;
    struct tc_snp_anchor a;
    struct tc_snp_kds_opts k = {0};
    struct tc_snp_verify_opts o;
    struct tc_verdict v;
    char base[64], vpath[256], cpath[128], dir[] = "/tmp/tc_kds2XXXXXX";
    char *pem = NULL;
    size_t plen = 0;
    const uint8_t *der;
    size_t dlen;
    static const int s429[] = {429, 200, 200};

    if (snp_synth_chain_new(&so, &c) != TC_ERR_OK || mkdtemp(dir) == NULL ||
        snp_synth_pem(c, SNP_SYNTH_ASK | SNP_SYNTH_ARK, &pem, &plen) != TC_ERR_OK) {
        CHECK(0, "setup");
        snp_synth_chain_free(c);
        return;
    }
    snp_synth_report_init(c, &ro);
    if (snp_synth_report_sign(c, &ro, raw) != TC_ERR_OK ||
        tc_snp_report_parse(raw, sizeof(raw), &r) != TC_ERR_OK ||
        tc_snp_kds_vcek_path(TC_SNP_PRODUCT_TURIN, r.chip_id, &r.reported_tcb, vpath,
                             sizeof(vpath)) != TC_ERR_OK ||
        tc_snp_kds_chain_path(TC_SNP_PRODUCT_TURIN, 0, cpath, sizeof(cpath)) != TC_ERR_OK) {
        CHECK(0, "report");
        goto out;
    }
    snp_synth_der(c, SNP_SYNTH_VEK, &der, &dlen);
    snprintf(s->routes[0].path, sizeof(s->routes[0].path), "/%s", vpath);
    s->routes[0].body = der;
    s->routes[0].len = dlen;
    snprintf(s->routes[1].path, sizeof(s->routes[1].path), "/%s", cpath);
    s->routes[1].body = (const uint8_t *)pem;
    s->routes[1].len = plen;
    s->n_routes = 2;
    snprintf(base, sizeof(base), "http://127.0.0.1:%d", s->port);
    k.base_url = base;
    k.cache_dir = dir;
    k.backoff_ms = 5;
    snp_synth_anchor(c, &a);
    memset(&o, 0, sizeof(o));
    o.at = SNP_SYNTH_NOW;
    o.kds = &k;
    o.extra_anchors = &a;
    o.n_extra_anchors = 1;
    script(s, s429, 3);
    tc_verdict_init(&v);
    CHECK_OK(tc_snp_verify(&r, &o, &v), "Turin report verified with VCEK and chain from the KDS");
    CHECK(requests(s) == 3, "VCEK (429, then 200) and cert_chain fetched: %d requests",
          requests(s));
    tc_verdict_free(&v);
    k.offline = 1;
    script(s, NULL, 0);
    tc_verdict_init(&v);
    CHECK(tc_snp_verify(&r, &o, &v) == TC_ERR_OK && requests(s) == 0,
          "then offline, from the cache alone");
    tc_verdict_free(&v);
    /* --crl kds: the CRL comes through the cache too; one past its nextUpdate is re-fetched. */
    {
        uint8_t *old_crl = NULL, *new_crl = NULL;
        size_t ol = 0, nl = 0;
        long other = 7;
        char crlpath[128];
        const struct tc_check *ck;
        size_t i;

        if (snp_synth_crl(c, 0, &other, 1, SNP_SYNTH_NOW - 86400 * 60, SNP_SYNTH_NOW - 86400,
                          &old_crl, &ol) == TC_ERR_OK &&
            snp_synth_crl(c, 0, &other, 1, SNP_SYNTH_NOW - 86400, SNP_SYNTH_NOW + 86400 * 30,
                          &new_crl, &nl) == TC_ERR_OK &&
            tc_snp_kds_crl_path(TC_SNP_PRODUCT_TURIN, 0, crlpath, sizeof(crlpath)) == TC_ERR_OK) {
            snprintf(s->routes[2].path, sizeof(s->routes[2].path), "/%s", crlpath);
            s->routes[2].body = old_crl;
            s->routes[2].len = ol;
            s->n_routes = 3;
            k.offline = 0;
            o.fetch_crl = 1;
            script(s, NULL, 0);
            tc_verdict_init(&v);
            CHECK_ERR(tc_snp_verify(&r, &o, &v), TC_ERR_EXPIRED,
                      "KDS CRL past its nextUpdate (fetched, re-fetched): expired");
            CHECK(requests(s) == 2, "stale CRL: fetched twice (%d)", requests(s));
            tc_verdict_free(&v);
            s->routes[2].body = new_crl;
            s->routes[2].len = nl;
            script(s, NULL, 0);
            tc_verdict_init(&v);
            CHECK_OK(tc_snp_verify(&r, &o, &v), "stale cached CRL replaced by a fresh one");
            for (i = 0, ck = NULL; i < v.n; i++) {
                if (strcmp(v.checks[i].name, "revocation.ask") == 0) {
                    ck = &v.checks[i];
                }
            }
            CHECK(ck != NULL && ck->status == TC_CHECK_PASS && requests(s) == 1,
                  "fresh CRL checked: ASK not revoked, one request");
            tc_verdict_free(&v);
            k.offline = 1;
            script(s, NULL, 0);
            tc_verdict_init(&v);
            CHECK(tc_snp_verify(&r, &o, &v) == TC_ERR_OK && requests(s) == 0,
                  "offline: the cached fresh CRL");
            tc_verdict_free(&v);
        } else {
            CHECK(0, "CRLs");
        }
        s->n_routes = 2;
        free(old_crl);
        free(new_crl);
    }
out:
    rmrf(dir);
    free(pem);
    snp_synth_chain_free(c);
}

int main(void)
{
    struct server s;
    struct snp_synth_chain *c = NULL;

    test_paths();
    if (!server_start(&s)) {
        printf("FAIL - loopback server\n");
        return 1;
    }
    if (snp_synth_chain_new(NULL, &c) == TC_ERR_OK) {
        test_fetch(&s, c);
        test_verify_online(&s);
    } else {
        CHECK(0, "synthetic chain");
    }
    snp_synth_chain_free(c);
    server_stop(&s);
    return t_done();
}
