#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Try trustchain on real Intel TDX quotes, collateral and CC event logs from public
# repositories other than ../shared/testdata (docs/foreign-artifacts.md, "## Intel TDX").
# Not part of `make check`: it needs the upstream repositories, which are never copied
# into this tree.
#
#   scripts/try-foreign-tdx.sh extract MIRRORS OUT   copy the artifacts out of git
#        repositories (MIRRORS/owner+name/repo, MIRRORS/owner+name or MIRRORS/name, each
#        a bare or normal clone holding the commit listed below) into OUT/<source>/
#   scripts/try-foreign-tdx.sh run OUT [BUILD]       run quote show / verify tdx /
#        eventlog replay on them and compare with the expected verdicts
#
# `run` also reads ../shared/testdata/tdx (the TCB-signing and PCK-CRL issuer chains and the
# 2025-2026 root CA CRL that Intel serves; the upstream repositories hold only the signed
# JSON).  Exit 0 when every result is the expected one, 1 otherwise.
set -eu

die() {
    echo "try-foreign-tdx: $*" >&2
    exit 2
}

# source|owner/name|commit|upstream path|local name
ARTIFACTS='
trustee|confidential-containers/trustee|78962cd416dcc8a32f9377e0066a28fe21420f69|deps/verifier/test_data/tdx_quote_4.dat|tdx_quote_4.dat
trustee|confidential-containers/trustee|78962cd416dcc8a32f9377e0066a28fe21420f69|deps/verifier/test_data/tdx_quote_5.dat|tdx_quote_5.dat
trustee|confidential-containers/trustee|78962cd416dcc8a32f9377e0066a28fe21420f69|deps/verifier/test_data/tdx_quote_6.dat|tdx_quote_6.dat
trustee|confidential-containers/trustee|78962cd416dcc8a32f9377e0066a28fe21420f69|deps/verifier/test_data/tcbInfo.json|tcbInfo.json
trustee|confidential-containers/trustee|78962cd416dcc8a32f9377e0066a28fe21420f69|deps/verifier/test_data/enclaveIdentity.json|enclaveIdentity.json
trustee|confidential-containers/trustee|78962cd416dcc8a32f9377e0066a28fe21420f69|deps/verifier/test_data/az-tdx-vtpm/td-quote.bin|az-td-quote.bin
trustee|confidential-containers/trustee|78962cd416dcc8a32f9377e0066a28fe21420f69|deps/verifier/test_data/az-tdx-vtpm/quote.bin|az-tpm-quote.bin
trustee|confidential-containers/trustee|78962cd416dcc8a32f9377e0066a28fe21420f69|deps/verifier/test_data/az-tdx-vtpm/hcl-report.bin|az-hcl-report.bin
trustee|confidential-containers/trustee|e213e56e7f4284261f47eba9defdc05a1d18b5ea|deps/verifier/test_data/aael/AAEL_quote_tdx|AAEL_quote_tdx
trustee|confidential-containers/trustee|78962cd416dcc8a32f9377e0066a28fe21420f69|deps/eventlog/test_data/CCEL_data|CCEL_data
trustee|confidential-containers/trustee|78962cd416dcc8a32f9377e0066a28fe21420f69|deps/eventlog/test_data/CCEL_data_ovmf|CCEL_data_ovmf
trustee|confidential-containers/trustee|78962cd416dcc8a32f9377e0066a28fe21420f69|deps/eventlog/test_data/CCEL_data_grub|CCEL_data_grub
trustee|confidential-containers/trustee|78962cd416dcc8a32f9377e0066a28fe21420f69|deps/eventlog/test_data/CCEL_data_gcp|CCEL_data_gcp
trustee|confidential-containers/trustee|78962cd416dcc8a32f9377e0066a28fe21420f69|deps/eventlog/test_data/CCEL_data_grub_gke|CCEL_data_grub_gke
trustee|confidential-containers/trustee|78962cd416dcc8a32f9377e0066a28fe21420f69|deps/eventlog/test_data/CCEL_AAEL_alibabacloud|CCEL_AAEL_alibabacloud
trustee|confidential-containers/trustee|78962cd416dcc8a32f9377e0066a28fe21420f69|deps/eventlog/test_data/CCEL_data_csv|CCEL_data_csv
automata|automata-network/automata-dcap-attestation|2df31aa53a8d27aa9793b7134c1d58c88044f76f|evm/forge-test/assets/quotes/alibaba_quote_5.dat|alibaba_quote_5.dat
automata|automata-network/automata-dcap-attestation|2df31aa53a8d27aa9793b7134c1d58c88044f76f|evm/forge-test/assets/0625/tcbinfov3_00806f050000.json|0625_tcbinfo_00806f050000.json
automata|automata-network/automata-dcap-attestation|2df31aa53a8d27aa9793b7134c1d58c88044f76f|evm/forge-test/assets/0625/tcbinfov3_90C06F000000.json|0625_tcbinfo_90c06f000000.json
automata|automata-network/automata-dcap-attestation|2df31aa53a8d27aa9793b7134c1d58c88044f76f|evm/forge-test/assets/0625/qe_td.json|0625_qe_td.json
automata|automata-network/automata-dcap-attestation|2df31aa53a8d27aa9793b7134c1d58c88044f76f|evm/forge-test/assets/1025/tcb_info.json|1025_tcbinfo_00806f050000.json
automata|automata-network/automata-dcap-attestation|2df31aa53a8d27aa9793b7134c1d58c88044f76f|evm/forge-test/assets/1025/identity.json|1025_qe_td.json
automata|automata-network/automata-dcap-attestation|2df31aa53a8d27aa9793b7134c1d58c88044f76f|evm/forge-test/assets/1025/pck_crl.der|1025_pck_crl.der
flashtestations|flashbots/flashtestations|67792edab54a9dc648dbd99e1a6404bd0e2502e8|test/raw_tdx_quotes/0x12c14e56d585Dcf3B36f37476c00E78bA9363742/quote.bin|quote.bin
go-tdx-qpl|edgelesssys/go-tdx-qpl|607ac61e2377fc5e43ac3168e7a17089abcdb3fd|blobs/quote|quote
go-tdx-qpl|edgelesssys/go-tdx-qpl|607ac61e2377fc5e43ac3168e7a17089abcdb3fd|blobs/tcbinfo.json|tcbinfo.json
go-tdx-qpl|edgelesssys/go-tdx-qpl|607ac61e2377fc5e43ac3168e7a17089abcdb3fd|blobs/qeidentity.json|qeidentity.json
go-tdx-qpl|edgelesssys/go-tdx-qpl|607ac61e2377fc5e43ac3168e7a17089abcdb3fd|blobs/tcbSigningChain.pem|tcbSigningChain.pem
go-tdx-qpl|edgelesssys/go-tdx-qpl|607ac61e2377fc5e43ac3168e7a17089abcdb3fd|blobs/pckCrlSigningChain.pem|pckCrlSigningChain.pem
go-tdx-qpl|edgelesssys/go-tdx-qpl|607ac61e2377fc5e43ac3168e7a17089abcdb3fd|blobs/blobs.go|blobs.go
teekit|h4x3rotab/dstack-teekit|3a348ccf774b9965335638db57e140ae127c1aeb|packages/qvl/test/sampleQuotes/tdx-v4-azure|tdx-v4-azure.b64
teekit|h4x3rotab/dstack-teekit|3a348ccf774b9965335638db57e140ae127c1aeb|packages/qvl/test/sampleQuotes/tdx-v4-gcp.json|tdx-v4-gcp.json
teekit|h4x3rotab/dstack-teekit|3a348ccf774b9965335638db57e140ae127c1aeb|packages/qvl/test/sampleQuotes/tdx-v4-gcp-no-nonce.json|tdx-v4-gcp-no-nonce.json
teekit|h4x3rotab/dstack-teekit|3a348ccf774b9965335638db57e140ae127c1aeb|packages/qvl/test/sampleTcbInfos/tcbInfo-tdx-00806f050000.json|tcbInfo-tdx-00806f050000.json
teekit|h4x3rotab/dstack-teekit|3a348ccf774b9965335638db57e140ae127c1aeb|packages/qvl/test/sampleTcbInfos/tcbInfo-tdx-50806f000000.json|tcbInfo-tdx-50806f000000.json
teekit|h4x3rotab/dstack-teekit|3a348ccf774b9965335638db57e140ae127c1aeb|packages/qvl/test/sampleTcbInfos/tcbInfo-tdx-90c06f000000.json|tcbInfo-tdx-90c06f000000.json
teekit|h4x3rotab/dstack-teekit|3a348ccf774b9965335638db57e140ae127c1aeb|packages/qvl/test/sampleTcbInfos/tcbInfo-tdx-b0c06f000000.json|tcbInfo-tdx-b0c06f000000.json
zkdcap|datachainlab/zkdcap|57c1045e5b5aff92ebf3bb36c219b7a7b5f75703|crates/quote-verifier/data/quote_tdx_00806f050000.dat|quote_tdx_00806f050000.dat
zkdcap|datachainlab/zkdcap|57c1045e5b5aff92ebf3bb36c219b7a7b5f75703|crates/quote-verifier/data/tcbinfov3_00806f050000.json|tcbinfov3_00806f050000.json
zkdcap|datachainlab/zkdcap|57c1045e5b5aff92ebf3bb36c219b7a7b5f75703|crates/quote-verifier/data/qeidentityv2_tdx.json|qeidentityv2_tdx.json
zkdcap|datachainlab/zkdcap|57c1045e5b5aff92ebf3bb36c219b7a7b5f75703|crates/quote-verifier/data/tcb_signing_cert.pem|tcb_signing_cert.pem
zkdcap|datachainlab/zkdcap|57c1045e5b5aff92ebf3bb36c219b7a7b5f75703|crates/quote-verifier/data/intel_root_ca_crl.der|intel_root_ca_crl.der
zkdcap|datachainlab/zkdcap|57c1045e5b5aff92ebf3bb36c219b7a7b5f75703|crates/quote-verifier/data/pck_platform_crl.der|pck_platform_crl.der
zkdcap|datachainlab/zkdcap|57c1045e5b5aff92ebf3bb36c219b7a7b5f75703|crates/types/data/quote_v4.dat|quote_v4.dat
entropy|entropyxyz/tdx-quote|bb001f808bd6c45058bd3af7b617a8f05d112f42|tests/test-quotes/known_pck_quote_1.dat|known_pck_quote_1.dat
moemahhouk|MoeMahhouk/tdx-quote-parser|366dee3dfa04bdb645d12f3b9c63b59e55815987|quote.dat|quote.dat
near-mpc|near/mpc|b0b6b7167e89c015ad59bfb4b0bbc78fcc8432cc|crates/test-utils/assets/quote.json|quote.json
near-mpc|near/mpc|b0b6b7167e89c015ad59bfb4b0bbc78fcc8432cc|crates/test-utils/assets/collateral.json|collateral.json
'

find_repo() {
    r=$(echo "$2" | tr / +)
    n=${2#*/}
    for d in "$1/$r/repo" "$1/$r" "$1/$n"; do
        if git -C "$d" rev-parse --git-dir >/dev/null 2>&1; then
            echo "$d"
            return 0
        fi
    done
    return 1
}

extract() {
    mirrors=$1
    out=$2
    echo "$ARTIFACTS" | while IFS='|' read -r src repo commit path name; do
        [ -n "$src" ] || continue
        mkdir -p "$out/$src"
        if ! d=$(find_repo "$mirrors" "$repo"); then
            echo "missing repository $repo (commit $commit) under $mirrors" >&2
            continue
        fi
        if ! git -C "$d" show "$commit:$path" >"$out/$src/$name" 2>/dev/null; then
            echo "missing $repo@$commit:$path" >&2
            rm -f "$out/$src/$name"
        fi
        echo "$repo $commit" >"$out/$src/COMMIT"
    done
    derive "$out"
}

# Mechanical re-encodings (base64, JSON byte arrays, a Go base64 string) into binary files.
derive() {
    out=$1
    if [ -f "$out/teekit/tdx-v4-azure.b64" ]; then
        base64 -d "$out/teekit/tdx-v4-azure.b64" >"$out/teekit/tdx-v4-azure.bin"
    fi
    for n in gcp gcp-no-nonce; do
        [ -f "$out/teekit/tdx-v4-$n.json" ] || continue
        python3 -c 'import base64,json,sys; sys.stdout.buffer.write(base64.b64decode(json.load(open(sys.argv[1]))["tdx"]["quote"]))' \
            "$out/teekit/tdx-v4-$n.json" >"$out/teekit/tdx-v4-$n.bin"
    done
    if [ -f "$out/near-mpc/quote.json" ]; then
        python3 -c 'import json,sys; sys.stdout.buffer.write(bytes(json.load(open(sys.argv[1]))))' \
            "$out/near-mpc/quote.json" >"$out/near-mpc/quote.bin"
    fi
    if [ -f "$out/go-tdx-qpl/blobs.go" ]; then
        # shellcheck disable=SC2016
        sed -n 's/^[[:space:]]*rawPCKCRLBlob = `\([^`]*\)`.*/\1/p' "$out/go-tdx-qpl/blobs.go" |
            base64 -d >"$out/go-tdx-qpl/pck_crl.der"
    fi
    if [ -f "$out/trustee/az-hcl-report.bin" ]; then
        # The Azure HCL report carries the TDREPORT_STRUCT at offset 32.
        dd if="$out/trustee/az-hcl-report.bin" of="$out/trustee/az-hcl-tdreport.bin" bs=1 skip=32 \
            count=1024 2>/dev/null
    fi
}

# A --collateral-dir: TCB info, QE identity, [PCK CRL], the shared issuer chains and root CRL.
colldir() {
    d=$work/$1
    mkdir -p "$d"
    cp "$2" "$d/tcb_info.json" 2>/dev/null || true
    cp "$3" "$d/qe_identity.json" 2>/dev/null || true
    cp "$sh/tcb_info_issuer_chain.pem" "$d/tcb_signing_chain.pem"
    cp "$sh/qe_identity_issuer_chain.pem" "$d/qe_identity_chain.pem"
    cp "$sh/root_ca_crl.der" "$d/root_crl.der"
    if [ -n "${4:-}" ]; then
        cp "$4" "$d/pck_crl.der" 2>/dev/null || true
        cp "$sh/pck_crl_issuer_chain.pem" "$d/pck_crl_chain.pem"
    fi
    echo "$d"
}

pass=0
fail=0
skip=0

# expect NAME WANT(accepted|rejected) STATUS(-|TCB status) -- trustchain args...
expect() {
    name=$1
    want=$2
    status=$3
    shift 4
    for f in "$@"; do
        case $f in
        "$out"/*) [ -e "$f" ] || {
            echo "skip  $name (missing $f)"
            skip=$((skip + 1))
            return 0
        } ;;
        esac
    done
    got=$("$tc" "$@" 2>/dev/null | tail -2) || true
    verdict=$(echo "$got" | grep -oE '^(accepted|rejected)' | tail -1)
    tcb=$(echo "$got" | sed -n 's/^TCB status: \([A-Za-z]*\).*/\1/p')
    [ -n "$tcb" ] || tcb=-
    if [ "$verdict" = "$want" ] && [ "$tcb" = "$status" ]; then
        echo "ok    $name: $verdict, TCB $tcb"
        pass=$((pass + 1))
    else
        echo "FAIL  $name: got ${verdict:-?}, TCB $tcb; expected $want, TCB $status"
        echo "$got" | sed 's/^/      /'
        fail=$((fail + 1))
    fi
}

# expect_rtmr NAME LOG RTMR0 RTMR1 RTMR2 (RTMR3 must be zero unless given as $6)
expect_rtmr() {
    [ -e "$2" ] || {
        echo "skip  $1 (missing $2)"
        skip=$((skip + 1))
        return 0
    }
    z=000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    got=$("$tc" eventlog replay "$2" 2>/dev/null | grep -E '^RTMR[0-3] ' | awk '{print $2}' | tr '\n' ' ')
    want="$3 $4 $5 ${6:-$z} "
    if [ "$got" = "$want" ]; then
        echo "ok    $1: RTMR0..3 as upstream expects"
        pass=$((pass + 1))
    else
        echo "FAIL  $1: RTMRs $got; expected $want"
        fail=$((fail + 1))
    fi
}

# expect_exit NAME CODE -- trustchain args...
expect_exit() {
    name=$1
    want=$2
    shift 3
    rc=0
    "$tc" "$@" >/dev/null 2>&1 || rc=$?
    if [ "$rc" = "$want" ]; then
        echo "ok    $name: exit $rc"
        pass=$((pass + 1))
    else
        echo "FAIL  $name: exit $rc, expected $want"
        fail=$((fail + 1))
    fi
}

# $off is split on purpose.
# shellcheck disable=SC2086
run() {
    out=$1
    build=${2:-build}
    tc=$build/trustchain
    [ -x "$tc" ] || die "$tc not built (make)"
    here=$(cd "$(dirname "$0")/.." && pwd)
    sh=$here/../shared/testdata/tdx/dcap-qvl/split/tdx_quote_outdated
    [ -d "$sh" ] || die "../shared/testdata/tdx is needed for the Intel issuer chains"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT INT TERM
    derive "$out"
    T=$out/trustee A=$out/automata K=$out/teekit Z=$out/zkdcap Q=$out/go-tdx-qpl N=$out/near-mpc
    off="verify tdx --offline --quote"

    echo "== quotes without collateral (signatures, QE binding, PCK chain to the pinned Intel root)"
    expect "trustee tdx_quote_4 (v4, TDX 1.0)" accepted - -- $off "$T/tdx_quote_4.dat" --at 2025-01-01T00:00:00Z
    expect "trustee tdx_quote_5 (v5, body 3)" accepted - -- $off "$T/tdx_quote_5.dat" --at 2025-01-01T00:00:00Z
    expect "trustee tdx_quote_6 (v4, TDX_03 module, 70 trailing bytes)" accepted - -- $off "$T/tdx_quote_6.dat" --at 2025-11-01T00:00:00Z
    expect "trustee tdx_quote_6 before its PCK leaf" rejected - -- $off "$T/tdx_quote_6.dat" --at 2025-01-01T00:00:00Z
    expect "trustee Azure td-quote.bin" accepted - -- $off "$T/az-td-quote.bin" --at 2025-01-01T00:00:00Z
    expect "trustee AAEL_quote_tdx" accepted - -- $off "$T/AAEL_quote_tdx" --at 2025-01-01T00:00:00Z
    expect "automata alibaba_quote_5 (v5)" accepted - -- $off "$A/alibaba_quote_5.dat" --at 2025-06-20T00:00:00Z
    expect "flashtestations quote.bin" accepted - -- $off "$out/flashtestations/quote.bin" --at 2025-06-01T00:00:00Z
    expect "go-tdx-qpl blobs/quote" accepted - -- $off "$Q/quote" --at 2023-02-20T00:00:00Z
    expect "teekit tdx-v4-azure" accepted - -- $off "$K/tdx-v4-azure.bin" --at 2025-09-01T00:00:00Z
    expect "teekit tdx-v4-gcp" accepted - -- $off "$K/tdx-v4-gcp.bin" --at 2025-09-01T00:00:00Z
    expect "teekit tdx-v4-gcp-no-nonce" accepted - -- $off "$K/tdx-v4-gcp-no-nonce.bin" --at 2025-09-01T00:00:00Z
    expect "zkdcap quote_tdx_00806f050000 (8000 bytes, zero padded)" accepted - -- $off "$Z/quote_tdx_00806f050000.dat" --at @1737467060
    expect "zkdcap types quote_v4.dat" accepted - -- $off "$Z/quote_v4.dat" --at 2025-09-01T00:00:00Z
    expect "entropy known_pck_quote_1" accepted - -- $off "$out/entropy/known_pck_quote_1.dat" --at 2025-09-01T00:00:00Z
    expect "MoeMahhouk quote.dat" accepted - -- $off "$out/moemahhouk/quote.dat" --at 2025-09-01T00:00:00Z
    expect "near/mpc quote.json" accepted - -- $off "$N/quote.bin" --at @1786622400
    expect_exit "trustee Azure vTPM quote.bin is a TPM quote, not a TDX quote" 3 -- quote show "$T/az-tpm-quote.bin"
    expect_exit "trustee Azure HCL report's TDREPORT: internal hashes hold" 0 -- quote show "$T/az-hcl-tdreport.bin"

    echo "== quotes with collateral"
    d=$(colldir trustee-q6 "$T/tcbInfo.json" "$T/enclaveIdentity.json" "$A/1025_pck_crl.der")
    expect "trustee tdx_quote_6 + trustee tcbInfo/enclaveIdentity (PCE SVN 11 < 13)" rejected OutOfDate -- $off "$T/tdx_quote_6.dat" --collateral-dir "$d" --at 2025-11-01T00:00:00Z
    d=$(colldir az-0625 "$A/0625_tcbinfo_00806f050000.json" "$A/0625_qe_td.json")
    expect "trustee Azure td-quote + automata 0625 collateral" rejected OutOfDate -- $off "$T/az-td-quote.bin" --collateral-dir "$d" --at 2025-06-20T00:00:00Z
    d=$(colldir az-1025 "$A/1025_tcbinfo_00806f050000.json" "$A/1025_qe_td.json" "$A/1025_pck_crl.der")
    expect "trustee Azure td-quote + automata 1025 collateral" rejected OutOfDate -- $off "$T/az-td-quote.bin" --collateral-dir "$d" --at 2025-11-01T00:00:00Z
    d=$(colldir v5-0625 "$A/0625_tcbinfo_90c06f000000.json" "$A/0625_qe_td.json")
    expect "automata alibaba_quote_5 + automata 0625 collateral" accepted UpToDate -- $off "$A/alibaba_quote_5.dat" --collateral-dir "$d" --at 2025-06-20T00:00:00Z
    expect "trustee tdx_quote_5 + automata 0625 collateral (SGX comp 0: 1 < 2)" rejected NotSupported -- $off "$T/tdx_quote_5.dat" --collateral-dir "$d" --at 2025-06-20T00:00:00Z
    d=$work/qpl
    mkdir -p "$d"
    cp "$Q/tcbinfo.json" "$d/tcb_info.json" 2>/dev/null || true
    cp "$Q/qeidentity.json" "$d/qe_identity.json" 2>/dev/null || true
    cp "$Q/tcbSigningChain.pem" "$d/tcb_signing_chain.pem" 2>/dev/null || true
    cp "$Q/tcbSigningChain.pem" "$d/qe_identity_chain.pem" 2>/dev/null || true
    cp "$Q/pck_crl.der" "$d/pck_crl.der" 2>/dev/null || true
    cp "$Q/pckCrlSigningChain.pem" "$d/pck_crl_chain.pem" 2>/dev/null || true
    expect "go-tdx-qpl quote + its own collateral (2023-02)" accepted UpToDate -- $off "$Q/quote" --collateral-dir "$d" --at 2023-02-20T00:00:00Z
    d=$work/zk
    mkdir -p "$d"
    cp "$Z/tcbinfov3_00806f050000.json" "$d/tcb_info.json" 2>/dev/null || true
    cp "$Z/qeidentityv2_tdx.json" "$d/qe_identity.json" 2>/dev/null || true
    cat "$Z/tcb_signing_cert.pem" "$here/../shared/testdata/tdx/Intel_SGX_Root_CA.pem" \
        >"$d/tcb_signing_chain.pem" 2>/dev/null || true
    cp "$d/tcb_signing_chain.pem" "$d/qe_identity_chain.pem"
    cp "$Z/intel_root_ca_crl.der" "$d/root_crl.der" 2>/dev/null || true
    cp "$Z/pck_platform_crl.der" "$d/pck_crl.der" 2>/dev/null || true
    cp "$sh/pck_crl_issuer_chain.pem" "$d/pck_crl_chain.pem"
    expect "zkdcap quote + zkdcap collateral (upstream: TcbOutOfDate)" rejected OutOfDate -- $off "$Z/quote_tdx_00806f050000.dat" --collateral-dir "$d" --at @1737467060
    expect "near/mpc quote + its dcap-qvl collateral JSON (extra pck_certificate_chain)" accepted UpToDate -- $off "$N/quote.bin" --collateral "$N/collateral.json" --at @1786622400
    for fm in 00806f050000 50806f000000 90c06f000000 b0c06f000000; do
        colldir teekit-$fm "$K/tcbInfo-tdx-$fm.json" "$A/1025_qe_td.json" "$A/1025_pck_crl.der" >/dev/null
    done
    at=2025-10-20T00:00:00Z
    expect "go-tdx-qpl quote + teekit TCB info 2025-10" rejected OutOfDate -- $off "$Q/quote" --collateral-dir "$work/teekit-00806f050000" --at $at
    expect "zkdcap quote + teekit TCB info 2025-10" rejected OutOfDate -- $off "$Z/quote_tdx_00806f050000.dat" --collateral-dir "$work/teekit-00806f050000" --at $at
    expect "teekit tdx-v4-azure + teekit TCB info 2025-10" accepted UpToDate -- $off "$K/tdx-v4-azure.bin" --collateral-dir "$work/teekit-00806f050000" --at $at
    expect "teekit tdx-v4-gcp + teekit TCB info 2025-10" accepted UpToDate -- $off "$K/tdx-v4-gcp.bin" --collateral-dir "$work/teekit-00806f050000" --at $at
    expect "trustee tdx_quote_4 + teekit TCB info 2025-10" rejected OutOfDate -- $off "$T/tdx_quote_4.dat" --collateral-dir "$work/teekit-50806f000000" --at $at
    expect "MoeMahhouk quote + teekit TCB info 2025-10 (SGX comp 7: 3 < 5)" rejected NotSupported -- $off "$out/moemahhouk/quote.dat" --collateral-dir "$work/teekit-90c06f000000" --at $at
    expect "flashtestations quote + teekit TCB info 2025-10" accepted UpToDate -- $off "$out/flashtestations/quote.bin" --collateral-dir "$work/teekit-b0c06f000000" --at $at

    echo "== CC event logs (trustee deps/eventlog tests: test_rtmr_integrity)"
    expect_rtmr "trustee CCEL_data" "$T/CCEL_data" \
        2dc712306a963eadb894ad47dbaa17df44814151555aee11cbb843becca88950ffd079664902e6f22c66f7c8213543f4 \
        0fa3be56af61208bbd179dc7b124988eb929319154663c539d6f46445ecac2fec287075047ff7bd1922829fec28cd3cf \
        000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    expect_rtmr "trustee CCEL_data_ovmf" "$T/CCEL_data_ovmf" \
        8566f998798db09443b244c62de9a3041fb02e2e6936c4396d784bba2e90177329ec5aba3bb484404f2ab9cc90abe193 \
        775b9f6bfe99f8a31396f0d0218e67ffa796d3b96ccf961cbb0deba48c79c00f082cda1a5567c1c16305f1fc210c13c6 \
        94eaf7a7bf398ed8d888c91057ae0261802e4f3df084213a76ca7f0b5055ac9d2241de43cd58d9e8b49c503bbf25f34a
    expect_rtmr "trustee CCEL_data_grub" "$T/CCEL_data_grub" \
        cec0a104f691f60da2387fea3c2de00c4ac035e2bb479ff02edcce69039d9e9907f0b3e55031da3dc7038f423adebd79 \
        6c289e0c62182d41ebe97bdbc9872d10998a08eaa86adcdc684001a363207ee72942c7522cdf00a4bbc3d784bed7b670 \
        08919d017ba0e52cd6d966351c7de16fe76c1d3d3d3da4554239e4c7d16cb8b82a94e7eaea3a0e6e18eb690b999fd31e
    expect_rtmr "trustee CCEL_data_gcp" "$T/CCEL_data_gcp" \
        3300980705adf09d28b707b79699d9874892164280832be2c386a715b6e204e0897fb564a064f810659207ba862b304f \
        204d49f78d29918fe7b2f694e76653861a0c2a018987d2c3a54266eff737232524cf0af68c4d180e2f8c2c0937f21967 \
        000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    expect_rtmr "trustee CCEL_data_grub_gke (RTMR0 EV_NO_ACTION)" "$T/CCEL_data_grub_gke" \
        bc9945139042cf2cc75caf920aa57f14884ecfd7e893bccc51250c8ce90eb53ce72741e6adaa18183eb1331a87d4544a \
        c17cb288a4dee302bb9ed8d27257a168f3264ad68cab53757f37eeaa7039657fa887cad65cf910e0fdc435ff110f8a7b \
        334aeba2c985f8886cea97d1ecffbd512769d528b9a94009583db667ad7d2faa7d37fa145d75b192ceee2d2f10b2eb6d
    expect_exit "trustee CCEL_AAEL_alibabacloud parses (RTMR3 from AAEL event tags)" 0 -- eventlog replay "$T/CCEL_AAEL_alibabacloud"
    expect_exit "trustee CCEL_data_csv (Hygon CSV, SM3 only) parses" 0 -- eventlog replay "$T/CCEL_data_csv"
    expect_exit "trustee CCEL_data vs tdx_quote_4: not from the same TD" 1 -- eventlog replay "$T/CCEL_data" --quote "$T/tdx_quote_4.dat"

    echo "$pass passed, $fail failed, $skip skipped"
    [ "$fail" = 0 ]
}

case ${1:-} in
extract)
    [ $# = 3 ] || die "usage: $0 extract MIRRORS OUT"
    extract "$2" "$3"
    ;;
run)
    [ $# -ge 2 ] || die "usage: $0 run OUT [BUILD]"
    run "$2" "${3:-build}"
    ;;
*) die "usage: $0 extract MIRRORS OUT | run OUT [BUILD]" ;;
esac
