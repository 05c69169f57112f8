/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the policy documents (resource and appraisal) and their evaluation.  The input is
 * "policy JSON \n claims JSON"; both are parsed, checked and evaluated against each other.
 */
#include <stdint.h>
#include <string.h>

#include "broker/policy.h"
#include "trustchain/ear.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t plen = nl != NULL ? (size_t)(nl - data) : size;
    json_error_t jerr;
    json_t *pol = json_loadb((const char *)data, plen, JSON_REJECT_DUPLICATES, &jerr);
    json_t *claims =
        nl != NULL ? json_loadb((const char *)nl + 1, size - plen - 1, 0, &jerr) : NULL;
    json_t *docs = json_array(), *refs = json_pack("{s:[s,i]}", "measurement", "ab", 1);
    char why[300];
    int allow = 0;

    if (pol != NULL) {
        struct tc_ear_result res;
        struct tc_verdict v;

        if (tc_resource_policy_check(pol) != TC_ERR_OK) {
            /* refusals are expected */
        }
        json_array_append(docs, pol);
        if (tc_resource_policy_decide(docs, "default/key/disk", claims, &allow, why, sizeof(why)) !=
            TC_ERR_OK) {
            /* refusals are expected */
        }
        memset(&res, 0, sizeof(res));
        tc_verdict_init(&v);
        if (tc_ear_appraise(claims, pol, refs, &res, &v) != TC_ERR_OK) {
            /* refusals are expected */
        }
        tc_verdict_free(&v);
        (void)tc_json_pointer(claims, json_string_value(json_object_get(pol, "id")));
    }
    json_decref(docs);
    json_decref(refs);
    json_decref(pol);
    json_decref(claims);
    return 0;
}
