# SPDX-License-Identifier: Apache-2.0
# trustchain measure: exit codes, one-line refusals, output formats, --json, --dump-vmsa.
# (Digests against the reference tool: tests/cli/measure_vectors.sh.)
. tests/lib.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpus=$PWD/fuzz/corpus/ovmf
fw=$corpus/kernel_hashes.bin      # synthetic, with kernel-hash support
nokh=$corpus/no_kernel_hashes.bin # synthetic, without
printf 'KERNEL' >"$work/kernel"

# refuse CODE "what" args...: exit CODE, nothing on stdout, exactly one line on stderr
refuse() {
    local want=$1 what=$2 rc
    shift 2
    "$TC" measure "$@" >"$work/out" 2>"$work/err"
    rc=$?
    if [ "$rc" = "$want" ] && [ ! -s "$work/out" ] && [ "$(wc -l <"$work/err")" = 1 ]; then
        ok "$what: exit $rc: $(cat "$work/err")"
    else
        fail "$what: exit $rc (want $want), stdout $(wc -c <"$work/out") bytes, stderr: $(cat "$work/err")"
    fi
}

# --help and the basics
"$TC" measure --help >"$work/help" 2>&1
check "--help exits 0" [ $? = 0 ]
for f in --mode --vcpus --vcpu-type --vcpu-sig --vcpu-family --vcpu-model --vcpu-stepping \
    --vmm-type --ovmf --kernel --initrd --append --guest-features --snp-ovmf-hash --svsm \
    --vars-size --vars-file --dump-vmsa --output-format --json --verbose EPYC-Turin; do
    check "--help documents $f" grep -q -- "$f" "$work/help"
done
"$TC" help measure >/dev/null 2>&1
check "trustchain help measure" [ $? = 0 ]
"$TC" measure tdx --help >/dev/null 2>"$work/err"
check "measure tdx is dispatched to the TDX subcommand" sh -c "! grep -q 'unexpected argument' '$work/err'"

# usage errors (exit 2)
refuse 2 "no arguments"
refuse 2 "missing --ovmf" --mode snp --vcpus 1 --vcpu-type EPYC-v4
refuse 2 "missing --vcpus" --mode snp --vcpu-type EPYC-v4 --ovmf "$fw"
refuse 2 "--vcpus 0" --mode snp --vcpus 0 --vcpu-type EPYC-v4 --ovmf "$fw"
refuse 2 "--vcpus 5000" --mode seves --vcpus 5000 --vcpu-type EPYC-v4 --ovmf "$fw"
refuse 2 "--vcpus not a number" --mode snp --vcpus two --vcpu-type EPYC-v4 --ovmf "$fw"
refuse 2 "missing vCPU type with QEMU" --mode snp --vcpus 1 --ovmf "$fw"
refuse 2 "unknown vCPU type" --mode snp --vcpus 1 --vcpu-type EPYC-v9 --ovmf "$fw"
refuse 2 "unknown VMM type" --mode snp --vcpus 1 --vcpu-type EPYC-v4 --vmm-type xen --ovmf "$fw"
refuse 2 "unknown mode" --mode tdx --ovmf "$fw"
refuse 2 "unknown option" --mode snp --frobnicate --ovmf "$fw"
refuse 2 "ambiguous abbreviation" --mode snp --vcpu 1 --ovmf "$fw"
refuse 2 "stray argument" --mode sev --ovmf "$fw" extra
refuse 2 "option without its value" --mode sev --ovmf
refuse 2 "flag given a value" --mode sev --ovmf "$fw" --dump-vmsa=yes
refuse 2 "--initrd without --kernel" --mode sev --ovmf "$fw" --initrd "$work/kernel"
refuse 2 "--append without --kernel" --mode sev --ovmf "$fw" --append quiet
refuse 2 "--snp-ovmf-hash in seves mode" --mode seves --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$fw" \
    --snp-ovmf-hash "$(printf '%096d' 0)"
refuse 2 "--snp-ovmf-hash too short" --mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$fw" --snp-ovmf-hash abcd
refuse 2 "--vcpu-family without model and stepping" --mode snp --vcpus 1 --vcpu-family 25 --ovmf "$fw"
refuse 2 "--vcpu-stepping without family" --mode snp --vcpus 1 --vcpu-type EPYC-v4 --vcpu-stepping 1 --ovmf "$fw"
refuse 2 "vCPU model out of range" --mode snp --vcpus 1 --vcpu-family 25 --vcpu-model 256 --vcpu-stepping 0 --ovmf "$fw"
refuse 2 "--vcpu-sig beyond 32 bits" --mode snp --vcpus 1 --vcpu-sig 0x1ffffffff --ovmf "$fw"
refuse 2 "negative guest features" --mode snp --vcpus 1 --vcpu-type EPYC-v4 --guest-features -1 --ovmf "$fw"
refuse 2 "--dump-vmsa in sev mode" --mode sev --ovmf "$fw" --dump-vmsa
refuse 2 "bad --output-format" --mode sev --ovmf "$fw" --output-format yaml
refuse 2 "snp:svsm without --svsm" --mode snp:svsm --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$fw" --vars-size 4096
refuse 2 "snp:svsm without vars" --mode snp:svsm --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$fw" --svsm "$corpus/svsm_like.bin"
refuse 2 "snp:svsm with --vars-size 0" --mode snp:svsm --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$fw" \
    --svsm "$corpus/svsm_like.bin" --vars-size 0
refuse 2 "snp:svsm with a kernel" --mode snp:svsm --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$fw" \
    --svsm "$corpus/svsm_like.bin" --vars-size 4096 --kernel "$work/kernel"
refuse 2 "snp:svsm on ec2" --mode snp:svsm --vcpus 1 --vcpu-type EPYC-v4 --vmm-type ec2 --ovmf "$fw" \
    --svsm "$corpus/svsm_like.bin" --vars-size 4096
refuse 2 "--vars-size and --vars-file together" --mode snp:svsm --vcpus 1 --vcpu-type EPYC-v4 \
    --ovmf "$fw" --svsm "$corpus/svsm_like.bin" --vars-size 4096 --vars-file "$work/kernel"

# firmware that cannot be measured (exit 3)
refuse 3 "firmware without footer table" --mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$corpus/no_table.bin"
refuse 3 "firmware without SEV metadata" --mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$corpus/no_metadata.bin"
refuse 3 "firmware without SEV metadata, sev mode" --mode sev --ovmf "$corpus/no_metadata.bin"
if [ -f /usr/share/OVMF/OVMF_CODE_4M.fd ]; then
    refuse 3 "Debian OVMF_CODE_4M.fd (no SEV metadata)" --mode snp --vcpus 1 --vcpu-type EPYC-v4 \
        --ovmf /usr/share/OVMF/OVMF_CODE_4M.fd
    grep -q "SEV metadata" "$work/err" && ok "OVMF_CODE_4M.fd: the message says why" ||
        fail "OVMF_CODE_4M.fd: message: $(cat "$work/err")"
else
    skip "Debian OVMF_CODE_4M.fd: not installed"
fi
for b in bad_signature bad_version size_mismatch count_too_big unknown_type overlap unaligned \
    beyond_4g over_firmware two_cpuid secrets_two_pages meta_offset_outside meta_offset_tiny \
    footer_too_big footer_too_small duplicate_guid reset_entry_5_bytes odd_size; do
    refuse 3 "corrupted firmware: $b" --mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf "$corpus/$b.bin"
done
refuse 3 "AP entry 0 with 2 vCPUs" --mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf "$corpus/reset_zero.bin"
refuse 3 "no reset block in seves mode" --mode seves --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$corpus/no_reset_block.bin"
refuse 3 "kernel for firmware without kernel hashes (snp)" --mode snp --vcpus 1 --vcpu-type EPYC-v4 \
    --ovmf "$nokh" --kernel "$work/kernel"
refuse 3 "kernel for firmware without kernel hashes (seves)" --mode seves --vcpus 1 --vcpu-type EPYC-v4 \
    --ovmf "$nokh" --kernel "$work/kernel"
refuse 3 "kernel for firmware without kernel hashes (sev)" --mode sev --ovmf "$nokh" --kernel "$work/kernel"
refuse 3 "kernel-hashes area outside its section" --mode snp --vcpus 1 --vcpu-type EPYC-v4 \
    --ovmf "$corpus/hashes_outside_section.bin" --kernel "$work/kernel"

# unreadable files (exit 4)
refuse 4 "missing firmware" --mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$work/nope.fd"
refuse 4 "firmware is a directory" --mode sev --ovmf "$work"
refuse 4 "missing kernel" --mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$fw" --kernel "$work/nope"
refuse 4 "missing initrd" --mode sev --ovmf "$fw" --kernel "$work/kernel" --initrd "$work/nope"
refuse 4 "missing SVSM" --mode snp:svsm --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$fw" --svsm "$work/nope" --vars-size 4096
refuse 4 "missing --vars-file" --mode snp:svsm --vcpus 1 --vcpu-type EPYC-v4 --ovmf "$fw" \
    --svsm "$corpus/svsm_like.bin" --vars-file "$work/nope"
if [ "$(id -u)" != 0 ]; then
    cp "$fw" "$work/noread.fd" && chmod 000 "$work/noread.fd"
    refuse 4 "unreadable firmware" --mode sev --ovmf "$work/noread.fd"
else
    skip "unreadable firmware: running as root"
fi

# output forms of one measurement
args="--mode snp --vcpus 2 --vcpu-type EPYC-Milan --ovmf $fw --kernel $work/kernel --append quiet"
hex=$("$TC" measure $args)
check "hex digest: 96 lowercase hex digits" sh -c "echo '$hex' | grep -Eqx '[0-9a-f]{96}'"
b64=$("$TC" measure $args --output-format base64)
check "base64 digest decodes to the hex digest" \
    [ "$(printf '%s' "$b64" | base64 -d | od -An -v -tx1 | tr -d ' \n')" = "$hex" ]
v=$("$TC" measure -v $args)
check "-v prints the reference's sentence" [ "$v" = "Calculated SEV_SNP guest measurement: $hex" ]
"$TC" measure $args --json >"$work/json"
check "--json exits 0" [ $? = 0 ]
check "--json is JSON with the same digest" python3 -c "
import json, sys
j = json.load(open('$work/json'))
assert j['digest'] == '$hex', j['digest']
assert j['inputs']['kernel']['size'] == 6
assert j['inputs']['cmdline']['value'] == 'quiet'
assert [s['what'] for s in j['measured']][:2] == ['firmware', 'SNP_SEC_MEM']
assert j['measured'][-1]['what'] == 'vmsa' and j['measured'][-1]['vcpus'] == 1
"
"$TC" measure $args --output-format json >"$work/json2"
check "--output-format json = --json" cmp -s "$work/json" "$work/json2"
# --json refusals: the same one line on stderr, and one JSON error object on stdout
jrefuse() {
    local want=$1 what=$2 rc
    shift 2
    "$TC" measure "$@" >"$work/out" 2>"$work/err"
    rc=$?
    if [ "$rc" = "$want" ] && [ "$(wc -l <"$work/err")" = 1 ] && python3 -c "
import json, sys
j = json.load(open(sys.argv[1]))
assert j['exit_code'] == int(sys.argv[2]), j
assert j['error'].startswith('TC_ERR_'), j
assert j['message'] and j['message'] in open(sys.argv[3]).read(), (j, open(sys.argv[3]).read())
assert 'digest' not in j
" "$work/out" "$want" "$work/err"; then
        ok "$what (--json): exit $rc, JSON error on stdout"
    else
        fail "$what (--json): exit $rc (want $want), stdout: $(cat "$work/out"), stderr: $(cat "$work/err")"
    fi
}
jrefuse 2 "missing --ovmf" --mode snp --vcpus 1 --json
jrefuse 2 "unknown vCPU type" $args --vcpu-type EPYC-v9 --json
jrefuse 2 "bad --vcpus" --mode snp --vcpus x --ovmf "$fw" --output-format json
jrefuse 4 "missing kernel" --mode snp --vcpus 1 --vcpu-type EPYC --ovmf "$fw" --kernel "$work/nope" --json
jrefuse 4 "missing initrd" --mode snp --vcpus 1 --vcpu-type EPYC --ovmf "$fw" --kernel "$work/kernel" \
    --initrd "$work/nope" --output-format=json
jrefuse 3 "firmware without SEV metadata" --mode snp --vcpus 1 --vcpu-type EPYC --ovmf "$work/kernel" --json
# the kernel, initrd and command line are hashed beside the firmware: errors from that side
# come back whole, in every mode
for m in sev seves snp; do
    refuse 4 "$m: missing kernel" --mode $m --vcpus 2 --vcpu-type EPYC-v4 --ovmf "$fw" --kernel "$work/nope"
    refuse 4 "$m: missing initrd" --mode $m --vcpus 2 --vcpu-type EPYC-v4 --ovmf "$fw" --kernel "$work/kernel" \
        --initrd "$work/nope"
    grep -q "initrd '$work/nope': No such file" "$work/err"
    check "$m: the initrd's error names the file" [ $? = 0 ]
    refuse 4 "$m: kernel is a directory" --mode $m --vcpus 2 --vcpu-type EPYC-v4 --ovmf "$fw" --kernel "$work"
done
abbr=$("$TC" measure --mode=snp --vcpus=2 --vcpu-t=EPYC-Milan --ov "$fw" --kern "$work/kernel" --app=quiet)
check "--flag=value and unique abbreviations" [ "$abbr" = "$hex" ]

# --vmm-type is case-insensitive (a deliberate difference from the reference)
for pair in "gce GCE" "ec2 EC2" "QEMU qemu"; do
    set -- $pair
    a=$("$TC" measure --mode snp --vcpus 2 --vcpu-type EPYC-v4 --vmm-type "$1" --ovmf "$fw")
    b=$("$TC" measure --mode snp --vcpus 2 --vcpu-type EPYC-v4 --vmm-type "$2" --ovmf "$fw")
    check "--vmm-type $2 = $1" [ -n "$a" ] && [ "$a" = "$b" ]
done
a=$("$TC" measure --mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf "$fw")
b=$("$TC" measure --mode snp --vcpus 2 --vcpu-type EPYC-v4 --vmm-type QEMU --ovmf "$fw")
check "QEMU is the default VMM" [ "$a" = "$b" ]
# the signature overrides: family/model/stepping > --vcpu-sig > --vcpu-type
a=$("$TC" measure --mode snp --vcpus 2 --vcpu-sig 0x800f12 --ovmf "$fw")
b=$("$TC" measure --mode snp --vcpus 2 --vcpu-family 23 --vcpu-model 1 --vcpu-stepping 2 --vcpu-type EPYC-Turin --ovmf "$fw")
check "--vcpu-sig = --vcpu-type EPYC-v4 = family 23/1/2" [ "$a" = "$b" ] && [ "$a" = "$("$TC" measure --mode snp --vcpus 2 --vcpu-type EPYC-v4 --ovmf "$fw")" ]

# --dump-vmsa writes one page per vCPU in the current folder
mkdir "$work/dump"
(cd "$work/dump" && "$TC" measure --mode snp --vcpus 3 --vcpu-type EPYC-v4 --ovmf "$fw" --dump-vmsa >/dev/null)
check "--dump-vmsa: vmsa0..2.bin of 4096 bytes" sh -c "cd '$work/dump' && [ \$(ls | wc -l) = 3 ] &&
    [ \$(wc -c <vmsa0.bin) = 4096 ] && [ \$(wc -c <vmsa2.bin) = 4096 ] && cmp -s vmsa1.bin vmsa2.bin &&
    ! cmp -s vmsa0.bin vmsa1.bin"

# a 64 MiB sparse kernel is streamed (memory checked by bench/measure.sh)
truncate -s 64M "$work/big"
check "a 64 MiB kernel is measured" sh -c "'$TC' measure --mode sev --ovmf '$fw' --kernel '$work/big' | grep -Eqx '[0-9a-f]{64}'"
done_tests
