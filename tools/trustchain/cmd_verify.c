/* SPDX-License-Identifier: Apache-2.0 */
/* `trustchain verify snp|tdx ...`: one verb, one file per TEE. */
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: %s verify <tee> [<args>]\n\n"
            "Verify attestation evidence to the vendor root and appraise it against a policy.\n\n"
            "TEEs:\n"
            "  snp   an AMD SEV-SNP attestation report (see '%s verify snp --help')\n"
            "  tdx   an Intel TDX quote (see '%s verify tdx --help')\n",
            PROG, PROG, PROG);
}

int cmd_verify(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "snp") == 0) {
        return cmd_verify_snp(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "tdx") == 0) {
        return cmd_verify_tdx(argc - 1, argv + 1);
    }
    return cli_usage("verify", "unknown TEE '%s' (expected snp or tdx)", argv[1]);
}
