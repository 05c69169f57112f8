/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `trustchain verify tdx --quote FILE [...]`: verify an Intel TDX quote to the
 * Intel SGX Root CA with Intel's collateral (TCB status), and appraise it
 * against a JSON policy.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "trustchain/tdx.h"
#include "trustchain/verdict.h"

#define MAX_ROOTS 8

static void usage(FILE *f)
{
    fprintf(
        f,
        "Usage: %s verify tdx --quote FILE [--collateral FILE.json | --collateral-dir DIR]\n"
        "                  [--at TIME] [--policy FILE.json] [--offline] [--json] [options]\n\n"
        "Verify an Intel TDX quote (v4/v5): the attestation-key signature, the QE report\n"
        "signature and its binding to the attestation key, the PCK certificate chain to the\n"
        "Intel SGX Root CA (pinned public key), the root and PCK CRLs, and with Intel's\n"
        "collateral (TCB info, QE identity: signatures over their raw JSON, issuer chains,\n"
        "validity at TIME) the TCB status: which TCB level the platform meets and why, the TDX\n"
        "module identity (TDX 1.5), the QE identity, status merging, advisories, TD relaunch.\n\n"
        "Collateral (one of):\n"
        "  --collateral FILE.json  dcap-qvl QuoteCollateralV3 JSON (pck_crl_issuer_chain,\n"
        "                          root_ca_crl, pck_crl, tcb_info_issuer_chain, tcb_info,\n"
        "                          tcb_info_signature, qe_identity_issuer_chain, qe_identity,\n"
        "                          qe_identity_signature)\n"
        "  --collateral-dir DIR    PCS responses as files: tcb_info.json, qe_identity.json,\n"
        "                          tcb_signing_chain.pem, pck_crl.der, root_crl.der,\n"
        "                          pck_crl_chain.pem, qe_identity_chain.pem (all but the\n"
        "                          first and third optional; the verdict says what was absent)\n"
        "  (neither)               fetch from the PCS/PCCS with an on-disk cache, unless\n"
        "                          --offline; offline without a cache, the TCB is not evaluated;\n"
        "                          a response that cannot be used rejects the quote\n\n"
        "Options:\n"
        "  --quote FILE            the quote (required; bytes, or hex text)\n"
        "  --at TIME               time of verification (RFC 3339, or @unix); default: now\n"
        "  --policy FILE.json      appraise the claims (see below)\n"
        "  --accept S1,S2,...      accepted TCB statuses (default UpToDate; the policy's\n"
        "                          accepted_tcb_statuses takes precedence)\n"
        "  --require-collateral    fail when no collateral is available\n"
        "  --offline               never use the network\n"
        "  --pcs-url URL           PCS or PCCS base URL (default\n"
        "                          https://api.trustedservices.intel.com; env TC_PCS_URL)\n"
        "  --cache-dir DIR         collateral cache (default $XDG_CACHE_HOME/trustchain/tdx or\n"
        "                          ~/.cache/trustchain/tdx; env TC_TDX_CACHE)\n"
        "  --trust-root FILE.pem   ALSO trust this root key (tests and explicit set-ups only;\n"
        "                          the verdict marks it); may be repeated\n"
        "  --json                  print the verdict, the TCB result, the claims and exit_code\n"
        "                          as JSON; on any failure (usage included) a JSON object\n"
        "                          {\"verdict\": \"error\", \"error\", \"exit_code\", "
        "\"message\"}\n"
        "  -h, --help              show this help\n\n"
        "Policy members (all optional): mrtd, rtmr0..rtmr3, mrconfigid, mrowner, mrownerconfig,\n"
        "mrseam, mrsignerseam, mrservicetd, report_data, xfam, td_attributes (hex, or a list of\n"
        "accepted hex values), td_attributes_mask, allow_debug (default false),\n"
        "accepted_tcb_statuses, min_tee_tcb_svn (hex, per component), require_tcb.\n\n"
        "TCB statuses: UpToDate SWHardeningNeeded ConfigurationNeeded\n"
        "ConfigurationAndSWHardeningNeeded OutOfDate OutOfDateConfigurationNeeded\n"
        "TDRelaunchAdvised TDRelaunchAdvisedConfigurationNeeded Revoked NotSupported.\n\n"
        "Exit codes: 0 accepted, 1 rejected, 2 usage, 3 malformed input, 4 I/O.\n",
        PROG);
}

static const char *status_word(enum tc_check_status s)
{
    switch (s) {
    case TC_CHECK_PASS:
        return "pass";
    case TC_CHECK_FAIL:
        return "FAIL";
    case TC_CHECK_SKIP:
        return "skip";
    case TC_CHECK_INFO:
        return "info";
    }
    return "?";
}

static void print_text(const struct tc_verdict *v, const struct tc_tdx_result *r)
{
    size_t i;
    char buf[1024];

    for (i = 0; i < v->n; i++) {
        const struct tc_check *c = &v->checks[i];

        printf("%-4s %-30s %s", status_word(c->status), c->name, c->detail ? c->detail : "");
        if (c->status == TC_CHECK_FAIL && (c->expected != NULL || c->actual != NULL)) {
            printf(" (expected %s, got %s)", c->expected ? c->expected : "-",
                   c->actual ? c->actual : "-");
        }
        printf("\n");
    }
    if (r->tcb_evaluated) {
        char fm[13];

        tc_hex_encode(r->fmspc, 6, fm);
        printf("TCB status: %s (FMSPC %s, %s CA", tc_tdx_tcb_status_name(r->tcb_status), fm,
               r->pck_ca);
        if (r->tcb_date[0]) {
            printf(", TCB level date %s", r->tcb_date);
        }
        printf(")\n");
    }
    printf("%s\n", tc_verdict_summary(v, buf, sizeof(buf)));
}

static tc_err load_json_file(const char *path, json_t **out)
{
    uint8_t *data = NULL;
    size_t len = 0;
    json_error_t jerr;
    tc_err e;

    if ((e = tc_file_read(path, (size_t)1 << 20, &data, &len)) != TC_ERR_OK) {
        return e;
    }
    *out = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &jerr);
    free(data);
    if (*out == NULL) {
        return tc_fail(TC_ERR_JSON, "%s: %s (line %d)", path, jerr.text, jerr.line);
    }
    return TC_ERR_OK;
}

static void default_cache(char *buf, size_t len)
{
    const char *x = getenv("TC_TDX_CACHE");

    if (x != NULL && x[0] != '\0') {
        snprintf(buf, len, "%s", x);
    } else if ((x = getenv("XDG_CACHE_HOME")) != NULL && x[0] != '\0') {
        snprintf(buf, len, "%s/trustchain/tdx", x);
    } else if ((x = getenv("HOME")) != NULL && x[0] != '\0') {
        snprintf(buf, len, "%s/.cache/trustchain/tdx", x);
    } else {
        buf[0] = '\0';
    }
}

static tc_err parse_accept(const char *s, uint32_t *mask)
{
    char buf[512], *tok, *save = NULL;

    snprintf(buf, sizeof(buf), "%s", s);
    *mask = 0;
    for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        enum tc_tdx_tcb_status st;

        if (tc_tdx_tcb_status_parse(tok, &st) != TC_ERR_OK) {
            return tc_fail(TC_ERR_USAGE, "unknown TCB status '%s'", tok);
        }
        *mask |= TC_TDX_TCB_BIT(st);
    }
    return *mask ? TC_ERR_OK : tc_fail(TC_ERR_USAGE, "--accept needs at least one status");
}

int cmd_verify_tdx(int argc, char **argv)
{
    enum {
        O_QUOTE = 256,
        O_COLL,
        O_DIR,
        O_AT,
        O_POLICY,
        O_OFFLINE,
        O_JSON,
        O_PCS,
        O_CACHE,
        O_ROOT,
        O_ACCEPT,
        O_REQCOLL
    };
    static const struct option opts[] = {
        {"quote", required_argument, NULL, O_QUOTE},
        {"collateral", required_argument, NULL, O_COLL},
        {"collateral-dir", required_argument, NULL, O_DIR},
        {"at", required_argument, NULL, O_AT},
        {"policy", required_argument, NULL, O_POLICY},
        {"offline", no_argument, NULL, O_OFFLINE},
        {"json", no_argument, NULL, O_JSON},
        {"pcs-url", required_argument, NULL, O_PCS},
        {"cache-dir", required_argument, NULL, O_CACHE},
        {"trust-root", required_argument, NULL, O_ROOT},
        {"accept", required_argument, NULL, O_ACCEPT},
        {"require-collateral", no_argument, NULL, O_REQCOLL},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *quote = NULL, *coll = NULL, *dir = NULL, *at_s = NULL, *policy_path = NULL;
    const char *pcs = getenv("TC_PCS_URL"), *cache = NULL, *roots_path[MAX_ROOTS];
    tc_tdx_root_key roots[MAX_ROOTS];
    size_t n_roots = 0, i;
    int offline = 0, as_json = 0, c, rc = EXIT_OK;
    uint8_t *qdata = NULL, *cdata = NULL;
    size_t qlen = 0, clen = 0;
    struct tc_tdx_verify_opts vo;
    struct tc_tdx_collateral *col = NULL;
    struct tc_tdx_result res;
    struct tc_tdx_quote q;
    struct tc_verdict v;
    json_t *policy = NULL;
    char cache_buf[4096], fetch_why[512];
    tc_err e, fetch_err = TC_ERR_OK;

    memset(&vo, 0, sizeof(vo));
    tc_verdict_init(&v);
    as_json = cli_has_json(argc, argv); /* so that even a usage error is answered in JSON */
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_QUOTE:
            quote = optarg;
            break;
        case O_COLL:
            coll = optarg;
            break;
        case O_DIR:
            dir = optarg;
            break;
        case O_AT:
            at_s = optarg;
            break;
        case O_POLICY:
            policy_path = optarg;
            break;
        case O_OFFLINE:
            offline = 1;
            break;
        case O_JSON:
            as_json = 1;
            break;
        case O_PCS:
            pcs = optarg;
            break;
        case O_CACHE:
            cache = optarg;
            break;
        case O_ROOT:
            if (n_roots == MAX_ROOTS) {
                return cli_json_usage(as_json, 1, "verify tdx", "at most %d --trust-root",
                                      MAX_ROOTS);
            }
            roots_path[n_roots++] = optarg;
            break;
        case O_ACCEPT:
            if (parse_accept(optarg, &vo.accept_tcb) != TC_ERR_OK) {
                return cli_json_usage(as_json, 1, "verify tdx", "%s", tc_err_detail());
            }
            break;
        case O_REQCOLL:
            vo.require_collateral = 1;
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        default:
            return cli_json_usage(as_json, 1, "verify tdx", "unknown option or missing value: '%s'",
                                  argv[optind - 1]);
        }
    }
    if (optind != argc) {
        return cli_json_usage(as_json, 1, "verify tdx", "unexpected argument '%s'", argv[optind]);
    }
    if (quote == NULL) {
        return cli_json_usage(as_json, 1, "verify tdx", "--quote FILE is required");
    }
    if (coll != NULL && dir != NULL) {
        return cli_json_usage(as_json, 1, "verify tdx",
                              "--collateral and --collateral-dir are exclusive");
    }
    if (at_s != NULL) {
        if (tc_time_parse(at_s, &vo.at) != TC_ERR_OK) {
            return cli_json_usage(as_json, 1, "verify tdx", "--at: %s", tc_err_detail());
        }
    } else {
        vo.at = time(NULL); /* the CLI is where "now" is read */
    }
    for (i = 0; i < n_roots; i++) {
        uint8_t *pem = NULL;
        size_t plen = 0;

        if ((e = tc_file_read(roots_path[i], 1 << 20, &pem, &plen)) != TC_ERR_OK) {
            return cli_json_fail(as_json, 1, e, "--trust-root %s", roots_path[i]);
        }
        e = tc_tdx_root_key_from_pem(pem, plen, roots[i]);
        free(pem);
        if (e != TC_ERR_OK) {
            return cli_json_fail(as_json, 1, e, "--trust-root %s", roots_path[i]);
        }
    }
    vo.extra_roots = roots;
    vo.n_extra_roots = n_roots;
    if (policy_path != NULL) {
        uint32_t mask;

        if ((e = load_json_file(policy_path, &policy)) != TC_ERR_OK) {
            rc = cli_json_fail(as_json, 1, e, "--policy");
            goto out;
        }
        if ((e = tc_tdx_policy_validate(policy)) != TC_ERR_OK) {
            rc = cli_json_fail(as_json, 1, e, "--policy %s", policy_path);
            goto out;
        }
        if (json_object_get(policy, "accepted_tcb_statuses") != NULL &&
            tc_tdx_policy_tcb_mask(policy, &mask) == TC_ERR_OK) {
            vo.accept_tcb = mask;
        }
    }
    if ((e = tc_file_read(quote, TC_TDX_QUOTE_MAX, &qdata, &qlen)) != TC_ERR_OK) {
        rc = cli_json_fail(as_json, 1, e, "%s", quote);
        goto out;
    }
    if (cli_unhex(qdata, &qlen, 632) < 0) { /* a quote saved as hex text (`xxd -p`) */
        rc = cli_json_fail(as_json, 1,
                           tc_fail(TC_ERR_MALFORMED, "hex text with an odd number of digits"), "%s",
                           quote);
        goto out;
    }
    if ((e = tc_tdx_quote_parse(qdata, qlen, &q)) != TC_ERR_OK) {
        rc = cli_json_fail(as_json, 1, e, "%s", quote);
        goto out;
    }
    if (coll != NULL) {
        if ((e = tc_file_read(coll, TC_TDX_COLLATERAL_MAX, &cdata, &clen)) != TC_ERR_OK ||
            (e = tc_tdx_collateral_parse_json(cdata, clen, &col)) != TC_ERR_OK) {
            rc = cli_json_fail(as_json, 1, e, "--collateral %s", coll);
            goto out;
        }
    } else if (dir != NULL) {
        if ((e = tc_tdx_collateral_load_dir(dir, &col)) != TC_ERR_OK) {
            rc = cli_json_fail(as_json, 1, e, "--collateral-dir");
            goto out;
        }
    } else {
        struct tc_tdx_fetch_opts fo;

        memset(&fo, 0, sizeof(fo));
        if (cache == NULL) {
            default_cache(cache_buf, sizeof(cache_buf));
            cache = cache_buf[0] ? cache_buf : NULL;
        }
        fo.pcs_url = pcs != NULL && pcs[0] != '\0' ? pcs : NULL;
        fo.cache_dir = cache;
        fo.offline = offline;
        fo.at = vo.at;
        e = tc_tdx_collateral_fetch(&q, &fo, &col);
        if (e == TC_ERR_OFFLINE || (offline && tc_err_class(e) == TC_CLASS_MALFORMED)) {
            /* Offline and nothing cached, or a chain too broken to name the platform: the
             * verdict says why (the TCB is skipped, or the chain check fails). */
            col = NULL;
        } else if (tc_err_class(e) == TC_CLASS_MALFORMED) {
            /* Online, unusable collateral (a broken PCS/PCCS response, or a chain too broken
             * to name the platform) is a failure, never a skipped TCB check: it is added to
             * the verdict after the quote's own checks, which explain a broken chain first. */
            fetch_err = e;
            snprintf(fetch_why, sizeof(fetch_why), "%s", tc_err_detail());
            col = NULL;
        } else if (e != TC_ERR_OK) {
            rc = cli_json_fail(as_json, 1, e, "collateral");
            goto out;
        }
    }
    vo.collateral = col;
    e = tc_tdx_verify(&q, &vo, &res, &v);
    if (tc_err_class(e) == TC_CLASS_INTERNAL || tc_err_class(e) == TC_CLASS_IO) {
        rc = cli_json_fail(as_json, 1, e, "verify tdx");
        goto out;
    }
    if (fetch_err != TC_ERR_OK &&
        (e = tc_verdict_add(&v, "collateral.fetch", TC_CHECK_FAIL, fetch_err, NULL, NULL,
                            "collateral from the PCS/PCCS cannot be used: %s", fetch_why)) !=
            TC_ERR_OK) {
        rc = cli_json_fail(as_json, 1, e, "verify tdx");
        goto out;
    }
    if (policy != NULL) {
        e = tc_tdx_appraise(&q, &res, policy, &v);
        if (tc_err_class(e) == TC_CLASS_INTERNAL || tc_err_class(e) == TC_CLASS_USAGE) {
            rc = cli_json_fail(as_json, 1, e, "verify tdx");
            goto out;
        }
    }
    if (!tc_verdict_ok(&v)) {
        rc = tc_err_exit_code(tc_verdict_err(&v));
    }
    if (as_json) {
        json_t *j = tc_verdict_json(&v);

        if (j == NULL || json_object_set_new(j, "exit_code", json_integer(rc)) != 0) {
            json_decref(j);
            rc = cli_json_fail(as_json, 1, tc_fail(TC_ERR_NOMEM, "JSON"), "verify tdx");
            goto out;
        }
        json_object_set_new(j, "tdx", tc_tdx_result_json(&res));
        json_object_set_new(j, "claims", tc_tdx_quote_json(&q));
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("\n");
        json_decref(j);
    } else {
        print_text(&v, &res);
    }
    if (!tc_verdict_ok(&v)) {
        char buf[1024];

        fprintf(stderr, "%s: %s\n", PROG, tc_verdict_summary(&v, buf, sizeof(buf)));
    }
out:
    tc_tdx_collateral_free(col);
    tc_verdict_free(&v);
    json_decref(policy);
    free(qdata);
    free(cdata);
    return rc;
}
