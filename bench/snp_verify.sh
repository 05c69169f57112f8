#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SEV-SNP report verification rate on one core, against the limit measured in the same run:
#   limit       `openssl speed -seconds 3 ecdsap384` verify/s (ECDSA P-384, the one signature
#               a report verification must do)
#   cached      in-process parse + tc_snp_verify, chain signatures cached (bench/snp_verify.c)
#   cold        in-process, every certificate parsed and RSA-PSS chain verified each time
#   ecdsa-rs    in-process tc_ecdsa_verify_rs alone (LE r/s conversion + SHA-384 + verify)
#   process     whole `trustchain verify snp` runs per CPU second (cold, exec included)
# Rates are per CPU second of one core (as `openssl speed` counts by default), so other jobs
# on a shared machine do not skew the ratios.  Three rounds, medians.
# usage: bench/snp_verify.sh BUILD_DIR
set -eu
build=${1:-build}
bin="$build/bench/snp_verify"
tc="$build/trustchain"
[ -x "$bin" ] || { echo "snp_verify: $bin not built (run: make bench)"; exit 1; }
if [ -z "${TC_TESTDATA:-}" ] && [ -d ../shared/testdata ]; then
    TC_TESTDATA=$(cd ../shared/testdata && pwd)
fi
export TC_TESTDATA="${TC_TESTDATA:-}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The evidence the whole-process runs verify: real if present, else synthetic.
T="$TC_TESTDATA/snp"
if [ -n "$TC_TESTDATA" ] && [ -f "$T/go-sev-guest/attestation.bin" ]; then
    set -- --at 2026-11-23 --report "$T/go-sev-guest/attestation.bin" \
        --vcek "$T/go-sev-guest/vcek.testcer" --certs "$T/go-sev-guest/ask_ark_milan.pem"
else
    "$build/tests/test_snp_verify" --emit "$tmp/s" >/dev/null
    set -- --at 2025-06-01 --trust-ark "$tmp/s/ark.pem" --report "$tmp/s/report.bin" \
        --certs "$tmp/s/chain.pem"
fi
"$tc" verify snp --offline --cache "$tmp/cache" "$@" >/dev/null 2>&1 || { echo "snp_verify: the CLI does not verify the sample"; exit 1; }

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for round in 1 2 3; do
    openssl speed -seconds 3 ecdsap384 2>/dev/null | awk '/384 bits ecdsa/ { print $NF }' >>"$tmp/limit"
    "$bin" 2 >"$tmp/in"
    head -n 1 "$tmp/in" >"$tmp/source"
    for m in ecdsa cached cold; do
        awk -v m="$m" '$1 == m { print $2 }' "$tmp/in" >>"$tmp/$m"
    done
    # Whole process: 20 runs, divided by their CPU time (user + system, as a core sees it).
    python3 - "$tc" "$tmp/cache" "$@" >>"$tmp/process" <<'PY'
import resource, subprocess, sys
tc, cache, args = sys.argv[1], sys.argv[2], sys.argv[3:]
n = 20
for _ in range(n):
    subprocess.run([tc, "verify", "snp", "--offline", "--cache", cache] + args,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.1f" % (n / (r.ru_utime + r.ru_stime)))
PY
done

limit=$(median "$tmp/limit")
ecdsa=$(median "$tmp/ecdsa")
cached=$(median "$tmp/cached")
cold=$(median "$tmp/cold")
process=$(median "$tmp/process")
sed 's/^# /# sample: /' "$tmp/source"
echo "# command: bench/snp_verify.sh $build   (3 rounds, medians; 1 core)"
printf '%-44s %10s %10s\n' "measure" "per second" "vs limit"
row() { awk -v n="$1" -v v="$2" -v l="$limit" 'BEGIN { printf "%-44s %10.1f %9.1f%%\n", n, v, 100 * v / l }'; }
row "openssl speed ecdsap384 verify (the limit)" "$limit"
row "tc_ecdsa_verify_rs alone (in-process)" "$ecdsa"
row "reports verified, cached chain (in-process)" "$cached"
row "reports verified, cold chain (in-process)" "$cold"
row "trustchain verify snp (whole process)" "$process"
awk -v c="$cached" -v l="$limit" 'BEGIN { r = 100 * c / l;
    printf "cached chain: %.1f%% of the ECDSA P-384 limit (target >= 80%%): %s\n", r,
           (r >= 80) ? "met" : "NOT met" }'
