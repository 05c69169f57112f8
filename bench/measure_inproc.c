/* SPDX-License-Identifier: Apache-2.0 */
/*
 * In-process timing of the launch digest against the hardware limit measured
 * in the same run: SHA-384 (EVP, one call) over the same bytes.
 *
 * usage: measure_inproc OVMF [KERNEL] [RUNS]
 * Prints, for SNP (4 vCPUs, EPYC-v4) over the firmware held in memory:
 *   the median time of tc_measure_sev, the median time of SHA-384 over the
 *   firmware bytes, and their ratio; with KERNEL, the same with the kernel
 *   streamed from its file (tc_measure_sev hashes it with SHA-256, as QEMU's
 *   table requires) against SHA-384 over firmware + kernel bytes read the
 *   same way (the file read is in both).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "trustchain/measure.h"
#include "trustchain/util.h"

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* SHA-384 over fw, then over the file at path (if any), streamed in 256 KiB reads. */
static int sha384_limit(EVP_MD_CTX *ctx, const EVP_MD *md, const uint8_t *fw, size_t n,
                        const char *path, uint8_t *buf, size_t bufsz)
{
    uint8_t out[48];
    int fd = -1, rc = -1;

    if (EVP_DigestInit_ex2(ctx, md, NULL) != 1 || EVP_DigestUpdate(ctx, fw, n) != 1) {
        return -1;
    }
    if (path != NULL) {
        ssize_t r;

        fd = open(path, O_RDONLY);
        if (fd < 0) {
            return -1;
        }
        while ((r = read(fd, buf, bufsz)) > 0) {
            if (EVP_DigestUpdate(ctx, buf, (size_t)r) != 1) {
                goto out;
            }
        }
        if (r < 0) {
            goto out;
        }
    }
    rc = EVP_DigestFinal_ex(ctx, out, NULL) == 1 ? 0 : -1;
out:
    if (fd >= 0) {
        close(fd);
    }
    return rc;
}

static int run(const char *label, struct tc_measure_input *in, const uint8_t *fw, size_t n,
               const char *kernel, int runs, uint64_t extra_bytes)
{
    struct tc_measure_result *res = malloc(sizeof(*res));
    double *tm = calloc((size_t)runs, sizeof(double)), *ts = calloc((size_t)runs, sizeof(double));
    EVP_MD *md = EVP_MD_fetch(NULL, "SHA384", NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t bufsz = (size_t)256 << 10;
    uint8_t *buf = malloc(bufsz);
    double m, s, mb = (double)(n + extra_bytes) / (1 << 20);
    int i, rc = 1;

    if (res == NULL || tm == NULL || ts == NULL || md == NULL || ctx == NULL || buf == NULL) {
        goto out;
    }
    /* Interleave the two so that both see the same machine load. */
    for (i = 0; i < runs; i++) {
        double t0 = now(), t1, t2;

        if (tc_measure_sev(in, res) != TC_ERR_OK) {
            fprintf(stderr, "measure: %s\n", tc_err_detail());
            goto out;
        }
        t1 = now();
        if (sha384_limit(ctx, md, fw, n, kernel, buf, bufsz) != 0) {
            fprintf(stderr, "sha384 failed\n");
            goto out;
        }
        t2 = now();
        tm[i] = t1 - t0;
        ts[i] = t2 - t1;
    }
    m = median(tm, runs);
    s = median(ts, runs);
    printf("%-34s %8.1f MiB  digest %8.3f ms  sha384 %8.3f ms  ratio %.2fx\n", label, mb, m * 1e3,
           s * 1e3, m / s);
    rc = 0;
out:
    free(res);
    free(tm);
    free(ts);
    free(buf);
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
    return rc;
}

int main(int argc, char **argv)
{
    struct tc_measure_input in;
    uint8_t *fw = NULL;
    size_t n = 0;
    const char *kernel = argc > 2 && argv[2][0] != '\0' ? argv[2] : NULL;
    int runs = argc > 3 ? atoi(argv[3]) : 15, rc = 1;

    if (argc < 2 || runs < 1) {
        fprintf(stderr, "usage: %s OVMF [KERNEL] [RUNS]\n", argv[0]);
        return 2;
    }
    if (tc_file_read(argv[1], TC_MEASURE_FW_MAX, &fw, &n) != TC_ERR_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], tc_err_detail());
        return 4;
    }
    memset(&in, 0, sizeof(in));
    in.mode = TC_SEV_MODE_SNP;
    in.vmm = TC_VMM_QEMU;
    in.vcpus = 4;
    in.vcpu_sig = 0x800f12; /* EPYC-v4 */
    in.guest_features = 1;
    in.ovmf_data = fw;
    in.ovmf_len = n;
    if (run("snp, firmware only", &in, fw, n, NULL, runs, 0) != 0) {
        goto out;
    }
    in.threads = 2;
    if (run("snp, firmware only, 2 threads", &in, fw, n, NULL, runs, 0) != 0) {
        goto out;
    }
    in.threads = 1;
    if (kernel != NULL) {
        struct stat st;

        if (stat(kernel, &st) != 0) {
            fprintf(stderr, "%s: unreadable\n", kernel);
            goto out;
        }
        in.kernel = kernel;
        if (run("snp, firmware + kernel (streamed)", &in, fw, n, kernel, runs,
                (uint64_t)st.st_size) != 0) {
            goto out;
        }
    }
    rc = 0;
out:
    free(fw);
    return rc;
}
