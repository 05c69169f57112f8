/* SPDX-License-Identifier: Apache-2.0 */
/* `trustchain report show FILE [--json]`: an AMD SEV-SNP attestation report, every field. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "trustchain/snp.h"

#define REPORT_FILE_MAX ((size_t)1 << 20)

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: %s report show FILE [--json]\n\n"
            "Parse an AMD SEV-SNP attestation report and show every field: versions 2 to 5\n"
            "(Milan, Genoa, Turin), policy and platform bits by name (unknown bits shown).\n"
            "FILE is a 1184-byte report, a report followed by the GHCB certificate table\n"
            "(extended report), an Azure HCL report (\"HCLA\" header), or the firmware's\n"
            "MSG_REPORT_RSP (the SNP_GET_REPORT ioctl's response buffer); any of these\n"
            "also as hex text (`xxd -p`; whitespace ignored). '-' reads stdin.\n"
            "Nothing is verified here: see '%s verify snp'.\n\n"
            "Options:\n"
            "  --json   the claims as JSON; on any failure a JSON object\n"
            "           {\"error\": NAME, \"exit_code\": N, \"message\": TEXT} instead\n\n"
            "Exit codes: 0 parsed, 2 usage, 3 malformed report, 4 I/O, 70 internal.\n",
            PROG, PROG);
}

/*
 * A refusal: the one line on stderr and, with --json, {"error": NAME, "exit_code": N,
 * "message": LINE} on stdout, so a machine reading stdout always gets JSON.
 */
static int fail(int json, tc_err e, const char *fmt, ...) TC_PRINTF(3, 4);

static int fail(int json, tc_err e, const char *fmt, ...)
{
    char ctx[512], buf[768], line[1300];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(ctx, sizeof(ctx), fmt, ap);
    va_end(ap);
    snprintf(line, sizeof(line), "%s%s%s", ctx, ctx[0] ? ": " : "",
             tc_err_str(e, buf, sizeof(buf)));
    fprintf(stderr, "%s: %s\n", PROG, line);
    if (json) {
        json_t *j = json_pack("{s:s,s:i,s:s}", "error", tc_err_name(e), "exit_code",
                              tc_err_exit_code(e), "message", line);
        char *s = j != NULL ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;

        printf("%s\n", s != NULL ? s : "{\"error\": \"NOMEM\"}");
        free(s);
        json_decref(j);
    }
    return tc_err_exit_code(e);
}

/* A usage error: cli_usage's line, and the same as JSON with --json. */
static int usage_fail(int json, const char *fmt, ...) TC_PRINTF(2, 3);

static int usage_fail(int json, const char *fmt, ...)
{
    char why[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (json) {
        json_t *j = json_pack("{s:s,s:i,s:s}", "error", tc_err_name(TC_ERR_USAGE), "exit_code",
                              EXIT_USAGE, "message", why);
        char *s = j != NULL ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;

        printf("%s\n", s != NULL ? s : "{\"error\": \"USAGE\"}");
        free(s);
        json_decref(j);
    }
    return cli_usage("report", "%s", why);
}

/* Flattened "key.sub   value" lines, in the JSON's order. */
static void print_flat(const char *prefix, const json_t *j)
{
    const char *k;
    json_t *v;
    size_t i;

    if (json_is_object(j)) {
        json_object_foreach((json_t *)j, k, v)
        {
            char key[128];

            snprintf(key, sizeof(key), "%s%s%s", prefix, prefix[0] ? "." : "", k);
            print_flat(key, v);
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v)
        {
            char key[128];

            snprintf(key, sizeof(key), "%s[%zu]", prefix, i);
            print_flat(key, v);
        }
    } else {
        char *s = json_is_string(j) ? NULL : json_dumps(j, JSON_ENCODE_ANY);

        printf("%-34s %s\n", prefix, s != NULL ? s : json_string_value(j));
        free(s);
    }
}

int cmd_report(int argc, char **argv)
{
    const char *file = NULL;
    int json = 0, i, rc = EXIT_INTERNAL;
    uint8_t *data = NULL;
    size_t len = 0;
    struct tc_snp_evidence *ev = NULL;
    json_t *j = NULL;
    tc_err e;

    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return EXIT_OK;
    }
    /* --json anywhere: even a usage error is answered in JSON on stdout. */
    for (i = 1; i < argc; i++) {
        json = json || strcmp(argv[i], "--json") == 0;
    }
    if (argc < 2 || strcmp(argv[1], "show") != 0) {
        return usage_fail(json, argc < 2 ? "missing action (show)%s" : "unknown action '%s'",
                          argc < 2 ? "" : argv[1]);
    }
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return EXIT_OK;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return usage_fail(json, "unknown option '%s'", argv[i]);
        } else if (file == NULL) {
            file = argv[i];
        } else {
            return usage_fail(json, "more than one FILE");
        }
    }
    if (file == NULL) {
        return usage_fail(json, "missing FILE");
    }
    e = tc_file_read(file, REPORT_FILE_MAX, &data, &len);
    if (e != TC_ERR_OK) {
        rc = fail(json, e, "report show");
        goto out;
    }
    /* A report saved as hex text (`xxd -p`): decoded first. */
    if (cli_unhex(data, &len, TC_SNP_REPORT_SIZE) < 0) {
        rc =
            fail(json, tc_fail(TC_ERR_MALFORMED, "%s: hex text with an odd number of digits", file),
                 "report show");
        goto out;
    }
    ev = calloc(1, sizeof(*ev));
    if (ev == NULL) {
        rc = fail(json, tc_fail(TC_ERR_NOMEM, "evidence"), "report show");
        goto out;
    }
    e = tc_snp_evidence_parse(data, len, ev);
    if (e != TC_ERR_OK) {
        rc = fail(json, e, "report show: %s", file);
        goto out;
    }
    j = tc_snp_evidence_json(ev);
    if (j == NULL) {
        rc = fail(json, tc_fail(TC_ERR_NOMEM, "JSON"), "report show");
        goto out;
    }
    if (json) {
        if (json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
            rc = fail(json, tc_fail(TC_ERR_IO, "stdout"), "report show");
            goto out;
        }
        printf("\n");
    } else {
        print_flat("", j);
    }
    rc = EXIT_OK;
out:
    json_decref(j);
    free(ev);
    free(data);
    return rc;
}
