/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest evidence collection: configfs-tsm against a folder where a thread
 * plays the kernel (answers an inblob with an outblob, auxblob and provider),
 * and the fallbacks when neither configfs-tsm nor the devices exist.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "trustchain/guest.h"
#include "trustchain/util.h"

static char root[] = "/tmp/tc-tsm-XXXXXX";
static volatile int stop_kernel;
static const char *provider = "sev_guest";
static int answered;

static void put(const char *dir, const char *name, const void *p, size_t n)
{
    char tmp[600], path[600];
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(tmp, "wb");
    if (f != NULL) {
        fwrite(p, 1, n, f);
        fclose(f);
        rename(tmp, path);
    }
}

/* The "kernel": for every entry with an inblob and no outblob, produce one. */
static void *kernel(void *arg)
{
    (void)arg;
    while (!stop_kernel) {
        DIR *d = opendir(root);
        struct dirent *de;
        struct timespec ts = {0, 2 * 1000 * 1000};

        while (d != NULL && (de = readdir(d)) != NULL) {
            char dir[400], in[500], out[500];
            uint8_t *blob = NULL, rep[72];
            size_t n = 0;

            if (de->d_name[0] == '.') {
                continue;
            }
            snprintf(dir, sizeof(dir), "%s/%s", root, de->d_name);
            snprintf(in, sizeof(in), "%s/inblob", dir);
            snprintf(out, sizeof(out), "%s/outblob", dir);
            if (access(out, F_OK) == 0 || tc_file_read(in, 64, &blob, &n) != TC_ERR_OK || n != 64) {
                free(blob);
                continue;
            }
            memcpy(rep, "REPORT::", 8);
            memcpy(rep + 8, blob, 64);
            put(dir, "provider", provider, strlen(provider));
            put(dir, "auxblob", "CERTS", 5);
            put(dir, "outblob", rep, sizeof(rep));
            answered++;
            free(blob);
        }
        if (d != NULL) {
            closedir(d);
        }
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static int entries_left(void)
{
    DIR *d = opendir(root);
    struct dirent *de;
    int n = 0;

    while (d != NULL && (de = readdir(d)) != NULL) {
        n += de->d_name[0] != '.';
    }
    if (d != NULL) {
        closedir(d);
    }
    return n;
}

static void test_tsm(void)
{
    struct tc_tsm_report r;
    struct tc_guest_opts o;
    uint8_t rd[64];
    json_t *ev = NULL;
    size_t i;

    for (i = 0; i < 64; i++) {
        rd[i] = (uint8_t)i;
    }
    CHECK_OK(tc_tsm_report_get(root, rd, 0, &r), "configfs-tsm report");
    CHECK(r.out_len == 72 && memcmp(r.out, "REPORT::", 8) == 0 && memcmp(r.out + 8, rd, 64) == 0,
          "outblob carries our inblob");
    CHECK(r.aux_len == 5 && memcmp(r.aux, "CERTS", 5) == 0, "auxblob read");
    CHECK(strcmp(r.provider, "sev_guest") == 0, "provider read");
    tc_tsm_report_free(&r);
    CHECK(entries_left() == 0, "the report entry is removed afterwards");

    memset(&o, 0, sizeof(o));
    o.tee = TC_TEE_SNP;
    o.tsm_root = root;
    CHECK_OK(tc_guest_evidence(&o, rd, &ev), "SNP evidence through configfs-tsm");
    {
        const char *rep = json_string_value(json_object_get(ev, "report"));
        uint8_t *raw = NULL;
        size_t n = 0;

        CHECK(rep && tc_b64_decode(rep, strlen(rep), 4096, &raw, &n) == TC_ERR_OK && n == 72 &&
                  memcmp(raw + 8, rd, 64) == 0,
              "evidence.report is the outblob");
        CHECK(json_is_string(json_object_get(ev, "cert_table")),
              "evidence.cert_table from auxblob");
        free(raw);
    }
    json_decref(ev);
    ev = NULL;
    o.tee = TC_TEE_TDX;
    CHECK_ERR(tc_guest_evidence(&o, rd, &ev), TC_ERR_MISMATCH,
              "provider sev_guest refused for --tee tdx");
    provider = "tdx_guest";
    CHECK_OK(tc_guest_evidence(&o, rd, &ev), "TDX evidence through configfs-tsm");
    CHECK(json_is_string(json_object_get(ev, "quote")), "evidence.quote");
    json_decref(ev);
    ev = NULL;

    /* Neither configfs-tsm nor the devices. */
    o.tsm_root = "/nonexistent/tsm";
    o.sev_device = "/nonexistent/sev-guest";
    o.tdx_device = "/nonexistent/tdx_guest";
    o.tee = TC_TEE_SNP;
    CHECK_ERR(tc_guest_evidence(&o, rd, &ev), TC_ERR_NOT_FOUND,
              "SNP without configfs-tsm or /dev/sev-guest: not found");
    o.tee = TC_TEE_TDX;
    CHECK_ERR(tc_guest_evidence(&o, rd, &ev), TC_ERR_NOT_FOUND,
              "TDX without configfs-tsm or /dev/tdx_guest: not found");
    o.no_tsm = 1;
    o.tdx_device = "/dev/null";
    CHECK(tc_guest_evidence(&o, rd, &ev) == TC_ERR_IO, "a device that is not tdx_guest: I/O error");
}

static void test_misc(void)
{
    enum tc_tee_kind k;
    struct tc_guest_opts o;
    uint8_t rd[64] = {1};
    json_t *ev = NULL;

    CHECK(tc_tee_kind_parse("snp", &k) == TC_ERR_OK && k == TC_TEE_SNP, "parse snp");
    CHECK(tc_tee_kind_parse("sim", &k) == TC_ERR_OK && k == TC_TEE_SIM, "parse sim");
    CHECK_ERR(tc_tee_kind_parse("sgx", &k), TC_ERR_USAGE, "unknown TEE refused");
    memset(&o, 0, sizeof(o));
    o.tee = TC_TEE_SIM;
    CHECK_OK(tc_guest_evidence(&o, rd, &ev), "sim evidence with a fresh key");
    CHECK(json_is_string(json_object_get(ev, "report")) &&
              json_is_string(json_object_get(ev, "key")),
          "sim evidence members");
    json_decref(ev);
}

int main(void)
{
    pthread_t th;

    if (mkdtemp(root) == NULL) {
        CHECK(0, "temporary folder");
        return t_done();
    }
    pthread_create(&th, NULL, kernel, NULL);
    test_tsm();
    stop_kernel = 1;
    pthread_join(th, NULL);
    CHECK(answered >= 3, "the fake kernel answered %d reports", answered);
    test_misc();
    rmdir(root);
    return t_done();
}
