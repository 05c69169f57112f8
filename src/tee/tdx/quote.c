/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TDX quote parsing, v4 and v5.  Field by field after Intel's "TDX DCAP
 * Quoting Library API", Appendix A: A.3 (v4: header, TD quote body, ECDSA
 * signature data, QE report certification data) and A.4 (v5: quote body
 * descriptor, TD report 1.5 body).  No cryptography here.
 */
#include <string.h>

#include "core/reader.h"
#include "tee/tdx/tdx_int.h"
#include "trustchain/tdx.h"

#define HEADER_SIZE 48
#define BODY10_SIZE 584
#define BODY15_SIZE 648
#define QE_REPORT_SIZE 384

/* TD report body fields, in order (A.3.2; A.4.2 adds the last two for TDX 1.5). */
static tc_err read_td_report(struct tc_reader *r, struct tc_tdx_td_report *td, int v15)
{
    tc_err e;
    int i;

    if ((e = tc_read_bytes(r, td->tee_tcb_svn, 16)) != TC_ERR_OK ||
        (e = tc_read_bytes(r, td->mrseam, 48)) != TC_ERR_OK ||
        (e = tc_read_bytes(r, td->mrsignerseam, 48)) != TC_ERR_OK ||
        (e = tc_read_bytes(r, td->seam_attributes, 8)) != TC_ERR_OK ||
        (e = tc_read_bytes(r, td->td_attributes, 8)) != TC_ERR_OK ||
        (e = tc_read_bytes(r, td->xfam, 8)) != TC_ERR_OK ||
        (e = tc_read_bytes(r, td->mrtd, 48)) != TC_ERR_OK ||
        (e = tc_read_bytes(r, td->mrconfigid, 48)) != TC_ERR_OK ||
        (e = tc_read_bytes(r, td->mrowner, 48)) != TC_ERR_OK ||
        (e = tc_read_bytes(r, td->mrownerconfig, 48)) != TC_ERR_OK) {
        return e;
    }
    for (i = 0; i < 4; i++) {
        if ((e = tc_read_bytes(r, td->rtmr[i], 48)) != TC_ERR_OK) {
            return e;
        }
    }
    if ((e = tc_read_bytes(r, td->report_data, 64)) != TC_ERR_OK) {
        return e;
    }
    td->is_v15 = v15;
    if (v15) {
        if ((e = tc_read_bytes(r, td->tee_tcb_svn2, 16)) != TC_ERR_OK ||
            (e = tc_read_bytes(r, td->mrservicetd, 48)) != TC_ERR_OK) {
            return e;
        }
    }
    return TC_ERR_OK;
}

/*
 * SGX REPORT_BODY (SGX SDK sgx_report_body_t; QVL reads the same 384 bytes):
 * the fields later SGX versions carved out of the old reserved areas are read
 * as fields; what is still reserved must be zero.
 */
tc_err tc_tdx_qe_report_read(struct tc_reader *r, struct tc_tdx_qe_report *qe)
{
    const uint8_t *raw;
    struct tc_reader b;
    tc_err e;

    if ((e = tc_read_sub(r, &b, QE_REPORT_SIZE, "QE report")) != TC_ERR_OK) {
        return e;
    }
    raw = b.p;
    if ((e = tc_read_bytes(&b, qe->cpusvn, 16)) != TC_ERR_OK ||
        (e = tc_read_bytes(&b, qe->miscselect, 4)) != TC_ERR_OK ||
        (e = tc_read_zero(&b, 12, "QE report reserved1")) != TC_ERR_OK ||
        (e = tc_read_bytes(&b, qe->isv_ext_prod_id, 16)) != TC_ERR_OK ||
        (e = tc_read_bytes(&b, qe->attributes, 16)) != TC_ERR_OK ||
        (e = tc_read_bytes(&b, qe->mrenclave, 32)) != TC_ERR_OK ||
        (e = tc_read_zero(&b, 32, "QE report reserved2")) != TC_ERR_OK ||
        (e = tc_read_bytes(&b, qe->mrsigner, 32)) != TC_ERR_OK ||
        (e = tc_read_zero(&b, 32, "QE report reserved3")) != TC_ERR_OK ||
        (e = tc_read_bytes(&b, qe->config_id, 64)) != TC_ERR_OK ||
        (e = tc_read_u16le(&b, &qe->isv_prod_id)) != TC_ERR_OK ||
        (e = tc_read_u16le(&b, &qe->isv_svn)) != TC_ERR_OK ||
        (e = tc_read_u16le(&b, &qe->config_svn)) != TC_ERR_OK ||
        (e = tc_read_zero(&b, 42, "QE report reserved4")) != TC_ERR_OK ||
        (e = tc_read_bytes(&b, qe->isv_family_id, 16)) != TC_ERR_OK ||
        (e = tc_read_bytes(&b, qe->report_data, 64)) != TC_ERR_OK ||
        (e = tc_reader_end(&b)) != TC_ERR_OK) {
        return e;
    }
    qe->raw = raw;
    return TC_ERR_OK;
}

/*
 * QE report certification data, type 6 (A.3.11): QE report, its signature,
 * QE authentication data (u16 size), and the nested certification data
 * (u16 type, u32 size) that carries the PCK chain.  Must fill the outer size.
 */
static tc_err read_qe_cert_data(struct tc_reader *r, struct tc_tdx_quote *q)
{
    uint16_t auth_len;
    uint32_t cert_len;
    tc_err e;

    if ((e = tc_tdx_qe_report_read(r, &q->qe)) != TC_ERR_OK ||
        (e = tc_read_bytes(r, q->qe_report_sig, 64)) != TC_ERR_OK ||
        (e = tc_read_u16le(r, &auth_len)) != TC_ERR_OK ||
        (e = tc_read_ptr(r, &q->qe_auth, auth_len)) != TC_ERR_OK) {
        return tc_fail_ctx(e, "QE report certification data");
    }
    q->qe_auth_len = auth_len;
    if ((e = tc_read_u16le(r, &q->pck_cert_type)) != TC_ERR_OK ||
        (e = tc_read_u32le(r, &cert_len)) != TC_ERR_OK) {
        return tc_fail_ctx(e, "QE report certification data");
    }
    if (cert_len > tc_reader_remaining(r)) {
        return tc_fail(TC_ERR_MALFORMED,
                       "nested certification data at 0x%zx: size is 0x%x, only 0x%zx bytes left",
                       tc_reader_abs(r), cert_len, tc_reader_remaining(r));
    }
    if ((e = tc_read_ptr(r, &q->pck_chain, cert_len)) != TC_ERR_OK) {
        return e;
    }
    q->pck_chain_len = cert_len;
    /* Types 1-5 are the QE certification data types (A.3.9); 6 cannot nest. */
    if (q->pck_cert_type < 1 || q->pck_cert_type > 5) {
        return tc_fail(TC_ERR_UNSUPPORTED, "nested certification data type %u (expected 1..5)",
                       q->pck_cert_type);
    }
    if (tc_reader_remaining(r) != 0) {
        return tc_fail(TC_ERR_TRAILING,
                       "QE report certification data: %zu bytes after the "
                       "nested certification data",
                       tc_reader_remaining(r));
    }
    return TC_ERR_OK;
}

tc_err tc_tdx_quote_parse(const uint8_t *raw, size_t len, struct tc_tdx_quote *q)
{
    struct tc_reader r, sig, cert;
    uint32_t sig_len, cert_len;
    size_t body_start;
    tc_err e;

    memset(q, 0, sizeof(*q));
    tc_reader_init(&r, raw, len, "quote");
    /* A.3.1 Quote header */
    if ((e = tc_read_u16le(&r, &q->version)) != TC_ERR_OK) {
        return e;
    }
    if (q->version != 4 && q->version != 5) {
        return tc_fail(TC_ERR_VERSION,
                       "quote version %u is not supported (TDX quotes are v4 or "
                       "v5)",
                       q->version);
    }
    if ((e = tc_read_u16le(&r, &q->att_key_type)) != TC_ERR_OK ||
        (e = tc_read_u32le(&r, &q->tee_type)) != TC_ERR_OK ||
        (e = tc_read_zero(&r, 4, "header reserved")) != TC_ERR_OK ||
        (e = tc_read_bytes(&r, q->qe_vendor_id, 16)) != TC_ERR_OK ||
        (e = tc_read_bytes(&r, q->user_data, 20)) != TC_ERR_OK) {
        return e;
    }
    if (q->tee_type != TC_TDX_TEE_TYPE) {
        return tc_fail(TC_ERR_UNSUPPORTED, "TEE type 0x%x is not TDX (0x81)", q->tee_type);
    }
    if (q->att_key_type != TC_TDX_ATT_KEY_ECDSA_P256) {
        return tc_fail(TC_ERR_UNSUPPORTED, "attestation key type %u (only 2, ECDSA P-256)",
                       q->att_key_type);
    }
    body_start = tc_reader_offset(&r);
    if (q->version == 4) {
        q->body_type = TC_TDX_BODY_TD10;
        q->body_size = BODY10_SIZE;
    } else {
        /* A.4.1 Quote body descriptor: type, size. */
        if ((e = tc_read_u16le(&r, &q->body_type)) != TC_ERR_OK ||
            (e = tc_read_u32le(&r, &q->body_size)) != TC_ERR_OK) {
            return e;
        }
        if (q->body_type == 1) {
            return tc_fail(TC_ERR_UNSUPPORTED, "quote body type 1 is an SGX enclave report");
        }
        if (q->body_type != TC_TDX_BODY_TD10 && q->body_type != TC_TDX_BODY_TD15) {
            return tc_fail(TC_ERR_UNSUPPORTED, "quote body type %u (expected 2 or 3)",
                           q->body_type);
        }
        if (q->body_size != (q->body_type == TC_TDX_BODY_TD10 ? BODY10_SIZE : BODY15_SIZE)) {
            return tc_fail(TC_ERR_MALFORMED, "quote body type %u has size %u (expected %u)",
                           q->body_type, q->body_size,
                           q->body_type == TC_TDX_BODY_TD10 ? BODY10_SIZE : BODY15_SIZE);
        }
    }
    if ((e = read_td_report(&r, &q->td, q->body_type == TC_TDX_BODY_TD15)) != TC_ERR_OK) {
        return e;
    }
    (void)body_start;
    /* The attestation key signs everything up to here (v5: with the descriptor). */
    q->signed_data = raw;
    q->signed_len = tc_reader_offset(&r);

    /* A.3.8 ECDSA signature data, preceded by its u32 length. */
    if ((e = tc_read_u32le(&r, &sig_len)) != TC_ERR_OK) {
        return e;
    }
    if (sig_len > tc_reader_remaining(&r)) {
        return tc_fail(TC_ERR_TRUNCATED, "signature data size 0x%x exceeds the 0x%zx bytes left",
                       sig_len, tc_reader_remaining(&r));
    }
    if ((e = tc_read_sub(&r, &sig, sig_len, "signature data")) != TC_ERR_OK ||
        (e = tc_read_bytes(&sig, q->signature, 64)) != TC_ERR_OK ||
        (e = tc_read_bytes(&sig, q->att_key, 64)) != TC_ERR_OK ||
        (e = tc_read_u16le(&sig, &q->cert_type)) != TC_ERR_OK ||
        (e = tc_read_u32le(&sig, &cert_len)) != TC_ERR_OK) {
        return e;
    }
    if (cert_len != tc_reader_remaining(&sig)) {
        return tc_fail(TC_ERR_MALFORMED,
                       "size of certification data is 0x%zx, expected size 0x%x (signature data "
                       "size 0x%x is inconsistent)",
                       tc_reader_remaining(&sig), cert_len, sig_len);
    }
    if (q->cert_type != TC_TDX_CERT_QE_REPORT) {
        return tc_fail(TC_ERR_UNSUPPORTED,
                       "certification data type %u (v4/v5 quotes carry type 6, QE report)",
                       q->cert_type);
    }
    if ((e = tc_read_sub(&sig, &cert, cert_len, "certification data")) != TC_ERR_OK ||
        (e = read_qe_cert_data(&cert, q)) != TC_ERR_OK) {
        return e;
    }
    q->quote_len = tc_reader_offset(&r);
    q->trailing = tc_reader_remaining(&r);
    return TC_ERR_OK;
}

/* ---- JSON claims ---- */

json_t *tc_tdx_hex_json(const uint8_t *p, size_t n)
{
    char buf[2 * 4096 + 1];
    char *s = buf;
    json_t *j;

    if (n > 4096) {
        s = malloc(2 * n + 1);
        if (s == NULL) {
            return NULL;
        }
    }
    tc_hex_encode(p, n, s);
    j = json_string(s);
    if (s != buf) {
        free(s);
    }
    return j;
}

int tc_tdx_json_set_hex(json_t *o, const char *k, const uint8_t *p, size_t n)
{
    return json_object_set_new(o, k, tc_tdx_hex_json(p, n));
}

static json_t *td_attributes_json(const uint8_t a[8])
{
    uint64_t v = tc_le64(a);
    json_t *o = json_object();

    if (o == NULL) {
        return NULL;
    }
    /* TD_PARAMS.ATTRIBUTES (TDX module ABI): bit 0 DEBUG, 28 SEPT_VE_DISABLE, 30 PKS, 31 KL,
     * 63 PERFMON. */
    if (json_object_set_new(o, "debug", json_boolean(v & 1)) != 0 ||
        json_object_set_new(o, "sept_ve_disable", json_boolean((v >> 28) & 1)) != 0 ||
        json_object_set_new(o, "pks", json_boolean((v >> 30) & 1)) != 0 ||
        json_object_set_new(o, "kl", json_boolean((v >> 31) & 1)) != 0 ||
        json_object_set_new(o, "perfmon", json_boolean((v >> 63) & 1)) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *tc_tdx_td_report_json(const struct tc_tdx_td_report *td)
{
    json_t *o = json_object();
    int bad = o == NULL;
    char k[8];
    int i;

    bad = bad || tc_tdx_json_set_hex(o, "tee_tcb_svn", td->tee_tcb_svn, 16) != 0 ||
          tc_tdx_json_set_hex(o, "mrseam", td->mrseam, 48) != 0 ||
          tc_tdx_json_set_hex(o, "mrsignerseam", td->mrsignerseam, 48) != 0 ||
          tc_tdx_json_set_hex(o, "seam_attributes", td->seam_attributes, 8) != 0 ||
          tc_tdx_json_set_hex(o, "td_attributes", td->td_attributes, 8) != 0 ||
          json_object_set_new(o, "td_attributes_decoded", td_attributes_json(td->td_attributes)) !=
              0 ||
          tc_tdx_json_set_hex(o, "xfam", td->xfam, 8) != 0 ||
          tc_tdx_json_set_hex(o, "mrtd", td->mrtd, 48) != 0 ||
          tc_tdx_json_set_hex(o, "mrconfigid", td->mrconfigid, 48) != 0 ||
          tc_tdx_json_set_hex(o, "mrowner", td->mrowner, 48) != 0 ||
          tc_tdx_json_set_hex(o, "mrownerconfig", td->mrownerconfig, 48) != 0;
    for (i = 0; i < 4 && !bad; i++) {
        snprintf(k, sizeof(k), "rtmr%d", i);
        bad = tc_tdx_json_set_hex(o, k, td->rtmr[i], 48) != 0;
    }
    bad = bad || tc_tdx_json_set_hex(o, "report_data", td->report_data, 64) != 0;
    if (!bad && td->is_v15) {
        bad = tc_tdx_json_set_hex(o, "tee_tcb_svn2", td->tee_tcb_svn2, 16) != 0 ||
              tc_tdx_json_set_hex(o, "mrservicetd", td->mrservicetd, 48) != 0;
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *qe_report_json(const struct tc_tdx_qe_report *qe)
{
    json_t *o = json_object();

    if (o == NULL || tc_tdx_json_set_hex(o, "cpusvn", qe->cpusvn, 16) != 0 ||
        tc_tdx_json_set_hex(o, "miscselect", qe->miscselect, 4) != 0 ||
        tc_tdx_json_set_hex(o, "attributes", qe->attributes, 16) != 0 ||
        tc_tdx_json_set_hex(o, "mrenclave", qe->mrenclave, 32) != 0 ||
        tc_tdx_json_set_hex(o, "mrsigner", qe->mrsigner, 32) != 0 ||
        json_object_set_new(o, "isv_prod_id", json_integer(qe->isv_prod_id)) != 0 ||
        json_object_set_new(o, "isv_svn", json_integer(qe->isv_svn)) != 0 ||
        json_object_set_new(o, "config_svn", json_integer(qe->config_svn)) != 0 ||
        tc_tdx_json_set_hex(o, "report_data", qe->report_data, 64) != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *tc_tdx_quote_json(const struct tc_tdx_quote *q)
{
    json_t *o = json_object(), *cd = json_object();

    if (o == NULL || cd == NULL) {
        goto fail;
    }
    if (json_object_set_new(cd, "type", json_integer(q->cert_type)) != 0 ||
        json_object_set_new(cd, "pck_cert_type", json_integer(q->pck_cert_type)) != 0 ||
        json_object_set_new(cd, "pck_chain_size", json_integer((json_int_t)q->pck_chain_len)) !=
            0 ||
        json_object_set_new(
            cd, "pck_chain_encoding",
            json_string(q->pck_chain_len > 0 && q->pck_chain[0] == 0x30 ? "der" : "pem")) != 0) {
        goto fail;
    }
    if (json_object_set_new(o, "type", json_string("tdx-quote")) != 0 ||
        json_object_set_new(o, "version", json_integer(q->version)) != 0 ||
        json_object_set_new(o, "att_key_type", json_integer(q->att_key_type)) != 0 ||
        json_object_set_new(o, "tee_type", json_integer(q->tee_type)) != 0 ||
        tc_tdx_json_set_hex(o, "qe_vendor_id", q->qe_vendor_id, 16) != 0 ||
        tc_tdx_json_set_hex(o, "user_data", q->user_data, 20) != 0 ||
        json_object_set_new(o, "body_type", json_integer(q->body_type)) != 0 ||
        json_object_set_new(o, "body_size", json_integer(q->body_size)) != 0 ||
        json_object_set_new(o, "td", tc_tdx_td_report_json(&q->td)) != 0 ||
        tc_tdx_json_set_hex(o, "signature", q->signature, 64) != 0 ||
        tc_tdx_json_set_hex(o, "attestation_key", q->att_key, 64) != 0 ||
        json_object_set_new(o, "qe_report", qe_report_json(&q->qe)) != 0 ||
        tc_tdx_json_set_hex(o, "qe_report_signature", q->qe_report_sig, 64) != 0 ||
        tc_tdx_json_set_hex(o, "qe_auth_data", q->qe_auth, q->qe_auth_len) != 0 ||
        json_object_set(o, "certification_data", cd) != 0 ||
        json_object_set_new(o, "size", json_integer((json_int_t)q->quote_len)) != 0 ||
        json_object_set_new(o, "trailing_bytes", json_integer((json_int_t)q->trailing)) != 0) {
        goto fail;
    }
    json_decref(cd);
    return o;
fail:
    json_decref(cd);
    json_decref(o);
    return NULL;
}

/* ---- TDREPORT_STRUCT (TDX module ABI spec, "TDREPORT_STRUCT", 1024 bytes) ---- */

tc_err tc_tdx_tdreport_parse(const uint8_t *raw, size_t len, struct tc_tdx_tdreport *t)
{
    struct tc_reader r, mac, tcb, info;
    tc_err e;
    int i;

    memset(t, 0, sizeof(*t));
    tc_reader_init(&r, raw, len, "TDREPORT");
    /* REPORTMACSTRUCT (256): REPORTTYPE, reserved, CPUSVN, hashes, REPORTDATA, reserved, MAC. */
    if ((e = tc_read_sub(&r, &mac, 256, "REPORTMACSTRUCT")) != TC_ERR_OK ||
        (e = tc_read_bytes(&mac, t->report_type, 4)) != TC_ERR_OK) {
        return e;
    }
    if (t->report_type[0] != 0x81) {
        return tc_fail(TC_ERR_UNSUPPORTED, "REPORTTYPE.TYPE 0x%02x is not TDX (0x81)",
                       t->report_type[0]);
    }
    if ((e = tc_read_zero(&mac, 12, "REPORTMACSTRUCT reserved1")) != TC_ERR_OK ||
        (e = tc_read_bytes(&mac, t->cpusvn, 16)) != TC_ERR_OK ||
        (e = tc_read_bytes(&mac, t->tee_tcb_info_hash, 48)) != TC_ERR_OK ||
        (e = tc_read_bytes(&mac, t->tee_info_hash, 48)) != TC_ERR_OK ||
        (e = tc_read_bytes(&mac, t->report_data, 64)) != TC_ERR_OK ||
        (e = tc_read_zero(&mac, 32, "REPORTMACSTRUCT reserved2")) != TC_ERR_OK ||
        (e = tc_read_bytes(&mac, t->mac, 32)) != TC_ERR_OK) {
        return e;
    }
    /* TEE_TCB_INFO (239) + reserved (17); the reserved tail of TEE_TCB_INFO is hashed. */
    if ((e = tc_read_sub(&r, &tcb, 256, "TEE_TCB_INFO")) != TC_ERR_OK ||
        (e = tc_read_bytes(&tcb, t->valid, 8)) != TC_ERR_OK ||
        (e = tc_read_bytes(&tcb, t->tee_tcb_svn, 16)) != TC_ERR_OK ||
        (e = tc_read_bytes(&tcb, t->mrseam, 48)) != TC_ERR_OK ||
        (e = tc_read_bytes(&tcb, t->mrsignerseam, 48)) != TC_ERR_OK ||
        (e = tc_read_bytes(&tcb, t->seam_attributes, 8)) != TC_ERR_OK ||
        (e = tc_read_bytes(&tcb, t->tee_tcb_svn2, 16)) != TC_ERR_OK ||
        (e = tc_read_zero(&tcb, 95 + 17, "TEE_TCB_INFO reserved")) != TC_ERR_OK) {
        return e;
    }
    /* TDINFO (512) */
    if ((e = tc_read_sub(&r, &info, 512, "TDINFO")) != TC_ERR_OK ||
        (e = tc_read_bytes(&info, t->td_attributes, 8)) != TC_ERR_OK ||
        (e = tc_read_bytes(&info, t->xfam, 8)) != TC_ERR_OK ||
        (e = tc_read_bytes(&info, t->mrtd, 48)) != TC_ERR_OK ||
        (e = tc_read_bytes(&info, t->mrconfigid, 48)) != TC_ERR_OK ||
        (e = tc_read_bytes(&info, t->mrowner, 48)) != TC_ERR_OK ||
        (e = tc_read_bytes(&info, t->mrownerconfig, 48)) != TC_ERR_OK) {
        return e;
    }
    for (i = 0; i < 4; i++) {
        if ((e = tc_read_bytes(&info, t->rtmr[i], 48)) != TC_ERR_OK) {
            return e;
        }
    }
    if ((e = tc_read_bytes(&info, t->servtd_hash, 48)) != TC_ERR_OK ||
        (e = tc_read_zero(&info, 64, "TDINFO reserved")) != TC_ERR_OK ||
        (e = tc_reader_end(&r)) != TC_ERR_OK) {
        return e;
    }
    t->raw = raw;
    return TC_ERR_OK;
}

tc_err tc_tdx_tdreport_check(const struct tc_tdx_tdreport *t, struct tc_verdict *v)
{
    uint8_t h[48];
    char exp[97], act[97];
    tc_err e;
    int ok;

    /* TEE_TCB_INFO_HASH = SHA-384 of the 239 bytes of TEE_TCB_INFO. */
    if ((e = tc_digest(EVP_sha384(), t->raw + 256, 239, h)) != TC_ERR_OK) {
        return e;
    }
    ok = memcmp(h, t->tee_tcb_info_hash, 48) == 0;
    tc_hex_encode(t->tee_tcb_info_hash, 48, exp);
    tc_hex_encode(h, 48, act);
    if ((e = tc_verdict_add(v, "tdreport.tee_tcb_info_hash", ok ? TC_CHECK_PASS : TC_CHECK_FAIL,
                            TC_ERR_MISMATCH, exp, act,
                            ok ? "SHA-384(TEE_TCB_INFO) matches REPORTMACSTRUCT"
                               : "SHA-384(TEE_TCB_INFO) differs from REPORTMACSTRUCT")) !=
        TC_ERR_OK) {
        return e;
    }
    /* TEE_INFO_HASH = SHA-384 of TDINFO (512 bytes). */
    if ((e = tc_digest(EVP_sha384(), t->raw + 512, 512, h)) != TC_ERR_OK) {
        return e;
    }
    ok = memcmp(h, t->tee_info_hash, 48) == 0;
    tc_hex_encode(t->tee_info_hash, 48, exp);
    tc_hex_encode(h, 48, act);
    return tc_verdict_add(v, "tdreport.tee_info_hash", ok ? TC_CHECK_PASS : TC_CHECK_FAIL,
                          TC_ERR_MISMATCH, exp, act,
                          ok ? "SHA-384(TDINFO) matches REPORTMACSTRUCT"
                             : "SHA-384(TDINFO) differs from REPORTMACSTRUCT");
}

json_t *tc_tdx_tdreport_json(const struct tc_tdx_tdreport *t)
{
    json_t *o = json_object();
    int bad = o == NULL;
    char k[8];
    int i;

    bad = bad || json_object_set_new(o, "type", json_string("tdx-tdreport")) != 0 ||
          tc_tdx_json_set_hex(o, "report_type", t->report_type, 4) != 0 ||
          tc_tdx_json_set_hex(o, "cpusvn", t->cpusvn, 16) != 0 ||
          tc_tdx_json_set_hex(o, "tee_tcb_info_hash", t->tee_tcb_info_hash, 48) != 0 ||
          tc_tdx_json_set_hex(o, "tee_info_hash", t->tee_info_hash, 48) != 0 ||
          tc_tdx_json_set_hex(o, "report_data", t->report_data, 64) != 0 ||
          tc_tdx_json_set_hex(o, "mac", t->mac, 32) != 0 ||
          tc_tdx_json_set_hex(o, "valid", t->valid, 8) != 0 ||
          tc_tdx_json_set_hex(o, "tee_tcb_svn", t->tee_tcb_svn, 16) != 0 ||
          tc_tdx_json_set_hex(o, "mrseam", t->mrseam, 48) != 0 ||
          tc_tdx_json_set_hex(o, "mrsignerseam", t->mrsignerseam, 48) != 0 ||
          tc_tdx_json_set_hex(o, "seam_attributes", t->seam_attributes, 8) != 0 ||
          tc_tdx_json_set_hex(o, "tee_tcb_svn2", t->tee_tcb_svn2, 16) != 0 ||
          tc_tdx_json_set_hex(o, "td_attributes", t->td_attributes, 8) != 0 ||
          json_object_set_new(o, "td_attributes_decoded", td_attributes_json(t->td_attributes)) !=
              0 ||
          tc_tdx_json_set_hex(o, "xfam", t->xfam, 8) != 0 ||
          tc_tdx_json_set_hex(o, "mrtd", t->mrtd, 48) != 0 ||
          tc_tdx_json_set_hex(o, "mrconfigid", t->mrconfigid, 48) != 0 ||
          tc_tdx_json_set_hex(o, "mrowner", t->mrowner, 48) != 0 ||
          tc_tdx_json_set_hex(o, "mrownerconfig", t->mrownerconfig, 48) != 0;
    for (i = 0; i < 4 && !bad; i++) {
        snprintf(k, sizeof(k), "rtmr%d", i);
        bad = tc_tdx_json_set_hex(o, k, t->rtmr[i], 48) != 0;
    }
    bad = bad || tc_tdx_json_set_hex(o, "servtd_hash", t->servtd_hash, 48) != 0;
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* ---- TCB status names (Intel's spelling, as in TCB info and QVL) ---- */

static const char *const status_names[TC_TDX_TCB_COUNT_] = {
    [TC_TDX_TCB_UP_TO_DATE] = "UpToDate",
    [TC_TDX_TCB_SW_HARDENING_NEEDED] = "SWHardeningNeeded",
    [TC_TDX_TCB_CONFIGURATION_NEEDED] = "ConfigurationNeeded",
    [TC_TDX_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED] = "ConfigurationAndSWHardeningNeeded",
    [TC_TDX_TCB_OUT_OF_DATE] = "OutOfDate",
    [TC_TDX_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED] = "OutOfDateConfigurationNeeded",
    [TC_TDX_TCB_TD_RELAUNCH_ADVISED] = "TDRelaunchAdvised",
    [TC_TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED] = "TDRelaunchAdvisedConfigurationNeeded",
    [TC_TDX_TCB_REVOKED] = "Revoked",
    [TC_TDX_TCB_NOT_SUPPORTED] = "NotSupported",
};

const char *tc_tdx_tcb_status_name(enum tc_tdx_tcb_status s)
{
    if ((unsigned)s < TC_TDX_TCB_COUNT_) {
        return status_names[s];
    }
    return "?";
}

tc_err tc_tdx_tcb_status_parse(const char *name, enum tc_tdx_tcb_status *s)
{
    unsigned i;

    for (i = 0; i < TC_TDX_TCB_COUNT_; i++) {
        if (strcmp(name, status_names[i]) == 0) {
            *s = (enum tc_tdx_tcb_status)i;
            return TC_ERR_OK;
        }
    }
    return tc_fail(TC_ERR_ENCODING, "unknown TCB status '%s'", name);
}
