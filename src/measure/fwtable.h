/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OVMF / TDVF footer GUID table: a chain of {data, u16 size, GUID} entries
 * that ends 32 bytes before the end of the firmware image, walked backwards
 * (edk2 OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm, "guidedStructureEnd").
 * It locates the SEV metadata, the SEV-ES reset block, the kernel-hashes table,
 * the TDX metadata and the SVSM info.
 */
#ifndef TC_MEASURE_FWTABLE_H
#define TC_MEASURE_FWTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "trustchain/err.h"

#define TC_FWTABLE_MAX 64

/* GUIDs in their text form; compared in the on-disk (little-endian fields) byte order. */
#define TC_GUID_OVMF_TABLE_FOOTER "96b582de-1fb2-45f7-baea-a366c55a082d"
#define TC_GUID_SEV_HASH_TABLE_RV "7255371f-3a3b-4b04-927b-1da6efa8d454"
#define TC_GUID_SEV_ES_RESET_BLOCK "00f771de-1a7e-4fcb-890e-68c77e2fb44e"
#define TC_GUID_OVMF_SEV_METADATA "dc886566-984a-4798-a75e-5585a7bf67cc"
#define TC_GUID_TDX_METADATA "e47a6535-984a-4798-865e-4685a7bf8ec2"
#define TC_GUID_SVSM_INFO "a789a612-0597-4c4b-a49f-cbb1fe9d1ddd"

struct tc_fwtable_entry {
    uint8_t guid[16];    /* on-disk byte order */
    const uint8_t *data; /* points into the firmware image */
    size_t len;          /* bytes of data (entry size minus the 18-byte header) */
    size_t offset;       /* offset of data in the image */
};

struct tc_fwtable {
    int present; /* 0: the image has no footer table (not an error by itself) */
    size_t n;
    struct tc_fwtable_entry e[TC_FWTABLE_MAX];
};

/*
 * Parse the footer table of a firmware image held in memory (borrowed; the
 * entries point into it).  An image without the footer GUID yields
 * present = 0.  A present but broken table (entry sizes that do not add up,
 * duplicate GUIDs, more than TC_FWTABLE_MAX entries) is TC_ERR_MALFORMED.
 */
TC_MUST_USE tc_err tc_fwtable_parse(const uint8_t *fw, size_t len, struct tc_fwtable *t);

/* The entry with this GUID (text form), or NULL. */
const struct tc_fwtable_entry *tc_fwtable_find(const struct tc_fwtable *t, const char *guid);

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" <-> on-disk bytes (first three fields little-endian). */
TC_MUST_USE tc_err tc_guid_parse(const char *s, uint8_t out[16]);
void tc_guid_format(const uint8_t g[16], char out[37]);

#endif
