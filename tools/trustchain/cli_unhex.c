/* SPDX-License-Identifier: Apache-2.0 */
/* Evidence saved as hex text, decoded in place (see cli.h). */
#include <ctype.h>

#include "cli.h"
#include "trustchain/util.h"

int cli_unhex(uint8_t *data, size_t *len, size_t min_bytes)
{
    size_t i, start = 0, digits = 0, o = 0;

    /* One leading "0x", as tools that print a byte string as a number write it. */
    while (start < *len && isspace(data[start])) {
        start++;
    }
    if (start + 1 < *len && data[start] == '0' &&
        (data[start + 1] == 'x' || data[start + 1] == 'X')) {
        start += 2;
    }
    for (i = start; i < *len; i++) {
        if (isxdigit(data[i])) {
            digits++;
        } else if (!isspace(data[i])) {
            return 0; /* binary, or text that is not whole hex: left as is */
        }
    }
    if (digits / 2 < min_bytes) {
        return 0;
    }
    /* Squeeze out the whitespace, then decode in place (each output byte lands at or before
     * the digits it comes from). */
    for (i = start; i < *len; i++) {
        if (isxdigit(data[i])) {
            data[o++] = data[i];
        }
    }
    if (tc_hex_decode((const char *)data, o, data, o / 2, len) != TC_ERR_OK) {
        return -1; /* an odd number of digits */
    }
    return 1;
}
