/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "core/reader.h"
#include "measure/fwtable.h"
#include "trustchain/util.h"

#define ENTRY_HDR 18  /* u16 size + 16-byte GUID, after the entry's data */
#define FOOTER_GAP 32 /* the table ends 32 bytes before the end of the image */

tc_err tc_guid_parse(const char *s, uint8_t out[16])
{
    /* Byte positions in the text for on-disk order: fields 1-3 are little-endian. */
    static const int pos[16] = {6, 4, 2, 0, 11, 9, 16, 14, 19, 21, 24, 26, 28, 30, 32, 34};
    size_t n;
    int i;

    if (strlen(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') {
        return tc_fail(TC_ERR_ENCODING, "invalid GUID '%s'", s);
    }
    for (i = 0; i < 16; i++) {
        tc_err e = tc_hex_decode(s + pos[i], 2, out + i, 1, &n);

        if (e != TC_ERR_OK) {
            return tc_fail(TC_ERR_ENCODING, "invalid GUID '%s'", s);
        }
    }
    return TC_ERR_OK;
}

void tc_guid_format(const uint8_t g[16], char out[37])
{
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3],
             g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13],
             g[14], g[15]);
}

tc_err tc_fwtable_parse(const uint8_t *fw, size_t len, struct tc_fwtable *t)
{
    uint8_t footer_guid[16];
    struct tc_reader r, hdr;
    size_t end, table_start, table_len;
    uint16_t footer_size;
    const uint8_t *g;
    tc_err e;

    memset(t, 0, sizeof(*t));
    if (tc_guid_parse(TC_GUID_OVMF_TABLE_FOOTER, footer_guid) != TC_ERR_OK) {
        return tc_fail(TC_ERR_INTERNAL, "footer GUID");
    }
    if (len < FOOTER_GAP + ENTRY_HDR) {
        return TC_ERR_OK; /* too small to carry a table */
    }
    end = len - FOOTER_GAP; /* the footer entry's header ends here */
    tc_reader_init(&r, fw, len, "firmware GUID table");
    if ((e = tc_reader_view(&r, end - ENTRY_HDR, ENTRY_HDR, &hdr, "footer entry")) != TC_ERR_OK ||
        (e = tc_read_u16le(&hdr, &footer_size)) != TC_ERR_OK ||
        (e = tc_read_ptr(&hdr, &g, 16)) != TC_ERR_OK) {
        return e;
    }
    if (memcmp(g, footer_guid, 16) != 0) {
        return TC_ERR_OK;
    }
    t->present = 1;
    if (footer_size < ENTRY_HDR || footer_size > end) {
        return tc_fail(TC_ERR_MALFORMED, "firmware GUID table: footer size %u is invalid",
                       footer_size);
    }
    /* The footer's size covers the whole table including its own header. */
    table_len = (size_t)footer_size - ENTRY_HDR;
    table_start = end - footer_size;
    /* Walk entries backwards from the footer: each ends with {size, GUID}. */
    while (table_len > 0) {
        struct tc_fwtable_entry *ent;
        uint16_t esize;
        size_t i, hdr_off;

        if (table_len < ENTRY_HDR) {
            return tc_fail(TC_ERR_MALFORMED, "firmware GUID table: %zu stray bytes at offset 0x%zx",
                           table_len, table_start);
        }
        hdr_off = table_start + table_len - ENTRY_HDR;
        esize = tc_le16(fw + hdr_off);
        if (esize < ENTRY_HDR || esize > table_len) {
            return tc_fail(TC_ERR_MALFORMED,
                           "firmware GUID table: entry at offset 0x%zx has size %u, %zu bytes "
                           "available",
                           hdr_off, esize, table_len);
        }
        if (t->n == TC_FWTABLE_MAX) {
            return tc_fail(TC_ERR_MALFORMED, "firmware GUID table: more than %d entries",
                           TC_FWTABLE_MAX);
        }
        ent = &t->e[t->n];
        memcpy(ent->guid, fw + hdr_off + 2, 16);
        ent->len = (size_t)esize - ENTRY_HDR;
        ent->offset = hdr_off - ent->len;
        ent->data = fw + ent->offset;
        for (i = 0; i < t->n; i++) {
            if (memcmp(t->e[i].guid, ent->guid, 16) == 0) {
                char s[37];

                tc_guid_format(ent->guid, s);
                return tc_fail(TC_ERR_MALFORMED, "firmware GUID table: GUID %s appears twice", s);
            }
        }
        t->n++;
        table_len -= esize;
    }
    return TC_ERR_OK;
}

const struct tc_fwtable_entry *tc_fwtable_find(const struct tc_fwtable *t, const char *guid)
{
    uint8_t g[16];
    size_t i;

    if (tc_guid_parse(guid, g) != TC_ERR_OK) {
        return NULL;
    }
    for (i = 0; i < t->n; i++) {
        if (memcmp(t->e[i].guid, g, 16) == 0) {
            return &t->e[i];
        }
    }
    return NULL;
}
