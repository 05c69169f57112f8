/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/reader.h"
#include "measure/fwtable.h"
#include "measure/sevhashes.h"

#define GUID_HASH_TABLE "9438d606-4f22-4cc9-b479-a793d411fd21"
#define GUID_KERNEL "4de79437-abd2-427f-b835-d5b172d2045b"
#define GUID_INITRD "44baf731-3a2f-4bd7-9af1-41e29169781d"
#define GUID_CMDLINE "97d02dd8-bd20-4c94-aa78-e7714d36ab2a"
#define ENTRY_LEN 50 /* GUID + u16 + SHA-256 */
#define CHUNK ((size_t)256 << 10)

tc_err tc_sha256_file(const char *path, const char *what, uint8_t out[32], uint64_t *len)
{
    EVP_MD_CTX *ctx = NULL;
    EVP_MD *md = NULL;
    uint8_t *buf = NULL;
    struct stat st;
    uint64_t total = 0;
    int fd;
    tc_err e = TC_ERR_OK;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return tc_fail(TC_ERR_IO, "%s '%s': %s", what, path, strerror(errno));
    }
    if (fstat(fd, &st) != 0) {
        e = tc_fail(TC_ERR_IO, "%s '%s': %s", what, path, strerror(errno));
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        e = tc_fail(TC_ERR_IO, "%s '%s': is a directory", what, path);
        goto out;
    }
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    md = EVP_MD_fetch(NULL, "SHA256", NULL);
    ctx = EVP_MD_CTX_new();
    buf = malloc(CHUNK);
    if (md == NULL || ctx == NULL || buf == NULL || EVP_DigestInit_ex2(ctx, md, NULL) != 1) {
        e = buf == NULL ? tc_fail(TC_ERR_NOMEM, "%s: read buffer", what)
                        : tc_fail_ssl(TC_ERR_CRYPTO, "SHA-256 unavailable");
        goto out;
    }
    for (;;) {
        ssize_t r = read(fd, buf, CHUNK);

        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            e = tc_fail(TC_ERR_IO, "%s '%s': %s", what, path, strerror(errno));
            goto out;
        }
        if (r == 0) {
            break;
        }
        if (EVP_DigestUpdate(ctx, buf, (size_t)r) != 1) {
            e = tc_fail_ssl(TC_ERR_CRYPTO, "SHA-256");
            goto out;
        }
        total += (uint64_t)r;
    }
    if (EVP_DigestFinal_ex(ctx, out, NULL) != 1) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "SHA-256");
        goto out;
    }
    *len = total;
out:
    free(buf);
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
    close(fd);
    return e;
}

tc_err tc_sev_hashes_compute(const char *kernel, const char *initrd, const char *append,
                             struct tc_sev_hashes *h)
{
    static const uint8_t nul = 0;
    EVP_MD_CTX *ctx = NULL;
    EVP_MD *md = NULL;
    tc_err e = TC_ERR_OK;

    memset(h, 0, sizeof(*h));
    if ((e = tc_sha256_file(kernel, "kernel", h->kernel, &h->kernel_len)) != TC_ERR_OK) {
        return e;
    }
    md = EVP_MD_fetch(NULL, "SHA256", NULL);
    ctx = EVP_MD_CTX_new();
    if (md == NULL || ctx == NULL) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "SHA-256 unavailable");
        goto out;
    }
    if (initrd != NULL && initrd[0] != '\0') {
        if ((e = tc_sha256_file(initrd, "initrd", h->initrd, &h->initrd_len)) != TC_ERR_OK) {
            goto out;
        }
    } else if (EVP_DigestInit_ex2(ctx, md, NULL) != 1 ||
               EVP_DigestFinal_ex(ctx, h->initrd, NULL) != 1) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "SHA-256");
        goto out;
    }
    /* The command line as the guest sees it: its bytes and a terminating NUL. */
    if (EVP_DigestInit_ex2(ctx, md, NULL) != 1 ||
        (append != NULL && EVP_DigestUpdate(ctx, append, strlen(append)) != 1) ||
        EVP_DigestUpdate(ctx, &nul, 1) != 1 || EVP_DigestFinal_ex(ctx, h->cmdline, NULL) != 1) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "SHA-256");
        goto out;
    }
out:
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
    return e;
}

static uint8_t *put_guid(uint8_t *p, const char *guid)
{
    /* The GUIDs are constants above; a parse failure would be a typo caught by the tests. */
    if (tc_guid_parse(guid, p) != TC_ERR_OK) {
        memset(p, 0, 16);
    }
    return p + 16;
}

static uint8_t *put_entry(uint8_t *p, const char *guid, const uint8_t *hash)
{
    p = put_guid(p, guid);
    tc_put_le16(p, ENTRY_LEN);
    memcpy(p + 2, hash, 32);
    return p + 2 + 32;
}

void tc_sev_hashes_table(const struct tc_sev_hashes *h, uint8_t *table)
{
    uint8_t *p = table;

    memset(table, 0, TC_SEV_HASH_TABLE_PADDED);
    p = put_guid(p, GUID_HASH_TABLE);
    tc_put_le16(p, TC_SEV_HASH_TABLE_LEN);
    p += 2;
    p = put_entry(p, GUID_CMDLINE, h->cmdline);
    p = put_entry(p, GUID_INITRD, h->initrd);
    (void)put_entry(p, GUID_KERNEL, h->kernel);
}
