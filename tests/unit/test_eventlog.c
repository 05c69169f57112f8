/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event logs: the real CCEL log of a COS TD replays to its quote's RTMRs;
 * synthetic logs built here (crypto-agile with one and two banks, SHA-1,
 * StartupLocality) replay to values computed independently in the test;
 * negatives (truncation, undeclared algorithms, counts, CC MR indexes) and
 * the ACPI CCEL table.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <openssl/evp.h>

#include "harness.h"
#include "trustchain/eventlog.h"
#include "trustchain/tdx.h"
#include "trustchain/util.h"

static uint8_t *load(const char *rel, size_t *len)
{
    const char *p = t_testdata(rel);
    uint8_t *d = NULL;

    if (p == NULL || tc_file_read(p, (size_t)1 << 24, &d, len) != TC_ERR_OK) {
        return NULL;
    }
    return d;
}

static void test_ccel_cos(void)
{
    size_t ll, tl, ql, i;
    uint8_t *logd = load("tdx/go-tdx-guest/ccel/ccel_data.dat", &ll);
    uint8_t *tab = load("tdx/go-tdx-guest/ccel/ccel_table.dat", &tl);
    uint8_t *qd = load("tdx/go-tdx-guest/ccel/cos-113-tdx-quote.dat", &ql);
    uint8_t *nonce;
    size_t nl;
    struct tc_evlog log;
    struct tc_evlog_replay r;
    struct tc_ccel c;
    struct tc_tdx_quote q;
    int same = 1;

    if (logd == NULL || tab == NULL || qd == NULL) {
        t_skip("CCEL: test data absent");
        goto out;
    }
    CHECK(tc_ccel_parse(tab, tl, &c) == TC_ERR_OK && c.cc_type == 2 && c.laml == 0x40000 &&
              c.lasa == 0xbedbf000,
          "CCEL table: TDX, LAML 0x40000, LASA 0xbedbf000");
    CHECK(tc_evlog_parse(logd, ll, &log) == TC_ERR_OK && log.crypto_agile && log.n == 43 &&
              log.end == 18101 && log.tail == ll - 18101 && log.n_algs == 1 &&
              log.algs[0].id == TC_TPM_ALG_SHA384,
          "CC log: crypto-agile, SHA-384, 43 events ending at 18101, 0xFF after");
    CHECK_OK(tc_evlog_replay(&log, TC_EVLOG_CC, &r), "CC log replays");
    CHECK_OK(tc_tdx_quote_parse(qd, ql, &q), "COS quote parses");
    for (i = 0; i < 4; i++) {
        same &= memcmp(r.rtmr[i], q.td.rtmr[i], 48) == 0;
    }
    CHECK(same, "CCEL replay equals the COS quote's RTMR0..3");
    CHECK(r.rtmr[0][0] == 0x3f && r.rtmr[1][0] == 0xf6 && r.rtmr[2][0] == 0x49 &&
              r.rtmr_events[3] == 0,
          "RTMR0 3fa2.., RTMR1 f62d.., RTMR2 4969.., RTMR3 untouched");
    nonce = load("tdx/go-tdx-guest/ccel/nonce.dat", &nl);
    CHECK(nonce != NULL && nl == 64 && memcmp(nonce, q.td.report_data, 64) == 0,
          "COS quote REPORTDATA = nonce.dat");
    free(nonce);
    {
        char d[256];

        tc_evlog_describe(&log.ev[2], d, sizeof(d));
        CHECK(strstr(d, "SecureBoot") != NULL, "event 3 decoded: %s", d);
        CHECK(tc_evlog_digest_matches_data(&log.ev[7], TC_TPM_ALG_SHA384) == 1,
              "separator digest is the hash of its data");
    }
    /* Every truncation of the used part fails cleanly or parses a prefix. */
    {
        size_t n, bad = 0;

        for (n = 0; n < log.end; n += 7) {
            struct tc_evlog l2;
            tc_err e = tc_evlog_parse(logd, n, &l2);

            bad += e != TC_ERR_OK && e != TC_ERR_TRUNCATED;
            if (e == TC_ERR_OK) {
                tc_evlog_free(&l2);
            }
        }
        CHECK(bad == 0, "truncations of the CC log: truncated or a valid prefix (%zu other)", bad);
    }
    tc_evlog_free(&log);
out:
    free(logd);
    free(tab);
    free(qd);
}

/* ---- synthetic logs ---- */

struct lb {
    uint8_t b[8192];
    size_t n;
};

static void put(struct lb *l, const void *p, size_t n)
{
    memcpy(l->b + l->n, p, n);
    l->n += n;
}

static void put32(struct lb *l, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};

    put(l, x, 4);
}

static void put16(struct lb *l, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

    put(l, x, 2);
}

/* Spec ID Event03 header with the given algorithms. */
static void header(struct lb *l, uint32_t index, const uint16_t *algs, const uint16_t *sizes, int n)
{
    uint8_t zero[20] = {0};
    int i;

    put32(l, index);
    put32(l, 3); /* EV_NO_ACTION */
    put(l, zero, 20);
    put32(l, (uint32_t)(16 + 4 + 4 + 4 + 4 * n + 1));
    put(l, "Spec ID Event03", 16);
    put32(l, 0);           /* platform class */
    put(l, "\0\2\0\2", 4); /* minor 0, major 2, errata 0, uintn 2 */
    put32(l, (uint32_t)n);
    for (i = 0; i < n; i++) {
        put16(l, algs[i]);
        put16(l, sizes[i]);
    }
    put(l, "", 1); /* vendor info size 0 */
}

static void hash(const EVP_MD *md, const void *p, size_t n, uint8_t *out)
{
    unsigned int ol;

    EVP_Digest(p, n, out, &ol, md, NULL);
}

/* An event whose digests are the hashes of its data. */
static void event2(struct lb *l, uint32_t index, uint32_t type, const uint16_t *algs, int n,
                   const char *data)
{
    int i;

    put32(l, index);
    put32(l, type);
    put32(l, (uint32_t)n);
    for (i = 0; i < n; i++) {
        uint8_t d[64];
        const EVP_MD *md = algs[i] == TC_TPM_ALG_SHA256 ? EVP_sha256()
                           : algs[i] == TC_TPM_ALG_SHA1 ? EVP_sha1()
                                                        : EVP_sha384();

        hash(md, data, strlen(data), d);
        put16(l, algs[i]);
        put(l, d, (size_t)EVP_MD_get_size(md));
    }
    put32(l, (uint32_t)strlen(data));
    put(l, data, strlen(data));
}

/* reg = H(reg || H(data)) computed directly, independent of the library. */
static void ext(const EVP_MD *md, uint8_t *reg, const char *data)
{
    uint8_t buf[128], d[64];
    size_t n = (size_t)EVP_MD_get_size(md);

    hash(md, data, strlen(data), d);
    memcpy(buf, reg, n);
    memcpy(buf + n, d, n);
    hash(md, buf, 2 * n, reg);
}

static void test_synthetic_cc(void)
{
    static const uint16_t a384[] = {TC_TPM_ALG_SHA384}, s384[] = {48};
    struct lb l;
    struct tc_evlog log;
    struct tc_evlog_replay r;
    uint8_t want[4][48];

    memset(&l, 0, sizeof(l));
    memset(want, 0, sizeof(want));
    header(&l, 1, a384, s384, 1);
    event2(&l, 1, 0x80000007, a384, 1, "first action");
    ext(EVP_sha384(), want[0], "first action");
    event2(&l, 3, 0xd, a384, 1, "grub_cmd: linux /vmlinuz");
    ext(EVP_sha384(), want[2], "grub_cmd: linux /vmlinuz");
    event2(&l, 3, 3, a384, 1, "not extended (EV_NO_ACTION)");
    event2(&l, 4, 0xd, a384, 1, "runtime");
    ext(EVP_sha384(), want[3], "runtime");
    event2(&l, 1, 4, a384, 1, "\0\0\0");
    memset(l.b + l.n, 0xff, 100);
    l.n += 100;
    CHECK(tc_evlog_parse(l.b, l.n, &log) == TC_ERR_OK && log.n == 5 && log.tail == 100,
          "synthetic CC log parses (5 events, 0xFF tail)");
    {
        struct tc_evlog bad;

        l.b[l.n - 10] = 0x42; /* a stray byte in the unused area */
        CHECK(tc_evlog_parse(l.b, l.n, &bad) != TC_ERR_OK,
              "a stray byte after the last event is refused");
        l.b[l.n - 10] = 0xff;
    }
    CHECK(tc_evlog_replay(&log, TC_EVLOG_CC, &r) == TC_ERR_OK && r.rtmr_events[0] == 2 &&
              memcmp(r.rtmr[2], want[2], 48) == 0 && memcmp(r.rtmr[3], want[3], 48) == 0 &&
              r.rtmr_events[1] == 0,
          "synthetic CC replay matches an independent computation");
    tc_evlog_free(&log);
    /* MR index 0 (MRTD) cannot be extended by the guest */
    memset(&l, 0, sizeof(l));
    header(&l, 1, a384, s384, 1);
    event2(&l, 0, 0xd, a384, 1, "mrtd?");
    CHECK(tc_evlog_parse(l.b, l.n, &log) == TC_ERR_OK &&
              tc_evlog_replay(&log, TC_EVLOG_CC, &r) == TC_ERR_MALFORMED,
          "CC replay refuses MR index 0");
    tc_evlog_free(&log);
    memset(&l, 0, sizeof(l));
    header(&l, 1, a384, s384, 1);
    event2(&l, 5, 0xd, a384, 1, "rtmr4?");
    CHECK(tc_evlog_parse(l.b, l.n, &log) == TC_ERR_OK &&
              tc_evlog_replay(&log, TC_EVLOG_CC, &r) == TC_ERR_MALFORMED,
          "CC replay refuses MR index 5");
    tc_evlog_free(&log);
}

/* A log whose only algorithm is SM3 (Hygon CSV logs) cannot be replayed here: said, not zeros;
 * with SM3 beside SHA-256, the SHA-256 bank alone is replayed. */
static void test_sm3_log(void)
{
    static const uint16_t a1[] = {TC_TPM_ALG_SM3_256}, s1[] = {32};
    static const uint16_t a2[] = {TC_TPM_ALG_SM3_256, TC_TPM_ALG_SHA256}, s2[] = {32, 32};
    uint8_t sm3[32], d[32], want[32] = {0};
    struct lb l;
    struct tc_evlog log;
    struct tc_evlog_replay r;

    memset(sm3, 0x5a, sizeof(sm3));
    memset(&l, 0, sizeof(l));
    header(&l, 0, a1, s1, 1);
    put32(&l, 0);
    put32(&l, 8);
    put32(&l, 1);
    put16(&l, TC_TPM_ALG_SM3_256);
    put(&l, sm3, 32);
    put32(&l, 4);
    put(&l, "CRTM", 4);
    CHECK(tc_evlog_parse(l.b, l.n, &log) == TC_ERR_OK && log.n == 1, "SM3-only log parses");
    CHECK_ERR(tc_evlog_replay(&log, TC_EVLOG_TPM, &r), TC_ERR_UNSUPPORTED,
              "SM3-only log: replay refused, not zeros");
    tc_evlog_free(&log);

    memset(&l, 0, sizeof(l));
    header(&l, 0, a2, s2, 2);
    put32(&l, 0);
    put32(&l, 8);
    put32(&l, 2);
    put16(&l, TC_TPM_ALG_SM3_256);
    put(&l, sm3, 32);
    put16(&l, TC_TPM_ALG_SHA256);
    hash(EVP_sha256(), "CRTM", 4, d);
    put(&l, d, 32);
    put32(&l, 4);
    put(&l, "CRTM", 4);
    ext(EVP_sha256(), want, "CRTM");
    CHECK(tc_evlog_parse(l.b, l.n, &log) == TC_ERR_OK &&
              tc_evlog_replay(&log, TC_EVLOG_TPM, &r) == TC_ERR_OK && r.n_banks == 1 &&
              r.bank[0].alg == TC_TPM_ALG_SHA256 && r.bank[0].events[0] == 1 &&
              memcmp(r.bank[0].pcr[0], want, 32) == 0,
          "SM3 + SHA-256 log: only the SHA-256 bank, replayed");
    tc_evlog_free(&log);
}

static void test_synthetic_tpm(void)
{
    static const uint16_t a2[] = {TC_TPM_ALG_SHA1, TC_TPM_ALG_SHA256}, s2[] = {20, 32};
    struct lb l;
    struct tc_evlog log;
    struct tc_evlog_replay r;
    uint8_t p0_1[20] = {0}, p0_256[32] = {0}, p7[32] = {0};

    memset(&l, 0, sizeof(l));
    header(&l, 0, a2, s2, 2);
    /* StartupLocality 3: PCR0 starts at 00..03 */
    put32(&l, 0);
    put32(&l, 3);
    put32(&l, 0);
    put32(&l, 17);
    put(&l, "StartupLocality\0\3", 17);
    p0_1[19] = 3;
    p0_256[31] = 3;
    event2(&l, 0, 8, a2, 2, "CRTM");
    ext(EVP_sha1(), p0_1, "CRTM");
    ext(EVP_sha256(), p0_256, "CRTM");
    event2(&l, 7, 0x800000e0, a2, 2, "db");
    ext(EVP_sha256(), p7, "db");
    CHECK(tc_evlog_parse(l.b, l.n, &log) == TC_ERR_OK && log.n_algs == 2 && log.n == 3,
          "synthetic two-bank TPM log parses");
    CHECK(tc_evlog_replay(&log, TC_EVLOG_TPM, &r) == TC_ERR_OK && r.n_banks == 2 &&
              memcmp(r.bank[0].pcr[0], p0_1, 20) == 0 &&
              memcmp(r.bank[1].pcr[0], p0_256, 32) == 0 && memcmp(r.bank[1].pcr[7], p7, 32) == 0,
          "TPM replay: StartupLocality 3, SHA-1 and SHA-256 banks match");
    CHECK(tc_evlog_replay(&log, TC_EVLOG_CC, &r) == TC_ERR_MALFORMED,
          "a TPM log (PCR 0, no SHA-384) is refused as a CC log");
    {
        json_t *j;

        j = tc_evlog_replay(&log, TC_EVLOG_TPM, &r) == TC_ERR_OK ? tc_evlog_json(&log, &r) : NULL;
        CHECK(j != NULL && json_array_size(json_object_get(j, "events")) == 3 &&
                  json_object_get(json_object_get(json_object_get(j, "pcrs"), "sha256"), "7") !=
                      NULL,
              "event log JSON: events and PCR 7");
        json_decref(j);
    }
    tc_evlog_free(&log);

    /* Negatives */
    {
        struct lb m = l;

        /* event digest count 3 > 2 algorithms */
        memset(&l, 0, sizeof(l));
        header(&l, 0, a2, s2, 2);
        put32(&l, 0);
        put32(&l, 8);
        put32(&l, 3);
        CHECK(tc_evlog_parse(l.b, l.n + 40, &log) == TC_ERR_MALFORMED,
              "more digests than declared algorithms");
        /* undeclared algorithm */
        memset(&l, 0, sizeof(l));
        header(&l, 0, a2, s2, 2);
        put32(&l, 0);
        put32(&l, 8);
        put32(&l, 1);
        put16(&l, TC_TPM_ALG_SHA384);
        l.n += 60;
        CHECK(tc_evlog_parse(l.b, l.n, &log) == TC_ERR_MALFORMED, "undeclared digest algorithm");
        /* truncated event data */
        CHECK(tc_evlog_parse(m.b, m.n - 1, &log) == TC_ERR_TRUNCATED, "truncated last event");
        /* wrong declared size for SHA-256 */
        memset(&l, 0, sizeof(l));
        {
            static const uint16_t bad_sizes[] = {20, 31};

            header(&l, 0, a2, bad_sizes, 2);
        }
        CHECK(tc_evlog_parse(l.b, l.n, &log) == TC_ERR_MALFORMED, "SHA-256 declared as 31 bytes");
        CHECK(tc_evlog_parse(l.b, 10, &log) == TC_ERR_TRUNCATED, "truncated header");
    }
}

static void test_sha1_log(void)
{
    struct lb l;
    struct tc_evlog log;
    struct tc_evlog_replay r;
    uint8_t d[20], want[20] = {0};

    memset(&l, 0, sizeof(l));
    hash(EVP_sha1(), "bios", 4, d);
    put32(&l, 4);
    put32(&l, 5);
    put(&l, d, 20);
    put32(&l, 4);
    put(&l, "bios", 4);
    ext(EVP_sha1(), want, "bios");
    CHECK(tc_evlog_parse(l.b, l.n, &log) == TC_ERR_OK && !log.crypto_agile && log.n == 1 &&
              tc_evlog_replay(&log, TC_EVLOG_TPM, &r) == TC_ERR_OK &&
              memcmp(r.bank[0].pcr[4], want, 20) == 0,
          "SHA-1 log (TCG_PCR_EVENT only) replays PCR 4");
    tc_evlog_free(&log);
}

/*
 * Zero-filled logs: the unused-area test must not rescan the rest of the buffer before every
 * event.  8 MiB of zeros ending in one stray byte parse as 32-byte SHA-1 events up to the event
 * limit; rescanning took minutes of CPU for this, a linear scan a fraction of a second.
 */
static void test_fill_linear(void)
{
    size_t n = (size_t)8 << 20;
    uint8_t *b = calloc(1, n);
    struct tc_evlog log;
    clock_t t0;
    double cpu;
    tc_err e;

    if (!CHECK(b != NULL, "8 MiB buffer")) {
        return;
    }
    b[n - 1] = 1;
    t0 = clock();
    e = tc_evlog_parse(b, n, &log);
    cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK(e == TC_ERR_TOO_LARGE && cpu < 10.0,
          "8 MiB of zeros + one stray byte: refused (%s) in %.2f s of CPU, not quadratic time",
          tc_err_name(e), cpu);
    if (e == TC_ERR_OK) {
        tc_evlog_free(&log);
    }
    b[n - 1] = 0;
    CHECK(tc_evlog_parse(b, n, &log) == TC_ERR_OK && log.n == 1 && log.tail == n - 32,
          "8 MiB of zeros: one (zero) first event, the rest is the unused area");
    tc_evlog_free(&log);
    free(b);
}

static void test_ccel_table(void)
{
    uint8_t t[56];
    struct tc_ccel c;
    size_t i;
    uint8_t sum = 0;

    memset(t, 0, sizeof(t));
    memcpy(t, "CCEL", 4);
    t[4] = 56;
    t[8] = 1;
    memcpy(t + 10, "TESTID", 6);
    t[36] = 2;
    t[40 + 2] = 0x04; /* LAML 0x40000 */
    t[48 + 3] = 0x10;
    for (i = 0; i < 56; i++) {
        sum = (uint8_t)(sum + t[i]);
    }
    t[9] = (uint8_t)(0x100 - sum);
    CHECK(tc_ccel_parse(t, 56, &c) == TC_ERR_OK && c.cc_type == 2 && c.laml == 0x40000 &&
              c.lasa == 0x10000000 && strcmp(c.oem_id, "TESTID") == 0,
          "synthetic CCEL table parses");
    t[9]++;
    CHECK_ERR(tc_ccel_parse(t, 56, &c), TC_ERR_MALFORMED, "CCEL checksum");
    t[9]--;
    t[38] = 1;
    t[9]--;
    CHECK_ERR(tc_ccel_parse(t, 56, &c), TC_ERR_RESERVED, "CCEL reserved set");
    t[38] = 0;
    t[9]++;
    CHECK_ERR(tc_ccel_parse(t, 55, &c), TC_ERR_MALFORMED, "CCEL short");
    t[0] = 'X';
    CHECK_ERR(tc_ccel_parse(t, 56, &c), TC_ERR_MALFORMED, "CCEL signature");
}

int main(void)
{
    test_ccel_cos();
    test_synthetic_cc();
    test_synthetic_tpm();
    test_sm3_log();
    test_sha1_log();
    test_fill_linear();
    test_ccel_table();
    return t_done();
}
