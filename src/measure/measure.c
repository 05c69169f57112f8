/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Launch digests of SEV, SEV-ES and SEV-SNP guests, step by step as the
 * hypervisor hands the guest's initial memory and vCPUs to the PSP:
 *
 *  SEV     LAUNCH_UPDATE_DATA of the firmware (and of the kernel-hashes table):
 *          SHA-256 over those bytes (SEV API spec #55766, LAUNCH_MEASURE).
 *  SEV-ES  ... then LAUNCH_UPDATE_VMSA of each vCPU: the VMSA bytes too.
 *  SNP     SNP_LAUNCH_UPDATE of the firmware pages (NORMAL), of each SEV
 *          metadata section (zero / unmeasured / secrets / CPUID / the
 *          kernel-hashes page), then each vCPU's VMSA: the PAGE_INFO chain
 *          (gctx.h).  QEMU, EC2 and GCE differ in section handling and VMSA.
 *  SVSM    SNP with the OVMF pages, then the SVSM's below the OVMF_VARS flash,
 *          the SVSM's metadata sections, and VMSAs entering the SVSM.
 *
 * The order and contents follow what the reference tool (sev-snp-measure)
 * computes, so that the digests are the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/ossl.h"
#include "measure/gctx.h"
#include "measure/sevfw.h"
#include "measure/sevhashes.h"
#include "measure/vmsa.h"
#include "trustchain/measure.h"
#include "trustchain/util.h"

#define FOUR_GIB ((uint64_t)1 << 32)

/* ---- names ---- */

static const struct {
    const char *name;
    enum tc_sev_mode mode;
} modes[] = {
    {"sev", TC_SEV_MODE_SEV},           {"seves", TC_SEV_MODE_SEV_ES},
    {"snp", TC_SEV_MODE_SNP},           {"snp:ovmf-hash", TC_SEV_MODE_SNP_OVMF_HASH},
    {"snp:svsm", TC_SEV_MODE_SNP_SVSM},
};

tc_err tc_measure_mode_parse(const char *s, enum tc_sev_mode *mode)
{
    size_t i;

    for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        if (strcmp(s, modes[i].name) == 0) {
            *mode = modes[i].mode;
            return TC_ERR_OK;
        }
    }
    return tc_fail(TC_ERR_USAGE,
                   "unknown mode '%s' (choose from sev, seves, snp, snp:ovmf-hash, snp:svsm)", s);
}

const char *tc_measure_mode_name(enum tc_sev_mode mode)
{
    size_t i;

    for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        if (modes[i].mode == mode) {
            return modes[i].name;
        }
    }
    return "?";
}

tc_err tc_measure_vmm_parse(const char *s, enum tc_vmm_type *vmm)
{
    /* The reference accepts exactly QEMU, ec2 and gce; any case is accepted here. */
    if (strcasecmp(s, "QEMU") == 0) {
        *vmm = TC_VMM_QEMU;
    } else if (strcasecmp(s, "ec2") == 0) {
        *vmm = TC_VMM_EC2;
    } else if (strcasecmp(s, "gce") == 0) {
        *vmm = TC_VMM_GCE;
    } else {
        return tc_fail(TC_ERR_USAGE, "unknown VMM type '%s' (choose from QEMU, ec2, gce)", s);
    }
    return TC_ERR_OK;
}

const char *tc_measure_vmm_name(enum tc_vmm_type vmm)
{
    switch (vmm) {
    case TC_VMM_QEMU:
        return "QEMU";
    case TC_VMM_EC2:
        return "ec2";
    case TC_VMM_GCE:
        return "gce";
    }
    return "?";
}

tc_err tc_measure_cpu_sig(unsigned family, unsigned model, unsigned stepping, uint32_t *sig)
{
    unsigned fam_lo, fam_hi;

    /*
     * CPUID Fn0000_0001_EAX (AMD CPUID spec #25481): stepping [3:0], base model
     * [7:4], base family [11:8], extended model [19:16], extended family
     * [27:20]; families above 0xf are 0xf + extended family.
     */
    if (family > 0xf + 0xff || model > 0xff || stepping > 0xf) {
        return tc_fail(TC_ERR_USAGE,
                       "vCPU family %u, model %u, stepping %u: out of range (family <= 270, "
                       "model <= 255, stepping <= 15)",
                       family, model, stepping);
    }
    fam_lo = family > 0xf ? 0xf : family;
    fam_hi = family > 0xf ? family - 0xf : 0;
    *sig =
        (uint32_t)(fam_hi << 20 | (model >> 4) << 16 | fam_lo << 8 | (model & 0xf) << 4 | stepping);
    return TC_ERR_OK;
}

/* QEMU's built-in EPYC models (target/i386/cpu.c builtin_x86_defs): family, model, stepping. */
static const struct {
    const char *name;
    unsigned family, model, stepping;
} vcpu_types[] = {
    {"EPYC", 23, 1, 2},          {"EPYC-v1", 23, 1, 2},       {"EPYC-v2", 23, 1, 2},
    {"EPYC-IBPB", 23, 1, 2},     {"EPYC-v3", 23, 1, 2},       {"EPYC-v4", 23, 1, 2},
    {"EPYC-Rome", 23, 49, 0},    {"EPYC-Rome-v1", 23, 49, 0}, {"EPYC-Rome-v2", 23, 49, 0},
    {"EPYC-Rome-v3", 23, 49, 0}, {"EPYC-Milan", 25, 1, 1},    {"EPYC-Milan-v1", 25, 1, 1},
    {"EPYC-Milan-v2", 25, 1, 1}, {"EPYC-Genoa", 25, 17, 0},   {"EPYC-Genoa-v1", 25, 17, 0},
    {"EPYC-Turin", 26, 0, 0},
};

#define N_VCPU_TYPES (sizeof(vcpu_types) / sizeof(vcpu_types[0]))

tc_err tc_measure_vcpu_sig(const char *type, uint32_t *sig)
{
    size_t i;

    for (i = 0; i < N_VCPU_TYPES; i++) {
        if (strcmp(type, vcpu_types[i].name) == 0) { /* exact, as the reference's choices */
            return tc_measure_cpu_sig(vcpu_types[i].family, vcpu_types[i].model,
                                      vcpu_types[i].stepping, sig);
        }
    }
    return tc_fail(TC_ERR_USAGE,
                   "unknown vCPU type '%s' (choose from EPYC, EPYC-v1..v4, "
                   "EPYC-IBPB, EPYC-Rome[-v1..v3], EPYC-Milan[-v1,-v2], EPYC-Genoa[-v1], "
                   "EPYC-Turin)",
                   type);
}

const char *tc_measure_vcpu_type_name(size_t i)
{
    return i < N_VCPU_TYPES ? vcpu_types[i].name : NULL;
}

/* ---- the images: parsed from their tail, then streamed ---- */

#define CHUNK ((size_t)256 << 10) /* a multiple of the page size */

struct image {
    const char *what;
    const uint8_t *mem; /* the whole image in memory (caller's bytes, or a non-regular file) */
    uint8_t *owned;     /* to free: the tail read from a file, or a file read whole */
    int fd;             /* a regular file, streamed from; -1 if mem */
    uint64_t len;
    struct tc_sev_fw fw;
};

/* Read exactly n bytes at off (a short read means the file shrank: an I/O error). */
static tc_err pread_full(const struct image *im, uint8_t *buf, size_t n, uint64_t off)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = pread(im->fd, buf + got, n - got, (off_t)(off + got));

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            return tc_fail(TC_ERR_IO, "%s: %s", im->what, strerror(errno));
        }
        if (r == 0) {
            return tc_fail(TC_ERR_IO, "%s: file changed while being read", im->what);
        }
        got += (size_t)r;
    }
    return TC_ERR_OK;
}

static tc_err image_open(struct image *im, const char *what, const char *path, const uint8_t *data,
                         size_t len)
{
    struct stat st;
    size_t t;
    tc_err e;

    memset(im, 0, sizeof(*im));
    im->what = what;
    im->fd = -1;
    if (data != NULL) {
        im->mem = data;
        im->len = len;
        return tc_sev_fw_parse(data, len, what, &im->fw);
    }
    if (path == NULL || path[0] == '\0') {
        return tc_fail(TC_ERR_USAGE, "no %s image given", what);
    }
    im->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (im->fd < 0) {
        return tc_fail(TC_ERR_IO, "%s '%s': %s", what, path, strerror(errno));
    }
    if (fstat(im->fd, &st) != 0) {
        return tc_fail(TC_ERR_IO, "%s '%s': %s", what, path, strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        return tc_fail(TC_ERR_IO, "%s '%s': is a directory", what, path);
    }
    if (!S_ISREG(st.st_mode)) {
        /* A pipe cannot be read from its end first: take it whole (capped). */
        size_t n = 0;

        close(im->fd);
        im->fd = -1;
        if ((e = tc_file_read(path, TC_MEASURE_FW_MAX, &im->owned, &n)) != TC_ERR_OK) {
            return tc_fail_ctx(e, "%s", what);
        }
        im->mem = im->owned;
        im->len = n;
        return tc_sev_fw_parse(im->mem, n, what, &im->fw);
    }
    im->len = (uint64_t)st.st_size;
    if (im->len > TC_MEASURE_FW_MAX) {
        return tc_fail(TC_ERR_TOO_LARGE, "%s '%s': %llu bytes (at most %zu)", what, path,
                       (unsigned long long)im->len, TC_MEASURE_FW_MAX);
    }
    t = im->len < TC_SEV_FW_TAIL ? (size_t)im->len : TC_SEV_FW_TAIL;
    im->owned = malloc(t > 0 ? t : 1);
    if (im->owned == NULL) {
        return tc_fail(TC_ERR_NOMEM, "%s: %zu bytes", what, t);
    }
    if ((e = pread_full(im, im->owned, t, im->len - t)) != TC_ERR_OK) {
        return e;
    }
    return tc_sev_fw_parse_tail(im->owned, t, im->len, what, &im->fw);
}

static void image_close(struct image *im)
{
    if (im->fd >= 0) {
        close(im->fd);
    }
    free(im->owned);
    im->fd = -1;
    im->owned = NULL;
}

/* Where the image's bytes go, in one pass. */
struct sink {
    struct tc_gctx *g; /* SNP: NORMAL pages from gpa */
    uint64_t gpa;
    EVP_MD_CTX *sha;      /* SEV / SEV-ES: the launch digest */
    EVP_MD_CTX *file_sha; /* --json: SHA-256 of the file */
};

static tc_err sink_feed(struct sink *s, uint64_t off, const uint8_t *p, size_t n)
{
    tc_err e;

    if (s->g != NULL && (e = tc_gctx_normal(s->g, s->gpa + off, p, n)) != TC_ERR_OK) {
        return e;
    }
    if ((s->sha != NULL && EVP_DigestUpdate(s->sha, p, n) != 1) ||
        (s->file_sha != NULL && EVP_DigestUpdate(s->file_sha, p, n) != 1)) {
        return tc_fail_ssl(TC_ERR_CRYPTO, "SHA-256");
    }
    return TC_ERR_OK;
}

static tc_err image_stream(const struct image *im, uint8_t *buf, struct sink *s)
{
    uint64_t off;
    tc_err e;

    if (im->mem != NULL) {
        return sink_feed(s, 0, im->mem, (size_t)im->len);
    }
    (void)posix_fadvise(im->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    for (off = 0; off < im->len; off += CHUNK) {
        size_t n = im->len - off < CHUNK ? (size_t)(im->len - off) : CHUNK;

        if ((e = pread_full(im, buf, n, off)) != TC_ERR_OK ||
            (e = sink_feed(s, off, buf, n)) != TC_ERR_OK) {
            return e;
        }
    }
    return TC_ERR_OK;
}

/* ---- the measurement ---- */

struct job {
    const struct tc_measure_input *in;
    struct tc_measure_result *out;
    struct image fw, svsm;
    uint8_t *buf; /* CHUNK bytes for streaming */
    EVP_MD *sha256;
    EVP_MD_CTX *file_sha;
    int has_kernel;
    struct tc_sev_hashes hashes;
    /* With threads > 1 the kernel, initrd and command line are hashed on their own thread
     * while the firmware streams; its error (code and message) is carried back at the join. */
    pthread_t hashes_th;
    int hashes_started;
    tc_err hashes_err;
    char hashes_msg[256];
};

static void region(struct tc_measure_result *out, const char *what, uint8_t type, uint64_t gpa,
                   uint64_t len)
{
    struct tc_measure_region *r;

    if (out->n_regions == TC_MEASURE_MAX_REGIONS) {
        return; /* cannot happen: sections are capped (TC_MEASURE_MAX_SECTIONS) */
    }
    r = &out->regions[out->n_regions++];
    memset(r, 0, sizeof(*r));
    r->what = what;
    r->page_type = type;
    r->gpa = gpa;
    r->len = len;
}

static void region_vmsa(struct tc_measure_result *out, unsigned first, unsigned count,
                        const uint8_t *sha384)
{
    struct tc_measure_region *r;

    region(out, "vmsa", out->mode == TC_SEV_MODE_SEV_ES ? TC_SNP_PAGE_NONE : TC_SNP_PAGE_VMSA,
           out->mode == TC_SEV_MODE_SEV_ES ? 0 : TC_GCTX_VMSA_GPA,
           (uint64_t)count * TC_MEASURE_VMSA_SIZE);
    r = &out->regions[out->n_regions - 1];
    r->first = first;
    r->count = count;
    memcpy(r->sha384, sha384, 48);
}

static int present(const char *s)
{
    return s != NULL && s[0] != '\0';
}

static tc_err check_input(const struct tc_measure_input *in)
{
    int kernel = present(in->kernel);

    if (in->mode == TC_SEV_MODE_SNP_OVMF_HASH) {
        return TC_ERR_OK; /* only the firmware counts; other inputs are ignored */
    }
    if (!kernel && (present(in->initrd) || present(in->append))) {
        return tc_fail(TC_ERR_USAGE, "an initrd or a command line needs a kernel (--kernel)");
    }
    if (in->ovmf_hash != NULL && in->mode != TC_SEV_MODE_SNP) {
        return tc_fail(TC_ERR_USAGE, "a precomputed OVMF hash only applies to mode snp");
    }
    if (in->mode != TC_SEV_MODE_SEV && (in->vcpus < 1 || in->vcpus > TC_MEASURE_MAX_VCPUS)) {
        return tc_fail(TC_ERR_USAGE, "%u vCPUs: mode %s needs 1 to %u", in->vcpus,
                       tc_measure_mode_name(in->mode), TC_MEASURE_MAX_VCPUS);
    }
    if (in->vmm != TC_VMM_QEMU && in->vmm != TC_VMM_EC2 && in->vmm != TC_VMM_GCE) {
        return tc_fail(TC_ERR_USAGE, "unknown VMM type %d", (int)in->vmm);
    }
    if (in->mode == TC_SEV_MODE_SNP_SVSM) {
        if (in->vmm != TC_VMM_QEMU) {
            return tc_fail(TC_ERR_USAGE, "snp:svsm mode is only defined for the QEMU VMM");
        }
        if (in->svsm_data == NULL && !present(in->svsm)) {
            return tc_fail(TC_ERR_USAGE, "snp:svsm mode needs an SVSM image (--svsm)");
        }
        /* The reference ignores them; refusing keeps a digest from hiding unmeasured inputs. */
        if (kernel) {
            return tc_fail(TC_ERR_USAGE,
                           "snp:svsm mode does not measure a kernel, initrd or command line");
        }
        if (in->vars_size % TC_MEASURE_PAGE != 0) {
            return tc_fail(TC_ERR_USAGE, "OVMF_VARS size %llu is not a multiple of 4 KiB",
                           (unsigned long long)in->vars_size);
        }
    }
    return TC_ERR_OK;
}

/* --json: the file's SHA-256 comes from the same pass when the image is streamed anyway. */
static tc_err file_sha_start(struct job *j, struct sink *s)
{
    if (!j->in->want_file_hashes) {
        return TC_ERR_OK;
    }
    if (EVP_DigestInit_ex2(j->file_sha, j->sha256, NULL) != 1) {
        return tc_fail_ssl(TC_ERR_CRYPTO, "SHA-256");
    }
    s->file_sha = j->file_sha;
    return TC_ERR_OK;
}

static tc_err file_sha_end(struct job *j, uint8_t *out)
{
    if (j->in->want_file_hashes && EVP_DigestFinal_ex(j->file_sha, out, NULL) != 1) {
        return tc_fail_ssl(TC_ERR_CRYPTO, "SHA-256");
    }
    return TC_ERR_OK;
}

static void *hashes_main(void *arg)
{
    struct job *j = arg;

    j->hashes_err = tc_sev_hashes_compute(j->in->kernel, j->in->initrd, j->in->append, &j->hashes);
    if (j->hashes_err != TC_ERR_OK) {
        snprintf(j->hashes_msg, sizeof(j->hashes_msg), "%s", tc_err_detail());
    }
    return NULL;
}

/* Start hashing the kernel, initrd and command line beside the firmware pass (or do nothing:
 * hashes_end then computes them in place). */
static void hashes_start(struct job *j)
{
    if (j->has_kernel && j->in->threads > 1 &&
        pthread_create(&j->hashes_th, NULL, hashes_main, j) == 0) {
        j->hashes_started = 1;
    }
}

static tc_err hashes_end(struct job *j)
{
    if (!j->hashes_started) {
        return tc_sev_hashes_compute(j->in->kernel, j->in->initrd, j->in->append, &j->hashes);
    }
    pthread_join(j->hashes_th, NULL);
    j->hashes_started = 0;
    if (j->hashes_err != TC_ERR_OK) {
        return tc_fail(j->hashes_err, "%s", j->hashes_msg);
    }
    return TC_ERR_OK;
}

/* SEV and SEV-ES: the kernel-hashes area must exist (QEMU: sev_add_kernel_loader_hashes). */
static tc_err check_sev_hashes_area(const struct tc_sev_fw *fw)
{
    if (!fw->have_hashes_area || fw->hashes_gpa == 0) {
        return tc_fail(TC_ERR_UNSUPPORTED,
                       "a kernel was given but the firmware does not support "
                       "kernel/initrd/cmdline measurement (no kernel-hashes area)");
    }
    if (fw->hashes_size < TC_SEV_HASH_TABLE_PADDED) {
        return tc_fail(TC_ERR_MALFORMED,
                       "firmware kernel-hashes area is %u bytes, the table "
                       "needs %d",
                       fw->hashes_size, TC_SEV_HASH_TABLE_PADDED);
    }
    return TC_ERR_OK;
}

/* SNP: the table goes into the SNP_KERNEL_HASHES page at the area's offset in it. */
static tc_err check_snp_hashes_area(const struct tc_sev_fw *fw, int *section)
{
    const struct tc_measure_section *s;
    int i = tc_sev_fw_find_section(fw, TC_SEV_SECTION_SNP_KERNEL_HASHES);

    if (i < 0) {
        return tc_fail(TC_ERR_UNSUPPORTED, "a kernel was given but the firmware's SEV metadata "
                                           "has no SNP_KERNEL_HASHES section");
    }
    s = &fw->sections[i];
    if (!fw->have_hashes_area) {
        return tc_fail(TC_ERR_MALFORMED, "firmware has an SNP_KERNEL_HASHES section but no "
                                         "kernel-hashes area entry in its GUID table");
    }
    if (s->len != TC_MEASURE_PAGE) {
        return tc_fail(TC_ERR_MALFORMED,
                       "firmware SNP_KERNEL_HASHES section is 0x%x bytes, not "
                       "one page",
                       s->len);
    }
    if (fw->hashes_gpa < s->gpa ||
        (uint64_t)fw->hashes_gpa + TC_SEV_HASH_TABLE_PADDED > (uint64_t)s->gpa + s->len) {
        return tc_fail(TC_ERR_MALFORMED,
                       "firmware kernel-hashes area at 0x%x does not fit in "
                       "its SNP_KERNEL_HASHES page at 0x%x",
                       fw->hashes_gpa, s->gpa);
    }
    *section = i;
    return TC_ERR_OK;
}

static tc_err do_sev(struct job *j)
{
    const struct tc_measure_input *in = j->in;
    struct tc_measure_result *out = j->out;
    uint8_t table[TC_SEV_HASH_TABLE_PADDED];
    uint8_t page[TC_MEASURE_VMSA_SIZE];
    uint8_t sha[2][48];
    struct sink s = {0};
    EVP_MD_CTX *ctx = NULL;
    EVP_MD *md384 = NULL;
    unsigned i;
    tc_err e = TC_ERR_OK;

    if (j->has_kernel && (e = check_sev_hashes_area(&j->fw.fw)) != TC_ERR_OK) {
        return e;
    }
    hashes_start(j);
    md384 = EVP_MD_fetch(NULL, "SHA384", NULL);
    ctx = EVP_MD_CTX_new();
    if (md384 == NULL || ctx == NULL || EVP_DigestInit_ex2(ctx, j->sha256, NULL) != 1) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "SHA-256");
        goto out;
    }
    s.sha = ctx;
    if ((e = file_sha_start(j, &s)) != TC_ERR_OK ||
        (e = image_stream(&j->fw, j->buf, &s)) != TC_ERR_OK ||
        (e = file_sha_end(j, out->fw_sha256)) != TC_ERR_OK) {
        goto out;
    }
    region(out, "firmware", TC_SNP_PAGE_NONE, out->fw_gpa, out->fw_len);
    if (j->has_kernel) {
        if ((e = hashes_end(j)) != TC_ERR_OK) {
            goto out;
        }
        tc_sev_hashes_table(&j->hashes, table);
        if (EVP_DigestUpdate(ctx, table, sizeof(table)) != 1) {
            e = tc_fail_ssl(TC_ERR_CRYPTO, "SHA-256");
            goto out;
        }
        region(out, "kernel-hashes-table", TC_SNP_PAGE_NONE, j->fw.fw.hashes_gpa, sizeof(table));
    }
    if (in->mode == TC_SEV_MODE_SEV_ES) {
        /* SEV-ES VMSAs carry no SEV_FEATURES (the reference measures 0). */
        for (i = 0; i < in->vcpus; i++) {
            if (i <= 1) {
                tc_vmsa_build(page, i == 0 ? TC_VMSA_BSP_EIP : j->fw.fw.reset_eip, 0, in->vcpu_sig,
                              in->vmm);
                if ((e = tc_digest(md384, page, sizeof(page), sha[i])) != TC_ERR_OK) {
                    goto out;
                }
            }
            if (EVP_DigestUpdate(ctx, page, sizeof(page)) != 1) {
                e = tc_fail_ssl(TC_ERR_CRYPTO, "SHA-256");
                goto out;
            }
            if (in->vmsa_cb != NULL &&
                (e = in->vmsa_cb(in->vmsa_ctx, i, page, sizeof(page))) != TC_ERR_OK) {
                goto out;
            }
        }
        region_vmsa(out, 0, 1, sha[0]);
        if (in->vcpus > 1) {
            region_vmsa(out, 1, in->vcpus - 1, sha[1]);
        }
    }
    if (EVP_DigestFinal_ex(ctx, out->digest, NULL) != 1) {
        e = tc_fail_ssl(TC_ERR_CRYPTO, "SHA-256");
        goto out;
    }
    out->digest_len = 32;
out:
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md384);
    return e;
}

/* The metadata sections of fw (the OVMF, or the SVSM) into the chain. */
static tc_err snp_sections(struct job *j, struct tc_gctx *g, const struct tc_sev_fw *fw,
                           enum tc_vmm_type vmm, int kernel_section)
{
    struct tc_measure_result *out = j->out;
    size_t i;
    tc_err e;

    for (i = 0; i < fw->n_sections; i++) {
        const struct tc_measure_section *s = &fw->sections[i];
        uint8_t type = TC_SNP_PAGE_ZERO;

        switch (s->type) {
        case TC_SEV_SECTION_SNP_SEC_MEM:
            /* GCE does not pre-validate the SEC memory: accepted but unmeasured. */
            type = vmm == TC_VMM_GCE ? TC_SNP_PAGE_UNMEASURED : TC_SNP_PAGE_ZERO;
            break;
        case TC_SEV_SECTION_SNP_SECRETS:
            type = TC_SNP_PAGE_SECRETS;
            break;
        case TC_SEV_SECTION_CPUID:
            if (vmm == TC_VMM_EC2) {
                continue; /* EC2 inserts the CPUID page last, below */
            }
            type = TC_SNP_PAGE_CPUID;
            break;
        case TC_SEV_SECTION_SNP_KERNEL_HASHES:
            if ((int)i == kernel_section) {
                /* A NORMAL page: zeros with QEMU's table at the area's offset in the page. */
                uint8_t h[48];

                memset(j->buf, 0, TC_MEASURE_PAGE);
                tc_sev_hashes_table(&j->hashes, j->buf + (fw->hashes_gpa - s->gpa));
                if ((e = tc_gctx_sha384(g, j->buf, TC_MEASURE_PAGE, h)) != TC_ERR_OK ||
                    (e = tc_gctx_page(g, TC_SNP_PAGE_NORMAL, s->gpa, h)) != TC_ERR_OK) {
                    return e;
                }
                region(out, s->type_name, TC_SNP_PAGE_NORMAL, s->gpa, s->len);
                continue;
            }
            type = TC_SNP_PAGE_ZERO;
            break;
        case TC_SEV_SECTION_SVSM_CAA:
            type = TC_SNP_PAGE_ZERO;
            break;
        }
        if ((e = tc_gctx_fill(g, type, s->gpa, s->len)) != TC_ERR_OK) {
            return e;
        }
        region(out, s->type_name, type, s->gpa, s->len);
    }
    if (vmm == TC_VMM_EC2) {
        for (i = 0; i < fw->n_sections; i++) {
            const struct tc_measure_section *s = &fw->sections[i];

            if (s->type == TC_SEV_SECTION_CPUID) {
                if ((e = tc_gctx_fill(g, TC_SNP_PAGE_CPUID, s->gpa, s->len)) != TC_ERR_OK) {
                    return e;
                }
                region(out, s->type_name, TC_SNP_PAGE_CPUID, s->gpa, s->len);
            }
        }
    }
    return TC_ERR_OK;
}

/* One VMSA per vCPU: the BSP's (pages[0]) then the APs' (pages[1], or pages[0] if n == 1). */
static tc_err snp_vmsas(struct job *j, struct tc_gctx *g, const uint8_t *pages, int n_distinct)
{
    const struct tc_measure_input *in = j->in;
    uint8_t sha[2][48];
    unsigned i;
    int k;
    tc_err e;

    /* All APs share one page: hashed once, whatever the vCPU count. */
    for (k = 0; k < n_distinct; k++) {
        if ((e = tc_gctx_sha384(g, pages + (size_t)k * TC_MEASURE_VMSA_SIZE, TC_MEASURE_VMSA_SIZE,
                                sha[k])) != TC_ERR_OK) {
            return e;
        }
    }
    for (i = 0; i < in->vcpus; i++) {
        k = i == 0 || n_distinct == 1 ? 0 : 1;
        if ((e = tc_gctx_page(g, TC_SNP_PAGE_VMSA, TC_GCTX_VMSA_GPA, sha[k])) != TC_ERR_OK) {
            return e;
        }
        if (in->vmsa_cb != NULL &&
            (e = in->vmsa_cb(in->vmsa_ctx, i, pages + (size_t)k * TC_MEASURE_VMSA_SIZE,
                             TC_MEASURE_VMSA_SIZE)) != TC_ERR_OK) {
            return e;
        }
    }
    if (n_distinct == 1) {
        region_vmsa(j->out, 0, in->vcpus, sha[0]);
    } else {
        region_vmsa(j->out, 0, 1, sha[0]);
        if (in->vcpus > 1) {
            region_vmsa(j->out, 1, in->vcpus - 1, sha[1]);
        }
    }
    return TC_ERR_OK;
}

static tc_err do_snp(struct job *j)
{
    const struct tc_measure_input *in = j->in;
    struct tc_measure_result *out = j->out;
    int kernel_section = -1;
    struct sink s = {0};
    struct tc_gctx g;
    tc_err e;

    if (j->has_kernel && (e = check_snp_hashes_area(&j->fw.fw, &kernel_section)) != TC_ERR_OK) {
        return e;
    }
    hashes_start(j);
    if ((e = tc_gctx_init(&g, in->ovmf_hash)) != TC_ERR_OK) {
        return e;
    }
    if (in->threads > 1 && in->ovmf_hash == NULL) {
        tc_gctx_use_helper(&g);
    }
    if ((e = file_sha_start(j, &s)) != TC_ERR_OK) {
        goto out;
    }
    if (in->ovmf_hash == NULL) {
        s.g = &g;
        s.gpa = out->fw_gpa;
    }
    /* With --snp-ovmf-hash the pages are skipped (read only for --json's file hash). */
    if ((s.g != NULL || s.file_sha != NULL) &&
        ((e = image_stream(&j->fw, j->buf, &s)) != TC_ERR_OK ||
         (e = file_sha_end(j, out->fw_sha256)) != TC_ERR_OK)) {
        goto out;
    }
    if (in->ovmf_hash != NULL) {
        region(out, "firmware (--snp-ovmf-hash)", TC_SNP_PAGE_NORMAL, out->fw_gpa, out->fw_len);
    } else {
        memcpy(out->fw_snp_hash, tc_gctx_ld(&g), 48);
        out->have_fw_snp_hash = 1;
        region(out, "firmware", TC_SNP_PAGE_NORMAL, out->fw_gpa, out->fw_len);
    }
    if (in->mode == TC_SEV_MODE_SNP_OVMF_HASH) {
        goto done;
    }
    if (j->has_kernel && (e = hashes_end(j)) != TC_ERR_OK) {
        goto out;
    }
    if ((e = snp_sections(j, &g, &j->fw.fw, in->vmm, kernel_section)) != TC_ERR_OK) {
        goto out;
    }
    tc_vmsa_build(j->buf, TC_VMSA_BSP_EIP, in->guest_features, in->vcpu_sig, in->vmm);
    tc_vmsa_build(j->buf + TC_MEASURE_VMSA_SIZE, j->fw.fw.reset_eip, in->guest_features,
                  in->vcpu_sig, in->vmm);
    if ((e = snp_vmsas(j, &g, j->buf, 2)) != TC_ERR_OK) {
        goto out;
    }
done:
    memcpy(out->digest, tc_gctx_ld(&g), 48);
    out->digest_len = 48;
out:
    tc_gctx_free(&g);
    return e;
}

static tc_err do_svsm(struct job *j)
{
    const struct tc_measure_input *in = j->in;
    struct tc_measure_result *out = j->out;
    struct sink s = {0};
    uint64_t room, sn;
    struct tc_gctx g;
    tc_err e;

    if ((e = image_open(&j->svsm, "SVSM", in->svsm, in->svsm_data, in->svsm_len)) != TC_ERR_OK) {
        return e;
    }
    if (!j->svsm.fw.have_svsm_info) {
        return tc_fail(TC_ERR_UNSUPPORTED, "SVSM image has no SVSM info entry in its GUID table");
    }
    sn = j->svsm.len;
    /* QEMU maps, top down: OVMF below 4 GiB, the OVMF_VARS flash, then the SVSM. */
    room = out->fw_gpa;
    if (in->vars_size > room || sn > room - in->vars_size) {
        return tc_fail(TC_ERR_USAGE,
                       "OVMF (%llu bytes), OVMF_VARS (%llu) and SVSM (%llu) do not "
                       "fit below 4 GiB",
                       (unsigned long long)out->fw_len, (unsigned long long)in->vars_size,
                       (unsigned long long)sn);
    }
    out->svsm_len = sn;
    out->svsm_gpa = out->fw_gpa - in->vars_size - sn;
    out->svsm_eip = out->svsm_gpa + j->svsm.fw.svsm_entry;
    if ((e = tc_sev_fw_check_placement(&j->svsm.fw, "SVSM", out->svsm_gpa, sn, "SVSM")) !=
            TC_ERR_OK ||
        (e = tc_sev_fw_check_placement(&j->svsm.fw, "SVSM", out->fw_gpa - in->vars_size,
                                       FOUR_GIB - (out->fw_gpa - in->vars_size),
                                       "OVMF + OVMF_VARS")) != TC_ERR_OK) {
        return e;
    }
    if ((e = tc_gctx_init(&g, NULL)) != TC_ERR_OK) {
        return e;
    }
    if (in->threads > 1) {
        tc_gctx_use_helper(&g);
    }
    s.g = &g;
    s.gpa = out->fw_gpa;
    if ((e = file_sha_start(j, &s)) != TC_ERR_OK ||
        (e = image_stream(&j->fw, j->buf, &s)) != TC_ERR_OK ||
        (e = file_sha_end(j, out->fw_sha256)) != TC_ERR_OK) {
        goto out;
    }
    memcpy(out->fw_snp_hash, tc_gctx_ld(&g), 48);
    out->have_fw_snp_hash = 1;
    region(out, "firmware", TC_SNP_PAGE_NORMAL, out->fw_gpa, out->fw_len);
    s.gpa = out->svsm_gpa;
    if ((e = file_sha_start(j, &s)) != TC_ERR_OK ||
        (e = image_stream(&j->svsm, j->buf, &s)) != TC_ERR_OK ||
        (e = file_sha_end(j, out->svsm_sha256)) != TC_ERR_OK) {
        goto out;
    }
    region(out, "svsm", TC_SNP_PAGE_NORMAL, out->svsm_gpa, sn);
    if ((e = snp_sections(j, &g, &j->svsm.fw, TC_VMM_QEMU, -1)) != TC_ERR_OK) {
        goto out;
    }
    tc_vmsa_build_svsm(j->buf, out->svsm_eip, in->vcpu_sig);
    if ((e = snp_vmsas(j, &g, j->buf, 1)) != TC_ERR_OK) {
        goto out;
    }
    memcpy(out->digest, tc_gctx_ld(&g), 48);
    out->digest_len = 48;
out:
    tc_gctx_free(&g);
    return e;
}

static tc_err measure(struct job *j)
{
    const struct tc_measure_input *in = j->in;
    struct tc_measure_result *out = j->out;
    const struct tc_sev_fw *fw = &j->fw.fw;
    tc_err e;

    j->fw.fd = j->svsm.fd = -1;
    if ((e = image_open(&j->fw, "firmware", in->ovmf, in->ovmf_data, in->ovmf_len)) != TC_ERR_OK) {
        return e;
    }
    /* The firmware flash ends at 4 GiB (QEMU's pc.bios / pflash mapping). */
    out->fw_len = j->fw.len;
    out->fw_gpa = FOUR_GIB - j->fw.len;
    out->reset_eip = fw->reset_eip;
    out->have_hashes_table = fw->have_hashes_area && fw->hashes_gpa != 0;
    out->hashes_table_gpa = fw->hashes_gpa;
    out->n_sections = fw->n_sections;
    memcpy(out->sections, fw->sections, sizeof(out->sections));
    if ((e = tc_sev_fw_check_placement(fw, "firmware", out->fw_gpa, out->fw_len, "firmware")) !=
        TC_ERR_OK) {
        return e;
    }
    if (in->mode == TC_SEV_MODE_SEV_ES || in->mode == TC_SEV_MODE_SNP) {
        /* APs start at the reset block's EIP; without it only a single vCPU could run. */
        if (!fw->have_reset) {
            return tc_fail(TC_ERR_UNSUPPORTED,
                           "firmware has no SEV-ES reset block in its GUID table");
        }
        if (in->vcpus > 1 && fw->reset_eip == 0) {
            return tc_fail(TC_ERR_MALFORMED,
                           "firmware SEV-ES reset block gives AP reset address 0: %u vCPUs "
                           "cannot start",
                           in->vcpus);
        }
    }
    j->buf = malloc(CHUNK);
    j->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    j->file_sha = EVP_MD_CTX_new();
    if (j->buf == NULL) {
        return tc_fail(TC_ERR_NOMEM, "read buffer");
    }
    if (j->sha256 == NULL || j->file_sha == NULL) {
        return tc_fail_ssl(TC_ERR_CRYPTO, "SHA-256 unavailable");
    }
    switch (in->mode) {
    case TC_SEV_MODE_SEV:
    case TC_SEV_MODE_SEV_ES:
        e = do_sev(j);
        break;
    case TC_SEV_MODE_SNP:
    case TC_SEV_MODE_SNP_OVMF_HASH:
        e = do_snp(j);
        break;
    case TC_SEV_MODE_SNP_SVSM:
        e = do_svsm(j);
        break;
    default:
        e = tc_fail(TC_ERR_USAGE, "unknown mode %d", (int)in->mode);
        break;
    }
    if (e == TC_ERR_OK && j->has_kernel) {
        out->have_kernel = 1;
        out->kernel_len = j->hashes.kernel_len;
        out->initrd_len = j->hashes.initrd_len;
        memcpy(out->kernel_sha256, j->hashes.kernel, 32);
        memcpy(out->initrd_sha256, j->hashes.initrd, 32);
        memcpy(out->cmdline_sha256, j->hashes.cmdline, 32);
    }
    return e;
}

tc_err tc_measure_sev(const struct tc_measure_input *in, struct tc_measure_result *out)
{
    struct job *j;
    tc_err e;

    memset(out, 0, sizeof(*out));
    out->mode = in->mode;
    if ((e = check_input(in)) != TC_ERR_OK) {
        return e;
    }
    /* The job holds two parsed images (a few KiB): on the heap, not the stack. */
    j = calloc(1, sizeof(*j));
    if (j == NULL) {
        return tc_fail(TC_ERR_NOMEM, "measurement state");
    }
    j->in = in;
    j->out = out;
    j->has_kernel = in->mode != TC_SEV_MODE_SNP_OVMF_HASH && in->mode != TC_SEV_MODE_SNP_SVSM &&
                    present(in->kernel);
    e = measure(j);
    if (j->hashes_started) {
        /* An error came first: wait for the hashing thread before its state goes. */
        pthread_join(j->hashes_th, NULL);
    }
    if (e != TC_ERR_OK) {
        memset(out->digest, 0, sizeof(out->digest));
        out->digest_len = 0;
    }
    image_close(&j->fw);
    image_close(&j->svsm);
    free(j->buf);
    EVP_MD_CTX_free(j->file_sha);
    EVP_MD_free(j->sha256);
    free(j);
    return e;
}
