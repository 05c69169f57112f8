/* SPDX-License-Identifier: Apache-2.0 */
/* trustchain: the command.  A flat subcommand table; help is generated from it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    cli_fn fn;
    const char *help;
} subcommands[] = {
    {"measure", cmd_measure, "Compute the expected launch measurement of a confidential VM"},
    {"report", cmd_report, "Show an AMD SEV-SNP attestation report"},
    {"quote", cmd_quote, "Show an Intel TDX quote"},
    {"verify", cmd_verify, "Verify SNP or TDX evidence to the vendor root and appraise it"},
    {"eventlog", cmd_eventlog, "Replay a TCG / CC event log to RTMR and PCR values"},
    {"serve", cmd_serve, "Run the key broker (Confidential Containers KBS protocol)"},
    {"kbs", cmd_kbs, "Guest side: attest to a key broker and fetch a resource"},
    {"version", cmd_version, "Print the version of trustchain and its libraries"},
    {"help", cmd_help, "Show this help, or the help of one subcommand"},
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *f)
{
    size_t i;

    fprintf(f, "Usage: %s <subcommand> [<args>]\n\n", PROG);
    fprintf(f, "The chain of trust for confidential VMs (AMD SEV-SNP, Intel TDX).\n\n");
    fprintf(f, "Subcommands:\n");
    for (i = 0; i < N_SUBCOMMANDS; i++) {
        fprintf(f, "  %-10s %s\n", subcommands[i].name, subcommands[i].help);
    }
    fprintf(f, "\nRun '%s help <subcommand>' or '%s <subcommand> --help' for details.\n", PROG,
            PROG);
    fprintf(f, "Exit codes: 0 ok, 1 rejected, 2 usage, 3 malformed input, 4 I/O, 70 internal.\n");
}

int cli_fail(tc_err e)
{
    char buf[768];

    fprintf(stderr, "%s: %s\n", PROG, tc_err_str(e, buf, sizeof(buf)));
    return tc_err_exit_code(e);
}

int cli_fail_ctx(tc_err e, const char *fmt, ...)
{
    char buf[768];
    char ctx[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(ctx, sizeof(ctx), fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s: %s\n", PROG, ctx, tc_err_str(e, buf, sizeof(buf)));
    return tc_err_exit_code(e);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s %s: ", PROG, cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see '%s %s --help')\n", PROG, cmd);
    return EXIT_USAGE;
}

int cmd_help(int argc, char **argv)
{
    size_t i;

    if (argc < 2) {
        usage(stdout);
        return EXIT_OK;
    }
    for (i = 0; i < N_SUBCOMMANDS; i++) {
        if (strcmp(argv[1], subcommands[i].name) == 0 && subcommands[i].fn != cmd_help) {
            char *sub_argv[] = {argv[1], "--help", NULL};

            return subcommands[i].fn(2, sub_argv);
        }
    }
    return cli_usage("help", "unknown subcommand '%s'", argv[1]);
}

int main(int argc, char **argv)
{
    size_t i;

    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        return cmd_version(1, argv + 1);
    }
    for (i = 0; i < N_SUBCOMMANDS; i++) {
        if (strcmp(argv[1], subcommands[i].name) == 0) {
            return subcommands[i].fn(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "%s: unknown subcommand '%s' (see '%s help')\n", PROG, argv[1], PROG);
    return EXIT_USAGE;
}
