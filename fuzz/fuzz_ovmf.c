/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the firmware parsers (footer GUID table, SEV metadata, reset block,
 * kernel-hashes area, SVSM info) and the measurement built on them.
 *
 * The input is parsed as given, then padded at the front to a whole number of
 * pages (the tables live at the end of an image, so the mutated bytes keep
 * their meaning) and measured in every mode: SNP on each VMM, SEV-ES, SEV,
 * snp:ovmf-hash, and snp:svsm with the input as both OVMF and SVSM.
 * Seeds: fuzz/corpus/ovmf (tests/tools/gen-ovmf-corpus.py).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "measure/fwtable.h"
#include "measure/sevfw.h"
#include "trustchain/measure.h"

#define MAX_INPUT ((size_t)1 << 20)

static struct tc_measure_result res;

static void measure(const uint8_t *img, size_t n)
{
    static const enum tc_sev_mode modes[] = {TC_SEV_MODE_SNP, TC_SEV_MODE_SEV_ES, TC_SEV_MODE_SEV,
                                             TC_SEV_MODE_SNP_OVMF_HASH, TC_SEV_MODE_SNP_SVSM};
    struct tc_measure_input in;
    size_t m;
    int v;

    for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
        for (v = TC_VMM_QEMU; v <= TC_VMM_GCE; v++) {
            if ((modes[m] == TC_SEV_MODE_SNP_SVSM || modes[m] == TC_SEV_MODE_SEV ||
                 modes[m] == TC_SEV_MODE_SNP_OVMF_HASH) &&
                v != TC_VMM_QEMU) {
                continue;
            }
            memset(&in, 0, sizeof(in));
            in.mode = modes[m];
            in.vmm = (enum tc_vmm_type)v;
            in.vcpus = 3;
            in.vcpu_sig = 0x800f12;
            in.guest_features = 0x21;
            in.ovmf_data = img;
            in.ovmf_len = n;
            in.want_file_hashes = 1;
            if (modes[m] == TC_SEV_MODE_SNP_SVSM) {
                in.svsm_data = img;
                in.svsm_len = n;
                in.vars_size = 4096;
            }
            if (tc_measure_sev(&in, &res) == TC_ERR_OK) {
                char *json = NULL;

                if (res.digest_len != 32 && res.digest_len != 48) {
                    abort();
                }
                if (tc_measure_json(&in, &res, &json) == TC_ERR_OK) {
                    free(json);
                }
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tc_fwtable t;
    struct tc_sev_fw fw;
    uint8_t *img;
    size_t n, i;

    if (size > MAX_INPUT) {
        return 0;
    }
    if (tc_fwtable_parse(data, size, &t) == TC_ERR_OK && t.n > TC_FWTABLE_MAX) {
        abort();
    }
    if (tc_sev_fw_parse(data, size, "firmware", &fw) == TC_ERR_OK) {
        /* What the parser accepted must respect its own limits. */
        if (fw.n_sections == 0 || fw.n_sections > TC_MEASURE_MAX_SECTIONS) {
            abort();
        }
        for (i = 0; i < fw.n_sections; i++) {
            if ((uint64_t)fw.sections[i].gpa + fw.sections[i].len > ((uint64_t)1 << 32) ||
                fw.sections[i].type_name == NULL) {
                abort();
            }
        }
    }
    n = (size + TC_MEASURE_PAGE - 1) / TC_MEASURE_PAGE * TC_MEASURE_PAGE;
    if (n == 0) {
        return 0;
    }
    img = calloc(1, n);
    if (img == NULL) {
        return 0;
    }
    memcpy(img + (n - size), data, size);
    measure(img, n);
    free(img);
    return 0;
}
