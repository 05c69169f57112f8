#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Try trustchain on real SEV-SNP reports and AMD certificates from public sources other than
# ../shared/testdata (see docs/foreign-artifacts.md, "## SEV-SNP").  Not run by `make check`:
# the artifacts are not in this repository and are never copied into it.
#
# usage: scripts/try-foreign-snp.sh [--extract MIRRORS] ARTIFACTS [TRUSTCHAIN]
#   --extract MIRRORS  first fill ARTIFACTS from bare git copies of the sources, found as
#                      MIRRORS/<owner>+<name>/repo (the layout of the search tool's fetch) or
#                      MIRRORS/<owner>+<name> (a plain clone); a missing source is skipped.
#                      microsoft/CCF is too large to copy whole: set CCF_GIT to a git dir of it,
#                      or put ccf/milan_attestation.bin and ccf/milan_vcek.pem there by hand.
#   ARTIFACTS          the directory of artifacts (one folder per source, as --extract makes)
#   TRUSTCHAIN         the CLI (default: build/trustchain)
# Prints one line per try: ok/FAIL, the exit code got and expected, and what was tried; ends
# with "N passed, M failed, K skipped" and exits non-zero if a try did not give the expected
# exit code.  Never uses the network (--offline --no-cache everywhere).
set -u

extract=""
if [ "${1:-}" = "--extract" ]; then
    extract=${2:?--extract needs a directory}
    shift 2
fi
A=${1:?usage: $0 [--extract MIRRORS] ARTIFACTS [TRUSTCHAIN]}
T=${2:-build/trustchain}
mkdir -p "$A"
A=$(cd "$A" && pwd)

# ---- extraction (data only: reports, certificates) ----
gitdir() { # owner+name -> a git dir, or nothing
    local d
    for d in "$extract/$1/repo" "$extract/$1/.git" "$extract/$1"; do
        if git -C "$d" rev-parse --git-dir >/dev/null 2>&1; then
            echo "$d"
            return
        fi
    done
}
show() { git -C "$G" show "HEAD:$1"; } # path in the source -> stdout

# Binary protobuf without a schema: every 1184-byte field that starts with version 2-5 (an SNP
# report) and every DER certificate (30 82 LL LL filling the field).
PBWALK='
import os, sys
def varint(b, i):
    v = s = 0
    while True:
        if i >= len(b) or s > 63: raise ValueError
        c = b[i]; i += 1; v |= (c & 0x7f) << s; s += 7
        if not c & 0x80: return v, i
def walk(b, path, out, depth=0):
    i = 0
    while i < len(b):
        key, i = varint(b, i); f, wt = key >> 3, key & 7
        if f == 0: raise ValueError
        if wt == 0: _, i = varint(b, i)
        elif wt == 1: i += 8
        elif wt == 5: i += 4
        elif wt == 2:
            n, i = varint(b, i)
            if i + n > len(b): raise ValueError
            v = b[i:i + n]; i += n; p = path + [f]
            if n == 1184 and int.from_bytes(v[:4], "little") in (2, 3, 4, 5):
                out.append(("report", p, v))
            elif n > 4 and v[:2] == b"\x30\x82" and int.from_bytes(v[2:4], "big") + 4 == n:
                out.append(("cert", p, v))
            elif depth < 12:
                try:
                    sub = []; walk(v, p, sub, depth + 1); out.extend(sub)
                except (ValueError, IndexError):
                    pass
        else: raise ValueError
    if i != len(b): raise ValueError
src, dst = sys.argv[1], sys.argv[2]
out = []; walk(open(src, "rb").read(), [], out)
base = os.path.basename(src).split(".")[0]
for k, p, v in out:
    name = "%s.%s.%s.%s" % (base, k, "_".join(map(str, p)), "bin" if k == "report" else "der")
    open(os.path.join(dst, name), "wb").write(v)
'

do_extract() {
    local f p C
    G=$(gitdir LIT-Protocol+sev-snp-utils)
    if [ -n "$G" ]; then
        mkdir -p "$A/lit"
        for f in guest_report.bin guest_report_bad_sig.bin guest_report_corrupt.bin \
            snp_report_msg_resp.bin; do
            show "resources/test/$f" >"$A/lit/$f"
        done
    fi
    G=$(gitdir project-oak+oak)
    if [ -n "$G" ]; then
        mkdir -p "$A/oak/pb" "$A/oak/x" "$A/oak/ca"
        for f in $(git -C "$G" ls-tree -r --name-only HEAD oak_attestation_verification/testdata |
            grep '\.binarypb$'); do
            show "$f" >"$A/oak/pb/$(basename "$f")"
            python3 -c "$PBWALK" "$A/oak/pb/$(basename "$f")" "$A/oak/x"
        done
        for p in milan genoa turin; do
            show "oak_attestation_verification/data/ask_$p.pem" >"$A/oak/ca/ask_$p.pem"
            show "oak_attestation_verification/data/ark_$p.pem" >"$A/oak/ca/ark_$p.pem"
        done
    fi
    G=$(gitdir microsoft+confidential-sidecar-containers)
    if [ -n "$G" ]; then
        mkdir -p "$A/csc"
        for f in snp_report.bin uvm_host_amd_certificate.json uvm_host_amd_certificate.pem; do
            show "pkg/attest/test_data/$f" >"$A/csc/$f"
        done
        show pkg/attest/attest_test.go | python3 -c '
import re, sys
s = sys.stdin.read()
for name in ("CorruptedProductionSNPReportBytes", "CorruptedProductionSigSNPReportBytes"):
    m = re.search(name + r", _ := hex.DecodeString\(\"([0-9a-f]+)\"\)", s)
    if m: open(sys.argv[1] + "/" + name + ".bin", "wb").write(bytes.fromhex(m.group(1)))' "$A/csc"
    fi
    G=$(gitdir microsoft+TEE-Attestation-Verification)
    if [ -n "$G" ]; then
        mkdir -p "$A/msft-tav/tests" "$A/msft-tav/src" "$A/msft-tav/ark"
        for f in $(git -C "$G" ls-tree -r --name-only HEAD | grep 'test_data/'); do
            show "$f" >"$A/msft-tav/${f%%/*}/$(basename "$f")"
        done
        for p in milan genoa turin; do
            show "src/pinned_arks/${p}_ark.pem" >"$A/msft-tav/ark/${p}_ark.pem"
        done
    fi
    G=$(gitdir canvasxyz+teekit)
    if [ -n "$G" ]; then
        mkdir -p "$A/teekit"
        for f in $(git -C "$G" ls-tree -r --name-only HEAD packages/qvl/test/sampleQuotes |
            grep '/sev-'); do
            show "$f" >"$A/teekit/$(basename "$f")"
        done
    fi
    G=$(gitdir tinfoilsh+verifier)
    if [ -n "$G" ]; then
        mkdir -p "$A/tinfoil"
        show attestation/genoa_cert_chain.pem >"$A/tinfoil/genoa_cert_chain.pem"
        # The test with a real report was removed later; take it from the history.
        C=$(git -C "$G" log --all --format=%H -- attestation/sev_test.go | sed -n 2p)
        git -C "$G" show "$C:attestation/sev_test.go" | python3 -c '
import base64, re, sys
m = re.search(r"\"body\":\s*\"([A-Za-z0-9+/=]+)\"", sys.stdin.read())
open(sys.argv[1], "wb").write(base64.b64decode(m.group(1)))' "$A/tinfoil/sev_test_body.bin"
    fi
    G=$(gitdir kinvolk+azure-cvm-tooling)
    if [ -n "$G" ]; then
        mkdir -p "$A/kinvolk"
        show az-cvm-vtpm/test/hcl-report-snp.bin >"$A/kinvolk/hcl-report-snp.bin"
        show az-cvm-vtpm/test/certs.pem >"$A/kinvolk/certs.pem"
    fi
    G=$(gitdir automata-network+amd-sev-snp-attestation-sdk)
    if [ -n "$G" ]; then
        mkdir -p "$A/automata"
        show zk/risc0/data/output.json | python3 -c '
import base64, json, sys
d = json.load(sys.stdin)["sev_snp"]
open(sys.argv[1] + "/output_report.bin", "wb").write(base64.b64decode(d["attestation_report"]))
open(sys.argv[1] + "/output_vek.der", "wb").write(base64.b64decode(d["vek_cert"]))' "$A/automata"
        for f in vcek.der vcek_milan_cert_chain.pem; do
            show "zk/common/x509-verifier-rust-crypto/samples/$f" >"$A/automata/$f"
        done
    fi
    if [ -n "${CCF_GIT:-}" ]; then
        mkdir -p "$A/ccf"
        git -C "$CCF_GIT" show HEAD:src/pal/test/snp_attestation_validation_data.h | python3 -c '
import re, sys
s = sys.stdin.read()
m = re.search(r"milan_attestation = ds::from_hex\((.*?)\);", s, re.S)
open(sys.argv[1] + "/milan_attestation.bin", "wb").write(
    bytes.fromhex("".join(re.findall(r"\"([0-9a-f]*)\"", m.group(1)))))
m = re.search(r"milan_endorsements = R\"\((.*?)\)\";", s, re.S)
pem = m.group(1)
open(sys.argv[1] + "/milan_vcek.pem", "w").write(pem.split("-----END CERTIFICATE-----")[0]
                                                 + "-----END CERTIFICATE-----\n")' "$A/ccf"
    fi
}

if [ -n "$extract" ]; then
    do_extract
fi

# ---- the tries ----
passed=0 failed=0 skipped=0
# try EXPECTED_EXIT "what" ARGS...: run trustchain, compare the exit code.
try() {
    local want=$1 what=$2 rc
    shift 2
    "$T" "$@" >/tmp/try-foreign-snp.out 2>/tmp/try-foreign-snp.err
    rc=$?
    if [ "$rc" = "$want" ]; then
        printf 'ok   exit %s (want %s)  %s\n' "$rc" "$want" "$what"
        passed=$((passed + 1))
    else
        printf 'FAIL exit %s (want %s)  %s: %s\n' "$rc" "$want" "$what" \
            "$(head -c 300 /tmp/try-foreign-snp.err)"
        failed=$((failed + 1))
    fi
}
# need FILE...: all present, or the caller skips
need() {
    local f
    for f in "$@"; do
        [ -e "$f" ] || return 1
    done
}
skip() { printf 'skip %s\n' "$1"; skipped=$((skipped + 1)); }
V="verify snp --offline --no-cache"
AMD_GENOA_BUNDLE="$A/tinfoil/genoa_cert_chain.pem"

# LIT-Protocol/sev-snp-utils: Milan v2 reports; no VCEK in the repository.
L="$A/lit"
if need "$L/guest_report.bin"; then
    try 0 "lit: guest_report.bin parses (v2)" report show "$L/guest_report.bin"
    try 4 "lit: guest_report.bin, no VCEK offline: not found" $V --report "$L/guest_report.bin"
    try 3 "lit: guest_report_bad_sig.bin = report + newline: trailing" report show "$L/guest_report_bad_sig.bin"
    try 3 "lit: guest_report_corrupt.bin (793 bytes): truncated" report show "$L/guest_report_corrupt.bin"
    try 0 "lit: snp_report_msg_resp.bin (MSG_REPORT_RSP, 4000 bytes) parses" report show "$L/snp_report_msg_resp.bin"
else
    skip "lit (LIT-Protocol/sev-snp-utils)"
fi

# project-oak/oak: Oak evidence/endorsement protobufs; valid at 2025-10-01 (Oak's test clock).
O="$A/oak/x"
if need "$O" "$A/oak/ca/ark_milan.pem"; then
    for p in milan genoa turin; do
        cat "$A/oak/ca/ask_$p.pem" "$A/oak/ca/ark_$p.pem" >"$A/oak/ca/${p}_bundle.pem"
    done
    for pair in cb_evidence.report.1_2:cb_endorsements.cert.3_1_1:milan \
        genoa_oc_evidence.report.1_2:genoa_oc_endorsements.cert.2_1_1:genoa \
        milan_oc_release_evidence.report.1_2:milan_oc_release_endorsements.cert.2_1_1:milan \
        milan_oc_staging_evidence.report.1_2:milan_oc_staging_endorsements.cert.2_1_1:milan \
        milan_rk_release_evidence.report.1_2:milan_rk_release_endorsements.cert.1_1_1:milan \
        milan_rk_staging_evidence.report.1_2:milan_rk_staging_endorsements.cert.1_1_1:milan \
        turin_oc_evidence.report.1_2:turin_oc_endorsements.cert.2_1_1:turin; do
        IFS=: read -r r c p <<<"$pair"
        if need "$O/$r.bin" "$O/$c.der"; then
            try 0 "oak: $r ($p)" $V --at 2025-10-01T00:00:00Z --report "$O/$r.bin" \
                --vcek "$O/$c.der" --certs "$A/oak/ca/${p}_bundle.pem"
        else
            skip "oak: $r"
        fi
    done
    try 0 "oak: Genoa with all three products' ARK/ASK in one directory" $V \
        --at 2025-10-01T00:00:00Z --report "$O/genoa_oc_evidence.report.1_2.bin" \
        --vcek "$O/genoa_oc_endorsements.cert.2_1_1.der" --certs "$A/oak/ca"
else
    skip "oak (project-oak/oak)"
fi

# microsoft/confidential-sidecar-containers: Azure ACI Milan v2 report + THIM certificates.
C="$A/csc"
if need "$C/snp_report.bin" "$C/uvm_host_amd_certificate.pem"; then
    try 0 "csc: snp_report.bin + PEM (VCEK, ASK, ARK)" $V --report "$C/snp_report.bin" --certs "$C/uvm_host_amd_certificate.pem"
    try 0 "csc: snp_report.bin + THIM JSON" $V --report "$C/snp_report.bin" --certs "$C/uvm_host_amd_certificate.json"
    try 3 "csc: CorruptedProductionSNPReportBytes (version 0)" $V --report "$C/CorruptedProductionSNPReportBytes.bin" --certs "$C/uvm_host_amd_certificate.pem"
    try 1 "csc: CorruptedProductionSigSNPReportBytes (other chip, bad signature)" $V --report "$C/CorruptedProductionSigSNPReportBytes.bin" --certs "$C/uvm_host_amd_certificate.pem"
else
    skip "csc (microsoft/confidential-sidecar-containers)"
fi

# microsoft/CCF src/pal/test/snp_attestation_validation_data.h: Milan v3 (Azure), its VCEK.
if need "$A/ccf/milan_attestation.bin" "$A/ccf/milan_vcek.pem" "$A/oak/ca/milan_bundle.pem"; then
    try 0 "ccf: milan_attestation (v3)" $V --report "$A/ccf/milan_attestation.bin" --vcek "$A/ccf/milan_vcek.pem" --certs "$A/oak/ca/milan_bundle.pem"
else
    skip "ccf (microsoft/CCF; needs CCF_GIT or the two files, and oak's Milan CA)"
fi

# microsoft/TEE-Attestation-Verification: Milan, Genoa, Turin with VCEKs and ASKs.
M="$A/msft-tav"
if need "$M/tests/milan_attestation_report.bin"; then
    for p in milan genoa turin; do
        try 0 "msft-tav: $p" $V --report "$M/tests/${p}_attestation_report.bin" --vcek "$M/tests/${p}_vcek.pem" --certs "$M/tests/${p}_ask.pem" --certs "$M/ark/${p}_ark.pem"
    done
    try 0 "msft-tav: src/ Milan with its other VCEK (ASK PEM without a final newline)" $V --report "$M/src/milan_attestation_report.bin" --vcek "$M/src/milan_vcek.pem" --certs "$M/src/milan_ask.pem" --certs "$M/src/milan_ark.pem"
    mkdir -p "$M/neg"
    python3 - "$M/tests/milan_attestation_report.bin" "$M/neg" <<'EOF'
import sys
r = open(sys.argv[1], "rb").read()
def w(n, f):
    t = bytearray(r); f(t); open(sys.argv[2] + "/" + n, "wb").write(t)
w("tampered100.bin", lambda t: t.__setitem__(100, t[100] ^ 0xFF))
w("sigalgo2.bin", lambda t: t.__setitem__(slice(0x34, 0x38), (2).to_bytes(4, "little")))
for n, fm in {"cpuid_19_20": (0x19, 0x20), "cpuid_1a_12": (0x1A, 0x12), "cpuid_1b_00": (0x1B, 0)}.items():
    w(n + ".bin", lambda t, fm=fm: t.__setitem__(slice(0x188, 0x18A), bytes(fm)))
EOF
    for n in tampered100 cpuid_19_20 cpuid_1a_12 cpuid_1b_00; do
        try 1 "msft-tav: Milan $n (their negative)" $V --report "$M/neg/$n.bin" --vcek "$M/tests/milan_vcek.pem" --certs "$M/tests/milan_ask.pem" --certs "$M/ark/milan_ark.pem"
    done
    try 3 "msft-tav: Milan signature_algo 2 (their negative)" $V --report "$M/neg/sigalgo2.bin" --vcek "$M/tests/milan_vcek.pem" --certs "$M/tests/milan_ask.pem" --certs "$M/ark/milan_ark.pem"
else
    skip "msft-tav (microsoft/TEE-Attestation-Verification)"
fi

# canvasxyz/teekit: GCP Milan v5 reports (VMPL 0 and 1) with VCEK and ASK+ARK.
K="$A/teekit"
if need "$K/sev-gcp.bin"; then
    for r in sev-gcp sev-gcp-reportdata sev-gcp-x25519-bound; do
        try 0 "teekit: $r (v5)" $V --report "$K/$r.bin" --vcek "$K/sev-gcp-vcek.pem" --certs "$K/sev-gcp-cert-chain.pem"
    done
    try 0 "teekit: x25519-bound with its own VCEK copy" $V --report "$K/sev-gcp-x25519-bound.bin" --vcek "$K/sev-gcp-x25519-vcek.pem" --certs "$K/sev-gcp-x25519-cert-chain.pem"
    rd=$(python3 -c 'import hashlib, sys
n = bytes.fromhex("df82306ff38a9da023854af947d02a878cfab1b40a793823ff41dc51213b96aa")
k = bytes.fromhex("03a8107030fabeac06b0df4ef865763918b5e2a9fa030e20025a4315dab4b2a6")
print(hashlib.sha512(n + k).hexdigest())')
    echo "{\"report_data\": \"$rd\", \"max_vmpl\": 1}" >"$K/policy-x25519.json"
    try 0 "teekit: REPORT_DATA = SHA-512(nonce || X25519 key), VMPL <= 1" $V --report "$K/sev-gcp-x25519-bound.bin" --vcek "$K/sev-gcp-vcek.pem" --certs "$K/sev-gcp-cert-chain.pem" --policy "$K/policy-x25519.json"
    echo '{"max_vmpl": 0}' >"$K/policy-vmpl0.json"
    try 1 "teekit: VMPL 1 report refused by max_vmpl 0 (their negative)" $V --report "$K/sev-gcp-reportdata.bin" --vcek "$K/sev-gcp-vcek.pem" --certs "$K/sev-gcp-cert-chain.pem" --policy "$K/policy-vmpl0.json"
else
    skip "teekit (canvasxyz/teekit)"
fi

# tinfoilsh/verifier: a Genoa v2 report from its git history; VCEK only from the KDS.
if need "$A/tinfoil/sev_test_body.bin"; then
    try 0 "tinfoil: Genoa v2 parses" report show "$A/tinfoil/sev_test_body.bin"
    try 4 "tinfoil: no VCEK offline: not found" $V --report "$A/tinfoil/sev_test_body.bin" --certs "$AMD_GENOA_BUNDLE"
else
    skip "tinfoil (tinfoilsh/verifier)"
fi

# kinvolk/azure-cvm-tooling: an Azure HCL report; certs.pem belongs to another chip.
if need "$A/kinvolk/hcl-report-snp.bin"; then
    try 0 "kinvolk: HCL report parses" report show "$A/kinvolk/hcl-report-snp.bin"
    try 1 "kinvolk: HCL report with another chip's VCEK: rejected" $V --report "$A/kinvolk/hcl-report-snp.bin" --certs "$A/kinvolk/certs.pem"
else
    skip "kinvolk (kinvolk/azure-cvm-tooling)"
fi

# automata-network/amd-sev-snp-attestation-sdk: a Milan v2 report and its VEK (base64 JSON).
if need "$A/automata/output_report.bin"; then
    try 0 "automata: output.json report + vek_cert" $V --report "$A/automata/output_report.bin" --vcek "$A/automata/output_vek.der" --certs "$A/automata/vcek_milan_cert_chain.pem"
    try 1 "automata: same report with the sample vcek.der (another chip)" $V --report "$A/automata/output_report.bin" --vcek "$A/automata/vcek.der" --certs "$A/automata/vcek_milan_cert_chain.pem"
else
    skip "automata (automata-network/amd-sev-snp-attestation-sdk)"
fi

rm -f /tmp/try-foreign-snp.out /tmp/try-foreign-snp.err
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
