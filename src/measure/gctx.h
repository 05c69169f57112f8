/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SEV-SNP launch digest: the PSP extends it once per page given to
 * SNP_LAUNCH_UPDATE, as SHA-384 over a PAGE_INFO structure (SEV-SNP firmware
 * ABI spec #56860, 8.17 SNP_LAUNCH_UPDATE, "Layout of the PAGE_INFO
 * structure"):
 *   0x00 DIGEST_CUR[48]  the digest so far
 *   0x30 CONTENTS[48]    SHA-384 of the page (NORMAL, VMSA), else zero
 *   0x60 LENGTH u16      0x70, the size of this structure
 *   0x62 PAGE_TYPE u8    1 normal, 2 VMSA, 3 zero, 4 unmeasured, 5 secrets, 6 CPUID
 *   0x63 IMI_PAGE u8     bit 0; 0 for a launch
 *   0x64 VMPL3_PERMS, VMPL2_PERMS, VMPL1_PERMS u8, then a reserved byte (all 0)
 *   0x68 GPA u64
 * One context and one EVP_MD_CTX are reused for every page: no allocation per page.
 */
#ifndef TC_MEASURE_GCTX_H
#define TC_MEASURE_GCTX_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "trustchain/err.h"

#define TC_GCTX_LD 48
#define TC_PAGE_INFO_LEN 0x70
/* VMSA pages are measured at GPA (u64)-1, page-aligned with bits 63:52 cleared. */
#define TC_GCTX_VMSA_GPA 0xFFFFFFFFF000ull

#define TC_GCTX_BATCH 64 /* pages hashed per batch when a helper thread shares the work */

struct tc_gctx_helper; /* gctx.c: a second thread hashing page contents */

struct tc_gctx {
    uint8_t page_info[TC_PAGE_INFO_LEN]; /* DIGEST_CUR lives in page_info[0..48) */
    EVP_MD_CTX *ctx;
    EVP_MD *md;
    struct tc_gctx_helper *helper; /* NULL: single-threaded */
    uint8_t contents[TC_GCTX_BATCH][TC_GCTX_LD];
};

/* Start from seed (48 bytes) or zeros. */
TC_MUST_USE tc_err tc_gctx_init(struct tc_gctx *g, const uint8_t *seed);
void tc_gctx_free(struct tc_gctx *g);
/*
 * Let a helper thread hash half of each batch of NORMAL pages (the page
 * contents are independent; only the PAGE_INFO chain is sequential).  If the
 * thread cannot be started the context simply stays single-threaded.
 */
void tc_gctx_use_helper(struct tc_gctx *g);
/* The digest so far (48 bytes, valid until the next update). */
static inline const uint8_t *tc_gctx_ld(const struct tc_gctx *g)
{
    return g->page_info;
}

/* One PAGE_INFO with the given contents (NULL = zeros). */
TC_MUST_USE tc_err tc_gctx_page(struct tc_gctx *g, uint8_t type, uint64_t gpa,
                                const uint8_t *contents);
/* NORMAL pages over data (len a multiple of 4096) loaded at gpa. */
TC_MUST_USE tc_err tc_gctx_normal(struct tc_gctx *g, uint64_t gpa, const uint8_t *data, size_t len);
/* Pages of a contents-less type (zero, unmeasured, secrets, CPUID) over [gpa, gpa + len). */
TC_MUST_USE tc_err tc_gctx_fill(struct tc_gctx *g, uint8_t type, uint64_t gpa, uint64_t len);
/* A VMSA page; its SHA-384 is written to sha (48 bytes) if not NULL. */
TC_MUST_USE tc_err tc_gctx_vmsa(struct tc_gctx *g, const uint8_t *page, uint8_t *sha);

/* SHA-384 of len bytes with the context's EVP_MD_CTX (no allocation). */
TC_MUST_USE tc_err tc_gctx_sha384(struct tc_gctx *g, const uint8_t *p, size_t len, uint8_t *out);

#endif
