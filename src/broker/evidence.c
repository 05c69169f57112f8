/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The evidence verifiers the broker knows, one small adapter per TEE around
 * that TEE's verifier (src/tee/<tee>/).  An adapter maps the KBS evidence
 * JSON to the verifier's input, and the verifier's result to claims and a
 * trust vector opinion.
 */
#include <string.h>

#include "trustchain/broker.h"
#include "trustchain/sim.h"

static tc_err sim_verify(const json_t *evidence, const uint8_t rd[64],
                         const struct tc_evidence_ctx *ctx, struct tc_evidence_out *out,
                         struct tc_verdict *v)
{
    tc_err e = tc_sim_verify(evidence, rd, ctx->sim_keys, ctx->n_sim_keys, &out->claims, v);

    if (e != TC_ERR_OK) {
        return e;
    }
    out->simulated = 1;
    /* A simulated TEE is not genuine hardware and encrypts nothing: ar4si unsafe_hw (a
     * warning), and no claim on runtime opacity.  It can never reach "affirming". */
    out->tv[TC_TV_HARDWARE] = TC_AR_UNSAFE;
    return TC_ERR_OK;
}

static const struct tc_tee_verifier verifiers[] = {
    {"sim", 1, sim_verify},
};

const struct tc_tee_verifier *tc_tee_verifier_find(const char *tee)
{
    size_t i;

    for (i = 0; tee != NULL && i < sizeof(verifiers) / sizeof(verifiers[0]); i++) {
        if (strcmp(tee, verifiers[i].name) == 0) {
            return &verifiers[i];
        }
    }
    return NULL;
}

const char *tc_tee_verifier_names(void)
{
    return "sim";
}
