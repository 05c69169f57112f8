/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Collateral from an Intel PCS or a PCCS (Intel PCS API v4), with libcurl,
 * cached on disk in the --collateral-dir layout:
 *   GET <base>/tdx/certification/v4/tcb?fmspc=<FMSPC>   -> tcb_info.json
 *       header TCB-Info-Issuer-Chain                     -> tcb_signing_chain.pem
 *   GET <base>/tdx/certification/v4/qe/identity         -> qe_identity.json
 *       header SGX-Enclave-Identity-Issuer-Chain         -> qe_identity_chain.pem
 *   GET <base>/sgx/certification/v4/pckcrl?ca=<ca>&encoding=der -> pck_crl.der
 *       header SGX-PCK-CRL-Issuer-Chain                  -> pck_crl_chain.pem
 *   root CRL: Intel's CDP (certificates.trustedservices.intel.com) for the PCS,
 *       <base>/sgx/certification/v4/rootcacrl for a PCCS -> root_crl.der
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <openssl/pem.h>

#include "core/http.h"
#include "tee/tdx/tdx_int.h"

#define PCS_DEFAULT "https://api.trustedservices.intel.com"
#define INTEL_ROOT_CRL "https://certificates.trustedservices.intel.com/IntelSGXRootCA.der"
#define RESPONSE_MAX ((size_t)4 << 20)

tc_err tdx_quote_platform(const struct tc_tdx_quote *q, uint8_t fmspc[6], char ca[16])
{
    struct tdx_chain ch;
    struct tdx_pck_ext ext;
    char cn[128];
    tc_err e;

    if (q->pck_cert_type != TC_TDX_CERT_PCK_CHAIN) {
        return tc_fail(TC_ERR_UNSUPPORTED, "quote carries no PCK chain (type %u)",
                       q->pck_cert_type);
    }
    if ((e = tdx_chain_parse(q->pck_chain, q->pck_chain_len, &ch)) != TC_ERR_OK) {
        return tc_fail_ctx(e, "PCK chain");
    }
    if (ch.n < 2) {
        tdx_chain_free(&ch);
        return tc_fail(TC_ERR_MALFORMED, "PCK chain has no CA certificate");
    }
    e = tdx_pck_ext_parse(ch.c[0], &ext);
    if (e == TC_ERR_OK) {
        memcpy(fmspc, ext.fmspc, 6);
        tdx_cn(X509_get_subject_name(ch.c[1]), cn, sizeof(cn));
        snprintf(ca, 16, "%s", strstr(cn, "Processor") != NULL ? "processor" : "platform");
    }
    tdx_chain_free(&ch);
    return e;
}

tc_err tc_tdx_root_key_from_pem(const uint8_t *pem, size_t len, tc_tdx_root_key out)
{
    struct tdx_chain ch;
    tc_err e;

    if ((e = tdx_chain_parse(pem, len, &ch)) != TC_ERR_OK) {
        return e;
    }
    e = tdx_pkey_raw(X509_get0_pubkey(ch.c[ch.n - 1]), out);
    tdx_chain_free(&ch);
    return e;
}

/* ---- HTTP ---- */

/* GET url; capture one response header; anything but 200 is a network failure. */
static tc_err http_get(const char *url, long timeout, const char *capture, struct tc_http_resp *r)
{
    struct tc_http_req req = {
        .url = url,
        .timeout_s = timeout,
        .max_redirects = 3,
        .max_body = RESPONSE_MAX,
        .capture = capture,
    };
    tc_err e = tc_http_do(&req, r);

    if (e == TC_ERR_OK && r->status != 200) {
        e = tc_fail(TC_ERR_NETWORK, "GET %s: HTTP status %ld", url, r->status);
    }
    return e;
}

static tc_err save(const char *dir, const char *name, const void *p, size_t n)
{
    char path[4096];

    if (dir == NULL) {
        return TC_ERR_OK;
    }
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return tc_file_write(path, p, n, 0644);
}

static tc_err mkdirs(const char *path)
{
    char tmp[4096];
    size_t i;

    if (strlen(path) >= sizeof(tmp)) {
        return tc_fail(TC_ERR_USAGE, "cache path too long");
    }
    snprintf(tmp, sizeof(tmp), "%s", path);
    for (i = 1; tmp[i] != '\0'; i++) {
        if (tmp[i] == '/') {
            tmp[i] = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
                return tc_fail(TC_ERR_IO, "%s: %s", tmp, strerror(errno));
            }
            tmp[i] = '/';
        }
    }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
        return tc_fail(TC_ERR_IO, "%s: %s", tmp, strerror(errno));
    }
    return TC_ERR_OK;
}

/* A cached set is fresh when every dated piece is still valid at `at`. */
static int fresh(const struct tc_tdx_collateral *c, time_t at)
{
    time_t t;

    if (at >= c->tcb.next || at < c->tcb.issue) {
        return 0;
    }
    if (c->has_qe && (at >= c->qe.next || at < c->qe.issue)) {
        return 0;
    }
    if (c->pck_crl == NULL || c->root_crl == NULL) {
        return 0;
    }
    if (X509_CRL_get0_nextUpdate(c->pck_crl) == NULL ||
        tdx_asn1_time(X509_CRL_get0_nextUpdate(c->pck_crl), &t) != TC_ERR_OK || at >= t) {
        return 0;
    }
    if (X509_CRL_get0_nextUpdate(c->root_crl) != NULL &&
        (tdx_asn1_time(X509_CRL_get0_nextUpdate(c->root_crl), &t) != TC_ERR_OK || at >= t)) {
        return 0;
    }
    return 1;
}

static tc_err fetch_doc(struct tc_tdx_collateral *c, const char *url, long timeout, int qe,
                        const char *dir)
{
    struct tc_http_resp r;
    size_t hl;
    tc_err e;

    /* PCS v4 names; PCCS and older PCS use the SGX- prefixed TCB header. */
    e = http_get(url, timeout, qe ? "SGX-Enclave-Identity-Issuer-Chain" : "TCB-Info-Issuer-Chain",
                 &r);
    if (e == TC_ERR_OK && r.captured == NULL && !qe) {
        tc_http_resp_free(&r);
        e = http_get(url, timeout, "SGX-TCB-Info-Issuer-Chain", &r);
    }
    if (e != TC_ERR_OK) {
        goto out;
    }
    if ((e = tdx_collateral_set_doc(c, qe, (const char *)r.body.data, r.body.len, NULL)) !=
            TC_ERR_OK ||
        (e = save(dir, qe ? "qe_identity.json" : "tcb_info.json", r.body.data, r.body.len)) !=
            TC_ERR_OK) {
        goto out;
    }
    if (r.captured == NULL) {
        e = qe ? TC_ERR_OK : tc_fail(TC_ERR_NETWORK, "GET %s: no issuer chain header", url);
        goto out;
    }
    hl = tc_url_decode(r.captured);
    if ((e = tdx_collateral_set_chain(c, qe ? TDX_CHAIN_QE : TDX_CHAIN_TCB,
                                      (const uint8_t *)r.captured, hl)) != TC_ERR_OK ||
        (e = save(dir, qe ? "qe_identity_chain.pem" : "tcb_signing_chain.pem", r.captured, hl)) !=
            TC_ERR_OK) {
        goto out;
    }
out:
    tc_http_resp_free(&r);
    return e;
}

static tc_err fetch_crl(struct tc_tdx_collateral *c, const char *url, long timeout, int pck,
                        const char *dir)
{
    struct tc_http_resp r;
    tc_err e;

    if ((e = http_get(url, timeout, pck ? "SGX-PCK-CRL-Issuer-Chain" : NULL, &r)) != TC_ERR_OK ||
        (e = tdx_collateral_set_crl(c, pck, r.body.data, r.body.len)) != TC_ERR_OK ||
        (e = save(dir, pck ? "pck_crl.der" : "root_crl.der", r.body.data, r.body.len)) !=
            TC_ERR_OK) {
        goto out;
    }
    if (pck && r.captured != NULL) {
        size_t hl = tc_url_decode(r.captured);

        if ((e = tdx_collateral_set_chain(c, TDX_CHAIN_PCK_CRL, (const uint8_t *)r.captured, hl)) !=
                TC_ERR_OK ||
            (e = save(dir, "pck_crl_chain.pem", r.captured, hl)) != TC_ERR_OK) {
            goto out;
        }
    }
out:
    tc_http_resp_free(&r);
    return e;
}

tc_err tc_tdx_collateral_fetch(const struct tc_tdx_quote *q, const struct tc_tdx_fetch_opts *o,
                               struct tc_tdx_collateral **out)
{
    const char *base = o->pcs_url != NULL ? o->pcs_url : PCS_DEFAULT;
    long timeout = o->timeout_s > 0 ? o->timeout_s : 30;
    struct tc_tdx_collateral *c = NULL, *cached = NULL;
    char dir[4096], url[4096], fhex[13], ca[16];
    uint8_t fmspc[6];
    size_t bl;
    tc_err e;

    *out = NULL;
    if ((e = tdx_quote_platform(q, fmspc, ca)) != TC_ERR_OK) {
        return e;
    }
    tc_hex_encode(fmspc, 6, fhex);
    dir[0] = '\0';
    if (o->cache_dir != NULL) {
        struct stat st;

        snprintf(dir, sizeof(dir), "%s/%s-%s", o->cache_dir, fhex, ca);
        if (stat(dir, &st) == 0 && tc_tdx_collateral_load_dir(dir, &cached) == TC_ERR_OK) {
            if (fresh(cached, o->at) || o->offline) {
                /* Offline, a stale set is still returned: the verdict says it expired. */
                *out = cached;
                return TC_ERR_OK;
            }
        }
        tc_err_clear();
    }
    if (o->offline) {
        tc_tdx_collateral_free(cached);
        return tc_fail(TC_ERR_OFFLINE, "no cached collateral for FMSPC %s (%s CA)%s%s", fhex, ca,
                       dir[0] ? " in " : "", dir);
    }
    if (dir[0] != '\0' && (e = mkdirs(dir)) != TC_ERR_OK) {
        goto out;
    }
    if ((e = tdx_collateral_new(&c)) != TC_ERR_OK) {
        goto out;
    }
    bl = strlen(base);
    while (bl > 0 && base[bl - 1] == '/') {
        bl--;
    }
    snprintf(url, sizeof(url), "%.*s/tdx/certification/v4/tcb?fmspc=%s", (int)bl, base, fhex);
    if ((e = fetch_doc(c, url, timeout, 0, dir[0] ? dir : NULL)) != TC_ERR_OK) {
        goto out;
    }
    snprintf(url, sizeof(url), "%.*s/tdx/certification/v4/qe/identity", (int)bl, base);
    if ((e = fetch_doc(c, url, timeout, 1, dir[0] ? dir : NULL)) != TC_ERR_OK) {
        goto out;
    }
    snprintf(url, sizeof(url), "%.*s/sgx/certification/v4/pckcrl?ca=%s&encoding=der", (int)bl, base,
             ca);
    if ((e = fetch_crl(c, url, timeout, 1, dir[0] ? dir : NULL)) != TC_ERR_OK) {
        goto out;
    }
    if (strncmp(base, PCS_DEFAULT, bl) == 0 && bl == strlen(PCS_DEFAULT)) {
        snprintf(url, sizeof(url), "%s", INTEL_ROOT_CRL);
    } else {
        snprintf(url, sizeof(url), "%.*s/sgx/certification/v4/rootcacrl", (int)bl, base);
    }
    if ((e = fetch_crl(c, url, timeout, 0, dir[0] ? dir : NULL)) != TC_ERR_OK) {
        goto out;
    }
    e = tdx_collateral_finish(c);
out:
    tc_tdx_collateral_free(cached);
    if (e != TC_ERR_OK) {
        tc_tdx_collateral_free(c);
        return e;
    }
    *out = c;
    return TC_ERR_OK;
}
