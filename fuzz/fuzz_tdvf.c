/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TDVF metadata (found through the OVMF footer GUID table) and the MRTD built on it, in both
 * PAGE.ADD / MR.EXTEND orders.  Seeds: fuzz/corpus/tdvf (tests/support/tdvf_seeds.py).
 */
#include <stdint.h>
#include <stdlib.h>

#include "trustchain/tdx.h"

#define MAX_INPUT ((size_t)1 << 20)
/* Images adding more memory than this are parsed but not hashed: the measurement is linear in
 * the sizes the metadata declares, and a fuzzer would spend its time hashing zeros. */
#define MAX_MEASURED ((uint64_t)64 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tc_tdvf_metadata m;
    uint64_t total = 0;
    uint8_t mrtd[48];
    size_t i;

    if (size > MAX_INPUT || tc_tdvf_metadata_parse(data, size, &m) != TC_ERR_OK) {
        return 0;
    }
    if (m.n == 0 || m.n > TC_TDVF_MAX_SECTIONS) {
        abort();
    }
    for (i = 0; i < m.n; i++) {
        const struct tc_tdvf_section *s = &m.s[i];

        /* what the parser promises: data inside the image, page-aligned, raw <= memory */
        if (s->data_offset > size || s->raw_size > size - s->data_offset ||
            s->raw_size > s->mem_size || (s->gpa & 0xfff) != 0 || (s->mem_size & 0xfff) != 0) {
            abort();
        }
        (void)tc_tdvf_section_type_name(s->type);
        if (!(s->attributes & TC_TDVF_ATTR_PAGE_AUG) && s->type != TC_TDVF_PERM_MEM) {
            total = s->mem_size > MAX_MEASURED ? MAX_MEASURED + 1 : total + s->mem_size;
        }
        if (total > MAX_MEASURED) {
            return 0;
        }
    }
    if (tc_tdx_mrtd(data, size, TC_TDX_MRTD_PER_PAGE, mrtd) != TC_ERR_OK) {
        /* refused: fine */
    }
    if (tc_tdx_mrtd(data, size, TC_TDX_MRTD_TWO_PASS, mrtd) != TC_ERR_OK) {
        /* refused: fine */
    }
    return 0;
}
