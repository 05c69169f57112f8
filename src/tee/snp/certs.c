/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AMD certificates: loading (DER, PEM bundles), roles (ARK, ASK, ASVK, VCEK, VLEK) and the
 * VCEK/VLEK X.509 extensions of the KDS specification (#57230, "VCEK Certificate Extensions"):
 *   1.3.6.1.4.1.3704.1.1     structVersion   INTEGER
 *   1.3.6.1.4.1.3704.1.2     productName     IA5String ("Milan-B0", "Genoa", "Turin", ...)
 *   1.3.6.1.4.1.3704.1.3.k   SPL k           INTEGER (1 blSPL, 2 teeSPL, 3 snpSPL, 4-7 reserved,
 *                                            8 ucodeSPL, 9 fmcSPL on Turin)
 *   1.3.6.1.4.1.3704.1.4     hwID            raw bytes (64; 8 on Turin), or an OCTET STRING
 *   1.3.6.1.4.1.3704.1.5     cspId           IA5String (VLEK)
 * The extension values are read with the bounded reader, DER strictly (minimal lengths).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "core/ossl.h"
#include "core/reader.h"
#include "tee/snp/snp_internal.h"

const char *snp_role_name(enum snp_role r)
{
    switch (r) {
    case SNP_ROLE_ARK:
        return "ARK";
    case SNP_ROLE_ASK:
        return "ASK";
    case SNP_ROLE_ASVK:
        return "ASVK";
    case SNP_ROLE_VCEK:
        return "VCEK";
    case SNP_ROLE_VLEK:
        return "VLEK";
    case SNP_ROLE_OTHER:
        break;
    }
    return "certificate";
}

/* One DER TLV with a short or long definite length; the value must fill the rest exactly. */
static tc_err der_value(const uint8_t *p, size_t len, uint8_t tag, const char *field,
                        const uint8_t **val, size_t *vlen)
{
    struct tc_reader r;
    uint8_t t, l0;
    size_t n;

    tc_reader_init(&r, p, len, field);
    if (tc_read_u8(&r, &t) != TC_ERR_OK || tc_read_u8(&r, &l0) != TC_ERR_OK) {
        return tc_fail(TC_ERR_MALFORMED, "%s: truncated DER", field);
    }
    if (t != tag) {
        return tc_fail(TC_ERR_MALFORMED, "%s: DER tag 0x%02x, expected 0x%02x", field, t, tag);
    }
    if (l0 < 0x80) {
        n = l0;
    } else if (l0 == 0x81) {
        uint8_t b;

        if (tc_read_u8(&r, &b) != TC_ERR_OK || b < 0x80) {
            return tc_fail(TC_ERR_MALFORMED, "%s: non-minimal DER length", field);
        }
        n = b;
    } else {
        return tc_fail(TC_ERR_MALFORMED, "%s: DER length form 0x%02x not allowed here", field, l0);
    }
    if (n != tc_reader_remaining(&r)) {
        return tc_fail(TC_ERR_MALFORMED, "%s: DER length %zu, %zu bytes present", field, n,
                       tc_reader_remaining(&r));
    }
    if (tc_read_ptr(&r, val, n) != TC_ERR_OK) {
        return tc_fail(TC_ERR_MALFORMED, "%s: truncated DER", field);
    }
    *vlen = n;
    return TC_ERR_OK;
}

/* A non-negative DER INTEGER below 2^31, minimally encoded. */
static tc_err der_uint(const uint8_t *p, size_t len, const char *field, long *out)
{
    const uint8_t *v;
    size_t n, i;
    long x = 0;
    tc_err e = der_value(p, len, 0x02, field, &v, &n);

    if (e != TC_ERR_OK) {
        return e;
    }
    if (n == 0 || n > 4 || (v[0] & 0x80) != 0 || (n > 1 && v[0] == 0 && (v[1] & 0x80) == 0)) {
        return tc_fail(TC_ERR_MALFORMED, "%s: not a small non-negative DER INTEGER", field);
    }
    for (i = 0; i < n; i++) {
        x = (x << 8) | v[i];
    }
    *out = x;
    return TC_ERR_OK;
}

static tc_err der_ia5(const uint8_t *p, size_t len, const char *field, char *out, size_t cap)
{
    const uint8_t *v;
    size_t n, i;
    tc_err e = der_value(p, len, 0x16, field, &v, &n);

    if (e != TC_ERR_OK) {
        return e;
    }
    if (n >= cap) {
        return tc_fail(TC_ERR_MALFORMED, "%s: %zu characters, at most %zu", field, n, cap - 1);
    }
    for (i = 0; i < n; i++) {
        if (v[i] < 0x20 || v[i] > 0x7e) {
            return tc_fail(TC_ERR_MALFORMED, "%s: non-printable character 0x%02x", field, v[i]);
        }
        out[i] = (char)v[i];
    }
    out[n] = '\0';
    return TC_ERR_OK;
}

#define AMD_ARC "1.3.6.1.4.1.3704.1."

tc_err snp_vek_ext_parse(X509 *x, struct snp_vek_ext *e)
{
    int i, n = X509_get_ext_count(x);
    unsigned seen = 0; /* bit per extension kind: duplicates are rejected */

    memset(e, 0, sizeof(*e));
    for (i = 0; i < n; i++) {
        X509_EXTENSION *ext = X509_get_ext(x, i);
        const ASN1_OCTET_STRING *os = X509_EXTENSION_get_data(ext);
        const uint8_t *v = ASN1_STRING_get0_data(os);
        size_t vlen = (size_t)ASN1_STRING_length(os);
        char oid[80];
        const char *sub;
        unsigned bit;
        long val = 0;
        tc_err err;

        if (OBJ_obj2txt(oid, sizeof(oid), X509_EXTENSION_get_object(ext), 1) <= 0 ||
            strncmp(oid, AMD_ARC, strlen(AMD_ARC)) != 0) {
            continue;
        }
        sub = oid + strlen(AMD_ARC);
        if (strcmp(sub, "1") == 0) {
            bit = 0;
            err = der_uint(v, vlen, "structVersion", &e->struct_version);
            e->has_struct_version = 1;
        } else if (strcmp(sub, "2") == 0) {
            bit = 1;
            err = der_ia5(v, vlen, "productName", e->product_name, sizeof(e->product_name));
        } else if (strncmp(sub, "3.", 2) == 0 && sub[2] >= '1' && sub[2] <= '9' && sub[3] == '\0') {
            int k = sub[2] - '0';

            bit = 2 + (unsigned)k;
            err = der_uint(v, vlen, "SPL", &val);
            if (err == TC_ERR_OK && val > 255) {
                err = tc_fail(TC_ERR_MALFORMED, "SPL %d: %ld exceeds 255", k, val);
            }
            if (err == TC_ERR_OK) {
                e->has_spl[k] = 1;
                e->spl[k] = (uint8_t)val;
            }
        } else if (strcmp(sub, "4") == 0) {
            const uint8_t *h;
            size_t hl;

            bit = 12;
            err = TC_ERR_OK;
            /* KDS writes the hwID bytes without a DER header; accept the wrapped form too. */
            if (vlen == 64 || vlen == 8) {
                memcpy(e->hwid, v, vlen);
                e->hwid_len = vlen;
            } else if (der_value(v, vlen, 0x04, "hwID", &h, &hl) == TC_ERR_OK &&
                       (hl == 64 || hl == 8)) {
                memcpy(e->hwid, h, hl);
                e->hwid_len = hl;
            } else {
                err = tc_fail(TC_ERR_MALFORMED, "hwID: %zu bytes, expected 64 or 8", vlen);
            }
        } else if (strcmp(sub, "5") == 0) {
            bit = 13;
            err = der_ia5(v, vlen, "cspId", e->csp_id, sizeof(e->csp_id));
            if (err == TC_ERR_OK && e->csp_id[0] == '\0') {
                err = tc_fail(TC_ERR_MALFORMED, "cspId is empty");
            }
        } else {
            continue; /* an extension from a later KDS spec: not ours to judge */
        }
        if (err != TC_ERR_OK) {
            return tc_fail_ctx(err, "extension %s", oid);
        }
        if (seen & (1u << bit)) {
            return tc_fail(TC_ERR_MALFORMED, "extension %s appears twice", oid);
        }
        seen |= 1u << bit;
    }
    return TC_ERR_OK;
}

static void subject_cn(X509 *x, char *out, size_t cap)
{
    X509_NAME *nm = X509_get_subject_name(x);
    int idx = X509_NAME_get_index_by_NID(nm, NID_commonName, -1);
    const ASN1_STRING *s;
    int n;

    out[0] = '\0';
    if (idx < 0) {
        return;
    }
    s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(nm, idx));
    n = ASN1_STRING_length(s);
    if (n <= 0 || (size_t)n >= cap || memchr(ASN1_STRING_get0_data(s), 0, (size_t)n) != NULL) {
        return;
    }
    memcpy(out, ASN1_STRING_get0_data(s), (size_t)n);
    out[n] = '\0';
}

static void classify(struct snp_cert *c)
{
    enum tc_snp_product p;

    c->role = SNP_ROLE_OTHER;
    c->product = TC_SNP_PRODUCT_UNKNOWN;
    /* The AMD names (KDS spec): ARK-<P>, SEV-<P>, SEV-VLEK-<P>, SEV-VCEK, SEV-VLEK. */
    if (strcmp(c->cn, "SEV-VCEK") == 0) {
        c->role = SNP_ROLE_VCEK;
    } else if (strcmp(c->cn, "SEV-VLEK") == 0) {
        c->role = SNP_ROLE_VLEK;
    } else if (strncmp(c->cn, "ARK-", 4) == 0 && tc_snp_product_parse(c->cn + 4, &p) == TC_ERR_OK) {
        c->role = SNP_ROLE_ARK;
        c->product = p;
    } else if (strncmp(c->cn, "SEV-VLEK-", 9) == 0 &&
               tc_snp_product_parse(c->cn + 9, &p) == TC_ERR_OK) {
        c->role = SNP_ROLE_ASVK;
        c->product = p;
    } else if (strncmp(c->cn, "SEV-", 4) == 0 && tc_snp_product_parse(c->cn + 4, &p) == TC_ERR_OK) {
        c->role = SNP_ROLE_ASK;
        c->product = p;
    }
    if ((c->role == SNP_ROLE_VCEK || c->role == SNP_ROLE_VLEK) && c->ext.product_name[0] != '\0' &&
        tc_snp_product_parse(c->ext.product_name, &p) == TC_ERR_OK) {
        c->product = p;
    }
    tc_err_clear();
}

tc_err snp_cert_from_der(const uint8_t *der, size_t len, struct snp_cert **out)
{
    const unsigned char *q = der;
    struct snp_cert *c = NULL;
    unsigned char *spki = NULL;
    int spki_len;
    tc_err e = TC_ERR_OK;

    *out = NULL;
    if (len == 0 || len > (1u << 20)) {
        return tc_fail(TC_ERR_MALFORMED, "certificate: %zu bytes", len);
    }
    c = calloc(1, sizeof(*c));
    if (c == NULL) {
        return tc_fail(TC_ERR_NOMEM, "certificate");
    }
    c->refs = 1;
    c->x = d2i_X509(NULL, &q, (long)len);
    if (c->x == NULL) {
        e = tc_fail_ssl(TC_ERR_MALFORMED, "not an X.509 certificate");
        goto out;
    }
    if ((size_t)(q - der) != len) {
        e = tc_fail(TC_ERR_TRAILING, "certificate: %zu bytes after the DER",
                    len - (size_t)(q - der));
        goto out;
    }
    c->pub = X509_get0_pubkey(c->x);
    if (c->pub == NULL) {
        e = tc_fail_ssl(TC_ERR_MALFORMED, "certificate: unusable public key");
        goto out;
    }
    spki_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(c->x), &spki);
    if (spki_len <= 0) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "certificate: encode public key");
        goto out;
    }
    if ((e = tc_digest(EVP_sha256(), spki, (size_t)spki_len, c->spki_sha256)) != TC_ERR_OK ||
        (e = tc_digest(EVP_sha256(), der, len, c->der_sha256)) != TC_ERR_OK) {
        goto out;
    }
    subject_cn(c->x, c->cn, sizeof(c->cn));
    e = snp_vek_ext_parse(c->x, &c->ext);
    if (e != TC_ERR_OK) {
        e = tc_fail_ctx(e, "certificate '%s'", c->cn);
        goto out;
    }
    classify(c);
    *out = c;
    c = NULL;
out:
    OPENSSL_free(spki);
    snp_cert_put(c);
    return e;
}

struct snp_cert *snp_cert_get(struct snp_cert *c)
{
    if (c != NULL) {
        __atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
    }
    return c;
}

void snp_cert_put(struct snp_cert *c)
{
    if (c == NULL || __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) != 0) {
        return;
    }
    X509_free(c->x);
    free(c);
}

#define BLOB_MAX_ITEMS 64

/* PEM: text with a "-----BEGIN" line (possibly after comments such as "Bag Attributes");
 * DER always starts with a SEQUENCE (0x30). */
static int looks_pem(const uint8_t *p, size_t len)
{
    size_t i;

    if (len < 10 || p[0] == 0x30) {
        return 0;
    }
    for (i = 0; i + 10 <= len; i++) {
        if (p[i] == '-' && memcmp(p + i, "-----BEGIN", 10) == 0) {
            return 1;
        }
    }
    return 0;
}

static tc_err pem_foreach(const uint8_t *data, size_t len, const char *label, snp_der_cb cb,
                          void *arg);

/* A JSON object: '{' after optional white space (neither PEM text nor DER starts so). */
static int looks_json_object(const uint8_t *p, size_t len)
{
    size_t i = 0;

    while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) {
        i++;
    }
    return i < len && p[i] == '{';
}

/*
 * Azure's certificate cache answer (THIM; what Azure confidential VMs and containers fetch from
 * their host and keep as "host AMD certificate"): {"vcekCert": PEM, "certificateChain": PEM of
 * the ASK and ARK, "tcbm": the TCB in hex, "cacheControl": seconds}.  Both PEM strings are read
 * as PEM bundles; the other two keys are informational (the certificates carry the TCB), and any
 * other key is refused rather than ignored.
 */
static tc_err thim_foreach(const uint8_t *data, size_t len, snp_der_cb cb, void *arg)
{
    static const char *const pem_keys[] = {"vcekCert", "certificateChain"};
    json_error_t jerr;
    json_t *j = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *key;
    json_t *val;
    size_t i;
    tc_err e = TC_ERR_OK;

    if (j == NULL || !json_is_object(j)) {
        e = tc_fail(TC_ERR_JSON, "certificate JSON: %s", j == NULL ? jerr.text : "not an object");
        goto out;
    }
    json_object_foreach(j, key, val)
    {
        if (strcmp(key, "vcekCert") != 0 && strcmp(key, "certificateChain") != 0 &&
            strcmp(key, "tcbm") != 0 && strcmp(key, "cacheControl") != 0) {
            e = tc_fail(TC_ERR_JSON,
                        "certificate JSON: unknown key '%s' (Azure THIM: vcekCert, "
                        "certificateChain, tcbm, cacheControl)",
                        key);
            goto out;
        }
        if (!json_is_string(val)) {
            e = tc_fail(TC_ERR_JSON, "certificate JSON: '%s' is not a string", key);
            goto out;
        }
    }
    for (i = 0; i < sizeof(pem_keys) / sizeof(pem_keys[0]); i++) {
        const char *pem = json_string_value(json_object_get(j, pem_keys[i]));

        if (pem == NULL) {
            e = tc_fail(TC_ERR_JSON, "certificate JSON: no '%s'", pem_keys[i]);
            goto out;
        }
        if (!looks_pem((const uint8_t *)pem, strlen(pem))) {
            e = tc_fail(TC_ERR_MALFORMED, "certificate JSON: '%s' is not PEM", pem_keys[i]);
            goto out;
        }
        e = pem_foreach((const uint8_t *)pem, strlen(pem), "CERTIFICATE", cb, arg);
        if (e != TC_ERR_OK) {
            e = tc_fail_ctx(e, "certificate JSON '%s'", pem_keys[i]);
            goto out;
        }
    }
out:
    json_decref(j);
    return e;
}

tc_err snp_blob_foreach(const uint8_t *data, size_t len, const char *label, snp_der_cb cb,
                        void *arg)
{
    if (len == 0) {
        return tc_fail(TC_ERR_MALFORMED, "empty input");
    }
    if (strcmp(label, "CERTIFICATE") == 0 && looks_json_object(data, len)) {
        return thim_foreach(data, len, cb, arg);
    }
    if (!looks_pem(data, len)) {
        return cb(arg, data, len);
    }
    return pem_foreach(data, len, label, cb, arg);
}

/* Every "-----BEGIN <label>-----" block of PEM text, as DER. */
static tc_err pem_foreach(const uint8_t *data, size_t len, const char *label, snp_der_cb cb,
                          void *arg)
{
    BIO *bio = NULL;
    int items = 0;
    tc_err e = TC_ERR_OK;

    if (len > INT32_MAX) {
        return tc_fail(TC_ERR_TOO_LARGE, "PEM input too large");
    }
    bio = BIO_new_mem_buf(data, (int)len);
    if (bio == NULL) {
        return tc_fail_ssl(TC_ERR_NOMEM, "PEM");
    }
    for (;;) {
        char *name = NULL, *header = NULL;
        unsigned char *der = NULL;
        long dlen = 0;

        if (PEM_read_bio(bio, &name, &header, &der, &dlen) != 1) {
            unsigned long err = ERR_peek_last_error();

            if (items > 0 && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
                ERR_clear_error();
                break;
            }
            e = tc_fail_ssl(TC_ERR_MALFORMED, "PEM block %d", items + 1);
            break;
        }
        items++;
        if (items > BLOB_MAX_ITEMS) {
            e = tc_fail(TC_ERR_TOO_LARGE, "more than %d PEM blocks", BLOB_MAX_ITEMS);
        } else if (strcmp(name, label) != 0) {
            e = tc_fail(TC_ERR_MALFORMED, "PEM block %d is '%s', expected '%s'", items, name,
                        label);
        } else {
            e = cb(arg, der, (size_t)dlen);
        }
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(der);
        if (e != TC_ERR_OK) {
            break;
        }
    }
    BIO_free(bio);
    return e;
}
