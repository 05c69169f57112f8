/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The key broker: a Confidential Containers KBS (protocol 0.4.0) over HTTP
 * (GNU libmicrohttpd), backed by a store (SQLite by default).
 *
 * Endpoints (under /kbs/v0):
 *   POST auth                       Request -> Challenge, cookie kbs-session-id
 *   POST attest                     Attestation -> {"token": EAR JWT}
 *   GET  resource/<repo>/<type>/<tag>   -> flattened JWE to the tee-pubkey
 *                                   (cookie session, or Authorization: Bearer <EAR>)
 *   GET  jwks                       the broker's public key (verifies its EAR tokens)
 * Admin (Authorization: Bearer <JWT signed by an admin key, EdDSA or ES256, with "exp" and
 * "aud": TC_BROKER_ADMIN_AUDIENCE>):
 *   POST/DELETE resource/<repo>/<type>/<tag>   set (raw body) / delete a resource
 *   POST resource-policy, GET resource-policy, DELETE resource-policy/<id>
 *   POST attestation-policy, GET attestation-policy/<tee>
 *   POST reference-value, GET reference-value/<tee>
 *   GET  audit?after=N&limit=M
 *
 * Errors: {"type": "https://github.com/confidential-containers/kbs/errors/<T>",
 * "detail": "..."} with the status Trustee uses: 401 for failed attestation
 * and policy denials, 404 for unknown paths.  Deliberately not Trustee's: an
 * unknown resource (behind a policy that allows it) is 404 ResourceNotFound,
 * where Trustee answers 401 PluginInternalError and the CoCo client then
 * re-attests on each of its three attempts (it reports a 404 at once).
 * 413/431 for size limits, 400 for malformed admin input, 503 when the
 * session cap is reached, 500 for store failures.
 */
#ifndef TRUSTCHAIN_BROKER_H
#define TRUSTCHAIN_BROKER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "trustchain/ear.h"
#include "trustchain/err.h"
#include "trustchain/snp.h"
#include "trustchain/tdx.h"
#include "trustchain/verdict.h"

/* The audience ("aud") an admin token must name. */
#define TC_BROKER_ADMIN_AUDIENCE "trustchain-admin"

/* ---- evidence verifiers: one small interface per TEE ---- */

struct tc_evidence_ctx {
    time_t now;                    /* the time of verification */
    const uint8_t (*sim_keys)[32]; /* pinned sim signing keys (SHA-256 of SPKI) */
    size_t n_sim_keys;
    const char *collateral_dir; /* SNP/TDX collateral cache (AMD KDS, Intel PCS) or NULL */
    int offline;                /* never fetch collateral from the network */
    /* SNP */
    struct tc_snp_cache *snp_cache;          /* shared, thread-safe; may be NULL */
    const struct tc_snp_anchor *snp_anchors; /* roots trusted besides AMD's (tests, private) */
    size_t n_snp_anchors;
    const json_t *snp_policy; /* tc_snp_appraise policy (TCB floors ...) or NULL */
    /* TDX */
    const tc_tdx_root_key *tdx_roots; /* roots trusted besides Intel's (tests, private) */
    size_t n_tdx_roots;
    const json_t *tdx_policy; /* tc_tdx_appraise policy (accepted TCB statuses ...) */
};

struct tc_evidence_out {
    json_t *claims;         /* verified claims (new reference) */
    int8_t tv[TC_TV_COUNT]; /* the verifier's trust vector opinion (hardware, ...) */
    int simulated;          /* evidence came from the simulated TEE */
    const char *form;       /* static: the evidence's shape when not the native one ("coco-json") */
};

/*
 * verify: check evidence (the KBS primary_evidence JSON) cryptographically,
 * check its REPORT_DATA equals report_data, and return the claims.  Every
 * check lands in v.  Returns TC_ERR_OK or the first failure's error.
 */
struct tc_tee_verifier {
    const char *name; /* the KBS "tee" value */
    int simulated;    /* accepted only with allow_sim */
    tc_err (*verify)(const json_t *evidence, const uint8_t report_data[64],
                     const struct tc_evidence_ctx *ctx, struct tc_evidence_out *out,
                     struct tc_verdict *v);
};

/* The verifier for a KBS tee name, or NULL. */
const struct tc_tee_verifier *tc_tee_verifier_find(const char *tee);
/* Comma-separated names of the built-in verifiers, for messages. */
const char *tc_tee_verifier_names(void);

/* ---- the broker ---- */

struct tc_broker_config {
    const char *db_path;      /* SQLite file (created if absent) */
    const char *listen;       /* "ADDR:PORT"; port 0 picks a free one */
    const char *port_file;    /* write the bound port here once listening (tests) */
    int allow_sim;            /* accept the simulated TEE (development only) */
    unsigned session_ttl;     /* seconds (default 300) */
    unsigned token_ttl;       /* EAR token lifetime, seconds (default 300) */
    size_t max_body;          /* request body cap, bytes (default 256 KiB) */
    size_t max_header;        /* request header cap, bytes (default 32 KiB) */
    unsigned max_connections; /* concurrent connections (default 1024) */
    unsigned max_per_ip;      /* concurrent connections per client address (0 = no cap) */
    unsigned timeout;         /* idle connection timeout, seconds (default 30) */
    size_t max_sessions;      /* live sessions (default 100000) */
    unsigned threads;         /* HTTP worker threads (default: number of CPUs) */
    int sync_full;            /* fsync every store commit */
    int log_requests;         /* one log line per request (else refusals and errors only) */
    FILE *log;                /* default stderr */
    const char *issuer;       /* EAR "iss" (default "trustchain") */
    const char *broker_key;   /* PEM P-256 private key file; default: generated in the store */
    const char *collateral_dir;
    time_t verify_at; /* verify evidence as of this time (tests, replays); 0: the request's */
    int offline;      /* never fetch collateral (AMD KDS) from the network */
    struct tc_snp_anchor *snp_anchors; /* extra SNP roots (never by default) */
    size_t n_snp_anchors;
    json_t *snp_policy;         /* SNP appraisal (tc_snp_appraise keys), or NULL */
    tc_tdx_root_key *tdx_roots; /* extra TDX roots (never by default) */
    size_t n_tdx_roots;
    json_t *tdx_policy;    /* TDX appraisal (tc_tdx_appraise keys), or NULL */
    EVP_PKEY **admin_keys; /* public keys (Ed25519 or P-256) that may sign admin tokens */
    size_t n_admin_keys;
    uint8_t (*sim_keys)[32]; /* pinned sim keys; none = any */
    size_t n_sim_keys;
    void *owned_; /* internal: what tc_broker_config_load allocated */
};

/* Defaults for every field (no admin keys, no sim). */
void tc_broker_config_defaults(struct tc_broker_config *c);
/*
 * Read a JSON configuration file into c (fields absent from the file keep
 * their value).  Keys: listen, db, allow_sim, session_ttl, token_ttl, threads,
 * issuer, broker_key, collateral_dir, offline, sync ("normal"|"full"), log_requests,
 * admin_keys [PEM files or PEM strings], sim_keys [PEM public keys],
 * snp_anchors [PEM root certificates], snp_policy {tc_snp_appraise keys},
 * tdx_roots [PEM root certificates], tdx_policy {tc_tdx_appraise keys},
 * limits {max_body, max_header, max_connections, max_per_ip, timeout,
 * max_sessions}.  Allocations are owned by c: free with tc_broker_config_free.
 */
TC_MUST_USE tc_err tc_broker_config_load(const char *path, struct tc_broker_config *c);
/* Add an admin public key (PEM file) / a pinned sim key (PEM public key file). */
TC_MUST_USE tc_err tc_broker_config_add_admin_key(struct tc_broker_config *c, const char *pem_path);
TC_MUST_USE tc_err tc_broker_config_add_sim_key(struct tc_broker_config *c, const char *pem_path);
/* Trust an SNP root (ARK) certificate file besides AMD's pinned ones. */
TC_MUST_USE tc_err tc_broker_config_add_snp_anchor(struct tc_broker_config *c, const char *path);
/* The SNP appraisal policy (a JSON file with tc_snp_appraise keys). */
TC_MUST_USE tc_err tc_broker_config_set_snp_policy(struct tc_broker_config *c, const char *path);
/* Trust a TDX root CA certificate file besides Intel's pinned root. */
TC_MUST_USE tc_err tc_broker_config_add_tdx_root(struct tc_broker_config *c, const char *path);
/* The TDX appraisal policy (a JSON file with tc_tdx_appraise keys). */
TC_MUST_USE tc_err tc_broker_config_set_tdx_policy(struct tc_broker_config *c, const char *path);
void tc_broker_config_free(struct tc_broker_config *c);

struct tc_broker;

/* Open the store, load or create the broker key. */
TC_MUST_USE tc_err tc_broker_new(const struct tc_broker_config *c, struct tc_broker **b);
/* Listen and serve on background threads; *port receives the bound port. */
TC_MUST_USE tc_err tc_broker_start(struct tc_broker *b, uint16_t *port);
/* Housekeeping (store checkpoint once a second, expired sessions purged every 10 s): call
 * from the main loop every few hundred milliseconds. */
void tc_broker_tick(struct tc_broker *b, time_t now);
void tc_broker_free(struct tc_broker *b);

/* ---- the HTTP-independent core (used by the server, the tests and the fuzzers) ---- */

struct tc_http_req {
    const char *method;
    const char *path;          /* URL path, without the query */
    const char *session;       /* the kbs-session-id cookie value, or NULL */
    const char *authorization; /* the Authorization header value, or NULL */
    const char *arg_after;     /* query arguments used by the admin API */
    const char *arg_limit;
    const uint8_t *body;
    size_t body_len;
    const char *client; /* peer address, for the audit log */
    time_t now;
};

struct tc_http_resp {
    int status;
    char *body; /* malloc'd */
    size_t body_len;
    const char *content_type;
    char set_cookie[160];
};

void tc_broker_handle(struct tc_broker *b, const struct tc_http_req *req,
                      struct tc_http_resp *resp);
/* An error response (Trustee's ErrorInformation JSON) + an audit line. */
void tc_broker_refuse(struct tc_broker *b, const struct tc_http_req *req, const char *event,
                      int status, const char *type, struct tc_http_resp *resp, const char *fmt, ...)
    TC_PRINTF(7, 8);

#endif
