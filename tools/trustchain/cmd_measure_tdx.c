/* SPDX-License-Identifier: Apache-2.0 */
/* PLACEHOLDER: replaced by the issue that builds this subcommand. */
#include "cli.h"

int cmd_measure_tdx(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "%s: this subcommand is not built yet\n", PROG);
    return EXIT_INTERNAL;
}
