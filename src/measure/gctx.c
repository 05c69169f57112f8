/* SPDX-License-Identifier: Apache-2.0 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/reader.h"
#include "measure/gctx.h"
#include "trustchain/measure.h"

/*
 * The helper takes pages of the current batch from a shared counter, as the
 * caller does: if it is not running when the caller has taken the last page
 * (its core busy elsewhere), the caller withdraws the batch and never waits.
 */
struct tc_gctx_helper {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    enum { IDLE, WORK, RUNNING, DONE, QUIT } state;
    const uint8_t *p;
    size_t n;
    atomic_size_t next;
    uint8_t (*out)[TC_GCTX_LD];
    int failed;
    EVP_MD_CTX *ctx;
    EVP_MD *md;
};

static int hash_page(EVP_MD_CTX *ctx, const EVP_MD *md, const uint8_t *p, uint8_t *out)
{
    return EVP_DigestInit_ex2(ctx, md, NULL) == 1 &&
                   EVP_DigestUpdate(ctx, p, TC_MEASURE_PAGE) == 1 &&
                   EVP_DigestFinal_ex(ctx, out, NULL) == 1
               ? 0
               : -1;
}

/* Hash pages of the batch until none are left; returns -1 on a failure. */
static int take_pages(struct tc_gctx_helper *h, EVP_MD_CTX *ctx, const EVP_MD *md)
{
    size_t i;
    int rc = 0;

    while ((i = atomic_fetch_add(&h->next, 1)) < h->n) {
        if (hash_page(ctx, md, h->p + i * TC_MEASURE_PAGE, h->out[i]) != 0) {
            rc = -1;
        }
    }
    return rc;
}

static void *helper_main(void *arg)
{
    struct tc_gctx_helper *h = arg;

    pthread_mutex_lock(&h->mu);
    for (;;) {
        while (h->state != WORK && h->state != QUIT) {
            pthread_cond_wait(&h->cv_work, &h->mu);
        }
        if (h->state == QUIT) {
            break;
        }
        h->state = RUNNING;
        pthread_mutex_unlock(&h->mu);
        h->failed = take_pages(h, h->ctx, h->md) != 0;
        pthread_mutex_lock(&h->mu);
        h->state = DONE;
        pthread_cond_signal(&h->cv_done);
    }
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

static void helper_free(struct tc_gctx_helper *h)
{
    EVP_MD_CTX_free(h->ctx);
    EVP_MD_free(h->md);
    free(h);
}

void tc_gctx_use_helper(struct tc_gctx *g)
{
    struct tc_gctx_helper *h;

    if (g->helper != NULL || (h = calloc(1, sizeof(*h))) == NULL) {
        return;
    }
    h->md = EVP_MD_fetch(NULL, "SHA384", NULL);
    h->ctx = EVP_MD_CTX_new();
    if (h->md == NULL || h->ctx == NULL) {
        helper_free(h);
        return;
    }
    if (pthread_mutex_init(&h->mu, NULL) != 0) {
        helper_free(h);
        return;
    }
    if (pthread_cond_init(&h->cv_work, NULL) != 0) {
        pthread_mutex_destroy(&h->mu);
        helper_free(h);
        return;
    }
    if (pthread_cond_init(&h->cv_done, NULL) != 0) {
        pthread_cond_destroy(&h->cv_work);
        pthread_mutex_destroy(&h->mu);
        helper_free(h);
        return;
    }
    h->state = IDLE;
    if (pthread_create(&h->th, NULL, helper_main, h) != 0) {
        pthread_cond_destroy(&h->cv_done);
        pthread_cond_destroy(&h->cv_work);
        pthread_mutex_destroy(&h->mu);
        helper_free(h);
        return;
    }
    g->helper = h;
}

static void helper_stop(struct tc_gctx_helper *h)
{
    pthread_mutex_lock(&h->mu);
    h->state = QUIT;
    pthread_cond_signal(&h->cv_work);
    pthread_mutex_unlock(&h->mu);
    pthread_join(h->th, NULL);
    pthread_cond_destroy(&h->cv_done);
    pthread_cond_destroy(&h->cv_work);
    pthread_mutex_destroy(&h->mu);
    helper_free(h);
}

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
    if (g->helper != NULL) {
        helper_stop(g->helper);
        g->helper = NULL;
    }
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

/* Chain n NORMAL pages whose contents hashes are in g->contents. */
static tc_err chain_batch(struct tc_gctx *g, uint64_t gpa, size_t n)
{
    size_t i;
    tc_err e;

    for (i = 0; i < n; i++) {
        if ((e = tc_gctx_page(g, TC_SNP_PAGE_NORMAL, gpa + i * TC_MEASURE_PAGE, g->contents[i])) !=
            TC_ERR_OK) {
            return e;
        }
    }
    return TC_ERR_OK;
}

/* One batch, shared with the helper. */
static tc_err batch_with_helper(struct tc_gctx *g, const uint8_t *p, size_t n)
{
    struct tc_gctx_helper *h = g->helper;
    int failed;

    pthread_mutex_lock(&h->mu);
    h->p = p;
    h->n = n;
    h->out = g->contents;
    h->failed = 0;
    atomic_store(&h->next, 0);
    h->state = WORK;
    pthread_cond_signal(&h->cv_work);
    pthread_mutex_unlock(&h->mu);
    failed = take_pages(h, g->ctx, g->md) != 0;
    pthread_mutex_lock(&h->mu);
    if (h->state == WORK) {
        h->state = IDLE; /* it never started: nothing of this batch is left for it */
    } else {
        while (h->state != DONE) { /* it is finishing its last page */
            pthread_cond_wait(&h->cv_done, &h->mu);
        }
        h->state = IDLE;
        failed |= h->failed;
    }
    pthread_mutex_unlock(&h->mu);
    return failed ? tc_fail_ssl(TC_ERR_CRYPTO, "SHA-384") : TC_ERR_OK;
}

tc_err tc_gctx_normal(struct tc_gctx *g, uint64_t gpa, const uint8_t *data, size_t len)
{
    size_t off, n;
    tc_err e;

    if (len % TC_MEASURE_PAGE != 0) {
        return tc_fail(TC_ERR_INTERNAL, "normal pages: length %zu is not page-sized", len);
    }
    for (off = 0; off < len; off += n * TC_MEASURE_PAGE) {
        n = (len - off) / TC_MEASURE_PAGE;
        if (n > TC_GCTX_BATCH) {
            n = TC_GCTX_BATCH;
        }
        if (g->helper != NULL && n >= 2) {
            e = batch_with_helper(g, data + off, n);
        } else {
            size_t i;

            e = TC_ERR_OK;
            for (i = 0; i < n && e == TC_ERR_OK; i++) {
                if (hash_page(g->ctx, g->md, data + off + i * TC_MEASURE_PAGE, g->contents[i])) {
                    e = tc_fail_ssl(TC_ERR_CRYPTO, "SHA-384");
                }
            }
        }
        if (e != TC_ERR_OK || (e = chain_batch(g, gpa + off, n)) != TC_ERR_OK) {
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
