/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite store backend (WAL).  One connection, its prepared statements
 * cached, every operation under one mutex: SQLite has one writer at a time
 * anyway, and a shared connection keeps one warm page cache (per-thread
 * connections re-read every page another thread's commit touched, which cost
 * a third of the broker's time under load) and avoids SQLite's sleeping busy
 * handler.  The file is opened in EXCLUSIVE locking mode: one broker process
 * owns it (a second one on the same file fails to start, instead of sharing
 * it), and transactions skip the per-commit file locks and shared-memory
 * index, about 20% of the broker's CPU per attestation.  Read the live store
 * through the admin API; several replicas need a shared engine (PostgreSQL)
 * behind the same tc_store_ops.  The page cache is 16 MiB and the file is not memory-mapped, so the
 * broker's memory does not grow with the store.
 * Every write that carries an audit record commits it in the same
 * transaction.  The audit table is append-only: triggers abort UPDATE and
 * DELETE.  secure_delete overwrites freed pages so deleted or replaced
 * secrets do not linger in the file.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker/sqlite_lazy.h"
#include "broker/store.h"
#include "trustchain/util.h"

enum stmt_id {
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_SESSION_INSERT,
    ST_SESSION_GET,
    ST_SESSION_PURGE,
    ST_SESSION_COUNT,
    ST_RESOURCE_PUT,
    ST_RESOURCE_GET,
    ST_RESOURCE_DELETE,
    ST_RESOURCE_LIST,
    ST_POLICY_PUT,
    ST_POLICY_GET,
    ST_POLICY_DELETE,
    ST_POLICY_LIST,
    ST_REFVAL_PUT,
    ST_REFVALS_GET,
    ST_KV_GET,
    ST_KV_PUT_NEW,
    ST_AUDIT,
    ST_AUDIT_LIST,
    ST_CONFIG_BUMP,
    ST_CONFIG_GET,
    ST_COUNT_
};

static const char *const stmt_sql[ST_COUNT_] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_SESSION_INSERT] = "INSERT INTO sessions(id,tee,created,expires,sim,claims) "
                          "VALUES(?1,?2,?3,?4,?5,?6)",
    [ST_SESSION_GET] = "SELECT tee,created,expires,sim,claims "
                       "FROM sessions WHERE id=?1 AND expires>?2",
    [ST_SESSION_PURGE] = "DELETE FROM sessions WHERE expires<=?1",
    [ST_SESSION_COUNT] = "SELECT count(*) FROM sessions WHERE expires>?1",
    [ST_RESOURCE_PUT] = "INSERT INTO resources(path,data,updated) VALUES(?1,?2,?3) "
                        "ON CONFLICT(path) DO UPDATE SET data=excluded.data,"
                        "updated=excluded.updated",
    [ST_RESOURCE_GET] = "SELECT data FROM resources WHERE path=?1",
    [ST_RESOURCE_DELETE] = "DELETE FROM resources WHERE path=?1",
    [ST_RESOURCE_LIST] = "SELECT path FROM resources ORDER BY path",
    [ST_POLICY_PUT] =
        "INSERT INTO policies(kind,id,doc,updated) VALUES(?1,?2,?3,?4) "
        "ON CONFLICT(kind,id) DO UPDATE SET doc=excluded.doc,updated=excluded.updated",
    [ST_POLICY_GET] = "SELECT doc FROM policies WHERE kind=?1 AND id=?2",
    [ST_POLICY_DELETE] = "DELETE FROM policies WHERE kind=?1 AND id=?2",
    [ST_POLICY_LIST] = "SELECT doc FROM policies WHERE kind=?1 ORDER BY id",
    [ST_REFVAL_PUT] = "INSERT INTO refvals(tee,name,vals,updated) VALUES(?1,?2,?3,?4) "
                      "ON CONFLICT(tee,name) DO UPDATE SET vals=excluded.vals,"
                      "updated=excluded.updated",
    [ST_REFVALS_GET] = "SELECT name,vals FROM refvals WHERE tee=?1",
    [ST_KV_GET] = "SELECT value FROM kv WHERE name=?1",
    [ST_KV_PUT_NEW] = "INSERT INTO kv(name,value) VALUES(?1,?2)",
    [ST_AUDIT] = "INSERT INTO audit(ts,event,outcome,status,session,tee,sim,resource,evidence,"
                 "client,reason) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
    [ST_AUDIT_LIST] = "SELECT id,ts,event,outcome,status,session,tee,sim,resource,evidence,"
                      "client,reason FROM audit WHERE id>?1 ORDER BY id LIMIT ?2",
    [ST_CONFIG_BUMP] = "UPDATE meta SET v=CAST(v AS INTEGER)+1 WHERE k='config'",
    [ST_CONFIG_GET] = "SELECT CAST(v AS INTEGER) FROM meta WHERE k='config'",
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);"
    "INSERT OR IGNORE INTO meta(k,v) VALUES('schema','1');"
    "INSERT OR IGNORE INTO meta(k,v) VALUES('config','0');"
    "CREATE TABLE IF NOT EXISTS sessions(id TEXT PRIMARY KEY, tee TEXT NOT NULL,"
    " created INTEGER NOT NULL, expires INTEGER NOT NULL, sim INTEGER NOT NULL DEFAULT 0,"
    " claims TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS sessions_expires ON sessions(expires);"
    "CREATE TABLE IF NOT EXISTS resources(path TEXT PRIMARY KEY, data BLOB NOT NULL,"
    " updated INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS policies(kind TEXT NOT NULL, id TEXT NOT NULL,"
    " doc TEXT NOT NULL, updated INTEGER NOT NULL, PRIMARY KEY(kind,id));"
    "CREATE TABLE IF NOT EXISTS refvals(tee TEXT NOT NULL, name TEXT NOT NULL,"
    " vals TEXT NOT NULL, updated INTEGER NOT NULL, PRIMARY KEY(tee,name));"
    "CREATE TABLE IF NOT EXISTS kv(name TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS audit(id INTEGER PRIMARY KEY,"
    " ts INTEGER NOT NULL, event TEXT NOT NULL, outcome TEXT NOT NULL, status INTEGER,"
    " session TEXT, tee TEXT, sim INTEGER, resource TEXT, evidence TEXT, client TEXT,"
    " reason TEXT);"
    "CREATE TRIGGER IF NOT EXISTS audit_append_only_u BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS audit_append_only_d BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;";

struct conn {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT_];
    int last_rc; /* extended result code of the last failed step */
};

struct sqlite_store {
    struct tc_store base;
    char *path;
    int sync_full;
    pthread_mutex_t lock; /* the one connection: every operation holds it */
    struct conn *conn;
    int gen_valid; /* gen is the meta 'config' value as of data version gen_dv */
    unsigned int gen_dv;
    uint64_t gen;
};

static tc_err db_fail(sqlite3 *db, const char *what)
{
    return tc_fail(TC_ERR_STORE, "sqlite: %s: %s", what, db != NULL ? sqlite3_errmsg(db) : "?");
}

static void conn_close(struct conn *c)
{
    int i;

    for (i = 0; i < ST_COUNT_; i++) {
        sqlite3_finalize(c->st[i]);
    }
    sqlite3_close(c->db);
    free(c);
}

static tc_err conn_open(struct sqlite_store *s, struct conn **out)
{
    struct conn *c = calloc(1, sizeof(*c));
    char pragmas[256];
    char *msg = NULL;
    tc_err le;

    if ((le = tc_sqlite_load()) != TC_ERR_OK) {
        free(c);
        return le;
    }
    if (c == NULL) {
        return tc_fail(TC_ERR_NOMEM, "sqlite connection");
    }
    if (sqlite3_open_v2(s->path, &c->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        tc_err e = db_fail(c->db, s->path);

        conn_close(c);
        return e;
    }
    sqlite3_busy_timeout(c->db, 2000);
    snprintf(pragmas, sizeof(pragmas),
             "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA secure_delete=ON;"
             "PRAGMA foreign_keys=OFF; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=0;"
             "PRAGMA cache_size=-16384; PRAGMA wal_autocheckpoint=16384;"
             "PRAGMA locking_mode=EXCLUSIVE;"
             "PRAGMA journal_size_limit=67108864;",
             s->sync_full ? "FULL" : "NORMAL");
    if (sqlite3_exec(c->db, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
        tc_err e = tc_fail(TC_ERR_STORE, "sqlite: %s: %s", s->path, msg ? msg : "pragma");

        sqlite3_free(msg);
        conn_close(c);
        return e;
    }
    *out = c;
    return TC_ERR_OK;
}

static tc_err conn_get(struct sqlite_store *s, struct conn **out)
{
    *out = s->conn;
    return TC_ERR_OK;
}

static tc_err stmt(struct conn *c, enum stmt_id id, sqlite3_stmt **out)
{
    if (c->st[id] == NULL && sqlite3_prepare_v3(c->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                                &c->st[id], NULL) != SQLITE_OK) {
        return db_fail(c->db, stmt_sql[id]);
    }
    sqlite3_reset(c->st[id]);
    sqlite3_clear_bindings(c->st[id]);
    *out = c->st[id];
    return TC_ERR_OK;
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
    return s != NULL ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

/* Run a statement that returns no rows; *changes (optional) receives the row count. */
static tc_err run(struct conn *c, sqlite3_stmt *st, int *changes)
{
    int rc = sqlite3_step(st);

    if (rc != SQLITE_DONE) {
        tc_err e;

        c->last_rc = sqlite3_extended_errcode(c->db);
        e = db_fail(c->db, sqlite3_sql(st));
        sqlite3_reset(st);
        return e;
    }
    sqlite3_reset(st);
    if (changes != NULL) {
        *changes = sqlite3_changes(c->db);
    }
    return TC_ERR_OK;
}

static tc_err simple(struct conn *c, enum stmt_id id)
{
    sqlite3_stmt *st;
    tc_err e = stmt(c, id, &st);

    return e == TC_ERR_OK ? run(c, st, NULL) : e;
}

static tc_err audit_insert(struct conn *c, const struct tc_audit *a)
{
    sqlite3_stmt *st;
    tc_err e;

    if (a == NULL) {
        return TC_ERR_OK;
    }
    if ((e = stmt(c, ST_AUDIT, &st)) != TC_ERR_OK) {
        return e;
    }
    sqlite3_bind_int64(st, 1, (sqlite3_int64)a->ts);
    bind_text(st, 2, a->event != NULL ? a->event : "?");
    bind_text(st, 3, a->outcome != NULL ? a->outcome : "?");
    sqlite3_bind_int(st, 4, a->status);
    bind_text(st, 5, a->session);
    bind_text(st, 6, a->tee);
    sqlite3_bind_int(st, 7, a->simulated);
    bind_text(st, 8, a->resource);
    bind_text(st, 9, a->evidence);
    bind_text(st, 10, a->client);
    bind_text(st, 11, a->reason);
    return run(c, st, NULL);
}

/*
 * A write transaction: lock, BEGIN IMMEDIATE, the caller's statement (already
 * bound), the audit record, COMMIT.  *changes receives the statement's row count.
 */
static tc_err write_tx_bump(struct sqlite_store *s, struct conn *c, sqlite3_stmt *st,
                            const struct tc_audit *a, int *changes, int bump)
{
    tc_err e;

    if ((e = simple(c, ST_BEGIN)) != TC_ERR_OK) {
        return e;
    }
    if (bump) {
        s->gen_valid = 0;
    }
    if ((st != NULL && (e = run(c, st, changes)) != TC_ERR_OK) ||
        (bump && (e = simple(c, ST_CONFIG_BUMP)) != TC_ERR_OK) ||
        (e = audit_insert(c, a)) != TC_ERR_OK || (e = simple(c, ST_COMMIT)) != TC_ERR_OK) {
        char why[512];

        snprintf(why, sizeof(why), "%s", tc_err_detail());
        (void)simple(c, ST_ROLLBACK);
        e = tc_fail(e, "%s", why);
    }
    (void)s;
    return e;
}

static tc_err write_tx(struct sqlite_store *s, struct conn *c, sqlite3_stmt *st,
                       const struct tc_audit *a, int *changes)
{
    return write_tx_bump(s, c, st, a, changes, 0);
}

#define S(st) ((struct sqlite_store *)(st))
#define CONN(s, c)                                                                                 \
    do {                                                                                           \
        tc_err ce_ = conn_get(S(s), &(c));                                                         \
        if (ce_ != TC_ERR_OK) {                                                                    \
            return ce_;                                                                            \
        }                                                                                          \
    } while (0)

static char *col_strdup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t != NULL ? strdup((const char *)t) : NULL;
}

void tc_session_clear(struct tc_session *s)
{
    free(s->claims);
    memset(s, 0, sizeof(*s));
}

static tc_err sq_session_insert(struct tc_store *s, const struct tc_session *ss,
                                const struct tc_audit *a)
{
    struct conn *c;
    sqlite3_stmt *st;
    tc_err e;

    CONN(s, c);
    if ((e = stmt(c, ST_SESSION_INSERT, &st)) != TC_ERR_OK) {
        return e;
    }
    bind_text(st, 1, ss->id);
    bind_text(st, 2, ss->tee);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)ss->created);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)ss->expires);
    sqlite3_bind_int(st, 5, ss->simulated);
    bind_text(st, 6, ss->claims);
    c->last_rc = 0;
    e = write_tx(S(s), c, st, a, NULL);
    if (e != TC_ERR_OK &&
        (c->last_rc == SQLITE_CONSTRAINT_PRIMARYKEY || c->last_rc == SQLITE_CONSTRAINT_UNIQUE)) {
        return tc_fail(TC_ERR_MISMATCH, "session %s exists: its nonce was already used", ss->id);
    }
    return e;
}

static tc_err sq_session_get(struct tc_store *s, const char *id, time_t now, struct tc_session *out)
{
    struct conn *c;
    sqlite3_stmt *st;
    int rc;
    tc_err e;

    CONN(s, c);
    memset(out, 0, sizeof(*out));
    if ((e = stmt(c, ST_SESSION_GET, &st)) != TC_ERR_OK) {
        return e;
    }
    bind_text(st, 1, id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return tc_fail(TC_ERR_NOT_FOUND, "session not found or expired");
    }
    if (rc != SQLITE_ROW) {
        e = db_fail(c->db, "session get");
        sqlite3_reset(st);
        return e;
    }
    snprintf(out->id, sizeof(out->id), "%s", id);
    snprintf(out->tee, sizeof(out->tee), "%s", (const char *)sqlite3_column_text(st, 0));
    out->created = (time_t)sqlite3_column_int64(st, 1);
    out->expires = (time_t)sqlite3_column_int64(st, 2);
    out->simulated = sqlite3_column_int(st, 3);
    out->claims = col_strdup(st, 4);
    sqlite3_reset(st);
    return TC_ERR_OK;
}

static tc_err sq_session_purge(struct tc_store *s, time_t now, size_t *purged)
{
    struct conn *c;
    sqlite3_stmt *st;
    int changes = 0;
    tc_err e;

    CONN(s, c);
    if ((e = stmt(c, ST_SESSION_PURGE, &st)) != TC_ERR_OK) {
        return e;
    }
    sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
    e = write_tx(S(s), c, st, NULL, &changes);
    if (purged != NULL) {
        *purged = (size_t)changes;
    }
    return e;
}

static tc_err sq_session_count(struct tc_store *s, time_t now, size_t *n)
{
    struct conn *c;
    sqlite3_stmt *st;
    tc_err e;

    CONN(s, c);
    if ((e = stmt(c, ST_SESSION_COUNT, &st)) != TC_ERR_OK) {
        return e;
    }
    sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
    if (sqlite3_step(st) != SQLITE_ROW) {
        e = db_fail(c->db, "session count");
    } else {
        *n = (size_t)sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    return e;
}

static tc_err sq_resource_put(struct tc_store *s, const char *path, const uint8_t *data, size_t len,
                              time_t now, const struct tc_audit *a)
{
    struct conn *c;
    sqlite3_stmt *st;
    tc_err e;

    CONN(s, c);
    if ((e = stmt(c, ST_RESOURCE_PUT, &st)) != TC_ERR_OK) {
        return e;
    }
    bind_text(st, 1, path);
    sqlite3_bind_blob(st, 2, len > 0 ? data : (const void *)"", (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
    e = write_tx(S(s), c, st, a, NULL);
    sqlite3_clear_bindings(st);
    return e;
}

static tc_err sq_resource_get(struct tc_store *s, const char *path, uint8_t **data, size_t *len)
{
    struct conn *c;
    sqlite3_stmt *st;
    int rc;
    tc_err e;

    CONN(s, c);
    if ((e = stmt(c, ST_RESOURCE_GET, &st)) != TC_ERR_OK) {
        return e;
    }
    bind_text(st, 1, path);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const void *b = sqlite3_column_blob(st, 0);
        int n = sqlite3_column_bytes(st, 0);
        uint8_t *p = malloc(n > 0 ? (size_t)n : 1);

        if (p == NULL) {
            e = tc_fail(TC_ERR_NOMEM, "resource");
        } else {
            if (n > 0) {
                memcpy(p, b, (size_t)n);
            }
            *data = p;
            *len = (size_t)n;
        }
    } else if (rc == SQLITE_DONE) {
        e = tc_fail(TC_ERR_NOT_FOUND, "resource %s not found", path);
    } else {
        e = db_fail(c->db, "resource get");
    }
    sqlite3_reset(st);
    return e;
}

static tc_err sq_resource_delete(struct tc_store *s, const char *path, const struct tc_audit *a)
{
    struct conn *c;
    sqlite3_stmt *st;
    int changes = 0;
    tc_err e;

    CONN(s, c);
    if ((e = stmt(c, ST_RESOURCE_DELETE, &st)) != TC_ERR_OK) {
        return e;
    }
    bind_text(st, 1, path);
    if ((e = write_tx(S(s), c, st, a, &changes)) != TC_ERR_OK) {
        return e;
    }
    return changes == 1 ? TC_ERR_OK : tc_fail(TC_ERR_NOT_FOUND, "resource %s not found", path);
}

/* Collect column 0 of every row (as strings, or parsed JSON when parse is set). */
static tc_err collect(struct conn *c, sqlite3_stmt *st, int parse, json_t **out)
{
    json_t *arr = json_array();
    int rc;
    tc_err e = TC_ERR_OK;

    if (arr == NULL) {
        sqlite3_reset(st);
        return tc_fail(TC_ERR_NOMEM, "store list");
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        json_t *v;

        if (parse) {
            json_error_t jerr;

            v = json_loads(t != NULL ? t : "null", 0, &jerr);
        } else {
            v = json_string(t != NULL ? t : "");
        }
        if (v != NULL) {
            json_array_append_new(arr, v);
        }
    }
    if (rc != SQLITE_DONE) {
        e = db_fail(c->db, "list");
        json_decref(arr);
    } else {
        *out = arr;
    }
    sqlite3_reset(st);
    return e;
}

static tc_err sq_resource_list(struct tc_store *s, json_t **paths)
{
    struct conn *c;
    sqlite3_stmt *st;
    tc_err e;

    CONN(s, c);
    if ((e = stmt(c, ST_RESOURCE_LIST, &st)) != TC_ERR_OK) {
        return e;
    }
    return collect(c, st, 0, paths);
}

static tc_err sq_policy_put(struct tc_store *s, const char *kind, const char *id, const char *doc,
                            time_t now, const struct tc_audit *a)
{
    struct conn *c;
    sqlite3_stmt *st;
    tc_err e;

    CONN(s, c);
    if ((e = stmt(c, ST_POLICY_PUT, &st)) != TC_ERR_OK) {
        return e;
    }
    bind_text(st, 1, kind);
    bind_text(st, 2, id);
    bind_text(st, 3, doc);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
    return write_tx_bump(S(s), c, st, a, NULL, 1);
}

static tc_err sq_policy_get(struct tc_store *s, const char *kind, const char *id, char **doc)
{
    struct conn *c;
    sqlite3_stmt *st;
    int rc;
    tc_err e;

    CONN(s, c);
    if ((e = stmt(c, ST_POLICY_GET, &st)) != TC_ERR_OK) {
        return e;
    }
    bind_text(st, 1, kind);
    bind_text(st, 2, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *doc = col_strdup(st, 0);
        e = *doc != NULL ? TC_ERR_OK : tc_fail(TC_ERR_NOMEM, "policy");
    } else if (rc == SQLITE_DONE) {
        e = tc_fail(TC_ERR_NOT_FOUND, "%s policy %s not found", kind, id);
    } else {
        e = db_fail(c->db, "policy get");
    }
    sqlite3_reset(st);
    return e;
}

static tc_err sq_policy_delete(struct tc_store *s, const char *kind, const char *id,
                               const struct tc_audit *a)
{
    struct conn *c;
    sqlite3_stmt *st;
    int changes = 0;
    tc_err e;

    CONN(s, c);
    if ((e = stmt(c, ST_POLICY_DELETE, &st)) != TC_ERR_OK) {
        return e;
    }
    bind_text(st, 1, kind);
    bind_text(st, 2, id);
    if ((e = write_tx_bump(S(s), c, st, a, &changes, 1)) != TC_ERR_OK) {
        return e;
    }
    return changes == 1 ? TC_ERR_OK : tc_fail(TC_ERR_NOT_FOUND, "%s policy %s not found", kind, id);
}

static tc_err sq_policy_list(struct tc_store *s, const char *kind, json_t **docs)
{
    struct conn *c;
    sqlite3_stmt *st;
    tc_err e;

    CONN(s, c);
    if ((e = stmt(c, ST_POLICY_LIST, &st)) != TC_ERR_OK) {
        return e;
    }
    bind_text(st, 1, kind);
    return collect(c, st, 1, docs);
}

static tc_err sq_refval_put(struct tc_store *s, const char *tee, const char *name,
                            const char *values, time_t now, const struct tc_audit *a)
{
    struct conn *c;
    sqlite3_stmt *st;
    tc_err e;

    CONN(s, c);
    if ((e = stmt(c, ST_REFVAL_PUT, &st)) != TC_ERR_OK) {
        return e;
    }
    bind_text(st, 1, tee);
    bind_text(st, 2, name);
    bind_text(st, 3, values);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
    return write_tx_bump(S(s), c, st, a, NULL, 1);
}

static tc_err sq_refvals_get(struct tc_store *s, const char *tee, json_t **obj)
{
    struct conn *c;
    sqlite3_stmt *st;
    json_t *o = json_object();
    int rc;
    tc_err e;

    CONN(s, c);
    if (o == NULL) {
        return tc_fail(TC_ERR_NOMEM, "refvals");
    }
    if ((e = stmt(c, ST_REFVALS_GET, &st)) != TC_ERR_OK) {
        json_decref(o);
        return e;
    }
    bind_text(st, 1, tee);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_error_t jerr;
        json_t *v = json_loads((const char *)sqlite3_column_text(st, 1), 0, &jerr);

        if (v != NULL) {
            json_object_set_new(o, (const char *)sqlite3_column_text(st, 0), v);
        }
    }
    if (rc != SQLITE_DONE) {
        e = db_fail(c->db, "refvals");
        json_decref(o);
    } else {
        *obj = o;
    }
    sqlite3_reset(st);
    return e;
}

static tc_err sq_kv_get(struct tc_store *s, const char *name, uint8_t **data, size_t *len)
{
    struct conn *c;
    sqlite3_stmt *st;
    int rc;
    tc_err e;

    CONN(s, c);
    if ((e = stmt(c, ST_KV_GET, &st)) != TC_ERR_OK) {
        return e;
    }
    bind_text(st, 1, name);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int n = sqlite3_column_bytes(st, 0);
        uint8_t *p = malloc((size_t)n + 1);

        if (p == NULL) {
            e = tc_fail(TC_ERR_NOMEM, "kv");
        } else {
            memcpy(p, sqlite3_column_blob(st, 0), (size_t)n);
            p[n] = '\0';
            *data = p;
            *len = (size_t)n;
        }
    } else if (rc == SQLITE_DONE) {
        e = tc_fail(TC_ERR_NOT_FOUND, "%s not in the store", name);
    } else {
        e = db_fail(c->db, "kv get");
    }
    sqlite3_reset(st);
    return e;
}

static tc_err sq_kv_put_new(struct tc_store *s, const char *name, const uint8_t *data, size_t len)
{
    struct conn *c;
    sqlite3_stmt *st;
    tc_err e;

    CONN(s, c);
    if ((e = stmt(c, ST_KV_PUT_NEW, &st)) != TC_ERR_OK) {
        return e;
    }
    bind_text(st, 1, name);
    sqlite3_bind_blob(st, 2, data, (int)len, SQLITE_STATIC);
    c->last_rc = 0;
    e = write_tx(S(s), c, st, NULL, NULL);
    sqlite3_clear_bindings(st);
    if (e != TC_ERR_OK && c->last_rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return tc_fail(TC_ERR_MISMATCH, "%s already in the store", name);
    }
    return e;
}

static tc_err sq_audit(struct tc_store *s, const struct tc_audit *a)
{
    struct conn *c;

    CONN(s, c);
    return write_tx(S(s), c, NULL, a, NULL);
}

static tc_err sq_audit_list(struct tc_store *s, int64_t after, size_t limit, json_t **records)
{
    static const char *const cols[] = {"id",       "ts",       "event",  "outcome",
                                       "status",   "session",  "tee",    "simulated",
                                       "resource", "evidence", "client", "reason"};
    struct conn *c;
    sqlite3_stmt *st;
    json_t *arr = json_array();
    int rc, i;
    tc_err e;

    CONN(s, c);
    if (arr == NULL) {
        return tc_fail(TC_ERR_NOMEM, "audit");
    }
    if ((e = stmt(c, ST_AUDIT_LIST, &st)) != TC_ERR_OK) {
        json_decref(arr);
        return e;
    }
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = json_object();

        for (i = 0; o != NULL && i < 12; i++) {
            json_t *v = NULL;

            switch (sqlite3_column_type(st, i)) {
            case SQLITE_INTEGER:
                v = i == 7 ? json_boolean(sqlite3_column_int(st, i))
                           : json_integer(sqlite3_column_int64(st, i));
                break;
            case SQLITE_TEXT:
                v = json_string((const char *)sqlite3_column_text(st, i));
                break;
            default:
                break;
            }
            if (v != NULL) {
                json_object_set_new(o, cols[i], v);
            }
        }
        if (o != NULL) {
            json_array_append_new(arr, o);
        }
    }
    if (rc != SQLITE_DONE) {
        e = db_fail(c->db, "audit list");
        json_decref(arr);
    } else {
        *records = arr;
    }
    sqlite3_reset(st);
    return e;
}

/*
 * The config generation is read from the meta table only when it may have changed: after a
 * policy or reference value write through this store, or when SQLite's data version says
 * another connection (another process) committed something.  Every request asks, so this
 * saves a statement on the hot path.
 */
static tc_err sq_config_generation(struct tc_store *s, uint64_t *gen)
{
    struct sqlite_store *ss = S(s);
    struct conn *c;
    sqlite3_stmt *st;
    unsigned int dv = 0;
    tc_err e;

    CONN(s, c);
    if (sqlite3_file_control(c->db, "main", SQLITE_FCNTL_DATA_VERSION, &dv) != SQLITE_OK) {
        ss->gen_valid = 0;
    }
    if (ss->gen_valid && dv == ss->gen_dv) {
        *gen = ss->gen;
        return TC_ERR_OK;
    }
    if ((e = stmt(c, ST_CONFIG_GET, &st)) != TC_ERR_OK) {
        return e;
    }
    if (sqlite3_step(st) != SQLITE_ROW) {
        e = db_fail(c->db, "config generation");
    } else {
        *gen = ss->gen = (uint64_t)sqlite3_column_int64(st, 0);
        ss->gen_dv = dv;
        ss->gen_valid = 1;
    }
    sqlite3_reset(st);
    return e;
}

/*
 * WAL checkpoints run from the service's housekeeping thread (tc_broker_tick, once a second)
 * rather than inside whichever request's commit crosses SQLite's threshold.  With the file
 * held exclusively there are no other readers, so a PASSIVE checkpoint copies every frame and
 * the next commit starts the log over from its beginning: the log file stays allocated, small
 * and warm, and a page rewritten many times in a second is copied once.  It holds the store
 * lock for its duration.  wal_autocheckpoint (64 MiB) remains as a backstop for programs that
 * never call the housekeeping.
 */
static tc_err sq_checkpoint(struct tc_store *st)
{
    struct sqlite_store *s = S(st);
    int log = 0, done = 0, rc;

    pthread_mutex_lock(&s->lock);
    rc = sqlite3_wal_checkpoint_v2(s->conn->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    pthread_mutex_unlock(&s->lock);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
        return db_fail(s->conn->db, "checkpoint");
    }
    return TC_ERR_OK;
}

static void sq_close(struct tc_store *st)
{
    struct sqlite_store *s = S(st);

    if (s->conn != NULL) {
        conn_close(s->conn);
    }
    pthread_mutex_destroy(&s->lock);
    free(s->path);
    free(s);
}

/* Every operation runs under the store lock (one connection, warm page cache). */
#define LOCKED(name, params, args)                                                                 \
    static tc_err locked_##name params                                                             \
    {                                                                                              \
        tc_err e_;                                                                                 \
        pthread_mutex_lock(&S(s)->lock);                                                           \
        e_ = sq_##name args;                                                                       \
        pthread_mutex_unlock(&S(s)->lock);                                                         \
        return e_;                                                                                 \
    }

LOCKED(session_insert, (struct tc_store * s, const struct tc_session *ss, const struct tc_audit *a),
       (s, ss, a))
LOCKED(session_get, (struct tc_store * s, const char *id, time_t now, struct tc_session *out),
       (s, id, now, out))
LOCKED(session_purge, (struct tc_store * s, time_t now, size_t *purged), (s, now, purged))
LOCKED(session_count, (struct tc_store * s, time_t now, size_t *n), (s, now, n))
LOCKED(resource_put,
       (struct tc_store * s, const char *path, const uint8_t *data, size_t len, time_t now,
        const struct tc_audit *a),
       (s, path, data, len, now, a))
LOCKED(resource_get, (struct tc_store * s, const char *path, uint8_t **data, size_t *len),
       (s, path, data, len))
LOCKED(resource_delete, (struct tc_store * s, const char *path, const struct tc_audit *a),
       (s, path, a))
LOCKED(resource_list, (struct tc_store * s, json_t **paths), (s, paths))
LOCKED(policy_put,
       (struct tc_store * s, const char *kind, const char *id, const char *doc, time_t now,
        const struct tc_audit *a),
       (s, kind, id, doc, now, a))
LOCKED(policy_get, (struct tc_store * s, const char *kind, const char *id, char **doc),
       (s, kind, id, doc))
LOCKED(policy_delete,
       (struct tc_store * s, const char *kind, const char *id, const struct tc_audit *a),
       (s, kind, id, a))
LOCKED(policy_list, (struct tc_store * s, const char *kind, json_t **docs), (s, kind, docs))
LOCKED(refval_put,
       (struct tc_store * s, const char *tee, const char *name, const char *values, time_t now,
        const struct tc_audit *a),
       (s, tee, name, values, now, a))
LOCKED(refvals_get, (struct tc_store * s, const char *tee, json_t **obj), (s, tee, obj))
LOCKED(kv_get, (struct tc_store * s, const char *name, uint8_t **data, size_t *len),
       (s, name, data, len))
LOCKED(kv_put_new, (struct tc_store * s, const char *name, const uint8_t *data, size_t len),
       (s, name, data, len))
LOCKED(audit, (struct tc_store * s, const struct tc_audit *a), (s, a))
LOCKED(config_generation, (struct tc_store * s, uint64_t *gen), (s, gen))
LOCKED(audit_list, (struct tc_store * s, int64_t after, size_t limit, json_t **records),
       (s, after, limit, records))

static const struct tc_store_ops sqlite_ops = {
    .name = "sqlite",
    .close = sq_close,
    .session_insert = locked_session_insert,
    .session_get = locked_session_get,
    .session_purge = locked_session_purge,
    .session_count = locked_session_count,
    .resource_put = locked_resource_put,
    .resource_get = locked_resource_get,
    .resource_delete = locked_resource_delete,
    .resource_list = locked_resource_list,
    .policy_put = locked_policy_put,
    .policy_get = locked_policy_get,
    .policy_delete = locked_policy_delete,
    .policy_list = locked_policy_list,
    .refval_put = locked_refval_put,
    .refvals_get = locked_refvals_get,
    .kv_get = locked_kv_get,
    .kv_put_new = locked_kv_put_new,
    .audit = locked_audit,
    .config_generation = locked_config_generation,
    .checkpoint = sq_checkpoint,
    .audit_list = locked_audit_list,
};

tc_err tc_store_open_sqlite(const char *path, const struct tc_store_opts *opts,
                            struct tc_store **out)
{
    struct sqlite_store *s = calloc(1, sizeof(*s));
    char *msg = NULL;
    tc_err e;

    if (s == NULL || (s->path = strdup(path)) == NULL) {
        free(s);
        return tc_fail(TC_ERR_NOMEM, "store");
    }
    s->base.ops = &sqlite_ops;
    s->sync_full = opts != NULL && opts->sync_full;
    pthread_mutex_init(&s->lock, NULL);
    if ((e = conn_open(s, &s->conn)) != TC_ERR_OK) {
        sq_close(&s->base);
        return e;
    }
    if (sqlite3_exec(s->conn->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
        e = tc_fail(TC_ERR_STORE, "sqlite: %s: schema: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        sq_close(&s->base);
        return e;
    }
    *out = &s->base;
    return TC_ERR_OK;
}
