/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TDX quote verification, after Intel's QVL (QuoteVerifier.cpp, the
 * TcbLevelCheck / TdxModuleCheck / TDRelaunchCheck checks; section numbers
 * 4.1.2.4.x of the DCAP quote verification spec are cited below).
 *
 * Every check is explained in the verdict.  What does not depend on time is
 * memoised in the collateral object, per PCK chain, so that a verifier with
 * cached collateral spends two ECDSA verifications per quote.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "tee/tdx/tdx_int.h"

static const uint8_t INTEL_QE_VENDOR_ID[16] = {0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
                                               0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07};

static const char *const PCK_LABELS[] = {"PCK leaf certificate", "PCK CA certificate",
                                         "root CA certificate"};
static const char *const TCB_LABELS[] = {"TCB signing certificate", "root CA certificate"};
static const char *const CRL_CHAIN_LABELS[] = {"PCK CRL issuer certificate", "root CA certificate"};

/*
 * SHA-256 fetched once: EVP_sha256() makes OpenSSL 3 look the implementation up on every
 * call, which the two ECDSA verifications per quote would pay for each time.
 */
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256_md;

static void sha256_fetch(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *sha256(void)
{
    pthread_once(&sha256_once, sha256_fetch);
    return sha256_md;
}

/* ECDSA P-256 / SHA-256 over msg, raw big-endian r || s (Intel's form), ctx as in
 * tc_ecdsa_verify_rs_ctx. */
static tc_err p256_verify(EVP_PKEY_CTX *ctx, EVP_PKEY *k, const uint8_t *msg, size_t len,
                          const uint8_t sig[64])
{
    return tc_ecdsa_verify_rs_ctx(ctx, k, sha256(), msg, len, sig, sig + 32, 32, 0);
}

#define ADD(v, ...)                                                                                \
    do {                                                                                           \
        tc_err add_e_ = tc_verdict_add(v, __VA_ARGS__);                                            \
        if (add_e_ != TC_ERR_OK) {                                                                 \
            return add_e_;                                                                         \
        }                                                                                          \
    } while (0)

void tdx_pck_eval_free(struct tdx_pck_eval *ev)
{
    if (ev == NULL) {
        return;
    }
    tdx_part_free(&ev->part);
    EVP_PKEY_free(ev->pck_pub);
    EVP_PKEY_CTX_free(ev->pck_ctx);
    EVP_PKEY_CTX_free(ev->att_ctx);
    pthread_mutex_destroy(&ev->mu);
    free(ev);
}

static int serial_revoked(X509_CRL *crl, X509 *cert)
{
    X509_REVOKED *rev = NULL;

    return X509_CRL_get0_by_serial(crl, &rev, (ASN1_INTEGER *)X509_get0_serialNumber(cert)) == 1;
}

static tc_err crl_window(struct tdx_part *p, const char *group, const char *label, X509_CRL *crl)
{
    const ASN1_TIME *nu = X509_CRL_get0_nextUpdate(crl);
    time_t tb, ta = 0;
    tc_err e;

    if ((e = tdx_asn1_time(X509_CRL_get0_lastUpdate(crl), &tb)) != TC_ERR_OK ||
        (nu != NULL && (e = tdx_asn1_time(nu, &ta)) != TC_ERR_OK)) {
        return e;
    }
    tdx_wgroup_add(tdx_part_group(p, group), label, tb, ta, nu != NULL);
    return TC_ERR_OK;
}

/* Signature + issuer of a CRL, then whether cert is listed. */
static tc_err crl_checks(struct tdx_part *p, const char *name, const char *what, X509_CRL *crl,
                         X509 *issuer, X509 *cert, const char *cert_label)
{
    char n1[64], cn1[128], cn2[128];
    EVP_PKEY *k = X509_get0_pubkey(issuer);
    int same_issuer, sig_ok, revoked;

    same_issuer = X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) == 0;
    sig_ok = same_issuer && k != NULL && X509_CRL_verify(crl, k) == 1;
    ERR_clear_error();
    snprintf(n1, sizeof(n1), "%s.signature", name);
    if (!same_issuer) {
        ADD(&p->checks, n1, TC_CHECK_FAIL, TC_ERR_CHAIN,
            tdx_cn(X509_get_subject_name(issuer), cn2, sizeof(cn2)),
            tdx_cn(X509_CRL_get_issuer(crl), cn1, sizeof(cn1)),
            "%s is issued by '%s', but the certificate it must cover by '%s'", what, cn1, cn2);
    } else {
        ADD(&p->checks, n1, sig_ok ? TC_CHECK_PASS : TC_CHECK_FAIL, TC_ERR_SIGNATURE, NULL, NULL,
            sig_ok ? "%s signature verifies with '%s'" : "%s signature does not verify with '%s'",
            what, tdx_cn(X509_get_subject_name(issuer), cn2, sizeof(cn2)));
    }
    revoked = serial_revoked(crl, cert);
    snprintf(n1, sizeof(n1), "%s.revocation", name);
    if (revoked) {
        ADD(&p->checks, n1, TC_CHECK_FAIL, TC_ERR_REVOKED, "not listed", "listed",
            "%s is revoked by the %s", cert_label, what);
    } else {
        ADD(&p->checks, n1, TC_CHECK_PASS, TC_ERR_OK, NULL, NULL,
            "%s is not listed in the %s (%d entries)", cert_label, what,
            X509_CRL_get_REVOKED(crl) ? sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)) : 0);
    }
    return TC_ERR_OK;
}

static const char *ca_kind(X509 *ca)
{
    char cn[128];

    tdx_cn(X509_get_subject_name(ca), cn, sizeof(cn));
    if (strstr(cn, "Platform CA") != NULL) {
        return "platform";
    }
    if (strstr(cn, "Processor CA") != NULL) {
        return "processor";
    }
    return "unknown";
}

static void hexs(const uint8_t *p, size_t n, char *out)
{
    tc_hex_encode(p, n, out);
}

static tc_err pck_eval_fill(struct tdx_pck_eval *ev, const uint8_t *chain, size_t len,
                            const struct tdx_roots *roots, const struct tc_tdx_collateral *c)
{
    struct tdx_part *p = &ev->part;
    struct tdx_chain ch;
    char cn[128], hex[64], svns[64];
    X509 *leaf;
    tc_err e;

    if ((e = tdx_chain_parse(chain, len, &ch)) != TC_ERR_OK) {
        ADD(&p->checks, "pck.chain.format", TC_CHECK_FAIL, TC_ERR_MALFORMED, NULL, NULL,
            "PCK certificate chain is malformed: %s", tc_err_detail());
        return TC_ERR_OK;
    }
    e = tdx_chain_eval(&ch, roots, "pck.chain", PCK_LABELS, 3, p, &ev->chain_ok, &ev->intel);
    if (e != TC_ERR_OK || ch.n != 3) {
        goto out;
    }
    leaf = ch.c[0];
    snprintf(ev->ca, sizeof(ev->ca), "%s", ca_kind(ch.c[1]));
    /* 4.1.2.4.4: the leaf is a PCK certificate. */
    tdx_cn(X509_get_subject_name(leaf), cn, sizeof(cn));
    if (strstr(cn, "SGX PCK Certificate") == NULL) {
        e = tc_verdict_add(&p->checks, "pck.leaf", TC_CHECK_FAIL, TC_ERR_CHAIN,
                           "SGX PCK Certificate", cn, "leaf CN does not name a PCK certificate");
        goto out;
    }
    e = tdx_pck_ext_parse(leaf, &ev->ext);
    if (e != TC_ERR_OK) {
        e = tc_verdict_add(&p->checks, "pck.extensions", TC_CHECK_FAIL, e, NULL, NULL,
                           "PCK certificate SGX extensions: %s", tc_err_detail());
        goto out;
    }
    ev->ext_ok = 1;
    hexs(ev->ext.fmspc, 6, hex);
    hexs(ev->ext.comp_svn, 16, svns);
    if ((e = tc_verdict_add(&p->checks, "pck.extensions", TC_CHECK_PASS, TC_ERR_OK, NULL, NULL,
                            "FMSPC %s, PCE-ID %02x%02x, PCE SVN %u, SGX TCB components %s, "
                            "%s CA",
                            hex, ev->ext.pce_id[0], ev->ext.pce_id[1], ev->ext.pce_svn, svns,
                            ev->ca)) != TC_ERR_OK) {
        goto out;
    }
    ev->pck_pub = X509_get_pubkey(leaf);
    if (ev->pck_pub == NULL) {
        ERR_clear_error();
    }
    if (c == NULL) {
        goto out;
    }
    /* Root CRL: covers the PCK CA; PCK CRL: covers the leaf (4.1.2.4.6, 4.1.2.4.7). */
    if (c->root_crl != NULL) {
        if ((e = crl_checks(p, "crl.root", "root CA CRL", c->root_crl, ch.c[2], ch.c[1],
                            "the PCK CA certificate")) != TC_ERR_OK ||
            (e = crl_window(p, "crl.validity", "root CA CRL", c->root_crl)) != TC_ERR_OK) {
            goto out;
        }
    } else if ((e = tc_verdict_add(&p->checks, "crl.root", TC_CHECK_INFO, TC_ERR_OK, NULL, NULL,
                                   "root CA CRL not given: revocation of the PCK CA not "
                                   "checked")) != TC_ERR_OK) {
        goto out;
    }
    if (c->pck_crl != NULL) {
        if ((e = crl_checks(p, "crl.pck", "PCK CRL", c->pck_crl, ch.c[1], leaf,
                            "the PCK certificate")) != TC_ERR_OK ||
            (e = crl_window(p, "crl.validity", "PCK CRL", c->pck_crl)) != TC_ERR_OK) {
            goto out;
        }
    } else {
        e = tc_verdict_add(&p->checks, "crl.pck", TC_CHECK_INFO, TC_ERR_OK, NULL, NULL,
                           "PCK CRL not given: revocation of the PCK certificate not checked");
    }
out:
    tdx_chain_free(&ch);
    return e;
}

tc_err tdx_pck_eval_new(const uint8_t *chain, size_t len, const struct tdx_roots *roots,
                        const struct tc_tdx_collateral *c, struct tdx_pck_eval **out)
{
    struct tdx_pck_eval *ev = calloc(1, sizeof(*ev));
    tc_err e;

    if (ev == NULL) {
        return tc_fail(TC_ERR_NOMEM, "PCK evaluation");
    }
    tdx_part_init(&ev->part);
    if (pthread_mutex_init(&ev->mu, NULL) != 0) {
        free(ev);
        return tc_fail(TC_ERR_INTERNAL, "mutex");
    }
    e = pck_eval_fill(ev, chain, len, roots, c);
    if (e == TC_ERR_OK && ev->pck_pub != NULL) {
        ev->pck_ctx = tc_ecdsa_verify_ctx(ev->pck_pub);
    }
    if (e != TC_ERR_OK) {
        tdx_pck_eval_free(ev);
        return e;
    }
    *out = ev;
    return TC_ERR_OK;
}

/* ---- collateral part: signatures and chains of the collateral itself ---- */

static tc_err doc_signature(struct tdx_part *p, const char *name, const char *what,
                            const struct tdx_signed_json *d, const struct tdx_chain *ch, int *ok)
{
    EVP_PKEY *k = ch->n > 0 ? X509_get0_pubkey(ch->c[0]) : NULL;
    tc_err e = TC_ERR_SIGNATURE;

    *ok = 0;
    if (k != NULL) {
        e = tc_ecdsa_verify_rs(k, EVP_sha256(), (const uint8_t *)d->body + d->span_off, d->span_len,
                               d->sig, d->sig + 32, 32, 0);
        if (e != TC_ERR_OK && e != TC_ERR_SIGNATURE) {
            return e;
        }
    }
    *ok = e == TC_ERR_OK;
    ADD(&p->checks, name, *ok ? TC_CHECK_PASS : TC_CHECK_FAIL, TC_ERR_SIGNATURE, NULL, NULL,
        *ok ? "%s signature verifies over its %zu raw bytes"
            : "%s signature does not verify over its %zu raw bytes",
        what, d->span_len);
    return TC_ERR_OK;
}

static tc_err coll_fill(struct tc_tdx_collateral *c, const struct tdx_roots *roots)
{
    struct tdx_part *p = &c->coll_part;
    int ok, intel;
    tc_err e;

    /* 4.1.2.4.8: TCB info signed by the TCB signing key, chained to the root. */
    if ((e = tdx_chain_eval(&c->tcb_chain, roots, "tcb_info.chain", TCB_LABELS, 2, p, &ok,
                            &intel)) != TC_ERR_OK) {
        return e;
    }
    if (c->root_crl != NULL && c->tcb_chain.n == 2) {
        if ((e = crl_checks(p, "tcb_info.chain.crl", "root CA CRL", c->root_crl, c->tcb_chain.c[1],
                            c->tcb_chain.c[0], "the TCB signing certificate")) != TC_ERR_OK) {
            return e;
        }
    }
    if ((e = doc_signature(p, "tcb_info.signature", "TCB info", &c->tcb_doc, &c->tcb_chain,
                           &c->tcb_sig_ok)) != TC_ERR_OK) {
        return e;
    }
    /* 4.1.2.4.9: TDX TCB info is id "TDX", version 3. */
    if (strcmp(c->tcb.id, "TDX") != 0 || c->tcb.version != 3) {
        ADD(&p->checks, "tcb_info.id", TC_CHECK_FAIL, TC_ERR_MISMATCH, "TDX v3", c->tcb.id,
            "TCB info is id '%s' version %d; a TDX quote needs id 'TDX' version 3", c->tcb.id,
            c->tcb.version);
    } else {
        ADD(&p->checks, "tcb_info.id", TC_CHECK_PASS, TC_ERR_OK, NULL, NULL,
            "TDX TCB info v3, evaluation data number %u, %zu TCB levels", c->tcb.eval_num,
            c->tcb.n);
    }
    tdx_wgroup_add(tdx_part_group(p, "tcb_info.validity"), "TCB info", c->tcb.issue, c->tcb.next,
                   1);

    if (c->has_qe) {
        const struct tdx_chain *qch = &c->tcb_chain;

        if (c->has_qe_chain) {
            qch = &c->qe_chain;
            if ((e = tdx_chain_eval(&c->qe_chain, roots, "qe_identity.chain", TCB_LABELS, 2, p, &ok,
                                    &intel)) != TC_ERR_OK) {
                return e;
            }
        } else {
            ADD(&p->checks, "qe_identity.chain", TC_CHECK_INFO, TC_ERR_OK, NULL, NULL,
                "QE identity issuer chain not given: using the TCB info issuer chain (Intel signs "
                "both with the TCB signing key)");
        }
        if ((e = doc_signature(p, "qe_identity.signature", "QE identity", &c->qe_doc, qch,
                               &c->qe_sig_ok)) != TC_ERR_OK) {
            return e;
        }
        /* 4.1.2.4.14: for TDX, a version 2 identity of the TD_QE. */
        if (strcmp(c->qe.id, "TD_QE") != 0 || c->qe.version != 2) {
            ADD(&p->checks, "qe_identity.id", TC_CHECK_FAIL, TC_ERR_MISMATCH, "TD_QE v2", c->qe.id,
                "QE identity is id '%s' version %d; a TDX quote needs 'TD_QE' v2", c->qe.id,
                c->qe.version);
        } else {
            ADD(&p->checks, "qe_identity.id", TC_CHECK_PASS, TC_ERR_OK, NULL, NULL,
                "TD_QE identity v2, evaluation data number %u", c->qe.eval_num);
        }
        tdx_wgroup_add(tdx_part_group(p, "qe_identity.validity"), "QE identity", c->qe.issue,
                       c->qe.next, 1);
    } else {
        ADD(&p->checks, "qe_identity", TC_CHECK_INFO, TC_ERR_OK, NULL, NULL,
            "QE identity not given: the QE's identity and TCB are not checked");
    }
    if (c->has_pck_crl_chain) {
        if ((e = tdx_chain_eval(&c->pck_crl_chain, roots, "crl.pck.chain", CRL_CHAIN_LABELS, 2, p,
                                &ok, &intel)) != TC_ERR_OK) {
            return e;
        }
    }
    return TC_ERR_OK;
}

static tc_err roots_fp(const struct tdx_roots *r, uint8_t fp[32])
{
    if (r->n_extra == 0) {
        memset(fp, 0, 32);
        return TC_ERR_OK;
    }
    return tc_digest(EVP_sha256(), r->extra, r->n_extra * sizeof(tc_tdx_root_key), fp);
}

/* Memoised collateral part; the caller emits it under the lock. */
static tc_err coll_get(struct tc_tdx_collateral *c, const struct tdx_roots *roots,
                       const uint8_t fp[32])
{
    tc_err e;

    if (c->coll_done && memcmp(c->coll_roots_fp, fp, 32) == 0) {
        return TC_ERR_OK;
    }
    tdx_part_free(&c->coll_part);
    tdx_part_init(&c->coll_part);
    c->coll_done = 0;
    if ((e = coll_fill(c, roots)) != TC_ERR_OK) {
        return e;
    }
    memcpy(c->coll_roots_fp, fp, 32);
    c->coll_done = 1;
    return TC_ERR_OK;
}

/* A PCK evaluation from the collateral's cache, or a new one (owned by the caller if *own). */
static tc_err pck_get(struct tc_tdx_collateral *c, const struct tc_tdx_quote *q,
                      const struct tdx_roots *roots, const uint8_t fp[32],
                      struct tdx_pck_eval **out, struct tdx_pck_eval **own)
{
    struct tdx_pck_eval *ev = NULL;
    size_t i;
    tc_err e;

    *own = NULL;
    if (c != NULL) {
        pthread_mutex_lock(&c->mu);
        for (i = 0; i < c->n_cache; i++) {
            const struct tdx_cache_entry *ce = &c->cache[i];

            if (ce->chain_len == q->pck_chain_len && memcmp(ce->roots_fp, fp, 32) == 0 &&
                memcmp(ce->chain, q->pck_chain, q->pck_chain_len) == 0) {
                *out = ce->ev;
                pthread_mutex_unlock(&c->mu);
                return TC_ERR_OK;
            }
        }
        pthread_mutex_unlock(&c->mu);
    }
    if ((e = tdx_pck_eval_new(q->pck_chain, q->pck_chain_len, roots, c, &ev)) != TC_ERR_OK) {
        return e;
    }
    if (c != NULL) {
        uint8_t *copy = malloc(q->pck_chain_len ? q->pck_chain_len : 1);

        pthread_mutex_lock(&c->mu);
        if (copy != NULL && c->n_cache < TDX_CACHE_MAX) {
            struct tdx_cache_entry *ce = &c->cache[c->n_cache++];

            memcpy(copy, q->pck_chain, q->pck_chain_len);
            ce->chain = copy;
            ce->chain_len = q->pck_chain_len;
            memcpy(ce->roots_fp, fp, 32);
            ce->ev = ev;
            pthread_mutex_unlock(&c->mu);
            *out = ev;
            return TC_ERR_OK;
        }
        pthread_mutex_unlock(&c->mu);
        free(copy);
    }
    *own = ev;
    *out = ev;
    return TC_ERR_OK;
}

/* ---- TCB status (4.1.2.4.17) ---- */

static int is_config_needed(enum tc_tdx_tcb_status s)
{
    return s == TC_TDX_TCB_CONFIGURATION_NEEDED ||
           s == TC_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED ||
           s == TC_TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED ||
           s == TC_TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED;
}

/* QVL convergeTcbStatusWithTdxModuleStatus / convergeTcbStatusWithQeTcbStatus (same rule). */
static enum tc_tdx_tcb_status converge(enum tc_tdx_tcb_status tcb, enum tc_tdx_tcb_status other)
{
    if (other == TC_TDX_TCB_OUT_OF_DATE) {
        if (tcb == TC_TDX_TCB_UP_TO_DATE || tcb == TC_TDX_TCB_SW_HARDENING_NEEDED) {
            return TC_TDX_TCB_OUT_OF_DATE;
        }
        if (tcb == TC_TDX_TCB_CONFIGURATION_NEEDED ||
            tcb == TC_TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED) {
            return TC_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED;
        }
    }
    if (other == TC_TDX_TCB_REVOKED) {
        return TC_TDX_TCB_REVOKED;
    }
    if (other == TC_TDX_TCB_NOT_SUPPORTED) {
        return TC_TDX_TCB_NOT_SUPPORTED;
    }
    return tcb;
}

static const struct tdx_module_id *find_module(const struct tdx_tcb_info *t, uint8_t version)
{
    char want[16];
    size_t i, j;

    snprintf(want, sizeof(want), "TDX_%02X", version);
    for (i = 0; i < t->n_ids; i++) {
        char up[16];

        for (j = 0; j + 1 < sizeof(up) && t->ids[i].id[j] != '\0'; j++) {
            char ch = t->ids[i].id[j];

            up[j] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
        }
        up[j] = '\0';
        if (strcmp(up, want) == 0) {
            return &t->ids[i];
        }
    }
    return NULL;
}

static void add_advisories(struct tc_tdx_result *r, json_t *a)
{
    size_t i, j;

    for (i = 0; a != NULL && i < json_array_size(a); i++) {
        const char *s = json_string_value(json_array_get(a, i));
        int dup = 0;

        for (j = 0; j < r->n_advisories; j++) {
            dup |= strcmp(r->advisories[j], s) == 0;
        }
        if (!dup && r->n_advisories < TC_TDX_MAX_ADVISORIES) {
            snprintf(r->advisories[r->n_advisories++], sizeof(r->advisories[0]), "%s", s);
        }
    }
}

/* Why a level does not match, or "" if it does (sgx_only: stop after SGX + PCE SVN). */
static int level_mismatch(const struct tdx_tcb_level *l, const struct tdx_pck_ext *x,
                          const uint8_t tee[16], int sgx_only, char *why, size_t n)
{
    size_t i, start = tee[1] > 0 ? 2 : 0;

    for (i = 0; i < 16; i++) {
        if (x->comp_svn[i] < l->sgx[i]) {
            snprintf(why, n, "SGX component %zu: PCK %u < %u", i, x->comp_svn[i], l->sgx[i]);
            return 1;
        }
    }
    if (x->pce_svn < l->pce_svn) {
        snprintf(why, n, "PCE SVN: PCK %u < %u", x->pce_svn, l->pce_svn);
        return 1;
    }
    if (sgx_only) {
        return 0;
    }
    for (i = start; i < 16; i++) {
        if (tee[i] < l->tdx[i]) {
            snprintf(why, n, "TDX component %zu: TEE_TCB_SVN %u < %u", i, tee[i], l->tdx[i]);
            return 1;
        }
    }
    why[0] = '\0';
    return 0;
}

struct tcb_ctx {
    const struct tc_tdx_quote *q;
    const struct tc_tdx_collateral *c;
    const struct tdx_pck_ext *x;
    struct tc_tdx_result *r;
    int qe_has;
    enum tc_tdx_tcb_status qe_status;
};

/* 4.1.2.4.11: the TDX module's signer and attributes (identity TDX_<version> for TDX 1.5). */
static tc_err check_module_identity(struct tcb_ctx *t, struct tc_verdict *v,
                                    const struct tdx_module_id **mid, int *ok)
{
    const struct tdx_tcb_info *ti = &t->c->tcb;
    const struct tc_tdx_td_report *td = &t->q->td;
    uint8_t version = td->tee_tcb_svn[1];
    const uint8_t *signer, *attr, *mask;
    char exp[97], act[97];
    size_t i;
    int attr_ok = 1;

    *ok = 0;
    *mid = NULL;
    if (version > 0) {
        if (!ti->has_module_ids) {
            ADD(v, "tdx_module.identity", TC_CHECK_FAIL, TC_ERR_MISMATCH, NULL, NULL,
                "TEE_TCB_SVN[1] = %u (a TDX 1.5 module) but the TCB info has no "
                "tdxModuleIdentities",
                version);
            return TC_ERR_OK;
        }
        *mid = find_module(ti, version);
        if (*mid == NULL) {
            snprintf(exp, sizeof(exp), "TDX_%02X", version);
            ADD(v, "tdx_module.identity", TC_CHECK_FAIL, TC_ERR_MISMATCH, exp, NULL,
                "the TCB info has no TDX module identity %s for TEE_TCB_SVN[1] = %u", exp, version);
            return TC_ERR_OK;
        }
        signer = (*mid)->mrsigner;
        attr = (*mid)->attributes;
        mask = (*mid)->mask;
    } else {
        if (!ti->has_module) {
            ADD(v, "tdx_module.identity", TC_CHECK_FAIL, TC_ERR_MISMATCH, NULL, NULL,
                "the TCB info has no tdxModule");
            return TC_ERR_OK;
        }
        signer = ti->mod_mrsigner;
        attr = ti->mod_attributes;
        mask = ti->mod_mask;
    }
    if (memcmp(signer, td->mrsignerseam, 48) != 0) {
        tc_hex_encode(signer, 48, exp);
        tc_hex_encode(td->mrsignerseam, 48, act);
        ADD(v, "tdx_module.identity", TC_CHECK_FAIL, TC_ERR_MISMATCH, exp, act,
            "MRSIGNERSEAM differs from the TDX module's mrsigner in the TCB info");
        return TC_ERR_OK;
    }
    /* 4.1.2.4.11.2: QVL requires SEAMATTRIBUTES to be zero and equal to the identity's
     * attributes; dcap-qvl compares under attributesMask and refuses any bit set outside it.
     * Both hold here: equal under the mask, nothing set outside it. */
    for (i = 0; i < 8; i++) {
        attr_ok &= (td->seam_attributes[i] & mask[i]) == (attr[i] & mask[i]) &&
                   (td->seam_attributes[i] & (uint8_t)~mask[i]) == 0;
    }
    if (!attr_ok) {
        tc_hex_encode(attr, 8, exp);
        tc_hex_encode(td->seam_attributes, 8, act);
        ADD(v, "tdx_module.identity", TC_CHECK_FAIL, TC_ERR_MISMATCH, exp, act,
            "SEAMATTRIBUTES differ from the TDX module's attributes under its mask, or have "
            "bits set outside the mask");
        return TC_ERR_OK;
    }
    *ok = 1;
    ADD(v, "tdx_module.identity", TC_CHECK_PASS, TC_ERR_OK, NULL, NULL,
        "MRSIGNERSEAM and SEAMATTRIBUTES match %s", *mid ? (*mid)->id : "tdxModule");
    return TC_ERR_OK;
}

/* 4.1.2.4.15 / 4.1.2.9: the QE report against the QE identity. */
static tc_err check_qe_identity(struct tcb_ctx *t, struct tc_verdict *v, int *ok)
{
    const struct tdx_qe_identity *qi = &t->c->qe;
    const struct tc_tdx_qe_report *qe = &t->q->qe;
    char exp[65], act[65];
    size_t i;
    int m = 1;

    *ok = 0;
    for (i = 0; i < 4; i++) {
        m &= (qe->miscselect[i] & qi->misc_mask[i]) == qi->miscselect[i];
    }
    if (!m) {
        tc_hex_encode(qi->miscselect, 4, exp);
        tc_hex_encode(qe->miscselect, 4, act);
        ADD(v, "qe_identity.match", TC_CHECK_FAIL, TC_ERR_MISMATCH, exp, act,
            "QE MISCSELECT (masked) differs from the QE identity");
        return TC_ERR_OK;
    }
    for (i = 0; i < 16; i++) {
        m &= (qe->attributes[i] & qi->attr_mask[i]) == qi->attributes[i];
    }
    if (!m) {
        tc_hex_encode(qi->attributes, 16, exp);
        tc_hex_encode(qe->attributes, 16, act);
        ADD(v, "qe_identity.match", TC_CHECK_FAIL, TC_ERR_MISMATCH, exp, act,
            "QE ATTRIBUTES (masked) differ from the QE identity");
        return TC_ERR_OK;
    }
    if (memcmp(qe->mrsigner, qi->mrsigner, 32) != 0) {
        tc_hex_encode(qi->mrsigner, 32, exp);
        tc_hex_encode(qe->mrsigner, 32, act);
        ADD(v, "qe_identity.match", TC_CHECK_FAIL, TC_ERR_MISMATCH, exp, act,
            "QE MRSIGNER differs from the QE identity");
        return TC_ERR_OK;
    }
    if (qe->isv_prod_id != qi->isv_prod_id) {
        snprintf(exp, sizeof(exp), "%u", qi->isv_prod_id);
        snprintf(act, sizeof(act), "%u", qe->isv_prod_id);
        ADD(v, "qe_identity.match", TC_CHECK_FAIL, TC_ERR_MISMATCH, exp, act,
            "QE ISVPRODID differs from the QE identity");
        return TC_ERR_OK;
    }
    ADD(v, "qe_identity.match", TC_CHECK_PASS, TC_ERR_OK, NULL, NULL,
        "QE MRSIGNER, ISVPRODID %u, MISCSELECT and ATTRIBUTES match the QE identity",
        qe->isv_prod_id);
    *ok = 1;
    /* The first level (in the published order) whose isvsvn <= the QE's. */
    for (i = 0; i < qi->n; i++) {
        if (qi->lv[i].isvsvn <= qe->isv_svn) {
            t->qe_has = 1;
            t->qe_status = qi->lv[i].status;
            t->r->qe_evaluated = 1;
            t->r->qe_status = qi->lv[i].status;
            add_advisories(t->r, qi->lv[i].advisories);
            ADD(v, "qe_identity.tcb",
                qi->lv[i].status == TC_TDX_TCB_UP_TO_DATE ? TC_CHECK_PASS : TC_CHECK_INFO,
                TC_ERR_OK, NULL, tc_tdx_tcb_status_name(qi->lv[i].status),
                "QE ISVSVN %u matches the level isvsvn %u (%s): %s", qe->isv_svn, qi->lv[i].isvsvn,
                qi->lv[i].date, tc_tdx_tcb_status_name(qi->lv[i].status));
            return TC_ERR_OK;
        }
    }
    t->qe_has = 1;
    t->qe_status = TC_TDX_TCB_NOT_SUPPORTED;
    t->r->qe_evaluated = 1;
    t->r->qe_status = TC_TDX_TCB_NOT_SUPPORTED;
    ADD(v, "qe_identity.tcb", TC_CHECK_FAIL, TC_ERR_TCB, NULL, NULL,
        "QE ISVSVN %u is below every QE identity level: not supported", qe->isv_svn);
    return TC_ERR_OK;
}

/* QVL checkForRelaunch (TDRelaunchCheck.cpp), for TDX 1.5 bodies. */
static enum tc_tdx_tcb_status relaunch(struct tcb_ctx *t, enum tc_tdx_tcb_status sgx,
                                       enum tc_tdx_tcb_status tdx, enum tc_tdx_tcb_status module,
                                       char *why, size_t n)
{
    const struct tdx_tcb_info *ti = &t->c->tcb;
    const uint8_t *svn2 = t->q->td.tee_tcb_svn2;
    const struct tdx_tcb_level *latest = &ti->lv[0];
    int cfg = is_config_needed(sgx) || is_config_needed(tdx);

    why[0] = '\0';
    if (t->qe_has &&
        (t->qe_status == TC_TDX_TCB_OUT_OF_DATE || t->qe_status == TC_TDX_TCB_REVOKED ||
         t->qe_status == TC_TDX_TCB_NOT_SUPPORTED)) {
        return tdx;
    }
    if (!(sgx == TC_TDX_TCB_UP_TO_DATE || sgx == TC_TDX_TCB_SW_HARDENING_NEEDED ||
          sgx == TC_TDX_TCB_CONFIGURATION_NEEDED ||
          sgx == TC_TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED)) {
        return tdx;
    }
    if (!(tdx == TC_TDX_TCB_OUT_OF_DATE || tdx == TC_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED) ||
        module != TC_TDX_TCB_OUT_OF_DATE) {
        return tdx;
    }
    if (svn2[1] == 0) {
        if (svn2[0] >= latest->tdx[0] && svn2[2] >= latest->tdx[2]) {
            snprintf(why, n,
                     "TEE_TCB_SVN2 %u.%u.%u meets the latest TCB level: a relaunch "
                     "of the TD on the updated module would be UpToDate",
                     svn2[0], svn2[1], svn2[2]);
            return cfg ? TC_TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED
                       : TC_TDX_TCB_TD_RELAUNCH_ADVISED;
        }
    } else {
        const struct tdx_module_id *m2 = find_module(ti, svn2[1]);

        if (m2 == NULL) {
            snprintf(why, n, "no TDX module identity for TEE_TCB_SVN2[1] = %u", svn2[1]);
            return TC_TDX_TCB_NOT_SUPPORTED;
        }
        if (svn2[0] >= m2->lv[0].isvsvn && svn2[2] >= latest->tdx[2]) {
            snprintf(why, n,
                     "TEE_TCB_SVN2 %u.%u.%u meets %s's latest level (isvsvn %u): a "
                     "relaunch of the TD on the updated module would be UpToDate",
                     svn2[0], svn2[1], svn2[2], m2->id, m2->lv[0].isvsvn);
            return cfg ? TC_TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED
                       : TC_TDX_TCB_TD_RELAUNCH_ADVISED;
        }
    }
    return tdx;
}

static tc_err check_tcb(struct tcb_ctx *t, const struct tc_tdx_verify_opts *o, struct tc_verdict *v)
{
    const struct tdx_tcb_info *ti = &t->c->tcb;
    const struct tc_tdx_td_report *td = &t->q->td;
    const struct tdx_tcb_level *sgx_lv = NULL, *tdx_lv = NULL;
    const struct tdx_module_id *mid = NULL;
    enum tc_tdx_tcb_status st, module_st = TC_TDX_TCB_UP_TO_DATE;
    char why[160], exp[33], act[33], rl[256], adv[256];
    uint32_t mask = o->accept_tcb ? o->accept_tcb : TC_TDX_TCB_DEFAULT_ACCEPT;
    size_t i;
    int mod_ok;
    tc_err e;

    /* 4.1.2.4.11 */
    if ((e = check_module_identity(t, v, &mid, &mod_ok)) != TC_ERR_OK) {
        return e;
    }
    /* 4.1.2.4.17.1-3: the first level the platform meets (levels sorted descending). */
    for (i = 0; i < ti->n; i++) {
        const struct tdx_tcb_level *l = &ti->lv[i];

        if (level_mismatch(l, t->x, td->tee_tcb_svn, 1, why, sizeof(why))) {
            continue;
        }
        if (sgx_lv == NULL) {
            sgx_lv = l;
        }
        if (!level_mismatch(l, t->x, td->tee_tcb_svn, 0, why, sizeof(why))) {
            tdx_lv = l;
            break;
        }
    }
    if (sgx_lv == NULL || tdx_lv == NULL) {
        /* Explain with the lowest level: even it is above the platform. */
        const struct tdx_tcb_level *low = &ti->lv[ti->n - 1];

        level_mismatch(low, t->x, td->tee_tcb_svn, 0, why, sizeof(why));
        tc_hex_encode(low->sgx, 16, exp);
        tc_hex_encode(t->x->comp_svn, 16, act);
        t->r->tcb_evaluated = 1;
        t->r->tcb_status = TC_TDX_TCB_NOT_SUPPORTED;
        t->r->platform_status = TC_TDX_TCB_NOT_SUPPORTED;
        ADD(v, "tcb.level", TC_CHECK_FAIL, TC_ERR_TCB, exp, act,
            "no matching TCB level found (TCB not supported): none of the %zu levels is met by "
            "the %s; even the lowest (tcbDate %s) fails on %s",
            ti->n, sgx_lv == NULL ? "PCK certificate's SGX components and PCE SVN" : "TEE_TCB_SVN",
            low->date, why);
        return TC_ERR_OK;
    }
    tc_hex_encode(tdx_lv->tdx, 16, exp);
    tc_hex_encode(td->tee_tcb_svn, 16, act);
    ADD(v, "tcb.level", TC_CHECK_PASS, TC_ERR_OK, exp, act,
        "TCB level %zu of %zu (tcbDate %s, %s) is the first the platform meets: SGX components "
        "and PCE SVN %u >= %u from the PCK certificate, TEE_TCB_SVN[%d..15] >= tdxtcbcomponents",
        (size_t)(tdx_lv - ti->lv) + 1, ti->n, tdx_lv->date, tc_tdx_tcb_status_name(tdx_lv->status),
        t->x->pce_svn, tdx_lv->pce_svn, td->tee_tcb_svn[1] > 0 ? 2 : 0);
    t->r->platform_status = tdx_lv->status;
    snprintf(t->r->tcb_date, sizeof(t->r->tcb_date), "%s", tdx_lv->date);
    add_advisories(t->r, tdx_lv->advisories);

    /* 4.1.2.4.17.4.1: the TDX module's own TCB level (TDX 1.5). */
    if (!mod_ok) {
        t->r->tcb_evaluated = 1;
        t->r->tcb_status = TC_TDX_TCB_NOT_SUPPORTED;
        ADD(v, "tcb.status", TC_CHECK_FAIL, TC_ERR_TCB, NULL, NULL,
            "TDX module mismatch: TCB status cannot be established");
        return TC_ERR_OK;
    }
    if (mid != NULL) {
        const struct tdx_module_level *ml = NULL;

        for (i = 0; i < mid->n; i++) {
            if (td->tee_tcb_svn[0] >= mid->lv[i].isvsvn) {
                ml = &mid->lv[i];
                break;
            }
        }
        t->r->module_evaluated = 1;
        if (ml == NULL) {
            t->r->module_status = TC_TDX_TCB_NOT_SUPPORTED;
            t->r->tcb_evaluated = 1;
            t->r->tcb_status = TC_TDX_TCB_NOT_SUPPORTED;
            ADD(v, "tdx_module.tcb", TC_CHECK_FAIL, TC_ERR_TCB, NULL, NULL,
                "TDX module ISVSVN %u (TEE_TCB_SVN[0]) is below every %s level: not supported",
                td->tee_tcb_svn[0], mid->id);
            return TC_ERR_OK;
        }
        module_st = ml->status;
        t->r->module_status = ml->status;
        add_advisories(t->r, ml->advisories);
        ADD(v, "tdx_module.tcb",
            ml->status == TC_TDX_TCB_UP_TO_DATE ? TC_CHECK_PASS : TC_CHECK_INFO, TC_ERR_OK, NULL,
            tc_tdx_tcb_status_name(ml->status),
            "TDX module %s ISVSVN %u matches the level isvsvn %u (%s): %s", mid->id,
            td->tee_tcb_svn[0], ml->isvsvn, ml->date, tc_tdx_tcb_status_name(ml->status));
    }
    /* 4.1.2.4.17.4.2-3, then the QE (4.1.2.4.17.5). */
    st = converge(tdx_lv->status, module_st);
    rl[0] = '\0';
    if (st != TC_TDX_TCB_REVOKED && td->is_v15) {
        st = relaunch(t, sgx_lv->status, st, module_st, rl, sizeof(rl));
    }
    if (st != TC_TDX_TCB_REVOKED && t->qe_has) {
        st = converge(st, t->qe_status);
    }
    t->r->tcb_evaluated = 1;
    t->r->tcb_status = st;
    adv[0] = '\0';
    for (i = 0; i < t->r->n_advisories; i++) {
        size_t l = strlen(adv);

        snprintf(adv + l, sizeof(adv) - l, "%s%s", i ? ", " : "", t->r->advisories[i]);
    }
    ADD(v, "tcb.status", (mask & TC_TDX_TCB_BIT(st)) ? TC_CHECK_PASS : TC_CHECK_FAIL, TC_ERR_TCB,
        NULL, tc_tdx_tcb_status_name(st), "%s%s (platform level %s, TDX module %s, QE %s)%s%s%s%s",
        tc_tdx_tcb_status_name(st), (mask & TC_TDX_TCB_BIT(st)) ? "" : " is not accepted",
        tc_tdx_tcb_status_name(tdx_lv->status),
        mid != NULL ? tc_tdx_tcb_status_name(module_st) : "n/a (TDX 1.0)",
        t->qe_has ? tc_tdx_tcb_status_name(t->qe_status) : "not checked", rl[0] ? "; " : "", rl,
        adv[0] ? "; advisories: " : "", adv);
    return TC_ERR_OK;
}

/* ---- the whole verification ---- */

static tc_err verify_body(const struct tc_tdx_quote *q, const struct tc_tdx_verify_opts *o,
                          struct tc_tdx_result *res, struct tc_verdict *v)
{
    struct tdx_roots roots = {o->extra_roots, o->n_extra_roots};
    struct tc_tdx_collateral *c = o->collateral;
    struct tdx_pck_eval *ev = NULL;
    struct tdx_pck_eval *own = NULL;
    EVP_PKEY *ak = NULL;
    EVP_PKEY_CTX *actx = NULL;
    int locked;
    uint8_t fp[32], h[32];
    char exp[65], act[65];
    int ok;
    tc_err e;

    ADD(v, "quote.format", TC_CHECK_PASS, TC_ERR_OK, NULL, NULL,
        "TDX quote v%u, body type %u (TDX %s), %zu bytes%s", q->version, q->body_type,
        q->body_type == TC_TDX_BODY_TD15 ? "1.5" : "1.0", q->quote_len,
        q->trailing ? " + trailing bytes (tolerated)" : "");
    ok = memcmp(q->qe_vendor_id, INTEL_QE_VENDOR_ID, 16) == 0;
    tc_hex_encode(INTEL_QE_VENDOR_ID, 16, exp);
    tc_hex_encode(q->qe_vendor_id, 16, act);
    ADD(v, "quote.qe_vendor", ok ? TC_CHECK_PASS : TC_CHECK_FAIL, TC_ERR_UNTRUSTED, exp, act,
        ok ? "quoting enclave vendor is Intel" : "quoting enclave vendor is not Intel");

    if ((e = roots_fp(&roots, fp)) != TC_ERR_OK) {
        return e;
    }
    if (q->pck_cert_type != TC_TDX_CERT_PCK_CHAIN) {
        ADD(v, "pck.chain.format", TC_CHECK_FAIL, TC_ERR_UNSUPPORTED, "5", NULL,
            "the quote carries certification data type %u, not the PCK chain (type 5)",
            q->pck_cert_type);
        return TC_ERR_OK;
    }
    if ((e = pck_get(c, q, &roots, fp, &ev, &own)) != TC_ERR_OK) {
        return e;
    }
    if ((e = tdx_part_emit(&ev->part, o->at, v)) != TC_ERR_OK) {
        goto out;
    }
    if (res != NULL && ev->ext_ok) {
        res->pck_ok = 1;
        memcpy(res->fmspc, ev->ext.fmspc, 6);
        memcpy(res->pce_id, ev->ext.pce_id, 2);
        memcpy(res->cpusvn, ev->ext.cpusvn, 16);
        memcpy(res->sgx_comp_svn, ev->ext.comp_svn, 16);
        res->pce_svn = ev->ext.pce_svn;
        snprintf(res->pck_ca, sizeof(res->pck_ca), "%s", ev->ca);
        res->root_is_intel = ev->intel;
    }

    /* 4.1.2.4.12: the QE report, signed by the PCK key. */
    if (ev->pck_pub == NULL) {
        e = tc_verdict_add(v, "qe_report.signature", TC_CHECK_SKIP, TC_ERR_OK, NULL, NULL,
                           "no usable PCK certificate: QE report signature not checked");
    } else {
        /* The platform's cached context when free; else a fresh one. */
        if (pthread_mutex_trylock(&ev->mu) == 0) {
            e = p256_verify(ev->pck_ctx, ev->pck_pub, q->qe.raw, 384, q->qe_report_sig);
            pthread_mutex_unlock(&ev->mu);
        } else {
            e = p256_verify(NULL, ev->pck_pub, q->qe.raw, 384, q->qe_report_sig);
        }
        if (e != TC_ERR_OK && e != TC_ERR_SIGNATURE) {
            goto out;
        }
        e = tc_verdict_add(v, "qe_report.signature", e == TC_ERR_OK ? TC_CHECK_PASS : TC_CHECK_FAIL,
                           TC_ERR_SIGNATURE, NULL, NULL,
                           e == TC_ERR_OK ? "QE report signature verifies with the PCK key"
                                          : "QE report signature does not verify with the PCK "
                                            "key");
    }
    if (e != TC_ERR_OK) {
        goto out;
    }
    /* 4.1.2.4.13: REPORTDATA = SHA-256(attestation key || QE auth data) || 32 zero bytes. */
    {
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        unsigned int hl = 0;
        static const uint8_t zero[32];

        if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
            EVP_DigestUpdate(md, q->att_key, 64) != 1 ||
            EVP_DigestUpdate(md, q->qe_auth, q->qe_auth_len) != 1 ||
            EVP_DigestFinal_ex(md, h, &hl) != 1) {
            EVP_MD_CTX_free(md);
            e = tc_fail_ssl(TC_ERR_CRYPTO, "SHA-256");
            goto out;
        }
        EVP_MD_CTX_free(md);
        ok = memcmp(h, q->qe.report_data, 32) == 0 && memcmp(q->qe.report_data + 32, zero, 32) == 0;
        tc_hex_encode(h, 32, exp);
        tc_hex_encode(q->qe.report_data, 32, act);
        if ((e = tc_verdict_add(v, "qe_report.binding", ok ? TC_CHECK_PASS : TC_CHECK_FAIL,
                                TC_ERR_MISMATCH, exp, act,
                                ok ? "QE REPORTDATA = SHA-256(attestation key || QE auth data)"
                                   : "QE REPORTDATA does not bind the attestation key (SHA-256 "
                                     "of key || auth data, then 32 zero bytes)")) != TC_ERR_OK) {
            goto out;
        }
    }
    /* 4.1.2.4.16: the quote, signed by the attestation key. */
    locked = pthread_mutex_trylock(&ev->mu) == 0;
    if (locked && ev->att_ctx != NULL && memcmp(ev->att_xy, q->att_key, 64) == 0) {
        /* the same QE as the platform's last quote: its key is already decoded */
        e = p256_verify(ev->att_ctx, NULL, q->signed_data, q->signed_len, q->signature);
    } else {
        e = tdx_pkey_from_xy(q->att_key, &ak);
        if (e == TC_ERR_OK) {
            actx = tc_ecdsa_verify_ctx(ak);
            e = p256_verify(actx, ak, q->signed_data, q->signed_len, q->signature);
        }
        if (locked && actx != NULL) {
            EVP_PKEY_CTX_free(ev->att_ctx);
            ev->att_ctx = actx;
            memcpy(ev->att_xy, q->att_key, 64);
            actx = NULL;
        }
    }
    if (locked) {
        pthread_mutex_unlock(&ev->mu);
    }
    if (e != TC_ERR_OK && e != TC_ERR_SIGNATURE) {
        goto out;
    }
    if ((e = tc_verdict_add(v, "quote.signature", e == TC_ERR_OK ? TC_CHECK_PASS : TC_CHECK_FAIL,
                            TC_ERR_SIGNATURE, NULL, NULL,
                            e == TC_ERR_OK ? "quote signature verifies with the attestation key "
                                             "over %zu bytes (header + body)"
                                           : "quote signature does not verify with the "
                                             "attestation key over %zu bytes (header + body)",
                            q->signed_len)) != TC_ERR_OK) {
        goto out;
    }

    /* Collateral */
    if (c == NULL) {
        e = tc_verdict_add(v, "collateral", o->require_collateral ? TC_CHECK_FAIL : TC_CHECK_SKIP,
                           TC_ERR_UNTRUSTED, NULL, NULL,
                           "no collateral: TCB status, CRLs and QE identity not evaluated");
        goto out;
    }
    pthread_mutex_lock(&c->mu);
    e = coll_get(c, &roots, fp);
    if (e == TC_ERR_OK) {
        e = tdx_part_emit(&c->coll_part, o->at, v);
    }
    pthread_mutex_unlock(&c->mu);
    if (e != TC_ERR_OK) {
        goto out;
    }
    if (res != NULL) {
        res->tcb_eval_number = c->tcb.eval_num;
    }
    if (!ev->ext_ok) {
        e = tc_verdict_add(v, "tcb.status", TC_CHECK_SKIP, TC_ERR_OK, NULL, NULL,
                           "no PCK extensions: TCB status not evaluated");
        goto out;
    }
    /* 4.1.2.4.10: TCB info for this platform. */
    ok = memcmp(ev->ext.fmspc, c->tcb.fmspc, 6) == 0;
    tc_hex_encode(c->tcb.fmspc, 6, exp);
    tc_hex_encode(ev->ext.fmspc, 6, act);
    if ((e = tc_verdict_add(v, "tcb_info.fmspc", ok ? TC_CHECK_PASS : TC_CHECK_FAIL,
                            TC_ERR_MISMATCH, exp, act,
                            ok ? "TCB info is for the PCK certificate's FMSPC"
                               : "TCB info is for another platform (FMSPC)")) != TC_ERR_OK) {
        goto out;
    }
    if (!ok) {
        goto out; /* levels of another platform say nothing about this one */
    }
    ok = memcmp(ev->ext.pce_id, c->tcb.pce_id, 2) == 0;
    tc_hex_encode(c->tcb.pce_id, 2, exp);
    tc_hex_encode(ev->ext.pce_id, 2, act);
    if ((e = tc_verdict_add(
             v, "tcb_info.pce_id", ok ? TC_CHECK_PASS : TC_CHECK_FAIL, TC_ERR_MISMATCH, exp, act,
             ok ? "TCB info PCE-ID matches the PCK certificate"
                : "TCB info PCE-ID differs from the PCK certificate")) != TC_ERR_OK) {
        goto out;
    }
    {
        struct tc_tdx_result scratch;
        struct tcb_ctx t;
        int qok = 1;

        memset(&scratch, 0, sizeof(scratch));
        memset(&t, 0, sizeof(t));
        t.q = q;
        t.c = c;
        t.x = &ev->ext;
        t.r = res != NULL ? res : &scratch;
        if (c->has_qe && (e = check_qe_identity(&t, v, &qok)) != TC_ERR_OK) {
            goto out;
        }
        e = check_tcb(&t, o, v);
    }
out:
    EVP_PKEY_CTX_free(actx);
    EVP_PKEY_free(ak);
    tdx_pck_eval_free(own);
    return e;
}

tc_err tc_tdx_verify(const struct tc_tdx_quote *q, const struct tc_tdx_verify_opts *o,
                     struct tc_tdx_result *res, struct tc_verdict *v)
{
    tc_err e;

    if (res != NULL) {
        memset(res, 0, sizeof(*res));
    }
    e = verify_body(q, o, res, v);
    if (e != TC_ERR_OK) {
        return e;
    }
    return tc_verdict_err(v);
}

json_t *tc_tdx_result_json(const struct tc_tdx_result *r)
{
    json_t *o = json_object(), *adv = json_array();
    size_t i;
    int bad = o == NULL || adv == NULL;

    for (i = 0; !bad && i < r->n_advisories; i++) {
        bad = json_array_append_new(adv, json_string(r->advisories[i])) != 0;
    }
    if (!bad && r->pck_ok) {
        bad = tc_tdx_json_set_hex(o, "fmspc", r->fmspc, 6) != 0 ||
              tc_tdx_json_set_hex(o, "pce_id", r->pce_id, 2) != 0 ||
              tc_tdx_json_set_hex(o, "cpusvn", r->cpusvn, 16) != 0 ||
              tc_tdx_json_set_hex(o, "sgx_tcb_components", r->sgx_comp_svn, 16) != 0 ||
              json_object_set_new(o, "pce_svn", json_integer(r->pce_svn)) != 0 ||
              json_object_set_new(o, "pck_ca", json_string(r->pck_ca)) != 0 ||
              json_object_set_new(o, "root",
                                  json_string(r->root_is_intel ? "Intel SGX Root CA"
                                                               : "extra trusted root (test)")) != 0;
    }
    if (!bad && r->tcb_evaluated) {
        bad = json_object_set_new(o, "tcb_status",
                                  json_string(tc_tdx_tcb_status_name(r->tcb_status))) != 0 ||
              json_object_set_new(o, "platform_tcb_status",
                                  json_string(tc_tdx_tcb_status_name(r->platform_status))) != 0 ||
              json_object_set_new(o, "tcb_date", json_string(r->tcb_date)) != 0 ||
              json_object_set_new(o, "tcb_evaluation_data_number",
                                  json_integer(r->tcb_eval_number)) != 0 ||
              json_object_set(o, "advisory_ids", adv) != 0;
        if (!bad && r->module_evaluated) {
            bad = json_object_set_new(o, "tdx_module_tcb_status",
                                      json_string(tc_tdx_tcb_status_name(r->module_status))) != 0;
        }
        if (!bad && r->qe_evaluated) {
            bad = json_object_set_new(o, "qe_tcb_status",
                                      json_string(tc_tdx_tcb_status_name(r->qe_status))) != 0;
        }
    } else if (!bad) {
        bad = json_object_set_new(o, "tcb_status", json_null()) != 0;
    }
    json_decref(adv);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}
