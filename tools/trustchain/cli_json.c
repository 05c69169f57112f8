/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Refusals for subcommands with --json (quote, verify tdx, eventlog, measure tdx): the one line
 * on stderr as cli_fail_ctx / cli_usage print it, and with --json also one JSON object on
 * stdout, so a machine reading stdout always gets JSON: {"error": NAME, "exit_code": N,
 * "message": LINE}, with "verdict": "error" first for verify (as `verify snp` does).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static void print_error(int verdict, tc_err e, int code, const char *line)
{
    json_t *j = json_object();
    char *s = NULL;

    if (j != NULL && (!verdict || json_object_set_new(j, "verdict", json_string("error")) == 0) &&
        json_object_set_new(j, "error", json_string(tc_err_name(e))) == 0 &&
        json_object_set_new(j, "exit_code", json_integer(code)) == 0 &&
        json_object_set_new(j, "message", json_string(line)) == 0) {
        s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    }
    printf("%s\n", s != NULL ? s : "{\"error\": \"NOMEM\", \"exit_code\": 70}");
    free(s);
    json_decref(j);
}

int cli_json_fail(int json, int verdict, tc_err e, const char *fmt, ...)
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
        print_error(verdict, e, tc_err_exit_code(e), line);
    }
    return tc_err_exit_code(e);
}

int cli_json_usage(int json, int verdict, const char *cmd, const char *fmt, ...)
{
    char why[512], line[600];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (json) {
        snprintf(line, sizeof(line), "%s: %s", cmd, why);
        print_error(verdict, TC_ERR_USAGE, EXIT_USAGE, line);
    }
    return cli_usage(cmd, "%s", why);
}

int cli_has_json(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            return 1;
        }
    }
    return 0;
}
