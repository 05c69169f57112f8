/* SPDX-License-Identifier: Apache-2.0 */
/* `trustchain report show FILE [--json]`: an AMD SEV-SNP attestation report, every field. */
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
            "(extended report), or an Azure HCL report (\"HCLA\" header). '-' reads stdin.\n"
            "Nothing is verified here: see '%s verify snp'.\n\n"
            "Options:\n"
            "  --json   the claims as JSON\n\n"
            "Exit codes: 0 parsed, 2 usage, 3 malformed report, 4 I/O.\n",
            PROG, PROG);
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
    if (argc < 2 || strcmp(argv[1], "show") != 0) {
        return cli_usage("report", argc < 2 ? "missing action (show)" : "unknown action '%s'",
                         argc < 2 ? "" : argv[1]);
    }
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return EXIT_OK;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage("report", "unknown option '%s'", argv[i]);
        } else if (file == NULL) {
            file = argv[i];
        } else {
            return cli_usage("report", "more than one FILE");
        }
    }
    if (file == NULL) {
        return cli_usage("report", "missing FILE");
    }
    e = tc_file_read(file, REPORT_FILE_MAX, &data, &len);
    if (e != TC_ERR_OK) {
        rc = cli_fail_ctx(e, "report show");
        goto out;
    }
    ev = calloc(1, sizeof(*ev));
    if (ev == NULL) {
        rc = cli_fail(tc_fail(TC_ERR_NOMEM, "evidence"));
        goto out;
    }
    e = tc_snp_evidence_parse(data, len, ev);
    if (e != TC_ERR_OK) {
        rc = cli_fail_ctx(e, "report show: %s", file);
        goto out;
    }
    j = tc_snp_evidence_json(ev);
    if (j == NULL) {
        rc = cli_fail(tc_fail(TC_ERR_NOMEM, "JSON"));
        goto out;
    }
    if (json) {
        if (json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
            rc = cli_fail(tc_fail(TC_ERR_IO, "stdout"));
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
