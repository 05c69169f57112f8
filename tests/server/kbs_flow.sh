#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The full KBS exchange on loopback with the simulated TEE: trustchain's own client for every
# TEE key type, an independent Python client (jwcrypto decrypts the JWE and verifies the EAR
# token), the bearer-token path, the audit trail, and the shared protocol vectors.
. tests/lib.sh
. tests/server/kbs-common.inc

check "broker starts on an ephemeral port" kbs_start --allow-sim
check "admin: resource, policy and reference value loaded" kbs_setup
grep -q "listening on port" "$KBS_TMP/serve.out" && ok "serve prints where it listens" ||
    fail "serve prints where it listens"

for alg in p256 p521 rsa; do
    out=$("$TC" kbs get-resource --url "$KBS_URL" --tee sim --sim-measurement "$MEAS" \
        --key-alg "$alg" default/key/disk)
    [ "$out" = "$SECRET" ] && ok "trustchain client ($alg): secret received" ||
        fail "trustchain client ($alg): got '$out'"
done
"$TC" kbs get-resource --url "$KBS_URL" --tee sim --sim-measurement "$MEAS" \
    --out "$KBS_TMP/secret" default/key/disk 2>/dev/null
[ "$(cat "$KBS_TMP/secret")" = "$SECRET" ] && [ "$(stat -c %a "$KBS_TMP/secret")" = 600 ] &&
    ok "--out writes the secret with mode 0600" || fail "--out writes the secret with mode 0600"
j=$("$TC" kbs get-resource --url "$KBS_URL" --tee sim --sim-measurement "$MEAS" --json \
    default/key/disk)
echo "$j" | $PY -c 'import json,sys,base64; d=json.load(sys.stdin); assert d["ok"] and \
    base64.b64decode(d["secret_b64"]).decode()==sys.argv[1] and d["token"].count(".")==2' \
    "$SECRET" && ok "--json output" || fail "--json output: $j"

# Independent client (Python + jwcrypto), each key type.
for alg in p256 p521 rsa; do
    TC="$TC" $PY tests/server/kbs_client.py flow "$KBS_URL" default/key/disk "$SECRET" "$alg" \
        "$MEAS" || t_failed=$((t_failed + 1))
done

# The attestation token alone.
tok=$("$TC" kbs attest --url "$KBS_URL" --tee sim --sim-measurement "$MEAS")
[ "$(echo "$tok" | tr -cd . | wc -c)" = 2 ] && ok "kbs attest prints the EAR token" ||
    fail "kbs attest prints the EAR token"
r=$(http GET /kbs/v0/resource/default/key/disk -H "Authorization: Bearer $tok")
[ "$(echo "$r" | head -1)" = 200 ] && ok "curl with the token as bearer: 200" ||
    fail "curl with the token as bearer: $r"

# Without the measurement in the reference values the policy says no (401 PolicyDeny).
expect_rc 1 "unknown measurement: refused by policy (exit 1)" \
    "$TC" kbs get-resource --url "$KBS_URL" --tee sim default/key/disk
"$TC" kbs get-resource --url "$KBS_URL" --tee sim default/key/disk 2>"$KBS_TMP/err"
grep -q "executables" "$KBS_TMP/err" && ok "the refusal says which rule failed" ||
    fail "the refusal says which rule failed: $(cat "$KBS_TMP/err")"

# Policy and reference value changes take effect on the next request (the broker's parsed
# policy cache is revalidated against the store on every request).
echo '{"id":"disk-keys","resources":["default/key/*"],"rules":[{"claim":"/submods/cpu0/ear.status","equals":"affirming"}]}' >"$KBS_TMP/strict.json"
admin set-policy "$KBS_TMP/strict.json" >/dev/null
expect_rc 1 "a stricter policy applies at once (sim is never affirming)" \
    "$TC" kbs get-resource --url "$KBS_URL" --tee sim --sim-measurement "$MEAS" default/key/disk
admin set-policy "$KBS_TMP/policy.json" >/dev/null
other=$(printf 'cd%.0s' $(seq 48))
admin set-reference-value --tee sim --name measurement "$other" >/dev/null
expect_rc 1 "a replaced reference value applies at once" \
    "$TC" kbs get-resource --url "$KBS_URL" --tee sim --sim-measurement "$MEAS" default/key/disk
out=$("$TC" kbs get-resource --url "$KBS_URL" --tee sim --sim-measurement "$other" default/key/disk)
[ "$out" = "$SECRET" ] && ok "the new reference value is accepted" || fail "new reference value: $out"
admin set-reference-value --tee sim --name measurement "$MEAS" "$other" >/dev/null

# Audit: who got which resource, on which evidence, marked simulated.
check "audit: resource released, with session and evidence" \
    audit_has '"event":"resource","outcome":"ok"' '"resource":"default/key/disk"' '"evidence":"'
check "audit: attestations marked simulated" audit_has '"event":"attest"' '"simulated":true'
grep -q "SIMULATED attest 200" "$KBS_TMP/broker.log" && grep -q '^.*\[allow-sim\]' \
    "$KBS_TMP/broker.log" && ok "log lines marked [allow-sim] and SIMULATED" ||
    fail "log lines marked [allow-sim] and SIMULATED"
if grep -q "$SECRET" "$KBS_TMP/broker.log" "$KBS_TMP/serve.err" "$KBS_TMP/audit.json"; then
    fail "the secret appears in a log or the audit"
else
    ok "the secret appears in no log and no audit record"
fi

# JWKS: the broker's public key.
r=$(http GET /kbs/v0/jwks)
echo "$r" | tail -n +2 | $PY -c 'import json,sys; k=json.load(sys.stdin)["keys"][0]; \
    assert k["kty"]=="EC" and k["crv"]=="P-256" and k["alg"]=="ES256" and "d" not in k' &&
    ok "/kbs/v0/jwks publishes the P-256 public key only" || fail "/kbs/v0/jwks: $r"

# The shared protocol vectors, independently (Python).
if testdata; then
    $PY tests/server/kbs_client.py vectors "$TC_TESTDATA/kbs/vectors.json" ||
        t_failed=$((t_failed + 1))
else
    skip "KBS vectors: ../shared/testdata not present"
fi
kbs_stop
check "broker stopped cleanly on SIGTERM" true
done_tests
