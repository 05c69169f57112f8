/* SPDX-License-Identifier: Apache-2.0 */
/* The firmware footer GUID table: real images, synthetic tables, and broken ones. */
#include <stdint.h>

#include "harness.h"
#include "core/reader.h"
#include "measure/fwtable.h"
#include "trustchain/util.h"

/* Build an image: [pad][entries...][footer hdr][32 bytes]. */
static size_t build(uint8_t *img, size_t cap, const char **guids, const size_t *dlen, size_t n,
                    int footer_delta)
{
    size_t pos = 64, i, table_bytes = 0;
    uint8_t g[16];

    memset(img, 0xAA, cap);
    for (i = 0; i < n; i++) {
        size_t esize = dlen[i] + 18;

        memset(img + pos, (int)(0x10 + i), dlen[i]);
        tc_put_le16(img + pos + dlen[i], (uint16_t)esize);
        if (tc_guid_parse(guids[i], g) != TC_ERR_OK) {
            return 0;
        }
        memcpy(img + pos + dlen[i] + 2, g, 16);
        pos += esize;
        table_bytes += esize;
    }
    tc_put_le16(img + pos, (uint16_t)(table_bytes + 18 + footer_delta));
    if (tc_guid_parse(TC_GUID_OVMF_TABLE_FOOTER, g) != TC_ERR_OK) {
        return 0;
    }
    memcpy(img + pos + 2, g, 16);
    return pos + 18 + 32;
}

static void test_guid(void)
{
    uint8_t g[16];
    char s[37];

    CHECK_OK(tc_guid_parse(TC_GUID_OVMF_TABLE_FOOTER, g), "parse GUID");
    CHECK(g[0] == 0xde && g[3] == 0x96 && g[4] == 0xb2 && g[6] == 0xf7 && g[8] == 0xba,
          "little-endian fields");
    tc_guid_format(g, s);
    CHECK(strcmp(s, TC_GUID_OVMF_TABLE_FOOTER) == 0, "format round trip");
    CHECK_ERR(tc_guid_parse("96b582de-1fb2-45f7-baea-a366c55a082", g), TC_ERR_ENCODING, "short");
    CHECK_ERR(tc_guid_parse("96b582de-1fb2-45f7-baea_a366c55a082d", g), TC_ERR_ENCODING, "dash");
    CHECK_ERR(tc_guid_parse("96b582de-1fb2-45f7-baea-a366c55a08zz", g), TC_ERR_ENCODING, "digit");
}

static void test_synthetic(void)
{
    static uint8_t img[512];
    const char *guids[] = {TC_GUID_SEV_ES_RESET_BLOCK, TC_GUID_OVMF_SEV_METADATA};
    size_t dlen[] = {4, 6}, len;
    struct tc_fwtable t;
    const struct tc_fwtable_entry *e;

    len = build(img, sizeof(img), guids, dlen, 2, 0);
    CHECK_OK(tc_fwtable_parse(img, len, &t), "two-entry table parses");
    CHECK(t.present && t.n == 2, "two entries found");
    e = tc_fwtable_find(&t, TC_GUID_SEV_ES_RESET_BLOCK);
    CHECK(e != NULL && e->len == 4 && e->offset == 64 && e->data[0] == 0x10, "first entry");
    e = tc_fwtable_find(&t, TC_GUID_OVMF_SEV_METADATA);
    CHECK(e != NULL && e->len == 6 && e->offset == 64 + 22 && e->data[0] == 0x11, "second entry");
    CHECK(tc_fwtable_find(&t, TC_GUID_TDX_METADATA) == NULL, "absent GUID");

    len = build(img, sizeof(img), guids, dlen, 2, 1);
    CHECK_ERR(tc_fwtable_parse(img, len, &t), TC_ERR_MALFORMED, "footer size one too large");
    len = build(img, sizeof(img), guids, dlen, 2, -1);
    CHECK_ERR(tc_fwtable_parse(img, len, &t), TC_ERR_MALFORMED, "footer size one too small");
    len = build(img, sizeof(img), guids, dlen, 2, 0);
    tc_put_le16(img + 64 + 22 + 6, 5); /* second entry's size below the header size */
    CHECK_ERR(tc_fwtable_parse(img, len, &t), TC_ERR_MALFORMED, "entry size below header");
    len = build(img, sizeof(img), guids, dlen, 2, 0);
    tc_put_le16(img + 64 + 22 + 6, 200);
    CHECK_ERR(tc_fwtable_parse(img, len, &t), TC_ERR_MALFORMED, "entry size beyond the table");
    len = build(img, sizeof(img), guids, dlen, 2, 60000);
    CHECK_ERR(tc_fwtable_parse(img, len, &t), TC_ERR_MALFORMED, "footer size beyond the image");
    guids[1] = TC_GUID_SEV_ES_RESET_BLOCK;
    len = build(img, sizeof(img), guids, dlen, 2, 0);
    CHECK_ERR(tc_fwtable_parse(img, len, &t), TC_ERR_MALFORMED, "duplicate GUID");
    len = build(img, sizeof(img), guids, dlen, 0, 0);
    CHECK_OK(tc_fwtable_parse(img, len, &t), "empty table parses");
    CHECK(t.present && t.n == 0, "no entries");
    memset(img, 0, sizeof(img));
    CHECK_OK(tc_fwtable_parse(img, sizeof(img), &t), "image without a footer");
    CHECK(!t.present, "reported absent");
    CHECK_OK(tc_fwtable_parse(img, 10, &t), "tiny image");
    CHECK_OK(tc_fwtable_parse(NULL, 0, &t), "empty image");
}

static void test_real(void)
{
    static const struct {
        const char *file;
        int sev_meta, hashes;
    } cases[] = {
        {"ovmf/ovmf_AmdSev_suffix.bin", 1, 1},
        {"ovmf/ovmf_OvmfX64_suffix.bin", 1, 1}, /* present, GPA 0: unsupported */
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *p = t_testdata(cases[i].file);
        struct tc_fwtable t;
        uint8_t *d;
        size_t n;

        if (p == NULL) {
            t_skip("%s: ../shared/testdata not present", cases[i].file);
            continue;
        }
        if (!CHECK(tc_file_read(p, 1 << 24, &d, &n) == TC_ERR_OK, "read %s", cases[i].file)) {
            continue;
        }
        CHECK_OK(tc_fwtable_parse(d, n, &t), "%s: table parses", cases[i].file);
        CHECK(t.present, "%s: table present", cases[i].file);
        CHECK((tc_fwtable_find(&t, TC_GUID_OVMF_SEV_METADATA) != NULL) == cases[i].sev_meta,
              "%s: SEV metadata entry", cases[i].file);
        CHECK((tc_fwtable_find(&t, TC_GUID_SEV_HASH_TABLE_RV) != NULL) == cases[i].hashes,
              "%s: kernel hashes entry", cases[i].file);
        CHECK(tc_fwtable_find(&t, TC_GUID_SEV_ES_RESET_BLOCK) != NULL,
              "%s: SEV-ES reset block entry", cases[i].file);
        free(d);
    }
}

int main(void)
{
    test_guid();
    test_synthetic();
    test_real();
    return t_done();
}
