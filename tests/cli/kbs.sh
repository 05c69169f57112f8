#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# trustchain kbs / serve: help, usage errors and their exit codes, key and token tools, sim
# evidence (no broker needed).
. tests/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect_rc 0 "kbs --help" "$TC" kbs --help
expect_rc 0 "serve --help" "$TC" serve --help
expect_rc 0 "help kbs" "$TC" help kbs
expect_rc 2 "kbs without a command" "$TC" kbs
expect_rc 2 "kbs unknown command" "$TC" kbs frobnicate
expect_rc 2 "get-resource without --url" "$TC" kbs get-resource --tee sim a/b/c
expect_rc 2 "get-resource with an unknown TEE" "$TC" kbs get-resource --url http://127.0.0.1:1 --tee sgx a/b/c
expect_rc 2 "get-resource without a path" "$TC" kbs get-resource --url http://127.0.0.1:1 --tee sim
expect_rc 2 "get-resource with a bad key algorithm" "$TC" kbs get-resource --url http://127.0.0.1:1 --tee sim --key-alg p384 a/b/c
expect_rc 4 "get-resource: nothing listening (I/O)" "$TC" kbs get-resource --url http://127.0.0.1:1 --tee sim a/b/c
expect_rc 2 "serve without --db" "$TC" serve
expect_rc 2 "serve with a bad number" "$TC" serve --db "$tmp/x.db" --threads many
expect_rc 2 "serve with a bad listen address" "$TC" serve --db "$tmp/x.db" --listen nowhere
expect_rc 3 "serve with a malformed config" sh -c "echo '{\"nope\":1}' >'$tmp/c.json'; '$TC' serve --db '$tmp/x.db' --config '$tmp/c.json'"

check "keygen ed25519" "$TC" kbs keygen --alg ed25519 --out "$tmp/ed.pem" --pub "$tmp/ed.pub"
check "keygen es256" "$TC" kbs keygen --alg es256 --out "$tmp/es.pem" --pub "$tmp/es.pub"
[ "$(stat -c %a "$tmp/ed.pem")" = 600 ] && ok "private key written 0600" || fail "private key mode"
tok=$("$TC" kbs admin-token --key "$tmp/ed.pem" --ttl 60 --sub ops)
hdr=$(echo "$tok" | cut -d. -f1 | tr '_-' '/+' | base64 -d 2>/dev/null)
echo "$hdr" | grep -q '"alg":"EdDSA"' && ok "admin token: EdDSA header" || fail "admin token header: $hdr"
tok=$("$TC" kbs admin-token --key "$tmp/es.pem")
echo "$tok" | cut -d. -f1 | tr '_-' '/+' | base64 -d 2>/dev/null | grep -q '"alg":"ES256"' &&
    ok "admin token: ES256 header" || fail "admin token ES256"
expect_rc 3 "admin-token with a public key file" "$TC" kbs admin-token --key "$tmp/ed.pub"
echo "$tok" | cut -d. -f2 | tr '_-' '/+' | { base64 -d 2>/dev/null; true; } |
    grep -q '"aud":"trustchain-admin"' && ok "admin token: audience trustchain-admin" ||
    fail "admin token audience"
j=$("$TC" kbs admin-token --key "$tmp/es.pem" --json)
echo "$j" | /usr/bin/python3 -c 'import json,sys; assert json.load(sys.stdin)["token"].count(".")==2' &&
    ok "admin-token --json" || fail "admin-token --json: $j"
j=$("$TC" kbs keygen --alg ed25519 --out "$tmp/q\"uote.pem" --json)
echo "$j" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["private"].endswith("q\"uote.pem") and d["public"] is None' &&
    ok "keygen --json: valid JSON for any file name" || fail "keygen --json: $j"
j=$("$TC" kbs list-resources --url http://127.0.0.1:1 --admin-key "$tmp/ed.pem" --json 2>/dev/null)
echo "$j" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["ok"] is False and d["error"]' &&
    ok "admin command --json: a JSON error too" || fail "admin --json error: $j"

# serve --config=FILE (getopt_long's other spelling) is read, not ignored.
echo '{"nope":1}' >"$tmp/c2.json"
expect_rc 3 "serve --config=FILE is read (a malformed one refused)" timeout 10 "$TC" serve \
    --db "$tmp/x.db" --listen 127.0.0.1:0 --config="$tmp/c2.json"

rd=$(printf '42%.0s' $(seq 64))
ev=$("$TC" kbs evidence --tee sim --report-data "$rd" --sim-measurement "$(printf 'ab%.0s' $(seq 48))")
echo "$ev" | /usr/bin/python3 -c 'import json,sys,base64; e=json.load(sys.stdin); r=base64.b64decode(e["report"]); \
    assert len(r)==288 and r[:8]==b"TCSIMRPT" and r[0x68:0xa8]==bytes([0x42])*64 and r[0x18]==0xab' &&
    ok "kbs evidence --tee sim: a 288-byte sim report carrying the REPORT_DATA" || fail "sim evidence: $ev"
expect_rc 2 "evidence: short --report-data" "$TC" kbs evidence --tee sim --report-data abcd
expect_rc 4 "evidence --tee snp with no configfs-tsm and no device" "$TC" kbs evidence --tee snp \
    --report-data "$rd" --tsm-root "$tmp/none" --no-tsm
done_tests
