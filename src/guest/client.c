/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The KBS client (what guest-components' kbs_protocol rcar_client.rs does):
 * POST /auth, build the runtime data and evidence, POST /attest, GET the
 * resource and open its JWE with the TEE key.  libcurl keeps the
 * kbs-session-id cookie between the calls.
 */
#include <string.h>

#include <curl/curl.h>

#include "trustchain/guest.h"
#include "trustchain/util.h"

#define RESP_MAX ((size_t)4 << 20)

struct http {
    CURL *curl;
    struct curl_slist *hdrs;
    struct tc_buf body;
    long status;
};

static size_t on_data(char *p, size_t size, size_t n, void *cls)
{
    struct http *h = cls;

    if (tc_buf_append(&h->body, p, size * n) != TC_ERR_OK) {
        return 0; /* over the cap: abort the transfer */
    }
    return size * n;
}

static tc_err http_do(struct http *h, const char *url, const char *post, size_t postlen)
{
    CURLcode rc;

    tc_buf_free(&h->body);
    tc_buf_init(&h->body, RESP_MAX);
    curl_easy_setopt(h->curl, CURLOPT_URL, url);
    if (post != NULL) {
        curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, post);
        curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE, (long)postlen);
        curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->hdrs);
    } else {
        curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
    }
    rc = curl_easy_perform(h->curl);
    if (rc != CURLE_OK) {
        return tc_fail(TC_ERR_NETWORK, "%s: %s", url, curl_easy_strerror(rc));
    }
    curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &h->status);
    return TC_ERR_OK;
}

/* Map a refusal to an error with the broker's detail (ErrorInformation). */
static tc_err refusal(struct http *h, const char *step, struct tc_kbs_client_result *r)
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

tc_err tc_kbs_client_run(const struct tc_kbs_client_opts *o, const char *path,
                         struct tc_kbs_client_result *r)
{
    struct http h;
    char url[2048];
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
    h.curl = curl_easy_init();
    if (h.curl == NULL) {
        return tc_fail(TC_ERR_INTERNAL, "libcurl init");
    }
    h.hdrs = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(h.curl, CURLOPT_COOKIEFILE, ""); /* enable the cookie engine */
    curl_easy_setopt(h.curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h.curl, CURLOPT_WRITEDATA, &h);
    curl_easy_setopt(h.curl, CURLOPT_TIMEOUT, o->timeout > 0 ? o->timeout : 30L);
    curl_easy_setopt(h.curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h.curl, CURLOPT_PROTOCOLS_STR, "http,https");
    if (o->cacert != NULL) {
        curl_easy_setopt(h.curl, CURLOPT_CAINFO, o->cacert);
    }

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
    if ((e = http_do(&h, url, text, strlen(text))) != TC_ERR_OK) {
        goto out;
    }
    if (h.status != 200) {
        e = refusal(&h, "auth", r);
        goto out;
    }
    ch = json_loadb((const char *)h.body.data, h.body.len, 0, &jerr);
    nonce = json_string_value(json_object_get(ch, "nonce"));
    if (nonce == NULL) {
        e = tc_fail(TC_ERR_MALFORMED, "auth: the Challenge has no nonce");
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
    if ((e = http_do(&h, url, text, strlen(text))) != TC_ERR_OK) {
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
        if ((e = http_do(&h, url, NULL, 0)) != TC_ERR_OK) {
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
    json_decref(req);
    json_decref(ch);
    json_decref(pub);
    json_decref(ev);
    json_decref(att);
    json_decref(tok);
    EVP_PKEY_free(key);
    tc_buf_free(&h.body);
    curl_slist_free_all(h.hdrs);
    curl_easy_cleanup(h.curl);
    return e;
}

tc_err tc_kbs_http(const char *url, const char *bearer, const char *method, const void *body,
                   size_t len, long timeout, long *status, char **resp, size_t *resp_len)
{
    struct http h;
    struct curl_slist *hdrs = NULL;
    char *auth = NULL;
    CURLcode rc;
    tc_err e = TC_ERR_OK;

    memset(&h, 0, sizeof(h));
    tc_buf_init(&h.body, RESP_MAX);
    h.curl = curl_easy_init();
    if (h.curl == NULL) {
        return tc_fail(TC_ERR_INTERNAL, "libcurl init");
    }
    if (bearer != NULL) {
        size_t n = strlen(bearer) + 32;

        auth = malloc(n);
        if (auth == NULL) {
            curl_easy_cleanup(h.curl);
            return tc_fail(TC_ERR_NOMEM, "http");
        }
        snprintf(auth, n, "Authorization: Bearer %s", bearer);
        hdrs = curl_slist_append(hdrs, auth);
    }
    hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    curl_easy_setopt(h.curl, CURLOPT_URL, url);
    curl_easy_setopt(h.curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h.curl, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h.curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h.curl, CURLOPT_WRITEDATA, &h);
    curl_easy_setopt(h.curl, CURLOPT_TIMEOUT, timeout > 0 ? timeout : 30L);
    curl_easy_setopt(h.curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h.curl, CURLOPT_PROTOCOLS_STR, "http,https");
    if (body != NULL) {
        curl_easy_setopt(h.curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h.curl, CURLOPT_POSTFIELDSIZE, (long)len);
    }
    rc = curl_easy_perform(h.curl);
    if (rc != CURLE_OK) {
        e = tc_fail(TC_ERR_NETWORK, "%s: %s", url, curl_easy_strerror(rc));
    } else if ((e = tc_buf_append(&h.body, "", 1)) == TC_ERR_OK) {
        curl_easy_getinfo(h.curl, CURLINFO_RESPONSE_CODE, status);
        *resp = (char *)h.body.data;
        if (resp_len != NULL) {
            *resp_len = h.body.len - 1;
        }
        h.body.data = NULL;
    }
    if (auth != NULL) {
        tc_free_secret(auth, strlen(auth));
    }
    tc_buf_free(&h.body);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h.curl);
    return e;
}
