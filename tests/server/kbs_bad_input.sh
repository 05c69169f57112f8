#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Every bad input to the broker: a clear 4xx with Trustee's JSON error body saying why, an audit
# line, no secret, no crash.  Plus the refusals that need their own broker: the simulated TEE
# without --allow-sim, an expired session, the session cap, admin token checks.
. tests/lib.sh
. tests/server/kbs-common.inc

check "broker starts" kbs_start --allow-sim --max-body 262144 --max-header 32768
check "setup" kbs_setup
before=$(admin audit --limit 10000 | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))')
TC="$TC" $PY tests/server/kbs_client.py bad "$KBS_URL" "$MEAS" "$SECRET" >"$KBS_TMP/bad.out"
cat "$KBS_TMP/bad.out"
t_failed=$((t_failed + $(grep -c '^FAIL' "$KBS_TMP/bad.out")))
n=$(sed -n 's/^# refusals checked: //p' "$KBS_TMP/bad.out")
check "the broker survived every bad input" kbs_alive
admin audit --limit 10000 >"$KBS_TMP/audit.json"
after=$($PY -c 'import json,sys; a=json.load(open(sys.argv[1])); print(sum(1 for r in a if r["outcome"]=="rejected"))' "$KBS_TMP/audit.json")
[ "${after:-0}" -ge "${n:-1}" ] && ok "an audit line for every refusal ($after rejected records >= $n refusals)" ||
    fail "an audit line for every refusal ($after rejected records, $n refusals)"
for w in 'Version Mismatch' 'REPORT_DATA' 'replay' 'signature' 'body exceeds' 'headers of' \
    'not found' 'denies\|no resource policy covers' 'admin'; do
    grep -q "$w" "$KBS_TMP/audit.json" && ok "audit explains: $w" || fail "audit explains: $w"
done
if grep -q "$SECRET" "$KBS_TMP/broker.log" "$KBS_TMP/audit.json" "$KBS_TMP/bad.out"; then
    fail "the secret leaked into a log, the audit or a refusal"
else
    ok "the secret is in no log, audit record or refusal"
fi

# A newline in a path cannot forge a log line.
curl -s -o /dev/null "$KBS_URL/kbs/v0/x%0aFORGED%20LOG%20LINE"
if grep -q '^FORGED' "$KBS_TMP/broker.log"; then
    fail "a %0a in the path forged a log line"
else
    grep -q 'x?FORGED LOG LINE' "$KBS_TMP/broker.log" && ok "control characters from requests are neutralised in the log" ||
        fail "log neutralisation: $(tail -2 "$KBS_TMP/broker.log")"
fi

# Headers far over the cap: libmicrohttpd refuses them itself; the broker lives on.
{ printf 'X-Huge: '; head -c 200000 /dev/zero | tr '\0' y; echo; } >"$KBS_TMP/huge.hdr"
code=$(curl -s -o /dev/null -w '%{http_code}' -H @"$KBS_TMP/huge.hdr" "$KBS_URL/kbs/v0/jwks")
[ "$code" = 431 ] || [ "$code" = 413 ] || [ "$code" = 400 ] || [ "$code" = 000 ] &&
    kbs_alive && ok "200 KB of headers refused ($code), broker alive" ||
    fail "200 KB of headers: $code"

# A malformed admin input is a 400 with a reason (and changes nothing).
echo '{"id":"x","resources":[],"rules":[]}' >"$KBS_TMP/badpol.json"
expect_rc 3 "admin: malformed policy refused (400, exit 3)" admin set-policy "$KBS_TMP/badpol.json"
echo '{"tee":"sim","id":"p","rules":[{"tier":"nope","claim":"a","equals":1}]}' >"$KBS_TMP/badap.json"
expect_rc 3 "admin: malformed attestation policy refused" admin set-attestation-policy "$KBS_TMP/badap.json"
"$TC" kbs keygen --alg es256 --out "$KBS_TMP/other.pem" >/dev/null
expect_rc 1 "admin: token from a key that is not an admin key refused" \
    "$TC" kbs list-resources --url "$KBS_URL" --admin-key "$KBS_TMP/other.pem"
expired=$("$TC" kbs admin-token --key "$KBS_TMP/admin.pem" --ttl 1)
sleep 2
expect_rc 1 "admin: expired admin token refused" \
    "$TC" kbs list-resources --url "$KBS_URL" --token "$expired"
kbs_stop

# Without --allow-sim the simulated TEE is refused at /auth.
check "broker without --allow-sim" kbs_start
r=$(http POST /kbs/v0/auth -d '{"version":"0.4.0","tee":"sim","extra-params":{}}')
echo "$r" | grep -q "not started with --allow-sim" && [ "$(echo "$r" | head -1)" = 401 ] &&
    ok "sim refused without --allow-sim (401)" || fail "sim refused without --allow-sim: $r"
expect_rc 1 "client: sim refused without --allow-sim (exit 1)" \
    "$TC" kbs get-resource --url "$KBS_URL" --tee sim default/key/disk
kbs_stop

# Sessions expire; the session cap holds.
check "broker with 1 s sessions and a cap of 2 sessions" kbs_start --allow-sim --session-ttl 1 \
    --max-sessions 2
curl -s -c "$KBS_TMP/jar" -o "$KBS_TMP/ch.json" -H 'Content-Type: application/json' \
    -d '{"version":"0.4.0","tee":"sim","extra-params":{}}' "$KBS_URL/kbs/v0/auth"
sleep 2.2
r=$(http POST /kbs/v0/attest -b "$KBS_TMP/jar" -d '{"runtime-data":{"nonce":"x","tee-pubkey":{}},"tee-evidence":{"primary_evidence":{}}}')
# curl drops an expired cookie from the jar; send it by hand.
cookie=$(awk '$6=="kbs-session-id"{print $7}' "$KBS_TMP/jar")
r=$(http POST /kbs/v0/attest -H "Cookie: kbs-session-id=$cookie" -d '{"runtime-data":{"nonce":"x","tee-pubkey":{}},"tee-evidence":{"primary_evidence":{}}}')
echo "$r" | grep -q "expired" && [ "$(echo "$r" | head -1)" = 401 ] &&
    ok "expired session refused (401, says expired)" || fail "expired session: $r"
kbs_stop

# The session cap: live (attested) sessions beyond --max-sessions get 503 with a reason.
check "broker with a cap of 2 live sessions" kbs_start --allow-sim --max-sessions 2
check "setup" kbs_setup
for i in 1 2; do
    "$TC" kbs attest --url "$KBS_URL" --tee sim >/dev/null 2>&1
done
"$TC" kbs attest --url "$KBS_URL" --tee sim >/dev/null 2>"$KBS_TMP/err"
grep -q "too many live sessions" "$KBS_TMP/err" && ok "third session over the cap refused (503)" ||
    fail "session cap: $(cat "$KBS_TMP/err")"
check "audit: the cap refusal is recorded" audit_has '"status":503' 'too many live sessions'
kbs_stop

# Connection cap and idle timeout (libmicrohttpd): idle sockets hold the slots, a new request is
# not served until they go; after the timeout they are closed and service resumes.
check "broker with 3 connections at most and a 1 s idle timeout" kbs_start --allow-sim \
    --max-connections 3 --timeout 1
$PY - "$(cat "$KBS_TMP/port")" <<'PYEOF' && ok "connection cap enforced, idle connections timed out" || fail "connection cap / idle timeout"
import socket, sys, time
port = int(sys.argv[1])
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
time.sleep(0.2)
def get():
    s = socket.create_connection(("127.0.0.1", port), timeout=0.5)
    s.sendall(b"GET /kbs/v0/jwks HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    try:
        return s.recv(100)
    except OSError:
        return b""
    finally:
        s.close()
blocked = not get().startswith(b"HTTP/1.1 200")
time.sleep(2.5)  # past the idle timeout: the broker drops the idle sockets
served = get().startswith(b"HTTP/1.1 200")
sys.exit(0 if blocked and served else 1)
PYEOF
kbs_stop
done_tests
