/* SPDX-License-Identifier: Apache-2.0 */
/*
 * KBS protocol messages (trustee kbs/docs/kbs_attestation_protocol.md,
 * kbs-types 0.18 Request/Attestation) and the runtime-data binding.
 */
#include <string.h>

#include <openssl/evp.h>

#include "core/ossl.h"
#include "trustchain/kbs.h"
#include "trustchain/util.h"

tc_err tc_kbs_report_data(const json_t *tee_pubkey, const char *nonce, const char *additional,
                          uint8_t out[64], uint8_t digest[48])
{
    json_t *rd = NULL;
    char *jcs = NULL;
    size_t n = 0;
    uint8_t d[48];
    tc_err e;

    if (!json_is_object(tee_pubkey) || nonce == NULL) {
        return tc_fail(TC_ERR_MALFORMED, "runtime data: tee-pubkey and nonce needed");
    }
    rd = json_pack("{s:s,s:O}", "nonce", nonce, "tee-pubkey", tee_pubkey);
    if (rd == NULL || (additional != NULL && json_object_set_new(rd, "additional-evidence",
                                                                 json_string(additional)) != 0)) {
        json_decref(rd);
        return tc_fail(TC_ERR_MALFORMED, "runtime data: strings must be UTF-8");
    }
    e = tc_jcs_dump(rd, &jcs, &n);
    json_decref(rd);
    if (e != TC_ERR_OK) {
        return e;
    }
    e = tc_digest(EVP_sha384(), jcs, n, d);
    free(jcs);
    if (e != TC_ERR_OK) {
        return e;
    }
    memset(out, 0, 64);
    memcpy(out, d, sizeof(d));
    if (digest != NULL) {
        memcpy(digest, d, sizeof(d));
    }
    return TC_ERR_OK;
}

int tc_kbs_version_ok(const char *s)
{
    size_t n = strlen(TC_KBS_VERSION);

    /* semver: build metadata ("+...") is ignored when comparing; pre-releases do not match. */
    if (s == NULL || strncmp(s, TC_KBS_VERSION, n) != 0) {
        return 0;
    }
    return s[n] == '\0' || (s[n] == '+' && s[n + 1] != '\0');
}

static tc_err load(const char *body, size_t len, json_t **root, const char *what)
{
    json_error_t jerr;
    json_t *j;

    j = json_loadb(body, len, TC_JSON_STRICT, &jerr);
    if (j == NULL) {
        return tc_fail(TC_ERR_JSON, "%s: malformed JSON: %s (line %d, column %d)", what, jerr.text,
                       jerr.line, jerr.column);
    }
    if (!json_is_object(j)) {
        json_decref(j);
        return tc_fail(TC_ERR_MALFORMED, "%s: not a JSON object", what);
    }
    *root = j;
    return TC_ERR_OK;
}

tc_err tc_kbs_parse_request(const char *body, size_t len, json_t **root, struct tc_kbs_request *req)
{
    json_t *j = NULL, *ep;
    tc_err e;

    if ((e = load(body, len, &j, "Request")) != TC_ERR_OK) {
        return e;
    }
    req->version = json_string_value(json_object_get(j, "version"));
    req->tee = json_string_value(json_object_get(j, "tee"));
    if (req->version == NULL) {
        e = tc_fail(TC_ERR_MALFORMED, "Request: \"version\" missing or not a string");
        goto fail;
    }
    if (req->tee == NULL) {
        e = tc_fail(TC_ERR_MALFORMED, "Request: \"tee\" missing or not a string");
        goto fail;
    }
    /* extra-params: any JSON value (an object, or "" from older clients). */
    ep = json_object_get(j, "extra-params");
    (void)ep;
    *root = j;
    return TC_ERR_OK;
fail:
    json_decref(j);
    return e;
}

tc_err tc_kbs_parse_attestation(const char *body, size_t len, json_t **root,
                                struct tc_kbs_attestation *att)
{
    json_t *j = NULL, *rd, *te, *ae, *id;
    tc_err e;

    memset(att, 0, sizeof(*att));
    if ((e = load(body, len, &j, "Attestation")) != TC_ERR_OK) {
        return e;
    }
    rd = json_object_get(j, "runtime-data");
    te = json_object_get(j, "tee-evidence");
    id = json_object_get(j, "init-data");
    if (!json_is_object(rd)) {
        e = tc_fail(TC_ERR_MALFORMED, "Attestation: \"runtime-data\" missing or not an object");
        goto fail;
    }
    att->nonce = json_string_value(json_object_get(rd, "nonce"));
    att->tee_pubkey = json_object_get(rd, "tee-pubkey");
    if (att->nonce == NULL) {
        e = tc_fail(TC_ERR_MALFORMED, "Attestation: runtime-data.nonce missing or not a string");
        goto fail;
    }
    if (!json_is_object(att->tee_pubkey)) {
        e = tc_fail(TC_ERR_MALFORMED,
                    "Attestation: runtime-data.tee-pubkey missing or not an object");
        goto fail;
    }
    if (!json_is_object(te)) {
        e = tc_fail(TC_ERR_MALFORMED, "Attestation: \"tee-evidence\" missing or not an object");
        goto fail;
    }
    att->primary = json_object_get(te, "primary_evidence");
    if (att->primary == NULL || json_is_null(att->primary)) {
        e = tc_fail(TC_ERR_MALFORMED, "Attestation: tee-evidence.primary_evidence missing");
        goto fail;
    }
    ae = json_object_get(te, "additional_evidence");
    if (ae == NULL) {
        att->additional = "";
    } else if (json_is_string(ae)) {
        att->additional = json_string_value(ae);
    } else {
        e = tc_fail(TC_ERR_MALFORMED,
                    "Attestation: tee-evidence.additional_evidence must be a string");
        goto fail;
    }
    if (id != NULL && !json_is_null(id)) {
        if (!json_is_object(id) || !json_is_string(json_object_get(id, "format")) ||
            !json_is_string(json_object_get(id, "body"))) {
            e = tc_fail(TC_ERR_MALFORMED,
                        "Attestation: init-data must be {\"format\":..., \"body\":...}");
            goto fail;
        }
        att->init_data = id;
    }
    *root = j;
    return TC_ERR_OK;
fail:
    json_decref(j);
    return e;
}
