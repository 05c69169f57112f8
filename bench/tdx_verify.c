/* SPDX-License-Identifier: Apache-2.0 */
/*
 * In-process TDX verification throughput on one core, with collateral parsed
 * once and reused (the memoised path a verifier service takes), next to the
 * same process's own raw ECDSA P-256 verification rate.
 *
 * usage: tdx_verify QUOTE COLLATERAL.json TIME [SECONDS]
 *        tdx_verify --synthetic [SECONDS]          (test keys; no test data needed)
 * Prints: key=value lines (medians of 3 runs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ossl.h"
#include "support/tdx_synth.h"
#include "tee/tdx/tdx_int.h"
#include "trustchain/tdx.h"
#include "trustchain/util.h"

/*
 * CPU time of this thread: "per core", and comparable with `openssl speed`, which
 * counts user CPU time too (apps/speed.c, app_tminterval with usertime) -- on a
 * shared machine wall time would charge us for other processes.
 */
static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double median3(double *v)
{
    qsort(v, 3, sizeof(*v), cmp);
    return v[1];
}

int main(int argc, char **argv)
{
    uint8_t *q = NULL, *cj = NULL;
    char *json = NULL;
    size_t ql = 0, cl = 0;
    struct tc_tdx_quote quote;
    struct tc_tdx_collateral *col = NULL;
    struct tc_tdx_verify_opts o;
    struct tdx_synth *s = NULL;
    tc_tdx_root_key root;
    double secs = 2.0, rate[3], cold[3], ecdsa[3], oneshot[3];
    EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);
    int run;
    EVP_PKEY *k = NULL;

    memset(&o, 0, sizeof(o));
    if (argc >= 2 && strcmp(argv[1], "--synthetic") == 0) {
        struct tdx_synth_opts so;

        memset(&so, 0, sizeof(so));
        if (tdx_synth_new(&s) != TC_ERR_OK || tdx_synth_quote(s, &so, &q, &ql) != TC_ERR_OK ||
            tdx_synth_collateral_json(s, &so, &json, &cl) != TC_ERR_OK) {
            fprintf(stderr, "synthetic: %s\n", tc_err_detail());
            return 1;
        }
        cj = (uint8_t *)json;
        tdx_synth_root_key(s, root);
        o.extra_roots = &root;
        o.n_extra_roots = 1;
        o.at = TDX_SYNTH_NOW;
        if (argc >= 3) {
            secs = atof(argv[2]);
        }
    } else if (argc >= 4) {
        if (tc_file_read(argv[1], 1 << 20, &q, &ql) != TC_ERR_OK ||
            tc_file_read(argv[2], 1 << 22, &cj, &cl) != TC_ERR_OK ||
            tc_time_parse(argv[3], &o.at) != TC_ERR_OK) {
            fprintf(stderr, "input: %s\n", tc_err_detail());
            return 1;
        }
        if (argc >= 5) {
            secs = atof(argv[4]);
        }
    } else {
        fprintf(stderr, "usage: %s QUOTE COLLATERAL.json TIME [SECONDS] | --synthetic [SECONDS]\n",
                argv[0]);
        return 2;
    }
    if (tc_tdx_quote_parse(q, ql, &quote) != TC_ERR_OK ||
        tc_tdx_collateral_parse_json(cj, cl, &col) != TC_ERR_OK) {
        fprintf(stderr, "parse: %s\n", tc_err_detail());
        return 1;
    }
    o.collateral = col;
    {
        struct tc_verdict v;
        tc_err e;

        tc_verdict_init(&v);
        e = tc_tdx_verify(&quote, &o, NULL, &v);
        tc_verdict_free(&v);
        if (e != TC_ERR_OK) {
            fprintf(stderr, "the benchmark quote does not verify: %s\n", tc_err_name(e));
            return 1;
        }
    }
    if (md == NULL || tdx_pkey_from_xy(quote.att_key, &k) != TC_ERR_OK) {
        return 1;
    }
    for (run = 0; run < 3; run++) {
        double t0 = now(), t;
        long n = 0;

        /* cached collateral: the memoised path */
        do {
            struct tc_verdict v;
            struct tc_tdx_result r;
            tc_err e;

            tc_verdict_init(&v);
            e = tc_tdx_verify(&quote, &o, &r, &v);
            tc_verdict_free(&v);
            if (e != TC_ERR_OK) {
                fprintf(stderr, "verification failed during the run\n");
                return 1;
            }
            n++;
        } while ((t = now() - t0) < secs);
        rate[run] = (double)n / t;

        /* cold: collateral parsed and checked from scratch for every quote */
        t0 = now();
        n = 0;
        do {
            struct tc_tdx_collateral *c2 = NULL;
            struct tc_verdict v;
            struct tc_tdx_verify_opts o2 = o;

            if (tc_tdx_collateral_parse_json(cj, cl, &c2) != TC_ERR_OK) {
                return 1;
            }
            o2.collateral = c2;
            tc_verdict_init(&v);
            if (tc_tdx_verify(&quote, &o2, NULL, &v) != TC_ERR_OK) {
                return 1;
            }
            tc_verdict_free(&v);
            tc_tdx_collateral_free(c2);
            n++;
        } while ((t = now() - t0) < secs / 2);
        cold[run] = (double)n / t;

        /* this process's raw ECDSA P-256 verify rate (same core helper the verifier uses,
         * src/core/ossl.c, with a prepared context and a fetched SHA-256) */
        t0 = now();
        n = 0;
        {
            EVP_PKEY_CTX *ctx = tc_ecdsa_verify_ctx(k);

            do {
                if (tc_ecdsa_verify_rs_ctx(ctx, k, md, quote.signed_data, quote.signed_len,
                                           quote.signature, quote.signature + 32, 32,
                                           0) != TC_ERR_OK) {
                    EVP_PKEY_CTX_free(ctx);
                    return 1;
                }
                n++;
            } while ((t = now() - t0) < secs / 2);
            EVP_PKEY_CTX_free(ctx);
        }
        ecdsa[run] = (double)n / t;

        /* the one-shot core helper (tc_ecdsa_verify_rs: a context, a digest fetch, BIGNUMs per
         * call), as SNP and the collateral signatures use it */
        t0 = now();
        n = 0;
        do {
            if (tc_ecdsa_verify_rs(k, EVP_sha256(), quote.signed_data, quote.signed_len,
                                   quote.signature, quote.signature + 32, 32, 0) != TC_ERR_OK) {
                return 1;
            }
            n++;
        } while ((t = now() - t0) < secs / 2);
        oneshot[run] = (double)n / t;
    }
    printf("verify_cached_per_s=%.0f\n", median3(rate));
    printf("verify_cold_per_s=%.0f\n", median3(cold));
    printf("inprocess_ecdsa_verify_per_s=%.0f\n", median3(ecdsa));
    printf("inprocess_ecdsa_oneshot_per_s=%.0f\n", median3(oneshot));
    printf("runs=3 seconds_per_run=%.1f\n", secs);
    EVP_PKEY_free(k);
    EVP_MD_free(md);
    tc_tdx_collateral_free(col);
    tdx_synth_free(s);
    free(q);
    free(cj);
    return 0;
}
