/* SPDX-License-Identifier: Apache-2.0 */
/* `trustchain measure tdx --firmware OVMF.fd`: the expected MRTD from the TDVF metadata. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "trustchain/tdx.h"

#define FW_MAX ((size_t)64 << 20)

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: %s measure tdx --firmware OVMF.fd [--order per-page|two-pass|both]\n"
            "                      [--metadata] [--json]\n\n"
            "Compute the MRTD a TD launched from this TDVF (OVMF with TDX) image will report:\n"
            "TDH.MEM.PAGE.ADD for every page of each TDVF metadata section, and TDH.MR.EXTEND\n"
            "of the sections marked MR.EXTEND, as the TDX module hashes them (SHA-384).\n\n"
            "Options:\n"
            "  --firmware FILE  the firmware image (e.g. /usr/share/ovmf/OVMF.fd)\n"
            "  --order ORDER    the order of PAGE.ADD and MR.EXTEND calls the VMM makes:\n"
            "                   per-page  each page added then extended (upstream Linux KVM,\n"
            "                             KVM_TDX_INIT_MEM_REGION; the default)\n"
            "                   two-pass  per section, all pages added, then all extended\n"
            "                             (some QEMU/KVM trees, e.g. Ubuntu's TDX 8.2.2)\n"
            "                   both      print both\n"
            "  --metadata       list the TDVF metadata sections\n"
            "  --json           print JSON; on any failure {\"error\", \"exit_code\",\n"
            "                   \"message\"} instead\n"
            "  -h, --help       show this help\n\n"
            "Exit codes: 0 ok, 2 usage, 3 malformed firmware, 4 I/O.\n",
            PROG);
}

int cmd_measure_tdx(int argc, char **argv)
{
    enum { O_FW = 256, O_ORDER, O_META, O_JSON };
    static const struct option opts[] = {
        {"firmware", required_argument, NULL, O_FW},
        {"order", required_argument, NULL, O_ORDER},
        {"metadata", no_argument, NULL, O_META},
        {"json", no_argument, NULL, O_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *fw_path = NULL, *order = "per-page";
    int meta = 0, as_json = cli_has_json(argc, argv), c, rc = EXIT_OK, do_pp, do_tp;
    uint8_t *fw = NULL, pp[48], tp[48];
    char hex[97];
    size_t len = 0, i;
    struct tc_tdvf_metadata m;
    json_t *j = NULL;
    tc_err e;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_FW:
            fw_path = optarg;
            break;
        case O_ORDER:
            order = optarg;
            break;
        case O_META:
            meta = 1;
            break;
        case O_JSON:
            as_json = 1;
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        default:
            return cli_json_usage(as_json, 0, "measure tdx",
                                  "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc) {
        return cli_json_usage(as_json, 0, "measure tdx", "unexpected argument '%s'", argv[optind]);
    }
    if (fw_path == NULL) {
        return cli_json_usage(as_json, 0, "measure tdx", "--firmware FILE is required");
    }
    do_pp = strcmp(order, "per-page") == 0 || strcmp(order, "both") == 0;
    do_tp = strcmp(order, "two-pass") == 0 || strcmp(order, "both") == 0;
    if (!do_pp && !do_tp) {
        return cli_json_usage(as_json, 0, "measure tdx",
                              "--order must be per-page, two-pass or both");
    }
    if ((e = tc_file_read(fw_path, FW_MAX, &fw, &len)) != TC_ERR_OK) {
        return cli_json_fail(as_json, 0, e, "%s", fw_path);
    }
    if ((e = tc_tdvf_metadata_parse(fw, len, &m)) != TC_ERR_OK ||
        (do_pp && (e = tc_tdx_mrtd(fw, len, TC_TDX_MRTD_PER_PAGE, pp)) != TC_ERR_OK) ||
        (do_tp && (e = tc_tdx_mrtd(fw, len, TC_TDX_MRTD_TWO_PASS, tp)) != TC_ERR_OK)) {
        rc = cli_json_fail(as_json, 0, e, "%s", fw_path);
        goto out;
    }
    if (as_json) {
        json_t *secs = json_array();

        j = json_object();
        if (j == NULL || secs == NULL) {
            json_decref(secs);
            rc = cli_json_fail(as_json, 0, tc_fail(TC_ERR_NOMEM, "JSON"), "measure tdx");
            goto out;
        }
        json_object_set_new(j, "firmware", json_string(fw_path));
        if (do_pp) {
            json_object_set_new(j, "mrtd", json_string(tc_hex_encode(pp, 48, hex)));
        }
        if (do_tp) {
            json_object_set_new(j, do_pp ? "mrtd_two_pass" : "mrtd",
                                json_string(tc_hex_encode(tp, 48, hex)));
        }
        json_object_set_new(j, "order", json_string(do_pp ? "per-page" : "two-pass"));
        for (i = 0; i < m.n; i++) {
            json_t *s = json_object();

            json_object_set_new(s, "type", json_string(tc_tdvf_section_type_name(m.s[i].type)));
            json_object_set_new(s, "data_offset", json_integer(m.s[i].data_offset));
            json_object_set_new(s, "raw_size", json_integer(m.s[i].raw_size));
            json_object_set_new(s, "gpa", json_integer((json_int_t)m.s[i].gpa));
            json_object_set_new(s, "mem_size", json_integer((json_int_t)m.s[i].mem_size));
            json_object_set_new(s, "mr_extend",
                                json_boolean(m.s[i].attributes & TC_TDVF_ATTR_MR_EXTEND));
            json_object_set_new(s, "page_aug",
                                json_boolean(m.s[i].attributes & TC_TDVF_ATTR_PAGE_AUG));
            json_array_append_new(secs, s);
        }
        json_object_set_new(j, "sections", secs);
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("\n");
        goto out;
    }
    if (meta) {
        printf("TDVF metadata v%u at 0x%zx, %zu sections:\n", m.version, m.offset, m.n);
        for (i = 0; i < m.n; i++) {
            printf("  %-8s gpa 0x%08llx size 0x%-8llx file 0x%06x+0x%-6x%s%s\n",
                   tc_tdvf_section_type_name(m.s[i].type), (unsigned long long)m.s[i].gpa,
                   (unsigned long long)m.s[i].mem_size, m.s[i].data_offset, m.s[i].raw_size,
                   m.s[i].attributes & TC_TDVF_ATTR_MR_EXTEND ? " MR.EXTEND" : "",
                   m.s[i].attributes & TC_TDVF_ATTR_PAGE_AUG ? " PAGE.AUG" : "");
        }
    }
    if (do_pp && do_tp) {
        printf("MRTD (per-page, upstream KVM): %s\n", tc_hex_encode(pp, 48, hex));
        printf("MRTD (two-pass):               %s\n", tc_hex_encode(tp, 48, hex));
    } else {
        printf("%s\n", tc_hex_encode(do_pp ? pp : tp, 48, hex));
    }
out:
    json_decref(j);
    free(fw);
    return rc;
}
