/* SPDX-License-Identifier: Apache-2.0 */
/*
 * trustchain measure: expected launch digests of AMD SEV / SEV-ES / SEV-SNP
 * guests, a drop-in for sev-snp-measure (virtee, v0.0.13): same flags, same
 * digest on stdout and nothing else.  `measure tdx` is the Intel TDX MRTD.
 *
 * Flags are parsed like the reference's argparse: --flag VALUE or
 * --flag=VALUE, unique abbreviations, the last occurrence wins, integers as
 * Python's int() reads them (base 10, or with 0x/0o/0b where the reference
 * auto-detects the base).
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "trustchain/measure.h"

enum opt_id {
    O_HELP,
    O_VERSION,
    O_VERBOSE,
    O_MODE,
    O_VCPUS,
    O_VCPU_TYPE,
    O_VCPU_SIG,
    O_VCPU_FAMILY,
    O_VCPU_MODEL,
    O_VCPU_STEPPING,
    O_VMM_TYPE,
    O_OVMF,
    O_KERNEL,
    O_INITRD,
    O_APPEND,
    O_GUEST_FEATURES,
    O_OUTPUT_FORMAT,
    O_SNP_OVMF_HASH,
    O_DUMP_VMSA,
    O_SVSM,
    O_VARS_SIZE,
    O_VARS_FILE,
    O_JSON,
    O_COUNT_
};

static const struct {
    const char *name;
    int has_arg;
} opts[O_COUNT_] = {
    [O_HELP] = {"help", 0},
    [O_VERSION] = {"version", 0},
    [O_VERBOSE] = {"verbose", 0},
    [O_MODE] = {"mode", 1},
    [O_VCPUS] = {"vcpus", 1},
    [O_VCPU_TYPE] = {"vcpu-type", 1},
    [O_VCPU_SIG] = {"vcpu-sig", 1},
    [O_VCPU_FAMILY] = {"vcpu-family", 1},
    [O_VCPU_MODEL] = {"vcpu-model", 1},
    [O_VCPU_STEPPING] = {"vcpu-stepping", 1},
    [O_VMM_TYPE] = {"vmm-type", 1},
    [O_OVMF] = {"ovmf", 1},
    [O_KERNEL] = {"kernel", 1},
    [O_INITRD] = {"initrd", 1},
    [O_APPEND] = {"append", 1},
    [O_GUEST_FEATURES] = {"guest-features", 1},
    [O_OUTPUT_FORMAT] = {"output-format", 1},
    [O_SNP_OVMF_HASH] = {"snp-ovmf-hash", 1},
    [O_DUMP_VMSA] = {"dump-vmsa", 0},
    [O_SVSM] = {"svsm", 1},
    [O_VARS_SIZE] = {"vars-size", 1},
    [O_VARS_FILE] = {"vars-file", 1},
    [O_JSON] = {"json", 0},
};

static void help(void)
{
    size_t i;

    printf("Usage: %s measure --mode MODE --ovmf PATH [options]\n"
           "       %s measure tdx --help\n\n"
           "Compute the expected launch measurement of an AMD SEV, SEV-ES or SEV-SNP guest,\n"
           "as the MEASUREMENT field of its attestation report will carry it. A drop-in for\n"
           "sev-snp-measure (virtee, v0.0.13): same flags, same digest on stdout, nothing else.\n"
           "`measure tdx` computes an Intel TDX MRTD instead.\n\n",
           PROG, PROG);
    printf("  --mode MODE            sev | seves | snp | snp:ovmf-hash | snp:svsm (required)\n"
           "                         snp:ovmf-hash prints the hash of the firmware pages, for\n"
           "                         --snp-ovmf-hash\n"
           "  --ovmf PATH            OVMF firmware image (required); must carry SEV metadata\n"
           "  --vcpus N              number of vCPUs (required except in sev mode), 1..%u\n"
           "  --vcpu-type CPUTYPE    QEMU vCPU model:",
           TC_MEASURE_MAX_VCPUS);
    for (i = 0; tc_measure_vcpu_type_name(i) != NULL; i++) {
        printf("%s%s", i % 6 == 0 ? "\n                           " : " ",
               tc_measure_vcpu_type_name(i));
    }
    printf(
        "\n"
        "  --vcpu-sig VALUE       CPUID signature (0x... accepted); overrides --vcpu-type\n"
        "  --vcpu-family N --vcpu-model N --vcpu-stepping N\n"
        "                         signature from its parts (all three); overrides the two above\n"
        "                         (one of these is needed with the QEMU VMM in seves/snp modes)\n"
        "  --vmm-type TYPE        QEMU (default) | ec2 | gce, any case\n"
        "  --kernel PATH          kernel booted by the VMM (its hash goes into the firmware's\n"
        "                         kernel-hashes table; streamed, any size)\n"
        "  --initrd PATH          initrd (needs --kernel)\n"
        "  --append CMDLINE       kernel command line (needs --kernel)\n"
        "  --guest-features VALUE SEV_FEATURES of SNP vCPUs (default 0x1; Linux >= 6.6: 0x21);\n"
        "                         not used by seves (0) and snp:svsm (0x1), as in the reference\n"
        "  --snp-ovmf-hash HASH   precomputed snp:ovmf-hash (96 hex digits) instead of hashing\n"
        "                         the firmware pages (snp mode)\n"
        "  --svsm PATH            Coconut-SVSM image (snp:svsm mode, QEMU only)\n"
        "  --vars-size SIZE       size of the OVMF_VARS flash in bytes (snp:svsm mode)\n"
        "  --vars-file PATH       OVMF_VARS file, for its size (snp:svsm mode)\n"
        "  --dump-vmsa            also write each measured VMSA to vmsa<N>.bin (not in sev mode)\n"
        "  --output-format FMT    hex (default) | base64 | json\n"
        "  --json                 JSON: digest, input hashes, SEV metadata, every measured step\n"
        "  -v, --verbose          print \"Calculated <MODE> guest measurement: <digest>\"\n"
        "  -h, --help             this help\n\n"
        "Flags take VALUE as the next argument or after '='; unique abbreviations work.\n"
        "Deliberate differences from the reference (never a digest for a guest that cannot\n"
        "boot as described): firmware without SEV metadata (e.g. Debian's OVMF_CODE_4M.fd),\n"
        "broken tables, overlapping or misplaced sections, --kernel in snp:svsm mode,\n"
        "--vcpus < 1, out-of-range vCPU fields and a --vcpu-model/--vcpu-stepping without\n"
        "--vcpu-family are refused; --vmm-type is case-insensitive.\n\n"
        "Exit codes: 0 ok, 2 usage, 3 firmware malformed or unsupported, 4 I/O, 70 internal.\n");
}

/* Python's int(s, base) for base 10 or 0 (prefix decides); *neg for a '-' sign. */
static int py_int(const char *s, int base, int *neg, uint64_t *v)
{
    uint64_t acc = 0;
    int digits = 0, last_us = 0, leading_zero = 0, b = base == 0 ? 10 : base;

    *neg = 0;
    while (*s == ' ' || (*s >= '\t' && *s <= '\r')) {
        s++;
    }
    if (*s == '+' || *s == '-') {
        *neg = *s == '-';
        s++;
    }
    if (base == 0 && s[0] == '0' && s[1] != '\0' && strchr("xXoObB", s[1]) != NULL) {
        b = (s[1] == 'x' || s[1] == 'X') ? 16 : (s[1] == 'o' || s[1] == 'O') ? 8 : 2;
        s += 2;
        if (*s == '_') {
            s++; /* one underscore may follow the prefix */
        }
    } else if (base == 0 && s[0] == '0') {
        leading_zero = 1; /* base 0: "0", "00", "0_0" only */
    }
    for (; *s != '\0'; s++) {
        int d;

        if (*s == '_') {
            if (digits == 0 || last_us) {
                return -1;
            }
            last_us = 1;
            continue;
        }
        if (*s >= '0' && *s <= '9') {
            d = *s - '0';
        } else if (*s >= 'a' && *s <= 'z') {
            d = *s - 'a' + 10;
        } else if (*s >= 'A' && *s <= 'Z') {
            d = *s - 'A' + 10;
        } else {
            break;
        }
        if (d >= b || (leading_zero && d != 0)) {
            return -1;
        }
        if (acc > (UINT64_MAX - (uint64_t)d) / (uint64_t)b) {
            return -1; /* beyond 64 bits: out of range for every field here */
        }
        acc = acc * (uint64_t)b + (uint64_t)d;
        digits++;
        last_us = 0;
    }
    while (*s == ' ' || (*s >= '\t' && *s <= '\r')) {
        s++;
    }
    if (*s != '\0' || digits == 0 || last_us) {
        return -1;
    }
    *v = acc;
    return 0;
}

/* --json (or --output-format json): refusals also go to stdout as one JSON object. */
static int json_out;

#define usage(...) cli_json_usage(json_out, 0, "measure", __VA_ARGS__)

static int fail(tc_err e)
{
    return cli_json_fail(json_out, 0, e, "%s", "");
}

/* An integer flag in [min, max]. */
static int int_arg(const char *flag, const char *s, int base, uint64_t min, uint64_t max,
                   uint64_t *v)
{
    int neg;

    if (py_int(s, base, &neg, v) != 0) {
        usage("--%s: invalid %s value '%s'", flag, base == 0 ? "integer" : "decimal integer", s);
        return -1;
    }
    if ((neg && *v != 0) || *v < min || *v > max) {
        usage("--%s: %s%llu is out of range (%llu..%llu)", flag, neg ? "-" : "",
              (unsigned long long)*v, (unsigned long long)min, (unsigned long long)max);
        return -1;
    }
    return 0;
}

/* Match a long option: exact name, else a unique prefix (argparse's abbreviations). */
static int find_opt(const char *name, size_t len)
{
    int i, found = -1, n = 0;

    for (i = 0; i < O_COUNT_; i++) {
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0) {
            return i;
        }
    }
    for (i = 0; i < O_COUNT_; i++) {
        if (strncmp(opts[i].name, name, len) == 0) {
            found = i;
            n++;
        }
    }
    return n == 1 ? found : n > 1 ? -2 : -1;
}

static tc_err dump_vmsa(void *ctx, unsigned vcpu, const uint8_t *page, size_t len)
{
    char path[32];
    tc_err e;

    (void)ctx;
    snprintf(path, sizeof(path), "vmsa%u.bin", vcpu);
    if ((e = tc_file_write(path, page, len, 0644)) != TC_ERR_OK) {
        return tc_fail_ctx(e, "--dump-vmsa");
    }
    return TC_ERR_OK;
}

static const char *verbose_name(enum tc_sev_mode m)
{
    switch (m) {
    case TC_SEV_MODE_SEV:
        return "SEV";
    case TC_SEV_MODE_SEV_ES:
        return "SEV_ES";
    case TC_SEV_MODE_SNP_SVSM:
        return "SEV_SNP_SVSM";
    default:
        return "SEV_SNP";
    }
}

int cmd_measure(int argc, char **argv)
{
    const char *val[O_COUNT_] = {0};
    int seen[O_COUNT_] = {0};
    struct tc_measure_input in;
    struct tc_measure_result *res = NULL;
    uint8_t ovmf_hash[48];
    uint64_t v;
    char *out = NULL;
    const char *fmt = "hex";
    int i, rc = EXIT_USAGE;
    tc_err e;

    /* Measuring uses only SHA-256 and SHA-384 of the default provider: reading and parsing
     * openssl.cnf (a millisecond of a run of a few) buys nothing here. */
    (void)OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    if (argc >= 2 && strcmp(argv[1], "tdx") == 0) {
        return cmd_measure_tdx(argc - 1, argv + 1);
    }
    json_out = cli_has_json(argc, argv);
    for (i = 1; i + 1 < argc && strcmp(argv[i], "--") != 0; i++) {
        if ((strcmp(argv[i], "--output-format") == 0 && strcmp(argv[i + 1], "json") == 0) ||
            strcmp(argv[i], "--output-format=json") == 0) {
            json_out = 1;
        }
    }
    memset(&in, 0, sizeof(in));
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *eq;
        int id;

        if (strcmp(a, "-h") == 0) {
            id = O_HELP;
        } else if (strcmp(a, "-v") == 0) {
            id = O_VERBOSE;
        } else if (strncmp(a, "--", 2) == 0 && a[2] != '\0') {
            size_t len;

            eq = strchr(a + 2, '=');
            len = eq != NULL ? (size_t)(eq - (a + 2)) : strlen(a + 2);
            id = find_opt(a + 2, len);
            if (id == -2) {
                return usage("ambiguous option '%.*s'", (int)len + 2, a);
            }
            if (id < 0) {
                return usage("unknown option '%.*s'", (int)len + 2, a);
            }
            if (opts[id].has_arg) {
                if (eq != NULL) {
                    val[id] = eq + 1;
                } else if (i + 1 < argc) {
                    val[id] = argv[++i];
                } else {
                    return usage("--%s needs a value", opts[id].name);
                }
            } else if (eq != NULL) {
                return usage("--%s takes no value", opts[id].name);
            }
        } else {
            return usage("unexpected argument '%s'", a);
        }
        seen[id] = 1;
        if (id == O_HELP) {
            help();
            return EXIT_OK;
        }
        if (id == O_VERSION) {
            printf("%s measure %s (sev-snp-measure 0.0.13 compatible)\n", PROG, TC_VERSION);
            return EXIT_OK;
        }
    }

    /* --- what the reference checks before measuring --- */
    if (!seen[O_MODE] || !seen[O_OVMF]) {
        return usage("--mode and --ovmf are required");
    }
    if ((e = tc_measure_mode_parse(val[O_MODE], &in.mode)) != TC_ERR_OK) {
        return usage("--mode: %s", tc_err_detail());
    }
    if (seen[O_OUTPUT_FORMAT]) {
        fmt = val[O_OUTPUT_FORMAT];
        if (strcmp(fmt, "hex") != 0 && strcmp(fmt, "base64") != 0 && strcmp(fmt, "json") != 0) {
            return usage("--output-format: '%s' is not hex, base64 or json", fmt);
        }
    }
    if (seen[O_JSON]) {
        fmt = "json";
    }
    json_out = strcmp(fmt, "json") == 0;
    in.ovmf = val[O_OVMF];
    in.kernel = val[O_KERNEL];
    in.initrd = val[O_INITRD];
    in.append = val[O_APPEND];
    in.svsm = val[O_SVSM];
    in.want_file_hashes = strcmp(fmt, "json") == 0;
    /* SNP page hashes are independent: a second core takes half of them. */
    in.threads = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
    in.guest_features = 0x1; /* the reference's default */
    if (seen[O_GUEST_FEATURES] &&
        int_arg("guest-features", val[O_GUEST_FEATURES], 0, 0, UINT64_MAX, &in.guest_features)) {
        return EXIT_USAGE;
    }
    if (seen[O_VCPUS]) {
        int neg;

        /* sev and snp:ovmf-hash ignore the count: like the reference, only its syntax matters. */
        if (in.mode == TC_SEV_MODE_SEV || in.mode == TC_SEV_MODE_SNP_OVMF_HASH) {
            if (py_int(val[O_VCPUS], 10, &neg, &v) != 0) {
                return usage("--vcpus: invalid decimal integer value '%s'", val[O_VCPUS]);
            }
        } else if (int_arg("vcpus", val[O_VCPUS], 10, 1, TC_MEASURE_MAX_VCPUS, &v)) {
            return EXIT_USAGE;
        } else {
            in.vcpus = (unsigned)v;
        }
    }
    if (in.mode != TC_SEV_MODE_SNP_OVMF_HASH) {
        if (!seen[O_KERNEL] || val[O_KERNEL][0] == '\0') {
            if (seen[O_INITRD] && val[O_INITRD][0] != '\0') {
                return usage("--initrd needs --kernel");
            }
            if (seen[O_APPEND] && val[O_APPEND][0] != '\0') {
                return usage("--append needs --kernel");
            }
        }
        if (in.mode != TC_SEV_MODE_SEV && !seen[O_VCPUS]) {
            return usage("missing --vcpus N in guest mode '%s'", val[O_MODE]);
        }
        if (seen[O_VMM_TYPE] && tc_measure_vmm_parse(val[O_VMM_TYPE], &in.vmm) != TC_ERR_OK) {
            return usage("--vmm-type: %s", tc_err_detail());
        }
        if ((seen[O_VCPU_MODEL] || seen[O_VCPU_STEPPING]) && !seen[O_VCPU_FAMILY]) {
            return usage("--vcpu-model and --vcpu-stepping need --vcpu-family");
        }
        if (seen[O_VCPU_TYPE] && tc_measure_vcpu_sig(val[O_VCPU_TYPE], &in.vcpu_sig)) {
            return usage("--vcpu-type: %s", tc_err_detail());
        }
        if (seen[O_VCPU_SIG]) {
            if (int_arg("vcpu-sig", val[O_VCPU_SIG], 0, 0, UINT32_MAX, &v)) {
                return EXIT_USAGE;
            }
            in.vcpu_sig = (uint32_t)v;
        }
        if (seen[O_VCPU_FAMILY]) {
            uint64_t fam, model, step;

            if (!seen[O_VCPU_MODEL] || !seen[O_VCPU_STEPPING]) {
                return usage("--vcpu-family needs --vcpu-model and --vcpu-stepping");
            }
            if (int_arg("vcpu-family", val[O_VCPU_FAMILY], 10, 0, UINT_MAX, &fam) ||
                int_arg("vcpu-model", val[O_VCPU_MODEL], 10, 0, UINT_MAX, &model) ||
                int_arg("vcpu-stepping", val[O_VCPU_STEPPING], 10, 0, UINT_MAX, &step)) {
                return EXIT_USAGE;
            }
            if (tc_measure_cpu_sig((unsigned)fam, (unsigned)model, (unsigned)step, &in.vcpu_sig) !=
                TC_ERR_OK) {
                return usage("%s", tc_err_detail());
            }
        }
        /* The QEMU VMSA carries the signature in RDX; EC2 and GCE use a fixed value. */
        if (in.mode != TC_SEV_MODE_SEV && in.vmm == TC_VMM_QEMU && !seen[O_VCPU_TYPE] &&
            !seen[O_VCPU_SIG] && !seen[O_VCPU_FAMILY]) {
            return usage("missing --vcpu-type or --vcpu-sig or --vcpu-family in guest mode "
                         "'%s'",
                         val[O_MODE]);
        }
        if (in.mode == TC_SEV_MODE_SNP_SVSM) {
            if (seen[O_VARS_SIZE] && seen[O_VARS_FILE]) {
                return usage("--vars-size and --vars-file exclude each other");
            }
            if (seen[O_VARS_FILE] && val[O_VARS_FILE][0] != '\0') {
                struct stat st;

                if (stat(val[O_VARS_FILE], &st) != 0) {
                    return fail(tc_fail(TC_ERR_IO, "--vars-file '%s': %s", val[O_VARS_FILE],
                                        strerror(errno)));
                }
                in.vars_size = (uint64_t)st.st_size;
            } else if (seen[O_VARS_SIZE]) {
                if (int_arg("vars-size", val[O_VARS_SIZE], 10, 0, UINT32_MAX, &in.vars_size)) {
                    return EXIT_USAGE;
                }
            }
            /* As in the reference, a zero --vars-size counts as none. */
            if (!(seen[O_VARS_FILE] && val[O_VARS_FILE][0] != '\0') && in.vars_size == 0) {
                return usage("snp:svsm mode requires --vars-size or --vars-file");
            }
        }
        if (seen[O_DUMP_VMSA]) {
            if (in.mode == TC_SEV_MODE_SEV) {
                return usage("--dump-vmsa is not available in mode sev");
            }
            in.vmsa_cb = dump_vmsa;
        }
        if (seen[O_SNP_OVMF_HASH]) {
            size_t n = 0;
            const char *h = val[O_SNP_OVMF_HASH];

            if (in.mode != TC_SEV_MODE_SNP) {
                return usage("--snp-ovmf-hash only works with --mode snp");
            }
            if (tc_hex_decode(h, strlen(h), ovmf_hash, sizeof(ovmf_hash), &n) != TC_ERR_OK ||
                n != sizeof(ovmf_hash)) {
                return usage("--snp-ovmf-hash: expected 96 hex digits (SHA-384)");
            }
            in.ovmf_hash = ovmf_hash;
        }
    }

    res = malloc(sizeof(*res));
    if (res == NULL) {
        return fail(tc_fail(TC_ERR_NOMEM, "result"));
    }
    if ((e = tc_measure_sev(&in, res)) != TC_ERR_OK) {
        rc = tc_err_class(e) == TC_CLASS_USAGE ? usage("%s", tc_err_detail()) : fail(e);
        goto out;
    }
    if (strcmp(fmt, "json") == 0) {
        if ((e = tc_measure_json(&in, res, &out)) != TC_ERR_OK) {
            rc = fail(e);
            goto out;
        }
        printf("%s\n", out);
    } else {
        char hex[2 * 48 + 1];
        const char *m = tc_hex_encode(res->digest, res->digest_len, hex);

        /* snp:ovmf-hash prints plain hex whatever the format, like the reference. */
        if (in.mode != TC_SEV_MODE_SNP_OVMF_HASH && strcmp(fmt, "base64") == 0) {
            if ((e = tc_b64_encode(res->digest, res->digest_len, 0, &out)) != TC_ERR_OK) {
                rc = fail(e);
                goto out;
            }
            m = out;
        }
        if (seen[O_VERBOSE] && in.mode != TC_SEV_MODE_SNP_OVMF_HASH) {
            printf("Calculated %s guest measurement: %s\n", verbose_name(in.mode), m);
        } else {
            printf("%s\n", m);
        }
    }
    if (fflush(stdout) != 0) {
        rc = fail(tc_fail(TC_ERR_IO, "stdout: %s", strerror(errno)));
        goto out;
    }
    rc = EXIT_OK;
out:
    free(out);
    free(res);
    return rc;
}
