#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# TDX quote verification throughput per core with cached collateral, against the limit of
# two ECDSA P-256 verifications per quote (attestation key over the quote, PCK key over the
# QE report) from `openssl speed -seconds 3 ecdsap256`, measured in the same run.
# Both sides count CPU time (openssl speed counts user CPU time).
# usage: bench/tdx_verify.sh BUILD_DIR
set -eu
build=${1:-build}
bin=$build/bench/tdx_verify
[ -x "$bin" ] || { echo "tdx_verify: $bin not built (make bench)"; exit 1; }
td=${TC_TESTDATA:-../shared/testdata}
q=$td/tdx/dcap-qvl/tdx_quote
c=$td/tdx/dcap-qvl/tdx_quote_collateral.json
if [ -f "$q" ] && [ -f "$c" ]; then
    input="real v4 quote + dcap-qvl collateral (UpToDate, 52 checks)"
    set -- "$q" "$c" 2025-07-19T10:00:34Z 2
else
    input="synthetic v4 quote + collateral (test keys)"
    set -- --synthetic 2
fi
out=$("$bin" "$@")
ossl=$(openssl speed -seconds 3 ecdsap256 2>/dev/null | awk '/nistp256/ {print $NF}')
get() { echo "$out" | sed -n "s/^$1=//p"; }
cached=$(get verify_cached_per_s)
cold=$(get verify_cold_per_s)
inproc=$(get inprocess_ecdsa_verify_per_s)
oneshot=$(get inprocess_ecdsa_oneshot_per_s)
limit=$(awk -v v="$ossl" 'BEGIN { printf "%.0f", v / 2 }')
ratio=$(awk -v a="$cached" -v b="$limit" 'BEGIN { printf "%.0f", 100 * a / b }')
# whole process: `trustchain verify tdx` per invocation (wall time, median of 3 x 10 runs)
tc=$build/trustchain
whole=""
if [ -f "$q" ] && [ -f "$c" ]; then
    for r in 1 2 3; do
        t0=$(date +%s%N)
        i=0
        while [ $i -lt 10 ]; do
            "$tc" verify tdx --quote "$q" --collateral "$c" --at 2025-07-19T10:00:34Z >/dev/null
            i=$((i + 1))
        done
        t1=$(date +%s%N)
        whole="$whole $(( (t1 - t0) / 10000 ))"
    done
    whole=$(echo $whole | tr ' ' '\n' | sort -n | sed -n 2p)
fi
echo "input: $input"
printf '%-58s %10s\n' "measure" "value"
printf '%-58s %10s\n' "openssl speed ecdsap256 verify/s (1 core, user CPU)" "$ossl"
printf '%-58s %10s\n' "limit: quotes/s at 2 ECDSA verifies per quote" "$limit"
printf '%-58s %10s\n' "trustchain in-process, cached collateral, quotes/s/core" "$cached"
printf '%-58s %9s%%\n' "  ratio to the limit (target >= 75%)" "$ratio"
printf '%-58s %10s\n' "in-process ECDSA P-256 verify/s, prepared context (core)" "$inproc"
printf '%-58s %10s\n' "in-process ECDSA P-256 verify/s, one-shot tc_ecdsa_verify_rs" "$oneshot"
printf '%-58s %10s\n' "trustchain in-process, collateral re-parsed per quote, /s" "$cold"
[ -n "$whole" ] && printf '%-58s %8s us\n' "whole process \`trustchain verify tdx\` (wall, median)" "$whole"
echo "(medians of 3 runs; no peer verifier is installed here, so no peer column)"
