/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CRL forms in collateral: DER is taken byte for byte, even when its last bytes
 * are 0x0a/0x0d/0x20 (a signature can end so; trimming them as if text once
 * rejected about one valid CRL in a hundred), PEM and hex may end in newlines.
 */
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "harness.h"
#include "tee/tdx/tdx_int.h"
#include "trustchain/util.h"

/* A CRL signed by key; re-signed until its DER ends with the byte `last` (< 0 for any). */
static int make_crl(EVP_PKEY *key, int last, uint8_t **der, int *n)
{
    int tries;

    for (tries = 0; tries < 5000; tries++) {
        X509_CRL *crl = X509_CRL_new();
        X509_NAME *nm = X509_NAME_new();
        ASN1_TIME *t = ASN1_TIME_set(NULL, 1750000000);
        unsigned char *d = NULL;
        int len = -1;

        if (crl != NULL && nm != NULL && t != NULL &&
            X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)"Test CA", -1,
                                       -1, 0) == 1 &&
            X509_CRL_set_version(crl, 1) == 1 && X509_CRL_set_issuer_name(crl, nm) == 1 &&
            X509_CRL_set1_lastUpdate(crl, t) == 1 && X509_CRL_sign(crl, key, EVP_sha256()) > 0) {
            len = i2d_X509_CRL(crl, &d);
        }
        X509_CRL_free(crl);
        X509_NAME_free(nm);
        ASN1_TIME_free(t);
        if (len <= 0) {
            OPENSSL_free(d);
            return 0;
        }
        if (last < 0 || d[len - 1] == last) {
            *der = d;
            *n = len;
            return 1;
        }
        OPENSSL_free(d);
    }
    return 0;
}

static tc_err set(const uint8_t *p, size_t n)
{
    struct tc_tdx_collateral *c = NULL;
    tc_err e = tdx_collateral_new(&c);

    if (e == TC_ERR_OK) {
        e = tdx_collateral_set_crl(c, 1, p, n);
    }
    tc_tdx_collateral_free(c);
    return e;
}

/*
 * The same for certificate chains: DER is recognised by its first two bytes, not by scanning
 * the bytes for a PEM header (a DER certificate may well carry the text "-----BEGIN " in a
 * name, and was then parsed as PEM and refused).
 */
static void der_cert_with_pem_text(EVP_PKEY *key)
{
    X509 *x = X509_new();
    X509_NAME *nm = X509_NAME_new();
    unsigned char *d = NULL;
    struct tdx_chain ch;
    int len = -1;

    if (x != NULL && nm != NULL &&
        X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
                                   (const unsigned char *)"-----BEGIN CERTIFICATE-----", -1, -1,
                                   0) == 1 &&
        X509_set_version(x, 2) == 1 && ASN1_INTEGER_set(X509_get_serialNumber(x), 7) == 1 &&
        X509_set_subject_name(x, nm) == 1 && X509_set_issuer_name(x, nm) == 1 &&
        ASN1_TIME_set(X509_getm_notBefore(x), 1750000000) != NULL &&
        ASN1_TIME_set(X509_getm_notAfter(x), 1850000000) != NULL && X509_set_pubkey(x, key) == 1 &&
        X509_sign(x, key, EVP_sha256()) > 0) {
        len = i2d_X509(x, &d);
    }
    if (CHECK(len > 0, "a DER certificate whose CN is a PEM header line")) {
        CHECK_OK(tdx_chain_parse(d, (size_t)len, &ch), "  ... is parsed as DER, not as PEM");
        CHECK(ch.n == 1, "  ... one certificate");
        tdx_chain_free(&ch);
    }
    OPENSSL_free(d);
    X509_NAME_free(nm);
    X509_free(x);
}

int main(void)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    static const int ends[] = {'\n', '\r', ' '};
    uint8_t *der = NULL;
    int n = 0;
    size_t i;

    if (!CHECK(key != NULL, "test key")) {
        return t_done();
    }
    for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
        if (!CHECK(make_crl(key, ends[i], &der, &n), "a DER CRL ending in 0x%02x", ends[i])) {
            continue;
        }
        CHECK_OK(set(der, (size_t)n), "DER CRL ending in 0x%02x is accepted as it is", ends[i]);
        OPENSSL_free(der);
    }
    if (CHECK(make_crl(key, -1, &der, &n), "a DER CRL")) {
        uint8_t *more = malloc((size_t)n + 1);
        char *hex = malloc(2 * (size_t)n + 2);
        BIO *b = BIO_new(BIO_s_mem());
        X509_CRL *crl = NULL;
        const unsigned char *q = der;
        char *pem;
        long pl;

        memcpy(more, der, (size_t)n);
        more[n] = '\n';
        CHECK_ERR(set(more, (size_t)n + 1), TC_ERR_TRAILING, "a byte after the DER CRL: refused");
        tc_hex_encode(der, (size_t)n, hex);
        strcat(hex, "\n");
        CHECK_OK(set((const uint8_t *)hex, strlen(hex)), "hex CRL with a final newline");
        crl = d2i_X509_CRL(NULL, &q, n);
        if (CHECK(crl != NULL && b != NULL && PEM_write_bio_X509_CRL(b, crl) == 1, "PEM made")) {
            pl = BIO_get_mem_data(b, &pem);
            CHECK_OK(set((const uint8_t *)pem, (size_t)pl), "PEM CRL with a final newline");
        }
        X509_CRL_free(crl);
        BIO_free(b);
        free(hex);
        free(more);
        OPENSSL_free(der);
    }
    der_cert_with_pem_text(key);
    EVP_PKEY_free(key);
    return t_done();
}
