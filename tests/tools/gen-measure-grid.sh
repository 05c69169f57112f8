#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Generate tests/data/measure-grid.tsv: the output of the REFERENCE tool, sev-snp-measure
# (virtee/sev-snp-measure), over a wide grid of flag combinations.  It is our oracle: the peer's
# output on inputs we chose, replayed by tests/cli/measure_vectors.sh against `trustchain measure`.
#
# Reference used for the committed TSV:
#   https://github.com/virtee/sev-snp-measure  commit 8f2b337e38bc83f87cd30f3253cdfe8e3e12cc3a
#   (VERSION 0.0.13 plus "Allow zero as value for vcpu sig & family"), run with Debian 12's
#   python3 + python3-cryptography.
#
# usage: tests/tools/gen-measure-grid.sh [REFERENCE_CHECKOUT] > tests/data/measure-grid.tsv
#   REFERENCE_CHECKOUT defaults to $SEV_SNP_MEASURE or ../peers/sev-snp-measure.
#   Firmware: ../shared/testdata/ovmf ($FIXTURES) and Debian 12's ovmf package
#   (2022.11-6+deb12u2: /usr/share/ovmf/OVMF.fd, /usr/share/OVMF/*).
#
# Columns: cmdline-args (shell-quoted; $FIXTURES, $INPUTS, $CORPUS are placeholders), output (the
# reference's stdout, or "ERROR rc=N: <its last stderr line>"), note:
#   ""                  trustchain must print exactly `output` (or refuse, for ERROR rows)
#   "refuse: <why>"     a deliberate divergence: the reference printed a digest for a guest that
#                       cannot launch as described; trustchain must refuse (README: measure)
#   "vmsa-sha256=a,b"   --dump-vmsa rows: SHA-256 of each vmsa<N>.bin the reference wrote
# $INPUTS files are made by make_inputs below (the first four as ../shared/testdata/measure/README.md
# describes them); the replay test makes the same files.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
REF=${1:-${SEV_SNP_MEASURE:-$top/../peers/sev-snp-measure}}
REF=$(cd "$REF" && pwd)
FIXTURES=$(cd "$top/../shared/testdata/ovmf" && pwd)
CORPUS=$top/fuzz/corpus/ovmf # synthetic images: tests/tools/gen-ovmf-corpus.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
INPUTS=$work/inputs
mkdir -p "$INPUTS" "$work/cwd"

make_inputs() { # dir
    head -c 1048576 /dev/zero | tr '\0' 'K' >"$1/kernel.bin"
    head -c 524288 /dev/zero | tr '\0' 'I' >"$1/initrd.bin"
    (head -c 1000003 /dev/zero | tr '\0' 'K'; printf 'X') >"$1/kernel_odd.bin"
    : >"$1/empty.bin"
}
make_inputs "$INPUTS"

ref() { # args...: run the reference in a scratch cwd (for --dump-vmsa)
    (cd "$work/cwd" && python3 "$REF/sev-snp-measure.py" "$@")
}

# row ARGS [NOTE]: ARGS is shell-quoted and may use $FIXTURES / $INPUTS / $CORPUS literally.
# NOTE "maybe-refuse: WHY" becomes "refuse: WHY" if the reference printed a digest, else nothing.
row() {
    local args=$1 note=${2:-} real out rc vm f
    real=${args//\$FIXTURES/$FIXTURES}
    real=${real//\$INPUTS/$INPUTS}
    real=${real//\$CORPUS/$CORPUS}
    eval "set -- $real"
    rm -f "$work"/cwd/vmsa*.bin
    set +e
    out=$(ref "$@" 2>"$work/err")
    rc=$?
    set -e
    if [ "$rc" != 0 ]; then
        out="ERROR rc=$rc: $(grep -v '^[[:space:]]*$' "$work/err" | tail -n 1)"
        out=${out//$INPUTS/\$INPUTS}
        out=${out//$FIXTURES/\$FIXTURES}
        out=${out//$CORPUS/\$CORPUS}
    fi
    case "$note" in maybe-refuse:*)
        if [ "$rc" = 0 ]; then note="refuse:${note#maybe-refuse:}"; else note=""; fi ;;
    esac
    case "$args" in
    *--dump-vmsa*)
        if [ "$rc" = 0 ]; then
            vm=""
            for f in $(cd "$work/cwd" && ls vmsa*.bin | sort -V); do
                vm="$vm${vm:+,}$(sha256sum "$work/cwd/$f" | cut -c1-64)"
            done
            note="vmsa-sha256=$vm"
        fi
        ;;
    esac
    printf '%s\t%s\t%s\n' "$args" "$out" "$note"
}

types=(EPYC EPYC-v1 EPYC-v2 EPYC-IBPB EPYC-v3 EPYC-v4 EPYC-Rome EPYC-Rome-v1 EPYC-Rome-v2
    EPYC-Rome-v3 EPYC-Milan EPYC-Milan-v1 EPYC-Milan-v2 EPYC-Genoa EPYC-Genoa-v1 EPYC-Turin)
vmms=(QEMU ec2 gce)
fws=('$FIXTURES/ovmf_AmdSev_suffix.bin' '$FIXTURES/ovmf_OvmfX64_suffix.bin'
    '$FIXTURES/synthetic_debianOVMF_with_AmdSev_suffix.fd' '$FIXTURES/svsm_ovmf.fd'
    /usr/share/ovmf/OVMF.fd /usr/share/OVMF/OVMF_CODE.fd /usr/share/OVMF/OVMF_CODE.secboot.fd)
amdsev='$FIXTURES/ovmf_AmdSev_suffix.bin'
synth='$FIXTURES/synthetic_debianOVMF_with_AmdSev_suffix.fd'
k='$INPUTS/kernel.bin'
i='$INPUTS/initrd.bin'

printf 'cmdline-args\toutput\tnote\n'

# A. mode x firmware x vCPUs x VMM (vCPU type rotating through all of them)
n=0
for fw in "${fws[@]}"; do
    row "--mode sev --ovmf $fw"
    for mode in seves snp; do
        for vc in 1 2 4; do
            for vmm in "${vmms[@]}"; do
                t=${types[$((n % ${#types[@]}))]}
                n=$((n + 1))
                row "--mode $mode --vcpus $vc --vcpu-type $t --vmm-type $vmm --ovmf $fw"
            done
        done
    done
done

# B. every vCPU type, SEV-ES and SNP, QEMU (the type reaches RDX) and ec2 (it does not)
for t in "${types[@]}"; do
    for mode in seves snp; do
        row "--mode $mode --vcpus 2 --vcpu-type $t --ovmf $amdsev"
    done
    row "--mode snp --vcpus 3 --vcpu-type $t --vmm-type ec2 --ovmf /usr/share/ovmf/OVMF.fd"
done

# C. kernel / initrd / cmdline (firmware with kernel-hash support)
kargs=("--kernel $k"
    "--kernel $k --initrd $i"
    "--kernel $k --append 'console=ttyS0 loglevel=7'"
    "--kernel $k --initrd $i --append 'console=ttyS0 loglevel=7'"
    "--kernel \$INPUTS/kernel_odd.bin --initrd $i --append 'root=/dev/vda1 ro'"
    "--kernel \$INPUTS/empty.bin"
    "--kernel $k --initrd \$INPUTS/empty.bin --append ''"
    "--kernel $k --append 'quiet \"quoted words\" unicode=é€ end'"
    "--kernel \$INPUTS/kernel_odd.bin --append '$(printf 'a%.0s' $(seq 1 300))'"
    "--kernel $k --initrd \$INPUTS/kernel_odd.bin")
n=0
for ka in "${kargs[@]}"; do
    for fw in "$amdsev" "$synth"; do
        row "--mode sev --ovmf $fw $ka"
        for mode in seves snp; do
            vmm=${vmms[$((n % 3))]}
            t=${types[$(((n * 5) % ${#types[@]}))]}
            n=$((n + 1))
            row "--mode $mode --vcpus $((n % 4 + 1)) --vcpu-type $t --vmm-type $vmm --ovmf $fw $ka"
        done
    done
done
# ... and firmware without it: refused by both
for fw in '$FIXTURES/ovmf_OvmfX64_suffix.bin' /usr/share/ovmf/OVMF.fd /usr/share/OVMF/OVMF_CODE.fd '$FIXTURES/svsm_ovmf.fd'; do
    row "--mode sev --ovmf $fw --kernel $k"
    row "--mode seves --vcpus 1 --vcpu-type EPYC-v4 --ovmf $fw --kernel $k --initrd $i"
    row "--mode snp --vcpus 2 --vcpu-type EPYC-Milan --ovmf $fw --kernel $k --append x"
done

# D. guest features (SNP's SEV_FEATURES; ignored by seves)
for gf in 0x0 0x1 0x21 0x3f 0x80 0x4001 0xffffffff 0xffffffffffffffff 33 0b101 0o7; do
    for vmm in "${vmms[@]}"; do
        row "--mode snp --vcpus 2 --vcpu-type EPYC-Genoa --vmm-type $vmm --ovmf $amdsev --guest-features $gf"
    done
    row "--mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf /usr/share/ovmf/OVMF.fd --guest-features $gf --kernel $k" # ERROR: no kernel hashes
done
row "--mode seves --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev --guest-features 0x21"
row "--mode snp --vcpus 4 --vcpu-type EPYC-Genoa --ovmf $synth --guest-features 0x21 --kernel $k --initrd $i --append 'console=ttyS0'"

# E. vCPU counts
for vc in 1 3 5 8 16 64 128; do
    row "--mode snp --vcpus $vc --vcpu-type EPYC-Milan --ovmf $amdsev"
    row "--mode seves --vcpus $vc --vcpu-type EPYC-Rome --vmm-type gce --ovmf /usr/share/ovmf/OVMF.fd"
done
row "--mode snp --vcpus 64 --vcpu-type EPYC-Genoa --vmm-type ec2 --ovmf $synth --kernel $k --initrd $i --append 'console=ttyS0' --guest-features 0x21"

# F. signature overrides: --vcpu-sig, --vcpu-family/model/stepping (family > sig > type)
for sig in 0x800f12 0xa00f11 0xa10f11 0xb00f00 8392466 0 0xffffffff 0X830F10; do
    row "--mode snp --vcpus 2 --vcpu-sig $sig --ovmf $amdsev"
    row "--mode seves --vcpus 2 --vcpu-sig $sig --ovmf /usr/share/ovmf/OVMF.fd"
done
row "--mode snp --vcpus 2 --vcpu-type EPYC-Turin --vcpu-sig 0x800f12 --ovmf $amdsev"
for fms in "23 1 2" "23 49 0" "25 1 1" "25 17 0" "26 0 0" "15 0 0" "16 255 15" "0 0 0" "270 128 7" "6 15 3"; do
    set -- $fms
    row "--mode snp --vcpus 2 --vcpu-family $1 --vcpu-model $2 --vcpu-stepping $3 --ovmf $amdsev"
    row "--mode seves --vcpus 3 --vcpu-family $1 --vcpu-model $2 --vcpu-stepping $3 --ovmf $synth --kernel $k"
done
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --vcpu-sig 0x1 --vcpu-family 25 --vcpu-model 17 --vcpu-stepping 0 --ovmf $amdsev"
row "--mode snp --vcpus 2 --vcpu-sig 0x800f12 --vmm-type ec2 --ovmf $amdsev"
row "--mode snp --vcpus 2 --vmm-type ec2 --ovmf $amdsev"
row "--mode snp --vcpus 2 --vmm-type gce --ovmf /usr/share/ovmf/OVMF.fd --guest-features 0x21"
row "--mode seves --vcpus 2 --vmm-type gce --ovmf $amdsev"

# G. snp:ovmf-hash, and snp with --snp-ovmf-hash
for fw in "${fws[@]}" '$FIXTURES/svsm.bin'; do
    row "--mode snp:ovmf-hash --ovmf $fw"
done
row "--mode snp:ovmf-hash --ovmf $amdsev --output-format base64"
row "--mode snp:ovmf-hash --ovmf $amdsev --vcpus 4 --vcpu-type EPYC-v4 --kernel $k"
for fw in "$amdsev" "$synth" /usr/share/ovmf/OVMF.fd; do
    real=${fw//\$FIXTURES/$FIXTURES}
    h=$(ref --mode snp:ovmf-hash --ovmf "$real")
    row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $fw --snp-ovmf-hash $h"
    row "--mode snp --vcpus 1 --vcpu-type EPYC-Genoa --vmm-type gce --ovmf $fw --snp-ovmf-hash $h --guest-features 0x21"
    case "$fw" in /usr/*) ;; *)
        row "--mode snp --vcpus 4 --vcpu-type EPYC-Milan --vmm-type ec2 --ovmf $fw --snp-ovmf-hash $h --kernel $k --initrd $i --append 'console=ttyS0'" ;;
    esac
done
# a hash that is not this firmware's: the chain simply starts from it
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev --snp-ovmf-hash $(printf '%096d' 0)"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev --snp-ovmf-hash $(printf 'ab%.0s' $(seq 1 48))"

# H. snp:svsm (QEMU only)
svsm='--ovmf $FIXTURES/svsm_ovmf.fd --svsm $FIXTURES/svsm.bin'
for vc in 1 2 4 8 64; do
    for vs in 540672 131072 4096 1048576; do
        t=${types[$(((vc + vs / 4096) % ${#types[@]}))]}
        row "--mode snp:svsm --vcpus $vc --vcpu-type $t $svsm --vars-size $vs"
    done
done
row "--mode snp:svsm --vcpus 2 --vcpu-type EPYC-v4 $svsm --vars-file /usr/share/OVMF/OVMF_VARS_4M.fd"
row "--mode snp:svsm --vcpus 4 --vcpu-type EPYC-Genoa $svsm --vars-file /usr/share/OVMF/OVMF_VARS.fd"
row "--mode snp:svsm --vcpus 2 --vcpu-sig 0xa10f11 $svsm --vars-size 540672"
row "--mode snp:svsm --vcpus 2 --vcpu-family 25 --vcpu-model 17 --vcpu-stepping 0 $svsm --vars-size 540672 --output-format base64"
row "--mode snp:svsm --vcpus 2 --vcpu-type EPYC-v4 --vmm-type QEMU $svsm --vars-size 540672 --guest-features 0x1"
row "--mode snp:svsm --vcpus 2 --vcpu-type EPYC-v4 --ovmf /usr/share/ovmf/OVMF.fd --svsm \$FIXTURES/svsm.bin --vars-size 540672"
for vmm in ec2 gce; do
    row "--mode snp:svsm --vcpus 2 --vcpu-type EPYC-v4 --vmm-type $vmm $svsm --vars-size 540672"
done
row "--mode snp:svsm --vcpus 2 --vcpu-type EPYC-v4 $svsm"
row "--mode snp:svsm --vcpus 2 --vcpu-type EPYC-v4 $svsm --vars-size 0"
row "--mode snp:svsm --vcpus 2 --vcpu-type EPYC-v4 $svsm --vars-size 4096 --vars-file /usr/share/OVMF/OVMF_VARS.fd"

# I. output formats, verbose, --dump-vmsa, flag spellings argparse accepts
row "--mode sev --ovmf $amdsev --output-format base64"
row "--mode seves --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev --output-format base64"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev --output-format base64"
row "--mode snp --vcpus 4 --vcpu-type EPYC-Genoa --vmm-type gce --ovmf /usr/share/ovmf/OVMF.fd --output-format base64 --guest-features 0x21"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev --output-format base64 --kernel $k --initrd $i"
row "-v --mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev"
row "--verbose --mode seves --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev --output-format base64"
row "-v --mode sev --ovmf $amdsev"
row "-v --mode snp:svsm --vcpus 2 --vcpu-type EPYC-v4 $svsm --vars-size 540672"
row "--mode snp --vcpus 3 --vcpu-type EPYC-Milan --ovmf $amdsev --dump-vmsa"
row "--mode seves --vcpus 2 --vcpu-type EPYC-v4 --vmm-type ec2 --ovmf /usr/share/ovmf/OVMF.fd --dump-vmsa"
row "--mode snp --vcpus 2 --vmm-type gce --ovmf $synth --guest-features 0x21 --dump-vmsa"
row "--mode snp:svsm --vcpus 2 --vcpu-type EPYC-v4 $svsm --vars-size 540672 --dump-vmsa"
row "--mode=snp --vcpus=2 --vcpu-type=EPYC-v4 --ovmf=$amdsev --guest-features=0x21"
row "--mode snp --vcpu 2 --vcpu-type EPYC-v4 --ovmf $amdsev"
row "--mode snp --vcpus 2 --vcpu-t EPYC-v4 --ov $amdsev --guest-f 0x21"
row "--mode snp --vcpus 2 --vcpus 3 --vcpu-type EPYC --vcpu-type EPYC-Genoa --ovmf $amdsev"
row "--mode snp --vcpus ' 2 ' --vcpu-type EPYC-v4 --ovmf $amdsev --guest-features 0x_21"
row "--mode snp --vcpus 02 --vcpu-type EPYC-v4 --ovmf $amdsev --guest-features 1_0"

# J. refusals the reference also makes (argument errors, missing files, bad combinations)
row "--mode snp --vcpu-type EPYC-v4 --ovmf $amdsev"
row "--mode seves --vcpu-type EPYC-v4 --ovmf $amdsev"
row "--mode snp --vcpus 2 --ovmf $amdsev"
row "--mode seves --vcpus 2 --ovmf $amdsev"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v5 --ovmf $amdsev"
row "--mode snp --vcpus 2 --vcpu-type epyc-v4 --ovmf $amdsev" # argparse choices are case-sensitive; see README
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --vmm-type kvm --ovmf $amdsev"
row "--mode sev --vmm-type azure --ovmf $amdsev"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev --initrd $i"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev --append console=ttyS0"
row "--mode sev --ovmf $amdsev --initrd $i"
row "--mode seves --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev --snp-ovmf-hash $(printf '%096d' 0)"
row "--mode sev --ovmf $amdsev --dump-vmsa"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf \$INPUTS/missing.fd"
row "--mode sev --ovmf \$INPUTS/missing.fd"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev --kernel \$INPUTS/missing.bin"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev --kernel $k --initrd \$INPUTS/missing.bin"
row "--mode sev --ovmf $amdsev --kernel \$INPUTS/missing.bin"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev --vcpus abc"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev --guest-features zz"
row "--mode snp --vcpus 2 --vcpu-sig 0xg --ovmf $amdsev"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev --output-format raw"
row "--mode sev-snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4"
row "--vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev --bogus"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev extra"
row "--mode snp --vcpus 2 --vcpu-family 25 --ovmf $amdsev"
row "--mode snp --vcpus 2 --vcpu-family 25 --vcpu-model 1 --ovmf $amdsev"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf /usr/share/OVMF/OVMF_VARS.fd"
row "--mode seves --vcpus 2 --vcpu-type EPYC-v4 --ovmf /usr/share/OVMF/OVMF_VARS.fd"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev --snp-ovmf-hash 00"
row "--mode snp:svsm --vcpus 2 --vcpu-type EPYC-v4 --ovmf \$FIXTURES/svsm_ovmf.fd --vars-size 540672"
row "--mode snp:svsm --vcpus 2 --vcpu-type EPYC-v4 --ovmf \$FIXTURES/svsm_ovmf.fd --svsm \$INPUTS/missing.bin --vars-size 540672"
row "--mode snp:svsm --vcpus 2 --vcpu-type EPYC-v4 $svsm --vars-file \$INPUTS/missing.bin"

# K. deliberate divergences: the reference prints a digest, trustchain refuses (README: measure)
for f in OVMF_CODE_4M.fd OVMF_CODE_4M.secboot.fd OVMF_CODE_4M.ms.fd; do
    for mode in sev seves snp snp:ovmf-hash; do
        row "--mode $mode --vcpus 2 --vcpu-type EPYC-v4 --ovmf /usr/share/OVMF/$f" "refuse: firmware without SEV metadata"
    done
done
row "--mode sev --ovmf /usr/share/OVMF/OVMF_VARS.fd" "refuse: not a firmware (no footer table)"
row "--mode snp:ovmf-hash --ovmf /usr/share/OVMF/OVMF_VARS_4M.fd" "refuse: not a firmware (no footer table)"
row "--mode snp --vcpus 0 --vcpu-type EPYC-v4 --ovmf $amdsev" "refuse: no vCPU"
row "--mode seves --vcpus -1 --vcpu-type EPYC-v4 --ovmf $amdsev" "refuse: no vCPU"
row "--mode snp:svsm --vcpus 2 --vcpu-type EPYC-v4 $svsm --vars-size 540672 --kernel $k" "refuse: snp:svsm does not measure a kernel"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --vcpu-model 17 --ovmf $amdsev" "refuse: --vcpu-model without --vcpu-family"
row "--mode snp --vcpus 2 --vcpu-family 25 --vcpu-model 300 --vcpu-stepping 0 --ovmf $amdsev" "refuse: vCPU model out of range"
row "--mode snp --vcpus 2 --vcpu-family 25 --vcpu-model 1 --vcpu-stepping 16 --ovmf $amdsev" "refuse: vCPU stepping out of range"
row "--mode snp --vcpus 2 --vcpu-family 271 --vcpu-model 1 --vcpu-stepping 1 --ovmf $amdsev" "refuse: vCPU family out of range"
row "--mode snp --vcpus 2 --vcpu-sig 0x100000000 --ovmf $amdsev" "refuse: vCPU signature beyond 32 bits"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $amdsev --guest-features -1" "refuse: negative guest features"
row "--mode snp:svsm --vcpus 2 --vcpu-type EPYC-v4 $svsm --vars-size 1000" "refuse: OVMF_VARS size not page-aligned"

# L. the synthetic images of fuzz/corpus/ovmf (tests/tools/gen-ovmf-corpus.py): the valid ones must
# match; the broken ones are refused by trustchain even where the reference prints a digest.
valid="kernel_hashes no_kernel_hashes no_hashes_entry three_pages cpuid_first svsm_like"
valid="$valid hashes_outside_section mutated_00e871b6 mutated_2c1e8501 mutated_50cd6acc"
for f in "$CORPUS"/*.bin; do
    b=$(basename "$f" .bin)
    c="\$CORPUS/$b.bin"
    if [[ " $valid " == *" $b "* ]]; then
        row "--mode sev --ovmf $c"
        row "--mode snp:ovmf-hash --ovmf $c"
        for vmm in "${vmms[@]}"; do
            row "--mode seves --vcpus 3 --vcpu-type EPYC-Rome --vmm-type $vmm --ovmf $c"
            row "--mode snp --vcpus 3 --vcpu-type EPYC-Milan --vmm-type $vmm --ovmf $c --guest-features 0x21"
        done
    elif [ "$b" = reset_zero ]; then # AP entry 0: one vCPU works, more cannot start
        row "--mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf $c"
        row "--mode seves --vcpus 1 --vcpu-type EPYC-v4 --ovmf $c"
        row "--mode sev --ovmf $c"
        row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $c"
    elif [ "$b" = no_reset_block ]; then # plain SEV starts no AP: it does not need the block
        row "--mode sev --ovmf $c"
        row "--mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf $c"
    else
        row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf $c" "maybe-refuse: malformed firmware ($b)"
        row "--mode seves --vcpus 2 --vcpu-type EPYC-v4 --vmm-type ec2 --ovmf $c" "maybe-refuse: malformed firmware ($b)"
        row "--mode sev --ovmf $c" "maybe-refuse: malformed firmware ($b)"
    fi
done
for vmm in "${vmms[@]}"; do
    row "--mode snp --vcpus 2 --vcpu-type EPYC-Genoa --vmm-type $vmm --ovmf \$CORPUS/kernel_hashes.bin --kernel $k --initrd $i --append 'console=ttyS0'"
    row "--mode seves --vcpus 2 --vcpu-type EPYC-Genoa --vmm-type $vmm --ovmf \$CORPUS/kernel_hashes.bin --kernel $k --initrd $i"
done
row "--mode sev --ovmf \$CORPUS/kernel_hashes.bin --kernel \$INPUTS/kernel_odd.bin --append 'a b c'"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf \$CORPUS/no_kernel_hashes.bin --kernel $k"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf \$CORPUS/hashes_outside_section.bin"
row "--mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf \$CORPUS/hashes_outside_section.bin --kernel $k" "maybe-refuse: kernel-hashes area outside its section"
row "--mode snp:svsm --vcpus 2 --vcpu-type EPYC-v4 --ovmf \$FIXTURES/svsm_ovmf.fd --svsm \$CORPUS/svsm_like.bin --vars-size 540672"
row "--mode snp:svsm --vcpus 3 --vcpu-type EPYC-Genoa --ovmf \$CORPUS/three_pages.bin --svsm \$CORPUS/svsm_like.bin --vars-size 8192"
