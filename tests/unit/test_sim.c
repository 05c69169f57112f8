/* SPDX-License-Identifier: Apache-2.0 */
/* The simulated TEE: report layout, signature over the raw bytes, binding, and every refusal. */
#include <string.h>
#include <unistd.h>

#include <openssl/ec.h>

#include "harness.h"
#include "trustchain/sim.h"
#include "trustchain/util.h"

static EVP_PKEY *key, *other;
static struct tc_sim_report tmpl;
static uint8_t rd[64];

static tc_err verify_json(const json_t *ev, const uint8_t *want_rd, const uint8_t (*pins)[32],
                          size_t npins, json_t **claims)
{
    struct tc_verdict v;
    tc_err e;

    tc_verdict_init(&v);
    e = tc_sim_verify(ev, want_rd, pins, npins, claims, &v);
    tc_verdict_free(&v);
    return e;
}

/* Replace the evidence's report by raw (re-encoded), keeping its key. */
static json_t *with_report(const json_t *ev, const uint8_t *raw, size_t n)
{
    char *b = NULL;
    json_t *j = json_deep_copy(ev);

    if (tc_b64_encode(raw, n, 0, &b) == TC_ERR_OK) {
        json_object_set_new(j, "report", json_string(b));
    }
    free(b);
    return j;
}

static void test_layout(void)
{
    uint8_t raw[TC_SIM_REPORT_SIZE], id[32];
    struct tc_sim_report r;

    CHECK_OK(tc_sim_report_sign(key, &tmpl, raw), "report signs");
    CHECK(memcmp(raw, "TCSIMRPT", 8) == 0, "magic at 0x00");
    CHECK(raw[0x08] == 1 && raw[0x09] == 0, "version 1 (little-endian) at 0x08");
    CHECK(raw[0x10] == 7, "svn at 0x10");
    CHECK(raw[0x18] == 0xab && raw[0x18 + 47] == 0xab, "measurement at 0x18..0x47");
    CHECK(raw[0x68] == rd[0] && raw[0x68 + 63] == rd[63], "report_data at 0x68..0xa7");
    CHECK_OK(tc_sim_key_id(key, id), "key id");
    CHECK(memcmp(raw + 0xA8, id, 32) == 0, "key_id at 0xa8");
    CHECK_OK(tc_sim_report_parse(raw, sizeof(raw), &r), "report parses");
    CHECK(r.svn == 7 && r.flags == TC_SIM_FLAG_DEBUG && memcmp(r.report_data, rd, 64) == 0,
          "parsed fields");

    CHECK_ERR(tc_sim_report_parse(raw, sizeof(raw) - 1, &r), TC_ERR_TRUNCATED, "truncated");
    {
        uint8_t big[TC_SIM_REPORT_SIZE + 1];

        memcpy(big, raw, sizeof(raw));
        big[sizeof(raw)] = 0;
        CHECK_ERR(tc_sim_report_parse(big, sizeof(big), &r), TC_ERR_TRAILING, "trailing byte");
    }
    raw[0] ^= 1;
    CHECK_ERR(tc_sim_report_parse(raw, sizeof(raw), &r), TC_ERR_MALFORMED, "bad magic");
    raw[0] ^= 1;
    raw[0x08] = 2;
    CHECK_ERR(tc_sim_report_parse(raw, sizeof(raw), &r), TC_ERR_VERSION, "version 2 refused");
    raw[0x08] = 1;
    raw[0x0C] |= 2;
    CHECK_ERR(tc_sim_report_parse(raw, sizeof(raw), &r), TC_ERR_RESERVED,
              "reserved flag bit refused");
    raw[0x0C] &= (uint8_t)~2;
    raw[0x14] = 1;
    CHECK_ERR(tc_sim_report_parse(raw, sizeof(raw), &r), TC_ERR_RESERVED, "reserved 0x14 refused");
    raw[0x14] = 0;
    raw[0xD0] = 1;
    CHECK_ERR(tc_sim_report_parse(raw, sizeof(raw), &r), TC_ERR_RESERVED,
              "reserved 0xc8..0xdf refused");
}

static void test_verify(void)
{
    json_t *ev = NULL, *claims = NULL, *bad;
    uint8_t raw[TC_SIM_REPORT_SIZE], *dec = NULL, other_rd[64], pin[1][32], wrong[1][32];
    size_t n = 0;

    CHECK_OK(tc_sim_evidence(key, &tmpl, rd, &ev), "evidence built");
    CHECK_OK(verify_json(ev, rd, NULL, 0, &claims), "evidence verifies");
    CHECK(json_is_true(json_object_get(claims, "simulated")), "claims say simulated");
    CHECK(json_integer_value(json_object_get(claims, "svn")) == 7 &&
              json_is_true(json_object_get(claims, "debug")),
          "claims: svn and debug");
    CHECK(json_string_value(json_object_get(claims, "measurement")) != NULL &&
              strncmp(json_string_value(json_object_get(claims, "measurement")), "abab", 4) == 0,
          "claims: measurement as hex");
    json_decref(claims);
    claims = NULL;
    /* The SVN is a u32 (sim.h 0x010): all of it reaches the claims, also above INT32_MAX. */
    {
        struct tc_sim_report big = tmpl;
        json_t *ev2 = NULL;

        big.svn = 0xfffffffeu;
        CHECK(tc_sim_evidence(key, &big, rd, &ev2) == TC_ERR_OK &&
                  verify_json(ev2, rd, NULL, 0, &claims) == TC_ERR_OK &&
                  json_integer_value(json_object_get(claims, "svn")) == 4294967294LL &&
                  json_integer_value(json_object_get(claims, "version")) == 1,
              "claims: svn 0xfffffffe as 4294967294");
        json_decref(ev2);
        json_decref(claims);
        claims = NULL;
    }

    memcpy(other_rd, rd, 64);
    other_rd[5] ^= 0x80;
    CHECK_ERR(verify_json(ev, other_rd, NULL, 0, &claims), TC_ERR_MISMATCH,
              "evidence for another nonce/key (REPORT_DATA) refused");

    /* Tamper with a signed byte: the signature no longer verifies. */
    if (tc_b64_decode(json_string_value(json_object_get(ev, "report")),
                      strlen(json_string_value(json_object_get(ev, "report"))), 4096, &dec,
                      &n) == TC_ERR_OK &&
        n == sizeof(raw)) {
        memcpy(raw, dec, n);
        raw[0x18] ^= 1; /* measurement */
        bad = with_report(ev, raw, n);
        CHECK_ERR(verify_json(bad, rd, NULL, 0, &claims), TC_ERR_SIGNATURE,
                  "tampered measurement refused (signature)");
        json_decref(bad);
        memcpy(raw, dec, n);
        raw[0xE0 + 3] ^= 1; /* r */
        bad = with_report(ev, raw, n);
        CHECK_ERR(verify_json(bad, rd, NULL, 0, &claims), TC_ERR_SIGNATURE,
                  "tampered signature refused");
        json_decref(bad);
        bad = with_report(ev, raw, n - 10);
        CHECK_ERR(verify_json(bad, rd, NULL, 0, &claims), TC_ERR_TRUNCATED,
                  "truncated report refused");
        json_decref(bad);
    } else {
        CHECK(0, "evidence report decodes");
    }
    free(dec);

    /* A report signed by one key presented with another: key_id mismatch. */
    {
        json_t *ev2 = NULL;

        CHECK_OK(tc_sim_evidence(other, &tmpl, rd, &ev2), "evidence with another key");
        bad = json_deep_copy(ev);
        json_object_set(bad, "key", json_object_get(ev2, "key"));
        CHECK_ERR(verify_json(bad, rd, NULL, 0, &claims), TC_ERR_MISMATCH,
                  "key not named by key_id refused");
        json_decref(bad);
        json_decref(ev2);
    }
    /* Pinned keys. */
    CHECK_OK(tc_sim_key_id(key, pin[0]), "pin id");
    CHECK_OK(verify_json(ev, rd, (const uint8_t(*)[32])pin, 1, &claims), "pinned key accepted");
    json_decref(claims);
    claims = NULL;
    CHECK_OK(tc_sim_key_id(other, wrong[0]), "other id");
    CHECK_ERR(verify_json(ev, rd, (const uint8_t(*)[32])wrong, 1, &claims), TC_ERR_UNTRUSTED,
              "unpinned key refused when keys are pinned");
    /* Malformed evidence JSON. */
    bad = json_pack("{s:s}", "report", "AAAA");
    CHECK_ERR(verify_json(bad, rd, NULL, 0, &claims), TC_ERR_MALFORMED, "no key member");
    json_decref(bad);
    bad = json_pack("{s:s,s:s}", "report", "!!!", "key", "AAAA");
    CHECK_ERR(verify_json(bad, rd, NULL, 0, &claims), TC_ERR_ENCODING, "bad base64");
    json_decref(bad);
    bad = json_deep_copy(ev);
    json_object_set_new(bad, "key", json_string("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"));
    CHECK_ERR(verify_json(bad, rd, NULL, 0, &claims), TC_ERR_MALFORMED,
              "truncated SubjectPublicKeyInfo refused");
    json_decref(bad);
    bad = json_string("not an object");
    CHECK_ERR(verify_json(bad, rd, NULL, 0, &claims), TC_ERR_MALFORMED, "evidence not an object");
    json_decref(bad);
    json_decref(ev);
}

static void test_key_file(void)
{
    char path[] = "/tmp/tc-sim-key-XXXXXX";
    int fd = mkstemp(path);
    EVP_PKEY *k1 = NULL, *k2 = NULL;
    uint8_t a[32], b[32];

    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    CHECK_ERR(tc_sim_key_load(path, 0, &k1), TC_ERR_IO, "absent key file, no create");
    CHECK_OK(tc_sim_key_load(path, 1, &k1), "key created");
    CHECK_OK(tc_sim_key_load(path, 0, &k2), "key read back");
    CHECK(k1 && k2 && tc_sim_key_id(k1, a) == TC_ERR_OK && tc_sim_key_id(k2, b) == TC_ERR_OK &&
              memcmp(a, b, 32) == 0,
          "same key after reload");
    EVP_PKEY_free(k1);
    EVP_PKEY_free(k2);
    unlink(path);
}

int main(void)
{
    size_t i;

    key = EVP_EC_gen("P-256");
    other = EVP_EC_gen("P-256");
    memset(&tmpl, 0, sizeof(tmpl));
    tmpl.version = TC_SIM_VERSION;
    tmpl.svn = 7;
    tmpl.flags = TC_SIM_FLAG_DEBUG;
    memset(tmpl.measurement, 0xab, 48);
    for (i = 0; i < 64; i++) {
        rd[i] = (uint8_t)(i * 3 + 1);
    }
    memcpy(tmpl.report_data, rd, 64);
    test_layout();
    test_verify();
    test_key_file();
    EVP_PKEY_free(key);
    EVP_PKEY_free(other);
    return t_done();
}
