/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replays a libFuzzer corpus without libFuzzer (so `make check` runs every
 * fuzz target's corpus with gcc, and under ASan/UBSan with SAN=1).
 * usage: replay_<target> DIR|FILE...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trustchain/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    uint8_t *data = NULL;
    size_t len = 0;

    if (tc_file_read(path, (size_t)16 << 20, &data, &len) != TC_ERR_OK) {
        printf("FAIL - cannot read %s: %s\n", path, tc_err_detail());
        return -1;
    }
    LLVMFuzzerTestOneInput(data, len);
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    int i, n = 0, bad = 0;

    for (i = 1; i < argc; i++) {
        struct stat st;

        if (stat(argv[i], &st) != 0) {
            printf("FAIL - %s: no such corpus\n", argv[i]);
            bad++;
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *de;

            while (d != NULL && (de = readdir(d)) != NULL) {
                char path[4096];

                if (de->d_name[0] == '.') {
                    continue;
                }
                snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
                if (replay_file(path) != 0) {
                    bad++;
                } else {
                    n++;
                }
            }
            if (d != NULL) {
                closedir(d);
            }
        } else if (replay_file(argv[i]) != 0) {
            bad++;
        } else {
            n++;
        }
    }
    if (n == 0 && bad == 0) {
        printf("FAIL - empty corpus\n");
        return 1;
    }
    /* Reaching here means no input crashed, leaked (ASan) or hit UB (UBSan). */
    printf("%s - %d corpus inputs replayed without a crash\n", bad ? "FAIL" : "ok", n);
    return bad ? 1 : 0;
}
