/* SPDX-License-Identifier: Apache-2.0 */
/* TCG / CC event logs: parse, replay (CC and TPM), describe, JSON; and the CCEL table. */
#include <stdint.h>
#include <stdlib.h>

#include "trustchain/eventlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tc_evlog log;
    struct tc_ccel ccel;

    if (tc_ccel_parse(data, size < 56 ? size : 56, &ccel) != TC_ERR_OK) {
        /* refused: fine */
    }
    if (tc_evlog_parse(data, size, &log) == TC_ERR_OK) {
        struct tc_evlog_replay *r = calloc(1, sizeof(*r));
        size_t i;
        char buf[256];

        for (i = 0; i < log.n; i++) {
            tc_evlog_describe(&log.ev[i], buf, sizeof(buf));
            if (tc_evlog_digest_matches_data(&log.ev[i], TC_TPM_ALG_SHA384) != TC_ERR_OK) {
                /* refused: fine */
            }
        }
        if (r != NULL) {
            if (tc_evlog_replay(&log, TC_EVLOG_CC, r) == TC_ERR_OK) {
                json_decref(tc_evlog_json(&log, r));
            }
            if (tc_evlog_replay(&log, TC_EVLOG_TPM, r) == TC_ERR_OK) {
                json_decref(tc_evlog_json(&log, r));
            }
            free(r);
        }
        tc_evlog_free(&log);
    }
    return 0;
}
