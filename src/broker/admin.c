/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The admin API: resources, resource policies, appraisal policies,
 * reference values and the audit log.  Every call needs
 * "Authorization: Bearer <JWT>" signed (EdDSA or ES256) by one of the admin
 * public keys in the configuration, with an "exp" in the future and the
 * audience TC_BROKER_ADMIN_AUDIENCE (Trustee's admin tokens are JWTs checked
 * the same way, its audience check being optional).  Paths follow Trustee where it has one
 * (POST resource/..., resource-policy, attestation-policy, reference-value).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker/broker_int.h"
#include "broker/policy.h"
#include "trustchain/kbs.h"
#include "trustchain/util.h"

int tc_broker_resource_path(const char *rest, char *path, size_t len);

static const char *bearer_of(const char *auth)
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

/* RFC 7519 4.1.3: "aud" is a string or an array of strings; one must be ours. */
static int audience_ok(const json_t *aud)
{
    size_t i;

    if (json_is_string(aud)) {
        return strcmp(json_string_value(aud), TC_BROKER_ADMIN_AUDIENCE) == 0;
    }
    for (i = 0; i < json_array_size(aud); i++) {
        const char *s = json_string_value(json_array_get(aud, i));

        if (s != NULL && strcmp(s, TC_BROKER_ADMIN_AUDIENCE) == 0) {
            return 1;
        }
    }
    return 0;
}

/* 1 if the request carries a valid admin token; otherwise refuses (401) and returns 0. */
static int admin_ok(struct tc_broker *b, const struct tc_http_req *req, const char *event,
                    struct tc_http_resp *resp)
{
    const char *tok = bearer_of(req->authorization);
    json_t *claims = NULL;

    if (b->cfg.n_admin_keys == 0) {
        tc_broker_refuse(b, req, event, 401, "AdminAuth", resp,
                         "admin API disabled: no admin public key is configured");
        return 0;
    }
    if (tok == NULL) {
        tc_broker_refuse(b, req, event, 401, "AdminAuth", resp,
                         "admin access needs Authorization: Bearer <admin token>");
        return 0;
    }
    if (tc_jwt_verify(tok, strlen(tok), b->cfg.admin_keys, b->cfg.n_admin_keys, req->now, 0, 1,
                      &claims) != TC_ERR_OK) {
        tc_broker_refuse(b, req, event, 401, "AdminAuth", resp, "admin token rejected: %s",
                         tc_err_detail());
        return 0;
    }
    /* The audience (RFC 7519 4.1.3) says the token was minted for this API: a JWT the same
     * key signed for another service, or without an audience, is not an admin token here. */
    if (!audience_ok(json_object_get(claims, "aud"))) {
        json_decref(claims);
        tc_broker_refuse(b, req, event, 401, "AdminAuth", resp,
                         "admin token rejected: its \"aud\" does not name %s",
                         TC_BROKER_ADMIN_AUDIENCE);
        return 0;
    }
    json_decref(claims);
    return 1;
}

static void ok(struct tc_broker *b, const struct tc_http_req *req, const char *event,
               const char *what, struct tc_http_resp *resp, json_t *body)
{
    tc_broker_log(b, req, 200, event, 0, "%s", what != NULL ? what : "");
    tc_broker_json(resp, 200, body != NULL ? body : json_object());
}

static struct tc_audit audit_of(const struct tc_http_req *req, const char *event, const char *what)
{
    struct tc_audit a;

    memset(&a, 0, sizeof(a));
    a.ts = req->now;
    a.event = event;
    a.outcome = "ok";
    a.status = 200;
    a.client = req->client;
    a.resource = what;
    return a;
}

static json_t *body_json(struct tc_broker *b, const struct tc_http_req *req, const char *event,
                         struct tc_http_resp *resp)
{
    json_error_t jerr;
    json_t *j = json_loadb((const char *)req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);

    if (!json_is_object(j)) {
        json_decref(j);
        tc_broker_refuse(b, req, event, 400, "SerdeError", resp, "body: %s",
                         j == NULL ? jerr.text : "not a JSON object");
        return NULL;
    }
    return j;
}

/*
 * A policy document from a body that is either the document itself or
 * Trustee's envelope {"policy": base64url(document), ...}.
 */
static json_t *policy_doc(struct tc_broker *b, const struct tc_http_req *req, const char *event,
                          struct tc_http_resp *resp)
{
    json_t *j = body_json(b, req, event, resp), *doc;
    const json_t *p;
    uint8_t *raw = NULL;
    size_t n = 0;
    json_error_t jerr;

    if (j == NULL) {
        return NULL;
    }
    p = json_object_get(j, "policy");
    if (!json_is_string(p)) {
        return j;
    }
    if (tc_b64_decode(json_string_value(p), json_string_length(p), 1 << 20, &raw, &n) !=
        TC_ERR_OK) {
        tc_broker_refuse(b, req, event, 400, "SerdeError", resp, "policy: %s", tc_err_detail());
        json_decref(j);
        return NULL;
    }
    doc = json_loadb((const char *)raw, n, JSON_REJECT_DUPLICATES, &jerr);
    free(raw);
    if (!json_is_object(doc)) {
        tc_broker_refuse(b, req, event, 400, "SerdeError", resp,
                         "policy: not a JSON policy document (%s)",
                         doc == NULL ? jerr.text : "not an object");
        json_decref(doc);
        json_decref(j);
        return NULL;
    }
    /* Trustee's attestation-policy envelope names the policy (here: the TEE). */
    if (json_is_string(json_object_get(j, "policy_id")) && json_object_get(doc, "tee") == NULL) {
        json_object_set(doc, "tee", json_object_get(j, "policy_id"));
    }
    json_decref(j);
    return doc;
}

static void store_failed(struct tc_broker *b, const struct tc_http_req *req, const char *event,
                         tc_err e, struct tc_http_resp *resp)
{
    if (e == TC_ERR_NOT_FOUND) {
        tc_broker_refuse(b, req, event, 404, "NotFound", resp, "%s", tc_err_detail());
    } else {
        tc_broker_refuse(b, req, event, 500, "StorageError", resp, "store: %s", tc_err_detail());
    }
}

static void resource_put(struct tc_broker *b, const struct tc_http_req *req, const char *path,
                         struct tc_http_resp *resp)
{
    struct tc_audit a = audit_of(req, "admin.resource.set", path);
    char note[64];
    tc_err e;

    snprintf(note, sizeof(note), "%zu bytes", req->body_len);
    a.reason = note; /* the size, never the content */
    if ((e = b->store->ops->resource_put(b->store, path, req->body, req->body_len, req->now, &a)) !=
        TC_ERR_OK) {
        store_failed(b, req, "admin.resource.set", e, resp);
        return;
    }
    ok(b, req, "admin.resource.set", path, resp,
       json_pack("{s:s,s:I}", "resource", path, "bytes", (json_int_t)req->body_len));
}

static void resource_policy_put(struct tc_broker *b, const struct tc_http_req *req,
                                struct tc_http_resp *resp)
{
    json_t *doc = policy_doc(b, req, "admin.resource-policy.set", resp);
    const char *id;
    char *text = NULL;
    struct tc_audit a;
    tc_err e;

    if (doc == NULL) {
        return;
    }
    if (tc_resource_policy_check(doc) != TC_ERR_OK) {
        tc_broker_refuse(b, req, "admin.resource-policy.set", 400, "ParsePolicyError", resp, "%s",
                         tc_err_detail());
        goto out;
    }
    id = json_string_value(json_object_get(doc, "id"));
    text = json_dumps(doc, JSON_COMPACT);
    a = audit_of(req, "admin.resource-policy.set", id);
    if (text == NULL || (e = b->store->ops->policy_put(b->store, "resource", id, text, req->now,
                                                       &a)) != TC_ERR_OK) {
        store_failed(b, req, "admin.resource-policy.set", text == NULL ? TC_ERR_NOMEM : e, resp);
        goto out;
    }
    ok(b, req, "admin.resource-policy.set", id, resp, json_pack("{s:s}", "id", id));
out:
    free(text);
    json_decref(doc);
}

static void appraisal_policy_put(struct tc_broker *b, const struct tc_http_req *req,
                                 struct tc_http_resp *resp)
{
    json_t *doc = policy_doc(b, req, "admin.attestation-policy.set", resp);
    const char *tee;
    char *text = NULL;
    struct tc_audit a;
    tc_err e;

    if (doc == NULL) {
        return;
    }
    tee = json_string_value(json_object_get(doc, "tee"));
    if (tee == NULL || tc_tee_verifier_find(tee) == NULL) {
        tc_broker_refuse(b, req, "admin.attestation-policy.set", 400, "ParsePolicyError", resp,
                         "attestation policy: \"tee\" must name a TEE this broker verifies (%s)",
                         tc_tee_verifier_names());
        goto out;
    }
    if (tc_ear_policy_check(doc) != TC_ERR_OK) {
        tc_broker_refuse(b, req, "admin.attestation-policy.set", 400, "ParsePolicyError", resp,
                         "%s", tc_err_detail());
        goto out;
    }
    text = json_dumps(doc, JSON_COMPACT);
    a = audit_of(req, "admin.attestation-policy.set", tee);
    if (text == NULL || (e = b->store->ops->policy_put(b->store, "appraisal", tee, text, req->now,
                                                       &a)) != TC_ERR_OK) {
        store_failed(b, req, "admin.attestation-policy.set", text == NULL ? TC_ERR_NOMEM : e, resp);
        goto out;
    }
    ok(b, req, "admin.attestation-policy.set", tee, resp,
       json_pack("{s:s,s:O}", "tee", tee, "id", json_object_get(doc, "id")));
out:
    free(text);
    json_decref(doc);
}

static void refval_put(struct tc_broker *b, const struct tc_http_req *req,
                       struct tc_http_resp *resp)
{
    json_t *j = body_json(b, req, "admin.reference-value.set", resp);
    const char *tee, *name;
    const json_t *vals;
    char *text = NULL, what[160];
    struct tc_audit a;
    size_t i;
    tc_err e;

    if (j == NULL) {
        return;
    }
    tee = json_string_value(json_object_get(j, "tee"));
    name = json_string_value(json_object_get(j, "name"));
    vals = json_object_get(j, "values");
    if (tee == NULL || tc_tee_verifier_find(tee) == NULL || name == NULL ||
        !tc_resource_segment_ok(name, strlen(name)) || !json_is_array(vals)) {
        tc_broker_refuse(b, req, "admin.reference-value.set", 400, "RvpsError", resp,
                         "reference value: needs {\"tee\": one of %s, \"name\": [A-Za-z0-9._-]+, "
                         "\"values\": [...]}",
                         tc_tee_verifier_names());
        goto out;
    }
    for (i = 0; i < json_array_size(vals); i++) {
        const json_t *v = json_array_get(vals, i);

        if (!json_is_string(v) && !json_is_number(v) && !json_is_boolean(v)) {
            tc_broker_refuse(b, req, "admin.reference-value.set", 400, "RvpsError", resp,
                             "reference value %s: values[%zu] must be a string, number or boolean",
                             name, i);
            goto out;
        }
    }
    text = json_dumps(vals, JSON_COMPACT);
    snprintf(what, sizeof(what), "%s/%s (%zu values)", tee, name, json_array_size(vals));
    a = audit_of(req, "admin.reference-value.set", what);
    a.tee = tee;
    if (text == NULL ||
        (e = b->store->ops->refval_put(b->store, tee, name, text, req->now, &a)) != TC_ERR_OK) {
        store_failed(b, req, "admin.reference-value.set", text == NULL ? TC_ERR_NOMEM : e, resp);
        goto out;
    }
    ok(b, req, "admin.reference-value.set", what, resp,
       json_pack("{s:s,s:s,s:I}", "tee", tee, "name", name, "count",
                 (json_int_t)json_array_size(vals)));
out:
    free(text);
    json_decref(j);
}

static void audit_get(struct tc_broker *b, const struct tc_http_req *req, struct tc_http_resp *resp)
{
    long long after = req->arg_after != NULL ? atoll(req->arg_after) : 0;
    long long limit = req->arg_limit != NULL ? atoll(req->arg_limit) : 1000;
    json_t *recs = NULL;
    tc_err e;

    if (limit <= 0 || limit > 10000) {
        limit = 10000;
    }
    if ((e = b->store->ops->audit_list(b->store, after, (size_t)limit, &recs)) != TC_ERR_OK) {
        store_failed(b, req, "admin.audit", e, resp);
        return;
    }
    ok(b, req, "admin.audit", NULL, resp, recs);
}

int tc_broker_admin(struct tc_broker *b, const struct tc_http_req *req, const char *rest,
                    struct tc_http_resp *resp)
{
    const char *m = req->method;
    char path[400];
    int post = strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0;
    int get = strcmp(m, "GET") == 0, del = strcmp(m, "DELETE") == 0;
    const char *event;
    tc_err e;

    if (strncmp(rest, "resource/", 9) == 0 && (post || del)) {
        event = post ? "admin.resource.set" : "admin.resource.delete";
        if (!tc_broker_resource_path(rest + 9, path, sizeof(path))) {
            tc_broker_refuse(b, req, event, 404, "InvalidRequestPath", resp,
                             "Request path %.200s is invalid", req->path);
            return 1;
        }
        if (!admin_ok(b, req, event, resp)) {
            return 1;
        }
        if (post) {
            resource_put(b, req, path, resp);
        } else {
            struct tc_audit a = audit_of(req, event, path);

            if ((e = b->store->ops->resource_delete(b->store, path, &a)) != TC_ERR_OK) {
                store_failed(b, req, event, e, resp);
            } else {
                ok(b, req, event, path, resp, json_pack("{s:s}", "deleted", path));
            }
        }
        return 1;
    }
    if (strcmp(rest, "resources") == 0 && get) {
        json_t *l = NULL;

        if (admin_ok(b, req, "admin.resource.list", resp)) {
            if ((e = b->store->ops->resource_list(b->store, &l)) != TC_ERR_OK) {
                store_failed(b, req, "admin.resource.list", e, resp);
            } else {
                ok(b, req, "admin.resource.list", NULL, resp, l);
            }
        }
        return 1;
    }
    if (strcmp(rest, "resource-policy") == 0 && (post || get)) {
        if (!admin_ok(b, req, "admin.resource-policy", resp)) {
            return 1;
        }
        if (post) {
            resource_policy_put(b, req, resp);
        } else {
            json_t *l = NULL;

            if ((e = b->store->ops->policy_list(b->store, "resource", &l)) != TC_ERR_OK) {
                store_failed(b, req, "admin.resource-policy.list", e, resp);
            } else {
                ok(b, req, "admin.resource-policy.list", NULL, resp, l);
            }
        }
        return 1;
    }
    if (strncmp(rest, "resource-policy/", 16) == 0 && del) {
        const char *id = rest + 16;
        struct tc_audit a = audit_of(req, "admin.resource-policy.delete", id);

        if (!tc_resource_segment_ok(id, strlen(id))) {
            tc_broker_refuse(b, req, "admin.resource-policy.delete", 404, "InvalidRequestPath",
                             resp, "bad policy id");
        } else if (admin_ok(b, req, "admin.resource-policy.delete", resp)) {
            if ((e = b->store->ops->policy_delete(b->store, "resource", id, &a)) != TC_ERR_OK) {
                store_failed(b, req, "admin.resource-policy.delete", e, resp);
            } else {
                ok(b, req, "admin.resource-policy.delete", id, resp,
                   json_pack("{s:s}", "deleted", id));
            }
        }
        return 1;
    }
    if (strcmp(rest, "attestation-policy") == 0 && post) {
        if (admin_ok(b, req, "admin.attestation-policy.set", resp)) {
            appraisal_policy_put(b, req, resp);
        }
        return 1;
    }
    if (strncmp(rest, "attestation-policy/", 19) == 0 && get) {
        const char *tee = rest + 19;
        char *doc = NULL;
        json_t *j = NULL;
        json_error_t jerr;

        if (!admin_ok(b, req, "admin.attestation-policy.get", resp)) {
            return 1;
        }
        if (b->store->ops->policy_get(b->store, "appraisal", tee, &doc) == TC_ERR_OK) {
            j = json_loads(doc, 0, &jerr);
            free(doc);
        } else if ((j = tc_ear_default_policy(tee)) != NULL) {
            json_object_set_new(j, "builtin", json_true());
        }
        if (j == NULL) {
            tc_broker_refuse(b, req, "admin.attestation-policy.get", 404, "NotFound", resp,
                             "no attestation policy for TEE %.32s", tee);
        } else {
            ok(b, req, "admin.attestation-policy.get", tee, resp, j);
        }
        return 1;
    }
    if (strcmp(rest, "reference-value") == 0 && post) {
        if (admin_ok(b, req, "admin.reference-value.set", resp)) {
            refval_put(b, req, resp);
        }
        return 1;
    }
    if (strncmp(rest, "reference-value/", 16) == 0 && get) {
        json_t *j = NULL;

        if (admin_ok(b, req, "admin.reference-value.get", resp)) {
            if ((e = b->store->ops->refvals_get(b->store, rest + 16, &j)) != TC_ERR_OK) {
                store_failed(b, req, "admin.reference-value.get", e, resp);
            } else {
                ok(b, req, "admin.reference-value.get", rest + 16, resp, j);
            }
        }
        return 1;
    }
    if (strcmp(rest, "audit") == 0 && get) {
        if (admin_ok(b, req, "admin.audit", resp)) {
            audit_get(b, req, resp);
        }
        return 1;
    }
    return 0;
}
