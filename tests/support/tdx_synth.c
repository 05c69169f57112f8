/* SPDX-License-Identifier: Apache-2.0 */
/* Synthetic TDX quotes and Intel-style collateral, signed with test keys (see tdx_synth.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "core/ossl.h"
#include "core/reader.h"
#include "support/tdx_synth.h"
#include "tee/tdx/tdx_int.h"
#include "trustchain/util.h"

#define DAY 86400
#define YEAR (365 * DAY)

struct tdx_synth {
    EVP_PKEY *root, *ca, *leaf, *signer, *att, *other_root, *stranger;
    uint8_t qe_mrsigner[32];
    uint8_t ppid[16];
};

static const uint8_t FMSPC[6] = {0x90, 0xc0, 0x6f, 0x00, 0x00, 0x00};
static const uint8_t PCE_ID[2] = {0x00, 0x00};
static const uint8_t INTEL_VENDOR[16] = {0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9,
                                         0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07};
/* TCB levels, highest first: SGX components, PCE SVN, TDX components. */
static const uint8_t LV_SGX[3][16] = {
    {5, 5, 2, 2, 4, 1, 0, 5}, {4, 4, 2, 2, 3, 1, 0, 4}, {2, 2, 2, 2, 2, 1, 0, 2}};
static const uint16_t LV_PCE[3] = {13, 13, 10};
static const uint8_t LV_TDX[3][16] = {{3, 0, 3}, {2, 0, 2}, {0, 0, 1}};
static const uint8_t DEFAULT_TEE_SVN[16] = {6, 1, 3};
#define PCE_SVN 13

static const char *const BREAK_NAMES[TDX_SYN_BREAK_COUNT_] = {
    "ok",
    "quote-sig",
    "qe-sig",
    "binding",
    "qe-vendor",
    "leaf-sig",
    "ca-sig",
    "root-sig",
    "leaf-expired",
    "ca-not-yet",
    "ca-not-ca",
    "leaf-no-ext",
    "chain-two",
    "pck-revoked",
    "ca-revoked",
    "pck-crl-sig",
    "root-crl-sig",
    "pck-crl-expired",
    "pck-crl-issuer",
    "tcb-sig",
    "tcb-expired",
    "tcb-not-yet",
    "tcb-fmspc",
    "tcb-pceid",
    "tcb-id-sgx",
    "signer-expired",
    "signer-revoked",
    "signer-sig",
    "signer-other-root",
    "no-tcb-level",
    "no-tdx-level",
    "module-mrsigner",
    "module-no-id",
    "module-attr",
    "module-low",
    "qeid-sig",
    "qeid-expired",
    "qeid-mrsigner",
    "qeid-prodid",
    "qeid-misc",
    "qeid-attr",
    "qeid-id",
    "qeid-low",
};

const char *tdx_synth_break_name(enum tdx_synth_break b)
{
    return (unsigned)b < TDX_SYN_BREAK_COUNT_ ? BREAK_NAMES[b] : "?";
}

/* ---- keys ---- */

tc_err tdx_synth_new(struct tdx_synth **out)
{
    struct tdx_synth *s = calloc(1, sizeof(*s));
    size_t i;

    if (s == NULL) {
        return tc_fail(TC_ERR_NOMEM, "synth");
    }
    s->root = EVP_EC_gen("P-256");
    s->ca = EVP_EC_gen("P-256");
    s->leaf = EVP_EC_gen("P-256");
    s->signer = EVP_EC_gen("P-256");
    s->att = EVP_EC_gen("P-256");
    s->other_root = EVP_EC_gen("P-256");
    s->stranger = EVP_EC_gen("P-256");
    if (s->root == NULL || s->ca == NULL || s->leaf == NULL || s->signer == NULL ||
        s->att == NULL || s->other_root == NULL || s->stranger == NULL) {
        tdx_synth_free(s);
        return tc_fail_ssl(TC_ERR_CRYPTO, "synth: key generation");
    }
    for (i = 0; i < 32; i++) {
        s->qe_mrsigner[i] = (uint8_t)(0xd0 + i);
    }
    for (i = 0; i < 16; i++) {
        s->ppid[i] = (uint8_t)(0x40 + i);
    }
    *out = s;
    return TC_ERR_OK;
}

void tdx_synth_free(struct tdx_synth *s)
{
    if (s == NULL) {
        return;
    }
    EVP_PKEY_free(s->root);
    EVP_PKEY_free(s->ca);
    EVP_PKEY_free(s->leaf);
    EVP_PKEY_free(s->signer);
    EVP_PKEY_free(s->att);
    EVP_PKEY_free(s->other_root);
    EVP_PKEY_free(s->stranger);
    free(s);
}

void tdx_synth_root_key(const struct tdx_synth *s, tc_tdx_root_key out)
{
    if (tdx_pkey_raw(s->root, out) != TC_ERR_OK) {
        memset(out, 0, sizeof(tc_tdx_root_key));
    }
}

/* ---- DER for the SGX extension ---- */

static tc_err der(struct tc_buf *b, uint8_t tag, const uint8_t *v, size_t n)
{
    uint8_t h[4];
    size_t hl = 0;
    tc_err e;

    h[hl++] = tag;
    if (n < 0x80) {
        h[hl++] = (uint8_t)n;
    } else if (n < 0x100) {
        h[hl++] = 0x81;
        h[hl++] = (uint8_t)n;
    } else {
        h[hl++] = 0x82;
        h[hl++] = (uint8_t)(n >> 8);
        h[hl++] = (uint8_t)n;
    }
    if ((e = tc_buf_append(b, h, hl)) != TC_ERR_OK) {
        return e;
    }
    return tc_buf_append(b, v, n);
}

static tc_err der_oid_item(struct tc_buf *b, const uint8_t *arcs, size_t narcs, uint8_t vtag,
                           const uint8_t *v, size_t vn)
{
    static const uint8_t base[] = {0x2a, 0x86, 0x48, 0x86, 0xf8, 0x4d, 0x01, 0x0d, 0x01};
    uint8_t oid[16];
    struct tc_buf in;
    tc_err e;

    memcpy(oid, base, sizeof(base));
    memcpy(oid + sizeof(base), arcs, narcs);
    tc_buf_init(&in, 0);
    if ((e = der(&in, 0x06, oid, sizeof(base) + narcs)) != TC_ERR_OK ||
        (e = der(&in, vtag, v, vn)) != TC_ERR_OK ||
        (e = der(b, 0x30, in.data, in.len)) != TC_ERR_OK) {
        tc_buf_free(&in);
        return e;
    }
    tc_buf_free(&in);
    return TC_ERR_OK;
}

static size_t int_bytes(unsigned v, uint8_t out[3])
{
    if (v < 0x80) {
        out[0] = (uint8_t)v;
        return 1;
    }
    if (v < 0x8000) {
        out[0] = (uint8_t)(v >> 8);
        out[1] = (uint8_t)v;
        return 2;
    }
    out[0] = 0;
    out[1] = (uint8_t)(v >> 8);
    out[2] = (uint8_t)v;
    return 3;
}

static tc_err sgx_ext_der(const struct tdx_synth *s, const uint8_t comp[16], uint16_t pce_svn,
                          struct tc_buf *out)
{
    struct tc_buf tcb, items;
    uint8_t iv[3], arcs[2], enumv = 0;
    size_t i;
    tc_err e = TC_ERR_OK;

    tc_buf_init(&tcb, 0);
    tc_buf_init(&items, 0);
    for (i = 0; i < 16 && e == TC_ERR_OK; i++) {
        size_t n = int_bytes(comp[i], iv);

        arcs[0] = 2;
        arcs[1] = (uint8_t)(i + 1);
        e = der_oid_item(&tcb, arcs, 2, 0x02, iv, n);
    }
    if (e == TC_ERR_OK) {
        size_t n = int_bytes(pce_svn, iv);

        arcs[0] = 2;
        arcs[1] = 17;
        e = der_oid_item(&tcb, arcs, 2, 0x02, iv, n);
    }
    if (e == TC_ERR_OK) {
        arcs[0] = 2;
        arcs[1] = 18;
        e = der_oid_item(&tcb, arcs, 2, 0x04, comp, 16);
    }
    arcs[0] = 1;
    if (e == TC_ERR_OK) {
        e = der_oid_item(&items, arcs, 1, 0x04, s->ppid, 16);
    }
    arcs[0] = 2;
    if (e == TC_ERR_OK) {
        e = der_oid_item(&items, arcs, 1, 0x30, tcb.data, tcb.len);
    }
    arcs[0] = 3;
    if (e == TC_ERR_OK) {
        e = der_oid_item(&items, arcs, 1, 0x04, PCE_ID, 2);
    }
    arcs[0] = 4;
    if (e == TC_ERR_OK) {
        e = der_oid_item(&items, arcs, 1, 0x04, FMSPC, 6);
    }
    arcs[0] = 5;
    if (e == TC_ERR_OK) {
        e = der_oid_item(&items, arcs, 1, 0x0a, &enumv, 1);
    }
    if (e == TC_ERR_OK) {
        e = der(out, 0x30, items.data, items.len);
    }
    tc_buf_free(&tcb);
    tc_buf_free(&items);
    return e;
}

/* ---- certificates and CRLs ---- */

static X509_NAME *name(const char *cn)
{
    X509_NAME *n = X509_NAME_new();

    if (n == NULL ||
        X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0) !=
            1 ||
        X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"Intel Corporation",
                                   -1, -1, 0) != 1 ||
        X509_NAME_add_entry_by_txt(n, "L", MBSTRING_ASC, (const unsigned char *)"Santa Clara", -1,
                                   -1, 0) != 1 ||
        X509_NAME_add_entry_by_txt(n, "ST", MBSTRING_ASC, (const unsigned char *)"CA", -1, -1, 0) !=
            1 ||
        X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC, (const unsigned char *)"US", -1, -1, 0) !=
            1) {
        X509_NAME_free(n);
        return NULL;
    }
    return n;
}

static int add_ext(X509 *x, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;
    int ok;

    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
    ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value);
    if (ext == NULL) {
        return 0;
    }
    ok = X509_add_ext(x, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

/* A certificate; kind: 0 root, 1 CA, 2 leaf (PCK or TCB signer). */
static X509 *cert(const char *subject, const char *issuer, EVP_PKEY *key, EVP_PKEY *signer,
                  long serial, time_t nb, time_t na, int ca, const struct tc_buf *sgx_ext)
{
    X509 *x = X509_new();
    X509_NAME *sn = name(subject), *in = name(issuer);
    int ok = x != NULL && sn != NULL && in != NULL;

    ok = ok && X509_set_version(x, 2) == 1 &&
         ASN1_INTEGER_set(X509_get_serialNumber(x), serial) == 1 &&
         X509_set_subject_name(x, sn) == 1 && X509_set_issuer_name(x, in) == 1 &&
         ASN1_TIME_set(X509_getm_notBefore(x), nb) != NULL &&
         ASN1_TIME_set(X509_getm_notAfter(x), na) != NULL && X509_set_pubkey(x, key) == 1;
    ok = ok && add_ext(x, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    ok = ok &&
         add_ext(x, NID_key_usage,
                 ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation");
    if (ok && sgx_ext != NULL) {
        ASN1_OBJECT *obj = OBJ_txt2obj("1.2.840.113741.1.13.1", 1);
        ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
        X509_EXTENSION *ext = NULL;

        ok = obj != NULL && os != NULL &&
             ASN1_OCTET_STRING_set(os, sgx_ext->data, (int)sgx_ext->len) == 1 &&
             (ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os)) != NULL &&
             X509_add_ext(x, ext, -1) == 1;
        X509_EXTENSION_free(ext);
        ASN1_OCTET_STRING_free(os);
        ASN1_OBJECT_free(obj);
    }
    ok = ok && X509_sign(x, signer, EVP_sha256()) > 0;
    X509_NAME_free(sn);
    X509_NAME_free(in);
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}

/* Flip the last byte of the DER (inside the signature's s value): the signature breaks. */
static X509 *break_sig(X509 *x)
{
    unsigned char *d = NULL;
    const unsigned char *p;
    int n = i2d_X509(x, &d);
    X509 *y = NULL;

    X509_free(x);
    if (n <= 0) {
        return NULL;
    }
    d[n - 1] ^= 0x01;
    p = d;
    y = d2i_X509(NULL, &p, n);
    OPENSSL_free(d);
    return y;
}

static X509_CRL *crl(const char *issuer, EVP_PKEY *key, time_t last, time_t next,
                     const long *revoked, size_t n, int break_it)
{
    X509_CRL *c = X509_CRL_new();
    X509_NAME *in = name(issuer);
    ASN1_TIME *t1 = ASN1_TIME_set(NULL, last), *t2 = ASN1_TIME_set(NULL, next);
    size_t i;
    int ok = c != NULL && in != NULL && t1 != NULL && t2 != NULL;

    ok = ok && X509_CRL_set_version(c, 1) == 1 && X509_CRL_set_issuer_name(c, in) == 1 &&
         X509_CRL_set1_lastUpdate(c, t1) == 1 && X509_CRL_set1_nextUpdate(c, t2) == 1;
    for (i = 0; ok && i < n; i++) {
        X509_REVOKED *r = X509_REVOKED_new();
        ASN1_INTEGER *sn = ASN1_INTEGER_new();

        ok = r != NULL && sn != NULL && ASN1_INTEGER_set(sn, revoked[i]) == 1 &&
             X509_REVOKED_set_serialNumber(r, sn) == 1 &&
             X509_REVOKED_set_revocationDate(r, t1) == 1 && X509_CRL_add0_revoked(c, r) == 1;
        if (!ok) {
            X509_REVOKED_free(r);
        }
        ASN1_INTEGER_free(sn);
    }
    ok = ok && X509_CRL_sort(c) == 1 && X509_CRL_sign(c, key, EVP_sha256()) > 0;
    X509_NAME_free(in);
    ASN1_TIME_free(t1);
    ASN1_TIME_free(t2);
    if (!ok) {
        X509_CRL_free(c);
        return NULL;
    }
    if (break_it) {
        unsigned char *d = NULL;
        const unsigned char *p;
        int len = i2d_X509_CRL(c, &d);

        X509_CRL_free(c);
        c = NULL;
        if (len > 0) {
            d[len - 1] ^= 0x01;
            p = d;
            c = d2i_X509_CRL(NULL, &p, len);
        }
        OPENSSL_free(d);
    }
    return c;
}

static tc_err pem_append(struct tc_buf *b, X509 *x)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *p;
    long n;
    tc_err e;

    if (bio == NULL || PEM_write_bio_X509(bio, x) != 1) {
        BIO_free(bio);
        return tc_fail_ssl(TC_ERR_CRYPTO, "PEM");
    }
    n = BIO_get_mem_data(bio, &p);
    e = tc_buf_append(b, p, (size_t)n);
    BIO_free(bio);
    return e;
}

static tc_err crl_der(X509_CRL *c, uint8_t **out, size_t *len)
{
    unsigned char *d = NULL;
    int n = c != NULL ? i2d_X509_CRL(c, &d) : -1;

    if (n <= 0) {
        return tc_fail_ssl(TC_ERR_CRYPTO, "CRL DER");
    }
    *out = malloc((size_t)n);
    if (*out == NULL) {
        OPENSSL_free(d);
        return tc_fail(TC_ERR_NOMEM, "CRL");
    }
    memcpy(*out, d, (size_t)n);
    *len = (size_t)n;
    OPENSSL_free(d);
    return TC_ERR_OK;
}

/* ---- the platform: certificates for one option set ---- */

#define ROOT_CN "Intel SGX Root CA"
#define CA_CN "Intel SGX PCK Platform CA"
#define LEAF_CN "Intel SGX PCK Certificate"
#define SIGNER_CN "Intel SGX TCB Signing"
#define SERIAL_ROOT 1
#define SERIAL_CA 2
#define SERIAL_LEAF 3
#define SERIAL_SIGNER 4

struct platform {
    X509 *root, *ca, *leaf, *signer, *signer_root;
};

static void platform_free(struct platform *p)
{
    X509_free(p->root);
    X509_free(p->ca);
    X509_free(p->leaf);
    X509_free(p->signer);
    X509_free(p->signer_root);
    memset(p, 0, sizeof(*p));
}

static const uint8_t *pck_svn(const struct tdx_synth_opts *o, uint8_t buf[16])
{
    if (o->pck_svn != NULL) {
        return o->pck_svn;
    }
    memcpy(buf, LV_SGX[0], 16);
    if (o->brk == TDX_SYN_NO_TCB_LEVEL) {
        buf[7] = 1; /* below level 2's 2 */
    }
    return buf;
}

static tc_err platform(struct tdx_synth *s, const struct tdx_synth_opts *o, struct platform *p)
{
    time_t now = TDX_SYNTH_NOW;
    struct tc_buf ext;
    uint8_t svn[16];
    tc_err e;
    int b = o->brk;

    memset(p, 0, sizeof(*p));
    tc_buf_init(&ext, 0);
    if ((e = sgx_ext_der(s, pck_svn(o, svn), PCE_SVN, &ext)) != TC_ERR_OK) {
        return e;
    }
    p->root = cert(ROOT_CN, ROOT_CN, s->root, s->root, SERIAL_ROOT, now - 5 * YEAR, now + 20 * YEAR,
                   1, NULL);
    p->ca = cert(CA_CN, ROOT_CN, s->ca, s->root, SERIAL_CA,
                 b == TDX_SYN_CA_NOT_YET ? now + DAY : now - 5 * YEAR, now + 10 * YEAR,
                 b != TDX_SYN_LEAF_NOT_CA, NULL);
    p->leaf = cert(LEAF_CN, CA_CN, s->leaf, s->ca, SERIAL_LEAF, now - YEAR,
                   b == TDX_SYN_LEAF_EXPIRED ? now - DAY : now + 6 * YEAR, 0,
                   b == TDX_SYN_LEAF_NO_EXT ? NULL : &ext);
    p->signer_root = b == TDX_SYN_SIGNER_OTHER_ROOT
                         ? cert(ROOT_CN, ROOT_CN, s->other_root, s->other_root, SERIAL_ROOT,
                                now - 5 * YEAR, now + 20 * YEAR, 1, NULL)
                         : NULL;
    p->signer =
        cert(SIGNER_CN, ROOT_CN, s->signer,
             b == TDX_SYN_SIGNER_OTHER_ROOT ? s->other_root : s->root, SERIAL_SIGNER,
             now - 2 * YEAR, b == TDX_SYN_SIGNER_EXPIRED ? now - DAY : now + 5 * YEAR, 0, NULL);
    tc_buf_free(&ext);
    if (p->root == NULL || p->ca == NULL || p->leaf == NULL || p->signer == NULL ||
        (b == TDX_SYN_SIGNER_OTHER_ROOT && p->signer_root == NULL)) {
        platform_free(p);
        return tc_fail_ssl(TC_ERR_CRYPTO, "synth: certificates");
    }
    if (b == TDX_SYN_LEAF_SIG) {
        p->leaf = break_sig(p->leaf);
    } else if (b == TDX_SYN_CA_SIG) {
        p->ca = break_sig(p->ca);
    } else if (b == TDX_SYN_ROOT_SIG) {
        p->root = break_sig(p->root);
    } else if (b == TDX_SYN_SIGNER_SIG) {
        p->signer = break_sig(p->signer);
    }
    if (p->root == NULL || p->ca == NULL || p->leaf == NULL || p->signer == NULL) {
        platform_free(p);
        return tc_fail(TC_ERR_CRYPTO, "synth: breaking a signature");
    }
    return TC_ERR_OK;
}

/* ---- the quote ---- */

static tc_err put(struct tc_buf *b, const void *p, size_t n)
{
    return tc_buf_append(b, p, n);
}

static tc_err put16(struct tc_buf *b, uint16_t v)
{
    uint8_t x[2];

    tc_put_le16(x, v);
    return put(b, x, 2);
}

static tc_err put32(struct tc_buf *b, uint32_t v)
{
    uint8_t x[4];

    tc_put_le32(x, v);
    return put(b, x, 4);
}

static tc_err td_body(const struct tdx_synth_opts *o, int v15, struct tc_buf *b)
{
    static const uint8_t zero[64];
    uint8_t mrtd[48], attr[8] = {0}, xfam[8] = {0xe7, 0x02, 0x06, 0, 0, 0, 0, 0};
    uint8_t mrseam[48];
    const uint8_t *svn = o->tee_tcb_svn != NULL ? o->tee_tcb_svn : DEFAULT_TEE_SVN;
    uint8_t seam_attr[8] = {0}, signerseam[48] = {0};
    tc_err e = TC_ERR_OK;
    int i;

    memset(mrtd, 0x11, sizeof(mrtd));
    memset(mrseam, 0x22, sizeof(mrseam));
    if (o->debug) {
        attr[0] |= 1;
    }
    attr[3] = 0x10; /* SEPT_VE_DISABLE, as real TDs set */
    if (o->brk == TDX_SYN_MODULE_MRSIGNER) {
        signerseam[0] = 1;
    }
    if (o->seam_attributes != NULL) {
        memcpy(seam_attr, o->seam_attributes, 8);
    }
    if (o->brk == TDX_SYN_MODULE_ATTR) {
        seam_attr[0] = 1;
    }
    if (o->brk == TDX_SYN_NO_TDX_LEVEL) {
        static uint8_t low[16];

        memcpy(low, svn, 16);
        low[2] = 0; /* below level 2's 1 */
        svn = low;
    }
    if (o->brk == TDX_SYN_MODULE_LOW) {
        static uint8_t low[16];

        memcpy(low, svn, 16);
        low[0] = 1; /* below TDX_01's lowest isvsvn 2 */
        svn = low;
    }
    e = put(b, svn, 16);
    e = e ? e : put(b, mrseam, 48);
    e = e ? e : put(b, signerseam, 48);
    e = e ? e : put(b, seam_attr, 8);
    e = e ? e : put(b, attr, 8);
    e = e ? e : put(b, xfam, 8);
    e = e ? e : put(b, o->mrtd != NULL ? o->mrtd : mrtd, 48);
    e = e ? e : put(b, zero, 48); /* MRCONFIGID */
    e = e ? e : put(b, zero, 48); /* MROWNER */
    e = e ? e : put(b, zero, 48); /* MROWNERCONFIG */
    for (i = 0; i < 4; i++) {
        e = e ? e : put(b, o->rtmr[i] != NULL ? o->rtmr[i] : zero, 48);
    }
    e = e ? e : put(b, o->report_data != NULL ? o->report_data : zero, 64);
    if (v15) {
        e = e ? e : put(b, o->tee_tcb_svn2 != NULL ? o->tee_tcb_svn2 : svn, 16);
        e = e ? e : put(b, zero, 48); /* MRSERVICETD */
    }
    return e;
}

static tc_err qe_report(struct tdx_synth *s, const struct tdx_synth_opts *o,
                        const uint8_t att_xy[64], const uint8_t *auth, size_t auth_len,
                        uint8_t out[384])
{
    uint8_t svn[16], h[32];
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned int hl = 0;
    uint16_t isvsvn = o->qe_isvsvn ? o->qe_isvsvn : 8;

    memset(out, 0, 384);
    memcpy(out, pck_svn(o, svn), 16); /* CPUSVN */
    out[48] = 0x11;                   /* ATTRIBUTES: INIT | MODE64BIT */
    if (o->brk == TDX_SYN_QEID_ATTR) {
        out[48] |= 0x20;
    }
    if (o->brk == TDX_SYN_QEID_MISC) {
        out[16] = 0x01;
    }
    memset(out + 64, 0xaa, 32); /* MRENCLAVE */
    memcpy(out + 128, s->qe_mrsigner, 32);
    if (o->brk == TDX_SYN_QEID_MRSIGNER) {
        out[128] ^= 0xff;
    }
    tc_put_le16(out + 256, o->brk == TDX_SYN_QEID_PRODID ? 3 : 2);
    tc_put_le16(out + 258, o->brk == TDX_SYN_QEID_LOW ? 1 : isvsvn);
    if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
        EVP_DigestUpdate(md, att_xy, 64) != 1 || EVP_DigestUpdate(md, auth, auth_len) != 1 ||
        EVP_DigestFinal_ex(md, h, &hl) != 1) {
        EVP_MD_CTX_free(md);
        return tc_fail_ssl(TC_ERR_CRYPTO, "SHA-256");
    }
    EVP_MD_CTX_free(md);
    if (o->brk == TDX_SYN_BINDING) {
        h[0] ^= 1;
    }
    memcpy(out + 320, h, 32);
    return TC_ERR_OK;
}

tc_err tdx_synth_quote(struct tdx_synth *s, const struct tdx_synth_opts *o, uint8_t **quote,
                       size_t *len)
{
    struct tc_buf q, chain, cert6;
    struct platform p;
    uint8_t att[65], qe[384], sig[64], qsig[64], auth[32];
    int version = o->version ? o->version : 4;
    int body = version == 5 ? (o->body_type ? o->body_type : 3) : 2;
    size_t i;
    tc_err e;

    if ((e = platform(s, o, &p)) != TC_ERR_OK) {
        return e;
    }
    tc_buf_init(&q, 0);
    tc_buf_init(&chain, 0);
    tc_buf_init(&cert6, 0);
    for (i = 0; i < 32; i++) {
        auth[i] = (uint8_t)i;
    }
    /* PCK chain (leaf, CA, root) as PEM, NUL-terminated like real quotes. */
    if ((e = pem_append(&chain, p.leaf)) != TC_ERR_OK ||
        (o->brk != TDX_SYN_CHAIN_TWO && (e = pem_append(&chain, p.ca)) != TC_ERR_OK) ||
        (e = pem_append(&chain, p.root)) != TC_ERR_OK || (e = put(&chain, "", 1)) != TC_ERR_OK) {
        goto out;
    }
    if ((e = tdx_pkey_raw(s->att, att)) != TC_ERR_OK ||
        (e = qe_report(s, o, att + 1, auth, sizeof(auth), qe)) != TC_ERR_OK ||
        (e = tc_ecdsa_sign_rs(s->leaf, EVP_sha256(), qe, 384, sig, sig + 32, 32, 0)) != TC_ERR_OK) {
        goto out;
    }
    if (o->brk == TDX_SYN_QE_SIG) {
        sig[5] ^= 1;
    }
    /* A.3.11 QE report certification data */
    e = put(&cert6, qe, 384);
    e = e ? e : put(&cert6, sig, 64);
    e = e ? e : put16(&cert6, (uint16_t)sizeof(auth));
    e = e ? e : put(&cert6, auth, sizeof(auth));
    e = e ? e : put16(&cert6, TC_TDX_CERT_PCK_CHAIN);
    e = e ? e : put32(&cert6, (uint32_t)chain.len);
    e = e ? e : put(&cert6, chain.data, chain.len);
    /* Header (A.3.1) */
    e = e ? e : put16(&q, (uint16_t)version);
    e = e ? e : put16(&q, TC_TDX_ATT_KEY_ECDSA_P256);
    e = e ? e : put32(&q, TC_TDX_TEE_TYPE);
    e = e ? e : put32(&q, 0);
    if (e == TC_ERR_OK) {
        uint8_t vendor[16], user[20] = {0};

        memcpy(vendor, INTEL_VENDOR, 16);
        if (o->brk == TDX_SYN_QE_VENDOR) {
            vendor[15] ^= 1;
        }
        e = put(&q, vendor, 16);
        e = e ? e : put(&q, user, 20);
    }
    if (e == TC_ERR_OK && version == 5) {
        e = put16(&q, (uint16_t)body);
        e = e ? e : put32(&q, body == 3 ? 648 : 584);
    }
    e = e ? e : td_body(o, body == 3, &q);
    if (e != TC_ERR_OK) {
        goto out;
    }
    if ((e = tc_ecdsa_sign_rs(s->att, EVP_sha256(), q.data, q.len, qsig, qsig + 32, 32, 0)) !=
        TC_ERR_OK) {
        goto out;
    }
    if (o->brk == TDX_SYN_QUOTE_SIG) {
        qsig[40] ^= 1;
    }
    e = put32(&q, (uint32_t)(64 + 64 + 6 + cert6.len));
    e = e ? e : put(&q, qsig, 64);
    e = e ? e : put(&q, att + 1, 64);
    e = e ? e : put16(&q, TC_TDX_CERT_QE_REPORT);
    e = e ? e : put32(&q, (uint32_t)cert6.len);
    e = e ? e : put(&q, cert6.data, cert6.len);
    if (e != TC_ERR_OK) {
        goto out;
    }
    *quote = malloc(q.len);
    if (*quote == NULL) {
        e = tc_fail(TC_ERR_NOMEM, "quote");
        goto out;
    }
    memcpy(*quote, q.data, q.len);
    *len = q.len;
out:
    tc_buf_free(&q);
    tc_buf_free(&chain);
    tc_buf_free(&cert6);
    platform_free(&p);
    return e;
}

/* ---- collateral ---- */

static tc_err hexs(struct tc_buf *b, const uint8_t *p, size_t n, int upper)
{
    size_t i;
    tc_err e = TC_ERR_OK;

    for (i = 0; i < n && e == TC_ERR_OK; i++) {
        e = tc_buf_printf(b, upper ? "%02X" : "%02x", p[i]);
    }
    return e;
}

static tc_err comps(struct tc_buf *b, const char *key, const uint8_t v[16])
{
    tc_err e = tc_buf_printf(b, "\"%s\":[", key);
    size_t i;

    for (i = 0; i < 16 && e == TC_ERR_OK; i++) {
        e = tc_buf_printf(b, "%s{\"svn\":%u%s}", i ? "," : "", v[i],
                          i == 0 ? ",\"category\":\"BIOS\",\"type\":\"Early Microcode Update\""
                                 : "");
    }
    return e ? e : tc_buf_printf(b, "]");
}

static void iso(time_t t, char *buf)
{
    tc_time_format(t, buf, 32);
}

static tc_err tcb_info_text(const struct tdx_synth_opts *o, struct tc_buf *b)
{
    static const uint8_t zero48[48];
    char i0[32], i1[32];
    time_t now = TDX_SYNTH_NOW, issue = now - 5 * DAY, next = now + 25 * DAY;
    uint8_t fm[6], pce[2];
    size_t l;
    tc_err e;

    memcpy(fm, FMSPC, 6);
    memcpy(pce, PCE_ID, 2);
    if (o->brk == TDX_SYN_TCB_EXPIRED) {
        issue = now - 40 * DAY;
        next = now - 10 * DAY;
    } else if (o->brk == TDX_SYN_TCB_NOT_YET) {
        issue = now + DAY;
        next = now + 30 * DAY;
    }
    if (o->brk == TDX_SYN_TCB_FMSPC) {
        fm[0] ^= 0xff;
    }
    if (o->brk == TDX_SYN_TCB_PCEID) {
        pce[1] = 1;
    }
    iso(issue, i0);
    iso(next, i1);
    e = tc_buf_printf(b,
                      "{\"id\":\"%s\",\"version\":3,\"issueDate\":\"%s\",\"nextUpdate\":\"%s\","
                      "\"fmspc\":\"",
                      o->brk == TDX_SYN_TCB_ID_SGX ? "SGX" : "TDX", i0, i1);
    e = e ? e : hexs(b, fm, 6, 1);
    e = e ? e : tc_buf_printf(b, "\",\"pceId\":\"");
    e = e ? e : hexs(b, pce, 2, 1);
    e = e ? e
          : tc_buf_printf(b, "\",\"tcbType\":0,\"tcbEvaluationDataNumber\":17,"
                             "\"tdxModule\":{\"mrsigner\":\"");
    e = e ? e : hexs(b, zero48, 48, 1);
    e = e ? e
          : tc_buf_printf(b, "\",\"attributes\":\"0000000000000000\",\"attributesMask\":"
                             "\"FFFFFFFFFFFFFFFF\"},\"tdxModuleIdentities\":[");
    /* TDX_03 first (as Intel lists it), then TDX_01 unless removed. */
    e = e ? e : tc_buf_printf(b, "{\"id\":\"TDX_03\",\"mrsigner\":\"");
    e = e ? e : hexs(b, zero48, 48, 1);
    e = e ? e
          : tc_buf_printf(b, "\",\"attributes\":\"0000000000000000\",\"attributesMask\":"
                             "\"FFFFFFFFFFFFFFFF\",\"tcbLevels\":[{\"tcb\":{\"isvsvn\":3},"
                             "\"tcbDate\":\"2024-11-13T00:00:00Z\",\"tcbStatus\":"
                             "\"UpToDate\"}]}");
    if (o->brk != TDX_SYN_MODULE_NO_ID) {
        static const char *const mlv[3] = {
            "{\"tcb\":{\"isvsvn\":6},\"tcbDate\":\"2024-03-13T00:00:00Z\",\"tcbStatus\":"
            "\"UpToDate\"}",
            "{\"tcb\":{\"isvsvn\":4},\"tcbDate\":\"2023-08-09T00:00:00Z\",\"tcbStatus\":"
            "\"OutOfDate\",\"advisoryIDs\":[\"INTEL-SA-01036\"]}",
            "{\"tcb\":{\"isvsvn\":2},\"tcbDate\":\"2022-11-09T00:00:00Z\",\"tcbStatus\":"
            "\"Revoked\",\"advisoryIDs\":[\"INTEL-SA-00837\"]}",
        };
        int k;

        e = e ? e : tc_buf_printf(b, ",{\"id\":\"TDX_01\",\"mrsigner\":\"");
        e = e ? e : hexs(b, zero48, 48, 1);
        e = e ? e
              : tc_buf_printf(b,
                              "\",\"attributes\":\"0000000000000000\",\"attributesMask\":"
                              "\"%s\",\"tcbLevels\":[",
                              o->module_attr_mask != NULL ? o->module_attr_mask
                                                          : "FFFFFFFFFFFFFFFF");
        for (k = 0; k < 3 && e == TC_ERR_OK; k++) {
            e = tc_buf_printf(b, "%s%s", k ? "," : "", mlv[o->module_levels_ascending ? 2 - k : k]);
        }
        e = e ? e : tc_buf_printf(b, "]}");
    }
    e = e ? e : tc_buf_printf(b, "],\"tcbLevels\":[");
    for (l = 0; l < 3 + (o->repeat_level0 != 0) && e == TC_ERR_OK; l++) {
        static const char *const dates[3] = {"2024-03-13T00:00:00Z", "2023-08-09T00:00:00Z",
                                             "2022-11-09T00:00:00Z"};
        size_t k = l == 3 ? 0 : l; /* with repeat_level0, the top level again at the end */
        const char *st = k == 0 ? (o->level0_status ? o->level0_status : "UpToDate") : "OutOfDate";

        e = tc_buf_printf(b, "%s{\"tcb\":{", l ? "," : "");
        e = e ? e : comps(b, "sgxtcbcomponents", LV_SGX[k]);
        e = e ? e : tc_buf_printf(b, ",\"pcesvn\":%u,", LV_PCE[k]);
        e = e ? e : comps(b, "tdxtcbcomponents", LV_TDX[k]);
        e = e ? e : tc_buf_printf(b, "},\"tcbDate\":\"%s\",\"tcbStatus\":\"%s\"", dates[k], st);
        if (k > 0 || strcmp(st, "UpToDate") != 0) {
            e = e ? e : tc_buf_printf(b, ",\"advisoryIDs\":[\"INTEL-SA-0%zu999\"]", k + 1);
        }
        e = e ? e : tc_buf_printf(b, "}");
    }
    return e ? e : tc_buf_printf(b, "]}");
}

static tc_err qe_id_text(struct tdx_synth *s, const struct tdx_synth_opts *o, struct tc_buf *b)
{
    char i0[32], i1[32];
    time_t now = TDX_SYNTH_NOW, issue = now - 4 * DAY, next = now + 26 * DAY;
    tc_err e;

    if (o->brk == TDX_SYN_QEID_EXPIRED) {
        issue = now - 40 * DAY;
        next = now - 10 * DAY;
    }
    iso(issue, i0);
    iso(next, i1);
    e = tc_buf_printf(b,
                      "{\"id\":\"%s\",\"version\":2,\"issueDate\":\"%s\",\"nextUpdate\":\"%s\","
                      "\"tcbEvaluationDataNumber\":17,\"miscselect\":\"00000000\","
                      "\"miscselectMask\":\"FFFFFFFF\",\"attributes\":"
                      "\"11000000000000000000000000000000\",\"attributesMask\":"
                      "\"FBFFFFFFFFFFFFFF0000000000000000\",\"mrsigner\":\"",
                      o->brk == TDX_SYN_QEID_ID ? "QE" : "TD_QE", i0, i1);
    e = e ? e : hexs(b, s->qe_mrsigner, 32, 1);
    return e ? e
             : tc_buf_printf(b,
                             "\",\"isvprodid\":2,\"tcbLevels\":[{\"tcb\":{\"isvsvn\":8},"
                             "\"tcbDate\":\"2024-03-13T00:00:00Z\",\"tcbStatus\":\"UpToDate\"},"
                             "{\"tcb\":{\"isvsvn\":6},\"tcbDate\":\"2023-08-09T00:00:00Z\","
                             "\"tcbStatus\":\"OutOfDate\",\"advisoryIDs\":[\"INTEL-SA-00615\"]},"
                             "{\"tcb\":{\"isvsvn\":2},\"tcbDate\":\"2022-11-09T00:00:00Z\","
                             "\"tcbStatus\":\"Revoked\",\"advisoryIDs\":[\"INTEL-SA-00477\"]}]}");
}

static tc_err sign_hex(EVP_PKEY *k, const struct tc_buf *text, int break_it, char out[129])
{
    uint8_t sig[64];
    tc_err e = tc_ecdsa_sign_rs(k, EVP_sha256(), text->data, text->len, sig, sig + 32, 32, 0);

    if (e != TC_ERR_OK) {
        return e;
    }
    if (break_it) {
        sig[10] ^= 1;
    }
    tc_hex_encode(sig, 64, out);
    return TC_ERR_OK;
}

void tdx_synth_pieces_free(struct tdx_synth_pieces *p)
{
    free(p->tcb_body);
    free(p->qe_body);
    free(p->tcb_chain_pem);
    free(p->pck_crl_chain_pem);
    free(p->pck_crl_der);
    free(p->root_crl_der);
    memset(p, 0, sizeof(*p));
}

static char *take(struct tc_buf *b)
{
    char *s = malloc(b->len + 1);

    if (s != NULL) {
        memcpy(s, b->data, b->len);
        s[b->len] = '\0';
    }
    return s;
}

/* Signed texts are returned as well, for the JSON form. */
static tc_err pieces(struct tdx_synth *s, const struct tdx_synth_opts *o,
                     struct tdx_synth_pieces *out, struct tc_buf *tcb_text, char tcb_sig[129],
                     struct tc_buf *qe_text, char qe_sig[129])
{
    time_t now = TDX_SYNTH_NOW;
    struct platform p;
    struct tc_buf b;
    X509_CRL *pck = NULL, *root = NULL;
    long rev_pck[3] = {1001, 1002, SERIAL_LEAF}, rev_root[3] = {2001, SERIAL_CA, SERIAL_SIGNER};
    size_t n_rev_root = 1;
    tc_err e;

    memset(out, 0, sizeof(*out));
    if ((e = platform(s, o, &p)) != TC_ERR_OK) {
        return e;
    }
    tc_buf_init(&b, 0);
    if ((e = tcb_info_text(o, tcb_text)) != TC_ERR_OK ||
        (e = sign_hex(s->signer, tcb_text, o->brk == TDX_SYN_TCB_SIG, tcb_sig)) != TC_ERR_OK ||
        (e = qe_id_text(s, o, qe_text)) != TC_ERR_OK ||
        (e = sign_hex(s->signer, qe_text, o->brk == TDX_SYN_QEID_SIG, qe_sig)) != TC_ERR_OK) {
        goto out;
    }
    if ((e = tc_buf_printf(&b, "{\"tcbInfo\":%.*s,\"signature\":\"%s\"}", (int)tcb_text->len,
                           (const char *)tcb_text->data, tcb_sig)) != TC_ERR_OK ||
        (out->tcb_body = take(&b)) == NULL) {
        e = e ? e : tc_fail(TC_ERR_NOMEM, "synth");
        goto out;
    }
    b.len = 0;
    if ((e = tc_buf_printf(&b, "{\"enclaveIdentity\":%.*s,\"signature\":\"%s\"}", (int)qe_text->len,
                           (const char *)qe_text->data, qe_sig)) != TC_ERR_OK ||
        (out->qe_body = take(&b)) == NULL) {
        e = e ? e : tc_fail(TC_ERR_NOMEM, "synth");
        goto out;
    }
    b.len = 0;
    if ((e = pem_append(&b, p.signer)) != TC_ERR_OK ||
        (e = pem_append(&b, p.signer_root != NULL ? p.signer_root : p.root)) != TC_ERR_OK ||
        (out->tcb_chain_pem = take(&b)) == NULL) {
        e = e ? e : tc_fail(TC_ERR_NOMEM, "synth");
        goto out;
    }
    b.len = 0;
    if ((e = pem_append(&b, p.ca)) != TC_ERR_OK || (e = pem_append(&b, p.root)) != TC_ERR_OK ||
        (out->pck_crl_chain_pem = take(&b)) == NULL) {
        e = e ? e : tc_fail(TC_ERR_NOMEM, "synth");
        goto out;
    }
    if (o->brk == TDX_SYN_CA_REVOKED) {
        n_rev_root = 2;
    } else if (o->brk == TDX_SYN_SIGNER_REVOKED) {
        rev_root[1] = SERIAL_SIGNER;
        n_rev_root = 2;
    }
    pck = crl(o->brk == TDX_SYN_PCK_CRL_ISSUER ? "Intel SGX PCK Processor CA" : CA_CN, s->ca,
              now - 2 * DAY, o->brk == TDX_SYN_PCK_CRL_EXPIRED ? now - DAY : now + 28 * DAY,
              rev_pck, o->brk == TDX_SYN_PCK_REVOKED ? 3 : 2, o->brk == TDX_SYN_PCK_CRL_SIG);
    root = crl(ROOT_CN, s->root, now - 30 * DAY, now + 335 * DAY, rev_root, n_rev_root,
               o->brk == TDX_SYN_ROOT_CRL_SIG);
    if ((e = crl_der(pck, &out->pck_crl_der, &out->pck_crl_len)) != TC_ERR_OK ||
        (e = crl_der(root, &out->root_crl_der, &out->root_crl_len)) != TC_ERR_OK) {
        goto out;
    }
out:
    X509_CRL_free(pck);
    X509_CRL_free(root);
    tc_buf_free(&b);
    platform_free(&p);
    if (e != TC_ERR_OK) {
        tdx_synth_pieces_free(out);
    }
    return e;
}

tc_err tdx_synth_pieces(struct tdx_synth *s, const struct tdx_synth_opts *o,
                        struct tdx_synth_pieces *p)
{
    struct tc_buf t1, t2;
    char s1[129], s2[129];
    tc_err e;

    tc_buf_init(&t1, 0);
    tc_buf_init(&t2, 0);
    e = pieces(s, o, p, &t1, s1, &t2, s2);
    tc_buf_free(&t1);
    tc_buf_free(&t2);
    return e;
}

tc_err tdx_synth_collateral_json(struct tdx_synth *s, const struct tdx_synth_opts *o, char **json,
                                 size_t *len)
{
    struct tdx_synth_pieces p;
    struct tc_buf t1, t2;
    char s1[129], s2[129], *h1 = NULL, *h2 = NULL;
    json_t *j = NULL;
    tc_err e;

    tc_buf_init(&t1, 0);
    tc_buf_init(&t2, 0);
    if ((e = pieces(s, o, &p, &t1, s1, &t2, s2)) != TC_ERR_OK) {
        goto out;
    }
    h1 = malloc(2 * p.root_crl_len + 1);
    h2 = malloc(2 * p.pck_crl_len + 1);
    j = json_object();
    if (h1 == NULL || h2 == NULL || j == NULL) {
        e = tc_fail(TC_ERR_NOMEM, "synth");
        goto out;
    }
    tc_hex_encode(p.root_crl_der, p.root_crl_len, h1);
    tc_hex_encode(p.pck_crl_der, p.pck_crl_len, h2);
    if (json_object_set_new(j, "pck_crl_issuer_chain", json_string(p.pck_crl_chain_pem)) != 0 ||
        json_object_set_new(j, "root_ca_crl", json_string(h1)) != 0 ||
        json_object_set_new(j, "pck_crl", json_string(h2)) != 0 ||
        json_object_set_new(j, "tcb_info_issuer_chain", json_string(p.tcb_chain_pem)) != 0 ||
        json_object_set_new(j, "tcb_info", json_stringn((const char *)t1.data, t1.len)) != 0 ||
        json_object_set_new(j, "tcb_info_signature", json_string(s1)) != 0 ||
        json_object_set_new(j, "qe_identity_issuer_chain", json_string(p.tcb_chain_pem)) != 0 ||
        json_object_set_new(j, "qe_identity", json_stringn((const char *)t2.data, t2.len)) != 0 ||
        json_object_set_new(j, "qe_identity_signature", json_string(s2)) != 0) {
        e = tc_fail(TC_ERR_NOMEM, "synth JSON");
        goto out;
    }
    *json = json_dumps(j, JSON_PRESERVE_ORDER | JSON_INDENT(1));
    if (*json == NULL) {
        e = tc_fail(TC_ERR_NOMEM, "synth JSON");
        goto out;
    }
    *len = strlen(*json);
out:
    json_decref(j);
    free(h1);
    free(h2);
    tc_buf_free(&t1);
    tc_buf_free(&t2);
    tdx_synth_pieces_free(&p);
    return e;
}

tc_err tdx_synth_collateral_dir(struct tdx_synth *s, const struct tdx_synth_opts *o,
                                const char *dir)
{
    struct tdx_synth_pieces p;
    char path[4096];
    tc_err e;

    if ((e = tdx_synth_pieces(s, o, &p)) != TC_ERR_OK) {
        return e;
    }
#define W(name, data, n)                                                                           \
    do {                                                                                           \
        snprintf(path, sizeof(path), "%s/%s", dir, name);                                          \
        if (e == TC_ERR_OK) {                                                                      \
            e = tc_file_write(path, data, n, 0644);                                                \
        }                                                                                          \
    } while (0)
    W("tcb_info.json", p.tcb_body, strlen(p.tcb_body));
    W("qe_identity.json", p.qe_body, strlen(p.qe_body));
    W("tcb_signing_chain.pem", p.tcb_chain_pem, strlen(p.tcb_chain_pem));
    W("qe_identity_chain.pem", p.tcb_chain_pem, strlen(p.tcb_chain_pem));
    W("pck_crl_chain.pem", p.pck_crl_chain_pem, strlen(p.pck_crl_chain_pem));
    W("pck_crl.der", p.pck_crl_der, p.pck_crl_len);
    W("root_crl.der", p.root_crl_der, p.root_crl_len);
#undef W
    tdx_synth_pieces_free(&p);
    return e;
}

tc_err tdx_synth_root_pem(struct tdx_synth *s, char **pem, size_t *len)
{
    struct tdx_synth_opts o;
    struct platform p;
    struct tc_buf b;
    tc_err e;

    memset(&o, 0, sizeof(o));
    if ((e = platform(s, &o, &p)) != TC_ERR_OK) {
        return e;
    }
    tc_buf_init(&b, 0);
    e = pem_append(&b, p.root);
    if (e == TC_ERR_OK) {
        *pem = take(&b);
        *len = b.len;
        if (*pem == NULL) {
            e = tc_fail(TC_ERR_NOMEM, "synth");
        }
    }
    tc_buf_free(&b);
    platform_free(&p);
    return e;
}
