/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

int cmd_measure(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "%s measure: not implemented yet\n", PROG);
    return EXIT_INTERNAL;
}
