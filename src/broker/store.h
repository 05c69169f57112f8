/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The broker's store: everything that matters lives here, not in process
 * memory (DESIGN.md "Scale beyond one machine"): sessions, resources,
 * policies, reference values, the broker's signing key and an append-only
 * audit log.
 *
 * One interface (struct tc_store_ops), one backend per engine.  SQLite (WAL)
 * is the default; a PostgreSQL backend implements the same operations with
 * the same semantics (every write that carries an audit record commits both
 * in one transaction; session transitions are conditional updates so two
 * replicas cannot both consume a nonce).
 *
 * Thread safety: every operation may be called from any thread.
 * Ownership: returned strings/blobs are malloc'd (secrets: free with
 * tc_free_secret); json_t results are new references.
 */
#ifndef TC_BROKER_STORE_H
#define TC_BROKER_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "trustchain/err.h"

#define TC_SESSION_ID_LEN 32 /* hex of 16 random bytes, like Trustee's simple UUID */

/*
 * An attested session.  The challenge step keeps nothing in the store: the
 * kbs-session-id cookie carries the session id, TEE and expiry under the
 * broker's MAC, and the nonce is derived from it (kbs.c).  A session row
 * exists once its nonce was consumed by a successful attestation; the
 * primary key makes that consumption happen once.
 */
struct tc_session {
    char id[TC_SESSION_ID_LEN + 1];
    char tee[16];
    time_t created, expires;
    int simulated;
    char *claims; /* the EAR claims (JSON text, malloc'd); they carry the tee-pubkey */
};

void tc_session_clear(struct tc_session *s);

/* One audit record.  Strings may be NULL.  Never a secret. */
struct tc_audit {
    time_t ts;
    const char *event;   /* "auth", "attest", "resource", "admin.resource", ... */
    const char *outcome; /* "ok", "rejected", "error" */
    int status;          /* HTTP status returned */
    const char *session;
    const char *tee;
    int simulated;
    const char *resource; /* repo/type/tag, policy id, ... */
    const char *evidence; /* SHA-256 (hex) of the evidence the decision rests on */
    const char *client;   /* peer address */
    const char *reason;   /* why (for refusals), or a short note */
};

struct tc_store;

struct tc_store_ops {
    const char *name;
    void (*close)(struct tc_store *s);

    /* Insert a session; TC_ERR_MISMATCH if its id exists (the nonce was already used). */
    tc_err (*session_insert)(struct tc_store *s, const struct tc_session *ss,
                             const struct tc_audit *a);
    /* TC_ERR_NOT_FOUND when absent or expired at now. */
    tc_err (*session_get)(struct tc_store *s, const char *id, time_t now, struct tc_session *out);
    tc_err (*session_purge)(struct tc_store *s, time_t now, size_t *purged);
    tc_err (*session_count)(struct tc_store *s, time_t now, size_t *n);

    tc_err (*resource_put)(struct tc_store *s, const char *path, const uint8_t *data, size_t len,
                           time_t now, const struct tc_audit *a);
    tc_err (*resource_get)(struct tc_store *s, const char *path, uint8_t **data, size_t *len);
    tc_err (*resource_delete)(struct tc_store *s, const char *path, const struct tc_audit *a);
    tc_err (*resource_list)(struct tc_store *s, json_t **paths);

    /* kind: "resource" (resource policies, id = policy id) or "appraisal" (id = TEE). */
    tc_err (*policy_put)(struct tc_store *s, const char *kind, const char *id, const char *doc,
                         time_t now, const struct tc_audit *a);
    tc_err (*policy_get)(struct tc_store *s, const char *kind, const char *id, char **doc);
    tc_err (*policy_delete)(struct tc_store *s, const char *kind, const char *id,
                            const struct tc_audit *a);
    /* All documents of a kind as a JSON array of parsed objects. */
    tc_err (*policy_list)(struct tc_store *s, const char *kind, json_t **docs);

    /* Reference values: tee, name -> JSON array of values. */
    tc_err (*refval_put)(struct tc_store *s, const char *tee, const char *name, const char *values,
                         time_t now, const struct tc_audit *a);
    tc_err (*refvals_get)(struct tc_store *s, const char *tee, json_t **obj);

    /* Small named blobs (the broker signing key). put_new fails with MISMATCH if present. */
    tc_err (*kv_get)(struct tc_store *s, const char *name, uint8_t **data, size_t *len);
    tc_err (*kv_put_new)(struct tc_store *s, const char *name, const uint8_t *data, size_t len);

    tc_err (*audit)(struct tc_store *s, const struct tc_audit *a);
    /* A counter that every policy or reference-value write increments in its transaction:
     * lets a process cache parsed policies and revalidate them with one cheap read. */
    tc_err (*config_generation)(struct tc_store *s, uint64_t *gen);
    /* Housekeeping (one thread only, never concurrently with itself): move the write-ahead
     * log into the database.  May be a no-op for engines without one. */
    tc_err (*checkpoint)(struct tc_store *s);
    /* Records with id > after, at most limit, oldest first. */
    tc_err (*audit_list)(struct tc_store *s, int64_t after, size_t limit, json_t **records);
};

struct tc_store {
    const struct tc_store_ops *ops;
};

struct tc_store_opts {
    int sync_full; /* fsync every commit (synchronous=FULL) instead of NORMAL */
};

/* Open (creating if needed) a SQLite store at path. */
TC_MUST_USE tc_err tc_store_open_sqlite(const char *path, const struct tc_store_opts *opts,
                                        struct tc_store **out);

static inline void tc_store_close(struct tc_store *s)
{
    if (s != NULL) {
        s->ops->close(s);
    }
}

#endif
