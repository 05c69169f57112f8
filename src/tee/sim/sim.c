/* SPDX-License-Identifier: Apache-2.0 */
/* The simulated TEE (layout in include/trustchain/sim.h). */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "broker/eckey.h"
#include "core/ossl.h"
#include "core/reader.h"
#include "trustchain/sim.h"
#include "trustchain/util.h"

static const uint8_t sim_magic[8] = {'T', 'C', 'S', 'I', 'M', 'R', 'P', 'T'};

tc_err tc_sim_report_parse(const uint8_t *p, size_t n, struct tc_sim_report *r)
{
    struct tc_reader rd;
    uint8_t magic[8];
    tc_err e;

    memset(r, 0, sizeof(*r));
    tc_reader_init(&rd, p, n, "sim report");
    if (n < TC_SIM_REPORT_SIZE) {
        return tc_fail(TC_ERR_TRUNCATED, "sim report: %zu bytes, %d needed", n, TC_SIM_REPORT_SIZE);
    }
    /* Field by field, as laid out in sim.h. */
    if ((e = tc_read_bytes(&rd, magic, sizeof(magic))) != TC_ERR_OK) {
        return e;
    }
    if (memcmp(magic, sim_magic, sizeof(magic)) != 0) {
        return tc_fail(TC_ERR_MALFORMED, "sim report: bad magic");
    }
    if ((e = tc_read_u32le(&rd, &r->version)) != TC_ERR_OK) {
        return e;
    }
    if (r->version != TC_SIM_VERSION) {
        return tc_fail(TC_ERR_VERSION, "sim report: version %u (only %d is known)", r->version,
                       TC_SIM_VERSION);
    }
    if ((e = tc_read_u32le(&rd, &r->flags)) != TC_ERR_OK) {
        return e;
    }
    if ((r->flags & ~TC_SIM_FLAG_DEBUG) != 0) {
        return tc_fail(TC_ERR_RESERVED, "sim report: reserved flag bits 0x%x set at 0x0c",
                       r->flags & ~TC_SIM_FLAG_DEBUG);
    }
    if ((e = tc_read_u32le(&rd, &r->svn)) != TC_ERR_OK ||
        (e = tc_read_zero(&rd, 4, "reserved (0x14)")) != TC_ERR_OK ||
        (e = tc_read_bytes(&rd, r->measurement, 48)) != TC_ERR_OK ||
        (e = tc_read_bytes(&rd, r->host_data, 32)) != TC_ERR_OK ||
        (e = tc_read_bytes(&rd, r->report_data, 64)) != TC_ERR_OK ||
        (e = tc_read_bytes(&rd, r->key_id, 32)) != TC_ERR_OK ||
        (e = tc_read_zero(&rd, 24, "reserved (0xc8)")) != TC_ERR_OK ||
        (e = tc_read_bytes(&rd, r->sig_r, 32)) != TC_ERR_OK ||
        (e = tc_read_bytes(&rd, r->sig_s, 32)) != TC_ERR_OK) {
        return e;
    }
    return tc_reader_end(&rd);
}

/* The RFC 5480 SubjectPublicKeyInfo of a P-256 key (fixed prefix + point, see eckey.h). */
static tc_err spki(EVP_PKEY *key, uint8_t out[TC_P256_SPKI_LEN])
{
    size_t n = 0;
    tc_err e;

    if (!EVP_PKEY_is_a(key, "EC") || EVP_PKEY_get_bits(key) != 256) {
        return tc_fail(TC_ERR_UNSUPPORTED, "sim: the signing key must be P-256");
    }
    memcpy(out, tc_p256_spki_prefix, TC_P256_SPKI_PREFIX_LEN);
    e = tc_eckey_point(key, out + TC_P256_SPKI_PREFIX_LEN, 65, &n);
    if (e == TC_ERR_OK && n != 65) {
        e = tc_fail(TC_ERR_CRYPTO, "sim: public point of %zu bytes", n);
    }
    return e;
}

tc_err tc_sim_key_id(EVP_PKEY *key, uint8_t id[32])
{
    uint8_t der[TC_P256_SPKI_LEN];
    tc_err e = spki(key, der);

    return e == TC_ERR_OK ? tc_digest(EVP_sha256(), der, sizeof(der), id) : e;
}

static void serialise(const struct tc_sim_report *r, uint8_t out[TC_SIM_REPORT_SIZE])
{
    memset(out, 0, TC_SIM_REPORT_SIZE);
    memcpy(out, sim_magic, 8);
    tc_put_le32(out + 0x08, r->version);
    tc_put_le32(out + 0x0C, r->flags);
    tc_put_le32(out + 0x10, r->svn);
    memcpy(out + 0x18, r->measurement, 48);
    memcpy(out + 0x48, r->host_data, 32);
    memcpy(out + 0x68, r->report_data, 64);
    memcpy(out + 0xA8, r->key_id, 32);
    memcpy(out + 0xE0, r->sig_r, 32);
    memcpy(out + 0x100, r->sig_s, 32);
}

tc_err tc_sim_report_sign(EVP_PKEY *key, const struct tc_sim_report *tmpl,
                          uint8_t out[TC_SIM_REPORT_SIZE])
{
    struct tc_sim_report r = *tmpl;
    tc_err e;

    if ((e = tc_sim_key_id(key, r.key_id)) != TC_ERR_OK) {
        return e;
    }
    serialise(&r, out);
    e = tc_ecdsa_sign_rs(key, EVP_sha256(), out, TC_SIM_SIGNED_SIZE, out + 0xE0, out + 0x100, 32,
                         0);
    return e;
}

tc_err tc_sim_evidence(EVP_PKEY *key, const struct tc_sim_report *tmpl,
                       const uint8_t report_data[64], json_t **evidence)
{
    struct tc_sim_report r = *tmpl;
    uint8_t raw[TC_SIM_REPORT_SIZE], der[TC_P256_SPKI_LEN];
    char *rb = NULL, *kb = NULL;
    tc_err e;

    if (r.version == 0) {
        r.version = TC_SIM_VERSION;
    }
    memcpy(r.report_data, report_data, 64);
    if ((e = spki(key, der)) != TC_ERR_OK) {
        return e;
    }
    if ((e = tc_digest(EVP_sha256(), der, sizeof(der), r.key_id)) != TC_ERR_OK) {
        return e;
    }
    serialise(&r, raw);
    if ((e = tc_ecdsa_sign_rs(key, EVP_sha256(), raw, TC_SIM_SIGNED_SIZE, raw + 0xE0, raw + 0x100,
                              32, 0)) != TC_ERR_OK) {
        return e;
    }
    if ((e = tc_b64_encode(raw, sizeof(raw), 0, &rb)) == TC_ERR_OK &&
        (e = tc_b64_encode(der, sizeof(der), 0, &kb)) == TC_ERR_OK) {
        *evidence = json_pack("{s:s,s:s}", "report", rb, "key", kb);
        if (*evidence == NULL) {
            e = tc_fail(TC_ERR_NOMEM, "sim evidence");
        }
    }
    free(rb);
    free(kb);
    return e;
}

tc_err tc_sim_key_load(const char *path, int create, EVP_PKEY **key)
{
    uint8_t *pem = NULL;
    size_t n = 0;
    BIO *bio = NULL;
    EVP_PKEY *k = NULL;
    tc_err e;

    e = tc_file_read(path, 64 * 1024, &pem, &n);
    if (e != TC_ERR_OK) {
        struct stat st;

        if (!create || stat(path, &st) == 0) {
            return e;
        }
        k = EVP_EC_gen("P-256");
        bio = BIO_new(BIO_s_mem());
        if (k == NULL || bio == NULL ||
            PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL) != 1) {
            e = tc_fail_ssl(TC_ERR_CRYPTO, "sim: generate key");
            goto out;
        }
        {
            char *p = NULL;
            long len = BIO_get_mem_data(bio, &p);

            e = tc_file_write(path, p, (size_t)len, 0600);
        }
        if (e != TC_ERR_OK) {
            goto out;
        }
        *key = k;
        k = NULL;
        goto out;
    }
    bio = BIO_new_mem_buf(pem, (int)n);
    k = bio != NULL ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    if (k == NULL || !EVP_PKEY_is_a(k, "EC") || EVP_PKEY_get_bits(k) != 256) {
        ERR_clear_error();
        e = tc_fail(TC_ERR_MALFORMED, "%s: not a P-256 private key (PEM)", path);
        goto out;
    }
    *key = k;
    k = NULL;
    e = TC_ERR_OK;
out:
    BIO_free(bio);
    EVP_PKEY_free(k);
    tc_free_secret(pem, n);
    return e;
}

static tc_err hex_claim(json_t *o, const char *k, const uint8_t *p, size_t n)
{
    char hex[2 * 64 + 1];

    tc_hex_encode(p, n, hex);
    return json_object_set_new(o, k, json_string(hex)) == 0 ? TC_ERR_OK
                                                            : tc_fail(TC_ERR_NOMEM, "claims");
}

/* Add a check and keep the first failure's error. */
#define ADD(v, ...)                                                                                \
    do {                                                                                           \
        if (tc_verdict_add(v, __VA_ARGS__) != TC_ERR_OK) {                                         \
            e = TC_ERR_NOMEM;                                                                      \
            goto out;                                                                              \
        }                                                                                          \
    } while (0)

tc_err tc_sim_verify(const json_t *evidence, const uint8_t expected_rd[64],
                     const uint8_t (*trusted_ids)[32], size_t n_trusted, json_t **claims,
                     struct tc_verdict *v)
{
    const json_t *jr = json_object_get(evidence, "report");
    const json_t *jk = json_object_get(evidence, "key");
    uint8_t *raw = NULL, *der = NULL, id[32];
    size_t rawl = 0, derl = 0, i;
    struct tc_sim_report r;
    EVP_PKEY *pub = NULL;
    json_t *c = NULL;
    char want[129], got[129];
    tc_err e;

    if (!json_is_object(evidence) || !json_is_string(jr) || !json_is_string(jk)) {
        e = tc_fail(TC_ERR_MALFORMED, "sim evidence: needs {\"report\": b64, \"key\": b64}");
        ADD(v, "sim.evidence", TC_CHECK_FAIL, e, NULL, NULL, "%s", tc_err_detail());
        goto out;
    }
    if ((e = tc_b64_decode(json_string_value(jr), json_string_length(jr), 4096, &raw, &rawl)) !=
            TC_ERR_OK ||
        (e = tc_b64_decode(json_string_value(jk), json_string_length(jk), 4096, &der, &derl)) !=
            TC_ERR_OK) {
        tc_fail_ctx(e, "sim evidence");
        ADD(v, "sim.evidence", TC_CHECK_FAIL, e, NULL, NULL, "%s", tc_err_detail());
        goto out;
    }
    if ((e = tc_sim_report_parse(raw, rawl, &r)) != TC_ERR_OK) {
        char why[256];

        snprintf(why, sizeof(why), "%s", tc_err_detail());
        ADD(v, "sim.report", TC_CHECK_FAIL, e, NULL, NULL, "%s", why);
        tc_fail(e, "%s", why);
        goto out;
    }
    ADD(v, "sim.report", TC_CHECK_PASS, TC_ERR_OK, NULL, NULL, "version %u, %zu bytes", r.version,
        rawl);
    /* RFC 5480: a P-256 SubjectPublicKeyInfo is exactly the fixed prefix and the point. */
    if (derl != TC_P256_SPKI_LEN ||
        memcmp(der, tc_p256_spki_prefix, TC_P256_SPKI_PREFIX_LEN) != 0 ||
        tc_eckey_from_point("P-256", der + TC_P256_SPKI_PREFIX_LEN, 65, &pub) != TC_ERR_OK) {
        e = tc_fail(TC_ERR_MALFORMED, "sim evidence: \"key\" is not a P-256 SubjectPublicKeyInfo");
        ADD(v, "sim.key", TC_CHECK_FAIL, e, NULL, NULL, "%s", tc_err_detail());
        goto out;
    }
    if ((e = tc_digest(EVP_sha256(), der, derl, id)) != TC_ERR_OK) {
        goto out;
    }
    tc_hex_encode(r.key_id, 32, want);
    tc_hex_encode(id, 32, got);
    if (memcmp(id, r.key_id, 32) != 0) {
        e = tc_fail(TC_ERR_MISMATCH, "sim: the key is not the one the report names (key_id)");
        ADD(v, "sim.key_id", TC_CHECK_FAIL, e, want, got, "%s", "SHA-256 of the key differs");
        goto out;
    }
    ADD(v, "sim.key_id", TC_CHECK_PASS, TC_ERR_OK, want, got, NULL);
    /* The signature over the raw signed bytes (0x000..0x0DF), never a re-serialisation. */
    e = tc_ecdsa_verify_rs(pub, EVP_sha256(), raw, TC_SIM_SIGNED_SIZE, r.sig_r, r.sig_s, 32, 0);
    if (e != TC_ERR_OK) {
        if (e == TC_ERR_SIGNATURE) {
            tc_fail(e, "sim: report signature does not verify (tampered report?)");
        }
        ADD(v, "sim.signature", TC_CHECK_FAIL, e, NULL, NULL, "%s", tc_err_detail());
        goto out;
    }
    ADD(v, "sim.signature", TC_CHECK_PASS, TC_ERR_OK, NULL, NULL, "ECDSA P-256 SHA-256");
    if (n_trusted > 0) {
        for (i = 0; i < n_trusted && memcmp(trusted_ids[i], id, 32) != 0; i++) {
        }
        if (i == n_trusted) {
            e = tc_fail(TC_ERR_UNTRUSTED, "sim: signing key %s is not a trusted sim key", got);
            ADD(v, "sim.key_trusted", TC_CHECK_FAIL, e, NULL, got, "%s", tc_err_detail());
            goto out;
        }
        ADD(v, "sim.key_trusted", TC_CHECK_PASS, TC_ERR_OK, NULL, got, "pinned sim key");
    } else {
        ADD(v, "sim.key_trusted", TC_CHECK_INFO, TC_ERR_OK, NULL, got,
            "no sim key pinned: any locally generated key is accepted");
    }
    tc_hex_encode(expected_rd, 64, want);
    tc_hex_encode(r.report_data, 64, got);
    if (memcmp(expected_rd, r.report_data, 64) != 0) {
        e = tc_fail(TC_ERR_MISMATCH, "REPORT_DATA does not bind this nonce and tee-pubkey");
        ADD(v, "report_data", TC_CHECK_FAIL, e, want, got, "%s", tc_err_detail());
        goto out;
    }
    ADD(v, "report_data", TC_CHECK_PASS, TC_ERR_OK, want, got,
        "SHA-384 of the canonical runtime data");
    c = json_pack("{s:b,s:I,s:b,s:I}", "simulated", 1, "version", (json_int_t)r.version, "debug",
                  (r.flags & TC_SIM_FLAG_DEBUG) != 0, "svn", (json_int_t)r.svn);
    if (c == NULL || hex_claim(c, "measurement", r.measurement, 48) != TC_ERR_OK ||
        hex_claim(c, "host_data", r.host_data, 32) != TC_ERR_OK ||
        hex_claim(c, "report_data", r.report_data, 64) != TC_ERR_OK ||
        hex_claim(c, "key_id", r.key_id, 32) != TC_ERR_OK) {
        e = tc_fail(TC_ERR_NOMEM, "sim claims");
        goto out;
    }
    *claims = c;
    c = NULL;
    e = TC_ERR_OK;
out:
    json_decref(c);
    EVP_PKEY_free(pub);
    free(raw);
    free(der);
    return e;
}
