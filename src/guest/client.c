/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The KBS client (what guest-components' kbs_protocol rcar_client.rs does):
 * POST /auth, build the runtime data and evidence, POST /attest, GET the
 * resource and open its JWE with the TEE key.  HTTP through the one client
 * (src/core/http.c); the kbs-session-id cookie from /auth's Set-Cookie is
 * sent back by hand on the next calls.
 */
#include <stdio.h>
#include <string.h>

#include "core/http.h"
#include "trustchain/guest.h"
#include "trustchain/util.h"

#define RESP_MAX ((size_t)4 << 20)

/* One call; resp must be freed by the caller.  cookie/bearer may be NULL. */
static tc_err call(const char *method, const char *url, const char *cookie, const char *bearer,
                   const void *body, size_t len, long timeout, const char *capture,
                   struct tc_http_resp *resp)
{
    struct tc_http_req req;
    const char *hdrs[4];
    char *ck = NULL, *auth = NULL;
    size_t n = 0;
    tc_err e;

    hdrs[n++] = "Content-Type: application/json";
    if (cookie != NULL) {
        size_t l = strlen(cookie) + 40;

        ck = malloc(l);
        if (ck == NULL) {
            return tc_fail(TC_ERR_NOMEM, "http");
        }
        snprintf(ck, l, "Cookie: %s=%s", TC_KBS_SESSION_COOKIE, cookie);
        hdrs[n++] = ck;
    }
    if (bearer != NULL) {
        size_t l = strlen(bearer) + 32;

        auth = malloc(l);
        if (auth == NULL) {
            free(ck);
            return tc_fail(TC_ERR_NOMEM, "http");
        }
        snprintf(auth, l, "Authorization: Bearer %s", bearer);
        hdrs[n++] = auth;
    }
    hdrs[n] = NULL;
    memset(&req, 0, sizeof(req));
    req.method = method;
    req.url = url;
    req.headers = hdrs;
    req.body = body;
    req.body_len = len;
    req.protocols = "http,https";
    req.timeout_s = timeout > 0 ? timeout : 30;
    req.max_body = RESP_MAX;
    req.capture = capture;
    e = tc_http_do(&req, resp);
    free(ck);
    if (auth != NULL) {
        tc_free_secret(auth, strlen(auth));
    }
    return e;
}

/* Map a refusal to an error with the broker's detail (ErrorInformation). */
static tc_err refusal(const struct tc_http_resp *h, const char *step,
                      struct tc_kbs_client_result *r)
{
    json_error_t jerr;
    json_t *j = json_loadb((const char *)h->body.data, h->body.len, 0, &jerr);
    const char *type = json_string_value(json_object_get(j, "type"));
    const char *detail = json_string_value(json_object_get(j, "detail"));
    tc_err e;

    r->http_status = (int)h->status;
    snprintf(r->detail, sizeof(r->detail), "%s", detail != NULL ? detail : "(no detail)");
    if (h->status == 401 && type != NULL && strstr(type, "/PolicyDeny") != NULL) {
        e = TC_ERR_POLICY;
    } else if (h->status == 401 || h->status == 403) {
        e = TC_ERR_AUTH;
    } else if (h->status == 404) {
        e = TC_ERR_NOT_FOUND;
    } else if (h->status >= 400 && h->status < 500) {
        e = TC_ERR_MALFORMED;
    } else {
        e = TC_ERR_NETWORK;
    }
    tc_fail(e, "%s: HTTP %ld: %s", step, h->status, r->detail);
    json_decref(j);
    return e;
}

void tc_kbs_client_result_free(struct tc_kbs_client_result *r)
{
    free(r->token);
    tc_free_secret(r->secret, r->secret_len);
    memset(r, 0, sizeof(*r));
}

/* The kbs-session-id value of a Set-Cookie header ("kbs-session-id=V; Expires=..."). */
static char *session_cookie(const char *set_cookie)
{
    static const char name[] = TC_KBS_SESSION_COOKIE "=";
    const char *p = set_cookie != NULL ? strstr(set_cookie, name) : NULL;

    if (p == NULL) {
        return NULL;
    }
    p += sizeof(name) - 1;
    return strndup(p, strcspn(p, "; \t"));
}

tc_err tc_kbs_client_run(const struct tc_kbs_client_opts *o, const char *path,
                         struct tc_kbs_client_result *r)
{
    struct tc_http_resp h;
    char url[2048], *cookie = NULL;
    json_t *req = NULL, *ch = NULL, *pub = NULL, *ev = NULL, *att = NULL, *tok = NULL;
    EVP_PKEY *key = NULL;
    char *text = NULL;
    const char *nonce;
    uint8_t rd[64];
    json_error_t jerr;
    tc_err e;

    memset(r, 0, sizeof(*r));
    memset(&h, 0, sizeof(h));
    tc_buf_init(&h.body, RESP_MAX);

    /* 1. Request -> Challenge.  extra-params as the Rust client sends them. */
    req = json_pack("{s:s,s:s,s:{s:[s]}}", "version", TC_KBS_VERSION, "tee",
                    tc_tee_kind_name(o->guest.tee), "extra-params", "supported-hash-algorithms",
                    "sha384");
    text = req != NULL ? json_dumps(req, JSON_COMPACT) : NULL;
    snprintf(url, sizeof(url), "%s/kbs/v0/auth", o->url);
    if (text == NULL) {
        e = tc_fail(TC_ERR_NOMEM, "request");
        goto out;
    }
    if ((e = call("POST", url, NULL, NULL, text, strlen(text), o->timeout, "Set-Cookie", &h)) !=
        TC_ERR_OK) {
        goto out;
    }
    if (h.status != 200) {
        e = refusal(&h, "auth", r);
        goto out;
    }
    cookie = session_cookie(h.captured);
    ch = json_loadb((const char *)h.body.data, h.body.len, 0, &jerr);
    nonce = json_string_value(json_object_get(ch, "nonce"));
    if (nonce == NULL || cookie == NULL) {
        e = tc_fail(TC_ERR_MALFORMED, "auth: the Challenge has no %s",
                    nonce == NULL ? "nonce" : "kbs-session-id cookie");
        goto out;
    }
    /* 2. TEE key, runtime data, evidence bound to both. */
    if ((e = tc_jwk_generate(o->key_kind, &key, &pub)) != TC_ERR_OK ||
        (e = tc_kbs_report_data(pub, nonce, "", rd, NULL)) != TC_ERR_OK ||
        (e = tc_guest_evidence(&o->guest, rd, &ev)) != TC_ERR_OK) {
        goto out;
    }
    att = json_pack("{s:n,s:{s:s,s:O},s:{s:O,s:s}}", "init-data", "runtime-data", "nonce", nonce,
                    "tee-pubkey", pub, "tee-evidence", "primary_evidence", ev,
                    "additional_evidence", "");
    free(text);
    text = att != NULL ? json_dumps(att, JSON_COMPACT) : NULL;
    if (text == NULL) {
        e = tc_fail(TC_ERR_NOMEM, "attestation");
        goto out;
    }
    snprintf(url, sizeof(url), "%s/kbs/v0/attest", o->url);
    tc_http_resp_free(&h);
    if ((e = call("POST", url, cookie, NULL, text, strlen(text), o->timeout, NULL, &h)) !=
        TC_ERR_OK) {
        goto out;
    }
    if (h.status != 200) {
        e = refusal(&h, "attest", r);
        goto out;
    }
    tok = json_loadb((const char *)h.body.data, h.body.len, 0, &jerr);
    if (!json_is_string(json_object_get(tok, "token"))) {
        e = tc_fail(TC_ERR_MALFORMED, "attest: no token in the response");
        goto out;
    }
    r->token = strdup(json_string_value(json_object_get(tok, "token")));
    /* 3. The resource, as a JWE to our key. */
    if (path != NULL) {
        snprintf(url, sizeof(url), "%s/kbs/v0/resource/%s", o->url, path);
        tc_http_resp_free(&h);
        if ((e = call(NULL, url, cookie, NULL, NULL, 0, o->timeout, NULL, &h)) != TC_ERR_OK) {
            goto out;
        }
        if (h.status != 200) {
            e = refusal(&h, "resource", r);
            goto out;
        }
        if ((e = tc_jwe_decrypt((const char *)h.body.data, h.body.len, key, &r->secret,
                                &r->secret_len)) != TC_ERR_OK) {
            goto out;
        }
    }
    r->http_status = (int)h.status;
    e = TC_ERR_OK;
out:
    free(text);
    free(cookie);
    json_decref(req);
    json_decref(ch);
    json_decref(pub);
    json_decref(ev);
    json_decref(att);
    json_decref(tok);
    EVP_PKEY_free(key);
    tc_http_resp_free(&h);
    return e;
}

tc_err tc_kbs_http(const char *url, const char *bearer, const char *method, const void *body,
                   size_t len, long timeout, long *status, char **resp, size_t *resp_len)
{
    struct tc_http_resp h;
    tc_err e;

    e = call(strcmp(method, "GET") == 0 ? NULL : method, url, NULL, bearer,
             body != NULL ? body : "", body != NULL ? len : 0, timeout, NULL, &h);
    if (e == TC_ERR_OK && (e = tc_buf_append(&h.body, "", 1)) == TC_ERR_OK) {
        *status = h.status;
        *resp = (char *)h.body.data;
        if (resp_len != NULL) {
            *resp_len = h.body.len - 1;
        }
        h.body.data = NULL;
        h.body.len = h.body.cap = 0;
    }
    tc_http_resp_free(&h);
    return e;
}
