/* SPDX-License-Identifier: Apache-2.0 */
/* The CLI's shared declarations. The CLI uses only the library's public headers. */
#ifndef TC_CLI_H
#define TC_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trustchain/trustchain.h"

#define PROG "trustchain"

/* Exit codes: part of the interface (DESIGN.md). */
enum {
    EXIT_OK = 0,
    EXIT_REJECTED = 1,
    EXIT_USAGE = 2,
    EXIT_MALFORMED = 3,
    EXIT_IO = 4,
    EXIT_INTERNAL = 70,
};

/* Print "trustchain: <message>: <detail>" on stderr; return the class exit code. */
int cli_fail(tc_err e);
/* Same, with a context prefix: "trustchain: <ctx>: <message>: <detail>". */
int cli_fail_ctx(tc_err e, const char *fmt, ...) TC_PRINTF(2, 3);
/* Print "trustchain <cmd>: <why>" and a hint to --help on stderr; return EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) TC_PRINTF(2, 3);

/*
 * cli_json.c, for subcommands with --json: cli_fail_ctx / cli_usage, plus with json one JSON
 * object on stdout {"error", "exit_code", "message"} ("verdict": "error" first if verdict).
 * fmt may be "" (no context).  cli_has_json: --json among argv[1..] (before "--").
 */
int cli_json_fail(int json, int verdict, tc_err e, const char *fmt, ...) TC_PRINTF(4, 5);
int cli_json_usage(int json, int verdict, const char *cmd, const char *fmt, ...) TC_PRINTF(4, 5);
int cli_has_json(int argc, char **argv);

/*
 * cli_unhex.c: evidence saved as hex text (`xxd -p`, a report printed by a tool): if all of
 * data[0..*len) is hex digits and whitespace (after one optional leading "0x"), with at least
 * min_bytes bytes' worth of digits,
 * decode it in place and update *len; returns 1 if decoded, 0 if left as is (binary input, or
 * text that is not whole hex), -1 for an odd number of hex digits.
 */
int cli_unhex(uint8_t *data, size_t *len, size_t min_bytes);

/* One subcommand: argv[0] is the subcommand name. */
typedef int (*cli_fn)(int argc, char **argv);

/* The subcommands (one file each). */
int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_measure(int argc, char **argv);     /* cmd_measure.c: SEV/SEV-ES/SNP */
int cmd_measure_tdx(int argc, char **argv); /* cmd_measure_tdx.c: `measure tdx` (MRTD) */
int cmd_report(int argc, char **argv);      /* cmd_report.c: `report show` (SNP) */
int cmd_quote(int argc, char **argv);       /* cmd_quote.c: `quote show` (TDX) */
int cmd_verify(int argc, char **argv);      /* cmd_verify.c: dispatches snp|tdx */
int cmd_verify_snp(int argc, char **argv);  /* cmd_verify_snp.c */
int cmd_verify_tdx(int argc, char **argv);  /* cmd_verify_tdx.c */
int cmd_eventlog(int argc, char **argv);    /* cmd_eventlog.c: `eventlog replay` */
int cmd_serve(int argc, char **argv);       /* cmd_serve.c: the key broker */
int cmd_kbs(int argc, char **argv);         /* cmd_kbs.c: KBS client (guest side) */

#endif
