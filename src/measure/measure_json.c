/* SPDX-License-Identifier: Apache-2.0 */
/* The measurement as JSON for machines: the digest, the inputs' hashes, and every step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "trustchain/measure.h"
#include "trustchain/util.h"

static const char *page_type_name(uint8_t t)
{
    static const char *names[] = {"bytes",      "normal",  "vmsa", "zero",
                                  "unmeasured", "secrets", "cpuid"};

    return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

static json_t *hex(const uint8_t *p, size_t n)
{
    char buf[2 * 64 + 1];

    return json_string(tc_hex_encode(p, n, buf));
}

static json_t *addr(uint64_t v)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
    return json_string(buf);
}

/* json_object_set_new that remembers a failure instead of returning it. */
static void set(json_t *o, const char *k, json_t *v, int *bad)
{
    if (v == NULL || json_object_set_new(o, k, v) != 0) {
        *bad = 1;
    }
}

tc_err tc_measure_json(const struct tc_measure_input *in, const struct tc_measure_result *res,
                       char **out)
{
    json_t *root = json_object(), *inputs = json_object(), *fw = json_object();
    json_t *sections = json_array(), *steps = json_array();
    char *b64 = NULL;
    size_t i;
    int bad = 0;
    tc_err e = TC_ERR_OK;

    *out = NULL;
    if (root == NULL || inputs == NULL || fw == NULL || sections == NULL || steps == NULL) {
        json_decref(root);
        json_decref(inputs);
        json_decref(fw);
        json_decref(sections);
        json_decref(steps);
        return tc_fail(TC_ERR_NOMEM, "JSON");
    }
    set(root, "mode", json_string(tc_measure_mode_name(res->mode)), &bad);
    set(root, "digest", hex(res->digest, res->digest_len), &bad);
    if ((e = tc_b64_encode(res->digest, res->digest_len, 0, &b64)) != TC_ERR_OK) {
        goto out;
    }
    set(root, "digest_base64", json_string(b64), &bad);
    set(root, "digest_algorithm",
        json_string(res->digest_len == 48 ? "SHA-384 (SNP PAGE_INFO chain)" : "SHA-256"), &bad);
    if (res->mode != TC_SEV_MODE_SEV && res->mode != TC_SEV_MODE_SNP_OVMF_HASH) {
        char sig[16];

        set(root, "vcpus", json_integer(in->vcpus), &bad);
        set(root, "vmm_type", json_string(tc_measure_vmm_name(in->vmm)), &bad);
        snprintf(sig, sizeof(sig), "0x%x", in->vcpu_sig);
        set(root, "vcpu_sig", json_string(sig), &bad);
        if (res->mode == TC_SEV_MODE_SNP) {
            set(root, "guest_features", addr(in->guest_features), &bad);
        }
    }

    /* inputs */
    if (in->ovmf != NULL && in->ovmf_data == NULL) {
        set(fw, "path", json_string(in->ovmf), &bad);
    }
    set(fw, "size", json_integer((json_int_t)res->fw_len), &bad);
    set(fw, "gpa", addr(res->fw_gpa), &bad);
    if (in->want_file_hashes) {
        set(fw, "sha256", hex(res->fw_sha256, 32), &bad);
    }
    if (res->have_fw_snp_hash) {
        set(fw, "snp_ovmf_hash", hex(res->fw_snp_hash, 48), &bad);
    }
    if (in->ovmf_hash != NULL && res->mode == TC_SEV_MODE_SNP) {
        set(fw, "snp_ovmf_hash_given", hex(in->ovmf_hash, 48), &bad);
    }
    set(fw, "sev_es_reset_eip", addr(res->reset_eip), &bad);
    set(fw, "kernel_hashes_supported", json_boolean(res->have_hashes_table), &bad);
    if (res->have_hashes_table) {
        set(fw, "kernel_hashes_gpa", addr(res->hashes_table_gpa), &bad);
    }
    for (i = 0; i < res->n_sections; i++) {
        json_t *s = json_object();

        if (s == NULL || json_array_append_new(sections, s) != 0) {
            bad = 1;
            continue;
        }
        set(s, "type", json_string(res->sections[i].type_name), &bad);
        set(s, "gpa", addr(res->sections[i].gpa), &bad);
        set(s, "size", addr(res->sections[i].len), &bad);
    }
    set(fw, "sev_metadata", sections, &bad);
    sections = NULL;
    set(inputs, "ovmf", fw, &bad);
    fw = NULL;
    if (res->have_kernel) {
        json_t *k = json_object(), *r = json_object(), *c = json_object();

        set(inputs, "kernel", k, &bad);
        set(inputs, "initrd", r, &bad);
        set(inputs, "cmdline", c, &bad);
        if (!bad) {
            set(k, "path", json_string(in->kernel), &bad);
            set(k, "size", json_integer((json_int_t)res->kernel_len), &bad);
            set(k, "sha256", hex(res->kernel_sha256, 32), &bad);
            if (in->initrd != NULL && in->initrd[0] != '\0') {
                set(r, "path", json_string(in->initrd), &bad);
            }
            set(r, "size", json_integer((json_int_t)res->initrd_len), &bad);
            set(r, "sha256", hex(res->initrd_sha256, 32), &bad);
            set(c, "value", json_string(in->append != NULL ? in->append : ""), &bad);
            set(c, "sha256", hex(res->cmdline_sha256, 32), &bad);
        }
    }
    if (res->mode == TC_SEV_MODE_SNP_SVSM) {
        json_t *s = json_object();

        set(inputs, "svsm", s, &bad);
        if (!bad) {
            if (in->svsm != NULL && in->svsm_data == NULL) {
                set(s, "path", json_string(in->svsm), &bad);
            }
            set(s, "size", json_integer((json_int_t)res->svsm_len), &bad);
            set(s, "gpa", addr(res->svsm_gpa), &bad);
            set(s, "entry", addr(res->svsm_eip), &bad);
            if (in->want_file_hashes) {
                set(s, "sha256", hex(res->svsm_sha256, 32), &bad);
            }
        }
        set(inputs, "vars_size", json_integer((json_int_t)in->vars_size), &bad);
    }
    set(root, "inputs", inputs, &bad);
    inputs = NULL;

    /* the steps, in the order the digest covers them */
    for (i = 0; i < res->n_regions; i++) {
        const struct tc_measure_region *r = &res->regions[i];
        json_t *s = json_object();

        if (s == NULL || json_array_append_new(steps, s) != 0) {
            bad = 1;
            continue;
        }
        set(s, "what", json_string(r->what), &bad);
        set(s, "page_type", json_string(page_type_name(r->page_type)), &bad);
        if (strcmp(r->what, "vmsa") == 0) {
            set(s, "first_vcpu", json_integer(r->first), &bad);
            set(s, "vcpus", json_integer(r->count), &bad);
            set(s, "sha384", hex(r->sha384, 48), &bad);
            if (r->page_type != 0) {
                set(s, "pages", json_integer(r->count), &bad);
            }
        } else {
            set(s, "gpa", addr(r->gpa), &bad);
            set(s, "size", addr(r->len), &bad);
            if (r->page_type != 0) {
                set(s, "pages", json_integer((json_int_t)(r->len / TC_MEASURE_PAGE)), &bad);
            }
        }
    }
    set(root, "measured", steps, &bad);
    steps = NULL;
    if (bad) {
        e = tc_fail(TC_ERR_NOMEM, "JSON");
        goto out;
    }
    *out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (*out == NULL) {
        e = tc_fail(TC_ERR_NOMEM, "JSON");
    }
out:
    free(b64);
    json_decref(root);
    json_decref(inputs);
    json_decref(fw);
    json_decref(sections);
    json_decref(steps);
    return e;
}
