/* SPDX-License-Identifier: Apache-2.0 */
/* The broker's configuration: defaults, the JSON file, admin and sim keys. */
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "trustchain/broker.h"
#include "trustchain/sim.h"
#include "trustchain/util.h"

void tc_broker_config_defaults(struct tc_broker_config *c)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    memset(c, 0, sizeof(*c));
    c->listen = "127.0.0.1:8080";
    c->session_ttl = 300;
    c->token_ttl = 300;
    c->max_body = 256 * 1024;
    c->max_header = 32 * 1024;
    c->max_connections = 1024;
    c->timeout = 30;
    c->max_sessions = 100000;
    c->threads = n > 0 && n < 64 ? (unsigned)n : 2;
    c->issuer = "trustchain";
}

/* Read a PEM public key from a file, or from the string itself if it is PEM. */
static tc_err load_pubkey(const char *src, EVP_PKEY **out)
{
    uint8_t *pem = NULL;
    size_t n = 0;
    BIO *bio;
    EVP_PKEY *k;
    tc_err e;

    if (strncmp(src, "-----BEGIN", 10) == 0) {
        bio = BIO_new_mem_buf(src, -1);
    } else {
        if ((e = tc_file_read(src, 64 * 1024, &pem, &n)) != TC_ERR_OK) {
            return e;
        }
        bio = BIO_new_mem_buf(pem, (int)n);
    }
    k = bio != NULL ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    free(pem);
    if (k == NULL) {
        ERR_clear_error();
        return tc_fail(TC_ERR_MALFORMED, "%.60s: not a PEM public key", src);
    }
    *out = k;
    return TC_ERR_OK;
}

struct owned {
    json_t *doc;
};

static struct owned *owned(struct tc_broker_config *c)
{
    if (c->owned_ == NULL) {
        c->owned_ = calloc(1, sizeof(struct owned));
    }
    return c->owned_;
}

tc_err tc_broker_config_add_admin_key(struct tc_broker_config *c, const char *pem_path)
{
    EVP_PKEY *k = NULL, **keys;
    tc_err e;

    if ((e = load_pubkey(pem_path, &k)) != TC_ERR_OK) {
        return tc_fail_ctx(e, "admin key");
    }
    if (tc_jws_alg(k) == NULL) {
        EVP_PKEY_free(k);
        return tc_fail(TC_ERR_UNSUPPORTED, "admin key %.60s: must be Ed25519 or P-256", pem_path);
    }
    keys = realloc(c->admin_keys, (c->n_admin_keys + 1) * sizeof(*keys));
    if (keys == NULL) {
        EVP_PKEY_free(k);
        return tc_fail(TC_ERR_NOMEM, "admin keys");
    }
    keys[c->n_admin_keys++] = k;
    c->admin_keys = keys;
    return TC_ERR_OK;
}

tc_err tc_broker_config_add_sim_key(struct tc_broker_config *c, const char *pem_path)
{
    EVP_PKEY *k = NULL;
    uint8_t(*ids)[32];
    tc_err e;

    if ((e = load_pubkey(pem_path, &k)) != TC_ERR_OK) {
        return tc_fail_ctx(e, "sim key");
    }
    ids = realloc(c->sim_keys, (c->n_sim_keys + 1) * sizeof(*ids));
    if (ids == NULL) {
        EVP_PKEY_free(k);
        return tc_fail(TC_ERR_NOMEM, "sim keys");
    }
    c->sim_keys = ids;
    e = tc_sim_key_id(k, c->sim_keys[c->n_sim_keys]);
    EVP_PKEY_free(k);
    if (e == TC_ERR_OK) {
        c->n_sim_keys++;
    }
    return e;
}

tc_err tc_broker_config_add_snp_anchor(struct tc_broker_config *c, const char *path)
{
    uint8_t *data = NULL;
    size_t n = 0;
    struct tc_snp_anchor a, *as;
    tc_err e;

    if ((e = tc_file_read(path, 1 << 20, &data, &n)) != TC_ERR_OK) {
        return tc_fail_ctx(e, "snp anchor");
    }
    e = tc_snp_anchor_from_cert(data, n, &a);
    free(data);
    if (e != TC_ERR_OK) {
        return tc_fail_ctx(e, "snp anchor %s", path);
    }
    as = realloc(c->snp_anchors, (c->n_snp_anchors + 1) * sizeof(*as));
    if (as == NULL) {
        return tc_fail(TC_ERR_NOMEM, "snp anchors");
    }
    as[c->n_snp_anchors++] = a;
    c->snp_anchors = as;
    return TC_ERR_OK;
}

tc_err tc_broker_config_set_snp_policy(struct tc_broker_config *c, const char *path)
{
    json_error_t jerr;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    tc_err e;

    if (!json_is_object(j)) {
        json_decref(j);
        return tc_fail(TC_ERR_JSON, "snp policy %s: %s", path,
                       j == NULL ? jerr.text : "not an object");
    }
    if ((e = tc_snp_policy_validate(j)) != TC_ERR_OK) {
        json_decref(j);
        return tc_fail_ctx(e, "snp policy %s", path);
    }
    json_decref(c->snp_policy);
    c->snp_policy = j;
    return TC_ERR_OK;
}

tc_err tc_broker_config_add_tdx_root(struct tc_broker_config *c, const char *path)
{
    uint8_t *data = NULL;
    size_t n = 0;
    tc_tdx_root_key *rs;
    tc_err e;

    if ((e = tc_file_read(path, 1 << 20, &data, &n)) != TC_ERR_OK) {
        return tc_fail_ctx(e, "tdx root");
    }
    rs = realloc(c->tdx_roots, (c->n_tdx_roots + 1) * sizeof(*rs));
    if (rs == NULL) {
        free(data);
        return tc_fail(TC_ERR_NOMEM, "tdx roots");
    }
    c->tdx_roots = rs;
    e = tc_tdx_root_key_from_pem(data, n, c->tdx_roots[c->n_tdx_roots]);
    free(data);
    if (e != TC_ERR_OK) {
        return tc_fail_ctx(e, "tdx root %s", path);
    }
    c->n_tdx_roots++;
    return TC_ERR_OK;
}

tc_err tc_broker_config_set_tdx_policy(struct tc_broker_config *c, const char *path)
{
    json_error_t jerr;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    tc_err e;

    if (!json_is_object(j)) {
        json_decref(j);
        return tc_fail(TC_ERR_JSON, "tdx policy %s: %s", path,
                       j == NULL ? jerr.text : "not an object");
    }
    if ((e = tc_tdx_policy_validate(j)) != TC_ERR_OK) {
        json_decref(j);
        return tc_fail_ctx(e, "tdx policy %s", path);
    }
    json_decref(c->tdx_policy);
    c->tdx_policy = j;
    return TC_ERR_OK;
}

static tc_err get_uint(const json_t *o, const char *k, unsigned long max, unsigned long *out)
{
    const json_t *v = json_object_get(o, k);

    if (v == NULL) {
        return TC_ERR_NOT_FOUND;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0 ||
        (unsigned long)json_integer_value(v) > max) {
        return tc_fail(TC_ERR_MALFORMED, "config: \"%s\" must be an integer 0..%lu", k, max);
    }
    *out = (unsigned long)json_integer_value(v);
    return TC_ERR_OK;
}

#define UINT_FIELD(obj, key, max, field)                                                           \
    do {                                                                                           \
        unsigned long v_;                                                                          \
        tc_err e_ = get_uint(obj, key, max, &v_);                                                  \
        if (e_ == TC_ERR_OK) {                                                                     \
            (field) = v_;                                                                          \
        } else if (e_ != TC_ERR_NOT_FOUND) {                                                       \
            return e_;                                                                             \
        }                                                                                          \
    } while (0)

static tc_err str_field(const json_t *o, const char *k, const char **field)
{
    const json_t *v = json_object_get(o, k);

    if (v == NULL) {
        return TC_ERR_OK;
    }
    if (!json_is_string(v)) {
        return tc_fail(TC_ERR_MALFORMED, "config: \"%s\" must be a string", k);
    }
    *field = json_string_value(v);
    return TC_ERR_OK;
}

static tc_err apply(struct tc_broker_config *c, const json_t *doc)
{
    static const char *const known[] = {
        "listen",       "db",         "allow_sim",  "session_ttl",    "token_ttl",
        "threads",      "issuer",     "broker_key", "collateral_dir", "sync",
        "log_requests", "admin_keys", "sim_keys",   "limits",         "offline",
        "snp_anchors",  "snp_policy", "tdx_roots",  "tdx_policy"};
    const json_t *v, *limits;
    const char *key, *sync = NULL;
    json_t *val;
    size_t i;
    tc_err e;

    json_object_foreach((json_t *)doc, key, val)
    {
        for (i = 0; i < sizeof(known) / sizeof(known[0]) && strcmp(key, known[i]) != 0; i++) {
        }
        if (i == sizeof(known) / sizeof(known[0])) {
            return tc_fail(TC_ERR_MALFORMED, "config: unknown key \"%s\"", key);
        }
    }
    if ((e = str_field(doc, "listen", &c->listen)) != TC_ERR_OK ||
        (e = str_field(doc, "db", &c->db_path)) != TC_ERR_OK ||
        (e = str_field(doc, "issuer", &c->issuer)) != TC_ERR_OK ||
        (e = str_field(doc, "broker_key", &c->broker_key)) != TC_ERR_OK ||
        (e = str_field(doc, "collateral_dir", &c->collateral_dir)) != TC_ERR_OK ||
        (e = str_field(doc, "sync", &sync)) != TC_ERR_OK) {
        return e;
    }
    if (sync != NULL) {
        if (strcmp(sync, "full") != 0 && strcmp(sync, "normal") != 0) {
            return tc_fail(TC_ERR_MALFORMED, "config: \"sync\" must be \"normal\" or \"full\"");
        }
        c->sync_full = strcmp(sync, "full") == 0;
    }
    if ((v = json_object_get(doc, "allow_sim")) != NULL) {
        if (!json_is_boolean(v)) {
            return tc_fail(TC_ERR_MALFORMED, "config: \"allow_sim\" must be true or false");
        }
        c->allow_sim = json_is_true(v);
    }
    if ((v = json_object_get(doc, "offline")) != NULL) {
        if (!json_is_boolean(v)) {
            return tc_fail(TC_ERR_MALFORMED, "config: \"offline\" must be true or false");
        }
        c->offline = json_is_true(v);
    }
    if ((v = json_object_get(doc, "snp_policy")) != NULL) {
        if (!json_is_object(v) || (e = tc_snp_policy_validate(v)) != TC_ERR_OK) {
            return tc_fail(TC_ERR_MALFORMED, "config: \"snp_policy\" is not a valid SNP policy");
        }
        json_decref(c->snp_policy);
        c->snp_policy = json_incref((json_t *)v);
    }
    if ((v = json_object_get(doc, "tdx_policy")) != NULL) {
        if (!json_is_object(v) || (e = tc_tdx_policy_validate(v)) != TC_ERR_OK) {
            return tc_fail(TC_ERR_MALFORMED, "config: \"tdx_policy\" is not a valid TDX policy");
        }
        json_decref(c->tdx_policy);
        c->tdx_policy = json_incref((json_t *)v);
    }
    for (i = 0; i < json_array_size(json_object_get(doc, "tdx_roots")); i++) {
        const char *s = json_string_value(json_array_get(json_object_get(doc, "tdx_roots"), i));

        if (s == NULL) {
            return tc_fail(TC_ERR_MALFORMED, "config: tdx_roots[%zu] must be a string", i);
        }
        if ((e = tc_broker_config_add_tdx_root(c, s)) != TC_ERR_OK) {
            return e;
        }
    }
    for (i = 0; i < json_array_size(json_object_get(doc, "snp_anchors")); i++) {
        const char *s = json_string_value(json_array_get(json_object_get(doc, "snp_anchors"), i));

        if (s == NULL) {
            return tc_fail(TC_ERR_MALFORMED, "config: snp_anchors[%zu] must be a string", i);
        }
        if ((e = tc_broker_config_add_snp_anchor(c, s)) != TC_ERR_OK) {
            return e;
        }
    }
    if ((v = json_object_get(doc, "log_requests")) != NULL) {
        if (!json_is_boolean(v)) {
            return tc_fail(TC_ERR_MALFORMED, "config: \"log_requests\" must be true or false");
        }
        c->log_requests = json_is_true(v);
    }
    UINT_FIELD(doc, "session_ttl", 86400, c->session_ttl);
    UINT_FIELD(doc, "token_ttl", 86400 * 30, c->token_ttl);
    UINT_FIELD(doc, "threads", 256, c->threads);
    limits = json_object_get(doc, "limits");
    if (limits != NULL) {
        if (!json_is_object(limits)) {
            return tc_fail(TC_ERR_MALFORMED, "config: \"limits\" must be an object");
        }
        UINT_FIELD(limits, "max_body", 64UL << 20, c->max_body);
        UINT_FIELD(limits, "max_header", 16UL << 20, c->max_header);
        UINT_FIELD(limits, "max_connections", 1000000, c->max_connections);
        UINT_FIELD(limits, "max_per_ip", 1000000, c->max_per_ip);
        UINT_FIELD(limits, "timeout", 86400, c->timeout);
        UINT_FIELD(limits, "max_sessions", 100000000, c->max_sessions);
    }
    for (i = 0; i < json_array_size(json_object_get(doc, "admin_keys")); i++) {
        const char *s = json_string_value(json_array_get(json_object_get(doc, "admin_keys"), i));

        if (s == NULL) {
            return tc_fail(TC_ERR_MALFORMED, "config: admin_keys[%zu] must be a string", i);
        }
        if ((e = tc_broker_config_add_admin_key(c, s)) != TC_ERR_OK) {
            return e;
        }
    }
    for (i = 0; i < json_array_size(json_object_get(doc, "sim_keys")); i++) {
        const char *s = json_string_value(json_array_get(json_object_get(doc, "sim_keys"), i));

        if (s == NULL) {
            return tc_fail(TC_ERR_MALFORMED, "config: sim_keys[%zu] must be a string", i);
        }
        if ((e = tc_broker_config_add_sim_key(c, s)) != TC_ERR_OK) {
            return e;
        }
    }
    return TC_ERR_OK;
}

tc_err tc_broker_config_load(const char *path, struct tc_broker_config *c)
{
    uint8_t *data = NULL;
    size_t n = 0;
    json_error_t jerr;
    json_t *doc;
    struct owned *o;
    tc_err e;

    if ((e = tc_file_read(path, 1 << 20, &data, &n)) != TC_ERR_OK) {
        return e;
    }
    doc = json_loadb((const char *)data, n, JSON_REJECT_DUPLICATES, &jerr);
    free(data);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return tc_fail(TC_ERR_JSON, "%s: %s (line %d)", path,
                       doc == NULL ? jerr.text : "not a JSON object", jerr.line);
    }
    o = owned(c);
    if (o == NULL) {
        json_decref(doc);
        return tc_fail(TC_ERR_NOMEM, "config");
    }
    json_decref(o->doc);
    o->doc = doc; /* the strings in c point into it */
    if ((e = apply(c, doc)) != TC_ERR_OK) {
        return tc_fail_ctx(e, "%s", path);
    }
    return TC_ERR_OK;
}

void tc_broker_config_free(struct tc_broker_config *c)
{
    size_t i;
    struct owned *o = c->owned_;

    for (i = 0; i < c->n_admin_keys; i++) {
        EVP_PKEY_free(c->admin_keys[i]);
    }
    free(c->admin_keys);
    free(c->sim_keys);
    free(c->snp_anchors);
    json_decref(c->snp_policy);
    free(c->tdx_roots);
    json_decref(c->tdx_policy);
    c->tdx_roots = NULL;
    c->n_tdx_roots = 0;
    c->tdx_policy = NULL;
    c->snp_anchors = NULL;
    c->n_snp_anchors = 0;
    c->snp_policy = NULL;
    if (o != NULL) {
        json_decref(o->doc);
        free(o);
    }
    c->admin_keys = NULL;
    c->sim_keys = NULL;
    c->n_admin_keys = c->n_sim_keys = 0;
    c->owned_ = NULL;
}
