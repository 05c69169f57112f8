/* SPDX-License-Identifier: Apache-2.0 */
/* Evidence saved as hex text, decoded in place (see cli.h). */
#include "cli.h"

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int cli_unhex(uint8_t *data, size_t *len, size_t min_bytes)
{
    size_t i, start = 0, digits = 0, o = 0;
    int hi = -1;

    /* One leading "0x", as tools that print a byte string as a number write it. */
    while (start < *len && is_space(data[start])) {
        start++;
    }
    if (start + 1 < *len && data[start] == '0' && (data[start + 1] == 'x' || data[start + 1] == 'X')) {
        start += 2;
    }
    for (i = start; i < *len; i++) {
        if (hexval(data[i]) >= 0) {
            digits++;
        } else if (!is_space(data[i])) {
            return 0; /* binary, or text that is not whole hex */
        }
    }
    if (digits / 2 < min_bytes) {
        return 0;
    }
    if (digits % 2 != 0) {
        return -1;
    }
    /* The write index never passes the read index: o <= i / 2. */
    for (i = start; i < *len; i++) {
        int v = hexval(data[i]);

        if (v < 0) {
            continue;
        }
        if (hi < 0) {
            hi = v;
        } else {
            data[o++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    *len = o;
    return 1;
}
