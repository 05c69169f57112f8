/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The KBS exchange over loopback with Intel TDX evidence: an in-process broker trusting a
 * synthetic Intel root (tests/support/tdx_synth) with the matching collateral in its collateral
 * cache, offline, verifying as of the synthetic documents' time; the guest client collects the
 * quote through configfs-tsm from a folder where a thread plays the kernel (a synthetic quote
 * over the inblob).  Then the refusals: a broken quote signature, REPORT_DATA for something else,
 * an untrusted root, an unknown MRTD, a debug TD.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "harness.h"
#include "support/tdx_synth.h"
#include "trustchain/broker.h"
#include "trustchain/ear.h"
#include "trustchain/guest.h"
#include "trustchain/util.h"

enum mode { GOOD, TAMPER, OTHER_RD, DEBUG_TD };

static char dir[] = "/tmp/tc-kbs-tdx-XXXXXX";
static char tsm[300], coll[300];
static struct tdx_synth *synth;
static pthread_mutex_t synth_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int stop_kernel;
static volatile enum mode mode = GOOD;
static uint8_t mrtd[48];

static void put(const char *d, const char *name, const void *p, size_t n)
{
    char tmp[600], path[600];
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", d, name);
    snprintf(path, sizeof(path), "%s/%s", d, name);
    f = fopen(tmp, "wb");
    if (f != NULL) {
        fwrite(p, 1, n, f);
        fclose(f);
        rename(tmp, path);
    }
}

/* The "kernel" behind configfs-tsm: a synthetic SNP report over each inblob. */
static void *kernel(void *arg)
{
    (void)arg;
    while (!stop_kernel) {
        DIR *d = opendir(tsm);
        struct dirent *de;
        struct timespec ts = {0, 2 * 1000 * 1000};

        while (d != NULL && (de = readdir(d)) != NULL) {
            char ent[400], in[500], out[500];
            uint8_t *blob = NULL, *quote = NULL, rd[64];
            size_t n = 0, ql = 0;
            struct tdx_synth_opts so;

            if (de->d_name[0] == '.') {
                continue;
            }
            snprintf(ent, sizeof(ent), "%s/%s", tsm, de->d_name);
            snprintf(in, sizeof(in), "%s/inblob", ent);
            snprintf(out, sizeof(out), "%s/outblob", ent);
            if (access(out, F_OK) == 0 || tc_file_read(in, 64, &blob, &n) != TC_ERR_OK || n != 64) {
                free(blob);
                continue;
            }
            memset(&so, 0, sizeof(so));
            memcpy(rd, blob, 64);
            if (mode == OTHER_RD) {
                rd[0] ^= 1;
            }
            so.report_data = rd;
            so.mrtd = mrtd;
            so.debug = mode == DEBUG_TD;
            so.brk = mode == TAMPER ? TDX_SYN_QUOTE_SIG : TDX_SYN_OK;
            pthread_mutex_lock(&synth_lock);
            if (tdx_synth_quote(synth, &so, &quote, &ql) == TC_ERR_OK) {
                put(ent, "provider", "tdx_guest", 9);
                put(ent, "outblob", quote, ql);
            }
            pthread_mutex_unlock(&synth_lock);
            free(quote);
            free(blob);
        }
        if (d != NULL) {
            closedir(d);
        }
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static char url[64];
static char admin_tok[1024];

static long admin(const char *method, const char *path, const char *body)
{
    char u[256], *resp = NULL;
    long st = 0;

    snprintf(u, sizeof(u), "%s/kbs/v0/%s", url, path);
    if (tc_kbs_http(u, admin_tok, method, body, body ? strlen(body) : 0, 10, &st, &resp, NULL) !=
        TC_ERR_OK) {
        st = -1;
    }
    free(resp);
    return st;
}

static tc_err fetch(struct tc_kbs_client_result *r)
{
    struct tc_kbs_client_opts o;

    memset(&o, 0, sizeof(o));
    o.url = url;
    o.key_kind = TC_JWK_EC_P256;
    o.timeout = 20;
    o.guest.tee = TC_TEE_TDX;
    o.guest.tsm_root = tsm;
    return tc_kbs_client_run(&o, "default/key/disk", r);
}

static struct tc_broker *start(struct tc_broker_config *cfg, const tc_tdx_root_key *root,
                               EVP_PKEY *adm)
{
    struct tc_broker *b = NULL;
    uint16_t port = 0;
    char db[400];

    snprintf(db, sizeof(db), "%s/broker.db", dir);
    tc_broker_config_defaults(cfg);
    cfg->db_path = strdup(db);
    cfg->listen = "127.0.0.1:0";
    cfg->offline = 1;
    cfg->threads = 2;
    cfg->log = fopen("/dev/null", "w");
    cfg->admin_keys = malloc(sizeof(EVP_PKEY *));
    cfg->admin_keys[0] = adm;
    cfg->n_admin_keys = 1;
    cfg->collateral_dir = strdup(coll);
    cfg->verify_at = TDX_SYNTH_NOW; /* when the synthetic collateral is valid */
    if (root != NULL) {
        cfg->tdx_roots = malloc(sizeof(tc_tdx_root_key));
        memcpy(cfg->tdx_roots[0], *root, sizeof(tc_tdx_root_key));
        cfg->n_tdx_roots = 1;
    }
    if (tc_broker_new(cfg, &b) != TC_ERR_OK || tc_broker_start(b, &port) != TC_ERR_OK) {
        printf("# broker: %s\n", tc_err_detail());
        tc_broker_free(b);
        return NULL;
    }
    snprintf(url, sizeof(url), "http://127.0.0.1:%u", (unsigned)port);
    return b;
}

static void stop(struct tc_broker *b, struct tc_broker_config *cfg)
{
    tc_broker_free(b);
    fclose(cfg->log);
    free((char *)cfg->db_path);
    free(cfg->admin_keys);
    free(cfg->tdx_roots);
    free((char *)cfg->collateral_dir);
}

/* Put the synthetic collateral where the broker's cache looks: <dir>/<fmspc>-<ca>/. */
static int install_collateral(const tc_tdx_root_key *root)
{
    struct tdx_synth_opts so;
    struct tc_tdx_quote q;
    struct tc_tdx_verify_opts vo;
    struct tc_tdx_result res;
    struct tc_verdict v;
    uint8_t *quote = NULL;
    size_t ql = 0;
    char fhex[13], path[400];
    int ok = 0;

    memset(&so, 0, sizeof(so));
    memset(&vo, 0, sizeof(vo));
    memset(&res, 0, sizeof(res));
    tc_verdict_init(&v);
    vo.at = TDX_SYNTH_NOW;
    vo.extra_roots = root;
    vo.n_extra_roots = 1;
    if (tdx_synth_quote(synth, &so, &quote, &ql) == TC_ERR_OK &&
        tc_tdx_quote_parse(quote, ql, &q) == TC_ERR_OK &&
        tc_tdx_verify(&q, &vo, &res, &v) == TC_ERR_OK && res.pck_ok) {
        tc_hex_encode(res.fmspc, 6, fhex);
        snprintf(path, sizeof(path), "%s/%s-%s", coll, fhex, res.pck_ca);
        mkdir(coll, 0700);
        mkdir(path, 0700);
        ok = tdx_synth_collateral_dir(synth, &so, path) == TC_ERR_OK;
    }
    tc_verdict_free(&v);
    free(quote);
    return ok;
}

int main(void)
{
    tc_tdx_root_key root;
    struct tc_broker_config cfg;
    struct tc_broker *b;
    struct tc_kbs_client_result r;
    EVP_PKEY *adm = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    pthread_t th;
    json_t *claims = NULL;
    char *tok = NULL, mhex[97], body[600];
    size_t i;
    tc_err e;

    if (mkdtemp(dir) == NULL) {
        CHECK(0, "temporary folder");
        return t_done();
    }
    snprintf(tsm, sizeof(tsm), "%s/tsm", dir);
    snprintf(coll, sizeof(coll), "%s/collateral", dir);
    mkdir(tsm, 0700);
    if (!CHECK(tdx_synth_new(&synth) == TC_ERR_OK, "synthetic TDX platform")) {
        return t_done();
    }
    tdx_synth_root_key(synth, root);
    CHECK(install_collateral((const tc_tdx_root_key *)&root),
          "synthetic collateral installed in the broker's collateral cache");
    for (i = 0; i < 48; i++) {
        mrtd[i] = (uint8_t)(0x30 + i);
    }
    tc_hex_encode(mrtd, 48, mhex);
    pthread_create(&th, NULL, kernel, NULL);
    claims = json_pack("{s:I,s:s}", "exp", (json_int_t)time(NULL) + 3600, "aud",
                       TC_BROKER_ADMIN_AUDIENCE);
    if (tc_jws_sign(adm, NULL, claims, &tok) == TC_ERR_OK) {
        snprintf(admin_tok, sizeof(admin_tok), "%s", tok);
    }
    free(tok);
    json_decref(claims);

    b = start(&cfg, (const tc_tdx_root_key *)&root, adm);
    if (!CHECK(b != NULL, "broker (trusting the synthetic root) listening at %s", url)) {
        goto out;
    }
    CHECK(admin("POST", "resource/default/key/disk", "tdx-secret") == 200, "admin: resource");
    CHECK(admin("POST", "resource-policy",
                "{\"id\":\"p\",\"resources\":[\"default/key/*\"],\"rules\":[{\"claim\":"
                "\"/submods/cpu0/ear.status\",\"equals\":\"affirming\"}]}") == 200,
          "admin: policy wanting an affirming result");
    snprintf(body, sizeof(body), "{\"tee\":\"tdx\",\"name\":\"mrtd\",\"values\":[\"%s\"]}", mhex);
    CHECK(admin("POST", "reference-value", body) == 200, "admin: the TD's MRTD");

    e = fetch(&r);
    CHECK(e == TC_ERR_OK && r.secret_len == 10 && memcmp(r.secret, "tdx-secret", 10) == 0,
          "TDX guest (configfs-tsm, synthetic quote) gets the secret");
    if (e != TC_ERR_OK) {
        printf("#   %s\n", tc_err_detail());
    }
    if (r.token != NULL && tc_jwt_payload(r.token, strlen(r.token), &claims) == TC_ERR_OK) {
        CHECK(strcmp(json_string_value(tc_json_pointer(claims, "/submods/cpu0/ear.status")),
                     "affirming") == 0,
              "TDX evidence with a known MRTD and an UpToDate TCB is affirming");
        CHECK(json_is_string(tc_json_pointer(
                  claims, "/submods/cpu0/ear.veraison.annotated-evidence/tdx/mrtd")),
              "the token carries the TD's claims");
        CHECK(json_is_string(tc_json_pointer(
                  claims, "/submods/cpu0/ear.veraison.annotated-evidence/tdx/tcb/tcb_status")),
              "and the platform's TCB status");
        json_decref(claims);
        claims = NULL;
    }
    tc_kbs_client_result_free(&r);

    mode = TAMPER;
    e = fetch(&r);
    CHECK(e == TC_ERR_AUTH && r.http_status == 401, "TDX quote with a bad signature refused: %s",
          r.detail);
    tc_kbs_client_result_free(&r);
    mode = OTHER_RD;
    e = fetch(&r);
    CHECK(e == TC_ERR_AUTH && strstr(r.detail, "REPORT_DATA") != NULL,
          "TDX quote for another nonce/key refused (REPORT_DATA): %s", r.detail);
    tc_kbs_client_result_free(&r);
    mode = DEBUG_TD;
    e = fetch(&r);
    CHECK(e == TC_ERR_POLICY, "a debug TD is contraindicated, refused by policy: %s", r.detail);
    tc_kbs_client_result_free(&r);
    mode = GOOD;
    mrtd[0] ^= 1;
    e = fetch(&r);
    CHECK(e == TC_ERR_POLICY && strstr(r.detail, "denies") != NULL,
          "unknown MRTD: not affirming, refused by policy: %s", r.detail);
    tc_kbs_client_result_free(&r);
    mrtd[0] ^= 1;
    stop(b, &cfg);

    b = start(&cfg, NULL, adm);
    if (CHECK(b != NULL, "broker without the synthetic root")) {
        e = fetch(&r);
        CHECK(e == TC_ERR_AUTH && r.http_status == 401,
              "synthetic root not trusted without configuration: %s", r.detail);
        tc_kbs_client_result_free(&r);
        stop(b, &cfg);
    }
out:
    stop_kernel = 1;
    pthread_join(th, NULL);
    tdx_synth_free(synth);
    EVP_PKEY_free(adm);
    {
        char cmd[400];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0) {
            printf("# could not remove %s\n", dir);
        }
    }
    return t_done();
}
