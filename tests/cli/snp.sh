#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `trustchain report show` and `trustchain verify snp`: exit codes, one-line refusals, JSON.
# Synthetic evidence comes from the unit test's generator (test_snp_verify --emit); real
# reports from ../shared/testdata/snp when present.  No network: --offline or local files only.
. "$(dirname "$0")/../lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home" XDG_CACHE_HOME="$tmp/cache"
mkdir -p "$HOME"

# run CMD...: sets rc, out (stdout), err (stderr)
run() { "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; out=$(cat "$tmp/out"); err=$(cat "$tmp/err"); }
# expect N "what" CMD...: exit code N; a refusal (N != 0) prints exactly one line on stderr
expect() {
    want=$1; what=$2; shift 2
    run "$@"
    lines=$(grep -c '' "$tmp/err")
    if [ "$rc" != "$want" ]; then
        fail "$what (exit $rc, expected $want): $(head -c 300 "$tmp/err")"
    elif [ "$want" != 0 ] && [ "$want" != 2 ] && [ "$lines" != 1 ]; then
        fail "$what (exit $rc but $lines lines on stderr)"
    else
        ok "$what"
    fi
}
# has "what" PATTERN TEXT
has() { if printf '%s' "$3" | grep -q -- "$2"; then ok "$1"; else fail "$1 (no '$2')"; fi; }

S="$tmp/s"
if ! "$TC_BUILD/tests/test_snp_verify" --emit "$S" >/dev/null 2>&1; then
    fail "synthetic evidence generated"
    done_tests
fi
AT="--at 2025-06-01T00:00:00Z"
SV="$TC verify snp --offline --trust-ark $S/ark.pem $AT"

# ---- help and usage ----
expect 0 "report --help" $TC report --help
has "report --help describes the command" "Usage: trustchain report show" "$out"
expect 0 "verify snp --help" $TC verify snp --help
has "verify snp --help lists --crl" "--crl FILE" "$out"
expect 0 "help verify" $TC help verify
expect 2 "report without action" $TC report
expect 2 "report unknown action" $TC report list x
expect 2 "report show without FILE" $TC report show
expect 2 "report show unknown option" $TC report show --yaml "$S/report.bin"
expect 2 "verify snp without --report" $TC verify snp
expect 2 "verify snp unknown option" $TC verify snp --report "$S/report.bin" --frobnicate
expect 2 "verify snp --at without value" $TC verify snp --report "$S/report.bin" --at
expect 2 "verify snp bad --at" $TC verify snp --report "$S/report.bin" --at yesterday

# ---- report show ----
expect 0 "report show (synthetic v3)" $TC report show "$S/report.bin"
has "text shows the version" "report.version *3" "$out"
has "text shows the policy bits by name" "report.policy.smt_allowed *true" "$out"
expect 0 "report show --json" $TC report show --json "$S/turin_v5.bin"
check "report show --json is JSON with the Turin TCB" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))["report"]
assert j["version"] == 5 and j["product"] == "Turin" and j["reported_tcb"]["fmc"] == 1
assert j["launch_mit_vector"] == "0x3f"' "$tmp/out"
expect 0 "report show extended report" $TC report show "$S/extended.bin"
has "extended report lists its certificates" "certificates\[2\].kind *ARK" "$out"
expect 0 "report show from stdin" sh -c "$TC report show - < '$S/report.bin'"
head -c 1000 "$S/report.bin" >"$tmp/short.bin"
expect 3 "report show truncated" $TC report show "$tmp/short.bin"
has "truncated: says so" "truncated" "$err"
expect 4 "report show missing file" $TC report show "$tmp/nope.bin"

# ---- verify snp: synthetic chain ----
expect 0 "verify synthetic report (explicit test anchor)" $SV --report "$S/report.bin" --certs "$S/chain.pem"
has "accepted summary" "^accepted: " "$(printf '%s' "$out" | tail -n 1)"
has "signature check listed" "pass signature" "$out"
expect 0 "verify extended report (certificates from its table)" $SV --report "$S/extended.bin"
expect 0 "verify with --certs certificate table" $SV --report "$S/report.bin" --certs "$S/certtable.bin"
expect 0 "verify with --vcek and a directory" $SV --report "$S/report.bin" --vcek "$S/vcek.der" --certs "$S"
expect 1 "no test anchor: untrusted root" $TC verify snp --offline $AT --report "$S/report.bin" --certs "$S/chain.pem"
has "refusal names the check" "chain.ark.pinned" "$err"
expect 1 "revoked ASK" $SV --report "$S/report.bin" --certs "$S/chain.pem" --crl "$S/revokes_ask.crl"
has "revocation named" "revocation.ask" "$err"
expect 1 "VCEK expired at the given time" $TC verify snp --offline --trust-ark "$S/ark.pem" --at 2032-01-01 --report "$S/report.bin" --certs "$S/chain.pem"
has "expiry named" "chain.vcek.validity" "$err"
cp "$S/report.bin" "$tmp/flip.bin"
printf '\x55' | dd of="$tmp/flip.bin" bs=1 seek=$((0x90)) conv=notrunc 2>/dev/null
expect 1 "measurement byte changed: signature" $SV --report "$tmp/flip.bin" --certs "$S/chain.pem"
has "signature named" "rejected: signature" "$err"
cp "$S/report.bin" "$tmp/rsv.bin"
printf '\x01' | dd of="$tmp/rsv.bin" bs=1 seek=$((0x4C)) conv=notrunc 2>/dev/null
expect 3 "reserved field set: malformed" $SV --report "$tmp/rsv.bin" --certs "$S/chain.pem"
has "reserved named" "reserved" "$err"
expect 3 "truncated report: malformed" $SV --report "$tmp/short.bin" --certs "$S/chain.pem"
expect 4 "missing report file" $SV --report "$tmp/nope.bin"
expect 3 "certificate file that is not a certificate" $SV --report "$S/report.bin" --vcek "$S/report.bin"
expect 4 "VCEK only, offline, empty cache" $SV --report "$S/report.bin" --vcek "$S/vcek.der"
has "offline named" "offline" "$err"
# The SNP_GET_REPORT ioctl's whole response buffer (MSG_REPORT_RSP: status 0, size 0x4A0, 24
# reserved bytes, the report, zeros to 4000 bytes), as some tools write it out.
python3 -c '
import struct, sys
r = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(struct.pack("<II", 0, len(r)) + bytes(24) + r + bytes(4000 - 32 - len(r)))' \
    "$S/report.bin" "$tmp/msg_rsp.bin"
expect 0 "report show MSG_REPORT_RSP" $TC report show "$tmp/msg_rsp.bin"
has "MSG_REPORT_RSP named" "container *MSG_REPORT_RSP" "$out"
expect 0 "verify MSG_REPORT_RSP" $SV --report "$tmp/msg_rsp.bin" --certs "$S/chain.pem"
# a report saved as hex text (xxd -p, 60 digits a line; or one line, upper case)
od -An -v -tx1 "$S/report.bin" | tr -d ' \n' | fold -w 60 >"$tmp/report.hex"
expect 0 "report show hex text" $TC report show "$tmp/report.hex"
run $TC report show --json "$S/report.bin"
bin_json=$out
run $TC report show --json "$tmp/report.hex"
check "hex text shows the same report as the bytes" [ "$out" = "$bin_json" ]
tr -d '\n' <"$tmp/report.hex" | tr a-f A-F >"$tmp/report_uc.hex"
expect 0 "verify hex text (one line, upper case)" $SV --report "$tmp/report_uc.hex" --certs "$S/chain.pem"
sed '1s/^./0/' "$tmp/report.hex" | sed '1s/^0//' >"$tmp/odd.hex"
expect 3 "hex text with an odd number of digits" $SV --report "$tmp/odd.hex" --certs "$S/chain.pem"
head -c 2000 "$tmp/report_uc.hex" >"$tmp/short.hex"
expect 3 "hex text shorter than a report: refused" $TC report show "$tmp/short.hex"
sed '1s/^./Z/' "$tmp/report.hex" >"$tmp/notall.hex"
expect 3 "text that is not all hex: refused" $TC report show "$tmp/notall.hex"
(cat "$S/report.bin"; echo) >"$tmp/newline.bin"
expect 3 "report followed by a newline: malformed" $SV --report "$tmp/newline.bin" --certs "$S/chain.pem"
has "newline: trailing bytes named" "1 bytes after the 1184-byte report" "$err"
# Azure's THIM certificate JSON (as Azure confidential containers keep the host's certificates).
python3 -c '
import json, sys
pem = open(sys.argv[1]).read()
blocks = pem.split("-----END CERTIFICATE-----\n")
vcek = blocks[0] + "-----END CERTIFICATE-----\n"
chain = "".join(b + "-----END CERTIFICATE-----\n" for b in blocks[1:] if b.strip())
json.dump({"vcekCert": vcek, "tcbm": "0", "certificateChain": chain, "cacheControl": "86400"},
          open(sys.argv[2], "w"), indent=4)' "$S/chain.pem" "$tmp/thim.json"
expect 0 "verify with Azure THIM JSON (--certs)" $SV --report "$S/report.bin" --certs "$tmp/thim.json"
expect 0 "verify with Azure THIM JSON (--vcek)" $SV --report "$S/report.bin" --vcek "$tmp/thim.json"
sed 's/"tcbm"/"tcbM"/' "$tmp/thim.json" >"$tmp/thim_typo.json"
expect 3 "THIM JSON with an unknown key" $SV --report "$S/report.bin" --certs "$tmp/thim_typo.json"
has "unknown key named" "unknown key 'tcbM'" "$err"
expect 0 "--offline --no-cache with every certificate given" $SV --no-cache --report "$S/report.bin" --certs "$S/chain.pem"
expect 4 "--offline --no-cache, VCEK only" $SV --no-cache --report "$S/report.bin" --vcek "$S/vcek.der"
(printf 'Bag Attributes\n    friendlyName: chain\n'; cat "$S/chain.pem") >"$tmp/bag.pem"
expect 0 "PEM bundle with a text preamble" $SV --report "$S/report.bin" --certs "$tmp/bag.pem"
expect 0 "--json" $SV --report "$S/report.bin" --certs "$S/chain.pem" --json
check "--json: verdict, checks and claims" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["verdict"] == "accepted" and j["failed"] == 0
assert any(c["name"] == "signature" and c["result"] == "pass" for c in j["checks"])
assert j["claims"]["product"] == "Milan"' "$tmp/out"
expect 1 "--json on rejection" $SV --report "$tmp/flip.bin" --certs "$S/chain.pem" --json
check "--json rejection is JSON" python3 -c '
import json, sys
j = json.load(open(sys.argv[1])); assert j["verdict"] == "rejected" and j["failed"] >= 1' "$tmp/out"

# ---- --json on every failure path: one JSON object on stdout, the one line on stderr ----
# json_err "what" NAME CODE [checks]: stdout is {"error": NAME, "exit_code": CODE, "message": ..}
json_err() {
    check "$1" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["error"] == "TC_ERR_" + sys.argv[2], j
assert j["exit_code"] == int(sys.argv[3]), j
assert isinstance(j["message"], str) and j["message"], j
if "verify" in sys.argv[4]:
    assert j["verdict"] == "error", j
if sys.argv[4] == "verify+checks":
    assert any(c["result"] == "fail" for c in j["checks"]), j' "$tmp/out" "$2" "$3" "${4:-}"
}
expect 4 "report show --json, missing file" $TC report show --json "$tmp/nope.bin"
json_err "report show --json, missing file: JSON error" IO 4
expect 3 "report show --json, truncated" $TC report show "$tmp/short.bin" --json
json_err "report show --json, truncated: JSON error" TRUNCATED 3
expect 3 "report show --json, reserved field set" $TC report show --json "$tmp/rsv.bin"
json_err "report show --json, reserved: JSON error" RESERVED 3
expect 2 "report show --json, unknown option" $TC report show --json --yaml "$S/report.bin"
json_err "report show --json, usage: JSON error" USAGE 2
expect 2 "report --json without action" $TC report --json
json_err "report --json without action: JSON error" USAGE 2
expect 4 "verify --json, missing report" $SV --json --report "$tmp/nope.bin"
json_err "verify --json, missing report: JSON error" IO 4 verify
expect 3 "verify --json, truncated report" $SV --report "$tmp/short.bin" --json
json_err "verify --json, truncated report: JSON error" TRUNCATED 3 verify
expect 2 "verify --json, bad --at" $TC verify snp --json --report "$S/report.bin" --at yesterday
json_err "verify --json, bad --at: JSON error" USAGE 2 verify
expect 2 "verify --json, no --report" $TC verify snp --json
json_err "verify --json, no --report: JSON error" USAGE 2 verify
expect 3 "verify --json, certificate that is not one" $SV --json --report "$S/report.bin" --vcek "$S/report.bin"
json_err "verify --json, bad certificate: JSON error" MALFORMED 3 verify+checks
expect 4 "verify --json, VCEK only, offline" $SV --json --report "$S/report.bin" --vcek "$S/vcek.der"
json_err "verify --json, collateral missing: JSON error with the checks so far" OFFLINE 4 verify+checks
echo '{"measurment": "00"}' >"$tmp/typo.json"
expect 3 "verify --json, policy with a typo" $SV --json --report "$S/report.bin" --certs "$S/chain.pem" --policy "$tmp/typo.json"
json_err "verify --json, bad policy: JSON error" JSON 3 verify
expect 4 "verify --json, missing policy" $SV --json --report "$S/report.bin" --certs "$S/chain.pem" --policy "$tmp/none.json"
json_err "verify --json, missing policy: JSON error" IO 4 verify
expect 0 "verify --json, accepted" $SV --json --report "$S/report.bin" --certs "$S/chain.pem"
check "verify --json, accepted: exit_code 0, no error" python3 -c '
import json, sys
j = json.load(open(sys.argv[1])); assert j["verdict"] == "accepted" and j["exit_code"] == 0 and "error" not in j' "$tmp/out"

# ---- policies ----
echo '{"min_guest_svn": 1, "vmpl": 0, "min_tcb": {"snp": 8}}' >"$tmp/ok.json"
expect 0 "policy accepted" $SV --report "$S/report.bin" --certs "$S/chain.pem" --policy "$tmp/ok.json"
has "policy checks listed" "pass policy.min_tcb.reported.snp" "$out"
echo '{"measurement": "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"}' >"$tmp/m.json"
expect 1 "policy: wrong measurement" $SV --report "$S/report.bin" --certs "$S/chain.pem" --policy "$tmp/m.json"
has "policy refusal named" "policy.measurement" "$err"
echo '{"min_tcb": {"snp": 9}}' >"$tmp/f.json"
expect 1 "policy: TCB floor" $SV --report "$S/report.bin" --certs "$S/chain.pem" --policy "$tmp/f.json"
echo '{"measurment": "00"}' >"$tmp/typo.json"
expect 3 "policy: unknown key" $SV --report "$S/report.bin" --certs "$S/chain.pem" --policy "$tmp/typo.json"
echo '{"vmpl": 0,' >"$tmp/bad.json"
expect 3 "policy: not JSON" $SV --report "$S/report.bin" --certs "$S/chain.pem" --policy "$tmp/bad.json"
expect 4 "policy: missing file" $SV --report "$S/report.bin" --certs "$S/chain.pem" --policy "$tmp/none.json"

# ---- real reports (../shared/testdata/snp) ----
if testdata && [ -d "$TC_TESTDATA/snp" ]; then
    T="$TC_TESTDATA/snp"
    R="$TC verify snp --offline"
    expect 0 "real: go-sev-guest Milan v2" $R --at 2026-11-23 --report "$T/go-sev-guest/attestation.bin" --vcek "$T/go-sev-guest/vcek.testcer" --certs "$T/go-sev-guest/ask_ark_milan.pem"
    expect 0 "real: Turin v5 extended report" $R --at 2026-11-23 --report "$T/derived/turin_report_plus_certtable.bin"
    expect 1 "real: VLEK expired now" $R --at 2026-11-23 --report "$T/derived/milan_vlek_report_plus_certtable.bin"
    expect 0 "real: VLEK at 2025-06" $R --at 2025-06-01 --report "$T/derived/milan_vlek_report_plus_certtable.bin"
    echo '{}' >"$tmp/empty.json"
    expect 1 "real: provisional firmware rejected by policy" $R --at 2026-11-23 --report "$T/trustee/test-report.bin" --vcek "$T/trustee/test-vcek.der" --certs "$T/go-sev-guest/ask_ark_milan.pem" --policy "$tmp/empty.json"
    has "PROV named" "policy.provisional_firmware" "$err"
    expect 1 "real: constellation VLEK bad signature" $R --at 2024-01-01 --report "$T/constellation/snp/attestation_vlek_from_hex.bin" --vlek "$T/constellation/snp/vlek.pem" --certs "$T/constellation/snp/vlekcertchain.pem"
    expect 3 "real: GCE v4 truncated" $R --report "$T/openpcc/gce_snp_report_v4.bin"
    expect 0 "real: Azure HCL" $R --at 2026-11-23 --report "$T/trustee/hcl-report.bin" --certs "$T/trustee/vcek.pem"
    has "HCL runtime data bound" "pass azure.runtime_data" "$out"
    expect 1 "real: Milan CRL expired now" $R --at 2026-11-23 --report "$T/derived/milan_report_plus_certtable.bin" --crl "$T/openpcc/test_amd_milan_crl.pem"
    expect 0 "real: Milan CRL at 2025-12" $R --at 2025-12-01 --report "$T/derived/milan_report_plus_certtable.bin" --crl "$T/openpcc/test_amd_milan_crl.pem"
    expect 0 "real: report show Turin" $TC report show "$T/openanolis-trustee/turin-report.bin"
    has "Turin platform bit 6 shown" "unknown_bits *0x40" "$out"
else
    skip "real SEV-SNP reports: ../shared/testdata not present"
fi

done_tests
