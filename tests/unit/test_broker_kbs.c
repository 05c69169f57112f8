/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The broker's request handling in process (tc_broker_handle, no HTTP), with the time of each
 * request chosen by the test: the session and token lifetimes, what a restart without
 * --allow-sim does to simulated sessions and tokens, that a release is audited before the
 * secret leaves, admin token checks (audience, iat), and the configuration file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "broker/broker_int.h"
#include "harness.h"
#include "support/tdx_synth.h"
#include "trustchain/broker.h"
#include "trustchain/ear.h"
#include "trustchain/kbs.h"
#include "trustchain/sim.h"
#include "trustchain/util.h"

#define T0 ((time_t)1750000000)
#define SECRET "a disk key for the in-process broker"

static char dir[] = "/tmp/tc-broker-kbs-XXXXXX";
static char db[300];
static EVP_PKEY *admin, *sim_key;
static FILE *devnull;
static uint8_t meas[48];
static char last_att[8192]; /* the last Attestation body attest() sent */

struct resp {
    int status;
    char *body;
    char cookie[160];
};

static void resp_free(struct resp *r)
{
    free(r->body);
    memset(r, 0, sizeof(*r));
}

static void call(struct tc_broker *b, const char *method, const char *path, const char *session,
                 const char *bearer, const char *body, time_t now, struct resp *out)
{
    struct tc_http_req req;
    struct tc_http_resp resp;
    char auth[4096];

    memset(&req, 0, sizeof(req));
    memset(out, 0, sizeof(*out));
    req.method = method;
    req.path = path;
    req.session = session;
    if (bearer != NULL) {
        snprintf(auth, sizeof(auth), "Bearer %s", bearer);
        req.authorization = auth;
    }
    req.body = (const uint8_t *)(body != NULL ? body : "");
    req.body_len = body != NULL ? strlen(body) : 0;
    req.client = "test";
    req.now = now;
    tc_broker_handle(b, &req, &resp);
    out->status = resp.status;
    out->body = resp.body != NULL ? strndup(resp.body, resp.body_len) : strdup("");
    free(resp.body);
    /* "kbs-session-id=<value>; Expires=..." */
    if (strncmp(resp.set_cookie, "kbs-session-id=", 15) == 0) {
        snprintf(out->cookie, sizeof(out->cookie), "%.*s", (int)strcspn(resp.set_cookie + 15, ";"),
                 resp.set_cookie + 15);
    }
}

static char *admin_token(const char *aud, time_t iat, time_t exp)
{
    json_t *c = json_pack("{s:I,s:I}", "iat", (json_int_t)iat, "exp", (json_int_t)exp);
    char *t = NULL;

    if (aud != NULL) {
        json_object_set_new(c, "aud", json_string(aud));
    }
    if (tc_jws_sign(admin, NULL, c, &t) != TC_ERR_OK) {
        t = NULL;
    }
    json_decref(c);
    return t;
}

static struct tc_broker *broker(int allow_sim, unsigned session_ttl, unsigned token_ttl)
{
    struct tc_broker_config cfg;
    struct tc_broker *b = NULL;
    static EVP_PKEY *keys[1];

    tc_broker_config_defaults(&cfg);
    cfg.db_path = db;
    cfg.allow_sim = allow_sim;
    cfg.session_ttl = session_ttl;
    cfg.token_ttl = token_ttl;
    cfg.log = devnull;
    keys[0] = admin;
    cfg.admin_keys = keys;
    cfg.n_admin_keys = 1;
    if (tc_broker_new(&cfg, &b) != TC_ERR_OK) {
        printf("# broker: %s\n", tc_err_detail());
        return NULL;
    }
    return b;
}

static int admin_call(struct tc_broker *b, const char *method, const char *path, const char *body)
{
    char *tok = admin_token(TC_BROKER_ADMIN_AUDIENCE, T0, T0 + 3600);
    struct resp r;
    int st;

    call(b, method, path, NULL, tok, body, T0, &r);
    st = r.status;
    if (st != 200) {
        printf("# admin %s %s: %d %s\n", method, path, r.status, r.body);
    }
    resp_free(&r);
    free(tok);
    return st;
}

/* auth + attest with sim evidence; cookie and token (malloc'd) out. */
static int attest(struct tc_broker *b, time_t now, EVP_PKEY **tee, char cookie[160], char **token)
{
    struct resp r;
    json_t *ch = NULL, *pub = NULL, *ev = NULL, *att = NULL, *tj = NULL;
    struct tc_sim_report tmpl;
    uint8_t rd[64];
    json_error_t jerr;
    char *text = NULL;
    int ok = 0;

    *token = NULL;
    call(b, "POST", "/kbs/v0/auth", NULL, NULL,
         "{\"version\":\"0.4.0\",\"tee\":\"sim\",\"extra-params\":{}}", now, &r);
    ch = json_loads(r.body, 0, &jerr);
    snprintf(cookie, 160, "%s", r.cookie);
    if (r.status != 200 || cookie[0] == '\0') {
        printf("# auth: %d %s\n", r.status, r.body);
        goto out;
    }
    memset(&tmpl, 0, sizeof(tmpl));
    tmpl.version = TC_SIM_VERSION;
    tmpl.svn = 1;
    memcpy(tmpl.measurement, meas, 48);
    if (tc_jwk_generate(TC_JWK_EC_P256, tee, &pub) != TC_ERR_OK ||
        tc_kbs_report_data(pub, json_string_value(json_object_get(ch, "nonce")), "", rd, NULL) !=
            TC_ERR_OK ||
        tc_sim_evidence(sim_key, &tmpl, rd, &ev) != TC_ERR_OK) {
        printf("# evidence: %s\n", tc_err_detail());
        goto out;
    }
    att = json_pack("{s:{s:O,s:O},s:{s:O,s:s}}", "runtime-data", "nonce",
                    json_object_get(ch, "nonce"), "tee-pubkey", pub, "tee-evidence",
                    "primary_evidence", ev, "additional_evidence", "");
    text = json_dumps(att, JSON_COMPACT);
    snprintf(last_att, sizeof(last_att), "%s", text != NULL ? text : "");
    resp_free(&r);
    call(b, "POST", "/kbs/v0/attest", cookie, NULL, text, now, &r);
    tj = json_loads(r.body, 0, &jerr);
    if (r.status != 200 || !json_is_string(json_object_get(tj, "token"))) {
        printf("# attest: %d %s\n", r.status, r.body);
        goto out;
    }
    *token = strdup(json_string_value(json_object_get(tj, "token")));
    ok = 1;
out:
    resp_free(&r);
    free(text);
    json_decref(ch);
    json_decref(pub);
    json_decref(ev);
    json_decref(att);
    json_decref(tj);
    return ok;
}

/* GET the resource; 1 if 200 and the JWE opens to SECRET with tee. */
static int get_secret(struct tc_broker *b, const char *cookie, const char *token, time_t now,
                      EVP_PKEY *tee, int *status, char *body, size_t blen)
{
    struct resp r;
    uint8_t *pt = NULL;
    size_t ptl = 0;
    int ok = 0;

    call(b, "GET", "/kbs/v0/resource/default/key/disk", cookie, token, NULL, now, &r);
    *status = r.status;
    snprintf(body, blen, "%s", r.body);
    if (r.status == 200 && tc_jwe_decrypt(r.body, strlen(r.body), tee, &pt, &ptl) == TC_ERR_OK) {
        ok = ptl == strlen(SECRET) && memcmp(pt, SECRET, ptl) == 0;
    }
    tc_free_secret(pt, ptl);
    resp_free(&r);
    return ok;
}

static void setup(struct tc_broker *b)
{
    char hex[97], rv[300];

    tc_hex_encode(meas, 48, hex);
    snprintf(rv, sizeof(rv), "{\"tee\":\"sim\",\"name\":\"measurement\",\"values\":[\"%s\"]}", hex);
    CHECK(admin_call(b, "POST", "/kbs/v0/resource/default/key/disk", SECRET) == 200 &&
              admin_call(
                  b, "POST", "/kbs/v0/resource-policy",
                  "{\"id\":\"disk\",\"resources\":[\"default/key/*\"],\"rules\":[{\"claim\":"
                  "\"/submods/cpu0/ear.trustworthiness-vector/executables\",\"equals\":2}]}") ==
                  200 &&
              admin_call(b, "POST", "/kbs/v0/reference-value", rv) == 200,
          "admin: resource, policy and reference value set");
}

/* The session (cookie) path must not outlive the token it stands for. */
static void test_lifetimes(void)
{
    struct tc_broker *b = broker(1, 300, 60);
    EVP_PKEY *tee = NULL;
    char cookie[160], *token = NULL, body[600];
    int st = 0, got;

    if (!CHECK(b != NULL, "broker (session 300 s, token 60 s)")) {
        return;
    }
    setup(b);
    if (!CHECK(attest(b, T0, &tee, cookie, &token), "sim guest attests")) {
        goto out;
    }
    got = get_secret(b, cookie, NULL, T0 + 10, tee, &st, body, sizeof(body));
    CHECK(got, "cookie: secret released while the token is valid (%d)", st);
    got = get_secret(b, NULL, token, T0 + 10, tee, &st, body, sizeof(body));
    CHECK(got, "bearer: secret released while the token is valid (%d)", st);
    got = get_secret(b, NULL, token, T0 + 120, tee, &st, body, sizeof(body));
    CHECK(!got && st == 401, "bearer: refused after the token's exp (%d)", st);
    got = get_secret(b, cookie, NULL, T0 + 120, tee, &st, body, sizeof(body));
    CHECK(!got && st == 401,
          "cookie: refused after the token's exp although the session ttl is longer (%d %s)", st,
          st != 200 ? "" : "released");
    /* The nonce stays consumed while the cookie lives, also once the token expired and the
     * housekeeping ran: the same Attestation again is a replay. */
    tc_broker_tick(b, T0 + 120);
    {
        struct resp r;

        call(b, "POST", "/kbs/v0/attest", cookie, NULL, last_att, T0 + 120, &r);
        CHECK(r.status == 401 && strstr(r.body, "replay") != NULL,
              "the same Attestation after the token expired: 401 replay (%d %.100s)", r.status,
              r.body);
        resp_free(&r);
    }
    got = get_secret(b, cookie, NULL, T0 + 400, tee, &st, body, sizeof(body));
    CHECK(!got && st == 401, "cookie: refused after the session's expiry (%d)", st);
out:
    free(token);
    EVP_PKEY_free(tee);
    tc_broker_free(b);
}

/* A store whose audit writes fail (disk full, I/O error). */
static struct tc_store_ops failing_ops;
static tc_err failing_audit(struct tc_store *s, const struct tc_audit *a)
{
    (void)s;
    (void)a;
    return tc_fail(TC_ERR_STORE, "sqlite: database or disk is full (test)");
}

static void test_restart_and_audit(void)
{
    struct tc_broker *b = broker(1, 300, 300);
    EVP_PKEY *tee = NULL;
    char cookie[160], *token = NULL, body[2000];
    const struct tc_store_ops *real;
    int st = 0, got;

    if (!CHECK(b != NULL, "broker with --allow-sim")) {
        return;
    }
    if (!CHECK(attest(b, T0, &tee, cookie, &token), "sim guest attests")) {
        tc_broker_free(b);
        return;
    }
    got = get_secret(b, cookie, NULL, T0 + 1, tee, &st, body, sizeof(body));
    CHECK(got, "secret released with --allow-sim (%d)", st);

    /* The release is recorded before the secret leaves: a failing audit write releases nothing. */
    real = b->store->ops;
    failing_ops = *real;
    failing_ops.audit = failing_audit;
    b->store->ops = &failing_ops;
    got = get_secret(b, cookie, NULL, T0 + 2, tee, &st, body, sizeof(body));
    CHECK(!got && st == 500 && strstr(body, "audit") != NULL && strstr(body, "ciphertext") == NULL,
          "audit write fails: 500, no JWE, says why (%d %.120s)", st, body);
    b->store->ops = real;
    tc_broker_free(b);

    /* The same store, restarted without --allow-sim: the simulated session and token stay in
     * the store and within their lifetimes, but are not honoured any more. */
    b = broker(0, 300, 300);
    if (!CHECK(b != NULL, "broker restarted on the same store without --allow-sim")) {
        goto out;
    }
    got = get_secret(b, cookie, NULL, T0 + 3, tee, &st, body, sizeof(body));
    CHECK(!got && st == 401 && strstr(body, "allow-sim") != NULL,
          "simulated session refused after a restart without --allow-sim (%d)", st);
    got = get_secret(b, NULL, token, T0 + 3, tee, &st, body, sizeof(body));
    CHECK(!got && st == 401 && strstr(body, "allow-sim") != NULL,
          "simulated token refused after a restart without --allow-sim (%d)", st);
    tc_broker_free(b);
    b = broker(1, 300, 300);
    got = b != NULL && get_secret(b, cookie, NULL, T0 + 4, tee, &st, body, sizeof(body));
    CHECK(got, "and honoured again with --allow-sim (%d)", st);
out:
    free(token);
    EVP_PKEY_free(tee);
    tc_broker_free(b);
}

static void test_admin_tokens(void)
{
    struct tc_broker *b = broker(1, 300, 300);
    struct resp r;
    char *t;
    json_t *c;

    if (!CHECK(b != NULL, "broker")) {
        return;
    }
#define TRY(tok, want, what)                                                                       \
    do {                                                                                           \
        call(b, "GET", "/kbs/v0/resources", NULL, (tok), NULL, T0, &r);                            \
        CHECK(r.status == (want), "admin token %s: %d", what, want);                               \
        if (r.status != (want)) {                                                                  \
            printf("#   got %d %s\n", r.status, r.body);                                           \
        }                                                                                          \
        resp_free(&r);                                                                             \
    } while (0)

    t = admin_token(TC_BROKER_ADMIN_AUDIENCE, T0, T0 + 60);
    TRY(t, 200, "with our audience");
    free(t);
    t = admin_token(NULL, T0, T0 + 60);
    TRY(t, 401, "without an audience");
    free(t);
    t = admin_token("https://other.example/api", T0, T0 + 60);
    TRY(t, 401, "for another audience");
    free(t);
    c = json_pack("{s:I,s:[s,s]}", "exp", (json_int_t)T0 + 60, "aud", "x",
                  TC_BROKER_ADMIN_AUDIENCE);
    t = NULL;
    if (tc_jws_sign(admin, NULL, c, &t) == TC_ERR_OK) {
        TRY(t, 200, "with an audience array naming us");
    }
    free(t);
    json_decref(c);
    t = admin_token(TC_BROKER_ADMIN_AUDIENCE, T0 + 3600, T0 + 7200);
    TRY(t, 401, "issued an hour in the future");
    free(t);
    t = admin_token(TC_BROKER_ADMIN_AUDIENCE, T0 + 30, T0 + 60);
    TRY(t, 200, "issued 30 s ahead (clock skew)");
    free(t);
    t = admin_token(TC_BROKER_ADMIN_AUDIENCE, T0 - 120, T0 - 1);
    TRY(t, 401, "expired a second ago");
    free(t);
    c = json_pack("{s:f,s:s}", "exp", (double)T0 + 60.5, "aud", TC_BROKER_ADMIN_AUDIENCE);
    t = NULL;
    if (tc_jws_sign(admin, NULL, c, &t) == TC_ERR_OK) {
        TRY(t, 401, "with a non-integer exp");
    }
    free(t);
    json_decref(c);
#undef TRY
    tc_broker_free(b);
}

/* Reasons quote request data; the error body must stay JSON (UTF-8) whatever the bytes. */
static void test_error_bodies(void)
{
    struct tc_broker *b = broker(1, 300, 300);
    struct resp r;
    json_error_t jerr;
    json_t *j;
    char body[200];

    if (!CHECK(b != NULL, "broker")) {
        return;
    }
    call(b, "GET", "/kbs/v0/x\xff\xfe", NULL, NULL, NULL, T0, &r);
    j = json_loads(r.body, 0, &jerr);
    CHECK(r.status == 404 && json_is_string(json_object_get(j, "detail")),
          "a path with invalid UTF-8: 404 with a JSON reason (%d %s)", r.status, r.body);
    json_decref(j);
    resp_free(&r);
    /* "%.32s" of the TEE name cuts the 2-byte e-acute after 31 bytes. */
    snprintf(body, sizeof(body), "{\"version\":\"0.4.0\",\"tee\":\"x%s\"}",
             "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
             "\xa9\xc3"
             "\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
    call(b, "POST", "/kbs/v0/auth", NULL, NULL, body, T0, &r);
    j = json_loads(r.body, 0, &jerr);
    CHECK(r.status == 401 && json_is_string(json_object_get(j, "detail")) &&
              strstr(r.body, "unknown or unsupported TEE") != NULL,
          "a TEE name cut inside a character: 401 with a JSON reason (%d)", r.status);
    json_decref(j);
    resp_free(&r);
    tc_broker_free(b);
}

static void test_config_file(void)
{
    struct tc_broker_config cfg;
    struct tdx_synth *s = NULL;
    char path[400], root[400], *pem = NULL;
    size_t pl = 0;
    FILE *f;

    snprintf(root, sizeof(root), "%s/tdx-root.pem", dir);
    snprintf(path, sizeof(path), "%s/config.json", dir);
    if (!CHECK(tdx_synth_new(&s) == TC_ERR_OK && tdx_synth_root_pem(s, &pem, &pl) == TC_ERR_OK &&
                   tc_file_write(root, pem, pl, 0644) == TC_ERR_OK,
               "a TDX test root certificate")) {
        goto out;
    }
    f = fopen(path, "w");
    if (f != NULL) {
        fprintf(f,
                "{\"db\":\"x.db\",\"allow_sim\":true,\"tdx_roots\":[\"%s\"],\"tdx_policy\":{},"
                "\"limits\":{\"max_body\":1000}}",
                root);
        fclose(f);
    }
    tc_broker_config_defaults(&cfg);
    CHECK_OK(tc_broker_config_load(path, &cfg),
             "config: tdx_roots and tdx_policy are keys of the file (as broker.h documents)");
    CHECK(cfg.n_tdx_roots == 1 && cfg.tdx_policy != NULL && cfg.allow_sim && cfg.max_body == 1000,
          "config: values applied");
    tc_broker_config_free(&cfg);
    f = fopen(path, "w");
    if (f != NULL) {
        fprintf(f, "{\"db\":\"x.db\",\"no_such_key\":1}");
        fclose(f);
    }
    tc_broker_config_defaults(&cfg);
    CHECK_ERR(tc_broker_config_load(path, &cfg), TC_ERR_MALFORMED, "config: unknown key refused");
    tc_broker_config_free(&cfg);
out:
    free(pem);
    tdx_synth_free(s);
    unlink(root);
    unlink(path);
}

int main(void)
{
    char p[400];

    if (mkdtemp(dir) == NULL) {
        CHECK(0, "temporary folder");
        return t_done();
    }
    snprintf(db, sizeof(db), "%s/broker.db", dir);
    memset(meas, 0xab, sizeof(meas));
    devnull = fopen(getenv("TC_TEST_LOG") != NULL ? getenv("TC_TEST_LOG") : "/dev/null", "w");
    admin = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    sim_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    test_lifetimes();
    test_restart_and_audit();
    test_admin_tokens();
    test_error_bodies();
    test_config_file();
    EVP_PKEY_free(admin);
    EVP_PKEY_free(sim_key);
    if (devnull != NULL) {
        fclose(devnull);
    }
    unlink(db);
    snprintf(p, sizeof(p), "%s-wal", db);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", db);
    unlink(p);
    rmdir(dir);
    return t_done();
}
