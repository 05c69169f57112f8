/* SPDX-License-Identifier: Apache-2.0 */
/* JSON pointers, rules, appraisal to an AR4SI trust vector, EAR claims, JWS/JWT. */
#include <string.h>

#include <openssl/ec.h>

#include "harness.h"
#include "trustchain/ear.h"
#include "trustchain/util.h"

static void test_pointer(void)
{
    /* RFC 6901 section 5 example document. */
    json_error_t jerr;
    json_t *d = json_loads("{\"foo\":[\"bar\",\"baz\"],\"\":0,\"a/b\":1,\"c%d\":2,\"e^f\":3,"
                           "\"g|h\":4,\"i\\\\j\":5,\"k\\\"l\":6,\" \":7,\"m~n\":8}",
                           0, &jerr);

    CHECK(tc_json_pointer(d, "") == d, "RFC 6901: \"\" is the whole document");
    CHECK(json_is_array(tc_json_pointer(d, "/foo")), "/foo");
    CHECK(strcmp(json_string_value(tc_json_pointer(d, "/foo/0")), "bar") == 0, "/foo/0");
    CHECK(json_integer_value(tc_json_pointer(d, "/")) == 0, "/");
    CHECK(json_integer_value(tc_json_pointer(d, "/a~1b")) == 1, "/a~1b");
    CHECK(json_integer_value(tc_json_pointer(d, "/c%d")) == 2, "/c%%d");
    CHECK(json_integer_value(tc_json_pointer(d, "/i\\j")) == 5, "/i\\j");
    CHECK(json_integer_value(tc_json_pointer(d, "/ ")) == 7, "/ (space)");
    CHECK(json_integer_value(tc_json_pointer(d, "/m~0n")) == 8, "/m~0n");
    CHECK(tc_json_pointer(d, "/foo/01") == NULL, "leading zero index refused");
    CHECK(tc_json_pointer(d, "/foo/2") == NULL, "index past the end");
    CHECK(tc_json_pointer(d, "/m~2n") == NULL, "bad escape refused");
    CHECK(tc_json_pointer(d, "/foo/-") == NULL, "\"-\" is not an element");
    json_decref(d);
}

static int holds(const char *rule, const char *doc, const char *refs)
{
    json_error_t jerr;
    json_t *r = json_loads(rule, 0, &jerr), *d = json_loads(doc, 0, &jerr),
           *rv = refs ? json_loads(refs, 0, &jerr) : NULL;
    int h = -1;
    char why[300];

    if (tc_rule_eval(r, d, rv, &h, why, sizeof(why)) != TC_ERR_OK) {
        h = -1;
    }
    json_decref(r);
    json_decref(d);
    json_decref(rv);
    return h;
}

static void test_rules(void)
{
    static const char doc[] = "{\"a\":{\"s\":\"affirming\",\"n\":5,\"b\":false,"
                              "\"m\":\"ABCDEF\"}}";

    CHECK(holds("{\"claim\":\"/a/s\",\"equals\":\"affirming\"}", doc, NULL) == 1, "equals");
    CHECK(holds("{\"claim\":\"/a/s\",\"equals\":\"warning\"}", doc, NULL) == 0, "equals fails");
    CHECK(holds("{\"claim\":\"/a/s\",\"not_equals\":\"contraindicated\"}", doc, NULL) == 1,
          "not_equals");
    CHECK(holds("{\"claim\":\"/a/s\",\"in\":[\"warning\",\"affirming\"]}", doc, NULL) == 1, "in");
    CHECK(holds("{\"claim\":\"/a/s\",\"not_in\":[\"affirming\"]}", doc, NULL) == 0, "not_in");
    CHECK(holds("{\"claim\":\"/a/n\",\"min\":5}", doc, NULL) == 1, "min (inclusive)");
    CHECK(holds("{\"claim\":\"/a/n\",\"max\":4}", doc, NULL) == 0, "max");
    CHECK(holds("{\"claim\":\"/a/s\",\"min\":1}", doc, NULL) == 0, "min on a string fails");
    CHECK(holds("{\"claim\":\"/a/b\",\"equals\":false}", doc, NULL) == 1, "boolean equals");
    CHECK(holds("{\"claim\":\"/a/zz\",\"present\":false}", doc, NULL) == 1, "present:false");
    CHECK(holds("{\"claim\":\"/a/zz\",\"equals\":1}", doc, NULL) == 0, "absent claim fails");
    CHECK(holds("{\"claim\":\"/a/m\",\"in_reference\":\"meas\"}", doc,
                "{\"meas\":[\"000000\",\"abcdef\"]}") == 1,
          "in_reference (hex compares case-insensitively)");
    CHECK(holds("{\"claim\":\"/a/m\",\"in_reference\":\"meas\"}", doc, "{}") == 0,
          "in_reference with no stored values fails");
    CHECK(holds("{\"claim\":\"/a/s\"}", doc, NULL) == -1, "rule without condition refused");
    CHECK(holds("{\"claim\":\"/a/s\",\"equals\":1,\"in\":[1]}", doc, NULL) == -1,
          "rule with two conditions refused");
    CHECK(holds("{\"claim\":\"/a/n\",\"in\":5}", doc, NULL) == -1, "\"in\" needs an array");
    CHECK(holds("{\"equals\":1}", doc, NULL) == -1, "rule without claim refused");
}

static void test_appraise(void)
{
    json_t *pol = tc_ear_default_policy("sim"), *claims, *refs;
    struct tc_ear_result res;
    struct tc_verdict v;

    CHECK(pol != NULL && tc_ear_policy_check(pol) == TC_ERR_OK, "default sim policy is valid");
    CHECK(tc_ear_default_policy("nope") == NULL, "no default policy for an unknown TEE");
    /* draft-ietf-rats-ar4si 2.3.1 (the ranges as Veraison's EAR library implements them):
     * none [-1, 1], affirming [2, 31] and [-32, -2], warning [32, 95] and [-96, -33],
     * contraindicated [96, 127] and [-128, -97]. */
    {
        static const struct {
            int v;
            enum tc_ear_status t;
        } tiers[] = {
            {0, TC_EAR_NONE},
            {1, TC_EAR_NONE},
            {-1, TC_EAR_NONE},
            {2, TC_EAR_AFFIRMING},
            {31, TC_EAR_AFFIRMING},
            {-2, TC_EAR_AFFIRMING},
            {-32, TC_EAR_AFFIRMING},
            {32, TC_EAR_WARNING},
            {95, TC_EAR_WARNING},
            {-33, TC_EAR_WARNING},
            {-96, TC_EAR_WARNING},
            {96, TC_EAR_CONTRAINDICATED},
            {127, TC_EAR_CONTRAINDICATED},
            {-97, TC_EAR_CONTRAINDICATED},
            {-128, TC_EAR_CONTRAINDICATED},
            {99, TC_EAR_CONTRAINDICATED},
        };
        size_t i, bad = 0;

        for (i = 0; i < sizeof(tiers) / sizeof(tiers[0]); i++) {
            if (tc_ear_tier(tiers[i].v) != tiers[i].t) {
                printf("#   tier of %d: %s, want %s\n", tiers[i].v,
                       tc_ear_status_name(tc_ear_tier(tiers[i].v)), tc_ear_status_name(tiers[i].t));
                bad++;
            }
        }
        CHECK(bad == 0, "ar4si tiers, negative code points included");
    }
    claims = json_pack("{s:s,s:b}", "measurement", "aa", "debug", 0);
    refs = json_pack("{s:[s]}", "measurement", "AA");

    memset(&res, 0, sizeof(res));
    tc_verdict_init(&v);
    CHECK_OK(tc_ear_appraise(claims, pol, refs, &res, &v), "appraise: matching measurement");
    CHECK(res.tv[TC_TV_EXECUTABLES] == 2 && res.tv[TC_TV_CONFIGURATION] == 2 &&
              res.status == TC_EAR_AFFIRMING,
          "executables 2, configuration 2 -> affirming");
    CHECK(strcmp(res.policy_id, "default-sim") == 0, "policy id recorded");
    tc_verdict_free(&v);

    /* The verifier's opinion (sim: unsafe hardware) caps the status at warning. */
    memset(&res, 0, sizeof(res));
    res.tv[TC_TV_HARDWARE] = TC_AR_UNSAFE;
    tc_verdict_init(&v);
    CHECK_OK(tc_ear_appraise(claims, pol, refs, &res, &v), "appraise with hardware=32");
    CHECK(res.status == TC_EAR_WARNING, "hardware 32 -> warning");
    tc_verdict_free(&v);

    json_object_set_new(refs, "measurement", json_pack("[s]", "bb"));
    memset(&res, 0, sizeof(res));
    tc_verdict_init(&v);
    CHECK_OK(tc_ear_appraise(claims, pol, refs, &res, &v), "appraise: unknown measurement");
    CHECK(res.tv[TC_TV_EXECUTABLES] == TC_AR_UNRECOGNIZED_RT && res.status == TC_EAR_WARNING,
          "unrecognized run-time -> executables 33, warning");
    CHECK(tc_verdict_first_failure(&v) != NULL &&
              strcmp(tc_verdict_first_failure(&v)->name, "appraisal.executables") == 0,
          "the verdict explains which rule failed");
    tc_verdict_free(&v);

    json_object_set_new(claims, "debug", json_true());
    memset(&res, 0, sizeof(res));
    tc_verdict_init(&v);
    CHECK_OK(tc_ear_appraise(claims, pol, refs, &res, &v), "appraise: debug on");
    CHECK(res.tv[TC_TV_CONFIGURATION] == TC_AR_UNSAFE, "debug -> configuration 32");
    tc_verdict_free(&v);

    {
        json_error_t jerr;
        json_t *bad = json_loads("{\"id\":\"x\",\"rules\":[{\"tier\":\"nope\",\"claim\":\"a\","
                                 "\"equals\":1}]}",
                                 0, &jerr);

        CHECK_ERR(tc_ear_policy_check(bad), TC_ERR_MALFORMED, "unknown tier refused");
        json_decref(bad);
        bad = json_loads("{\"id\":\"x\",\"rules\":[{\"tier\":\"hardware\",\"claim\":\"a\","
                         "\"equals\":1,\"pass\":300}]}",
                         0, &jerr);
        CHECK_ERR(tc_ear_policy_check(bad), TC_ERR_MALFORMED, "pass value out of range refused");
        json_decref(bad);
    }
    json_decref(claims);
    json_decref(refs);
    json_decref(pol);
}

static void test_ear_claims(void)
{
    struct tc_ear_result res;
    struct tc_ear_token t;
    json_t *claims = json_pack("{s:s}", "measurement", "aa"), *rd, *c = NULL;

    memset(&res, 0, sizeof(res));
    res.tv[TC_TV_EXECUTABLES] = 2;
    res.tv[TC_TV_HARDWARE] = 32;
    res.status = TC_EAR_WARNING;
    snprintf(res.policy_id, sizeof(res.policy_id), "p");
    rd = json_pack("{s:s,s:{s:s}}", "nonce", "n", "tee-pubkey", "kty", "EC");
    memset(&t, 0, sizeof(t));
    t.iat = 1000;
    t.exp = 1300;
    t.tee = "sim";
    t.claims = claims;
    t.runtime_data = rd;
    t.simulated = 1;
    t.nonce = "n";
    t.result = &res;
    CHECK_OK(tc_ear_claims(&t, &c), "EAR claims built");
    CHECK(strcmp(json_string_value(json_object_get(c, "eat_profile")),
                 "tag:github.com,2023:veraison/ear") == 0,
          "eat_profile is the EAR profile");
    CHECK(json_integer_value(json_object_get(c, "iat")) == 1000 &&
              json_integer_value(json_object_get(c, "exp")) == 1300,
          "iat and exp");
    CHECK(json_is_string(tc_json_pointer(c, "/ear.verifier-id/build")) &&
              json_is_string(tc_json_pointer(c, "/ear.verifier-id/developer")),
          "ear.verifier-id {build, developer}");
    CHECK(strcmp(json_string_value(tc_json_pointer(c, "/submods/cpu0/ear.status")), "warning") == 0,
          "submods.cpu0.ear.status");
    CHECK(json_integer_value(
              tc_json_pointer(c, "/submods/cpu0/ear.trustworthiness-vector/executables")) == 2 &&
              json_integer_value(
                  tc_json_pointer(c, "/submods/cpu0/ear.trustworthiness-vector/hardware")) == 32,
          "trust vector members");
    CHECK(json_is_string(
              tc_json_pointer(c, "/submods/cpu0/ear.veraison.annotated-evidence/sim/measurement")),
          "annotated evidence holds the verified claims under the TEE name");
    CHECK(json_is_object(tc_json_pointer(
              c, "/submods/cpu0/ear.veraison.annotated-evidence/runtime_data_claims/tee-pubkey")),
          "runtime_data_claims.tee-pubkey where Trustee's verifier looks");
    CHECK(json_is_true(json_object_get(c, "trustchain.simulated")), "simulated is marked");
    json_decref(c);
    json_decref(claims);
    json_decref(rd);
}

static void test_jws(void)
{
    EVP_PKEY *es = EVP_EC_gen("P-256"), *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"),
             *es2 = EVP_EC_gen("P-256"), *p384 = EVP_EC_gen("P-384");
    json_t *pl = json_pack("{s:I,s:s}", "exp", (json_int_t)2000, "sub", "admin"), *out = NULL,
           *hdr = NULL;
    char *a = NULL, *b = NULL;
    EVP_PKEY *keys[2];

    CHECK(strcmp(tc_jws_alg(es), "ES256") == 0 && strcmp(tc_jws_alg(ed), "EdDSA") == 0 &&
              tc_jws_alg(p384) == NULL,
          "JWS algorithms by key");
    CHECK_OK(tc_jws_sign(es, NULL, pl, &a), "ES256 sign");
    CHECK_OK(tc_jws_sign(ed, NULL, pl, &b), "EdDSA sign");
    CHECK_OK(tc_jws_verify(a, strlen(a), es, &hdr, &out), "ES256 verifies");
    CHECK(strcmp(json_string_value(json_object_get(hdr, "alg")), "ES256") == 0 &&
              json_integer_value(json_object_get(out, "exp")) == 2000,
          "header and payload decoded");
    json_decref(hdr);
    json_decref(out);
    out = NULL;
    CHECK_OK(tc_jws_verify(b, strlen(b), ed, NULL, NULL), "EdDSA verifies");
    CHECK_ERR(tc_jws_verify(a, strlen(a), es2, NULL, NULL), TC_ERR_SIGNATURE,
              "ES256 with another key refused");
    CHECK_ERR(tc_jws_verify(a, strlen(a), ed, NULL, NULL), TC_ERR_SIGNATURE,
              "alg/key mismatch refused (no algorithm confusion)");
    {
        char *t = strdup(a), *dot = strrchr(t, '.');

        dot[3] = dot[3] == 'A' ? 'B' : 'A';
        CHECK_ERR(tc_jws_verify(t, strlen(t), es, NULL, NULL), TC_ERR_SIGNATURE,
                  "tampered signature refused");
        free(t);
        t = strdup(a);
        t[strchr(t, '.') - t + 2] ^= 1;
        CHECK(tc_jws_verify(t, strlen(t), es, NULL, NULL) != TC_ERR_OK, "tampered payload refused");
        free(t);
    }
    /* alg "none" is never accepted. */
    CHECK(tc_jws_verify("eyJhbGciOiJub25lIn0.eyJleHAiOjJ9.", 32, es, NULL, NULL) != TC_ERR_OK,
          "alg none refused");
    CHECK_ERR(tc_jws_verify("a.b", 3, es, NULL, NULL), TC_ERR_MALFORMED, "two parts refused");
    keys[0] = es2;
    keys[1] = es;
    CHECK_OK(tc_jwt_verify(a, strlen(a), keys, 2, 1999, 0, 1, &out), "JWT: second key matches");
    json_decref(out);
    out = NULL;
    CHECK_ERR(tc_jwt_verify(a, strlen(a), keys, 2, 2001, 0, 1, &out), TC_ERR_EXPIRED,
              "JWT: expired refused");
    CHECK_OK(tc_jwt_verify(a, strlen(a), keys, 2, 2001, 5, 1, &out), "JWT: leeway");
    json_decref(out);
    out = NULL;
    free(a);
    a = NULL;
    /* RFC 7519 NumericDates (leeway 5 s): nbf and iat in the future, non-integers, extremes. */
    {
        static const struct {
            const char *claims;
            long now;
            tc_err want;
            const char *what;
        } dates[] = {
            {"{\"exp\":2000,\"nbf\":1500}", 1494, TC_ERR_EXPIRED, "nbf beyond the leeway refused"},
            {"{\"exp\":2000,\"nbf\":1500}", 1495, TC_ERR_OK, "nbf within the leeway accepted"},
            {"{\"exp\":2000,\"iat\":1500}", 1434, TC_ERR_EXPIRED,
             "iat more than 60 s (+ leeway) ahead refused"},
            {"{\"exp\":2000,\"iat\":1500}", 1435, TC_ERR_OK, "iat 60 s (+ leeway) ahead accepted"},
            {"{\"exp\":2000.5}", 1000, TC_ERR_MALFORMED, "non-integer exp refused"},
            {"{\"exp\":2000,\"iat\":\"1000\"}", 1000, TC_ERR_MALFORMED, "string iat refused"},
            {"{\"exp\":9223372036854775807}", 1000, TC_ERR_OK, "exp at INT64_MAX (no overflow)"},
            {"{\"exp\":-9223372036854775807}", 1000, TC_ERR_EXPIRED,
             "exp at -INT64_MAX (no overflow)"},
            {"{\"exp\":2000,\"nbf\":-9223372036854775807}", 1000, TC_ERR_OK, "nbf at -INT64_MAX"},
        };
        size_t i;

        for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
            json_error_t jerr;
            json_t *c = json_loads(dates[i].claims, 0, &jerr);

            a = NULL;
            if (c == NULL || tc_jws_sign(es, NULL, c, &a) != TC_ERR_OK) {
                CHECK(0, "JWT: %s (signing)", dates[i].what);
            } else {
                CHECK_ERR(tc_jwt_verify(a, strlen(a), &es, 1, (time_t)dates[i].now, 5, 1, &out),
                          dates[i].want, "JWT: %s", dates[i].what);
                json_decref(out);
                out = NULL;
            }
            free(a);
            json_decref(c);
        }
        a = NULL;
        if (tc_jws_sign(es, NULL, pl, &a) != TC_ERR_OK) {
            a = strdup("x");
        }
    }
    CHECK_OK(tc_jwt_payload(a, strlen(a), &out), "payload without verification");
    json_decref(out);
    free(a);
    free(b);
    json_decref(pl);
    pl = json_pack("{s:s}", "sub", "x");
    CHECK_OK(tc_jws_sign(es, NULL, pl, &a), "token without exp");
    CHECK_ERR(tc_jwt_verify(a, strlen(a), &es, 1, 0, 0, 1, &out), TC_ERR_EXPIRED,
              "JWT without exp refused when required");
    free(a);
    json_decref(pl);
    EVP_PKEY_free(es);
    EVP_PKEY_free(es2);
    EVP_PKEY_free(ed);
    EVP_PKEY_free(p384);
}

int main(void)
{
    test_pointer();
    test_rules();
    test_appraise();
    test_ear_claims();
    test_jws();
    return t_done();
}
