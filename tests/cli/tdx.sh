#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# CLI: quote show, verify tdx (field quotes at the README's times, synthetic evidence with
# --trust-root, policies, PCS fetch from a loopback server + cache + --offline), measure tdx,
# eventlog replay.
. tests/lib.sh
set -u
work=$(mktemp -d /tmp/tc-cli-tdx-XXXXXX)
srv=""
cleanup() { [ -n "$srv" ] && kill "$srv" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
one_line_stderr() { # what, expected rc, cmd...: exactly one line on stderr
    local what=$1 want=$2 n rc; shift 2
    "$@" >/dev/null 2>"$work/err"; rc=$?
    n=$(wc -l <"$work/err")
    if [ "$rc" = "$want" ] && [ "$n" = 1 ]; then ok "$what"; else fail "$what (exit $rc, $n stderr lines: $(head -c 300 "$work/err"))"; fi
}

# ---- help and usage ----
check "quote --help" sh -c "$TC quote --help | grep -q 'quote show FILE'"
check "verify tdx --help names the collateral forms" sh -c "$TC verify tdx --help | grep -q -- '--collateral-dir DIR'"
check "eventlog --help" sh -c "$TC eventlog --help | grep -q -- '--ccel TABLE'"
check "help quote" sh -c "$TC help quote | grep -q 'TDREPORT'"
expect_rc 2 "quote without an action" $TC quote
expect_rc 2 "quote show without FILE" $TC quote show
expect_rc 2 "verify tdx without --quote" $TC verify tdx
expect_rc 2 "verify tdx with both collateral forms" $TC verify tdx --quote x --collateral a --collateral-dir b
expect_rc 2 "verify tdx bad --at" $TC verify tdx --quote x --at yesterday
expect_rc 2 "verify tdx bad --accept" $TC verify tdx --quote x --accept Fine
expect_rc 4 "quote show on a missing file" $TC quote show "$work/none"
head -c 100 /dev/urandom >"$work/garbage"
one_line_stderr "quote show on garbage: malformed, one line" 3 $TC quote show "$work/garbage"

# --json on every path: a refusal (usage included) is one JSON object on stdout whose exit_code
# is the exit status, and one line on stderr
json_refusal() { # what, expected rc, cmd...
    local what=$1 want=$2 rc n got; shift 2
    "$@" >"$work/out" 2>"$work/err"; rc=$?
    n=$(wc -l <"$work/err")
    got=$(json 'd["exit_code"], "error" in d, "message" in d' <"$work/out" 2>/dev/null)
    if [ "$rc" = "$want" ] && [ "$n" = 1 ] && [ "$got" = "$want True True" ]; then ok "$what"; else fail "$what (exit $rc, $n stderr lines, JSON: $got)"; fi
}
json_refusal "verify tdx --json: usage error as JSON" 2 $TC verify tdx --json --bogus
json_refusal "verify tdx --json: missing quote file as JSON" 4 $TC verify tdx --json --quote "$work/none"
json_refusal "verify tdx --json: garbage quote as JSON" 3 $TC verify tdx --json --quote "$work/garbage" --offline
check "  ... with \"verdict\": \"error\"" test "$(json 'd["verdict"]' <"$work/out")" = "error"
json_refusal "quote show --json: usage error as JSON" 2 $TC quote show --json
json_refusal "quote show --json: garbage as JSON" 3 $TC quote show --json "$work/garbage"
json_refusal "eventlog replay --json: garbage as JSON" 3 $TC eventlog replay --json "$work/garbage"
json_refusal "eventlog replay --json: bad --kind as JSON" 2 $TC eventlog replay --json --kind x "$work/garbage"
json_refusal "measure tdx --json: not a TDVF image, as JSON" 3 $TC measure tdx --json --firmware "$work/garbage"

# ---- synthetic evidence (test keys; trusted only with --trust-root) ----
if "$TC_BUILD/tests/test_tdx_fixtures" --write "$work"; then
    at=2025-06-15T00:00:00Z
    V="$TC verify tdx --at $at"
    expect_rc 0 "synthetic quote + JSON collateral + --trust-root: accepted" $V --quote "$work/quote.dat" --collateral "$work/collateral.json" --trust-root "$work/root.pem"
    expect_rc 0 "synthetic quote + collateral folder: accepted" $V --quote "$work/quote.dat" --collateral-dir "$work/coll" --trust-root "$work/root.pem"
    expect_rc 0 "synthetic v5 quote: accepted" $V --quote "$work/quote_v5.dat" --collateral "$work/collateral.json" --trust-root "$work/root.pem"
    # a quote saved as hex text: "0x" + one line, or xxd -p lines
    printf '0x%s\n' "$(od -An -v -tx1 "$work/quote.dat" | tr -d ' \n')" >"$work/quote.hex"
    expect_rc 0 "synthetic quote as 0x-hex text: accepted" $V --quote "$work/quote.hex" --collateral "$work/collateral.json" --trust-root "$work/root.pem"
    check "quote show: hex text = the bytes" test "$($TC quote show --json "$work/quote.hex")" = "$($TC quote show --json "$work/quote.dat")"
    od -An -v -tx1 "$work/quote.dat" | tr -d ' \n' | cut -c 2- >"$work/odd.hex"
    one_line_stderr "hex text with an odd number of digits: malformed" 3 $V --quote "$work/odd.hex" --collateral "$work/collateral.json" --trust-root "$work/root.pem"
    od -An -v -tx1 "$work/bad_quote_sig.dat" | tr -d ' \n' | fold -w 60 >"$work/bad.hex"
    one_line_stderr "bad quote signature as hex text: rejected" 1 $V --quote "$work/bad.hex" --collateral "$work/collateral.json" --trust-root "$work/root.pem"
    one_line_stderr "synthetic root without --trust-root: rejected, one line" 1 $V --quote "$work/quote.dat" --collateral "$work/collateral.json"
    check "the rejection names the root" grep -q 'pck.chain.root' "$work/err"
    one_line_stderr "bad quote signature: rejected" 1 $V --quote "$work/bad_quote_sig.dat" --collateral "$work/collateral.json" --trust-root "$work/root.pem"
    check "  ... by quote.signature" grep -q 'quote.signature' "$work/err"
    one_line_stderr "revoked PCK: rejected" 1 $V --quote "$work/quote.dat" --collateral "$work/collateral_pck_revoked.json" --trust-root "$work/root.pem"
    check "  ... by crl.pck.revocation" grep -q 'crl.pck.revocation' "$work/err"
    expect_rc 1 "SWHardeningNeeded refused by default" $V --quote "$work/quote.dat" --collateral "$work/collateral_swhardening.json" --trust-root "$work/root.pem"
    expect_rc 0 "SWHardeningNeeded accepted with --accept" $V --quote "$work/quote.dat" --collateral "$work/collateral_swhardening.json" --trust-root "$work/root.pem" --accept UpToDate,SWHardeningNeeded
    echo '{"accepted_tcb_statuses":["UpToDate","SWHardeningNeeded"]}' >"$work/p_sw.json"
    expect_rc 0 "SWHardeningNeeded accepted by a policy" $V --quote "$work/quote.dat" --collateral "$work/collateral_swhardening.json" --trust-root "$work/root.pem" --policy "$work/p_sw.json"
    echo '{}' >"$work/p_empty.json"
    expect_rc 1 "debug TD refused by a policy" $V --quote "$work/quote_debug.dat" --collateral "$work/collateral.json" --trust-root "$work/root.pem" --policy "$work/p_empty.json"
    echo '{"allow_debug":true}' >"$work/p_debug.json"
    expect_rc 0 "debug TD allowed explicitly" $V --quote "$work/quote_debug.dat" --collateral "$work/collateral.json" --trust-root "$work/root.pem" --policy "$work/p_debug.json"
    out=$($V --quote "$work/quote.dat" --collateral "$work/collateral.json" --trust-root "$work/root.pem" --json)
    check "--json: verdict, TCB status, extra root marked, exit code" test "$(echo "$out" | json 'd["verdict"], d["tdx"]["tcb_status"], d["tdx"]["root"], d["exit_code"]')" = "accepted UpToDate extra trusted root (test) 0"
    out=$($V --quote "$work/bad_quote_sig.dat" --collateral "$work/collateral.json" --trust-root "$work/root.pem" --json 2>/dev/null)
    check "--json: a rejection carries exit_code 1" test "$(echo "$out" | json 'd["verdict"], d["exit_code"]')" = "rejected 1"
    expect_rc 1 "after the synthetic collateral expired" $TC verify tdx --at 2025-12-01 --quote "$work/quote.dat" --collateral "$work/collateral.json" --trust-root "$work/root.pem"

    # ---- PCS fetch from a loopback server, cache, --offline ----
    python3 tests/support/pcs_server.py "$work/coll" "$work/port" &
    srv=$!
    for _ in $(seq 50); do [ -f "$work/port" ] && break; sleep 0.1; done
    if [ -f "$work/port" ]; then
        url="http://127.0.0.1:$(cat "$work/port")"
        expect_rc 0 "fetched from a PCS at $url: accepted" $V --quote "$work/quote.dat" --pcs-url "$url" --cache-dir "$work/cache" --trust-root "$work/root.pem"
        check "the cache holds the PCS responses" test -s "$work/cache/90c06f000000-platform/tcb_info.json" -a -s "$work/cache/90c06f000000-platform/pck_crl.der" -a -s "$work/cache/90c06f000000-platform/tcb_signing_chain.pem" -a -s "$work/cache/90c06f000000-platform/root_crl.der"
        n1=$(wc -l <"$work/coll/requests.log")
        expect_rc 0 "second run served from the cache" $V --quote "$work/quote.dat" --pcs-url "$url" --cache-dir "$work/cache" --trust-root "$work/root.pem"
        n2=$(wc -l <"$work/coll/requests.log")
        check "  ... without requests ($n1 then $n2)" test "$n1" = "$n2"
        check "the fetch asked for the quote's FMSPC and CA" grep -q 'tcb?fmspc=90c06f000000' "$work/coll/requests.log"
        kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; srv=""
        expect_rc 0 "--offline with the cache: accepted" $V --quote "$work/quote.dat" --offline --cache-dir "$work/cache" --trust-root "$work/root.pem"
        out=$($V --quote "$work/quote.dat" --offline --cache-dir "$work/empty" --trust-root "$work/root.pem" --json)
        check "--offline without a cache: accepted, TCB skipped and said so" test "$(echo "$out" | json '[c["result"] for c in d["checks"] if c["name"]=="collateral"][0], d["tdx"]["tcb_status"]')" = "skip None"
        expect_rc 1 "--offline without a cache + --require-collateral: rejected" $V --quote "$work/quote.dat" --offline --cache-dir "$work/empty" --trust-root "$work/root.pem" --require-collateral
        expect_rc 4 "a PCS that is down: I/O error" $V --quote "$work/quote.dat" --pcs-url "http://127.0.0.1:1" --cache-dir "$work/cache2" --trust-root "$work/root.pem"
        # A PCS whose TCB info is broken: rejected (it once fell back to "no collateral" and
        # accepted the quote with its TCB, CRLs and QE identity unchecked).
        cp -r "$work/coll" "$work/badpcs"
        echo '{"tcbInfo":{"id":"TDX"},"signature":"00"}' >"$work/badpcs/tcb_info.json"
        python3 tests/support/pcs_server.py "$work/badpcs" "$work/port2" &
        srv=$!
        for _ in $(seq 50); do [ -f "$work/port2" ] && break; sleep 0.1; done
        url2="http://127.0.0.1:$(cat "$work/port2" 2>/dev/null)"
        one_line_stderr "a PCS serving a broken TCB info: rejected as malformed, one line" 3 $V --quote "$work/quote.dat" --pcs-url "$url2" --cache-dir "$work/cache3" --trust-root "$work/root.pem"
        check "  ... by collateral.fetch" grep -q 'collateral.fetch' "$work/err"
        out=$($V --quote "$work/quote.dat" --pcs-url "$url2" --cache-dir "$work/cache3" --trust-root "$work/root.pem" --json 2>/dev/null)
        check "  ... --json: rejected, the fetch failure among the checks" test "$(echo "$out" | json 'd["verdict"], [c["result"] for c in d["checks"] if c["name"]=="collateral.fetch"][0]')" = "rejected fail"
        kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; srv=""
    else
        fail "loopback PCS server did not start"
    fi
else
    fail "synthetic fixtures could not be written"
fi

# ---- field data (../shared/testdata/tdx; README verdicts) ----
if testdata; then
    T=$TC_TESTDATA/tdx
    expect_rc 0 "quote show v4 (SPR)" $TC quote show "$T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat"
    check "quote show --json: v5 body 3 fields" test "$($TC quote show --json "$T/go-tdx-guest/quote_v5_sample.dat" | json 'd["version"], d["body_type"], d["td"]["tee_tcb_svn2"][:6]')" = "5 3 0d0104"
    check "quote show --json: dcap-qvl MRTD 91eb2b44..18b7" test "$($TC quote show --json "$T/dcap-qvl/tdx_quote" | json 'd["td"]["mrtd"][:8]+d["td"]["mrtd"][-4:]')" = "91eb2b4418b7"
    check "quote show on a TDREPORT checks its hashes" sh -c "$TC quote show '$T/intel-dcap/tdreport_for_test.dat' | grep -q 'internal hashes: accepted'"
    check "quote show on the QVL sample (DER chain)" sh -c "$TC quote show --json '$T/intel-qvl-sampleData/tdx/quote.dat' | grep -q '\"pck_chain_encoding\": \"der\"'"
    V="$TC verify tdx"
    expect_rc 0 "dcap-qvl v4 + collateral at 2025-07-19T10:00:34Z: accepted" $V --quote "$T/dcap-qvl/tdx_quote" --collateral "$T/dcap-qvl/tdx_quote_collateral.json" --at 2025-07-19T10:00:34Z
    check "  ... explains the matched level" sh -c "$V --quote '$T/dcap-qvl/tdx_quote' --collateral '$T/dcap-qvl/tdx_quote_collateral.json' --at 2025-07-19T10:00:34Z | grep -q 'TCB level 1 of 2 (tcbDate 2024-03-13'"
    expect_rc 1 "  ... one second after its window" $V --quote "$T/dcap-qvl/tdx_quote" --collateral "$T/dcap-qvl/tdx_quote_collateral.json" --at 2025-07-19T10:00:35Z
    one_line_stderr "dcap-qvl v5 outdated: no matching TCB level" 1 $V --quote "$T/dcap-qvl/tdx_quote_outdated" --collateral "$T/dcap-qvl/tdx_quote_outdated_collateral.json" --at 2026-03-01
    check "  ... said so" grep -q 'no matching TCB level found' "$work/err"
    expect_rc 0 "cross bundle: v5 sample + dcap-qvl collateral: accepted" $V --quote "$T/go-tdx-guest/quote_v5_sample.dat" --collateral "$T/dcap-qvl/tdx_quote_outdated_collateral.json" --at 2026-02-18T10:58:51Z
    expect_rc 0 "SPR without collateral (offline) at 2023-07-01" $V --quote "$T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat" --offline --cache-dir "$work/none" --at 2023-07-01
    expect_rc 1 "SPR in 2053: PCK leaf expired" $V --quote "$T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat" --offline --cache-dir "$work/none" --at 2053-01-01
    mkdir -p "$work/go"
    ln -s "$T/go-tdx-guest/sample_tcbInfo_response" "$work/go/tcb_info.json"
    ln -s "$T/go-tdx-guest/sample_qeIdentity_response" "$work/go/qe_identity.json"
    ln -s "$T/go-tdx-guest/tcbInfoIssuerChain.pem" "$work/go/tcb_signing_chain.pem"
    ln -s "$T/go-tdx-guest/pckcrl" "$work/go/pck_crl.der"
    ln -s "$T/go-tdx-guest/rootcrl.der" "$work/go/root_crl.der"
    one_line_stderr "SPR + go-tdx-guest collateral folder: no matching TCB level" 1 $V --quote "$T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat" --collateral-dir "$work/go" --at 2023-07-01
    check "  ... TCB not supported" grep -q 'no matching TCB level found' "$work/err"
    # one-byte corruptions (go-tdx-guest TestNegativeVerification)
    for row in 0x00:3:3 0x278:16:3 0x1343:50:3 0x1329:50:1 0xF5F:50:1 0xB77:50:1 0x1E:50:1 0x3C:50:1; do
        IFS=: read -r off val rc <<<"$row"
        python3 -c "import sys; d=bytearray(open(sys.argv[1],'rb').read()); d[int(sys.argv[2],16)]=int(sys.argv[3]); open(sys.argv[4],'wb').write(d)" "$T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat" "$off" "$val" "$work/corrupt.dat"
        one_line_stderr "SPR with byte $off = $val: exit $rc" "$rc" $V --quote "$work/corrupt.dat" --offline --cache-dir "$work/none" --at 2023-07-01
    done
    # policies
    mrtd=$($TC quote show --json "$T/dcap-qvl/tdx_quote" | json 'd["td"]["mrtd"]')
    echo "{\"mrtd\":\"$mrtd\",\"accepted_tcb_statuses\":[\"UpToDate\"]}" >"$work/p_mrtd.json"
    expect_rc 0 "policy: the quote's MRTD accepted" $V --quote "$T/dcap-qvl/tdx_quote" --collateral "$T/dcap-qvl/tdx_quote_collateral.json" --at 2025-07-19T10:00:34Z --policy "$work/p_mrtd.json"
    echo "{\"mrtd\":\"$(printf '%096d' 0)\"}" >"$work/p_bad.json"
    one_line_stderr "policy: another MRTD refused" 1 $V --quote "$T/dcap-qvl/tdx_quote" --collateral "$T/dcap-qvl/tdx_quote_collateral.json" --at 2025-07-19T10:00:34Z --policy "$work/p_bad.json"
    check "  ... by policy.mrtd" grep -q 'policy.mrtd' "$work/err"
    echo '{"mrdt":"00"}' >"$work/p_typo.json"
    one_line_stderr "policy with an unknown member: usage error" 2 $V --quote "$T/dcap-qvl/tdx_quote" --policy "$work/p_typo.json" --offline --cache-dir "$work/none"
    # event log
    C=$T/go-tdx-guest/ccel
    check "eventlog replay: CCEL replay equals the COS quote's RTMRs" sh -c "$TC eventlog replay '$C/ccel_data.dat' --ccel '$C/ccel_table.dat' --quote '$C/cos-113-tdx-quote.dat' | grep -c '(= quote)' | grep -qx 4"
    check "eventlog replay --json: 43 events, RTMR0 3fa2f61f" test "$($TC eventlog replay --json "$C/ccel_data.dat" --ccel "$C/ccel_table.dat" | json 'd["events_count"], d["rtmrs"]["rtmr0"][:8]')" = "43 3fa2f61f"
    one_line_stderr "eventlog replay against another quote: mismatch" 1 $TC eventlog replay "$C/ccel_data.dat" --quote "$T/dcap-qvl/tdx_quote"
    one_line_stderr "eventlog replay of garbage: malformed" 3 $TC eventlog replay "$work/garbage"
    one_line_stderr "eventlog replay with a bad CCEL table" 3 $TC eventlog replay "$C/ccel_data.dat" --ccel "$work/garbage"
else
    skip "TDX field data: ../shared/testdata absent"
fi

# ---- measure tdx on small synthetic TDVF images (the fuzz seeds): both orders, against the
# independent Python computation; a TempMem of 2^62 bytes is refused, not hashed for ever ----
if $TC measure tdx --help >/dev/null 2>&1; then
    for f in fuzz/corpus/tdvf/ovmf_like fuzz/corpus/tdvf/payload_aug; do
        for order in per-page two-pass; do
            check "measure tdx ($order) $(basename "$f") = independent Python" test "$($TC measure tdx --firmware "$f" --order "$order")" = "$(python3 tests/support/tdx_mrtd.py "$f" "$order")"
        done
    done
    python3 -c "import sys,struct; d=bytearray(open(sys.argv[1],'rb').read()); struct.pack_into('<Q', d, 0x100+16+32*3+16, 1<<62); open(sys.argv[2],'wb').write(d)" fuzz/corpus/tdvf/ovmf_like "$work/huge.fd"
    one_line_stderr "measure tdx with a 2^62-byte TempMem: refused, one line" 3 $TC measure tdx --firmware "$work/huge.fd"
fi

# ---- measure tdx (dispatched by `measure` once the measure subcommand lands) ----
ovmf=/usr/share/ovmf/OVMF.fd
if ! $TC measure tdx --help >/dev/null 2>&1; then
    skip "measure tdx: 'measure' does not dispatch 'tdx' yet (library cross-check in unit/test_tdvf)"
elif [ ! -f "$ovmf" ]; then
    skip "measure tdx: $ovmf absent"
else
    for order in per-page two-pass; do
        mine=$($TC measure tdx --firmware "$ovmf" --order "$order")
        theirs=$(python3 tests/support/tdx_mrtd.py "$ovmf" "$order")
        check "measure tdx ($order) = independent Python ($mine)" test "$mine" = "$theirs"
    done
    expect_rc 3 "measure tdx on a non-TDVF file" $TC measure tdx --firmware "$work/garbage"
fi
done_tests
