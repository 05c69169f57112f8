/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the broker's request handling end to end (no HTTP): the first byte picks the endpoint
 * (and whether to send a valid session cookie or an admin token), the rest is the body or the
 * path tail.  The store is a temporary SQLite file, removed at exit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "trustchain/broker.h"
#include "trustchain/ear.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tc_broker *b;
static struct tc_broker_config cfg;
static char db[64], cookie[160], admin_tok[1024];
static EVP_PKEY *admin;

static void cleanup(void)
{
    char p[80];

    tc_broker_free(b);
    b = NULL;
    if (cfg.log != NULL) {
        fclose(cfg.log);
    }
    EVP_PKEY_free(admin);
    free(cfg.admin_keys);
    unlink(db);
    snprintf(p, sizeof(p), "%s-wal", db);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", db);
    unlink(p);
}

static void setup(void)
{
    struct tc_http_req req;
    struct tc_http_resp resp;
    static const char auth[] = "{\"version\":\"0.4.0\",\"tee\":\"sim\",\"extra-params\":{}}";
    json_t *claims;
    char *tok = NULL;

    snprintf(db, sizeof(db), "/tmp/fuzz-kbs-%ld.db", (long)getpid());
    tc_broker_config_defaults(&cfg);
    cfg.db_path = db;
    cfg.allow_sim = 1;
    cfg.log = fopen("/dev/null", "w");
    admin = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    cfg.admin_keys = malloc(sizeof(EVP_PKEY *));
    cfg.admin_keys[0] = admin;
    cfg.n_admin_keys = 1;
    if (tc_broker_new(&cfg, &b) != TC_ERR_OK) {
        abort();
    }
    atexit(cleanup);
    memset(&req, 0, sizeof(req));
    req.method = "POST";
    req.path = "/kbs/v0/auth";
    req.body = (const uint8_t *)auth;
    req.body_len = sizeof(auth) - 1;
    req.now = time(NULL);
    tc_broker_handle(b, &req, &resp);
    free(resp.body);
    snprintf(cookie, sizeof(cookie), "%.*s", (int)strcspn(resp.set_cookie + 15, ";"),
             resp.set_cookie + 15);
    claims = json_pack("{s:I,s:s}", "exp", (json_int_t)time(NULL) + 86400, "aud",
                       TC_BROKER_ADMIN_AUDIENCE);
    if (tc_jws_sign(admin, NULL, claims, &tok) == TC_ERR_OK) {
        snprintf(admin_tok, sizeof(admin_tok), "Bearer %s", tok);
    }
    free(tok);
    json_decref(claims);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct {
        const char *method, *path;
    } routes[] = {
        {"POST", "/kbs/v0/auth"},
        {"POST", "/kbs/v0/attest"},
        {"GET", "/kbs/v0/resource/"},
        {"POST", "/kbs/v0/resource/"},
        {"POST", "/kbs/v0/resource-policy"},
        {"POST", "/kbs/v0/attestation-policy"},
        {"POST", "/kbs/v0/reference-value"},
        {"GET", "/kbs/v0/"},
    };
    struct tc_http_req req;
    struct tc_http_resp resp;
    char path[512];
    unsigned sel;

    if (b == NULL) {
        setup();
    }
    if (size < 1) {
        return 0;
    }
    sel = data[0];
    memset(&req, 0, sizeof(req));
    req.method = routes[sel % 8].method;
    req.now = time(NULL);
    req.client = "fuzz";
    if (sel & 0x10) {
        req.session = cookie;
    }
    if (sel & 0x20) {
        req.authorization = admin_tok;
    }
    if (sel % 8 == 2 || sel % 8 == 3 || sel % 8 == 7) {
        /* The rest is the path tail (and, for admin resource writes, also the body). */
        snprintf(path, sizeof(path), "%s%.*s", routes[sel % 8].path,
                 (int)(size - 1 > 300 ? 300 : size - 1), (const char *)data + 1);
        path[strcspn(path, "?")] = '\0';
        req.path = path;
    } else {
        req.path = routes[sel % 8].path;
    }
    req.body = data + 1;
    req.body_len = size - 1;
    tc_broker_handle(b, &req, &resp);
    free(resp.body);
    return 0;
}
