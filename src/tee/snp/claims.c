/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The claims of an SNP report as JSON: every field typed, policy / platform-info / signer bits
 * decoded by name, unknown bits shown (never dropped), 64-bit values as "0x..." strings.
 */
#include <stdio.h>
#include <string.h>

#include "tee/snp/snp_internal.h"
#include "trustchain/snp.h"
#include "trustchain/util.h"

/* Builders that remember an allocation failure instead of checking each call. */
struct jb {
    int bad;
};

static void put(struct jb *b, json_t *o, const char *k, json_t *v)
{
    if (v == NULL || json_object_set_new(o, k, v) != 0) {
        b->bad = 1;
    }
}

static json_t *jhex(const uint8_t *p, size_t n)
{
    char buf[2 * 512 + 1];

    if (n > 512) {
        return NULL;
    }
    return json_string(tc_hex_encode(p, n, buf));
}

static json_t *jx64(uint64_t v)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
    return json_string(buf);
}

static json_t *tcb_json(struct jb *b, const struct tc_snp_tcb *t)
{
    json_t *o = json_object();
    uint64_t rsv = tc_snp_tcb_reserved(t);

    if (o == NULL) {
        b->bad = 1;
        return NULL;
    }
    put(b, o, "raw", jx64(t->raw));
    if (t->turin) {
        put(b, o, "fmc", json_integer(t->fmc));
    }
    put(b, o, "bootloader", json_integer(t->bootloader));
    put(b, o, "tee", json_integer(t->tee));
    put(b, o, "snp", json_integer(t->snp));
    put(b, o, "microcode", json_integer(t->microcode));
    if (rsv != 0) {
        put(b, o, "reserved_bits", jx64(rsv));
    }
    return o;
}

static json_t *policy_json(struct jb *b, uint64_t p)
{
    json_t *o = json_object();

    if (o == NULL) {
        b->bad = 1;
        return NULL;
    }
    /* ABI "GUEST_POLICY Structure". */
    put(b, o, "raw", jx64(p));
    put(b, o, "abi_major", json_integer((json_int_t)((p >> 8) & 0xff)));
    put(b, o, "abi_minor", json_integer((json_int_t)(p & 0xff)));
    put(b, o, "smt_allowed", json_boolean(p & TC_SNP_POLICY_SMT));
    put(b, o, "migrate_ma_allowed", json_boolean(p & TC_SNP_POLICY_MIGRATE_MA));
    put(b, o, "debug_allowed", json_boolean(p & TC_SNP_POLICY_DEBUG));
    put(b, o, "single_socket", json_boolean(p & TC_SNP_POLICY_SINGLE_SOCKET));
    put(b, o, "cxl_allowed", json_boolean(p & TC_SNP_POLICY_CXL_ALLOW));
    put(b, o, "mem_aes_256_xts", json_boolean(p & TC_SNP_POLICY_MEM_AES_256_XTS));
    put(b, o, "rapl_disabled", json_boolean(p & TC_SNP_POLICY_RAPL_DIS));
    put(b, o, "ciphertext_hiding", json_boolean(p & TC_SNP_POLICY_CIPHERTEXT_HIDING));
    put(b, o, "page_swap_disabled", json_boolean(p & TC_SNP_POLICY_PAGE_SWAP_DISABLE));
    return o;
}

static json_t *platform_json(struct jb *b, uint64_t p)
{
    json_t *o = json_object();
    uint64_t unknown = p & ~TC_SNP_PLATFORM_KNOWN_MASK;

    if (o == NULL) {
        b->bad = 1;
        return NULL;
    }
    /* ABI "PLATFORM_INFO Field"; bit 6 is reserved and bits 63:8 undefined: shown as unknown. */
    put(b, o, "raw", jx64(p));
    put(b, o, "smt_enabled", json_boolean(p & TC_SNP_PLATFORM_SMT_EN));
    put(b, o, "tsme_enabled", json_boolean(p & TC_SNP_PLATFORM_TSME_EN));
    put(b, o, "ecc_enabled", json_boolean(p & TC_SNP_PLATFORM_ECC_EN));
    put(b, o, "rapl_disabled", json_boolean(p & TC_SNP_PLATFORM_RAPL_DIS));
    put(b, o, "ciphertext_hiding_enabled", json_boolean(p & TC_SNP_PLATFORM_CIPHERTEXT_HIDING_EN));
    put(b, o, "alias_check_complete", json_boolean(p & TC_SNP_PLATFORM_ALIAS_CHECK_COMPLETE));
    put(b, o, "tio_enabled", json_boolean(p & TC_SNP_PLATFORM_TIO_EN));
    if (unknown != 0) {
        put(b, o, "unknown_bits", jx64(unknown));
    }
    return o;
}

static const char *signer_name(unsigned k)
{
    switch (k) {
    case TC_SNP_SIGNER_VCEK:
        return "VCEK";
    case TC_SNP_SIGNER_VLEK:
        return "VLEK";
    case TC_SNP_SIGNER_NONE:
        return "none";
    }
    return "reserved";
}

static json_t *version_json(uint8_t major, uint8_t minor)
{
    char buf[16];

    snprintf(buf, sizeof(buf), "%u.%u", major, minor);
    return json_string(buf);
}

json_t *tc_snp_report_json(const struct tc_snp_report *r)
{
    struct jb b = {0};
    json_t *o = json_object(), *si, *sig;

    if (o == NULL) {
        return NULL;
    }
    put(&b, o, "version", json_integer(r->version));
    put(&b, o, "product", json_string(tc_snp_product_name(r->product)));
    if (r->product_source != NULL) {
        put(&b, o, "product_source", json_string(r->product_source));
    }
    put(&b, o, "guest_svn", json_integer(r->guest_svn));
    put(&b, o, "policy", policy_json(&b, r->policy));
    put(&b, o, "family_id", jhex(r->family_id, 16));
    put(&b, o, "image_id", jhex(r->image_id, 16));
    put(&b, o, "vmpl", json_integer(r->vmpl));
    put(&b, o, "signature_algo", json_integer(r->sig_algo));
    put(&b, o, "current_tcb", tcb_json(&b, &r->current_tcb));
    put(&b, o, "platform_info", platform_json(&b, r->platform_info));
    si = json_object();
    if (si != NULL) {
        put(&b, si, "raw", jx64(r->signer_info));
        put(&b, si, "author_key_en", json_boolean(r->author_key_en));
        put(&b, si, "mask_chip_key", json_boolean(r->mask_chip_key));
        put(&b, si, "signing_key", json_string(signer_name(r->signing_key)));
    }
    put(&b, o, "signer_info", si);
    put(&b, o, "report_data", jhex(r->report_data, 64));
    put(&b, o, "measurement", jhex(r->measurement, 48));
    put(&b, o, "host_data", jhex(r->host_data, 32));
    put(&b, o, "id_key_digest", jhex(r->id_key_digest, 48));
    put(&b, o, "author_key_digest", jhex(r->author_key_digest, 48));
    put(&b, o, "report_id", jhex(r->report_id, 32));
    put(&b, o, "report_id_ma", jhex(r->report_id_ma, 32));
    put(&b, o, "reported_tcb", tcb_json(&b, &r->reported_tcb));
    if (r->has_cpuid) {
        json_t *c = json_object();

        if (c != NULL) {
            put(&b, c, "family", jx64(r->cpuid_family));
            put(&b, c, "model", jx64(r->cpuid_model));
            put(&b, c, "stepping", jx64(r->cpuid_stepping));
        }
        put(&b, o, "cpuid", c);
    }
    put(&b, o, "chip_id", jhex(r->chip_id, 64));
    put(&b, o, "chip_id_masked", json_boolean(tc_snp_chip_id_masked(r)));
    put(&b, o, "committed_tcb", tcb_json(&b, &r->committed_tcb));
    put(&b, o, "current_version", version_json(r->current_major, r->current_minor));
    put(&b, o, "current_build", json_integer(r->current_build));
    put(&b, o, "committed_version", version_json(r->committed_major, r->committed_minor));
    put(&b, o, "committed_build", json_integer(r->committed_build));
    put(&b, o, "launch_tcb", tcb_json(&b, &r->launch_tcb));
    if (r->has_mit_vectors) {
        put(&b, o, "launch_mit_vector", jx64(r->launch_mit_vector));
        put(&b, o, "current_mit_vector", jx64(r->current_mit_vector));
    }
    sig = json_object();
    if (sig != NULL) {
        put(&b, sig, "r_le", jhex(r->sig_r, 72));
        put(&b, sig, "s_le", jhex(r->sig_s, 72));
    }
    put(&b, o, "signature", sig);
    if (b.bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static const char *container_name(enum tc_snp_container c)
{
    switch (c) {
    case TC_SNP_CONTAINER_REPORT:
        return "report";
    case TC_SNP_CONTAINER_EXTENDED:
        return "extended report";
    case TC_SNP_CONTAINER_AZURE_HCL:
        return "Azure HCL report";
    case TC_SNP_CONTAINER_MSG_REPORT_RSP:
        return "MSG_REPORT_RSP";
    }
    return "?";
}

json_t *tc_snp_evidence_json(const struct tc_snp_evidence *ev)
{
    struct jb b = {0};
    json_t *o = json_object();
    size_t i;

    if (o == NULL) {
        return NULL;
    }
    put(&b, o, "container", json_string(container_name(ev->container)));
    put(&b, o, "report", tc_snp_report_json(&ev->report));
    if (ev->certs.n > 0) {
        json_t *arr = json_array();

        for (i = 0; arr != NULL && i < ev->certs.n; i++) {
            const struct tc_snp_certtable_entry *en = &ev->certs.e[i];
            json_t *e = json_object();
            char g[40];

            if (e == NULL || json_array_append_new(arr, e) != 0) {
                b.bad = 1;
                break;
            }
            snprintf(g, sizeof(g),
                     "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                     en->guid[0], en->guid[1], en->guid[2], en->guid[3], en->guid[4], en->guid[5],
                     en->guid[6], en->guid[7], en->guid[8], en->guid[9], en->guid[10], en->guid[11],
                     en->guid[12], en->guid[13], en->guid[14], en->guid[15]);
            put(&b, e, "guid", json_string(g));
            put(&b, e, "kind", json_string(tc_snp_cert_kind_name(en->kind)));
            put(&b, e, "offset", json_integer(en->offset));
            put(&b, e, "length", json_integer((json_int_t)en->len));
        }
        put(&b, o, "certificates", arr);
    }
    if (ev->container == TC_SNP_CONTAINER_AZURE_HCL) {
        json_t *h = json_object();

        if (h != NULL) {
            put(&b, h, "hash_type", json_integer(ev->hcl_hash_type));
            put(&b, h, "runtime_data_length", json_integer((json_int_t)ev->hcl_runtime_len));
        }
        put(&b, o, "hcl", h);
    }
    if (b.bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}
