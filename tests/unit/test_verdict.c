/* SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"
#include "trustchain/verdict.h"

int main(void)
{
    struct tc_verdict v;
    char buf[256];
    json_t *j;

    tc_verdict_init(&v);
    CHECK(!tc_verdict_ok(&v), "an empty verdict is not accepted");
    CHECK(tc_verdict_err(&v) == TC_ERR_POLICY, "empty verdict error is a rejection");
    CHECK_OK(tc_verdict_add(&v, "signature", TC_CHECK_PASS, TC_ERR_OK, NULL, NULL, "ok"), "add");
    CHECK_OK(tc_verdict_add(&v, "crl", TC_CHECK_INFO, TC_ERR_OK, NULL, NULL, "no CRL given"),
             "add info");
    CHECK(tc_verdict_ok(&v), "passes with one pass and an info");
    CHECK(strcmp(tc_verdict_summary(&v, buf, sizeof(buf)), "accepted: 1 checks passed") == 0,
          "summary: %s", buf);
    CHECK_OK(tc_verdict_add(&v, "policy.vmpl", TC_CHECK_FAIL, TC_ERR_POLICY, "<= 0", "1",
                            "VMPL too high"),
             "add failure");
    CHECK_OK(tc_verdict_add(&v, "tcb.snp", TC_CHECK_FAIL, TC_ERR_TCB, ">= 8", "5", NULL),
             "add failure 2");
    CHECK(!tc_verdict_ok(&v), "rejected after a failure");
    CHECK(tc_verdict_err(&v) == TC_ERR_POLICY, "first failure's error");
    tc_verdict_summary(&v, buf, sizeof(buf));
    CHECK(strcmp(buf, "rejected: policy.vmpl: VMPL too high (expected <= 0, got 1) (+1 more "
                      "failure)") == 0,
          "summary names the first failure: %s", buf);
    j = tc_verdict_json(&v);
    CHECK(j != NULL && strcmp(json_string_value(json_object_get(j, "verdict")), "rejected") == 0 &&
              json_integer_value(json_object_get(j, "failed")) == 2 &&
              json_array_size(json_object_get(j, "checks")) == 4,
          "JSON shape");
    CHECK(strcmp(json_string_value(
                     json_object_get(json_array_get(json_object_get(j, "checks"), 3), "error")),
                 "TC_ERR_TCB") == 0,
          "JSON names the error");
    json_decref(j);
    tc_verdict_free(&v);
    return t_done();
}
