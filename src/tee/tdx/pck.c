/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Certificates for TDX: parsing and ordering chains, the SGX extensions of a
 * PCK certificate, chain evaluation against pinned root keys, and the
 * memoisable "part" (time-independent checks + validity windows).
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "tee/tdx/tdx_int.h"

/* Intel SGX Root CA public key (prod), the key DCAP's QvE hard-codes. */
const tc_tdx_root_key tc_tdx_intel_root_key = {
    0x04, 0x0b, 0xa9, 0xc4, 0xc0, 0xc0, 0xc8, 0x61, 0x93, 0xa3, 0xfe, 0x23, 0xd6,
    0xb0, 0x2c, 0xda, 0x10, 0xa8, 0xbb, 0xd4, 0xe8, 0x8e, 0x48, 0xb4, 0x45, 0x85,
    0x61, 0xa3, 0x6e, 0x70, 0x55, 0x25, 0xf5, 0x67, 0x91, 0x8e, 0x2e, 0xdc, 0x88,
    0xe4, 0x0d, 0x86, 0x0b, 0xd0, 0xcc, 0x4e, 0xe2, 0x6a, 0xac, 0xc9, 0x88, 0xe5,
    0x05, 0xa9, 0x53, 0x55, 0x8c, 0x45, 0x3f, 0x6b, 0x09, 0x04, 0xae, 0x73, 0x94,
};

/* ---- time, keys, names ---- */

tc_err tdx_asn1_time(const ASN1_TIME *t, time_t *out)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1) {
        return tc_fail_ssl(TC_ERR_MALFORMED, "invalid certificate/CRL time");
    }
    *out = timegm(&tm);
    return TC_ERR_OK;
}

tc_err tdx_pkey_raw(EVP_PKEY *k, uint8_t out[65])
{
    BIGNUM *x = NULL, *y = NULL;
    char group[32];
    size_t glen = 0;
    tc_err e = TC_ERR_OK;

    if (k == NULL || EVP_PKEY_get_base_id(k) != EVP_PKEY_EC ||
        EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &glen) != 1 ||
        strcmp(group, "prime256v1") != 0) {
        ERR_clear_error();
        return tc_fail(TC_ERR_UNSUPPORTED, "public key is not an EC P-256 key");
    }
    if (EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_PUB_X, &x) != 1 ||
        EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_PUB_Y, &y) != 1 ||
        BN_bn2binpad(x, out + 1, 32) != 32 || BN_bn2binpad(y, out + 33, 32) != 32) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "EC public key coordinates");
    }
    out[0] = 0x04;
    BN_free(x);
    BN_free(y);
    return e;
}

tc_err tdx_pkey_from_xy(const uint8_t xy[64], EVP_PKEY **out)
{
    uint8_t pt[65];
    OSSL_PARAM params[3];
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *k = NULL;
    tc_err e = TC_ERR_OK;

    pt[0] = 0x04;
    memcpy(pt + 1, xy, 64);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt));
    params[2] = OSSL_PARAM_construct_end();
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, params) != 1) {
        /* An invalid point (not on the curve) lands here: the key is unusable. */
        e = tc_fail_ssl(TC_ERR_SIGNATURE, "attestation key is not a valid P-256 point");
        goto out;
    }
    *out = k;
out:
    EVP_PKEY_CTX_free(ctx);
    return e;
}

const char *tdx_cn(const X509_NAME *n, char *buf, size_t len)
{
    buf[0] = '\0';
    if (n == NULL || X509_NAME_get_text_by_NID((X509_NAME *)n, NID_commonName, buf, (int)len) < 0) {
        buf[0] = '\0';
    }
    return buf;
}

/* ---- chains ---- */

void tdx_chain_free(struct tdx_chain *ch)
{
    size_t i;

    for (i = 0; i < ch->n; i++) {
        X509_free(ch->c[i]);
    }
    memset(ch, 0, sizeof(*ch));
}

static int only_space(const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (p[i] != ' ' && p[i] != '\n' && p[i] != '\r' && p[i] != '\t' && p[i] != '\0') {
            return 0;
        }
    }
    return 1;
}

static tc_err parse_pem(const uint8_t *p, size_t n, X509 **certs, size_t *count)
{
    BIO *bio = BIO_new_mem_buf(p, (int)n);
    tc_err e = TC_ERR_OK;

    if (bio == NULL) {
        return tc_fail_ssl(TC_ERR_NOMEM, "BIO");
    }
    *count = 0;
    for (;;) {
        X509 *x;
        unsigned long err;

        ERR_set_mark();
        x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        if (x == NULL) {
            err = ERR_peek_last_error();
            if (*count > 0 && ERR_GET_LIB(err) == ERR_LIB_PEM &&
                ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
                ERR_pop_to_mark();
                break;
            }
            ERR_clear_last_mark();
            e = tc_fail_ssl(TC_ERR_MALFORMED, "PEM certificate %zu", *count + 1);
            goto out;
        }
        ERR_clear_last_mark();
        if (*count == TDX_CHAIN_MAX) {
            X509_free(x);
            e = tc_fail(TC_ERR_MALFORMED, "more than %d certificates", TDX_CHAIN_MAX);
            goto out;
        }
        certs[(*count)++] = x;
    }
out:
    BIO_free(bio);
    return e;
}

static tc_err parse_der(const uint8_t *p, size_t n, X509 **certs, size_t *count)
{
    const unsigned char *q = p;
    const unsigned char *end = p + n;

    *count = 0;
    while (q < end && !only_space(q, (size_t)(end - q))) {
        const unsigned char *start = q;
        X509 *x = d2i_X509(NULL, &q, (long)(end - q));

        if (x == NULL) {
            return tc_fail_ssl(TC_ERR_MALFORMED, "DER certificate %zu at byte %zu", *count + 1,
                               (size_t)(start - p));
        }
        if (*count == TDX_CHAIN_MAX) {
            X509_free(x);
            return tc_fail(TC_ERR_MALFORMED, "more than %d certificates", TDX_CHAIN_MAX);
        }
        certs[(*count)++] = x;
    }
    return TC_ERR_OK;
}

static int has_pem_begin(const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i + 11 <= n; i++) {
        if (p[i] == '-' && memcmp(p + i, "-----BEGIN ", 11) == 0) {
            return 1;
        }
    }
    return 0;
}

tc_err tdx_chain_parse(const uint8_t *p, size_t n, struct tdx_chain *ch)
{
    X509 *in[TDX_CHAIN_MAX];
    int used[TDX_CHAIN_MAX] = {0};
    size_t cnt = 0, i, j, leaf = SIZE_MAX;
    int der;
    tc_err e;

    memset(ch, 0, sizeof(*ch));
    /* DER is told by its first two bytes: a SEQUENCE (0x30) with a long-form length (a
     * certificate is longer than 127 bytes), which no text starts with.  It is taken byte for
     * byte: its last byte can be any value, and its bytes may even spell "-----BEGIN ". */
    der = n >= 2 && p[0] == 0x30 && (p[1] & 0x80) != 0;
    /* PEM may end in NULs (quotes pad it) or newlines. */
    while (n > 0 && !der &&
           (p[n - 1] == '\0' || p[n - 1] == '\n' || p[n - 1] == ' ' || p[n - 1] == '\r')) {
        n--;
    }
    if (n == 0) {
        return tc_fail(TC_ERR_MALFORMED, "empty certificate chain");
    }
    if (der) {
        e = parse_der(p, n, in, &cnt);
    } else if (has_pem_begin(p, n)) {
        /* PEM, possibly after whitespace or a text preamble (PEM_read_bio skips it) */
        e = parse_pem(p, n, in, &cnt);
    } else {
        return tc_fail(TC_ERR_MALFORMED, "certificate chain is neither PEM nor DER");
    }
    if (e != TC_ERR_OK) {
        for (i = 0; i < cnt; i++) {
            X509_free(in[i]);
        }
        return e;
    }
    /* The leaf issues nothing in the set. */
    for (i = 0; i < cnt; i++) {
        int issues = 0;

        for (j = 0; j < cnt; j++) {
            if (i != j &&
                X509_NAME_cmp(X509_get_issuer_name(in[j]), X509_get_subject_name(in[i])) == 0) {
                issues = 1;
            }
        }
        if (!issues) {
            if (leaf != SIZE_MAX) {
                e = tc_fail(TC_ERR_MALFORMED, "certificate chain has two leaves");
                goto fail;
            }
            leaf = i;
        }
    }
    if (leaf == SIZE_MAX) {
        /* A single self-issued certificate issues itself: it is its own leaf. */
        if (cnt == 1) {
            leaf = 0;
        } else {
            e = tc_fail(TC_ERR_MALFORMED, "certificate chain has no leaf (a loop)");
            goto fail;
        }
    }
    ch->c[ch->n++] = in[leaf];
    used[leaf] = 1;
    for (;;) {
        X509 *cur = ch->c[ch->n - 1];
        size_t next = SIZE_MAX;

        if (X509_NAME_cmp(X509_get_issuer_name(cur), X509_get_subject_name(cur)) == 0) {
            break; /* self-issued: the root */
        }
        for (j = 0; j < cnt; j++) {
            if (!used[j] &&
                X509_NAME_cmp(X509_get_issuer_name(cur), X509_get_subject_name(in[j])) == 0) {
                next = j;
                break;
            }
        }
        if (next == SIZE_MAX) {
            e = tc_fail(TC_ERR_MALFORMED,
                        "certificate chain is incomplete: no issuer for "
                        "certificate %zu",
                        ch->n);
            goto fail;
        }
        ch->c[ch->n++] = in[next];
        used[next] = 1;
    }
    for (j = 0; j < cnt; j++) {
        if (!used[j]) {
            e = tc_fail(TC_ERR_MALFORMED, "certificate chain has a certificate outside the path");
            goto fail;
        }
    }
    return TC_ERR_OK;
fail:
    for (j = 0; j < cnt; j++) {
        int owned = 0;

        for (i = 0; i < ch->n; i++) {
            owned |= ch->c[i] == in[j];
        }
        if (!owned) {
            X509_free(in[j]);
        }
    }
    tdx_chain_free(ch);
    return e;
}

/* ---- SGX extensions (Intel SGX PCK Certificate and CRL Profile, 1.3.5) ---- */

/* 1.2.840.113741.1.13.1, DER content bytes */
static const uint8_t OID_SGX[] = {0x2a, 0x86, 0x48, 0x86, 0xf8, 0x4d, 0x01, 0x0d, 0x01};

/* DER TLV with a definite length (X.690 8.1); the value becomes a sub-reader. */
static tc_err der_tlv(struct tc_reader *r, uint8_t want, struct tc_reader *val, const char *what)
{
    uint8_t tag, b;
    size_t len = 0;
    tc_err e;

    if ((e = tc_read_u8(r, &tag)) != TC_ERR_OK) {
        return e;
    }
    if (tag != want) {
        return tc_fail(TC_ERR_MALFORMED, "SGX extension: %s has tag 0x%02x, expected 0x%02x", what,
                       tag, want);
    }
    if ((e = tc_read_u8(r, &b)) != TC_ERR_OK) {
        return e;
    }
    if (b < 0x80) {
        len = b;
    } else {
        uint8_t nb = b & 0x7f, i;

        if (nb == 0 || nb > 3) {
            return tc_fail(TC_ERR_MALFORMED, "SGX extension: %s length form 0x%02x", what, b);
        }
        for (i = 0; i < nb; i++) {
            if ((e = tc_read_u8(r, &b)) != TC_ERR_OK) {
                return e;
            }
            if (i == 0 && b == 0) {
                return tc_fail(TC_ERR_MALFORMED, "SGX extension: %s length is not minimal", what);
            }
            len = (len << 8) | b;
        }
        if (len < 0x80) {
            return tc_fail(TC_ERR_MALFORMED, "SGX extension: %s length is not minimal", what);
        }
    }
    return tc_read_sub(r, val, len, what);
}

/* A small non-negative INTEGER (SVNs): at most 2 value bytes after an optional 0x00. */
static tc_err der_uint(struct tc_reader *r, uint32_t max, uint32_t *out, const char *what)
{
    struct tc_reader v;
    uint8_t b;
    uint32_t x = 0;
    size_t i, n;
    tc_err e;

    if ((e = der_tlv(r, 0x02, &v, what)) != TC_ERR_OK) {
        return e;
    }
    n = tc_reader_remaining(&v);
    if (n == 0 || n > 3) {
        return tc_fail(TC_ERR_MALFORMED, "SGX extension: %s INTEGER of %zu bytes", what, n);
    }
    for (i = 0; i < n; i++) {
        if ((e = tc_read_u8(&v, &b)) != TC_ERR_OK) {
            return e;
        }
        if (i == 0 && (b & 0x80)) {
            return tc_fail(TC_ERR_MALFORMED, "SGX extension: %s is negative", what);
        }
        x = (x << 8) | b;
    }
    if (x > max) {
        return tc_fail(TC_ERR_MALFORMED, "SGX extension: %s = %u exceeds %u", what, x, max);
    }
    *out = x;
    return TC_ERR_OK;
}

static tc_err der_octets(struct tc_reader *r, uint8_t *out, size_t n, const char *what)
{
    struct tc_reader v;
    tc_err e;

    if ((e = der_tlv(r, 0x04, &v, what)) != TC_ERR_OK) {
        return e;
    }
    if (tc_reader_remaining(&v) != n) {
        return tc_fail(TC_ERR_MALFORMED, "SGX extension: %s has %zu bytes, expected %zu", what,
                       tc_reader_remaining(&v), n);
    }
    return tc_read_bytes(&v, out, n);
}

/* Read an OID and return its arc below 1.2.840.113741.1.13.1 (prefix_arcs deep), or -1. */
static tc_err der_sgx_oid(struct tc_reader *r, const uint8_t *prefix, size_t plen, int *arc)
{
    struct tc_reader v;
    const uint8_t *p;
    size_t n;
    tc_err e;

    if ((e = der_tlv(r, 0x06, &v, "OID")) != TC_ERR_OK) {
        return e;
    }
    n = tc_reader_remaining(&v);
    if ((e = tc_read_ptr(&v, &p, n)) != TC_ERR_OK) {
        return e;
    }
    *arc = -1;
    if (n == plen + 1 && memcmp(p, prefix, plen) == 0 && p[plen] < 0x80) {
        *arc = p[plen];
    }
    return TC_ERR_OK;
}

static tc_err parse_tcb(struct tc_reader *r, struct tdx_pck_ext *ext)
{
    uint8_t prefix[sizeof(OID_SGX) + 1];
    unsigned seen = 0;
    tc_err e;

    memcpy(prefix, OID_SGX, sizeof(OID_SGX));
    prefix[sizeof(OID_SGX)] = 0x02;
    while (tc_reader_remaining(r) > 0) {
        struct tc_reader item;
        uint32_t x;
        int arc;

        if ((e = der_tlv(r, 0x30, &item, "TCB component")) != TC_ERR_OK ||
            (e = der_sgx_oid(&item, prefix, sizeof(prefix), &arc)) != TC_ERR_OK) {
            return e;
        }
        if (arc >= 1 && arc <= 18 && (seen & (1u << arc))) {
            return tc_fail(TC_ERR_MALFORMED, "SGX extension: TCB component %d twice", arc);
        }
        if (arc >= 1 && arc <= 16) {
            if ((e = der_uint(&item, 255, &x, "SGX TCB component SVN")) != TC_ERR_OK) {
                return e;
            }
            ext->comp_svn[arc - 1] = (uint8_t)x;
        } else if (arc == 17) {
            if ((e = der_uint(&item, 65535, &x, "PCESVN")) != TC_ERR_OK) {
                return e;
            }
            ext->pce_svn = (uint16_t)x;
        } else if (arc == 18) {
            if ((e = der_octets(&item, ext->cpusvn, 16, "CPUSVN")) != TC_ERR_OK) {
                return e;
            }
        } else {
            continue; /* an arc this profile does not define: ignored */
        }
        if ((e = tc_reader_end(&item)) != TC_ERR_OK) {
            return e;
        }
        seen |= 1u << arc;
    }
    if ((seen & 0x7fffeu) != 0x7fffeu) {
        return tc_fail(TC_ERR_MALFORMED, "SGX extension: TCB lacks components (have 0x%x)", seen);
    }
    return TC_ERR_OK;
}

tc_err tdx_pck_ext_parse_der(const uint8_t *p, size_t n, struct tdx_pck_ext *ext)
{
    struct tc_reader r, seq;
    unsigned seen = 0;
    tc_err e;

    memset(ext, 0, sizeof(*ext));
    tc_reader_init(&r, p, n, "SGX extension");
    if ((e = der_tlv(&r, 0x30, &seq, "SGX extensions")) != TC_ERR_OK ||
        (e = tc_reader_end(&r)) != TC_ERR_OK) {
        return e;
    }
    while (tc_reader_remaining(&seq) > 0) {
        struct tc_reader item, tcb;
        uint32_t x;
        int arc;

        if ((e = der_tlv(&seq, 0x30, &item, "SGX extension entry")) != TC_ERR_OK ||
            (e = der_sgx_oid(&item, OID_SGX, sizeof(OID_SGX), &arc)) != TC_ERR_OK) {
            return e;
        }
        if (arc >= 1 && arc <= 7 && (seen & (1u << arc))) {
            return tc_fail(TC_ERR_MALFORMED, "SGX extension: entry %d twice", arc);
        }
        switch (arc) {
        case 1:
            e = der_octets(&item, ext->ppid, 16, "PPID");
            break;
        case 2:
            e = der_tlv(&item, 0x30, &tcb, "TCB");
            if (e == TC_ERR_OK) {
                e = parse_tcb(&tcb, ext);
            }
            break;
        case 3:
            e = der_octets(&item, ext->pce_id, 2, "PCE-ID");
            break;
        case 4:
            e = der_octets(&item, ext->fmspc, 6, "FMSPC");
            break;
        case 5: {
            struct tc_reader v;
            uint8_t b;

            e = der_tlv(&item, 0x0a, &v, "SGX Type");
            if (e == TC_ERR_OK && tc_reader_remaining(&v) != 1) {
                e = tc_fail(TC_ERR_MALFORMED, "SGX extension: SGX Type length");
            }
            if (e == TC_ERR_OK && (e = tc_read_u8(&v, &b)) == TC_ERR_OK) {
                ext->sgx_type = b;
            }
            break;
        }
        default:
            /* Platform instance ID, configuration, future entries: not used here. */
            (void)x;
            continue;
        }
        if (e != TC_ERR_OK || (e = tc_reader_end(&item)) != TC_ERR_OK) {
            return e;
        }
        seen |= 1u << arc;
    }
    if ((seen & 0x3eu) != 0x3eu) {
        return tc_fail(TC_ERR_MALFORMED,
                       "SGX extension lacks a required entry (PPID, TCB, PCE-ID, FMSPC, SGX Type)");
    }
    return TC_ERR_OK;
}

tc_err tdx_pck_ext_parse(X509 *leaf, struct tdx_pck_ext *ext)
{
    ASN1_OBJECT *obj = OBJ_txt2obj("1.2.840.113741.1.13.1", 1);
    const ASN1_OCTET_STRING *os;
    X509_EXTENSION *x;
    int idx;
    tc_err e;

    if (obj == NULL) {
        return tc_fail_ssl(TC_ERR_NOMEM, "OID");
    }
    idx = X509_get_ext_by_OBJ(leaf, obj, -1);
    if (idx >= 0 && X509_get_ext_by_OBJ(leaf, obj, idx) >= 0) {
        ASN1_OBJECT_free(obj);
        return tc_fail(TC_ERR_MALFORMED, "PCK certificate has two SGX extensions");
    }
    ASN1_OBJECT_free(obj);
    if (idx < 0) {
        return tc_fail(TC_ERR_MALFORMED, "PCK certificate has no SGX extension "
                                         "(1.2.840.113741.1.13.1)");
    }
    x = X509_get_ext(leaf, idx);
    os = X509_EXTENSION_get_data(x);
    if (os == NULL) {
        return tc_fail(TC_ERR_MALFORMED, "SGX extension without data");
    }
    e = tdx_pck_ext_parse_der(ASN1_STRING_get0_data(os), (size_t)ASN1_STRING_length(os), ext);
    return e;
}

/* ---- parts: memoised checks + windows ---- */

void tdx_part_init(struct tdx_part *p)
{
    memset(p, 0, sizeof(*p));
    tc_verdict_init(&p->checks);
}

void tdx_part_free(struct tdx_part *p)
{
    tc_verdict_free(&p->checks);
    memset(p, 0, sizeof(*p));
}

struct tdx_wgroup *tdx_part_group(struct tdx_part *p, const char *name)
{
    struct tdx_wgroup *g;
    size_t i;

    for (i = 0; i < p->ng; i++) {
        if (strcmp(p->g[i].name, name) == 0) {
            return &p->g[i];
        }
    }
    if (p->ng == TDX_GROUPS_MAX) {
        return NULL;
    }
    g = &p->g[p->ng++];
    memset(g, 0, sizeof(*g));
    snprintf(g->name, sizeof(g->name), "%s", name);
    return g;
}

void tdx_wgroup_add(struct tdx_wgroup *g, const char *label, time_t nb, time_t na, int has_na)
{
    if (g == NULL || g->n == TDX_WINDOWS_MAX) {
        return;
    }
    g->w[g->n].label = label;
    g->w[g->n].nb = nb;
    g->w[g->n].na = na;
    g->w[g->n].has_na = has_na;
    g->n++;
}

/*
 * Valid in [nb, na): as OpenSSL treats notBefore/notAfter and thisUpdate/nextUpdate
 * (X509_cmp_time), and as Intel's collateral nextUpdate is read by QVL and dcap-qvl.
 */
static int window_ok(const struct tdx_window *w, time_t at)
{
    if (at < w->nb) {
        return 0;
    }
    if (w->has_na && at >= w->na) {
        return 0;
    }
    return 1;
}

tc_err tdx_part_emit(const struct tdx_part *p, time_t at, struct tc_verdict *v)
{
    char t0[32], t1[32], t2[32], exp[80];
    size_t i, j;
    tc_err e;

    for (i = 0; i < p->checks.n; i++) {
        const struct tc_check *c = &p->checks.checks[i];

        if ((e = tc_verdict_add(v, c->name, c->status, c->err, c->expected, c->actual,
                                c->detail != NULL ? "%s" : NULL, c->detail)) != TC_ERR_OK) {
            return e;
        }
    }
    tc_time_format(at, t2, sizeof(t2));
    for (i = 0; i < p->ng; i++) {
        const struct tdx_wgroup *g = &p->g[i];
        const struct tdx_window *first = NULL, *bad = NULL;

        for (j = 0; j < g->n; j++) {
            if (bad == NULL && !window_ok(&g->w[j], at)) {
                bad = &g->w[j];
            }
            if (g->w[j].has_na && (first == NULL || !first->has_na || g->w[j].na < first->na)) {
                first = &g->w[j];
            }
        }
        if (g->n == 0) {
            continue;
        }
        if (bad != NULL) {
            tc_time_format(bad->nb, t0, sizeof(t0));
            if (bad->has_na) {
                tc_time_format(bad->na, t1, sizeof(t1));
            } else {
                snprintf(t1, sizeof(t1), "(no end)");
            }
            snprintf(exp, sizeof(exp), "%s .. %s", t0, t1);
            e = tc_verdict_add(v, g->name, TC_CHECK_FAIL, TC_ERR_EXPIRED, exp, t2,
                               at < bad->nb ? "%s is not yet valid at %s (valid from %s)"
                                            : "%s has expired at %s (valid until %s)",
                               bad->label, t2, at < bad->nb ? t0 : t1);
        } else if (first != NULL) {
            tc_time_format(first->na, t1, sizeof(t1));
            e = tc_verdict_add(v, g->name, TC_CHECK_PASS, TC_ERR_OK, NULL, t2,
                               "%zu item%s valid at %s; first to expire: %s, %s", g->n,
                               g->n == 1 ? "" : "s", t2, first->label, t1);
        } else {
            e = tc_verdict_add(v, g->name, TC_CHECK_PASS, TC_ERR_OK, NULL, t2,
                               "%zu item%s valid at %s", g->n, g->n == 1 ? "" : "s", t2);
        }
        if (e != TC_ERR_OK) {
            return e;
        }
    }
    return TC_ERR_OK;
}

/* ---- chain evaluation ---- */

static int root_pinned(EVP_PKEY *k, const struct tdx_roots *roots, int *intel)
{
    uint8_t raw[65];
    size_t i;

    if (tdx_pkey_raw(k, raw) != TC_ERR_OK) {
        tc_err_clear();
        return 0;
    }
    if (memcmp(raw, tc_tdx_intel_root_key, 65) == 0) {
        *intel = 1;
        return 1;
    }
    for (i = 0; roots != NULL && i < roots->n_extra; i++) {
        if (memcmp(raw, roots->extra[i], 65) == 0) {
            *intel = 0;
            return 1;
        }
    }
    return 0;
}

static tc_err path_check(const struct tdx_chain *ch, char *why, size_t whylen)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    tc_err e = TC_ERR_OK;
    size_t i;
    int rc;

    why[0] = '\0';
    if (store == NULL || ctx == NULL || untrusted == NULL) {
        e = tc_fail_ssl(TC_ERR_NOMEM, "X509 store");
        goto out;
    }
    for (i = 1; i + 1 < ch->n; i++) {
        if (sk_X509_push(untrusted, ch->c[i]) <= 0) {
            e = tc_fail_ssl(TC_ERR_NOMEM, "X509 stack");
            goto out;
        }
    }
    if (X509_STORE_add_cert(store, ch->c[ch->n - 1]) != 1 ||
        X509_STORE_CTX_init(ctx, store, ch->c[0], untrusted) != 1) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "X509 store init");
        goto out;
    }
    /* Time is checked separately (explained windows at --at); CRLs likewise. */
    X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx),
                                X509_V_FLAG_NO_CHECK_TIME | X509_V_FLAG_CHECK_SS_SIGNATURE);
    rc = X509_verify_cert(ctx);
    if (rc != 1) {
        int err = X509_STORE_CTX_get_error(ctx);

        snprintf(why, whylen, "%s (depth %d)", X509_verify_cert_error_string(err),
                 X509_STORE_CTX_get_error_depth(ctx));
        ERR_clear_error();
        e = TC_ERR_CHAIN;
    }
out:
    sk_X509_free(untrusted);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    return e;
}

tc_err tdx_chain_eval(const struct tdx_chain *ch, const struct tdx_roots *roots, const char *prefix,
                      const char *const *labels, size_t want_n, struct tdx_part *p, int *ok,
                      int *intel)
{
    struct tdx_wgroup *g;
    char name[64], why[256], cn[128];
    EVP_PKEY *rootkey;
    int pinned, all_sigs = 1;
    size_t i;
    tc_err e, pe;

    *ok = 0;
    *intel = 0;
    snprintf(name, sizeof(name), "%s.format", prefix);
    if (want_n != 0 && ch->n != want_n) {
        return tc_verdict_add(&p->checks, name, TC_CHECK_FAIL, TC_ERR_CHAIN, NULL, NULL,
                              "chain has %zu certificates, expected %zu (%s .. %s)", ch->n, want_n,
                              labels[0], labels[want_n - 1]);
    }
    if ((e = tc_verdict_add(
             &p->checks, name, TC_CHECK_PASS, TC_ERR_OK, NULL, NULL, "%zu certificates, leaf '%s'",
             ch->n, tdx_cn(X509_get_subject_name(ch->c[0]), cn, sizeof(cn)))) != TC_ERR_OK) {
        return e;
    }
    rootkey = X509_get0_pubkey(ch->c[ch->n - 1]);
    pinned = rootkey != NULL && root_pinned(rootkey, roots, intel);
    snprintf(name, sizeof(name), "%s.root", prefix);
    if ((e = tc_verdict_add(&p->checks, name, pinned ? TC_CHECK_PASS : TC_CHECK_FAIL,
                            TC_ERR_UNTRUSTED, NULL, NULL,
                            !pinned  ? "root public key is not a pinned root (Intel SGX Root CA)"
                            : *intel ? "root is the Intel SGX Root CA (pinned public key)"
                                     : "root is an extra trusted root given explicitly (test or "
                                       "explicit configuration, not Intel's)")) != TC_ERR_OK) {
        return e;
    }
    /* Each certificate's signature, with its issuer's key (the root: its own). */
    for (i = 0; i < ch->n; i++) {
        X509 *issuer = ch->c[i + 1 < ch->n ? i + 1 : i];
        EVP_PKEY *ik = X509_get0_pubkey(issuer);
        int good = ik != NULL && X509_verify(ch->c[i], ik) == 1;
        const char *label =
            i < (want_n ? want_n : ch->n) && labels[i] != NULL ? labels[i] : "certificate";

        ERR_clear_error();
        snprintf(name, sizeof(name), "%s.signature.%zu", prefix, i);
        all_sigs &= good;
        if ((e = tc_verdict_add(
                 &p->checks, name, good ? TC_CHECK_PASS : TC_CHECK_FAIL, TC_ERR_CHAIN, NULL, NULL,
                 good ? "%s signature verifies with %s" : "%s signature does not verify with %s",
                 label,
                 i + 1 < ch->n ? "its issuer's key"
                               : "its own key "
                                 "(self-signed)")) != TC_ERR_OK) {
            return e;
        }
    }
    pe = path_check(ch, why, sizeof(why));
    if (pe != TC_ERR_OK && pe != TC_ERR_CHAIN) {
        return pe;
    }
    snprintf(name, sizeof(name), "%s.path", prefix);
    if ((e = tc_verdict_add(&p->checks, name, pe == TC_ERR_OK ? TC_CHECK_PASS : TC_CHECK_FAIL,
                            TC_ERR_CHAIN, NULL, NULL,
                            pe == TC_ERR_OK ? "X.509 path rules hold (CA constraints, key usage)"
                                            : "X.509 path validation: %s",
                            why)) != TC_ERR_OK) {
        return e;
    }
    snprintf(name, sizeof(name), "%s.validity", prefix);
    g = tdx_part_group(p, name);
    for (i = 0; i < ch->n; i++) {
        time_t nb, na;

        if ((e = tdx_asn1_time(X509_get0_notBefore(ch->c[i]), &nb)) != TC_ERR_OK ||
            (e = tdx_asn1_time(X509_get0_notAfter(ch->c[i]), &na)) != TC_ERR_OK) {
            return e;
        }
        tdx_wgroup_add(g, i < (want_n ? want_n : ch->n) ? labels[i] : "certificate", nb, na, 1);
    }
    *ok = pinned && all_sigs && pe == TC_ERR_OK;
    return TC_ERR_OK;
}
