/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The KBS exchange over loopback with SEV-SNP evidence: an in-process broker trusting a
 * synthetic AMD chain (tests/support/snp_synth), the guest client collecting evidence through
 * configfs-tsm from a folder where a thread plays the kernel (signs a synthetic report over the
 * inblob, and gives the certificate table as auxblob).  Then the refusals: tampered report,
 * REPORT_DATA for something else, an untrusted chain, a policy that wants another measurement.
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
#include "support/snp_synth.h"
#include "trustchain/broker.h"
#include "trustchain/ear.h"
#include "trustchain/guest.h"
#include "trustchain/util.h"

enum mode { GOOD, TAMPER, OTHER_RD };

static char dir[] = "/tmp/tc-kbs-snp-XXXXXX";
static char tsm[300];
static struct snp_synth_chain *chain;
static volatile int stop_kernel;
static volatile enum mode mode = GOOD;
static uint8_t measurement[48];

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
            uint8_t *blob = NULL, report[TC_SNP_REPORT_SIZE], *table = NULL;
            size_t n = 0, tl = 0;
            struct snp_synth_report ro;

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
            snp_synth_report_init(chain, &ro);
            memcpy(ro.report_data, blob, 64);
            if (mode == OTHER_RD) {
                ro.report_data[0] ^= 1;
            }
            memcpy(ro.measurement, measurement, 48);
            if (snp_synth_report_sign(chain, &ro, report) == TC_ERR_OK &&
                snp_synth_certtable(chain, 0, &table, &tl) == TC_ERR_OK) {
                if (mode == TAMPER) {
                    report[0x90] ^= 1; /* in MEASUREMENT, after signing */
                }
                put(ent, "provider", "sev_guest", 9);
                put(ent, "auxblob", table, tl);
                put(ent, "outblob", report, sizeof(report));
            }
            free(table);
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
    o.guest.tee = TC_TEE_SNP;
    o.guest.tsm_root = tsm;
    return tc_kbs_client_run(&o, "default/key/disk", r);
}

static struct tc_broker *start(struct tc_broker_config *cfg, const struct tc_snp_anchor *a,
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
    if (a != NULL) {
        cfg->snp_anchors = malloc(sizeof(*a));
        cfg->snp_anchors[0] = *a;
        cfg->n_snp_anchors = 1;
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
    free(cfg->snp_anchors);
}

int main(void)
{
    struct tc_snp_anchor anchor;
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
    mkdir(tsm, 0700);
    if (!CHECK(snp_synth_chain_new(NULL, &chain) == TC_ERR_OK, "synthetic Milan VCEK chain")) {
        return t_done();
    }
    snp_synth_anchor(chain, &anchor);
    for (i = 0; i < 48; i++) {
        measurement[i] = (uint8_t)(0xA0 + i);
    }
    tc_hex_encode(measurement, 48, mhex);
    pthread_create(&th, NULL, kernel, NULL);
    claims = json_pack("{s:I,s:s}", "exp", (json_int_t)time(NULL) + 3600, "aud",
                       TC_BROKER_ADMIN_AUDIENCE);
    if (tc_jws_sign(adm, NULL, claims, &tok) == TC_ERR_OK) {
        snprintf(admin_tok, sizeof(admin_tok), "%s", tok);
    }
    free(tok);
    json_decref(claims);

    b = start(&cfg, &anchor, adm);
    if (!CHECK(b != NULL, "broker (trusting the synthetic ARK) listening at %s", url)) {
        goto out;
    }
    CHECK(admin("POST", "resource/default/key/disk", "snp-secret") == 200, "admin: resource");
    CHECK(admin("POST", "resource-policy",
                "{\"id\":\"p\",\"resources\":[\"default/key/*\"],\"rules\":[{\"claim\":"
                "\"/submods/cpu0/ear.status\",\"equals\":\"affirming\"}]}") == 200,
          "admin: policy wanting an affirming result");
    snprintf(body, sizeof(body), "{\"tee\":\"snp\",\"name\":\"measurement\",\"values\":[\"%s\"]}",
             mhex);
    CHECK(admin("POST", "reference-value", body) == 200, "admin: the SNP measurement");

    e = fetch(&r);
    CHECK(e == TC_ERR_OK && r.secret_len == 10 && memcmp(r.secret, "snp-secret", 10) == 0,
          "SNP guest (configfs-tsm, synthetic report + certificate table) gets the secret");
    if (e != TC_ERR_OK) {
        printf("#   %s\n", tc_err_detail());
    }
    if (r.token != NULL && tc_jwt_payload(r.token, strlen(r.token), &claims) == TC_ERR_OK) {
        CHECK(strcmp(json_string_value(tc_json_pointer(claims, "/submods/cpu0/ear.status")),
                     "affirming") == 0,
              "SNP evidence with a known measurement is affirming");
        CHECK(json_integer_value(tc_json_pointer(
                  claims, "/submods/cpu0/ear.trustworthiness-vector/hardware")) == 2,
              "hardware: genuine (2)");
        CHECK(json_is_string(tc_json_pointer(
                  claims, "/submods/cpu0/ear.veraison.annotated-evidence/snp/measurement")),
              "the token carries the SNP claims");
        CHECK(tc_json_pointer(claims, "/trustchain.simulated") == NULL, "not marked simulated");
        json_decref(claims);
        claims = NULL;
    }
    tc_kbs_client_result_free(&r);

    mode = TAMPER;
    e = fetch(&r);
    CHECK(e == TC_ERR_AUTH && r.http_status == 401 && strstr(r.detail, "signature") != NULL,
          "tampered SNP report refused (401, signature): %s", r.detail);
    tc_kbs_client_result_free(&r);
    mode = OTHER_RD;
    e = fetch(&r);
    CHECK(e == TC_ERR_AUTH && strstr(r.detail, "REPORT_DATA") != NULL,
          "SNP report for another nonce/key refused (401, REPORT_DATA): %s", r.detail);
    tc_kbs_client_result_free(&r);
    mode = GOOD;
    measurement[0] ^= 1;
    e = fetch(&r);
    CHECK(e == TC_ERR_POLICY && strstr(r.detail, "denies") != NULL,
          "unknown SNP measurement: not affirming, refused by policy: %s", r.detail);
    tc_kbs_client_result_free(&r);
    measurement[0] ^= 1;
    stop(b, &cfg);

    /* The same evidence at a broker that trusts only AMD's roots. */
    b = start(&cfg, NULL, adm);
    if (CHECK(b != NULL, "broker without the synthetic anchor")) {
        e = fetch(&r);
        CHECK(e == TC_ERR_AUTH && r.http_status == 401,
              "synthetic chain not trusted without its anchor: %s", r.detail);
        tc_kbs_client_result_free(&r);
        stop(b, &cfg);
    }
out:
    stop_kernel = 1;
    pthread_join(th, NULL);
    snp_synth_chain_free(chain);
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
