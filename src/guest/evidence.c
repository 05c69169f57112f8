/* SPDX-License-Identifier: Apache-2.0 */
/* Evidence collection inside the guest (sources in include/trustchain/guest.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/sev-guest.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ec.h>

#include "core/reader.h"
#include "trustchain/guest.h"
#include "trustchain/util.h"

tc_err tc_tee_kind_parse(const char *s, enum tc_tee_kind *k)
{
    if (s != NULL && strcmp(s, "sim") == 0) {
        *k = TC_TEE_SIM;
    } else if (s != NULL && strcmp(s, "snp") == 0) {
        *k = TC_TEE_SNP;
    } else if (s != NULL && strcmp(s, "tdx") == 0) {
        *k = TC_TEE_TDX;
    } else {
        return tc_fail(TC_ERR_USAGE, "unknown TEE \"%s\" (snp, tdx or sim)", s ? s : "");
    }
    return TC_ERR_OK;
}

const char *tc_tee_kind_name(enum tc_tee_kind k)
{
    switch (k) {
    case TC_TEE_SIM:
        return "sim";
    case TC_TEE_SNP:
        return "snp";
    case TC_TEE_TDX:
        return "tdx";
    }
    return "?";
}

/* ---- configfs-tsm ---- */

static tc_err write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ssize_t w;

    if (fd < 0) {
        return tc_fail(TC_ERR_IO, "%s: %s", path, strerror(errno));
    }
    w = write(fd, data, len);
    if (w < 0 || (size_t)w != len) {
        int err = errno;

        close(fd);
        return tc_fail(TC_ERR_IO, "%s: write: %s", path, w < 0 ? strerror(err) : "short");
    }
    if (close(fd) != 0) {
        return tc_fail(TC_ERR_IO, "%s: %s", path, strerror(errno));
    }
    return TC_ERR_OK;
}

static long read_generation(const char *dir)
{
    char path[4200];
    uint8_t *d = NULL;
    size_t n = 0;
    long g = -1;

    snprintf(path, sizeof(path), "%s/generation", dir);
    if (tc_file_read(path, 64, &d, &n) == TC_ERR_OK) {
        char buf[65];

        memcpy(buf, d, n);
        buf[n] = '\0';
        g = strtol(buf, NULL, 10);
    }
    free(d);
    return g;
}

void tc_tsm_report_free(struct tc_tsm_report *r)
{
    free(r->out);
    free(r->aux);
    memset(r, 0, sizeof(*r));
}

tc_err tc_tsm_report_get(const char *root, const uint8_t inblob[64], unsigned privlevel,
                         struct tc_tsm_report *r)
{
    static unsigned counter;
    char dir[4096], path[4200];
    long gen_before, gen_after;
    uint8_t *d = NULL;
    size_t n = 0;
    int tries;
    tc_err e;
    struct stat st;

    memset(r, 0, sizeof(*r));
    if (root == NULL) {
        root = TC_TSM_ROOT_DEFAULT;
    }
    if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
        return tc_fail(TC_ERR_NOT_FOUND, "configfs-tsm: %s not present", root);
    }
    snprintf(dir, sizeof(dir), "%s/trustchain-%ld-%u", root, (long)getpid(),
             __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
    if (mkdir(dir, 0700) != 0) {
        return tc_fail(TC_ERR_IO, "configfs-tsm: mkdir %s: %s", dir, strerror(errno));
    }
    if (privlevel > 0) {
        char lvl[16];

        snprintf(path, sizeof(path), "%s/privlevel", dir);
        snprintf(lvl, sizeof(lvl), "%u\n", privlevel);
        if ((e = write_file(path, lvl, strlen(lvl))) != TC_ERR_OK) {
            goto out;
        }
    }
    snprintf(path, sizeof(path), "%s/inblob", dir);
    if ((e = write_file(path, inblob, 64)) != TC_ERR_OK) {
        goto out;
    }
    gen_before = read_generation(dir);
    /* The kernel produces outblob on read; a test double may take a moment to appear (up to
     * 10 s; 3 s is the suspected cause of one failure seen on a heavily loaded machine). */
    snprintf(path, sizeof(path), "%s/outblob", dir);
    for (tries = 0;; tries++) {
        e = tc_file_read(path, 1 << 20, &d, &n);
        if (e == TC_ERR_OK || tries >= 1000 || access(path, F_OK) == 0) {
            break;
        }
        {
            struct timespec ts = {0, 10 * 1000 * 1000};

            nanosleep(&ts, NULL);
        }
    }
    if (e == TC_ERR_OK && n == 0) {
        e = tc_fail(TC_ERR_IO, "configfs-tsm: empty outblob");
    }
    if (e != TC_ERR_OK) {
        tc_fail_ctx(e, "configfs-tsm");
        goto out;
    }
    r->out = d;
    r->out_len = n;
    d = NULL;
    gen_after = read_generation(dir);
    /* configfs-tsm ABI: generation changes when another writer raced us; retry then. */
    if (gen_before != gen_after) {
        e = tc_fail(TC_ERR_IO,
                    "configfs-tsm: report generation changed (%ld -> %ld): "
                    "a concurrent writer; retry",
                    gen_before, gen_after);
        tc_tsm_report_free(r);
        goto out;
    }
    snprintf(path, sizeof(path), "%s/auxblob", dir);
    if (tc_file_read(path, 1 << 20, &d, &n) == TC_ERR_OK && n > 0) {
        r->aux = d;
        r->aux_len = n;
        d = NULL;
    }
    free(d);
    d = NULL;
    snprintf(path, sizeof(path), "%s/provider", dir);
    if (tc_file_read(path, 31, &d, &n) == TC_ERR_OK) {
        memcpy(r->provider, d, n);
        r->provider[n] = '\0';
        r->provider[strcspn(r->provider, "\n")] = '\0';
    }
    e = TC_ERR_OK;
out:
    free(d);
    /* configfs removes the attribute files with the directory; a plain test directory needs
     * them gone first. */
    {
        static const char *const files[] = {"inblob",   "outblob",    "auxblob",
                                            "provider", "generation", "privlevel"};
        size_t i;

        if (rmdir(dir) != 0) {
            for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
                snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
                unlink(path);
            }
            rmdir(dir);
        }
    }
    return e;
}

/* ---- /dev/sev-guest ---- */

tc_err tc_sev_guest_report(const char *dev, const uint8_t report_data[64], unsigned vmpl,
                           uint8_t **report, size_t *len)
{
    struct snp_report_req req;
    struct snp_report_resp resp;
    struct snp_guest_request_ioctl g;
    struct tc_reader rd;
    uint32_t status = 0, size = 0;
    const uint8_t *p;
    int fd;
    tc_err e;

    if (dev == NULL) {
        dev = "/dev/sev-guest";
    }
    fd = open(dev, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return tc_fail(errno == ENOENT ? TC_ERR_NOT_FOUND : TC_ERR_IO, "%s: %s", dev,
                       strerror(errno));
    }
    memset(&req, 0, sizeof(req));
    memset(&resp, 0, sizeof(resp));
    memset(&g, 0, sizeof(g));
    memcpy(req.user_data, report_data, 64);
    req.vmpl = vmpl;
    g.msg_version = 1;
    g.req_data = (uint64_t)(uintptr_t)&req;
    g.resp_data = (uint64_t)(uintptr_t)&resp;
    if (ioctl(fd, SNP_GET_REPORT, &g) != 0) {
        e = tc_fail(TC_ERR_IO, "%s: SNP_GET_REPORT: %s (fw_error 0x%llx)", dev, strerror(errno),
                    (unsigned long long)g.exitinfo2);
        close(fd);
        return e;
    }
    close(fd);
    /* SEV-SNP ABI (AMD 56860) Table 25 MSG_REPORT_RSP: status, report_size, reserved, report. */
    tc_reader_init(&rd, resp.data, sizeof(resp.data), "MSG_REPORT_RSP");
    if ((e = tc_read_u32le(&rd, &status)) != TC_ERR_OK ||
        (e = tc_read_u32le(&rd, &size)) != TC_ERR_OK || (e = tc_read_skip(&rd, 24)) != TC_ERR_OK) {
        return e;
    }
    if (status != 0) {
        return tc_fail(TC_ERR_IO, "%s: firmware status 0x%x", dev, status);
    }
    if ((e = tc_read_ptr(&rd, &p, size)) != TC_ERR_OK) {
        return e;
    }
    *report = malloc(size);
    if (*report == NULL) {
        return tc_fail(TC_ERR_NOMEM, "report");
    }
    memcpy(*report, p, size);
    *len = size;
    return TC_ERR_OK;
}

/* ---- /dev/tdx_guest (linux/tdx-guest.h is not in Debian 12's headers) ---- */

struct tdx_report_req {
    uint8_t reportdata[64];
    uint8_t tdreport[1024];
};
#define TDX_CMD_GET_REPORT0 _IOWR('T', 1, struct tdx_report_req)

tc_err tc_tdx_guest_tdreport(const char *dev, const uint8_t report_data[64], uint8_t tdreport[1024])
{
    struct tdx_report_req req;
    int fd;

    if (dev == NULL) {
        dev = "/dev/tdx_guest";
    }
    fd = open(dev, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return tc_fail(errno == ENOENT ? TC_ERR_NOT_FOUND : TC_ERR_IO, "%s: %s", dev,
                       strerror(errno));
    }
    memset(&req, 0, sizeof(req));
    memcpy(req.reportdata, report_data, 64);
    if (ioctl(fd, TDX_CMD_GET_REPORT0, &req) != 0) {
        tc_err e = tc_fail(TC_ERR_IO, "%s: TDX_CMD_GET_REPORT0: %s", dev, strerror(errno));

        close(fd);
        return e;
    }
    close(fd);
    memcpy(tdreport, req.tdreport, 1024);
    return TC_ERR_OK;
}

/* ---- dispatch ---- */

static tc_err b64_member(json_t *o, const char *k, const uint8_t *p, size_t n)
{
    char *s = NULL;
    tc_err e = tc_b64_encode(p, n, 0, &s);

    if (e != TC_ERR_OK) {
        return e;
    }
    if (json_object_set_new(o, k, json_string(s)) != 0) {
        e = tc_fail(TC_ERR_NOMEM, "evidence");
    }
    free(s);
    return e;
}

tc_err tc_guest_evidence(const struct tc_guest_opts *o, const uint8_t report_data[64],
                         json_t **evidence)
{
    struct tc_tsm_report r;
    json_t *ev = NULL;
    tc_err e;

    if (o->tee == TC_TEE_SIM) {
        EVP_PKEY *k = o->sim_key;

        if (k == NULL && (k = EVP_EC_gen("P-256")) == NULL) {
            return tc_fail(TC_ERR_CRYPTO, "sim: key generation");
        }
        e = tc_sim_evidence(k, &o->sim, report_data, evidence);
        if (k != o->sim_key) {
            EVP_PKEY_free(k);
        }
        return e;
    }
    ev = json_object();
    if (ev == NULL) {
        return tc_fail(TC_ERR_NOMEM, "evidence");
    }
    memset(&r, 0, sizeof(r));
    e = o->no_tsm ? TC_ERR_NOT_FOUND : tc_tsm_report_get(o->tsm_root, report_data, o->vmpl, &r);
    if (e == TC_ERR_OK) {
        const char *want = o->tee == TC_TEE_SNP ? "sev_guest" : "tdx_guest";

        if (r.provider[0] != '\0' && strcmp(r.provider, want) != 0) {
            e = tc_fail(TC_ERR_MISMATCH, "configfs-tsm provider is %s, not %s (wrong --tee?)",
                        r.provider, want);
        } else if (o->tee == TC_TEE_SNP) {
            e = b64_member(ev, "report", r.out, r.out_len);
            if (e == TC_ERR_OK && r.aux != NULL) {
                e = b64_member(ev, "cert_table", r.aux, r.aux_len);
            }
        } else {
            e = b64_member(ev, "quote", r.out, r.out_len);
        }
        tc_tsm_report_free(&r);
    } else if (e == TC_ERR_NOT_FOUND) {
        /* No configfs-tsm: the device ioctls. */
        if (o->tee == TC_TEE_SNP) {
            uint8_t *rep = NULL;
            size_t len = 0;

            e = tc_sev_guest_report(o->sev_device, report_data, o->vmpl, &rep, &len);
            if (e == TC_ERR_OK) {
                e = b64_member(ev, "report", rep, len);
            }
            free(rep);
        } else {
            uint8_t td[1024];

            e = tc_tdx_guest_tdreport(o->tdx_device, report_data, td);
            if (e == TC_ERR_OK) {
                e = tc_fail(TC_ERR_UNSUPPORTED,
                            "TDX: /dev/tdx_guest gives a TDREPORT, which is not remotely "
                            "verifiable; a quote needs configfs-tsm with a quoting service");
            }
        }
    }
    if (e != TC_ERR_OK) {
        json_decref(ev);
        return e;
    }
    *evidence = ev;
    return TC_ERR_OK;
}
