/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the simulated TEE's report parser and verifier.  The input is the raw report; it is also
 * verified as evidence with a fixed key (the signature check rejects it, after every parse step).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trustchain/sim.h"
#include "trustchain/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A fixed P-256 SubjectPublicKeyInfo (the generator point), base64. */
static const char spki[] = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEaxfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE"
                           "5RdiYwpZP40Li/hp/m47n60p8D54WK84zV2sxXs7LtkBoN79R9Q==";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tc_sim_report r;
    struct tc_verdict v;
    uint8_t rd[64] = {0};
    json_t *ev, *claims = NULL;
    char *b64 = NULL;

    if (tc_sim_report_parse(data, size, &r) != TC_ERR_OK) {
        /* refusals are expected */
    }
    if (tc_b64_encode(data, size, 0, &b64) != TC_ERR_OK) {
        return 0;
    }
    ev = json_pack("{s:s,s:s}", "report", b64, "key", spki);
    tc_verdict_init(&v);
    if (ev != NULL && tc_sim_verify(ev, rd, NULL, 0, &claims, &v) == TC_ERR_OK) {
        json_decref(claims);
    }
    tc_verdict_free(&v);
    json_decref(ev);
    free(b64);
    return 0;
}
