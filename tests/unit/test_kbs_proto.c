/* SPDX-License-Identifier: Apache-2.0 */
/*
 * KBS protocol pieces: RFC 8785 canonical JSON (against the RFC's own
 * examples), the runtime-data binding and the JWE, against the shared vectors
 * (../shared/testdata/kbs/vectors.json) and against OpenSSL computing the
 * ECDH-ES Concat KDF and AES key unwrap independently.
 */
#define _GNU_SOURCE
#include <math.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "core/ossl.h"
#include "harness.h"
#include "trustchain/kbs.h"
#include "trustchain/util.h"

static void jcs_is(const char *in, const char *want, const char *what)
{
    json_error_t jerr;
    json_t *j = json_loads(in, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    char *out = NULL;
    size_t n = 0;

    if (!CHECK(j != NULL, "%s: parses", what)) {
        return;
    }
    if (tc_jcs_dump(j, &out, &n) != TC_ERR_OK) {
        CHECK(0, "%s: serialises (%s)", what, tc_err_detail());
    } else if (!CHECK(n == strlen(want) && memcmp(out, want, n) == 0, "%s", what)) {
        printf("#   got  %s\n#   want %s\n", out, want);
    }
    free(out);
    json_decref(j);
}

static void jcs_double(uint64_t bits, const char *want)
{
    double d;
    json_t *j;
    char *out = NULL;
    size_t n = 0;

    memcpy(&d, &bits, sizeof(d));
    j = json_real(d);
    if (tc_jcs_dump(j, &out, &n) != TC_ERR_OK) {
        CHECK(0, "JCS number %016llx: %s", (unsigned long long)bits, tc_err_detail());
    } else if (!CHECK(strcmp(out, want) == 0, "JCS number %016llx -> %s", (unsigned long long)bits,
                      want)) {
        printf("#   got %s\n", out);
    }
    free(out);
    json_decref(j);
}

static void test_jcs(void)
{
    json_t *j;
    char *out = NULL;
    size_t n;

    /* RFC 8785 Appendix B: IEEE 754 doubles and their canonical text. */
    jcs_double(0x0000000000000000ULL, "0");
    jcs_double(0x8000000000000000ULL, "0");
    jcs_double(0x0000000000000001ULL, "5e-324");
    jcs_double(0x8000000000000001ULL, "-5e-324");
    jcs_double(0x7fefffffffffffffULL, "1.7976931348623157e+308");
    jcs_double(0xffefffffffffffffULL, "-1.7976931348623157e+308");
    jcs_double(0x4340000000000000ULL, "9007199254740992");
    jcs_double(0xc340000000000000ULL, "-9007199254740992");
    jcs_double(0x4430000000000000ULL, "295147905179352830000");
    jcs_double(0x44b52d02c7e14af5ULL, "9.999999999999997e+22");
    jcs_double(0x44b52d02c7e14af6ULL, "1e+23");
    jcs_double(0x44b52d02c7e14af7ULL, "1.0000000000000001e+23");
    jcs_double(0x444b1ae4d6e2ef4eULL, "999999999999999700000");
    jcs_double(0x444b1ae4d6e2ef4fULL, "999999999999999900000");
    jcs_double(0x444b1ae4d6e2ef50ULL, "1e+21");
    jcs_double(0x3eb0c6f7a0b5ed8cULL, "9.999999999999997e-7");
    jcs_double(0x3eb0c6f7a0b5ed8dULL, "0.000001");
    jcs_double(0x41b3de4355555553ULL, "333333333.3333332");
    jcs_double(0x41b3de4355555557ULL, "333333333.33333343");
    /* RFC 8785 3.2.2.2: string escapes (lower-case hex, '/' and non-ASCII as is). */
    jcs_is("\"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\"",
           "\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"",
           "JCS string escapes (RFC 8785 3.2.2.2)");
    /* RFC 8785 3.2.3: property sorting by UTF-16 code units (the emoji sorts before U+FB33). */
    jcs_is("{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter "
           "Dalet With Dagesh\",\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\","
           "\"\\u0080\":\"Control\",\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}",
           "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\",\"\xc3\xb6\":"
           "\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
           "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\",\"\xef\xac\xb3\":\"Hebrew Letter Dalet "
           "With Dagesh\"}",
           "JCS property order (RFC 8785 3.2.3)");
    /* RFC 8785 3.2.2 example structure. */
    jcs_is("{\"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],"
           "\"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\","
           "\"literals\": [null, true, false]}",
           "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
           "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}",
           "JCS example (RFC 8785 3.2.4)");
    jcs_is("[1,-1,0,9007199254740993]", "[1,-1,0,9007199254740992]",
           "JCS integers (beyond 2^53 become the nearest double)");
    jcs_is("\"a\\u0000b\"", "\"a\\u0000b\"", "JCS embedded NUL");
    /* RFC 8785 3.2.2.3: NaN and Infinity have no JSON form.  jansson cannot hold them (so
     * put_double's refusal is a second line), which is what keeps them out of the binding. */
    j = json_real(NAN);
    CHECK(j == NULL && json_real(INFINITY) == NULL && json_real(-INFINITY) == NULL,
          "NaN and Infinity cannot become JSON values (jansson refuses them)");
    json_decref(j);
    (void)out;
    (void)n;
}

static json_t *vectors;

static const char *vs(const char *k)
{
    return json_string_value(json_object_get(vectors, k));
}

static EVP_PKEY *vector_key(void)
{
    const char *pem = vs("tee_private_key_pkcs8_pem");
    BIO *bio = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);

    BIO_free(bio);
    return k;
}

static void hex_is(const uint8_t *p, size_t n, const char *want, const char *what)
{
    char hex[2 * 128 + 1];

    tc_hex_encode(p, n, hex);
    if (!CHECK(want != NULL && strcmp(hex, want) == 0, "%s", what)) {
        printf("#   got  %s\n#   want %s\n", hex, want ? want : "(absent)");
    }
}

/* RFC 7518 4.6.2 Concat KDF for ECDH-ES+A256KW, written out from the RFC. */
static void concat_kdf(const uint8_t *z, size_t zl, uint8_t out[32])
{
    static const char alg[] = "ECDH-ES+A256KW";
    uint8_t buf[256];
    size_t o = 0;

    buf[o++] = 0, buf[o++] = 0, buf[o++] = 0, buf[o++] = 1;  /* round 1 */
    memcpy(buf + o, z, zl), o += zl;                         /* Z */
    buf[o++] = 0, buf[o++] = 0, buf[o++] = 0, buf[o++] = 14; /* AlgorithmID length */
    memcpy(buf + o, alg, 14), o += 14;                       /* AlgorithmID */
    memset(buf + o, 0, 8), o += 8;                           /* PartyUInfo, PartyVInfo */
    buf[o++] = 0, buf[o++] = 0, buf[o++] = 1, buf[o++] = 0;  /* SuppPubInfo: 256 bits */
    if (tc_digest(EVP_sha256(), buf, o, out) != TC_ERR_OK) {
        memset(out, 0, 32);
    }
}

static void test_vectors(void)
{
    const char *path = t_testdata("kbs/vectors.json");
    json_error_t jerr;
    json_t *body, *rd, *pk, *te, *resp;
    uint8_t rdata[64], dig[48], z[32], kek[32], cek[48], *ek = NULL, *pt = NULL;
    size_t zl = sizeof(z), ekl = 0, ptl = 0;
    char *jcs = NULL, *resp_text = NULL;
    size_t n = 0;
    EVP_PKEY *key = NULL, *epk = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_CIPHER_CTX *cc = NULL;
    int outl = 0, fl = 0;

    if (path == NULL) {
        t_skip("KBS vectors: ../shared/testdata not present");
        return;
    }
    vectors = json_load_file(path, 0, &jerr);
    if (!CHECK(vectors != NULL, "vectors.json loads")) {
        return;
    }
    body = json_object_get(vectors, "attestation_body");
    rd = json_object_get(body, "runtime-data");
    pk = json_object_get(rd, "tee-pubkey");
    te = json_object_get(body, "tee-evidence");

    /* 1. The canonical runtime data (JCS) and its SHA-384 binding. */
    {
        json_t *o = json_pack("{s:O,s:O,s:O}", "additional-evidence",
                              json_object_get(te, "additional_evidence"), "nonce",
                              json_object_get(rd, "nonce"), "tee-pubkey", pk);

        CHECK_OK(tc_jcs_dump(o, &jcs, &n), "runtime data canonicalises");
        CHECK(jcs != NULL && strcmp(jcs, vs("runtime_data_jcs")) == 0,
              "runtime data JCS equals the vector byte for byte");
        free(jcs);
        json_decref(o);
    }
    CHECK_OK(tc_kbs_report_data(pk, json_string_value(json_object_get(rd, "nonce")),
                                json_string_value(json_object_get(te, "additional_evidence")),
                                rdata, dig),
             "report data computed");
    hex_is(dig, 48, vs("runtime_data_sha384_hex"), "SHA-384 of the runtime data");
    hex_is(rdata, 64, vs("report_data_64_hex_for_snp_tdx"), "REPORT_DATA, zero-padded to 64");
    {
        uint8_t *rdv = NULL;
        size_t rdvl = 0;
        const char *b64 = json_string_value(
            json_object_get(json_object_get(te, "primary_evidence"), "report_data"));

        CHECK(b64 != NULL && tc_b64_decode(b64, strlen(b64), 64, &rdv, &rdvl) == TC_ERR_OK &&
                  rdvl == 48 && memcmp(rdv, dig, 48) == 0,
              "the sample evidence's report_data is the same digest");
        free(rdv);
    }
    CHECK_OK(
        tc_kbs_report_data(pk, json_string_value(json_object_get(rd, "nonce")), NULL, rdata, dig),
        "device runtime data computed");
    hex_is(dig, 48, vs("device_runtime_data_sha384_hex"), "device runtime data SHA-384");

    /* 2. The JWE: independent ECDH + Concat KDF + AES key unwrap with OpenSSL. */
    key = vector_key();
    if (!CHECK(key != NULL, "vector TEE private key loads")) {
        goto out;
    }
    CHECK_OK(tc_jwk_check_tee_pubkey(pk, NULL, NULL), "vector tee-pubkey is accepted");
    resp = json_object_get(vectors, "jwe_ec_response");
    {
        const char *prot = json_string_value(json_object_get(resp, "protected"));
        uint8_t *ph = NULL;
        size_t phl = 0;
        json_t *hdr, *epkj;

        CHECK(prot != NULL && tc_b64_decode(prot, strlen(prot), 4096, &ph, &phl) == TC_ERR_OK &&
                  phl == strlen(vs("jwe_ec_protected_header_json")) &&
                  memcmp(ph, vs("jwe_ec_protected_header_json"), phl) == 0,
              "protected header decodes to the vector's compact JSON");
        hdr = json_loadb((const char *)ph, phl, 0, &jerr);
        epkj = json_deep_copy(json_object_get(hdr, "epk"));
        json_object_set_new(epkj, "alg", json_string("ECDH-ES+A256KW"));
        CHECK_OK(tc_jwk_check_tee_pubkey(epkj, NULL, &epk), "epk is a P-256 point");
        json_decref(epkj);
        json_decref(hdr);
        free(ph);
    }
    if (epk == NULL) {
        goto out;
    }
    ctx = EVP_PKEY_CTX_new(key, NULL);
    CHECK(ctx != NULL && EVP_PKEY_derive_init(ctx) == 1 &&
              EVP_PKEY_derive_set_peer(ctx, epk) == 1 && EVP_PKEY_derive(ctx, z, &zl) == 1 &&
              zl == 32,
          "ECDH shared secret derived");
    hex_is(z, zl, vs("jwe_ec_z_hex"), "ECDH Z equals the vector");
    concat_kdf(z, zl, kek);
    hex_is(kek, 32, vs("jwe_ec_kek_hex"), "Concat KDF key-encryption key equals the vector");
    {
        const char *eks = json_string_value(json_object_get(resp, "encrypted_key"));

        CHECK(eks && tc_b64_decode(eks, strlen(eks), 64, &ek, &ekl) == TC_ERR_OK && ekl == 40,
              "encrypted_key is 40 bytes");
    }
    cc = EVP_CIPHER_CTX_new();
    EVP_CIPHER_CTX_set_flags(cc, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    CHECK(ek != NULL && EVP_DecryptInit_ex(cc, EVP_aes_256_wrap(), NULL, kek, NULL) == 1 &&
              EVP_DecryptUpdate(cc, cek, &outl, ek, (int)ekl) == 1 &&
              EVP_DecryptFinal_ex(cc, cek + outl, &fl) == 1 && outl + fl == 32,
          "AES key unwrap (RFC 3394) with the KEK");
    hex_is(cek, 32, vs("jwe_ec_cek_hex"), "content-encryption key equals the vector");

    /* 3. Our decryption (José) of the vector JWE. */
    resp_text = json_dumps(resp, JSON_COMPACT);
    CHECK_OK(tc_jwe_decrypt(resp_text, strlen(resp_text), key, &pt, &ptl),
             "tc_jwe_decrypt opens the vector JWE");
    CHECK(pt != NULL && ptl == 8 && memcmp(pt, "shhhhhhh", 8) == 0, "plaintext is 'shhhhhhh'");
out:
    tc_free_secret(pt, ptl);
    free(resp_text);
    free(ek);
    EVP_CIPHER_CTX_free(cc);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(epk);
    EVP_PKEY_free(key);
    json_decref(vectors);
}

static void round_trip(enum tc_jwk_kind kind, const char *name)
{
    EVP_PKEY *k = NULL, *other = NULL;
    json_t *pub = NULL, *pub2 = NULL, *jwe = NULL;
    char *out = NULL;
    uint8_t *pt = NULL;
    size_t ptl = 0;
    static const uint8_t secret[] = "a disk key: 0123456789abcdef";
    json_error_t jerr;

    if (!CHECK(tc_jwk_generate(kind, &k, &pub) == TC_ERR_OK, "%s key generated", name)) {
        return;
    }
    CHECK_OK(tc_jwe_encrypt(pub, secret, sizeof(secret), &out), "%s: JWE encrypt", name);
    if (out == NULL) {
        goto out;
    }
    jwe = json_loads(out, 0, &jerr);
    {
        const char *prot = json_string_value(json_object_get(jwe, "protected"));
        uint8_t *ph = NULL;
        size_t phl = 0;
        char want[64];

        snprintf(want, sizeof(want), "{\"alg\":\"%s\",\"enc\":\"A256GCM\"%s",
                 kind == TC_JWK_RSA ? "RSA-OAEP-256" : "ECDH-ES+A256KW",
                 kind == TC_JWK_RSA ? "}" : ",\"epk\":{\"crv\":\"P-");
        CHECK(prot && tc_b64_decode(prot, strlen(prot), 4096, &ph, &phl) == TC_ERR_OK &&
                  phl >= strlen(want) && memcmp(ph, want, strlen(want)) == 0,
              "%s: protected header is compact, in the order alg, enc, epk{crv,...}", name);
        if (kind != TC_JWK_RSA) {
            CHECK(ph != NULL && memmem(ph, phl, "\",\"kty\":\"EC\",\"x\":\"", 18) != NULL &&
                      memmem(ph, phl, "\",\"y\":\"", 7) != NULL && ph[phl - 1] == '}' &&
                      ph[phl - 2] == '}',
                  "%s: epk members in the order crv, kty, x, y", name);
        }
        free(ph);
        CHECK(json_object_get(jwe, "header") == NULL && json_object_get(jwe, "unprotected") == NULL,
              "%s: no unprotected header", name);
    }
    CHECK_OK(tc_jwe_decrypt(out, strlen(out), k, &pt, &ptl), "%s: JWE decrypt", name);
    CHECK(pt != NULL && ptl == sizeof(secret) && memcmp(pt, secret, ptl) == 0, "%s: round trip",
          name);
    tc_free_secret(pt, ptl);
    pt = NULL;
    if (tc_jwk_generate(kind, &other, &pub2) == TC_ERR_OK) {
        CHECK(tc_jwe_decrypt(out, strlen(out), other, &pt, &ptl) != TC_ERR_OK,
              "%s: another key cannot decrypt", name);
    }
    /* Tamper with the tag. */
    {
        const char *tag = json_string_value(json_object_get(jwe, "tag"));
        char *t2 = strdup(tag), *bad;

        t2[0] = t2[0] == 'A' ? 'B' : 'A';
        json_object_set_new(jwe, "tag", json_string(t2));
        bad = json_dumps(jwe, JSON_COMPACT);
        CHECK(tc_jwe_decrypt(bad, strlen(bad), k, &pt, &ptl) != TC_ERR_OK,
              "%s: tampered tag rejected", name);
        free(bad);
        free(t2);
    }
out:
    free(out);
    json_decref(jwe);
    json_decref(pub);
    json_decref(pub2);
    EVP_PKEY_free(k);
    EVP_PKEY_free(other);
}

static void test_jwk_rejects(void)
{
    json_t *j;

    j = json_pack("{s:s,s:s,s:s,s:s,s:s}", "kty", "EC", "crv", "P-256", "alg", "ECDH-ES+A256KW",
                  "x", "AAAA", "y", "AAAA");
    CHECK_ERR(tc_jwk_check_tee_pubkey(j, NULL, NULL), TC_ERR_MALFORMED,
              "tee-pubkey: short coordinates rejected");
    json_decref(j);
    /* (0,0) is not on P-256 */
    j = json_pack("{s:s,s:s,s:s,s:s,s:s}", "kty", "EC", "crv", "P-256", "alg", "ECDH-ES+A256KW",
                  "x", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "y",
                  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    CHECK_ERR(tc_jwk_check_tee_pubkey(j, NULL, NULL), TC_ERR_MALFORMED,
              "tee-pubkey: point not on the curve rejected");
    json_decref(j);
    j = json_pack("{s:s,s:s,s:s}", "kty", "EC", "crv", "P-256", "alg", "ECDH-ES");
    CHECK_ERR(tc_jwk_check_tee_pubkey(j, NULL, NULL), TC_ERR_UNSUPPORTED,
              "tee-pubkey: alg ECDH-ES (direct) rejected");
    json_decref(j);
    j = json_pack("{s:s,s:s,s:s}", "kty", "EC", "crv", "secp256k1", "alg", "ECDH-ES+A256KW");
    CHECK_ERR(tc_jwk_check_tee_pubkey(j, NULL, NULL), TC_ERR_UNSUPPORTED,
              "tee-pubkey: unknown curve rejected");
    json_decref(j);
    j = json_pack("{s:s,s:s,s:s,s:s}", "kty", "RSA", "alg", "RSA1_5", "n", "AQAB", "e", "AQAB");
    CHECK_ERR(tc_jwk_check_tee_pubkey(j, NULL, NULL), TC_ERR_UNSUPPORTED,
              "tee-pubkey: RSA1_5 rejected");
    json_decref(j);
    j = json_pack("{s:s,s:s,s:s,s:s}", "kty", "RSA", "alg", "RSA-OAEP-256", "n", "AQAB", "e",
                  "AQAB");
    CHECK_ERR(tc_jwk_check_tee_pubkey(j, NULL, NULL), TC_ERR_UNSUPPORTED,
              "tee-pubkey: tiny RSA modulus rejected");
    json_decref(j);
    j = json_pack("{s:s}", "kty", "oct");
    CHECK_ERR(tc_jwk_check_tee_pubkey(j, NULL, NULL), TC_ERR_UNSUPPORTED,
              "tee-pubkey: symmetric key rejected");
    json_decref(j);
}

static void test_parse(void)
{
    json_t *root = NULL;
    struct tc_kbs_request rq;
    struct tc_kbs_attestation at;
    static const char good_req[] = "{\"version\":\"0.4.0\",\"tee\":\"sim\",\"extra-params\":{}}";
    static const char good_att[] =
        "{\"runtime-data\":{\"nonce\":\"n\",\"tee-pubkey\":{\"kty\":\"EC\"}},"
        "\"tee-evidence\":{\"primary_evidence\":{\"a\":1},\"additional_evidence\":\"\"}}";

    CHECK_OK(tc_kbs_parse_request(good_req, strlen(good_req), &root, &rq), "Request parses");
    CHECK(rq.version && strcmp(rq.version, "0.4.0") == 0 && strcmp(rq.tee, "sim") == 0,
          "Request fields");
    json_decref(root);
    CHECK_ERR(tc_kbs_parse_request("{\"version\":1}", 13, &root, &rq), TC_ERR_MALFORMED,
              "Request: version not a string");
    CHECK_ERR(
        tc_kbs_parse_request("{\"tee\":\"a\",\"tee\":\"b\",\"version\":\"0.4.0\"}", 38, &root, &rq),
        TC_ERR_JSON, "Request: duplicate keys rejected");
    CHECK_ERR(tc_kbs_parse_request("{\"version\":", 11, &root, &rq), TC_ERR_JSON,
              "Request: truncated JSON");
    CHECK_ERR(tc_kbs_parse_request("[]", 2, &root, &rq), TC_ERR_MALFORMED,
              "Request: not an object");
    CHECK_ERR(tc_kbs_parse_request("{} x", 4, &root, &rq), TC_ERR_JSON,
              "Request: trailing bytes rejected");
    CHECK(tc_kbs_version_ok("0.4.0") && tc_kbs_version_ok("0.4.0+b1") &&
              !tc_kbs_version_ok("0.4.1") && !tc_kbs_version_ok("0.4.0-rc1") &&
              !tc_kbs_version_ok("0.1.1") && !tc_kbs_version_ok("0.4") &&
              !tc_kbs_version_ok("0.4.0+"),
          "protocol version must be =0.4.0 (semver, build metadata ignored)");
    CHECK_OK(tc_kbs_parse_attestation(good_att, strlen(good_att), &root, &at),
             "Attestation parses");
    CHECK(at.nonce && strcmp(at.nonce, "n") == 0 && at.primary && at.additional &&
              at.additional[0] == '\0',
          "Attestation fields");
    json_decref(root);
    CHECK_ERR(tc_kbs_parse_attestation("{\"runtime-data\":{}}", 19, &root, &at), TC_ERR_MALFORMED,
              "Attestation: nonce missing");
}

int main(void)
{
    test_jcs();
    test_vectors();
    round_trip(TC_JWK_EC_P256, "P-256");
    round_trip(TC_JWK_EC_P521, "P-521");
    round_trip(TC_JWK_RSA, "RSA-3072");
    test_jwk_rejects();
    test_parse();
    return t_done();
}
