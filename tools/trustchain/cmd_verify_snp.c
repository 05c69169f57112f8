/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `trustchain verify snp`: verify an AMD SEV-SNP report to the AMD root and appraise it.
 * Exit 0 only if every check passed; 1 rejected; 2 usage; 3 malformed input; 4 I/O.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "trustchain/snp.h"

#define CMD "verify snp"
#define FILE_MAX ((size_t)1 << 20)
#define MAX_FILES 64

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: %s verify snp --report FILE [options]\n\n"
            "Verify an AMD SEV-SNP attestation report: the ECDSA P-384 signature over its raw\n"
            "signed bytes, the VCEK->ASK->ARK or VLEK->ASVK->ARK chain (RSASSA-PSS) to AMD's root\n"
            "key (pinned in this program), the VCEK/VLEK extensions (TCB, hwID = CHIP_ID,\n"
            "productName), CRLs, and validity at a given time; then appraise it against a\n"
            "policy.  Missing AMD certificates come from the cache, then from AMD's KDS.\n\n"
            "Options:\n"
            "  --report FILE        report, extended report (report + certificate table),\n"
            "                       Azure HCL report or the firmware's MSG_REPORT_RSP\n"
            "                       (or any of these as hex text; '-' = stdin)\n"
            "  --vcek FILE          the VCEK certificate (DER, PEM or Azure's THIM JSON)\n"
            "  --vlek FILE          the VLEK certificate (DER or PEM)\n"
            "  --certs PATH         more certificates: a directory (its *.pem, *.der, *.crt,\n"
            "                       *.cer, *.cert files), a PEM bundle, a DER file, a GHCB\n"
            "                       certificate table or Azure's THIM JSON {vcekCert,\n"
            "                       certificateChain} (repeatable)\n"
            "  --at TIME            time of verification, RFC 3339 (default: now)\n"
            "  --crl FILE|kds       a CRL (DER or PEM) to check; 'kds' fetches the product's\n"
            "                       CRL through the cache (repeatable)\n"
            "  --policy FILE        JSON appraisal policy (see README: SEV-SNP)\n"
            "  --offline            never use the network (cache only)\n"
            "  --cache DIR          KDS cache (default $XDG_CACHE_HOME or ~/.cache,\n"
            "                       then /trustchain/amd)\n"
            "  --no-cache           neither read nor write a cache\n"
            "  --kds-url URL        KDS base URL (default %s)\n"
            "  --trust-ark FILE     also trust this root (testing only: NOT an AMD key)\n"
            "  --json               the verdict, every check and the claims as JSON (on a\n"
            "                       failure: \"verdict\": \"error\" with \"error\", \"exit_code\"\n"
            "                       and \"message\")\n\n"
            "Exit codes: 0 verified (and accepted by the policy), 1 rejected, 2 usage,\n"
            "3 malformed input, 4 I/O (a file, or collateral not available), 70 internal.\n",
            PROG, TC_SNP_KDS_URL);
}

/*
 * With --json, stdout always carries one JSON object: the verdict (accepted / rejected), or on a
 * failure {"verdict": "error", "error": NAME, "exit_code": N, "message": LINE} (keeping the
 * checks made so far when verification had started: base).
 */
static void json_error(json_t *base, tc_err e, int code, const char *line)
{
    json_t *j = base != NULL ? base : json_object();
    char *s = NULL;

    if (j != NULL && json_object_set_new(j, "verdict", json_string("error")) == 0 &&
        json_object_set_new(j, "error", json_string(tc_err_name(e))) == 0 &&
        json_object_set_new(j, "exit_code", json_integer(code)) == 0 &&
        json_object_set_new(j, "message", json_string(line)) == 0) {
        s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    }
    printf("%s\n", s != NULL ? s : "{\"verdict\": \"error\", \"error\": \"NOMEM\"}");
    free(s);
    if (base == NULL) {
        json_decref(j);
    }
}

/* A refusal: one line on stderr ("trustchain: verify snp...: why"), and JSON with --json. */
static int fail(int json, json_t *base, tc_err e, const char *fmt, ...) TC_PRINTF(4, 5);

static int fail(int json, json_t *base, tc_err e, const char *fmt, ...)
{
    char ctx[512], buf[768], line[1300];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(ctx, sizeof(ctx), fmt, ap);
    va_end(ap);
    snprintf(line, sizeof(line), "%s: %s", ctx, tc_err_str(e, buf, sizeof(buf)));
    fprintf(stderr, "%s: %s\n", PROG, line);
    if (json) {
        json_error(base, e, tc_err_exit_code(e), line);
    }
    return tc_err_exit_code(e);
}

/* A usage error: cli_usage's line on stderr, and the JSON error with --json. */
static int usage_fail(int json, const char *fmt, ...) TC_PRINTF(2, 3);

static int usage_fail(int json, const char *fmt, ...)
{
    char why[512], line[600];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (json) {
        snprintf(line, sizeof(line), CMD ": %s", why);
        json_error(NULL, TC_ERR_USAGE, EXIT_USAGE, line);
    }
    return cli_usage(CMD, "%s", why);
}

struct files {
    uint8_t *data[MAX_FILES];
    size_t len[MAX_FILES];
    size_t n;
};

static void files_free(struct files *f)
{
    size_t i;

    for (i = 0; i < f->n; i++) {
        free(f->data[i]);
    }
    f->n = 0;
}

static tc_err files_add(struct files *f, const char *path, uint8_t **data, size_t *len)
{
    tc_err e;

    if (f->n == MAX_FILES) {
        return tc_fail(TC_ERR_TOO_LARGE, "more than %d input files", MAX_FILES);
    }
    e = tc_file_read(path, FILE_MAX, &f->data[f->n], &f->len[f->n]);
    if (e != TC_ERR_OK) {
        return e;
    }
    *data = f->data[f->n];
    *len = f->len[f->n];
    f->n++;
    return TC_ERR_OK;
}

/* In a directory, the certificates are the *.pem, *.der, *.crt, *.cer and *.cert files. */
static int cert_name(const char *n)
{
    static const char *ext[] = {".pem", ".der", ".crt", ".cer", ".cert"};
    size_t i, l = strlen(n);

    for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
        size_t e = strlen(ext[i]);

        if (l > e && strcmp(n + l - e, ext[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* A GHCB certificate table starts with a GUID, not with PEM text or a DER SEQUENCE. */
static int looks_certtable(const uint8_t *d, size_t len)
{
    size_t i;

    if (len < 48 || d[0] == 0x30) {
        return 0;
    }
    for (i = 0; i + 10 <= len; i++) {
        if (d[i] == '-' && memcmp(d + i, "-----BEGIN", 10) == 0) {
            return 0; /* PEM text */
        }
    }
    return 1;
}

int cmd_verify_snp(int argc, char **argv)
{
    const char *report = NULL, *policy_file = NULL, *cache_dir = NULL, *kds_url = NULL;
    const char *vek_file = NULL, *at_s = NULL, *cert_paths[MAX_FILES], *crl_paths[MAX_FILES];
    const char *anchor_files[8];
    size_t n_cert_paths = 0, n_crl_paths = 0, n_anchor_files = 0, i;
    int json = 0, offline = 0, no_cache = 0, fetch_crl = 0, rc = EXIT_INTERNAL;
    char cache_buf[4096];
    struct files files = {.n = 0};
    struct tc_snp_blob vek = {0}, certs[MAX_FILES], crls[MAX_FILES];
    struct tc_snp_certtable tables[4];
    struct tc_snp_anchor anchors[8];
    size_t n_certs = 0, n_crls = 0, n_tables = 0;
    struct tc_snp_kds_opts kds = {0};
    struct tc_snp_verify_opts o;
    struct tc_snp_evidence *ev = NULL;
    struct tc_verdict v;
    json_t *policy = NULL, *out = NULL;
    uint8_t *rdata = NULL;
    size_t rlen = 0;
    tc_err e, pe = TC_ERR_OK;

    tc_verdict_init(&v);
    memset(&o, 0, sizeof(o));
    /* --json anywhere: even a usage error is answered in JSON on stdout. */
    for (i = 1; i < (size_t)argc; i++) {
        json = json || strcmp(argv[i], "--json") == 0;
    }
    for (i = 1; i < (size_t)argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < (size_t)argc ? argv[i + 1] : NULL;
        int takes = strcmp(a, "--report") == 0 || strcmp(a, "--vcek") == 0 ||
                    strcmp(a, "--vlek") == 0 || strcmp(a, "--certs") == 0 ||
                    strcmp(a, "--at") == 0 || strcmp(a, "--crl") == 0 ||
                    strcmp(a, "--policy") == 0 || strcmp(a, "--cache") == 0 ||
                    strcmp(a, "--kds-url") == 0 || strcmp(a, "--trust-ark") == 0;

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return EXIT_OK;
        }
        if (takes && val == NULL) {
            return usage_fail(json, "%s needs a value", a);
        }
        if (strcmp(a, "--report") == 0) {
            report = val;
        } else if (strcmp(a, "--vcek") == 0 || strcmp(a, "--vlek") == 0) {
            if (vek_file != NULL) {
                return usage_fail(json, "give one --vcek or --vlek (more go in --certs)");
            }
            vek_file = val;
        } else if (strcmp(a, "--certs") == 0) {
            if (n_cert_paths == MAX_FILES) {
                return usage_fail(json, "too many --certs");
            }
            cert_paths[n_cert_paths++] = val;
        } else if (strcmp(a, "--crl") == 0) {
            if (strcmp(val, "kds") == 0) {
                fetch_crl = 1;
            } else if (n_crl_paths == MAX_FILES) {
                return usage_fail(json, "too many --crl");
            } else {
                crl_paths[n_crl_paths++] = val;
            }
        } else if (strcmp(a, "--at") == 0) {
            at_s = val;
        } else if (strcmp(a, "--policy") == 0) {
            policy_file = val;
        } else if (strcmp(a, "--cache") == 0) {
            cache_dir = val;
        } else if (strcmp(a, "--kds-url") == 0) {
            kds_url = val;
        } else if (strcmp(a, "--trust-ark") == 0) {
            if (n_anchor_files == sizeof(anchor_files) / sizeof(anchor_files[0])) {
                return usage_fail(json, "too many --trust-ark");
            }
            anchor_files[n_anchor_files++] = val;
        } else if (strcmp(a, "--offline") == 0) {
            offline = 1;
        } else if (strcmp(a, "--no-cache") == 0) {
            no_cache = 1;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
        } else {
            return usage_fail(json, "unknown argument '%s'", a);
        }
        if (takes) {
            i++;
        }
    }
    if (report == NULL) {
        return usage_fail(json, "missing --report FILE");
    }
    if (at_s != NULL) {
        if (tc_time_parse(at_s, &o.at) != TC_ERR_OK) {
            return usage_fail(json, "%s", tc_err_detail());
        }
    } else {
        o.at = time(NULL); /* the CLI is where "now" is read; the library takes it as input */
    }

    /* Inputs. */
    e = tc_file_read(report, FILE_MAX, &rdata, &rlen);
    if (e != TC_ERR_OK) {
        rc = fail(json, NULL, e, CMD);
        goto out;
    }
    /* A report saved as hex text (`xxd -p`): decoded first. */
    if (cli_unhex(rdata, &rlen, TC_SNP_REPORT_SIZE) < 0) {
        rc = fail(json, NULL,
                  tc_fail(TC_ERR_MALFORMED, "%s: hex text with an odd number of digits", report),
                  CMD);
        goto out;
    }
    ev = calloc(1, sizeof(*ev));
    if (ev == NULL) {
        rc = fail(json, NULL, tc_fail(TC_ERR_NOMEM, "evidence"), CMD);
        goto out;
    }
    e = tc_snp_evidence_parse(rdata, rlen, ev);
    if (e != TC_ERR_OK) {
        rc = fail(json, NULL, e, CMD ": %s", report);
        goto out;
    }
    if (policy_file != NULL) {
        json_error_t jerr;

        policy = json_load_file(policy_file, JSON_REJECT_DUPLICATES, &jerr);
        if (policy == NULL) {
            rc = fail(json, NULL,
                      tc_fail(jerr.line < 0 ? TC_ERR_IO : TC_ERR_JSON, "%s:%d: %s", policy_file,
                              jerr.line, jerr.text),
                      CMD);
            goto out;
        }
        e = tc_snp_policy_validate(policy);
        if (e != TC_ERR_OK) {
            rc = fail(json, NULL, e, CMD ": %s", policy_file);
            goto out;
        }
    }
    if (vek_file != NULL) {
        e = files_add(&files, vek_file, (uint8_t **)&vek.data, &vek.len);
        if (e != TC_ERR_OK) {
            rc = fail(json, NULL, e, CMD);
            goto out;
        }
        o.vek = &vek;
    }
    for (i = 0; i < n_cert_paths; i++) {
        struct stat st;
        uint8_t *d;
        size_t l;

        if (stat(cert_paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *dir = opendir(cert_paths[i]);
            struct dirent *de;

            while (dir != NULL && (de = readdir(dir)) != NULL) {
                char p[4096];
                struct stat fst;

                snprintf(p, sizeof(p), "%s/%s", cert_paths[i], de->d_name);
                if (de->d_name[0] == '.' || !cert_name(de->d_name) || stat(p, &fst) != 0 ||
                    !S_ISREG(fst.st_mode)) {
                    continue;
                }
                e = files_add(&files, p, &d, &l);
                if (e == TC_ERR_OK && n_certs < MAX_FILES) {
                    certs[n_certs].data = d;
                    certs[n_certs++].len = l;
                }
                if (e != TC_ERR_OK) {
                    break;
                }
            }
            if (dir != NULL) {
                closedir(dir);
            } else {
                e = tc_fail(TC_ERR_IO, "%s: cannot open directory", cert_paths[i]);
            }
        } else {
            e = files_add(&files, cert_paths[i], &d, &l);
            if (e == TC_ERR_OK && looks_certtable(d, l)) {
                if (n_tables == sizeof(tables) / sizeof(tables[0])) {
                    e = tc_fail(TC_ERR_TOO_LARGE, "too many certificate tables");
                } else {
                    e = tc_snp_certtable_parse(d, l, &tables[n_tables]);
                    if (e != TC_ERR_OK) {
                        e = tc_fail_ctx(e, "%s", cert_paths[i]);
                    } else {
                        n_tables++;
                    }
                }
            } else if (e == TC_ERR_OK) {
                certs[n_certs].data = d;
                certs[n_certs++].len = l;
            }
        }
        if (e != TC_ERR_OK) {
            rc = fail(json, NULL, e, CMD);
            goto out;
        }
    }
    for (i = 0; i < n_crl_paths; i++) {
        e = files_add(&files, crl_paths[i], (uint8_t **)&crls[n_crls].data, &crls[n_crls].len);
        if (e != TC_ERR_OK) {
            rc = fail(json, NULL, e, CMD);
            goto out;
        }
        n_crls++;
    }
    for (i = 0; i < n_anchor_files; i++) {
        const uint8_t *d;
        size_t l;

        e = files_add(&files, anchor_files[i], (uint8_t **)&d, &l);
        if (e == TC_ERR_OK) {
            e = tc_snp_anchor_from_cert(d, l, &anchors[i]);
        }
        if (e != TC_ERR_OK) {
            rc = fail(json, NULL, e, CMD ": --trust-ark %s", anchor_files[i]);
            goto out;
        }
    }
    /* Certificate tables given with --certs join the report's own (if any) as plain certs. */
    for (i = 0; i < n_tables; i++) {
        size_t k;

        for (k = 0; k < tables[i].n && n_certs < MAX_FILES; k++) {
            if (tables[i].e[k].kind != TC_SNP_CERT_UNKNOWN) {
                certs[n_certs].data = tables[i].e[k].data;
                certs[n_certs++].len = tables[i].e[k].len;
            }
        }
    }
    o.certs = certs;
    o.n_certs = n_certs;
    o.crls = crls;
    o.n_crls = n_crls;
    o.fetch_crl = fetch_crl;
    o.extra_anchors = n_anchor_files > 0 ? anchors : NULL;
    o.n_extra_anchors = n_anchor_files;
    if (!no_cache) {
        if (cache_dir == NULL) {
            if (tc_snp_kds_default_cache_dir(cache_buf, sizeof(cache_buf)) == TC_ERR_OK) {
                cache_dir = cache_buf;
            } else {
                tc_err_clear();
            }
        }
        kds.cache_dir = cache_dir;
    }
    kds.base_url = kds_url;
    kds.offline = offline;
    o.kds = &kds;

    /* Verify, then appraise. */
    e = tc_snp_verify_evidence(ev, &o, &v);
    if (policy != NULL && (e == TC_ERR_OK || tc_err_class(e) == TC_CLASS_REJECTED)) {
        char keep[600];

        snprintf(keep, sizeof(keep), "%s", tc_err_detail());
        pe = tc_snp_appraise(&ev->report, policy, &v);
        if (pe != TC_ERR_OK && tc_err_class(pe) != TC_CLASS_REJECTED) {
            rc = fail(json, NULL, pe, CMD ": %s", policy_file);
            goto out;
        }
        if (e == TC_ERR_OK) {
            e = pe;
        } else {
            (void)tc_fail(e, "%s", keep);
        }
    }
    if (json) {
        json_t *claims = tc_snp_report_json(&ev->report);

        out = tc_verdict_json(&v);
        if (out == NULL || claims == NULL) {
            json_decref(claims);
            rc = fail(json, NULL, tc_fail(TC_ERR_NOMEM, "JSON"), CMD);
            goto out;
        }
        if (json_object_set_new(out, "claims", claims) != 0) { /* claims released */
            rc = fail(json, NULL, tc_fail(TC_ERR_NOMEM, "JSON"), CMD);
            goto out;
        }
    } else {
        for (i = 0; i < v.n; i++) {
            static const char *st[] = {"pass", "FAIL", "skip", "info"};
            const struct tc_check *c = &v.checks[i];

            printf("%-4s %-34s %s", st[c->status], c->name, c->detail != NULL ? c->detail : "");
            if (c->status == TC_CHECK_FAIL && (c->expected != NULL || c->actual != NULL)) {
                printf(" (expected %s, got %s)", c->expected != NULL ? c->expected : "-",
                       c->actual != NULL ? c->actual : "-");
            }
            printf("\n");
        }
    }
    if (e == TC_ERR_OK || tc_err_class(e) == TC_CLASS_REJECTED) {
        char buf[700];

        rc = e == TC_ERR_OK ? EXIT_OK : tc_err_exit_code(e);
        if (json) {
            char *s = json_object_set_new(out, "exit_code", json_integer(rc)) == 0
                          ? json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER)
                          : NULL;

            if (s == NULL) {
                rc = fail(json, NULL, tc_fail(TC_ERR_NOMEM, "JSON"), CMD);
                goto out;
            }
            printf("%s\n", s);
            free(s);
        }
        if (e == TC_ERR_OK) {
            if (!json) {
                printf("%s\n", tc_verdict_summary(&v, buf, sizeof(buf)));
            }
        } else {
            fprintf(stderr, "%s: %s\n", PROG, tc_verdict_summary(&v, buf, sizeof(buf)));
        }
    } else {
        /* An input that could not be used (malformed, I/O, missing collateral): the checks
         * made so far stay in the JSON, the verdict says error. */
        rc = fail(json, out, e, CMD);
    }
out:
    json_decref(out);
    json_decref(policy);
    tc_verdict_free(&v);
    files_free(&files);
    free(ev);
    free(rdata);
    return rc;
}
