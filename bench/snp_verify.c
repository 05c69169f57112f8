/* SPDX-License-Identifier: Apache-2.0 */
/*
 * In-process SEV-SNP verification rate on one core:
 *   cached  parse + tc_snp_verify with a shared tc_snp_cache (chain signatures verified once)
 *   cold    parse + tc_snp_verify from scratch (certificates parsed, ARK/ASK/VCEK RSA-PSS
 *           signatures verified every time)
 *   ecdsa   tc_ecdsa_verify_rs alone over the same report (the hardware/library limit)
 * Uses the real Milan report of go-sev-guest (RSA-4096 AMD chain) when ../shared/testdata is
 * present, else a synthetic chain.  usage: snp_verify [SECONDS_PER_MODE [ecdsa|cached|cold]]
 * Prints "<mode> <per CPU second>" lines (thread CPU time, so other jobs on the machine do
 * not count against it; `openssl speed` likewise divides by CPU user time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ossl.h"
#include "support/snp_synth.h"
#include "tee/snp/snp_internal.h"
#include "trustchain/snp.h"
#include "trustchain/util.h"

/* CPU time of this thread: "per core", and what `openssl speed` divides by (user time). */
static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const uint8_t *g_raw;
static struct tc_snp_verify_opts *g_o;

static int verify_once(void)
{
    struct tc_snp_report r;
    struct tc_verdict v;
    int ok;

    tc_verdict_init(&v);
    ok = tc_snp_report_parse(g_raw, TC_SNP_REPORT_SIZE, &r) == TC_ERR_OK &&
         tc_snp_verify(&r, g_o, &v) == TC_ERR_OK;
    tc_verdict_free(&v);
    return ok;
}

static EVP_PKEY *g_key;

static int ecdsa_once(void)
{
    return tc_ecdsa_verify_rs(g_key, EVP_sha384(), g_raw, TC_SNP_SIGNED_SIZE, g_raw + 0x2a0,
                              g_raw + 0x2e8, 72, 1) == TC_ERR_OK;
}

struct meter {
    long n;
    double t;
};

/* Run fn for about `seconds`, adding to m. */
static void run_for(int (*fn)(void), double seconds, struct meter *m)
{
    double t0 = now(), t;

    do {
        if (!fn()) {
            fprintf(stderr, "snp_verify: verification failed: %s\n", tc_err_detail());
            exit(1);
        }
        m->n++;
        t = now();
    } while (t - t0 < seconds);
    m->t += t - t0;
}

static uint8_t *load(const char *root, const char *rel, size_t *len)
{
    char p[4096];
    uint8_t *d = NULL;

    snprintf(p, sizeof(p), "%s/snp/%s", root, rel);
    if (tc_file_read(p, 1 << 20, &d, len) != TC_ERR_OK) {
        return NULL;
    }
    return d;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 2.0;
    const char *mode = argc > 2 ? argv[2] : NULL;
    const char *root = getenv("TC_TESTDATA");
    uint8_t raw[TC_SNP_REPORT_SIZE], *rep = NULL, *vek = NULL, *chain = NULL;
    size_t rlen = 0, vlen = 0, clen = 0;
    struct tc_snp_blob b_vek, b_chain;
    struct tc_snp_verify_opts o;
    struct tc_snp_cache *cache = NULL;
    struct snp_synth_chain *c = NULL;
    struct snp_cert *vc = NULL;
    struct tc_snp_anchor anchor;
    char *pem = NULL;
    const char *source;

    memset(&o, 0, sizeof(o));
    if (root != NULL && root[0] != '\0' &&
        (rep = load(root, "go-sev-guest/attestation.bin", &rlen)) != NULL &&
        (vek = load(root, "go-sev-guest/vcek.testcer", &vlen)) != NULL &&
        (chain = load(root, "go-sev-guest/ask_ark_milan.pem", &clen)) != NULL &&
        rlen == TC_SNP_REPORT_SIZE) {
        memcpy(raw, rep, sizeof(raw));
        source = "real Milan report, AMD RSA-4096 chain";
        if (tc_time_parse("2026-11-23T00:00:00Z", &o.at) != TC_ERR_OK) {
            return 1;
        }
    } else {
        struct snp_synth_report ro;

        if (snp_synth_chain_new(NULL, &c) != TC_ERR_OK ||
            snp_synth_pem(c, SNP_SYNTH_ASK | SNP_SYNTH_ARK, &pem, &clen) != TC_ERR_OK) {
            return 1;
        }
        snp_synth_report_init(c, &ro);
        if (snp_synth_report_sign(c, &ro, raw) != TC_ERR_OK) {
            return 1;
        }
        snp_synth_der(c, SNP_SYNTH_VEK, (const uint8_t **)&vek, &vlen);
        chain = (uint8_t *)pem;
        snp_synth_anchor(c, &anchor);
        o.extra_anchors = &anchor;
        o.n_extra_anchors = 1;
        o.at = SNP_SYNTH_NOW;
        source = "synthetic Milan report, RSA-2048 test chain";
        vek = (uint8_t *)memcpy(malloc(vlen), vek, vlen);
    }
    b_vek = (struct tc_snp_blob){vek, vlen};
    b_chain = (struct tc_snp_blob){chain, clen};
    o.vek = &b_vek;
    o.certs = &b_chain;
    o.n_certs = 1;
    g_raw = raw;
    g_o = &o;
    if (snp_cert_from_der(vek, vlen, &vc) != TC_ERR_OK || tc_snp_cache_new(&cache) != TC_ERR_OK) {
        return 1;
    }
    g_key = vc->pub;
    /* The modes take turns in short slices, so a change in the machine's load (other jobs on
     * a shared box) affects them alike. */
    {
        static const char *names[3] = {"ecdsa", "cached", "cold"};
        struct meter m[3] = {{0, 0}, {0, 0}, {0, 0}};
        const int rounds = 10;
        int r, k;

        printf("# %s, %.1f s per mode in %d interleaved slices\n", source, secs, rounds);
        for (r = 0; r < rounds; r++) {
            for (k = 0; k < 3; k++) {
                if (mode != NULL && strcmp(mode, names[k]) != 0) {
                    continue;
                }
                o.cache = k == 1 ? cache : NULL;
                run_for(k == 0 ? ecdsa_once : verify_once, secs / rounds, &m[k]);
            }
        }
        for (k = 0; k < 3; k++) {
            if (m[k].n > 0) {
                printf("%s %.1f\n", names[k], (double)m[k].n / m[k].t);
            }
        }
    }
    tc_snp_cache_free(cache);
    snp_cert_put(vc);
    snp_synth_chain_free(c);
    free(rep);
    free(vek);
    if (chain != (uint8_t *)pem) {
        free(chain);
    }
    free(pem);
    return 0;
}
