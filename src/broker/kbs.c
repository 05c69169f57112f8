/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The KBS protocol handlers (trustee kbs/docs/kbs_attestation_protocol.md,
 * behaviour of trustee kbs/src/api_server.rs and attestation/backend.rs),
 * independent of the HTTP server: a request in, a response out.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "broker/broker_int.h"
#include "broker/policy.h"
#include "core/ossl.h"
#include "trustchain/kbs.h"
#include "trustchain/trustchain.h"
#include "trustchain/util.h"

#define KEY_NAME "broker-signing-key"

/* ---- responses, logging, audit ---- */

void tc_broker_json(struct tc_http_resp *resp, int status, json_t *j)
{
    resp->status = status;
    resp->content_type = "application/json";
    resp->body = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
    resp->body_len = resp->body != NULL ? strlen(resp->body) : 0;
    json_decref(j);
    if (resp->body == NULL && status < 500) {
        resp->status = 500;
    }
}

void tc_broker_log(struct tc_broker *b, const struct tc_http_req *req, int status,
                   const char *event, int simulated, const char *fmt, ...)
{
    FILE *f = b->cfg.log != NULL ? b->cfg.log : stderr;
    char ts[32], msg[600], *p;
    va_list ap;

    if (status < 400 && !b->cfg.log_requests) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* One line per event: control characters from request data (a %0a in a path) are shown
     * as '?', so a client cannot forge log lines. */
    for (p = msg; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            *p = '?';
        }
    }
    tc_time_format(req != NULL ? req->now : time(NULL), ts, sizeof(ts));
    pthread_mutex_lock(&b->lock);
    /* With --allow-sim every line says so; lines about simulated evidence say SIMULATED. */
    fprintf(f, "%s %s%s%s %d client=%s %s\n", ts, b->cfg.allow_sim ? "[allow-sim] " : "",
            simulated ? "SIMULATED " : "", event, status,
            req != NULL && req->client != NULL ? req->client : "-", msg);
    fflush(f);
    pthread_mutex_unlock(&b->lock);
}

void tc_broker_audit(struct tc_broker *b, const struct tc_audit *a)
{
    if (b->store->ops->audit(b->store, a) != TC_ERR_OK) {
        tc_broker_log(b, NULL, 500, "audit", a->simulated, "audit write failed: %s",
                      tc_err_detail());
    }
}

static void audit_fill(struct tc_audit *a, const struct tc_http_req *req, const char *event,
                       const char *outcome, int status)
{
    memset(a, 0, sizeof(*a));
    a->ts = req->now;
    a->event = event;
    a->outcome = outcome;
    a->status = status;
    a->client = req->client;
    a->session = req->session;
}

/*
 * Make s valid UTF-8 in place: a byte that does not start or continue a well-formed sequence
 * (RFC 3629 section 4: no overlongs, no surrogates, at most U+10FFFF) becomes '?'.  Reasons
 * quote request data (a path with %FF, a name cut by %.32s in the middle of a character), and
 * a JSON string must be UTF-8: jansson refused the whole error body, which became a bare 500.
 */
static void utf8_fix(char *s)
{
    unsigned char *p = (unsigned char *)s;

    while (*p != '\0') {
        size_t n = 0, i;
        uint32_t cp = 0;

        if (p[0] < 0x80) {
            p++;
            continue;
        }
        if (p[0] >= 0xC2 && p[0] <= 0xDF) {
            n = 2, cp = p[0] & 0x1F;
        } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
            n = 3, cp = p[0] & 0x0F;
        } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
            n = 4, cp = p[0] & 0x07;
        }
        for (i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80) {
                break;
            }
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if (n == 0 || i < n || (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
            *p++ = '?';
            continue;
        }
        p += n;
    }
}

/* The refusal, its audit record and its log line; extra audit fields via a. */
static void refuse_a(struct tc_broker *b, const struct tc_http_req *req, const char *event,
                     int status, const char *type, struct tc_http_resp *resp,
                     const struct tc_audit *extra, const char *fmt, va_list ap)
{
    char detail[600], t[160];
    struct tc_audit a;

    vsnprintf(detail, sizeof(detail), fmt, ap);
    utf8_fix(detail);
    if (extra != NULL) {
        a = *extra;
    } else {
        audit_fill(&a, req, event, "rejected", status);
    }
    a.outcome = status >= 500 ? "error" : "rejected";
    a.status = status;
    a.reason = detail;
    tc_broker_audit(b, &a);
    tc_broker_log(b, req, status, event, a.simulated, "session=%s %s",
                  req->session ? req->session : "-", detail);
    snprintf(t, sizeof(t), "%s%s", TC_KBS_ERROR_TYPE_PREFIX, type);
    tc_broker_json(resp, status, json_pack("{s:s,s:s}", "type", t, "detail", detail));
}

void tc_broker_refuse(struct tc_broker *b, const struct tc_http_req *req, const char *event,
                      int status, const char *type, struct tc_http_resp *resp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    refuse_a(b, req, event, status, type, resp, NULL, fmt, ap);
    va_end(ap);
}

static void refuse_ex(struct tc_broker *b, const struct tc_http_req *req, const struct tc_audit *a,
                      int status, const char *type, struct tc_http_resp *resp, const char *fmt, ...)
    TC_PRINTF(7, 8);
static void refuse_ex(struct tc_broker *b, const struct tc_http_req *req, const struct tc_audit *a,
                      int status, const char *type, struct tc_http_resp *resp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    refuse_a(b, req, a->event, status, type, resp, a, fmt, ap);
    va_end(ap);
}

static void set_cookie(struct tc_broker *b, struct tc_http_resp *resp, const char *value,
                       time_t expires)
{
    char date[64];
    struct tm tm;

    gmtime_r(&expires, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    snprintf(resp->set_cookie, sizeof(resp->set_cookie), "%s=%s; Expires=%s; Path=/; HttpOnly",
             TC_KBS_SESSION_COOKIE, value, date);
    (void)b;
}

/* ---- sessions: the stateless challenge ---- */

/*
 * The challenge keeps nothing in the store (an /auth flood costs no memory
 * and no writes).  The kbs-session-id cookie is
 *     base64url(payload) "." base64url(HMAC-SHA256(K, "kbs-session v1" || payload)[0..16])
 *     payload = session id (16 bytes: issue time, 4, then 12 random) || expiry (8, big-endian)
 *               || TEE (8, zero-padded)
 * and the challenge nonce is base64(HMAC-SHA256(K, "kbs-nonce v1" || payload)): 32 bytes
 * no one without K can predict, fresh per session.  K lives in the store, so every
 * restart and replica agrees.  A nonce is consumed by inserting the session row at
 * /attest, whose primary key (the session id) makes it single-use.
 */
#define COOKIE_PAYLOAD 32
#define COOKIE_MAC 16

struct cookie {
    uint8_t payload[COOKIE_PAYLOAD];
    char id[TC_SESSION_ID_LEN + 1];
    char tee[9];
    time_t expires;
};

static tc_err mac(struct tc_broker *b, const char *label, const uint8_t *p, size_t n,
                  uint8_t out[32])
{
    /* A copy of the keyed context made once at start (fetching HMAC per call is slow). */
    EVP_MAC_CTX *c = EVP_MAC_CTX_dup(b->mac_ctx);
    size_t ol = 0;
    int ok;

    ok = c != NULL && EVP_MAC_update(c, (const uint8_t *)label, strlen(label)) == 1 &&
         EVP_MAC_update(c, p, n) == 1 && EVP_MAC_final(c, out, &ol, 32) == 1 && ol == 32;
    EVP_MAC_CTX_free(c);
    return ok ? TC_ERR_OK : tc_fail_ssl(TC_ERR_CRYPTO, "session MAC");
}

static tc_err cookie_nonce(struct tc_broker *b, const struct cookie *c, char **nonce)
{
    uint8_t n[32];
    tc_err e = mac(b, "kbs-nonce v1", c->payload, COOKIE_PAYLOAD, n);

    return e == TC_ERR_OK ? tc_b64_encode(n, sizeof(n), 0, nonce) : e;
}

static tc_err cookie_new(struct tc_broker *b, const char *tee, time_t expires, struct cookie *c,
                         char *value, size_t vlen)
{
    uint8_t m[32];
    char *p64 = NULL, *m64 = NULL;
    int i;
    tc_err e;

    memset(c, 0, sizeof(*c));
    /* Session id: 4 bytes of issue time (big-endian), then 12 random bytes.  Time-ordered ids
     * land at the end of the store's index instead of anywhere in it. */
    for (i = 0; i < 4; i++) {
        c->payload[i] = (uint8_t)((uint64_t)(expires - (time_t)b->cfg.session_ttl) >> (24 - 8 * i));
    }
    if (RAND_bytes(c->payload + 4, 12) != 1) {
        return tc_fail_ssl(TC_ERR_CRYPTO, "random");
    }
    for (i = 0; i < 8; i++) {
        c->payload[16 + i] = (uint8_t)((uint64_t)expires >> (56 - 8 * i));
    }
    memcpy(c->payload + 24, tee, strnlen(tee, 8));
    tc_hex_encode(c->payload, 16, c->id);
    snprintf(c->tee, sizeof(c->tee), "%.8s", tee);
    c->expires = expires;
    if ((e = mac(b, "kbs-session v1", c->payload, COOKIE_PAYLOAD, m)) == TC_ERR_OK &&
        (e = tc_b64_encode(c->payload, COOKIE_PAYLOAD, 1, &p64)) == TC_ERR_OK &&
        (e = tc_b64_encode(m, COOKIE_MAC, 1, &m64)) == TC_ERR_OK) {
        snprintf(value, vlen, "%s.%s", p64, m64);
    }
    free(p64);
    free(m64);
    return e;
}

/* Check a cookie value: MAC, then expiry.  NOT_FOUND (forged/garbled) or EXPIRED. */
static tc_err cookie_open(struct tc_broker *b, const char *value, time_t now, struct cookie *c)
{
    const char *dot = value != NULL ? strchr(value, '.') : NULL;
    uint8_t *p = NULL, *m = NULL, want[32];
    size_t pl = 0, ml = 0;
    uint64_t exp = 0;
    int i, ok;

    memset(c, 0, sizeof(*c));
    if (dot == NULL || strlen(value) > 128 ||
        tc_b64_decode(value, (size_t)(dot - value), COOKIE_PAYLOAD, &p, &pl) != TC_ERR_OK ||
        tc_b64_decode(dot + 1, strlen(dot + 1), COOKIE_MAC, &m, &ml) != TC_ERR_OK ||
        pl != COOKIE_PAYLOAD || ml != COOKIE_MAC) {
        free(p);
        free(m);
        return tc_fail(TC_ERR_NOT_FOUND, "%s is not a session of this broker",
                       TC_KBS_SESSION_COOKIE);
    }
    ok = mac(b, "kbs-session v1", p, pl, want) == TC_ERR_OK &&
         CRYPTO_memcmp(want, m, COOKIE_MAC) == 0;
    memcpy(c->payload, p, COOKIE_PAYLOAD);
    free(p);
    free(m);
    if (!ok) {
        return tc_fail(TC_ERR_NOT_FOUND, "%s is not a session of this broker (bad MAC)",
                       TC_KBS_SESSION_COOKIE);
    }
    for (i = 0; i < 8; i++) {
        exp = (exp << 8) | c->payload[16 + i];
    }
    tc_hex_encode(c->payload, 16, c->id);
    memcpy(c->tee, c->payload + 24, 8);
    c->tee[8] = '\0';
    c->expires = (time_t)exp;
    if (c->expires <= now) {
        return tc_fail(TC_ERR_EXPIRED, "session %s expired", c->id);
    }
    return TC_ERR_OK;
}

/* ---- POST /kbs/v0/auth ---- */

static size_t live_sessions(struct tc_broker *b, time_t now)
{
    size_t n;

    pthread_mutex_lock(&b->lock);
    if (b->count_at != now) {
        size_t c = 0;

        /* Refreshed at most once a second: the cap is a safety limit, not an exact count. */
        if (b->store->ops->session_count(b->store, now, &c) == TC_ERR_OK) {
            b->count = c;
        }
        b->count_at = now;
    }
    n = ++b->count;
    pthread_mutex_unlock(&b->lock);
    return n;
}

static void handle_auth(struct tc_broker *b, const struct tc_http_req *req,
                        struct tc_http_resp *resp)
{
    struct tc_kbs_request rq;
    const struct tc_tee_verifier *tv;
    struct cookie c;
    struct tc_audit a;
    char value[128], *nonce64 = NULL;
    json_t *root = NULL;
    tc_err e;

    if ((e = tc_kbs_parse_request((const char *)req->body, req->body_len, &root, &rq)) !=
        TC_ERR_OK) {
        tc_broker_refuse(b, req, "auth", 401, "AttestationError", resp, "bad Request: %s",
                         tc_err_detail());
        return;
    }
    audit_fill(&a, req, "auth", "rejected", 401);
    a.session = NULL;
    a.tee = rq.tee;
    if (!tc_kbs_version_ok(rq.version)) {
        refuse_ex(b, req, &a, 401, "AttestationError", resp,
                  "KBS Client Protocol Version Mismatch: expect =%s while the request is %.40s",
                  TC_KBS_VERSION, rq.version);
        goto out;
    }
    tv = tc_tee_verifier_find(rq.tee);
    if (tv == NULL) {
        refuse_ex(b, req, &a, 401, "AttestationError", resp,
                  "unknown or unsupported TEE \"%.32s\" (this broker verifies: %s)", rq.tee,
                  tc_tee_verifier_names());
        goto out;
    }
    a.simulated = tv->simulated;
    if (tv->simulated && !b->cfg.allow_sim) {
        refuse_ex(b, req, &a, 401, "AttestationError", resp,
                  "the simulated TEE is refused: the broker was not started with --allow-sim");
        goto out;
    }
    if (cookie_new(b, tv->name, req->now + (time_t)b->cfg.session_ttl, &c, value, sizeof(value)) !=
            TC_ERR_OK ||
        cookie_nonce(b, &c, &nonce64) != TC_ERR_OK) {
        refuse_ex(b, req, &a, 500, "AttestationError", resp, "challenge: %s", tc_err_detail());
        goto out;
    }
    tc_broker_log(b, req, 200, "auth", tv->simulated, "session=%s tee=%s", c.id, tv->name);
    /* Trustee answers extra-params "" (the client then uses SHA-384). */
    tc_broker_json(resp, 200, json_pack("{s:s,s:s}", "nonce", nonce64, "extra-params", ""));
    set_cookie(b, resp, value, c.expires);
out:
    free(nonce64);
    json_decref(root);
}

/* ---- POST /kbs/v0/attest ---- */

/* The current configuration (new references), from the cache or the store. */
static tc_err config_get(struct tc_broker *b, const char *tee, json_t **resource,
                         json_t **appraisal, json_t **refvals)
{
    uint64_t gen = 0;
    tc_err e;

    if ((e = b->store->ops->config_generation(b->store, &gen)) != TC_ERR_OK) {
        return e;
    }
    pthread_mutex_lock(&b->lock);
    if (!b->cache_valid || b->cache_gen != gen) {
        json_t *rp = NULL, *ap = NULL, *obj = json_object();
        size_t i;

        if ((e = b->store->ops->policy_list(b->store, "resource", &rp)) != TC_ERR_OK ||
            (e = b->store->ops->policy_list(b->store, "appraisal", &ap)) != TC_ERR_OK ||
            obj == NULL) {
            json_decref(rp);
            json_decref(ap);
            json_decref(obj);
            pthread_mutex_unlock(&b->lock);
            return e != TC_ERR_OK ? e : tc_fail(TC_ERR_NOMEM, "config");
        }
        for (i = 0; i < json_array_size(ap); i++) {
            json_t *d = json_array_get(ap, i);
            const char *t = json_string_value(json_object_get(d, "tee"));

            if (t != NULL) {
                json_object_set(obj, t, d);
            }
        }
        json_decref(ap);
        json_decref(b->cache_resource);
        json_decref(b->cache_appraisal);
        json_decref(b->cache_refvals);
        b->cache_resource = rp;
        b->cache_appraisal = obj;
        b->cache_refvals = json_object();
        b->cache_gen = gen;
        b->cache_valid = b->cache_refvals != NULL;
    }
    if (resource != NULL) {
        *resource = json_incref(b->cache_resource);
    }
    if (appraisal != NULL) {
        json_t *p = json_object_get(b->cache_appraisal, tee);

        *appraisal = p != NULL ? json_incref(p) : tc_ear_default_policy(tee);
    }
    if (refvals != NULL) {
        json_t *r = json_object_get(b->cache_refvals, tee);

        if (r == NULL && b->store->ops->refvals_get(b->store, tee, &r) == TC_ERR_OK) {
            json_object_set(b->cache_refvals, tee, r); /* keeps a reference; r is ours */
        } else if (r != NULL) {
            json_incref(r);
        }
        *refvals = r != NULL ? r : json_object();
    }
    pthread_mutex_unlock(&b->lock);
    return TC_ERR_OK;
}

static void handle_attest(struct tc_broker *b, const struct tc_http_req *req,
                          struct tc_http_resp *resp)
{
    struct tc_session s;
    struct tc_kbs_attestation att;
    const struct tc_tee_verifier *tv;
    struct tc_evidence_ctx ctx;
    struct tc_evidence_out out;
    struct tc_verdict v;
    struct tc_ear_result res;
    struct tc_ear_token tok;
    struct tc_audit a;
    struct cookie ck;
    uint8_t rd[64], evh[32];
    char evhex[65] = "", summary[600];
    json_t *root = NULL, *policy = NULL, *refvals = NULL, *claims = NULL, *rdj = NULL, *hdr = NULL;
    char *jwt = NULL, *nonce = NULL, *claims_text = NULL;
    tc_err e;

    memset(&s, 0, sizeof(s));
    memset(&out, 0, sizeof(out));
    tc_verdict_init(&v);
    audit_fill(&a, req, "attest", "rejected", 401);
    a.session = NULL;
    if (tc_digest(EVP_sha256(), req->body, req->body_len, evh) == TC_ERR_OK) {
        tc_hex_encode(evh, sizeof(evh), evhex);
        a.evidence = evhex;
    }
    if (req->session == NULL) {
        refuse_ex(b, req, &a, 401, "AttestationError", resp,
                  "cookie %s not found: call /kbs/v0/auth first", TC_KBS_SESSION_COOKIE);
        goto out;
    }
    e = cookie_open(b, req->session, req->now, &ck);
    if (ck.id[0] != '\0') {
        a.session = ck.id;
    }
    if (e != TC_ERR_OK) {
        refuse_ex(b, req, &a, 401, "AttestationError", resp, "%s: call /kbs/v0/auth again",
                  tc_err_detail());
        goto out;
    }
    a.tee = ck.tee;
    tv = tc_tee_verifier_find(ck.tee);
    a.simulated = tv != NULL && tv->simulated;
    if (tv == NULL || (tv->simulated && !b->cfg.allow_sim)) {
        refuse_ex(b, req, &a, 401, "AttestationError", resp, "TEE \"%s\" is not accepted", ck.tee);
        goto out;
    }
    if (cookie_nonce(b, &ck, &nonce) != TC_ERR_OK) {
        refuse_ex(b, req, &a, 500, "AttestationError", resp, "challenge: %s", tc_err_detail());
        goto out;
    }
    if (live_sessions(b, req->now) > b->cfg.max_sessions) {
        refuse_ex(b, req, &a, 503, "SessionLimit", resp,
                  "too many live sessions (cap %zu); retry later", b->cfg.max_sessions);
        goto out;
    }
    snprintf(s.id, sizeof(s.id), "%s", ck.id);
    snprintf(s.tee, sizeof(s.tee), "%s", ck.tee);
    if ((e = tc_kbs_parse_attestation((const char *)req->body, req->body_len, &root, &att)) !=
        TC_ERR_OK) {
        refuse_ex(b, req, &a, 401, "AttestationError", resp, "bad Attestation: %s",
                  tc_err_detail());
        goto out;
    }
    if (strcmp(att.nonce, nonce) != 0) {
        refuse_ex(b, req, &a, 401, "AttestationError", resp,
                  "the nonce in runtime-data differs from this session's challenge (replayed or "
                  "foreign evidence)");
        goto out;
    }
    if ((e = tc_jwk_check_tee_pubkey(att.tee_pubkey, NULL, NULL)) != TC_ERR_OK) {
        refuse_ex(b, req, &a, 401, "AttestationError", resp, "%s", tc_err_detail());
        goto out;
    }
    if ((e = tc_kbs_report_data(att.tee_pubkey, nonce, att.additional, rd, NULL)) != TC_ERR_OK) {
        refuse_ex(b, req, &a, 401, "AttestationError", resp, "runtime data: %s", tc_err_detail());
        goto out;
    }
    memset(&ctx, 0, sizeof(ctx));
    ctx.now = b->cfg.verify_at != 0 ? b->cfg.verify_at : req->now;
    ctx.sim_keys = (const uint8_t(*)[32])b->cfg.sim_keys;
    ctx.n_sim_keys = b->cfg.n_sim_keys;
    ctx.collateral_dir = b->cfg.collateral_dir;
    ctx.offline = b->cfg.offline;
    ctx.snp_cache = b->snp_cache;
    ctx.snp_anchors = b->cfg.snp_anchors;
    ctx.n_snp_anchors = b->cfg.n_snp_anchors;
    ctx.snp_policy = b->cfg.snp_policy;
    ctx.tdx_roots = (const tc_tdx_root_key *)b->cfg.tdx_roots;
    ctx.n_tdx_roots = b->cfg.n_tdx_roots;
    ctx.tdx_policy = b->cfg.tdx_policy;
    if ((e = tv->verify(att.primary, rd, &ctx, &out, &v)) != TC_ERR_OK) {
        const struct tc_check *c = tc_verdict_first_failure(&v);

        if (c != NULL) {
            snprintf(summary, sizeof(summary), "%s: %s", c->name,
                     c->detail != NULL ? c->detail : tc_err_message(c->err));
        } else {
            snprintf(summary, sizeof(summary), "%s", tc_err_detail());
        }
        /* The shape is in the reason (and so in the audit): "snp evidence (coco-json) ...". */
        refuse_ex(b, req, &a, 401, "AttestationError", resp, "%s evidence%s%s%s rejected: %s",
                  s.tee, out.form != NULL ? " (" : "", out.form != NULL ? out.form : "",
                  out.form != NULL ? ")" : "", summary);
        goto out;
    }
    /* Appraisal: reference values and the TEE's appraisal policy -> trust vector. */
    memset(&res, 0, sizeof(res));
    memcpy(res.tv, out.tv, sizeof(res.tv));
    if ((e = config_get(b, s.tee, NULL, &policy, &refvals)) != TC_ERR_OK) {
        refuse_ex(b, req, &a, 500, "AttestationError", resp, "store: %s", tc_err_detail());
        goto out;
    }
    if (policy == NULL ||
        (e = tc_ear_appraise(out.claims, policy, refvals, &res, &v)) != TC_ERR_OK) {
        refuse_ex(b, req, &a, 500, "AttestationError", resp, "appraisal: %s", tc_err_detail());
        goto out;
    }
    json_object_set_new(out.claims, "evidence_sha256", json_string(evhex));
    rdj = json_pack("{s:s,s:O}", "nonce", nonce, "tee-pubkey", att.tee_pubkey);
    memset(&tok, 0, sizeof(tok));
    tok.issuer = b->cfg.issuer;
    tok.build = "trustchain " TC_VERSION;
    tok.developer = "https://github.com/trustchain";
    tok.iat = req->now;
    tok.exp = req->now + (time_t)b->cfg.token_ttl;
    tok.nonce = nonce;
    tok.tee = s.tee;
    tok.claims = out.claims;
    tok.runtime_data = rdj;
    tok.simulated = out.simulated;
    tok.result = &res;
    /* kid names the broker key (GET /kbs/v0/jwks publishes it). */
    hdr = json_pack("{s:s}", "kid", b->kid);
    if (rdj == NULL || hdr == NULL || tc_ear_claims(&tok, &claims) != TC_ERR_OK ||
        (claims_text = json_dumps(claims, JSON_COMPACT)) == NULL ||
        tc_jws_sign_text(b->key, hdr, claims_text, strlen(claims_text), &jwt) != TC_ERR_OK) {
        refuse_ex(b, req, &a, 500, "AttestationError", resp, "token: %s", tc_err_detail());
        goto out;
    }
    a.outcome = "ok";
    a.status = 200;
    a.simulated = out.simulated;
    snprintf(summary, sizeof(summary), "ear.status=%s policy=%s%s%s",
             tc_ear_status_name(res.status), res.policy_id,
             out.form != NULL ? " evidence_form=" : "", out.form != NULL ? out.form : "");
    a.reason = summary;
    s.created = req->now;
    /* The row lives as long as the cookie, whose nonce it consumes (a row purged earlier would
     * let the cookie attest again).  The token's own exp bounds the claims' use: checked at
     * /resource. */
    s.expires = ck.expires;
    s.simulated = out.simulated;
    s.claims = claims_text;
    e = b->store->ops->session_insert(b->store, &s, &a);
    s.claims = NULL;
    if (e != TC_ERR_OK) {
        a.reason = NULL;
        if (e == TC_ERR_MISMATCH) {
            refuse_ex(b, req, &a, 401, "AttestationError", resp,
                      "replay: this session's nonce was already used; call /kbs/v0/auth again");
        } else {
            refuse_ex(b, req, &a, 500, "AttestationError", resp, "session: %s", tc_err_detail());
        }
        goto out;
    }
    tc_broker_log(b, req, 200, "attest", out.simulated, "session=%s tee=%s %s", s.id, s.tee,
                  summary);
    /* {"token": jwt}: a JWT is base64url and dots, nothing to escape. */
    resp->status = 200;
    resp->content_type = "application/json";
    resp->body_len = strlen(jwt) + 12;
    resp->body = malloc(resp->body_len + 1);
    if (resp->body == NULL) {
        resp->status = 500;
        resp->body_len = 0;
    } else {
        snprintf(resp->body, resp->body_len + 1, "{\"token\":\"%s\"}", jwt);
    }
    set_cookie(b, resp, req->session, s.expires);
out:
    free(claims_text);
    free(nonce);
    free(jwt);
    json_decref(hdr);
    json_decref(claims);
    json_decref(rdj);
    json_decref(policy);
    json_decref(refvals);
    json_decref(out.claims);
    json_decref(root);
    tc_verdict_free(&v);
    tc_session_clear(&s);
}

/* ---- GET /kbs/v0/resource/<repo>/<type>/<tag> ---- */

/* Split "a/b/c" into a valid resource path; 0 if it is not one. */
int tc_broker_resource_path(const char *rest, char *path, size_t len);
int tc_broker_resource_path(const char *rest, char *path, size_t len)
{
    const char *p = rest, *slash;
    int seg = 0;

    while (seg < 3) {
        slash = strchr(p, '/');
        if (seg < 2 && slash == NULL) {
            return 0;
        }
        if (seg == 2 && slash != NULL) {
            return 0;
        }
        if (!tc_resource_segment_ok(p, slash != NULL ? (size_t)(slash - p) : strlen(p))) {
            return 0;
        }
        p = slash != NULL ? slash + 1 : p + strlen(p);
        seg++;
    }
    return snprintf(path, len, "%s", rest) < (int)len;
}

static const char *bearer(const char *auth)
{
    if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0) {
        return NULL;
    }
    auth += 7;
    while (*auth == ' ') {
        auth++;
    }
    return *auth != '\0' ? auth : NULL;
}

static void handle_resource_get(struct tc_broker *b, const struct tc_http_req *req,
                                const char *path, struct tc_http_resp *resp)
{
    struct tc_session s;
    struct tc_audit a;
    json_t *claims = NULL, *pk = NULL, *docs = NULL;
    const json_t *pkp;
    const char *tok = bearer(req->authorization), *evh;
    struct cookie ck;
    uint8_t *data = NULL;
    size_t len = 0;
    char *jwe = NULL, why[600];
    int allow = 0;
    tc_err e;

    memset(&s, 0, sizeof(s));
    audit_fill(&a, req, "resource", "rejected", 401);
    a.resource = path;
    a.session = NULL;
    if (req->session != NULL && cookie_open(b, req->session, req->now, &ck) == TC_ERR_OK) {
        a.session = ck.id;
    }
    if (a.session != NULL &&
        b->store->ops->session_get(b->store, ck.id, req->now, &s) == TC_ERR_OK &&
        s.claims != NULL) {
        /* The claims of the token this session was given, from our own store. */
        json_error_t jerr;
        const json_t *exp;

        claims = json_loads(s.claims, 0, &jerr);
        exp = json_object_get(claims, "exp");
        a.tee = s.tee;
        a.simulated = s.simulated;
        /* The session stands for its token, and Trustee checks the session's token (exp
         * included) on every resource request: the session cannot outlive the token. */
        if (!json_is_integer(exp) || json_integer_value(exp) < (json_int_t)req->now) {
            refuse_ex(b, req, &a, 401, "TokenVerifierError", resp,
                      "the attestation token of this session expired at %lld: attest again",
                      (long long)json_integer_value(exp));
            goto out;
        }
        pkp = tc_json_pointer(
            claims, "/submods/cpu0/ear.veraison.annotated-evidence/runtime_data_claims/tee-pubkey");
        pk = pkp != NULL ? json_incref((json_t *)pkp) : NULL;
    } else if (tok != NULL) {
        EVP_PKEY *keys[1] = {b->key};

        a.session = NULL;
        if ((e = tc_jwt_verify(tok, strlen(tok), keys, 1, req->now, 0, 1, &claims)) != TC_ERR_OK) {
            refuse_ex(b, req, &a, 401, "TokenVerifierError", resp, "attestation token rejected: %s",
                      tc_err_detail());
            goto out;
        }
        pkp = tc_json_pointer(
            claims, "/submods/cpu0/ear.veraison.annotated-evidence/runtime_data_claims/tee-pubkey");
        pk = pkp != NULL ? json_incref((json_t *)pkp) : NULL;
        a.simulated = json_is_true(json_object_get(claims, "trustchain.simulated"));
    } else {
        refuse_ex(b, req, &a, 401, "TokenNotFound", resp,
                  req->session != NULL
                      ? "session not found, expired or not attested, and no bearer token"
                      : "no attested session cookie and no Authorization: Bearer token");
        goto out;
    }
    if (claims == NULL || pk == NULL) {
        refuse_ex(b, req, &a, 401, "TokenVerifierError", resp,
                  "the attestation result carries no tee-pubkey");
        goto out;
    }
    /* Sessions and tokens outlive a restart: one from simulated evidence is honoured only while
     * the broker accepts the simulated TEE. */
    if ((a.simulated || json_object_get(claims, "trustchain.simulated") != NULL) &&
        !b->cfg.allow_sim) {
        a.simulated = 1;
        refuse_ex(b, req, &a, 401, "TokenVerifierError", resp,
                  "the attestation result is from the simulated TEE and this broker was not "
                  "started with --allow-sim");
        goto out;
    }
    evh = NULL;
    {
        /* The tee's claims hold evidence_sha256 (set at /attest). */
        const json_t *ae = tc_json_pointer(claims, "/submods/cpu0/ear.veraison.annotated-evidence");
        const char *k;
        json_t *val;

        json_object_foreach((json_t *)ae, k, val)
        {
            if (json_is_object(val) && json_is_string(json_object_get(val, "evidence_sha256"))) {
                evh = json_string_value(json_object_get(val, "evidence_sha256"));
            }
        }
    }
    a.evidence = evh;
    if (config_get(b, NULL, &docs, NULL, NULL) != TC_ERR_OK) {
        refuse_ex(b, req, &a, 500, "PolicyEngine", resp, "store: %s", tc_err_detail());
        goto out;
    }
    if ((e = tc_resource_policy_decide(docs, path, claims, &allow, why, sizeof(why))) !=
        TC_ERR_OK) {
        refuse_ex(b, req, &a, 401, "PolicyEngine", resp, "%s", tc_err_detail());
        goto out;
    }
    if (!allow) {
        refuse_ex(b, req, &a, 401, "PolicyDeny", resp, "Access denied by policy: %s", why);
        goto out;
    }
    e = b->store->ops->resource_get(b->store, path, &data, &len);
    if (e == TC_ERR_NOT_FOUND) {
        refuse_ex(b, req, &a, 404, "ResourceNotFound", resp, "resource %s not found", path);
        goto out;
    }
    if (e != TC_ERR_OK) {
        refuse_ex(b, req, &a, 500, "PluginInternalError", resp, "store: %s", tc_err_detail());
        goto out;
    }
    if ((e = tc_jwe_encrypt(pk, data, len, &jwe)) != TC_ERR_OK) {
        refuse_ex(b, req, &a, 401, "JweError", resp, "JWE failed: %s", tc_err_detail());
        goto out;
    }
    a.outcome = "ok";
    a.status = 200;
    a.reason = why;
    /* Who got which resource is recorded before the secret leaves, or it does not leave. */
    if ((e = b->store->ops->audit(b->store, &a)) != TC_ERR_OK) {
        char detail[300];

        snprintf(detail, sizeof(detail), "%s", tc_err_detail());
        refuse_ex(b, req, &a, 500, "PluginInternalError", resp,
                  "the release could not be recorded in the audit log (%s); not released", detail);
        goto out;
    }
    tc_broker_log(b, req, 200, "resource", a.simulated, "resource=%s %s", path, why);
    resp->status = 200;
    resp->content_type = "application/json";
    resp->body = jwe;
    resp->body_len = strlen(jwe);
    jwe = NULL;
out:
    tc_free_secret(data, len);
    free(jwe);
    json_decref(docs);
    json_decref(claims);
    json_decref(pk);
    tc_session_clear(&s);
}

/* ---- routing ---- */

void tc_broker_handle(struct tc_broker *b, const struct tc_http_req *req, struct tc_http_resp *resp)
{
    static const char prefix[] = "/kbs/v0/";
    const char *rest;
    char path[400];

    memset(resp, 0, sizeof(*resp));
    if (strncmp(req->path, prefix, sizeof(prefix) - 1) != 0) {
        tc_broker_refuse(b, req, "http", 404, "InvalidRequestPath", resp,
                         "Request path %.200s is invalid", req->path);
        return;
    }
    rest = req->path + sizeof(prefix) - 1;
    if (strcmp(rest, "auth") == 0) {
        if (strcmp(req->method, "POST") != 0) {
            tc_broker_refuse(b, req, "auth", 405, "MethodNotAllowed", resp, "use POST");
            return;
        }
        handle_auth(b, req, resp);
        return;
    }
    if (strcmp(rest, "attest") == 0) {
        if (strcmp(req->method, "POST") != 0) {
            tc_broker_refuse(b, req, "attest", 405, "MethodNotAllowed", resp, "use POST");
            return;
        }
        handle_attest(b, req, resp);
        return;
    }
    if (strcmp(rest, "jwks") == 0 && strcmp(req->method, "GET") == 0) {
        tc_broker_json(resp, 200, json_pack("{s:[O]}", "keys", b->jwk));
        return;
    }
    if (strncmp(rest, "resource/", 9) == 0 && strcmp(req->method, "GET") == 0) {
        if (!tc_broker_resource_path(rest + 9, path, sizeof(path))) {
            tc_broker_refuse(b, req, "resource", 404, "InvalidRequestPath", resp,
                             "Request path %.200s is invalid (resource/<repo>/<type>/<tag>, "
                             "segments of [A-Za-z0-9._-])",
                             req->path);
            return;
        }
        handle_resource_get(b, req, path, resp);
        return;
    }
    if (tc_broker_admin(b, req, rest, resp)) {
        return;
    }
    tc_broker_refuse(b, req, "http", 404, "InvalidRequestPath", resp,
                     "Request path %.200s is invalid", req->path);
}

/* ---- lifecycle ---- */

static tc_err load_or_create_key(struct tc_broker *b)
{
    uint8_t *pem = NULL;
    size_t n = 0;
    BIO *bio = NULL;
    EVP_PKEY *k = NULL;
    tc_err e;

    if (b->cfg.broker_key != NULL) {
        if ((e = tc_file_read(b->cfg.broker_key, 64 * 1024, &pem, &n)) != TC_ERR_OK) {
            return e;
        }
    } else {
        e = b->store->ops->kv_get(b->store, KEY_NAME, &pem, &n);
        if (e == TC_ERR_NOT_FOUND) {
            /* First start: make the key and keep it in the store, so every restart (and every
             * replica on a shared store) signs with it and tokens stay verifiable. */
            char *p = NULL;
            long len;

            k = EVP_EC_gen("P-256");
            bio = BIO_new(BIO_s_mem());
            if (k == NULL || bio == NULL ||
                PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL) != 1) {
                e = tc_fail_ssl(TC_ERR_CRYPTO, "broker key generation");
                goto out;
            }
            len = BIO_get_mem_data(bio, &p);
            e = b->store->ops->kv_put_new(b->store, KEY_NAME, (const uint8_t *)p, (size_t)len);
            BIO_free(bio);
            bio = NULL;
            EVP_PKEY_free(k);
            k = NULL;
            if (e != TC_ERR_OK && e != TC_ERR_MISMATCH) {
                goto out;
            }
            /* Read back: another replica may have won the race. */
            e = b->store->ops->kv_get(b->store, KEY_NAME, &pem, &n);
        }
        if (e != TC_ERR_OK) {
            goto out;
        }
    }
    bio = BIO_new_mem_buf(pem, (int)n);
    k = bio != NULL ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    if (k == NULL || tc_jws_alg(k) == NULL || strcmp(tc_jws_alg(k), "ES256") != 0) {
        ERR_clear_error();
        e = tc_fail(TC_ERR_MALFORMED, "broker key: not a P-256 private key (PEM)");
        goto out;
    }
    b->key = k;
    k = NULL;
    e = TC_ERR_OK;
out:
    BIO_free(bio);
    EVP_PKEY_free(k);
    tc_free_secret(pem, n);
    return e;
}

/* The session MAC key: made once, kept in the store (shared by restarts and replicas). */
static tc_err load_or_create_mac_key(struct tc_broker *b)
{
    uint8_t *k = NULL, fresh[32];
    size_t n = 0;
    tc_err e = b->store->ops->kv_get(b->store, "session-mac-key", &k, &n);

    if (e == TC_ERR_NOT_FOUND) {
        if (RAND_priv_bytes(fresh, sizeof(fresh)) != 1) {
            return tc_fail_ssl(TC_ERR_CRYPTO, "random");
        }
        e = b->store->ops->kv_put_new(b->store, "session-mac-key", fresh, sizeof(fresh));
        tc_wipe(fresh, sizeof(fresh));
        if (e != TC_ERR_OK && e != TC_ERR_MISMATCH) {
            return e;
        }
        e = b->store->ops->kv_get(b->store, "session-mac-key", &k, &n);
    }
    if (e != TC_ERR_OK) {
        return e;
    }
    if (n != sizeof(b->mac_key)) {
        tc_free_secret(k, n);
        return tc_fail(TC_ERR_STORE, "session-mac-key: %zu bytes, 32 expected", n);
    }
    memcpy(b->mac_key, k, n);
    tc_free_secret(k, n);
    {
        EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
        OSSL_PARAM params[2] = {OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
                                OSSL_PARAM_construct_end()};

        b->mac_ctx = m != NULL ? EVP_MAC_CTX_new(m) : NULL;
        EVP_MAC_free(m);
        if (b->mac_ctx == NULL ||
            EVP_MAC_init(b->mac_ctx, b->mac_key, sizeof(b->mac_key), params) != 1) {
            return tc_fail_ssl(TC_ERR_CRYPTO, "session MAC");
        }
    }
    return TC_ERR_OK;
}

tc_err tc_broker_new(const struct tc_broker_config *c, struct tc_broker **out)
{
    struct tc_broker *b = calloc(1, sizeof(*b));
    struct tc_store_opts so;
    char *thumb_in = NULL;
    uint8_t thumb[32];
    tc_err e;

    if (b == NULL) {
        return tc_fail(TC_ERR_NOMEM, "broker");
    }
    b->cfg = *c;
    pthread_mutex_init(&b->lock, NULL);
    if (c->db_path == NULL) {
        e = tc_fail(TC_ERR_USAGE, "broker: no store (--db)");
        goto fail;
    }
    memset(&so, 0, sizeof(so));
    so.sync_full = c->sync_full;
    if ((e = tc_store_open_sqlite(c->db_path, &so, &b->store)) != TC_ERR_OK) {
        goto fail;
    }
    if ((e = tc_snp_cache_new(&b->snp_cache)) != TC_ERR_OK) {
        goto fail;
    }
    if ((e = load_or_create_key(b)) != TC_ERR_OK || (e = load_or_create_mac_key(b)) != TC_ERR_OK ||
        (e = tc_jwk_from_pkey(b->key, "ES256", &b->jwk)) != TC_ERR_OK) {
        goto fail;
    }
    /* kid: the RFC 7638 thumbprint (SHA-256 of the canonical required members). */
    thumb_in = NULL;
    {
        json_t *req_members =
            json_pack("{s:O,s:O,s:O,s:O}", "crv", json_object_get(b->jwk, "crv"), "kty",
                      json_object_get(b->jwk, "kty"), "x", json_object_get(b->jwk, "x"), "y",
                      json_object_get(b->jwk, "y"));
        size_t tl = 0;
        char *kid = NULL;

        e = req_members != NULL ? tc_jcs_dump(req_members, &thumb_in, &tl) : TC_ERR_NOMEM;
        json_decref(req_members);
        if (e == TC_ERR_OK) {
            e = tc_digest(EVP_sha256(), thumb_in, tl, thumb);
        }
        if (e == TC_ERR_OK) {
            e = tc_b64_encode(thumb, sizeof(thumb), 1, &kid);
        }
        if (e != TC_ERR_OK) {
            free(thumb_in);
            goto fail;
        }
        snprintf(b->kid, sizeof(b->kid), "%s", kid);
        free(kid);
        free(thumb_in);
    }
    json_object_set_new(b->jwk, "kid", json_string(b->kid));
    json_object_set_new(b->jwk, "use", json_string("sig"));
    *out = b;
    return TC_ERR_OK;
fail:
    tc_broker_free(b);
    return e;
}

void tc_broker_tick(struct tc_broker *b, time_t now)
{
    size_t n = 0;

    if (b->store->ops->checkpoint != NULL && now != b->checkpointed_at) {
        b->checkpointed_at = now;
        if (b->store->ops->checkpoint(b->store) != TC_ERR_OK) {
            tc_broker_log(b, NULL, 500, "checkpoint", 0, "store checkpoint failed: %s",
                          tc_err_detail());
        }
    }
    if (now - b->purged_at < 10) {
        return;
    }
    b->purged_at = now;
    if (b->store->ops->session_purge(b->store, now, &n) != TC_ERR_OK) {
        tc_broker_log(b, NULL, 500, "purge", 0, "session purge failed: %s", tc_err_detail());
    }
}
