/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the SEV-SNP evidence parsers (bare report, extended report with its certificate table,
 * Azure HCL), the claims JSON, policy appraisal and verification without certificates.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trustchain/snp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char policy_text[] =
        "{\"min_tcb\": {\"fmc\": 1, \"snp\": 2}, \"report_data\": \"00\", \"max_vmpl\": 0,"
        " \"platform_info\": {\"smt_enabled\": true}, \"min_launch_mit_vector\": 1}";
    struct tc_snp_evidence *ev = malloc(sizeof(*ev));
    struct tc_snp_report r;
    json_t *j, *policy;
    struct tc_verdict v;
    struct tc_snp_verify_opts o;

    if (ev == NULL) {
        return 0;
    }
    if (tc_snp_report_parse(data, size, &r) != TC_ERR_OK) {
        /* rejecting is fine; crashing is not */
    }
    if (tc_snp_evidence_parse(data, size, ev) == TC_ERR_OK) {
        j = tc_snp_evidence_json(ev);
        json_decref(j);
        policy = json_loads(policy_text, 0, NULL);
        tc_verdict_init(&v);
        if (policy != NULL) {
            if (tc_snp_appraise(&ev->report, policy, &v) != TC_ERR_OK) {
                /* rejecting is fine; crashing is not */
            }
        }
        /* Certificates only from the report's own table; no KDS, no network. */
        memset(&o, 0, sizeof(o));
        o.at = 1748736000;
        if (tc_snp_verify_evidence(ev, &o, &v) != TC_ERR_OK) {
            /* rejecting is fine; crashing is not */
        }
        tc_verdict_free(&v);
        json_decref(policy);
    }
    free(ev);
    return 0;
}
