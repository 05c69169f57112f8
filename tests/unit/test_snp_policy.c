/* SPDX-License-Identifier: Apache-2.0 */
/* SEV-SNP policy appraisal: each key passes when it should, fails when it should, and a bad
 * policy is refused before any check is made. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "support/snp_synth.h"
#include "trustchain/snp.h"

static struct snp_synth_chain *milan, *turin;

static int report(struct snp_synth_chain *c, const struct snp_synth_report *ro,
                  struct tc_snp_report *r)
{
    uint8_t raw[TC_SNP_REPORT_SIZE];

    return snp_synth_report_sign(c, ro, raw) == TC_ERR_OK &&
           tc_snp_report_parse(raw, sizeof(raw), r) == TC_ERR_OK;
}

static const struct tc_check *find(const struct tc_verdict *v, const char *name)
{
    size_t i;

    for (i = 0; i < v->n; i++) {
        if (strcmp(v->checks[i].name, name) == 0) {
            return &v->checks[i];
        }
    }
    return NULL;
}

/*
 * Appraise r with the policy text.  want_fail: NULL = accepted; else the check that must fail
 * (and the result must be TC_ERR_POLICY).  want_pass: a check that must be present and pass.
 */
static void expect(const struct tc_snp_report *r, const char *policy, const char *want_fail,
                   const char *want_pass, const char *what)
{
    json_error_t je;
    json_t *p = json_loads(policy, 0, &je);
    struct tc_verdict v;
    tc_err e;

    if (!CHECK(p != NULL, "%s: policy JSON", what)) {
        printf("#   %s\n", je.text);
        return;
    }
    tc_verdict_init(&v);
    e = tc_snp_appraise(r, p, &v);
    if (want_fail == NULL) {
        const struct tc_check *c = want_pass != NULL ? find(&v, want_pass) : NULL;

        if (!CHECK(e == TC_ERR_OK && tc_verdict_count(&v, TC_CHECK_FAIL) == 0 &&
                       (want_pass == NULL || (c != NULL && c->status == TC_CHECK_PASS)),
                   "%s: accepted", what)) {
            char buf[600];

            printf("#   %s: %s\n", tc_err_name(e), tc_verdict_summary(&v, buf, sizeof(buf)));
        }
    } else {
        const struct tc_check *c = find(&v, want_fail);

        if (!CHECK(e == TC_ERR_POLICY && c != NULL && c->status == TC_CHECK_FAIL &&
                       c->err == TC_ERR_POLICY,
                   "%s: rejected by %s", what, want_fail)) {
            char buf[600];

            printf("#   %s: %s\n", tc_err_name(e), tc_verdict_summary(&v, buf, sizeof(buf)));
        }
    }
    tc_verdict_free(&v);
    json_decref(p);
}

static void invalid(const struct tc_snp_report *r, const char *policy, const char *what)
{
    json_t *p = json_loads(policy, 0, NULL);
    struct tc_verdict v;

    tc_verdict_init(&v);
    CHECK(p != NULL && tc_snp_policy_validate(p) == TC_ERR_JSON &&
              tc_snp_appraise(r, p, &v) == TC_ERR_JSON && v.n == 0,
          "invalid policy refused, no check added: %s", what);
    tc_verdict_free(&v);
    json_decref(p);
}

static void test_values(void)
{
    struct snp_synth_report ro;
    struct tc_snp_report r;
    char pol[1024], m[97];
    size_t i;

    snp_synth_report_init(milan, &ro);
    memset(ro.host_data, 0x42, 32);
    memset(ro.family_id, 0x01, 16);
    memset(ro.image_id, 0x02, 16);
    memset(ro.id_key_digest, 0x33, 48);
    memset(ro.author_key_digest, 0x44, 48);
    ro.report_data[0] = 0xde;
    ro.report_data[1] = 0xad;
    if (!report(milan, &ro, &r)) {
        CHECK(0, "report");
        return;
    }
    for (i = 0; i < 48; i++) {
        snprintf(m + 2 * i, 3, "%02x", r.measurement[i]);
    }
    expect(&r, "{}", NULL, "policy.debug",
           "empty policy (defaults: no debug, no MA, not provisional)");
    snprintf(pol, sizeof(pol), "{\"measurement\": \"%s\"}", m);
    expect(&r, pol, NULL, "policy.measurement", "measurement");
    snprintf(pol, sizeof(pol), "{\"measurement\": [\"%048d%048d\", \"%s\"]}", 0, 0, m);
    expect(&r, pol, NULL, "policy.measurement", "measurement in an allow-list");
    snprintf(pol, sizeof(pol), "{\"measurement\": \"%048d%048d\"}", 0, 0);
    expect(&r, pol, "policy.measurement", NULL, "wrong measurement");
    expect(&r,
           "{\"host_data\": \"4242424242424242424242424242424242424242424242424242424242424242\"}",
           NULL, "policy.host_data", "host data");
    expect(&r,
           "{\"host_data\": \"4242424242424242424242424242424242424242424242424242424242424243\"}",
           "policy.host_data", NULL, "wrong host data");
    expect(&r, "{\"report_data\": \"dead\"}", NULL, "policy.report_data",
           "report data (prefix, rest zero)");
    expect(&r, "{\"report_data\": \"de\"}", "policy.report_data", NULL,
           "report data: a shorter prefix leaves a non-zero byte");
    expect(&r,
           "{\"family_id\": \"01010101010101010101010101010101\", "
           "\"image_id\": \"02020202020202020202020202020202\"}",
           NULL, "policy.image_id", "family and image id");
    expect(&r, "{\"image_id\": \"02020202020202020202020202020203\"}", "policy.image_id", NULL,
           "wrong image id");
    expect(&r,
           "{\"id_key_digest\": "
           "[\"333333333333333333333333333333333333333333333333333333333333333333333333333333333333"
           "333333333333\"]}",
           NULL, "policy.id_key_digest", "ID key digest");
    expect(&r,
           "{\"author_key_digest\": "
           "\"4444444444444444444444444444444444444444444444444444444444444444444444444444444444444"
           "44444444445\"}",
           "policy.author_key_digest", NULL, "wrong author key digest");
    expect(&r, "{\"require_author_key\": true}", "policy.author_key", NULL,
           "author key required, AUTHOR_KEY_EN 0");
    {
        char chip[129];

        for (i = 0; i < 64; i++) {
            snprintf(chip + 2 * i, 3, "%02x", r.chip_id[i]);
        }
        snprintf(pol, sizeof(pol), "{\"chip_id\": [\"%s\"]}", chip);
        expect(&r, pol, NULL, "policy.chip_id", "chip id allow-list");
        chip[127] = chip[127] == '0' ? '1' : '0';
        snprintf(pol, sizeof(pol), "{\"chip_id\": \"%s\"}", chip);
        expect(&r, pol, "policy.chip_id", NULL, "chip id not allowed");
    }
}

static void test_floors(void)
{
    struct snp_synth_report ro;
    struct tc_snp_report r;

    snp_synth_report_init(milan, &ro);
    ro.guest_svn = 7;
    ro.current_tcb += 1ull << 56; /* microcode 116 current, 115 reported/committed */
    ro.committed_tcb = ro.current_tcb;
    if (!report(milan, &ro, &r)) {
        return;
    }
    expect(&r, "{\"min_tcb\": {\"bootloader\": 3, \"tee\": 0, \"snp\": 8, \"microcode\": 115}}",
           NULL, "policy.min_tcb.reported.microcode",
           "TCB floor met (reported, committed, current)");
    expect(&r, "{\"min_tcb\": {\"microcode\": 116}}", "policy.min_tcb.reported.microcode", NULL,
           "microcode floor above REPORTED_TCB");
    expect(&r, "{\"min_tcb\": {\"bootloader\": 4}}", "policy.min_tcb.current.bootloader", NULL,
           "bootloader floor");
    expect(&r, "{\"min_tcb\": {\"tee\": 1}}", "policy.min_tcb.committed.tee", NULL, "tee floor");
    expect(&r, "{\"min_tcb\": {\"snp\": 9}}", "policy.min_tcb.reported.snp", NULL, "snp floor");
    expect(&r, "{\"min_tcb\": {\"fmc\": 1}}", NULL, NULL, "fmc floor before Turin: skipped");
    expect(&r, "{\"min_launch_tcb\": {\"snp\": 9}}", "policy.min_launch_tcb.snp", NULL,
           "launch TCB floor");
    expect(&r, "{\"min_guest_svn\": 7}", NULL, "policy.min_guest_svn", "guest SVN floor met");
    expect(&r, "{\"min_guest_svn\": 8}", "policy.min_guest_svn", NULL, "guest SVN floor");
    expect(&r, "{\"min_build\": 21}", NULL, "policy.min_build.current", "build floor met");
    expect(&r, "{\"min_build\": 22}", "policy.min_build.current", NULL, "build floor");
    expect(&r, "{\"min_abi\": \"1.55\"}", NULL, "policy.min_abi.committed", "ABI floor met");
    expect(&r, "{\"min_abi\": \"1.56\"}", "policy.min_abi.current", NULL, "ABI floor");
    expect(&r, "{\"min_abi\": \"2.0\"}", "policy.min_abi.current", NULL, "ABI major floor");
    expect(&r, "{\"min_policy_abi\": \"0.0\"}", NULL, "policy.min_policy_abi",
           "policy ABI floor met");
    expect(&r, "{\"min_policy_abi\": \"0.1\"}", "policy.min_policy_abi", NULL, "policy ABI floor");
    expect(&r, "{\"vmpl\": 0, \"max_vmpl\": 0}", NULL, "policy.max_vmpl", "VMPL 0");
    expect(&r, "{\"vmpl\": 1}", "policy.vmpl", NULL, "VMPL exact");
    /* A Turin report: the FMC floor applies. */
    snp_synth_report_init(turin, &ro);
    ro.launch_mit_vector = 0x3;
    ro.current_mit_vector = 0x7;
    if (report(turin, &ro, &r)) {
        expect(&r, "{\"min_tcb\": {\"fmc\": 1}}", NULL, "policy.min_tcb.reported.fmc",
               "Turin FMC floor met");
        expect(&r, "{\"min_tcb\": {\"fmc\": 2}}", "policy.min_tcb.reported.fmc", NULL,
               "Turin FMC floor");
        expect(&r, "{\"min_current_mit_vector\": 7, \"min_launch_mit_vector\": \"0x3\"}", NULL,
               "policy.current_mit_vector", "mitigation vectors present");
        expect(&r, "{\"min_launch_mit_vector\": \"0x4\"}", "policy.launch_mit_vector", NULL,
               "launch mitigation missing");
        expect(&r, "{\"chip_id\": \"11181f262d343b42\"}", NULL, "policy.chip_id",
               "Turin chip id, 8 bytes");
        expect(&r, "{\"chip_id\": \"11181f262d343b43\"}", "policy.chip_id", NULL,
               "Turin chip id, wrong");
        expect(&r, "{\"product\": \"Turin\", \"signer\": \"vcek\"}", NULL, "policy.product",
               "product and signer");
        expect(&r, "{\"product\": \"Genoa\"}", "policy.product", NULL, "wrong product");
        expect(&r, "{\"signer\": \"vlek\"}", "policy.signer", NULL, "VLEK required");
    }
}

static void test_bits(void)
{
    struct snp_synth_report ro;
    struct tc_snp_report r;

    snp_synth_report_init(milan, &ro);
    ro.policy = 0x30000 | (1ull << 19) | (1ull << 18) | (1ull << 21); /* debug, MA, CXL */
    ro.platform_info = 0x25;                                          /* SMT, ECC, alias check */
    if (!report(milan, &ro, &r)) {
        return;
    }
    expect(&r, "{}", "policy.debug", NULL, "debug denied by default");
    expect(&r, "{\"allow_debug\": true}", "policy.migration_agent", NULL,
           "migration agent denied by default");
    expect(&r, "{\"allow_debug\": true, \"allow_migration_agent\": true}", NULL, "policy.debug",
           "debug and migration agent allowed");
    expect(&r, "{\"allow_debug\": true, \"allow_migration_agent\": true, \"allow_smt\": false}",
           "policy.smt", NULL, "SMT denied");
    expect(&r, "{\"allow_debug\": true, \"allow_migration_agent\": true, \"allow_cxl\": false}",
           "policy.cxl", NULL, "CXL denied");
    expect(&r,
           "{\"allow_debug\": true, \"allow_migration_agent\": true, "
           "\"require_single_socket\": true}",
           "policy.single_socket", NULL, "single socket required");
    expect(&r,
           "{\"allow_debug\": true, \"allow_migration_agent\": true, "
           "\"require_page_swap_disabled\": true}",
           "policy.page_swap_disabled", NULL, "page swap disable required");
    expect(&r,
           "{\"allow_debug\": true, \"allow_migration_agent\": true, "
           "\"require_ciphertext_hiding\": false, \"require_rapl_disabled\": false, "
           "\"require_mem_aes_256_xts\": false}",
           NULL, NULL, "requirements off");
    expect(&r,
           "{\"allow_debug\": true, \"allow_migration_agent\": true, \"platform_info\": "
           "{\"smt_enabled\": true, \"ecc_enabled\": true, \"alias_check_complete\": true, "
           "\"tsme_enabled\": false, \"tio_enabled\": false}}",
           NULL, "policy.platform_info.alias_check_complete", "platform flags as required");
    expect(&r,
           "{\"allow_debug\": true, \"allow_migration_agent\": true, \"platform_info\": "
           "{\"smt_enabled\": false}}",
           "policy.platform_info.smt_enabled", NULL, "SMT enabled but must not be");
    expect(&r,
           "{\"allow_debug\": true, \"allow_migration_agent\": true, \"platform_info\": "
           "{\"tsme_enabled\": true}}",
           "policy.platform_info.tsme_enabled", NULL, "TSME required");
}

static void test_provisional(void)
{
    struct snp_synth_report ro;
    struct tc_snp_report r;

    snp_synth_report_init(milan, &ro);
    ro.current_tcb += 1ull << 56;
    if (report(milan, &ro, &r)) {
        expect(&r, "{}", "policy.provisional_firmware", NULL,
               "current TCB above committed: provisional firmware rejected");
        expect(&r, "{\"permit_provisional_firmware\": true}", NULL, "policy.provisional_firmware",
               "provisional firmware permitted");
    }
    snp_synth_report_init(milan, &ro);
    ro.current_build = 22;
    if (report(milan, &ro, &r)) {
        expect(&r, "{}", "policy.provisional_firmware", NULL, "current build above committed");
    }
    /* Permitted provisional firmware: the committed version may lag, never lead. */
    snp_synth_report_init(milan, &ro);
    ro.current_minor = 56;
    ro.current_build = 3;
    if (report(milan, &ro, &r)) {
        expect(&r, "{\"permit_provisional_firmware\": true}", NULL, "policy.provisional_firmware",
               "current 1.56 b3 above committed 1.55 b21 (permitted)");
        expect(&r, "{}", "policy.provisional_firmware", NULL,
               "current 1.56 b3 vs committed 1.55 b21 (not permitted)");
    }
    snp_synth_report_init(milan, &ro);
    ro.committed_minor = 56;
    if (report(milan, &ro, &r)) {
        expect(&r, "{\"permit_provisional_firmware\": true}", "policy.provisional_firmware", NULL,
               "committed version 1.56 above current 1.55, even when provisional is permitted");
    }
    snp_synth_report_init(milan, &ro);
    ro.committed_build = 22;
    if (report(milan, &ro, &r)) {
        expect(&r, "{\"permit_provisional_firmware\": true}", "policy.provisional_firmware", NULL,
               "committed build 22 above current 21, even when provisional is permitted");
    }
    snp_synth_report_init(milan, &ro);
    ro.committed_tcb += 1ull << 56; /* committed above current: never right */
    if (report(milan, &ro, &r)) {
        expect(&r, "{\"permit_provisional_firmware\": true}", "policy.provisional_firmware", NULL,
               "committed TCB above current, even when provisional is permitted");
    }
}

static void test_invalid(void)
{
    struct snp_synth_report ro;
    struct tc_snp_report r;

    snp_synth_report_init(milan, &ro);
    if (!report(milan, &ro, &r)) {
        return;
    }
    invalid(&r, "[]", "not an object");
    invalid(&r, "{\"measurment\": \"00\"}", "unknown key (typo)");
    invalid(&r, "{\"measurement\": \"00\"}", "measurement of 1 byte");
    invalid(&r, "{\"measurement\": []}", "empty allow-list");
    invalid(&r, "{\"measurement\": 5}", "measurement not a string");
    invalid(&r, "{\"host_data\": \"zz\"}", "bad hex");
    invalid(&r, "{\"report_data\": \"\"}", "empty report data");
    invalid(&r, "{\"min_tcb\": {\"ucode\": 1}}", "unknown TCB component");
    invalid(&r, "{\"min_tcb\": {\"snp\": 256}}", "SPL out of range");
    invalid(&r, "{\"min_tcb\": {\"snp\": -1}}", "negative SPL");
    invalid(&r, "{\"min_tcb\": 3}", "TCB not an object");
    invalid(&r, "{\"min_abi\": \"1\"}", "version without minor");
    invalid(&r, "{\"min_abi\": \"1.2.3\"}", "version with three parts");
    invalid(&r, "{\"allow_debug\": 1}", "bool as integer");
    invalid(&r, "{\"signer\": \"ask\"}", "unknown signer");
    invalid(&r, "{\"product\": \"Rome\"}", "unknown product");
    invalid(&r, "{\"platform_info\": {\"smt\": true}}", "unknown platform flag");
    invalid(&r, "{\"min_current_mit_vector\": \"0xzz\"}", "bad mask");
    invalid(&r, "{\"min_current_mit_vector\": \"0x-1\"}", "negative mask (strtoull: all ones)");
    invalid(&r, "{\"min_launch_mit_vector\": \"0x 3\"}", "mask with a space");
    invalid(&r, "{\"min_abi\": \"1.-0\"}", "version with a sign");
    invalid(&r, "{\"min_abi\": \" 1.2\"}", "version with a space");
    invalid(&r, "{\"min_policy_abi\": \"+1.2\"}", "version with a plus");
    invalid(&r, "{\"chip_id\": \"11\"}", "chip id of 1 byte");
}

int main(void)
{
    struct snp_synth_opts to = {.product = TC_SNP_PRODUCT_TURIN};

    if (snp_synth_chain_new(NULL, &milan) != TC_ERR_OK ||
        snp_synth_chain_new(&to, &turin) != TC_ERR_OK) {
        printf("FAIL - synthetic chains\n");
        return 1;
    }
    test_values();
    test_floors();
    test_bits();
    test_provisional();
    test_invalid();
    snp_synth_chain_free(milan);
    snp_synth_chain_free(turin);
    return t_done();
}
