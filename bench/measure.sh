#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark `trustchain measure` against the reference tool sev-snp-measure (Python) and against
# the hardware limit (SHA-384 over the same bytes), all measured in this run.
#   1. whole process: median wall time of N runs each (interleaved), and the ratio;
#   2. in process: tc_measure_sev vs one EVP SHA-384 pass over the same bytes ($B/bench/measure_inproc);
#   3. peak RSS (/usr/bin/time -v) with a 128 MiB kernel.
# usage: bench/measure.sh [BUILD_DIR]   (make bench; reference: $SEV_SNP_MEASURE or ../peers/sev-snp-measure)
# Targets: >= 20x faster than the reference as whole processes; <= 1.5x the SHA-384 time in
# process; peak RSS < 16 MiB with a 128 MiB kernel.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -euo pipefail
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
tc=$top/$build/trustchain
inproc=$top/$build/bench/measure_inproc
ref=${SEV_SNP_MEASURE:-$top/../peers/sev-snp-measure}
runs=${RUNS:-21}
[ -x "$tc" ] || { echo "build $tc first (make)"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ovmf=/usr/share/ovmf/OVMF.fd
fx=${TC_TESTDATA:-$top/../shared/testdata}/ovmf
[ -f "$ovmf" ] || { echo "skip: $ovmf absent (apt-get install ovmf)"; exit 0; }
head -c 1048576 /dev/zero | tr '\0' 'K' >"$work/kernel.bin"
head -c 524288 /dev/zero | tr '\0' 'I' >"$work/initrd.bin"
head -c 134217728 /dev/zero | tr '\0' 'B' >"$work/kernel128.bin"
have_ref=0
if [ -f "$ref/sev-snp-measure.py" ] && python3 -c 'import cryptography' 2>/dev/null; then
    have_ref=1
    echo "reference: $ref ($(cd "$ref" && git rev-parse --short HEAD 2>/dev/null || echo '?'))"
else
    echo "reference sev-snp-measure not found at $ref: whole-process ratios skipped"
fi
have_hf=0
if command -v hyperfine >/dev/null 2>&1; then
    have_hf=1
    echo "wall times: hyperfine -N (no shell between runs)"
else
    echo "wall times: bash + date around each run (apt-get install hyperfine for exact process times)"
fi
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# cpu N CMD...: mean CPU time (user + sys, ms) of N runs of CMD, from the shell's `times`
# (children's totals at ms resolution): steadier than wall time on a shared machine.
cpu() {
    local n=$1
    shift
    (for _ in $(seq "$n"); do "$@" >/dev/null; done; times) | tail -n 1 |
        awk -v n="$n" '{ t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] }
            printf "%.2f", t * 1000 / n }'
}

# whole NAME RUNS ARGS...: median ms of trustchain and of the reference, same args, interleaved
whole() {
    local name=$1 n=$2 i t0 t1 a b ta tb
    shift 2
    : >"$work/t_tc"
    : >"$work/t_ref"
    a=$("$tc" measure "$@")
    b=""
    [ "$have_ref" = 1 ] && b=$(python3 "$ref/sev-snp-measure.py" "$@")
    if [ "$have_ref" = 1 ] && [ "$a" != "$b" ]; then
        echo "  $name: DIGESTS DIFFER ($a vs $b)"
        return
    fi
    if [ "$have_hf" = 1 ]; then
        # hyperfine runs the commands without a shell in between (-N): the wall time is the
        # process alone, not also a fork of bash and two `date`s.
        local q cmds=()
        q=$(printf '%q ' "$@")
        cmds=("$tc measure $q")
        [ "$have_ref" = 1 ] && cmds+=("python3 $ref/sev-snp-measure.py $q")
        hyperfine -N --warmup 3 --runs "$n" --export-json "$work/hf.json" "${cmds[@]}" >/dev/null 2>&1
        python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]
for i, f in enumerate(sys.argv[2:]):
    if i < len(r): open(f, "w").write("\n".join(str(int(t * 1e6)) for t in r[i]["times"]) + "\n")' \
            "$work/hf.json" "$work/t_tc" "$work/t_ref"
    else
        for i in $(seq "$n"); do
            t0=$(now); "$tc" measure "$@" >/dev/null; t1=$(now)
            echo $(((t1 - t0) / 1000)) >>"$work/t_tc"
            if [ "$have_ref" = 1 ]; then
                t0=$(now); python3 "$ref/sev-snp-measure.py" "$@" >/dev/null; t1=$(now)
                echo $(((t1 - t0) / 1000)) >>"$work/t_ref"
            fi
        done
    fi
    ta=$(median <"$work/t_tc")
    ca=$(cpu "$n" "$tc" measure "$@")
    if [ "$have_ref" = 1 ]; then
        tb=$(median <"$work/t_ref")
        cb=$(cpu "$n" python3 "$ref/sev-snp-measure.py" "$@")
        awk -v n="$name" -v a="$ta" -v b="$tb" -v r="$n" -v ca="$ca" -v cb="$cb" 'BEGIN {
            x = b / a; y = cb / ca
            printf "  %-40s wall %7.2f vs %7.2f ms %5.1fx%s | cpu %7.2f vs %7.2f ms %5.1fx%s (%d runs)\n",
            n, a / 1000, b / 1000, x, (x >= 20 ? " " : "!"), ca, cb, y, (y >= 20 ? " " : "!"), r }'
    else
        awk -v n="$name" -v a="$ta" -v ca="$ca" 'BEGIN { printf "  %-40s wall %7.2f ms | cpu %7.2f ms\n", n, a / 1000, ca }'
    fi
}

echo
echo "== whole process: trustchain vs sev-snp-measure, median wall time and mean CPU time (user+sys)"
echo "   per process, ratio ('!' = below the 20x target); the digests are compared first"
whole "snp, OVMF.fd, 4 vCPUs (make demo)" "$runs" --mode snp --vcpus 4 --vcpu-type EPYC-v4 --ovmf "$ovmf"
whole "seves, OVMF.fd, 4 vCPUs" "$runs" --mode seves --vcpus 4 --vcpu-type EPYC-v4 --ovmf "$ovmf"
whole "snp:ovmf-hash, OVMF.fd" "$runs" --mode snp:ovmf-hash --ovmf "$ovmf"
whole "snp, OVMF.fd, 64 vCPUs, gce" "$runs" --mode snp --vcpus 64 --vcpu-type EPYC-Genoa --vmm-type gce --ovmf "$ovmf"
if [ -d "$fx" ]; then
    whole "snp, 2 MiB fw + 1 MiB kernel + initrd" "$runs" --mode snp --vcpus 4 --vcpu-type EPYC-v4 \
        --ovmf "$fx/synthetic_debianOVMF_with_AmdSev_suffix.fd" --kernel "$work/kernel.bin" \
        --initrd "$work/initrd.bin" --append "console=ttyS0"
    whole "snp:svsm, 3.5 MiB OVMF + 1.1 MiB SVSM" "$runs" --mode snp:svsm --vcpus 4 --vcpu-type EPYC-v4 \
        --ovmf "$fx/svsm_ovmf.fd" --svsm "$fx/svsm.bin" --vars-size 540672
    whole "snp, 2 MiB fw + 128 MiB kernel" 3 --mode snp --vcpus 4 --vcpu-type EPYC-v4 \
        --ovmf "$fx/synthetic_debianOVMF_with_AmdSev_suffix.fd" --kernel "$work/kernel128.bin"
fi
t0=$(now); for i in $(seq "$runs"); do openssl dgst -sha384 "$ovmf" >/dev/null; done; t1=$(now)
awk -v t=$(((t1 - t0) / 1000 / runs)) 'BEGIN { printf "  %-44s %8.2f ms (mean; a process that only hashes the file)\n", "openssl dgst -sha384 OVMF.fd", t / 1000 }'

echo
echo "== in process: digest vs SHA-384 over the same bytes (the hardware limit), medians"
if [ -x "$inproc" ]; then
    "$inproc" "$ovmf" "" 31 | sed 's/^/  OVMF.fd: /'
    if [ -d "$fx" ]; then
        "$inproc" "$fx/synthetic_debianOVMF_with_AmdSev_suffix.fd" "$work/kernel128.bin" 5 |
            sed 's/^/  fixture: /'
    fi
    echo "  (SHA-384 throughput on this CPU: $(openssl speed -evp sha384 -bytes 4096 -seconds 1 2>/dev/null | awk '/^sha384/ {print $2}') per second in 4 KiB blocks)"
else
    echo "  $inproc not built (make bench builds it)"
fi

echo
echo "== peak RSS with a 128 MiB kernel (/usr/bin/time -v)"
if [ -x /usr/bin/time ] && [ -d "$fx" ]; then
    args=(--mode snp --vcpus 4 --vcpu-type EPYC-v4 --ovmf "$fx/synthetic_debianOVMF_with_AmdSev_suffix.fd"
        --kernel "$work/kernel128.bin" --initrd "$work/initrd.bin")
    kb=$(/usr/bin/time -v "$tc" measure "${args[@]}" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {print $2+0}')
    awk -v k="$kb" 'BEGIN { printf "  trustchain       %7.1f MiB %s\n", k / 1024, (k < 16384 ? "(< 16 MiB)" : "(>= 16 MiB!)") }'
    if [ "$have_ref" = 1 ]; then
        kb=$(/usr/bin/time -v python3 "$ref/sev-snp-measure.py" "${args[@]}" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {print $2+0}')
        awk -v k="$kb" 'BEGIN { printf "  sev-snp-measure  %7.1f MiB\n", k / 1024 }'
    fi
else
    echo "  skipped: needs /usr/bin/time (Debian package 'time') and ../shared/testdata"
fi
