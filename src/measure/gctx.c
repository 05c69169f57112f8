/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "core/reader.h"
#include "measure/gctx.h"
#include "trustchain/measure.h"

tc_err tc_gctx_init(struct tc_gctx *g, const uint8_t *seed)
{
    memset(g, 0, sizeof(*g));
    /* Fetch once: EVP_get_digestbyname-style implicit fetches would repeat per Init. */
    g->md = EVP_MD_fetch(NULL, "SHA384", NULL);
    g->ctx = EVP_MD_CTX_new();
    if (g->md == NULL || g->ctx == NULL) {
        tc_gctx_free(g);
        return tc_fail_ssl(TC_ERR_CRYPTO, "SHA-384 unavailable");
    }
    if (seed != NULL) {
        memcpy(g->page_info, seed, TC_GCTX_LD);
    }
    /* The fixed part: LENGTH; IMI_PAGE, the VMPL permissions and the reserved byte stay 0. */
    tc_put_le16(g->page_info + 0x60, TC_PAGE_INFO_LEN);
    return TC_ERR_OK;
}

void tc_gctx_free(struct tc_gctx *g)
{
    EVP_MD_CTX_free(g->ctx);
    EVP_MD_free(g->md);
    g->ctx = NULL;
    g->md = NULL;
}

tc_err tc_gctx_sha384(struct tc_gctx *g, const uint8_t *p, size_t len, uint8_t *out)
{
    if (EVP_DigestInit_ex2(g->ctx, g->md, NULL) != 1 || EVP_DigestUpdate(g->ctx, p, len) != 1 ||
        EVP_DigestFinal_ex(g->ctx, out, NULL) != 1) {
        return tc_fail_ssl(TC_ERR_CRYPTO, "SHA-384");
    }
    return TC_ERR_OK;
}

tc_err tc_gctx_page(struct tc_gctx *g, uint8_t type, uint64_t gpa, const uint8_t *contents)
{
    if (contents != NULL) {
        memcpy(g->page_info + 0x30, contents, TC_GCTX_LD);
    } else {
        memset(g->page_info + 0x30, 0, TC_GCTX_LD);
    }
    g->page_info[0x62] = type;
    tc_put_le64(g->page_info + 0x68, gpa);
    /* The new digest overwrites DIGEST_CUR in place: it is the next PAGE_INFO's first field. */
    return tc_gctx_sha384(g, g->page_info, TC_PAGE_INFO_LEN, g->page_info);
}

tc_err tc_gctx_normal(struct tc_gctx *g, uint64_t gpa, const uint8_t *data, size_t len)
{
    size_t off;
    tc_err e;

    if (len % TC_MEASURE_PAGE != 0) {
        return tc_fail(TC_ERR_INTERNAL, "normal pages: length %zu is not page-sized", len);
    }
    for (off = 0; off < len; off += TC_MEASURE_PAGE) {
        if ((e = tc_gctx_sha384(g, data + off, TC_MEASURE_PAGE, g->page_info + 0x30)) !=
            TC_ERR_OK) {
            return e;
        }
        g->page_info[0x62] = TC_SNP_PAGE_NORMAL;
        tc_put_le64(g->page_info + 0x68, gpa + off);
        if ((e = tc_gctx_sha384(g, g->page_info, TC_PAGE_INFO_LEN, g->page_info)) != TC_ERR_OK) {
            return e;
        }
    }
    return TC_ERR_OK;
}

tc_err tc_gctx_fill(struct tc_gctx *g, uint8_t type, uint64_t gpa, uint64_t len)
{
    uint64_t off;
    tc_err e;

    if (len % TC_MEASURE_PAGE != 0) {
        return tc_fail(TC_ERR_INTERNAL, "pages: length %llu is not page-sized",
                       (unsigned long long)len);
    }
    for (off = 0; off < len; off += TC_MEASURE_PAGE) {
        if ((e = tc_gctx_page(g, type, gpa + off, NULL)) != TC_ERR_OK) {
            return e;
        }
    }
    return TC_ERR_OK;
}

tc_err tc_gctx_vmsa(struct tc_gctx *g, const uint8_t *page, uint8_t *sha)
{
    uint8_t h[TC_GCTX_LD];
    tc_err e;

    if ((e = tc_gctx_sha384(g, page, TC_MEASURE_VMSA_SIZE, h)) != TC_ERR_OK) {
        return e;
    }
    if (sha != NULL) {
        memcpy(sha, h, sizeof(h));
    }
    return tc_gctx_page(g, TC_SNP_PAGE_VMSA, TC_GCTX_VMSA_GPA, h);
}
