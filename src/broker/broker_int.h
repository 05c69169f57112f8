/* SPDX-License-Identifier: Apache-2.0 */
/* The broker's inner header (BearSSL style): shared by kbs.c, admin.c and server.c. */
#ifndef TC_BROKER_INT_H
#define TC_BROKER_INT_H

#include <pthread.h>
#include <stdarg.h>

#include "broker/store.h"
#include "trustchain/broker.h"

struct tc_broker {
    struct tc_broker_config cfg; /* pointers borrowed from the caller's config */
    struct tc_store *store;
    EVP_PKEY *key; /* P-256: signs the EAR tokens */
    json_t *jwk;   /* its public JWK, with kid */
    char kid[64];
    uint8_t mac_key[32];            /* authenticates the session cookies (kbs.c) */
    EVP_MAC_CTX *mac_ctx;           /* HMAC-SHA256 keyed with mac_key, duplicated per use */
    struct tc_snp_cache *snp_cache; /* parsed certificates and verified chains (thread-safe) */
    struct MHD_Daemon *daemon;
    pthread_mutex_t lock; /* the log and the session-count cache */
    time_t count_at;
    size_t count;
    time_t purged_at;
    time_t checkpointed_at;
    /* Parsed policies and reference values, revalidated on every request against the
     * store's config generation (not state: a cache of what the store holds). */
    int cache_valid;
    uint64_t cache_gen;
    json_t *cache_resource;  /* array of resource policy documents */
    json_t *cache_appraisal; /* object: tee -> stored appraisal policy */
    json_t *cache_refvals;   /* object: tee -> {name: [values]} */
};

/* A JSON response (takes ownership of j). */
void tc_broker_json(struct tc_http_resp *resp, int status, json_t *j);
/* One log line (refusals and errors always; successes when log_requests). */
void tc_broker_log(struct tc_broker *b, const struct tc_http_req *req, int status,
                   const char *event, int simulated, const char *fmt, ...) TC_PRINTF(6, 7);
/* Record an audit line; a store failure is logged, never fatal to the response. */
void tc_broker_audit(struct tc_broker *b, const struct tc_audit *a);

/* Admin API (admin.c): 1 if it handled the request. */
int tc_broker_admin(struct tc_broker *b, const struct tc_http_req *req, const char *rest,
                    struct tc_http_resp *resp);

#endif
