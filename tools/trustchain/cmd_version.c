/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/opensslv.h>

#include "cli.h"

int cmd_version(int argc, char **argv)
{
    int json = 0, i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("Usage: %s version [--json]\n\nPrint the version of trustchain and of the "
                   "OpenSSL it runs on.\n",
                   PROG);
            return EXIT_OK;
        } else {
            return cli_usage("version", "unknown argument '%s'", argv[i]);
        }
    }
    if (json) {
        printf("{\"trustchain\":\"%s\",\"openssl\":\"%s\"}\n", tc_version(),
               OpenSSL_version(OPENSSL_VERSION_STRING));
    } else {
        printf("trustchain %s (OpenSSL %s)\n", tc_version(),
               OpenSSL_version(OPENSSL_VERSION_STRING));
    }
    return EXIT_OK;
}
