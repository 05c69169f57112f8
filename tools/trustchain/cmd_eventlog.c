/* SPDX-License-Identifier: Apache-2.0 */
/* `trustchain eventlog replay FILE [--ccel TABLE]`: RTMR / PCR values a TCG or CC event log
 * implies. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "trustchain/eventlog.h"
#include "trustchain/tdx.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: %s eventlog replay FILE [--ccel TABLE] [--kind cc|tpm] [--quote QUOTE]\n"
            "                            [--json]\n\n"
            "Parse a TCG PC Client crypto-agile event log (or a SHA-1 log), decode each event\n"
            "for people, and replay it: for a confidential-computing log (TDVF, the ACPI CCEL\n"
            "table's log area) MR index 1..4 extends RTMR0..3 with SHA-384; for a TPM log each\n"
            "PCR bank is replayed.  RTMR = SHA-384(RTMR || digest), from 48 zero bytes.\n\n"
            "Options:\n"
            "  --ccel TABLE   the ACPI CCEL table (/sys/firmware/acpi/tables/CCEL): checked, its\n"
            "                 log area length (LAML) bounds the log, and the log is a CC log\n"
            "  --kind K       cc or tpm (default: cc with --ccel or a SHA-384-only log, else tpm)\n"
            "  --quote QUOTE  compare the replayed RTMRs with a TDX quote's (exit 1 on mismatch)\n"
            "  --json         print JSON (events, digests, descriptions, values); on any\n"
            "                 failure {\"error\", \"exit_code\", \"message\"} instead\n"
            "  -h, --help     show this help\n\n"
            "Exit codes: 0 ok, 1 RTMR mismatch with --quote, 2 usage, 3 malformed, 4 I/O.\n",
            PROG);
}

static int replay(const char *path, const char *ccel_path, const char *kind_s,
                  const char *quote_path, int as_json)
{
    uint8_t *log_data = NULL, *ccel_data = NULL, *qdata = NULL;
    size_t log_len = 0, ccel_len = 0, qlen = 0, use_len, i;
    struct tc_evlog log;
    struct tc_evlog_replay *rp = NULL;
    struct tc_ccel ccel;
    struct tc_tdx_quote q;
    enum tc_evlog_kind kind;
    int rc = EXIT_OK, mismatch = 0;
    char hex[129], desc[256];
    json_t *j = NULL;
    tc_err e;

    memset(&log, 0, sizeof(log));
    if ((e = tc_file_read(path, TC_EVLOG_MAX, &log_data, &log_len)) != TC_ERR_OK) {
        return cli_json_fail(as_json, 0, e, "%s", path);
    }
    use_len = log_len;
    if (ccel_path != NULL) {
        if ((e = tc_file_read(ccel_path, 4096, &ccel_data, &ccel_len)) != TC_ERR_OK ||
            (e = tc_ccel_parse(ccel_data, ccel_len, &ccel)) != TC_ERR_OK) {
            rc = cli_json_fail(as_json, 0, e, "--ccel %s", ccel_path);
            goto out;
        }
        if (ccel.laml < use_len) {
            use_len = (size_t)ccel.laml; /* the log area is LAML bytes from LASA */
        }
    }
    if (quote_path != NULL) {
        if ((e = tc_file_read(quote_path, TC_TDX_QUOTE_MAX, &qdata, &qlen)) != TC_ERR_OK ||
            (e = tc_tdx_quote_parse(qdata, qlen, &q)) != TC_ERR_OK) {
            rc = cli_json_fail(as_json, 0, e, "--quote %s", quote_path);
            goto out;
        }
    }
    if ((e = tc_evlog_parse(log_data, use_len, &log)) != TC_ERR_OK) {
        rc = cli_json_fail(as_json, 0, e, "%s", path);
        goto out;
    }
    if (kind_s != NULL) {
        kind = strcmp(kind_s, "cc") == 0 ? TC_EVLOG_CC : TC_EVLOG_TPM;
    } else {
        kind = ccel_path != NULL || quote_path != NULL ||
                       (log.crypto_agile && log.n_algs == 1 && log.algs[0].id == TC_TPM_ALG_SHA384)
                   ? TC_EVLOG_CC
                   : TC_EVLOG_TPM;
    }
    if (quote_path != NULL && kind != TC_EVLOG_CC) {
        rc = cli_json_usage(as_json, 0, "eventlog replay",
                            "--quote compares RTMRs: it needs a CC log");
        goto out;
    }
    rp = calloc(1, sizeof(*rp));
    if (rp == NULL) {
        rc = cli_json_fail(as_json, 0, tc_fail(TC_ERR_NOMEM, "replay"), "eventlog replay");
        goto out;
    }
    if ((e = tc_evlog_replay(&log, kind, rp)) != TC_ERR_OK) {
        rc = cli_json_fail(as_json, 0, e, "%s", path);
        goto out;
    }
    if (quote_path != NULL) {
        for (i = 0; i < 4; i++) {
            mismatch |= memcmp(rp->rtmr[i], q.td.rtmr[i], 48) != 0;
        }
    }
    if (as_json) {
        j = tc_evlog_json(&log, rp);
        if (j == NULL) {
            rc = cli_json_fail(as_json, 0, tc_fail(TC_ERR_NOMEM, "JSON"), "eventlog replay");
            goto out;
        }
        if (ccel_path != NULL) {
            json_t *c = json_object();

            json_object_set_new(c, "cc_type", json_integer(ccel.cc_type));
            json_object_set_new(c, "cc_subtype", json_integer(ccel.cc_subtype));
            json_object_set_new(c, "laml", json_integer((json_int_t)ccel.laml));
            json_object_set_new(c, "lasa", json_integer((json_int_t)ccel.lasa));
            json_object_set_new(c, "oem_id", json_string(ccel.oem_id));
            json_object_set_new(j, "ccel", c);
        }
        if (quote_path != NULL) {
            json_object_set_new(j, "matches_quote", json_boolean(!mismatch));
        }
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("\n");
    } else {
        if (ccel_path != NULL) {
            printf("CCEL: CC type %u (%s), subtype %u, log area 0x%llx bytes at 0x%llx\n",
                   ccel.cc_type,
                   ccel.cc_type == 2   ? "TDX"
                   : ccel.cc_type == 1 ? "SEV"
                                       : "?",
                   ccel.cc_subtype, (unsigned long long)ccel.laml, (unsigned long long)ccel.lasa);
        }
        printf("%s log, %zu events, %zu bytes", log.crypto_agile ? "crypto-agile" : "SHA-1", log.n,
               log.end);
        for (i = 0; i < log.n_algs; i++) {
            printf("%s%s", i ? "," : " (", tc_tpm_alg_name(log.algs[i].id));
        }
        printf(")\n");
        for (i = 0; i < log.n; i++) {
            const struct tc_evlog_event *ev = &log.ev[i];

            tc_evlog_describe(ev, desc, sizeof(desc));
            if (kind == TC_EVLOG_CC) {
                printf("%4zu  %-5s", i + 1,
                       ev->index >= 1 && ev->index <= 4
                           ? (const char *[]){"RTMR0", "RTMR1", "RTMR2", "RTMR3"}[ev->index - 1]
                           : "-");
            } else {
                printf("%4zu  PCR%-2u", i + 1, ev->index);
            }
            printf(" %-34s %s\n", tc_evlog_type_name(ev->type), desc);
        }
        if (kind == TC_EVLOG_CC) {
            for (i = 0; i < 4; i++) {
                printf("RTMR%zu %s%s\n", i, tc_hex_encode(rp->rtmr[i], 48, hex),
                       quote_path == NULL                           ? ""
                       : memcmp(rp->rtmr[i], q.td.rtmr[i], 48) == 0 ? "  (= quote)"
                                                                    : "  (quote differs)");
            }
        } else {
            size_t b;

            for (b = 0; b < rp->n_banks; b++) {
                for (i = 0; i < TC_EVLOG_PCRS; i++) {
                    if (rp->bank[b].events[i] == 0) {
                        continue;
                    }
                    printf("%s PCR%-2zu %s\n", tc_tpm_alg_name(rp->bank[b].alg), i,
                           tc_hex_encode(rp->bank[b].pcr[i], rp->bank[b].len, hex));
                }
            }
        }
    }
    if (mismatch) {
        fprintf(stderr, "%s: the replayed RTMRs differ from the quote's\n", PROG);
        rc = EXIT_REJECTED;
    }
out:
    json_decref(j);
    free(rp);
    tc_evlog_free(&log);
    free(log_data);
    free(ccel_data);
    free(qdata);
    return rc;
}

int cmd_eventlog(int argc, char **argv)
{
    enum { O_CCEL = 256, O_KIND, O_QUOTE, O_JSON };
    static const struct option opts[] = {
        {"ccel", required_argument, NULL, O_CCEL},
        {"kind", required_argument, NULL, O_KIND},
        {"quote", required_argument, NULL, O_QUOTE},
        {"json", no_argument, NULL, O_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *ccel = NULL, *kind = NULL, *quote = NULL;
    int as_json = cli_has_json(argc, argv), c;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "replay") != 0) {
        return cli_json_usage(as_json, 0, "eventlog", "unknown action '%s' (expected 'replay')",
                              argv[1]);
    }
    argc--;
    argv++;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_CCEL:
            ccel = optarg;
            break;
        case O_KIND:
            kind = optarg;
            if (strcmp(kind, "cc") != 0 && strcmp(kind, "tpm") != 0) {
                return cli_json_usage(as_json, 0, "eventlog replay", "--kind must be cc or tpm");
            }
            break;
        case O_QUOTE:
            quote = optarg;
            break;
        case O_JSON:
            as_json = 1;
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        default:
            return cli_json_usage(as_json, 0, "eventlog replay",
                                  "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (optind + 1 != argc) {
        return cli_json_usage(as_json, 0, "eventlog replay", "expected exactly one FILE");
    }
    return replay(argv[optind], ccel, kind, quote, as_json);
}
