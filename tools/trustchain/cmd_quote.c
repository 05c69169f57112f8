/* SPDX-License-Identifier: Apache-2.0 */
/* `trustchain quote show FILE [--json]`: an Intel TDX quote (v4/v5) or a TDREPORT, decoded. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "trustchain/tdx.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: %s quote show FILE [--json]\n\n"
            "Decode an Intel TDX quote (v4 or v5, TD report body 1.0 or 1.5) or a 1024-byte\n"
            "TDREPORT_STRUCT, without verifying it (see '%s verify tdx').  For a TDREPORT the\n"
            "internal hashes (TEE_TCB_INFO_HASH, TEE_INFO_HASH) are checked.  FILE may also\n"
            "be hex text (`xxd -p`, or one line with a leading 0x).\n\n"
            "Options:\n"
            "  --json      print JSON (hex strings) instead of text; on any failure a JSON\n"
            "              object {\"error\", \"exit_code\", \"message\"} instead\n"
            "  -h, --help  show this help\n\n"
            "Exit codes: 0 ok, 1 TDREPORT hash mismatch, 2 usage, 3 malformed, 4 I/O.\n",
            PROG, PROG);
}

/* Flatten a JSON object into "key  value" lines for people. */
static void print_flat(const char *prefix, json_t *o)
{
    const char *k;
    json_t *v;

    json_object_foreach(o, k, v)
    {
        char name[128];

        snprintf(name, sizeof(name), "%s%s%s", prefix, prefix[0] ? "." : "", k);
        if (json_is_object(v)) {
            print_flat(name, v);
        } else if (json_is_string(v)) {
            printf("%-32s %s\n", name, json_string_value(v));
        } else if (json_is_integer(v)) {
            printf("%-32s %lld\n", name, (long long)json_integer_value(v));
        } else if (json_is_boolean(v)) {
            printf("%-32s %s\n", name, json_is_true(v) ? "true" : "false");
        }
    }
}

static int show(const char *path, int as_json)
{
    uint8_t *data = NULL;
    size_t len = 0;
    json_t *j = NULL;
    int rc = EXIT_OK;
    tc_err e;

    if ((e = tc_file_read(path, TC_TDX_QUOTE_MAX, &data, &len)) != TC_ERR_OK) {
        return cli_json_fail(as_json, 0, e, "%s", path);
    }
    /* A quote saved as hex text (`xxd -p`): decoded first (632 = header + TD 1.0 body). */
    if (cli_unhex(data, &len, 632) < 0) {
        rc = cli_json_fail(as_json, 0,
                           tc_fail(TC_ERR_MALFORMED, "hex text with an odd number of digits"), "%s",
                           path);
        goto out;
    }
    if (len == TC_TDX_TDREPORT_SIZE && data[0] == 0x81) {
        struct tc_tdx_tdreport r;
        struct tc_verdict v;
        char buf[512];

        if ((e = tc_tdx_tdreport_parse(data, len, &r)) != TC_ERR_OK) {
            rc = cli_json_fail(as_json, 0, e, "%s", path);
            goto out;
        }
        tc_verdict_init(&v);
        if ((e = tc_tdx_tdreport_check(&r, &v)) != TC_ERR_OK) {
            tc_verdict_free(&v);
            rc = cli_json_fail(as_json, 0, e, "quote show");
            goto out;
        }
        j = tc_tdx_tdreport_json(&r);
        if (j != NULL) {
            json_object_set_new(j, "hashes", tc_verdict_json(&v));
        }
        tc_verdict_summary(&v, buf, sizeof(buf));
        if (!tc_verdict_ok(&v)) {
            fprintf(stderr, "%s: %s: TDREPORT %s\n", PROG, path, buf);
            rc = EXIT_REJECTED;
        }
        tc_verdict_free(&v);
        if (j == NULL) {
            rc = cli_json_fail(as_json, 0, tc_fail(TC_ERR_NOMEM, "JSON"), "quote show");
            goto out;
        }
        if (as_json) {
            json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            printf("\n");
        } else {
            printf("TDREPORT (TDX module report, 1024 bytes); internal hashes: %s\n", buf);
            json_object_del(j, "hashes");
            print_flat("", j);
        }
        goto out;
    }
    {
        struct tc_tdx_quote q;

        if ((e = tc_tdx_quote_parse(data, len, &q)) != TC_ERR_OK) {
            rc = cli_json_fail(as_json, 0, e, "%s", path);
            goto out;
        }
        j = tc_tdx_quote_json(&q);
        if (j == NULL) {
            rc = cli_json_fail(as_json, 0, tc_fail(TC_ERR_NOMEM, "JSON"), "quote show");
            goto out;
        }
        if (as_json) {
            json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            printf("\n");
        } else {
            printf("TDX quote v%u, body type %u (TDX %s), %zu bytes", q.version, q.body_type,
                   q.body_type == TC_TDX_BODY_TD15 ? "1.5" : "1.0", q.quote_len);
            if (q.trailing) {
                printf(" + %zu trailing bytes (ignored)", q.trailing);
            }
            printf("\n");
            print_flat("", j);
        }
    }
out:
    json_decref(j);
    free(data);
    return rc;
}

int cmd_quote(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int as_json = cli_has_json(argc, argv), c;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "show") != 0) {
        return cli_json_usage(as_json, 0, "quote", "unknown action '%s' (expected 'show')",
                              argv[1]);
    }
    argc--;
    argv++;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            as_json = 1;
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        default:
            return cli_json_usage(as_json, 0, "quote show", "unknown option '%s'",
                                  argv[optind - 1]);
        }
    }
    if (optind + 1 != argc) {
        return cli_json_usage(as_json, 0, "quote show", "expected exactly one FILE");
    }
    return show(argv[optind], as_json);
}
