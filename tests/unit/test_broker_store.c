/* SPDX-License-Identifier: Apache-2.0 */
/* The SQLite store: every operation, persistence across reopen, append-only audit, and
 * resource policy decisions. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "broker/policy.h"
#include "broker/store.h"
#include "harness.h"

static char dir[] = "/tmp/tc-store-XXXXXX";
static char path[256];

static struct tc_audit audit(const char *event)
{
    struct tc_audit a;

    memset(&a, 0, sizeof(a));
    a.ts = 100;
    a.event = event;
    a.outcome = "ok";
    a.status = 200;
    a.client = "127.0.0.1";
    return a;
}

static void test_ops(void)
{
    struct tc_store *s = NULL;
    struct tc_session ss, got;
    struct tc_audit a = audit("t");
    uint8_t *data = NULL;
    size_t len = 0, n = 0;
    json_t *j = NULL;
    char *doc = NULL;
    uint64_t g0 = 0, g1 = 0;

    CHECK_OK(tc_store_open_sqlite(path, NULL, &s), "store opens (created)");
    if (s == NULL) {
        return;
    }
    memset(&ss, 0, sizeof(ss));
    snprintf(ss.id, sizeof(ss.id), "0123456789abcdef0123456789abcdef");
    snprintf(ss.tee, sizeof(ss.tee), "sim");
    ss.created = 100;
    ss.expires = 400;
    ss.simulated = 1;
    ss.claims = "{\"a\":1}";
    CHECK_OK(s->ops->session_insert(s, &ss, &a), "session inserted");
    CHECK_ERR(s->ops->session_insert(s, &ss, &a), TC_ERR_MISMATCH,
              "the same session id twice: the nonce is single-use");
    CHECK_OK(s->ops->session_get(s, ss.id, 399, &got), "session read");
    CHECK(strcmp(got.tee, "sim") == 0 && got.simulated && got.claims &&
              strcmp(got.claims, "{\"a\":1}") == 0 && got.expires == 400,
          "session fields");
    tc_session_clear(&got);
    CHECK_ERR(s->ops->session_get(s, ss.id, 400, &got), TC_ERR_NOT_FOUND,
              "an expired session is not found");
    CHECK_ERR(s->ops->session_get(s, "ffffffffffffffffffffffffffffffff", 1, &got), TC_ERR_NOT_FOUND,
              "unknown session");
    CHECK(s->ops->session_count(s, 200, &n) == TC_ERR_OK && n == 1, "one live session");
    CHECK(s->ops->session_purge(s, 500, &n) == TC_ERR_OK && n == 1, "expired session purged");
    CHECK(s->ops->session_count(s, 200, &n) == TC_ERR_OK && n == 0, "none left");

    a = audit("admin.resource.set");
    CHECK_OK(s->ops->resource_put(s, "r/t/g", (const uint8_t *)"secret\0bytes", 12, 100, &a),
             "resource stored (binary)");
    CHECK(s->ops->resource_get(s, "r/t/g", &data, &len) == TC_ERR_OK && len == 12 &&
              memcmp(data, "secret\0bytes", 12) == 0,
          "resource read back byte for byte");
    free(data);
    data = NULL;
    CHECK_OK(s->ops->resource_put(s, "r/t/g", (const uint8_t *)"v2", 2, 101, &a),
             "resource replaced");
    CHECK(s->ops->resource_get(s, "r/t/g", &data, &len) == TC_ERR_OK && len == 2, "new value");
    free(data);
    data = NULL;
    CHECK_ERR(s->ops->resource_get(s, "r/t/nope", &data, &len), TC_ERR_NOT_FOUND,
              "unknown resource");
    CHECK(s->ops->resource_list(s, &j) == TC_ERR_OK && json_array_size(j) == 1, "listed");
    json_decref(j);
    j = NULL;

    CHECK_OK(s->ops->config_generation(s, &g0), "config generation read");
    CHECK_OK(s->ops->policy_put(s, "resource", "p1", "{\"id\":\"p1\"}", 100, &a), "policy put");
    CHECK_OK(s->ops->config_generation(s, &g1), "config generation read again");
    CHECK(g1 == g0 + 1, "a policy write bumps the config generation");
    CHECK(s->ops->policy_get(s, "resource", "p1", &doc) == TC_ERR_OK &&
              strcmp(doc, "{\"id\":\"p1\"}") == 0,
          "policy read");
    free(doc);
    doc = NULL;
    CHECK_ERR(s->ops->policy_get(s, "appraisal", "p1", &doc), TC_ERR_NOT_FOUND,
              "kinds are separate");
    CHECK(s->ops->policy_list(s, "resource", &j) == TC_ERR_OK && json_array_size(j) == 1 &&
              json_is_object(json_array_get(j, 0)),
          "policies listed as parsed documents");
    json_decref(j);
    j = NULL;
    CHECK_OK(s->ops->refval_put(s, "sim", "measurement", "[\"aa\",\"bb\"]", 100, &a),
             "reference values put");
    CHECK(s->ops->refvals_get(s, "sim", &j) == TC_ERR_OK &&
              json_array_size(json_object_get(j, "measurement")) == 2,
          "reference values read");
    json_decref(j);
    j = NULL;
    CHECK_OK(s->ops->config_generation(s, &g0), "generation");
    CHECK(g0 == g1 + 1, "a reference value write bumps the generation");
    CHECK_OK(s->ops->kv_put_new(s, "k", (const uint8_t *)"v", 1), "kv put");
    CHECK_ERR(s->ops->kv_put_new(s, "k", (const uint8_t *)"w", 1), TC_ERR_MISMATCH,
              "kv put_new does not overwrite");
    CHECK_OK(s->ops->policy_delete(s, "resource", "p1", &a), "policy deleted");
    CHECK_ERR(s->ops->policy_delete(s, "resource", "p1", &a), TC_ERR_NOT_FOUND,
              "deleting twice: not found");
    CHECK_OK(s->ops->resource_delete(s, "r/t/g", &a), "resource deleted");
    CHECK(s->ops->audit_list(s, 0, 100, &j) == TC_ERR_OK && json_array_size(j) >= 8,
          "every write left an audit record (%zu)", json_array_size(j));
    json_decref(j);
    tc_store_close(s);
}

static void test_reopen(void)
{
    struct tc_store *s = NULL;
    json_t *j = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    sqlite3 *db = NULL;
    char *err = NULL;
    int rc;

    CHECK_OK(tc_store_open_sqlite(path, NULL, &s), "store reopens");
    if (s == NULL) {
        return;
    }
    CHECK(s->ops->refvals_get(s, "sim", &j) == TC_ERR_OK &&
              json_array_size(json_object_get(j, "measurement")) == 2,
          "reference values survived the reopen");
    json_decref(j);
    j = NULL;
    CHECK(s->ops->kv_get(s, "k", &data, &len) == TC_ERR_OK && len == 1 && data[0] == 'v',
          "kv survived");
    free(data);
    CHECK(s->ops->audit_list(s, 2, 3, &j) == TC_ERR_OK && json_array_size(j) == 3 &&
              json_integer_value(json_object_get(json_array_get(j, 0), "id")) == 3,
          "audit paging: after=2 limit=3");
    json_decref(j);
    tc_store_close(s);
    /* The audit log is append-only even for someone with the file. */
    if (sqlite3_open(path, &db) == SQLITE_OK) {
        rc = sqlite3_exec(db, "UPDATE audit SET outcome='x'", NULL, NULL, &err);
        CHECK(rc != SQLITE_OK && err != NULL && strstr(err, "append-only") != NULL,
              "UPDATE on the audit log aborts");
        sqlite3_free(err);
        err = NULL;
        rc = sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, &err);
        CHECK(rc != SQLITE_OK, "DELETE on the audit log aborts");
        sqlite3_free(err);
        rc = sqlite3_exec(db, "PRAGMA journal_mode", NULL, NULL, NULL);
        sqlite3_close(db);
    }
}

static json_t *J(const char *s)
{
    json_error_t jerr;

    return json_loads(s, 0, &jerr);
}

/* Check a policy document given as text. */
static tc_err check_text(const char *s)
{
    json_t *j = J(s);
    tc_err e = tc_resource_policy_check(j);

    json_decref(j);
    return e;
}

static int decide(json_t *docs, const char *p, json_t *claims, char *why)
{
    int allow = -1;

    if (tc_resource_policy_decide(docs, p, claims, &allow, why, 300) != TC_ERR_OK) {
        return -1;
    }
    return allow;
}

static void test_policies(void)
{
    json_t *claims = J("{\"submods\":{\"cpu0\":{\"ear.status\":\"affirming\","
                       "\"ear.trustworthiness-vector\":{\"executables\":2}}},"
                       "\"trustchain.simulated\":true}");
    json_t *docs = json_array();
    char why[300];

    CHECK(decide(docs, "a/b/c", claims, why) == 0 && strstr(why, "default deny") != NULL,
          "no policy: denied (default deny)");
    json_array_append_new(docs, J("{\"id\":\"keys\",\"resources\":[\"prod/key/*\"],\"rules\":["
                                  "{\"claim\":\"/submods/cpu0/ear.status\",\"equals\":"
                                  "\"affirming\"}]}"));
    CHECK_OK(tc_resource_policy_check(json_array_get(docs, 0)), "policy is valid");
    CHECK(decide(docs, "prod/key/disk", claims, why) == 1, "covered and allowed");
    CHECK(decide(docs, "prod/cert/disk", claims, why) == 0, "not covered: denied");
    CHECK(decide(docs, "prod/key/disk/x", claims, why) == 0, "'*' stays within a segment");
    json_array_append_new(docs, J("{\"id\":\"no-sim\",\"resources\":[\"prod/*/*\"],\"rules\":["
                                  "{\"claim\":\"/trustchain.simulated\",\"present\":false}]}"));
    CHECK(decide(docs, "prod/key/disk", claims, why) == 0 && strstr(why, "no-sim") != NULL,
          "every covering policy must allow (no-sim denies)");
    json_array_append_new(docs, J("{\"id\":\"any\",\"resources\":[\"dev/*/*\"],\"match\":\"any\","
                                  "\"rules\":[{\"claim\":\"/x\",\"equals\":1},"
                                  "{\"claim\":\"/submods/cpu0/ear.trustworthiness-vector/"
                                  "executables\",\"equals\":2}]}"));
    CHECK(decide(docs, "dev/a/b", claims, why) == 1, "match any: one rule is enough");
    CHECK_ERR(check_text(("{\"id\":\"../x\",\"resources\":[\"*\"],\"rules\":[{"
                          "\"claim\":\"/a\",\"equals\":1}]}")),
              TC_ERR_MALFORMED, "bad policy id refused");
    CHECK_ERR(check_text(("{\"id\":\"x\",\"resources\":[],\"rules\":[{"
                          "\"claim\":\"/a\",\"equals\":1}]}")),
              TC_ERR_MALFORMED, "empty resources refused");
    CHECK_ERR(check_text(("{\"id\":\"x\",\"resources\":[\"*\"],\"rules\":[]}")), TC_ERR_MALFORMED,
              "no rules refused");
    CHECK(tc_resource_segment_ok("disk-key.v1", 11) && !tc_resource_segment_ok("..", 2) &&
              !tc_resource_segment_ok("a/b", 3) && !tc_resource_segment_ok("", 0) &&
              !tc_resource_segment_ok("a%2f", 4),
          "resource path segments");
    json_decref(docs);
    json_decref(claims);
}

int main(void)
{
    if (mkdtemp(dir) == NULL) {
        CHECK(0, "temporary folder");
        return t_done();
    }
    snprintf(path, sizeof(path), "%s/store.db", dir);
    test_ops();
    test_reopen();
    test_policies();
    {
        char cmd[300];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0) {
            printf("# could not remove %s\n", dir);
        }
    }
    return t_done();
}
