/* SPDX-License-Identifier: Apache-2.0 */
/*
 * QEMU's kernel-hashes table (target/i386/sev.c, SevHashTable): when QEMU
 * boots a kernel directly into an SEV guest, it writes the SHA-256 of the
 * command line, initrd and kernel into the area OVMF reserves for them (footer
 * GUID 7255371f-...), and OVMF refuses a kernel whose hash differs.  Layout
 * (packed, little-endian):
 *   GUID 9438d606-4f22-4cc9-b479-a793d411fd21, u16 length = 168,
 *   3 entries {GUID, u16 length = 50, SHA-256[32]}: cmdline, initrd, kernel,
 *   then zero padding to a multiple of 16 (176 bytes in all).
 * The command line is hashed with its terminating NUL; an absent initrd hashes
 * as empty.  Files are streamed: memory stays constant whatever their size.
 */
#ifndef TC_MEASURE_SEVHASHES_H
#define TC_MEASURE_SEVHASHES_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "trustchain/err.h"

#define TC_SEV_HASH_TABLE_LEN 168
#define TC_SEV_HASH_TABLE_PADDED 176

struct tc_sev_hashes {
    uint8_t kernel[32], initrd[32], cmdline[32];
    uint64_t kernel_len, initrd_len;
};

/* SHA-256 of a file, streamed (what names the file in messages). */
TC_MUST_USE tc_err tc_sha256_file(const char *path, const char *what, uint8_t out[32],
                                  uint64_t *len);

/* Hash kernel (required), initrd and append (NULL or "" = absent). */
TC_MUST_USE tc_err tc_sev_hashes_compute(const char *kernel, const char *initrd, const char *append,
                                         struct tc_sev_hashes *h);

/* The padded table (TC_SEV_HASH_TABLE_PADDED bytes). */
void tc_sev_hashes_table(const struct tc_sev_hashes *h, uint8_t *table);

#endif
