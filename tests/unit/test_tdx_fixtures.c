/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Synthetic TDX fixtures for the CLI tests (tests/cli/tdx.sh).
 *   test_tdx_fixtures --write DIR   writes quotes, collateral (JSON and folder) and the
 *                                   test root into DIR
 *   test_tdx_fixtures               (run by tests/run) writes them to a temporary folder
 *                                   and checks they verify
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "support/tdx_synth.h"
#include "trustchain/tdx.h"
#include "trustchain/util.h"

static tc_err write_quote(struct tdx_synth *s, const struct tdx_synth_opts *o, const char *dir,
                          const char *name)
{
    char path[4096];
    uint8_t *q = NULL;
    size_t n = 0;
    tc_err e;

    if ((e = tdx_synth_quote(s, o, &q, &n)) != TC_ERR_OK) {
        return e;
    }
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    e = tc_file_write(path, q, n, 0644);
    free(q);
    return e;
}

static tc_err write_json(struct tdx_synth *s, const struct tdx_synth_opts *o, const char *dir,
                         const char *name)
{
    char path[4096], *j = NULL;
    size_t n = 0;
    tc_err e;

    if ((e = tdx_synth_collateral_json(s, o, &j, &n)) != TC_ERR_OK) {
        return e;
    }
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    e = tc_file_write(path, j, n, 0644);
    free(j);
    return e;
}

static tc_err write_all(const char *dir)
{
    struct tdx_synth *s = NULL;
    struct tdx_synth_opts o;
    char path[4096], *pem = NULL;
    size_t n;
    tc_err e;

    if ((e = tdx_synth_new(&s)) != TC_ERR_OK) {
        return e;
    }
    memset(&o, 0, sizeof(o));
    snprintf(path, sizeof(path), "%s/coll", dir);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        e = tc_fail(TC_ERR_IO, "%s", path);
        goto out;
    }
    if ((e = write_quote(s, &o, dir, "quote.dat")) != TC_ERR_OK ||
        (e = write_json(s, &o, dir, "collateral.json")) != TC_ERR_OK ||
        (e = tdx_synth_collateral_dir(s, &o, path)) != TC_ERR_OK ||
        (e = tdx_synth_root_pem(s, &pem, &n)) != TC_ERR_OK) {
        goto out;
    }
    snprintf(path, sizeof(path), "%s/root.pem", dir);
    if ((e = tc_file_write(path, pem, n, 0644)) != TC_ERR_OK) {
        goto out;
    }
    o.version = 5;
    if ((e = write_quote(s, &o, dir, "quote_v5.dat")) != TC_ERR_OK) {
        goto out;
    }
    o.version = 4;
    o.debug = 1;
    if ((e = write_quote(s, &o, dir, "quote_debug.dat")) != TC_ERR_OK) {
        goto out;
    }
    o.debug = 0;
    o.brk = TDX_SYN_QUOTE_SIG;
    if ((e = write_quote(s, &o, dir, "bad_quote_sig.dat")) != TC_ERR_OK) {
        goto out;
    }
    o.brk = TDX_SYN_PCK_REVOKED;
    if ((e = write_json(s, &o, dir, "collateral_pck_revoked.json")) != TC_ERR_OK) {
        goto out;
    }
    o.brk = TDX_SYN_OK;
    o.level0_status = "SWHardeningNeeded";
    e = write_json(s, &o, dir, "collateral_swhardening.json");
out:
    free(pem);
    tdx_synth_free(s);
    return e;
}

int main(int argc, char **argv)
{
    char dir[] = "/tmp/tc-test-tdx-fixtures-XXXXXX", path[4096], cmd[128];
    uint8_t *q = NULL, *cj = NULL, *pem = NULL;
    size_t ql, cl, pl;
    struct tc_tdx_collateral *c = NULL;
    struct tc_tdx_quote quote;
    struct tc_tdx_verify_opts o;
    struct tc_verdict v;
    tc_tdx_root_key root;

    if (argc == 3 && strcmp(argv[1], "--write") == 0) {
        if (write_all(argv[2]) != TC_ERR_OK) {
            fprintf(stderr, "fixtures: %s\n", tc_err_detail());
            return 1;
        }
        return 0;
    }
    if (mkdtemp(dir) == NULL) {
        CHECK(0, "mkdtemp");
        return t_done();
    }
    CHECK_OK(write_all(dir), "fixtures written");
    snprintf(path, sizeof(path), "%s/quote.dat", dir);
    CHECK_OK(tc_file_read(path, 1 << 20, &q, &ql), "quote.dat readable");
    snprintf(path, sizeof(path), "%s/collateral.json", dir);
    CHECK_OK(tc_file_read(path, 1 << 22, &cj, &cl), "collateral.json readable");
    snprintf(path, sizeof(path), "%s/root.pem", dir);
    CHECK_OK(tc_file_read(path, 1 << 20, &pem, &pl), "root.pem readable");
    if (q != NULL && cj != NULL && pem != NULL) {
        memset(&o, 0, sizeof(o));
        o.at = TDX_SYNTH_NOW;
        tc_verdict_init(&v);
        CHECK(tc_tdx_quote_parse(q, ql, &quote) == TC_ERR_OK &&
                  tc_tdx_collateral_parse_json(cj, cl, &c) == TC_ERR_OK &&
                  tc_tdx_root_key_from_pem(pem, pl, root) == TC_ERR_OK,
              "fixtures parse");
        o.collateral = c;
        o.extra_roots = &root;
        o.n_extra_roots = 1;
        CHECK(c != NULL && tc_tdx_verify(&quote, &o, NULL, &v) == TC_ERR_OK,
              "fixture quote verifies with its collateral and root.pem");
        tc_verdict_free(&v);
    }
    tc_tdx_collateral_free(c);
    free(q);
    free(cj);
    free(pem);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0) {
        printf("# cannot remove %s\n", dir);
    }
    return t_done();
}
