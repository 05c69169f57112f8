/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Intel collateral for TDX: TCB info v3 and QE identity v2 (Intel PCS API
 * v4, "TDX TCB Info" and "Enclave Identity" JSON), their issuer chains and
 * the CRLs.  A signed document is kept as its raw response text and the
 * exact byte span of the "tcbInfo"/"enclaveIdentity" value inside it: the
 * signature is over those bytes, never over a re-serialisation.
 *
 * Loaders: dcap-qvl QuoteCollateralV3 JSON, and a folder of PCS responses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/pem.h>

#include "tee/tdx/tdx_int.h"

#define JSON_DEPTH_MAX 64

/* ---- finding the raw bytes of one member's value (RFC 8259 grammar, scanned) ---- */

static void skip_ws(const char *p, size_t n, size_t *i)
{
    while (*i < n && (p[*i] == ' ' || p[*i] == '\t' || p[*i] == '\n' || p[*i] == '\r')) {
        (*i)++;
    }
}

static tc_err scan_string(const char *p, size_t n, size_t *i)
{
    if (*i >= n || p[*i] != '"') {
        return tc_fail(TC_ERR_JSON, "expected a string at byte %zu", *i);
    }
    (*i)++;
    while (*i < n) {
        unsigned char c = (unsigned char)p[*i];

        if (c == '"') {
            (*i)++;
            return TC_ERR_OK;
        }
        if (c < 0x20) {
            return tc_fail(TC_ERR_JSON, "control character in a string at byte %zu", *i);
        }
        if (c == '\\') {
            (*i)++;
            if (*i >= n) {
                break;
            }
        }
        (*i)++;
    }
    return tc_fail(TC_ERR_JSON, "unterminated string");
}

static tc_err scan_value(const char *p, size_t n, size_t *i, int depth)
{
    tc_err e;

    if (depth > JSON_DEPTH_MAX) {
        return tc_fail(TC_ERR_JSON, "JSON nested deeper than %d", JSON_DEPTH_MAX);
    }
    skip_ws(p, n, i);
    if (*i >= n) {
        return tc_fail(TC_ERR_JSON, "truncated JSON");
    }
    if (p[*i] == '"') {
        return scan_string(p, n, i);
    }
    if (p[*i] == '{' || p[*i] == '[') {
        char close = p[*i] == '{' ? '}' : ']';
        int obj = p[*i] == '{';

        (*i)++;
        skip_ws(p, n, i);
        if (*i < n && p[*i] == close) {
            (*i)++;
            return TC_ERR_OK;
        }
        for (;;) {
            if (obj) {
                skip_ws(p, n, i);
                if ((e = scan_string(p, n, i)) != TC_ERR_OK) {
                    return e;
                }
                skip_ws(p, n, i);
                if (*i >= n || p[*i] != ':') {
                    return tc_fail(TC_ERR_JSON, "expected ':' at byte %zu", *i);
                }
                (*i)++;
            }
            if ((e = scan_value(p, n, i, depth + 1)) != TC_ERR_OK) {
                return e;
            }
            skip_ws(p, n, i);
            if (*i < n && p[*i] == ',') {
                (*i)++;
                continue;
            }
            if (*i < n && p[*i] == close) {
                (*i)++;
                return TC_ERR_OK;
            }
            return tc_fail(TC_ERR_JSON, "expected ',' or '%c' at byte %zu", close, *i);
        }
    }
    /* number or literal: the full parse (jansson) validates it */
    {
        size_t start = *i;

        while (*i < n && strchr("+-0123456789.eEtruefalsn", p[*i]) != NULL) {
            (*i)++;
        }
        if (*i == start) {
            return tc_fail(TC_ERR_JSON, "unexpected character at byte %zu", *i);
        }
    }
    return TC_ERR_OK;
}

tc_err tdx_json_member_span(const char *p, size_t n, const char *key, size_t *off, size_t *len)
{
    size_t i = 0, klen = strlen(key);
    int found = 0;
    tc_err e;

    skip_ws(p, n, &i);
    if (i >= n || p[i] != '{') {
        return tc_fail(TC_ERR_JSON, "response is not a JSON object");
    }
    i++;
    skip_ws(p, n, &i);
    if (i < n && p[i] == '}') {
        i++;
    } else {
        for (;;) {
            size_t ks, vs;

            skip_ws(p, n, &i);
            ks = i;
            if ((e = scan_string(p, n, &i)) != TC_ERR_OK) {
                return e;
            }
            skip_ws(p, n, &i);
            if (i >= n || p[i] != ':') {
                return tc_fail(TC_ERR_JSON, "expected ':' at byte %zu", i);
            }
            i++;
            skip_ws(p, n, &i);
            vs = i;
            if ((e = scan_value(p, n, &i, 1)) != TC_ERR_OK) {
                return e;
            }
            /* Compare the key as written: an escaped spelling never matches (fails closed). */
            if (i - vs > 0 && ks + 2 + klen <= n && memcmp(p + ks + 1, key, klen) == 0 &&
                p[ks + 1 + klen] == '"') {
                if (found) {
                    return tc_fail(TC_ERR_JSON, "member \"%s\" appears twice", key);
                }
                found = 1;
                *off = vs;
                *len = i - vs;
            }
            skip_ws(p, n, &i);
            if (i < n && p[i] == ',') {
                i++;
                continue;
            }
            if (i < n && p[i] == '}') {
                i++;
                break;
            }
            return tc_fail(TC_ERR_JSON, "expected ',' or '}' at byte %zu", i);
        }
    }
    skip_ws(p, n, &i);
    if (i != n) {
        return tc_fail(TC_ERR_JSON, "bytes after the JSON object at %zu", i);
    }
    if (!found) {
        return tc_fail(TC_ERR_JSON, "response has no \"%s\" member", key);
    }
    return TC_ERR_OK;
}

/* ---- typed members ---- */

static tc_err get_str(json_t *o, const char *k, const char **out)
{
    json_t *v = json_object_get(o, k);

    if (!json_is_string(v)) {
        return tc_fail(TC_ERR_JSON, "\"%s\" is missing or not a string", k);
    }
    *out = json_string_value(v);
    return TC_ERR_OK;
}

static tc_err get_int(json_t *o, const char *k, json_int_t lo, json_int_t hi, json_int_t *out)
{
    json_t *v = json_object_get(o, k);

    if (!json_is_integer(v)) {
        return tc_fail(TC_ERR_JSON, "\"%s\" is missing or not an integer", k);
    }
    *out = json_integer_value(v);
    if (*out < lo || *out > hi) {
        return tc_fail(TC_ERR_JSON, "\"%s\" = %lld is out of range", k, (long long)*out);
    }
    return TC_ERR_OK;
}

static tc_err get_hex(json_t *o, const char *k, uint8_t *out, size_t n)
{
    const char *s = NULL;
    size_t got;
    tc_err e;

    if ((e = get_str(o, k, &s)) != TC_ERR_OK) {
        return e;
    }
    if (strlen(s) != 2 * n || tc_hex_decode(s, 2 * n, out, n, &got) != TC_ERR_OK || got != n) {
        return tc_fail(TC_ERR_JSON, "\"%s\" is not %zu bytes of hex", k, n);
    }
    return TC_ERR_OK;
}

static tc_err get_time(json_t *o, const char *k, time_t *out)
{
    const char *s = NULL;
    tc_err e;

    if ((e = get_str(o, k, &s)) != TC_ERR_OK) {
        return e;
    }
    if (tc_time_parse(s, out) != TC_ERR_OK) {
        return tc_fail(TC_ERR_JSON, "\"%s\" is not a time: '%s'", k, s);
    }
    return TC_ERR_OK;
}

static tc_err get_status(json_t *o, int module, enum tc_tdx_tcb_status *st)
{
    const char *s = NULL;
    tc_err e;

    if ((e = get_str(o, "tcbStatus", &s)) != TC_ERR_OK) {
        return e;
    }
    if (tc_tdx_tcb_status_parse(s, st) != TC_ERR_OK || *st == TC_TDX_TCB_NOT_SUPPORTED ||
        *st == TC_TDX_TCB_TD_RELAUNCH_ADVISED ||
        *st == TC_TDX_TCB_TD_RELAUNCH_ADVISED_CONFIGURATION_NEEDED ||
        (module && *st != TC_TDX_TCB_UP_TO_DATE && *st != TC_TDX_TCB_OUT_OF_DATE &&
         *st != TC_TDX_TCB_REVOKED)) {
        /* QVL: VALID_TCB_INFO_STATUSES / VALID_MODULE_TCB_STATUSES */
        return tc_fail(TC_ERR_JSON, "unrecognised tcbStatus '%s'", s);
    }
    return TC_ERR_OK;
}

static tc_err get_advisories(json_t *o, json_t **out)
{
    json_t *a = json_object_get(o, "advisoryIDs");
    size_t i;

    *out = NULL;
    if (a == NULL) {
        return TC_ERR_OK;
    }
    if (!json_is_array(a)) {
        return tc_fail(TC_ERR_JSON, "\"advisoryIDs\" is not an array");
    }
    for (i = 0; i < json_array_size(a); i++) {
        if (!json_is_string(json_array_get(a, i))) {
            return tc_fail(TC_ERR_JSON, "\"advisoryIDs\" holds a non-string");
        }
    }
    *out = a;
    return TC_ERR_OK;
}

/* 16 components {"svn": N}.  SVNs above 255 are truncated to 8 bits, as Intel's QVL does. */
static tc_err get_components(json_t *o, const char *k, uint8_t out[16])
{
    json_t *a = json_object_get(o, k);
    size_t i;

    if (!json_is_array(a) || json_array_size(a) != 16) {
        return tc_fail(TC_ERR_JSON, "\"%s\" is not an array of 16 components", k);
    }
    for (i = 0; i < 16; i++) {
        json_int_t svn;
        tc_err e;

        if (!json_is_object(json_array_get(a, i)) ||
            (e = get_int(json_array_get(a, i), "svn", 0, 65535, &svn)) != TC_ERR_OK) {
            return tc_fail(TC_ERR_JSON, "\"%s\"[%zu]: no valid \"svn\"", k, i);
        }
        out[i] = (uint8_t)svn;
    }
    return TC_ERR_OK;
}

static int lv_cmp(const struct tdx_tcb_level *a, const struct tdx_tcb_level *b)
{
    int c = memcmp(a->sgx, b->sgx, 16);

    if (c != 0) {
        return c;
    }
    if (a->pce_svn != b->pce_svn) {
        return a->pce_svn < b->pce_svn ? -1 : 1;
    }
    return memcmp(a->tdx, b->tdx, 16);
}

void tdx_tcb_info_free(struct tdx_tcb_info *t)
{
    size_t i;

    for (i = 0; i < t->n_ids; i++) {
        free(t->ids[i].lv);
    }
    free(t->lv);
    memset(t, 0, sizeof(*t));
}

static tc_err parse_module_id(json_t *o, struct tdx_module_id *m)
{
    json_t *lv = json_object_get(o, "tcbLevels");
    const char *id = NULL;
    size_t i;
    tc_err e;

    if (!json_is_object(o)) {
        return tc_fail(TC_ERR_JSON, "tdxModuleIdentities holds a non-object");
    }
    if ((e = get_str(o, "id", &id)) != TC_ERR_OK ||
        (e = get_hex(o, "mrsigner", m->mrsigner, 48)) != TC_ERR_OK ||
        (e = get_hex(o, "attributes", m->attributes, 8)) != TC_ERR_OK ||
        (e = get_hex(o, "attributesMask", m->mask, 8)) != TC_ERR_OK) {
        return e;
    }
    if (strlen(id) >= sizeof(m->id)) {
        return tc_fail(TC_ERR_JSON, "TDX module identity id too long");
    }
    snprintf(m->id, sizeof(m->id), "%s", id);
    if (!json_is_array(lv) || json_array_size(lv) == 0 || json_array_size(lv) > TDX_LEVELS_MAX) {
        return tc_fail(TC_ERR_JSON, "TDX module %s: \"tcbLevels\" missing or empty", m->id);
    }
    m->lv = calloc(json_array_size(lv), sizeof(*m->lv));
    if (m->lv == NULL) {
        return tc_fail(TC_ERR_NOMEM, "module levels");
    }
    for (i = 0; i < json_array_size(lv); i++) {
        json_t *l = json_array_get(lv, i);
        struct tdx_module_level cur;
        json_int_t svn;
        size_t j;

        memset(&cur, 0, sizeof(cur));
        if (!json_is_object(l) || !json_is_object(json_object_get(l, "tcb")) ||
            (e = get_int(json_object_get(l, "tcb"), "isvsvn", 0, 255, &svn)) != TC_ERR_OK ||
            (e = get_str(l, "tcbDate", &cur.date)) != TC_ERR_OK ||
            (e = get_status(l, 1, &cur.status)) != TC_ERR_OK ||
            (e = get_advisories(l, &cur.advisories)) != TC_ERR_OK) {
            return tc_fail_ctx(TC_ERR_JSON, "TDX module %s level %zu", m->id, i);
        }
        cur.isvsvn = (uint8_t)svn;
        /* QVL keeps these in a std::set<TdxModuleTcbLevel, greater> (TdxModuleIdentity.cpp):
         * sorted by ISVSVN, highest first, whatever the published order, and a repeated
         * ISVSVN is a format error.  The first level the module meets, and the "latest"
         * level of the TD-relaunch check, are taken in that order. */
        j = m->n;
        while (j > 0 && m->lv[j - 1].isvsvn < cur.isvsvn) {
            m->lv[j] = m->lv[j - 1];
            j--;
        }
        if (j > 0 && m->lv[j - 1].isvsvn == cur.isvsvn) {
            return tc_fail(TC_ERR_JSON, "TDX module %s: two levels with isvsvn %u", m->id,
                           cur.isvsvn);
        }
        m->lv[j] = cur;
        m->n++;
    }
    return TC_ERR_OK;
}

tc_err tdx_tcb_info_parse(json_t *o, struct tdx_tcb_info *t)
{
    json_t *mod, *ids, *lv;
    const char *id = NULL;
    json_int_t x;
    size_t i, j;
    tc_err e;

    memset(t, 0, sizeof(*t));
    if (!json_is_object(o)) {
        return tc_fail(TC_ERR_JSON, "tcbInfo is not an object");
    }
    if ((e = get_str(o, "id", &id)) != TC_ERR_OK ||
        (e = get_int(o, "version", 0, 1000, &x)) != TC_ERR_OK) {
        goto fail;
    }
    snprintf(t->id, sizeof(t->id), "%s", id);
    t->version = (int)x;
    if ((e = get_time(o, "issueDate", &t->issue)) != TC_ERR_OK ||
        (e = get_time(o, "nextUpdate", &t->next)) != TC_ERR_OK ||
        (e = get_hex(o, "fmspc", t->fmspc, 6)) != TC_ERR_OK ||
        (e = get_hex(o, "pceId", t->pce_id, 2)) != TC_ERR_OK ||
        (e = get_int(o, "tcbType", 0, 255, &x)) != TC_ERR_OK) {
        goto fail;
    }
    t->tcb_type = (int)x;
    if ((e = get_int(o, "tcbEvaluationDataNumber", 0, 0xffffffffLL, &x)) != TC_ERR_OK) {
        goto fail;
    }
    t->eval_num = (uint32_t)x;
    mod = json_object_get(o, "tdxModule");
    if (mod != NULL) {
        if (!json_is_object(mod) ||
            (e = get_hex(mod, "mrsigner", t->mod_mrsigner, 48)) != TC_ERR_OK ||
            (e = get_hex(mod, "attributes", t->mod_attributes, 8)) != TC_ERR_OK ||
            (e = get_hex(mod, "attributesMask", t->mod_mask, 8)) != TC_ERR_OK) {
            e = tc_fail_ctx(TC_ERR_JSON, "tdxModule");
            goto fail;
        }
        t->has_module = 1;
    }
    ids = json_object_get(o, "tdxModuleIdentities");
    if (ids != NULL) {
        if (!json_is_array(ids) || json_array_size(ids) > TDX_MODULE_IDS_MAX) {
            e = tc_fail(TC_ERR_JSON, "tdxModuleIdentities is not an array of at most %d",
                        TDX_MODULE_IDS_MAX);
            goto fail;
        }
        t->has_module_ids = 1;
        for (i = 0; i < json_array_size(ids); i++) {
            e = parse_module_id(json_array_get(ids, i), &t->ids[i]);
            t->n_ids++;
            if (e != TC_ERR_OK) {
                goto fail;
            }
        }
    }
    lv = json_object_get(o, "tcbLevels");
    if (!json_is_array(lv) || json_array_size(lv) == 0 || json_array_size(lv) > TDX_LEVELS_MAX) {
        e = tc_fail(TC_ERR_JSON, "\"tcbLevels\" missing, empty or longer than %d", TDX_LEVELS_MAX);
        goto fail;
    }
    t->lv = calloc(json_array_size(lv), sizeof(*t->lv));
    if (t->lv == NULL) {
        e = tc_fail(TC_ERR_NOMEM, "TCB levels");
        goto fail;
    }
    for (i = 0; i < json_array_size(lv); i++) {
        json_t *l = json_array_get(lv, i), *tcb = json_object_get(l, "tcb");
        struct tdx_tcb_level cur;

        memset(&cur, 0, sizeof(cur));
        cur.index = i;
        if (!json_is_object(l) || !json_is_object(tcb)) {
            e = tc_fail(TC_ERR_JSON, "tcbLevels[%zu] has no \"tcb\" object", i);
            goto fail;
        }
        if ((e = get_components(tcb, "sgxtcbcomponents", cur.sgx)) != TC_ERR_OK ||
            (e = get_int(tcb, "pcesvn", 0, 65535, &x)) != TC_ERR_OK ||
            (e = get_components(tcb, "tdxtcbcomponents", cur.tdx)) != TC_ERR_OK ||
            (e = get_str(l, "tcbDate", &cur.date)) != TC_ERR_OK ||
            (e = get_status(l, 0, &cur.status)) != TC_ERR_OK ||
            (e = get_advisories(l, &cur.advisories)) != TC_ERR_OK) {
            e = tc_fail_ctx(TC_ERR_JSON, "tcbLevels[%zu]", i);
            goto fail;
        }
        cur.pce_svn = (uint16_t)x;
        /* Keep them sorted descending as QVL's std::set<TcbLevel, greater> does; a level
         * equal to another (after the 8-bit SVN truncation) is a format error there too
         * (TcbInfo.cpp, "Detected duplicated TCB levels"): which status would apply? */
        j = t->n;
        while (j > 0 && lv_cmp(&t->lv[j - 1], &cur) < 0) {
            t->lv[j] = t->lv[j - 1];
            j--;
        }
        if (j > 0 && lv_cmp(&t->lv[j - 1], &cur) == 0) {
            e = tc_fail(TC_ERR_JSON, "tcbLevels[%zu] repeats the TCB of another level", i);
            goto fail;
        }
        t->lv[j] = cur;
        t->n++;
    }
    return TC_ERR_OK;
fail:
    tdx_tcb_info_free(t);
    return e;
}

void tdx_qe_identity_free(struct tdx_qe_identity *q)
{
    free(q->lv);
    memset(q, 0, sizeof(*q));
}

tc_err tdx_qe_identity_parse(json_t *o, struct tdx_qe_identity *q)
{
    json_t *lv;
    const char *id = NULL;
    json_int_t x;
    size_t i;
    tc_err e;

    memset(q, 0, sizeof(*q));
    if (!json_is_object(o)) {
        return tc_fail(TC_ERR_JSON, "enclaveIdentity is not an object");
    }
    if ((e = get_str(o, "id", &id)) != TC_ERR_OK ||
        (e = get_int(o, "version", 0, 1000, &x)) != TC_ERR_OK) {
        goto fail;
    }
    snprintf(q->id, sizeof(q->id), "%s", id);
    q->version = (int)x;
    if ((e = get_time(o, "issueDate", &q->issue)) != TC_ERR_OK ||
        (e = get_time(o, "nextUpdate", &q->next)) != TC_ERR_OK ||
        (e = get_int(o, "tcbEvaluationDataNumber", 0, 0xffffffffLL, &x)) != TC_ERR_OK) {
        goto fail;
    }
    q->eval_num = (uint32_t)x;
    if ((e = get_hex(o, "miscselect", q->miscselect, 4)) != TC_ERR_OK ||
        (e = get_hex(o, "miscselectMask", q->misc_mask, 4)) != TC_ERR_OK ||
        (e = get_hex(o, "attributes", q->attributes, 16)) != TC_ERR_OK ||
        (e = get_hex(o, "attributesMask", q->attr_mask, 16)) != TC_ERR_OK ||
        (e = get_hex(o, "mrsigner", q->mrsigner, 32)) != TC_ERR_OK ||
        (e = get_int(o, "isvprodid", 0, 65535, &x)) != TC_ERR_OK) {
        goto fail;
    }
    q->isv_prod_id = (uint16_t)x;
    lv = json_object_get(o, "tcbLevels");
    if (!json_is_array(lv) || json_array_size(lv) == 0 || json_array_size(lv) > TDX_LEVELS_MAX) {
        e = tc_fail(TC_ERR_JSON, "enclaveIdentity \"tcbLevels\" missing or empty");
        goto fail;
    }
    q->lv = calloc(json_array_size(lv), sizeof(*q->lv));
    if (q->lv == NULL) {
        e = tc_fail(TC_ERR_NOMEM, "QE levels");
        goto fail;
    }
    for (i = 0; i < json_array_size(lv); i++) {
        json_t *l = json_array_get(lv, i);

        if (!json_is_object(l) || !json_is_object(json_object_get(l, "tcb")) ||
            (e = get_int(json_object_get(l, "tcb"), "isvsvn", 0, 65535, &x)) != TC_ERR_OK ||
            (e = get_str(l, "tcbDate", &q->lv[i].date)) != TC_ERR_OK ||
            (e = get_status(l, 1, &q->lv[i].status)) != TC_ERR_OK ||
            (e = get_advisories(l, &q->lv[i].advisories)) != TC_ERR_OK) {
            e = tc_fail_ctx(TC_ERR_JSON, "enclaveIdentity tcbLevels[%zu]", i);
            goto fail;
        }
        q->lv[i].isvsvn = (uint16_t)x;
        q->n++;
    }
    return TC_ERR_OK;
fail:
    tdx_qe_identity_free(q);
    return e;
}

/* ---- the collateral object ---- */

tc_err tdx_collateral_new(struct tc_tdx_collateral **out)
{
    struct tc_tdx_collateral *c = calloc(1, sizeof(*c));

    if (c == NULL) {
        return tc_fail(TC_ERR_NOMEM, "collateral");
    }
    if (pthread_mutex_init(&c->mu, NULL) != 0) {
        free(c);
        return tc_fail(TC_ERR_INTERNAL, "mutex");
    }
    tdx_part_init(&c->coll_part);
    *out = c;
    return TC_ERR_OK;
}

static void doc_free(struct tdx_signed_json *d)
{
    free(d->body);
    json_decref(d->root);
    memset(d, 0, sizeof(*d));
}

void tc_tdx_collateral_free(struct tc_tdx_collateral *c)
{
    size_t i;

    if (c == NULL) {
        return;
    }
    tdx_tcb_info_free(&c->tcb);
    tdx_qe_identity_free(&c->qe);
    doc_free(&c->tcb_doc);
    doc_free(&c->qe_doc);
    tdx_chain_free(&c->tcb_chain);
    tdx_chain_free(&c->qe_chain);
    tdx_chain_free(&c->pck_crl_chain);
    X509_CRL_free(c->root_crl);
    X509_CRL_free(c->pck_crl);
    tdx_part_free(&c->coll_part);
    for (i = 0; i < c->n_cache; i++) {
        free(c->cache[i].chain);
        tdx_pck_eval_free(c->cache[i].ev);
    }
    pthread_mutex_destroy(&c->mu);
    free(c);
}

int tc_tdx_collateral_fmspc(const struct tc_tdx_collateral *c, uint8_t fmspc[6])
{
    if (c == NULL || !c->tcb_doc.present) {
        return 0;
    }
    memcpy(fmspc, c->tcb.fmspc, 6);
    return 1;
}

static tc_err sig_from_hex(const char *s, uint8_t sig[64])
{
    size_t got;

    if (s == NULL || strlen(s) != 128 || tc_hex_decode(s, 128, sig, 64, &got) != TC_ERR_OK ||
        got != 64) {
        return tc_fail(TC_ERR_JSON, "signature is not 64 bytes of hex (r || s)");
    }
    return TC_ERR_OK;
}

tc_err tdx_collateral_set_doc(struct tc_tdx_collateral *c, int qe, const char *text, size_t len,
                              const char *sig_hex)
{
    struct tdx_signed_json *d = qe ? &c->qe_doc : &c->tcb_doc;
    const char *member = qe ? "enclaveIdentity" : "tcbInfo";
    json_error_t jerr;
    json_t *root = NULL;
    tc_err e;

    if (d->present) {
        return tc_fail(TC_ERR_MALFORMED, "%s given twice", member);
    }
    d->body = malloc(len + 1);
    if (d->body == NULL) {
        return tc_fail(TC_ERR_NOMEM, "collateral");
    }
    memcpy(d->body, text, len);
    d->body[len] = '\0';
    d->len = len;
    root = json_loadb(d->body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        e = tc_fail(TC_ERR_JSON, "%s: %s (line %d)", member, jerr.text, jerr.line);
        goto fail;
    }
    if (json_is_object(root) && json_object_get(root, member) != NULL) {
        /* A PCS response body: {"tcbInfo": {...}, "signature": "..."}. */
        json_t *s = json_object_get(root, "signature");

        if ((e = tdx_json_member_span(d->body, len, member, &d->span_off, &d->span_len)) !=
            TC_ERR_OK) {
            goto fail;
        }
        if (sig_hex == NULL) {
            sig_hex = json_string_value(s);
        }
        if ((e = sig_from_hex(sig_hex, d->sig)) != TC_ERR_OK) {
            goto fail;
        }
        d->root = json_incref(json_object_get(root, member));
        json_decref(root);
        root = NULL;
    } else {
        /* The signed object itself (dcap-qvl "tcb_info"), signature given beside it. */
        if (!json_is_object(root)) {
            e = tc_fail(TC_ERR_JSON, "%s is not a JSON object", member);
            goto fail;
        }
        if ((e = sig_from_hex(sig_hex, d->sig)) != TC_ERR_OK) {
            goto fail;
        }
        d->span_off = 0;
        d->span_len = len;
        d->root = root;
        root = NULL;
    }
    if (!json_is_object(d->root)) {
        e = tc_fail(TC_ERR_JSON, "%s is not a JSON object", member);
        goto fail;
    }
    e = qe ? tdx_qe_identity_parse(d->root, &c->qe) : tdx_tcb_info_parse(d->root, &c->tcb);
    if (e != TC_ERR_OK) {
        e = tc_fail_ctx(e, "%s", member);
        goto fail;
    }
    d->present = 1;
    if (qe) {
        c->has_qe = 1;
    }
    return TC_ERR_OK;
fail:
    json_decref(root);
    doc_free(d);
    return e;
}

tc_err tdx_collateral_set_chain(struct tc_tdx_collateral *c, int which, const uint8_t *p, size_t n)
{
    struct tdx_chain *ch = which == TDX_CHAIN_TCB  ? &c->tcb_chain
                           : which == TDX_CHAIN_QE ? &c->qe_chain
                                                   : &c->pck_crl_chain;
    static const char *const names[] = {"TCB info issuer chain", "QE identity issuer chain",
                                        "PCK CRL issuer chain"};
    tc_err e;

    if (ch->n != 0) {
        return tc_fail(TC_ERR_MALFORMED, "%s given twice", names[which]);
    }
    if ((e = tdx_chain_parse(p, n, ch)) != TC_ERR_OK) {
        return tc_fail_ctx(e, "%s", names[which]);
    }
    if (which == TDX_CHAIN_QE) {
        c->has_qe_chain = 1;
    } else if (which == TDX_CHAIN_PCK_CRL) {
        c->has_pck_crl_chain = 1;
    }
    return TC_ERR_OK;
}

static int is_hex_text(const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f') ||
              (p[i] >= 'A' && p[i] <= 'F') || p[i] == '\n' || p[i] == '\r')) {
            return 0;
        }
    }
    return n > 0;
}

tc_err tdx_collateral_set_crl(struct tc_tdx_collateral *c, int pck, const uint8_t *p, size_t n)
{
    X509_CRL **slot = pck ? &c->pck_crl : &c->root_crl;
    const char *what = pck ? "PCK CRL" : "root CA CRL";
    X509_CRL *crl = NULL;
    uint8_t *bin = NULL;

    if (*slot != NULL) {
        return tc_fail(TC_ERR_MALFORMED, "%s given twice", what);
    }
    /* Text forms (PEM, hex) may end in a newline; a DER CRL (a SEQUENCE, first byte 0x30,
     * which no text form starts with) is taken as it is: its last bytes may well be 0x0a. */
    while (n > 0 && p[0] != 0x30 && (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == ' ')) {
        n--;
    }
    if (n > 10 && memcmp(p, "-----BEGIN", 10) == 0) {
        BIO *bio = BIO_new_mem_buf(p, (int)n);

        crl = bio != NULL ? PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL) : NULL;
        BIO_free(bio);
    } else if (is_hex_text(p, n)) {
        /* PCCS and dcap-qvl give CRLs as hex text. */
        size_t got = 0, i, k = 0;
        char *h = malloc(n + 1);

        if (h == NULL) {
            return tc_fail(TC_ERR_NOMEM, "CRL");
        }
        for (i = 0; i < n; i++) {
            if (p[i] != '\n' && p[i] != '\r') {
                h[k++] = (char)p[i];
            }
        }
        bin = malloc(k / 2 + 1);
        if (bin != NULL && tc_hex_decode(h, k, bin, k / 2 + 1, &got) == TC_ERR_OK) {
            const unsigned char *q = bin;

            crl = d2i_X509_CRL(NULL, &q, (long)got);
            if (crl != NULL && q != bin + got) {
                X509_CRL_free(crl);
                crl = NULL;
            }
        }
        free(h);
        free(bin);
    } else {
        const unsigned char *q = p;

        crl = d2i_X509_CRL(NULL, &q, (long)n);
        if (crl != NULL && q != p + n) {
            X509_CRL_free(crl);
            return tc_fail(TC_ERR_TRAILING, "%s: bytes after the DER CRL", what);
        }
    }
    if (crl == NULL) {
        return tc_fail_ssl(TC_ERR_MALFORMED, "%s is not a DER, PEM or hex CRL", what);
    }
    *slot = crl;
    return TC_ERR_OK;
}

tc_err tdx_collateral_finish(struct tc_tdx_collateral *c)
{
    if (!c->tcb_doc.present) {
        return tc_fail(TC_ERR_MALFORMED, "collateral has no TCB info");
    }
    if (c->tcb_chain.n == 0) {
        return tc_fail(TC_ERR_MALFORMED, "collateral has no TCB info issuer chain");
    }
    return TC_ERR_OK;
}

/* ---- loaders ---- */

static tc_err json_opt_string(json_t *root, const char *k, const char **s, size_t *n)
{
    json_t *v = json_object_get(root, k);

    *s = NULL;
    *n = 0;
    if (v == NULL || json_is_null(v)) {
        return TC_ERR_OK;
    }
    if (!json_is_string(v)) {
        return tc_fail(TC_ERR_JSON, "\"%s\" is not a string", k);
    }
    *s = json_string_value(v);
    *n = json_string_length(v);
    return TC_ERR_OK;
}

tc_err tc_tdx_collateral_parse_json(const uint8_t *json, size_t len, struct tc_tdx_collateral **out)
{
    struct tc_tdx_collateral *c = NULL;
    json_error_t jerr;
    json_t *root;
    const char *s, *sig;
    size_t n, sn;
    tc_err e;

    *out = NULL;
    if (len > TC_TDX_COLLATERAL_MAX) {
        return tc_fail(TC_ERR_TOO_LARGE, "collateral JSON of %zu bytes", len);
    }
    root = json_loadb((const char *)json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL || !json_is_object(root)) {
        e = tc_fail(TC_ERR_JSON, "collateral: %s", root == NULL ? jerr.text : "not an object");
        json_decref(root);
        return e;
    }
    if ((e = tdx_collateral_new(&c)) != TC_ERR_OK) {
        json_decref(root);
        return e;
    }
    /* TCB info */
    if ((e = json_opt_string(root, "tcb_info", &s, &n)) != TC_ERR_OK ||
        (e = json_opt_string(root, "tcb_info_signature", &sig, &sn)) != TC_ERR_OK) {
        goto out;
    }
    if (s == NULL) {
        e = tc_fail(TC_ERR_MALFORMED, "collateral has no \"tcb_info\"");
        goto out;
    }
    if ((e = tdx_collateral_set_doc(c, 0, s, n, sig)) != TC_ERR_OK) {
        goto out;
    }
    /* QE identity (optional) */
    if ((e = json_opt_string(root, "qe_identity", &s, &n)) != TC_ERR_OK ||
        (e = json_opt_string(root, "qe_identity_signature", &sig, &sn)) != TC_ERR_OK) {
        goto out;
    }
    if (s != NULL && (e = tdx_collateral_set_doc(c, 1, s, n, sig)) != TC_ERR_OK) {
        goto out;
    }
    if ((e = json_opt_string(root, "tcb_info_issuer_chain", &s, &n)) != TC_ERR_OK) {
        goto out;
    }
    if (s != NULL &&
        (e = tdx_collateral_set_chain(c, TDX_CHAIN_TCB, (const uint8_t *)s, n)) != TC_ERR_OK) {
        goto out;
    }
    if ((e = json_opt_string(root, "qe_identity_issuer_chain", &s, &n)) != TC_ERR_OK) {
        goto out;
    }
    if (s != NULL &&
        (e = tdx_collateral_set_chain(c, TDX_CHAIN_QE, (const uint8_t *)s, n)) != TC_ERR_OK) {
        goto out;
    }
    if ((e = json_opt_string(root, "pck_crl_issuer_chain", &s, &n)) != TC_ERR_OK) {
        goto out;
    }
    if (s != NULL &&
        (e = tdx_collateral_set_chain(c, TDX_CHAIN_PCK_CRL, (const uint8_t *)s, n)) != TC_ERR_OK) {
        goto out;
    }
    if ((e = json_opt_string(root, "root_ca_crl", &s, &n)) != TC_ERR_OK) {
        goto out;
    }
    if (s != NULL && (e = tdx_collateral_set_crl(c, 0, (const uint8_t *)s, n)) != TC_ERR_OK) {
        goto out;
    }
    if ((e = json_opt_string(root, "pck_crl", &s, &n)) != TC_ERR_OK) {
        goto out;
    }
    if (s != NULL && (e = tdx_collateral_set_crl(c, 1, (const uint8_t *)s, n)) != TC_ERR_OK) {
        goto out;
    }
    e = tdx_collateral_finish(c);
out:
    json_decref(root);
    if (e != TC_ERR_OK) {
        tc_tdx_collateral_free(c);
        return e;
    }
    *out = c;
    return TC_ERR_OK;
}

/* Read dir/name if it exists: *data = NULL when absent. */
static tc_err read_opt(const char *dir, const char *name, uint8_t **data, size_t *len)
{
    char path[4096];
    struct stat st;

    *data = NULL;
    *len = 0;
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
        return tc_fail(TC_ERR_USAGE, "path too long");
    }
    if (stat(path, &st) != 0) {
        if (errno == ENOENT) {
            return TC_ERR_OK;
        }
        return tc_fail(TC_ERR_IO, "%s: %s", path, strerror(errno));
    }
    return tc_file_read(path, TC_TDX_COLLATERAL_MAX, data, len);
}

tc_err tc_tdx_collateral_load_dir(const char *dir, struct tc_tdx_collateral **out)
{
    static const struct {
        const char *file;
        int kind; /* 0 doc, 1 chain, 2 crl */
        int which;
    } files[] = {
        {"tcb_info.json", 0, 0},
        {"qe_identity.json", 0, 1},
        {"tcb_signing_chain.pem", 1, TDX_CHAIN_TCB},
        {"qe_identity_chain.pem", 1, TDX_CHAIN_QE},
        {"pck_crl_chain.pem", 1, TDX_CHAIN_PCK_CRL},
        {"root_crl.der", 2, 0},
        {"pck_crl.der", 2, 1},
    };
    struct tc_tdx_collateral *c = NULL;
    struct stat st;
    size_t i;
    tc_err e;

    *out = NULL;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        return tc_fail(TC_ERR_IO, "%s: not a folder", dir);
    }
    if ((e = tdx_collateral_new(&c)) != TC_ERR_OK) {
        return e;
    }
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        uint8_t *data;
        size_t len;

        if ((e = read_opt(dir, files[i].file, &data, &len)) != TC_ERR_OK) {
            goto out;
        }
        if (data == NULL) {
            continue;
        }
        if (files[i].kind == 0) {
            e = tdx_collateral_set_doc(c, files[i].which, (const char *)data, len, NULL);
        } else if (files[i].kind == 1) {
            e = tdx_collateral_set_chain(c, files[i].which, data, len);
        } else {
            e = tdx_collateral_set_crl(c, files[i].which, data, len);
        }
        free(data);
        if (e != TC_ERR_OK) {
            e = tc_fail_ctx(e, "%s/%s", dir, files[i].file);
            goto out;
        }
    }
    e = tdx_collateral_finish(c);
    if (e != TC_ERR_OK) {
        e = tc_fail_ctx(e, "%s", dir);
    }
out:
    if (e != TC_ERR_OK) {
        tc_tdx_collateral_free(c);
        return e;
    }
    *out = c;
    return TC_ERR_OK;
}
