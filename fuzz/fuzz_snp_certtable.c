/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the GHCB certificate table parser, and the AMD certificate loading behind it (DER or
 * PEM blobs, the VCEK/VLEK extension parser) on each entry and on the whole input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "tee/snp/snp_internal.h"
#include "trustchain/snp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tc_err one(void *arg, const uint8_t *der, size_t len)
{
    struct snp_cert *c = NULL;

    (void)arg;
    if (snp_cert_from_der(der, len, &c) == TC_ERR_OK) {
        snp_cert_put(c);
    }
    return TC_ERR_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tc_snp_certtable t;
    struct tc_snp_anchor a;
    size_t i;

    if (tc_snp_certtable_parse(data, size, &t) == TC_ERR_OK) {
        for (i = 0; i < t.n; i++) {
            (void)one(NULL, t.e[i].data, t.e[i].len);
        }
    }
    if (size > 0) {
        if (snp_blob_foreach(data, size, "CERTIFICATE", one, NULL) != TC_ERR_OK) {
            /* rejecting is fine; crashing is not */
        }
        if (tc_snp_anchor_from_cert(data, size, &a) != TC_ERR_OK) {
            /* rejecting is fine; crashing is not */
        }
    }
    return 0;
}
