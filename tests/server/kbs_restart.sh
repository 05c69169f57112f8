#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Restart the broker in the middle of a run, once cleanly (SIGTERM) and once by a crash
# (SIGKILL): no resource, policy, reference value or audit line is lost, sessions and tokens
# issued before the restart keep working (the signing and session keys live in the store).
. tests/lib.sh
. tests/server/kbs-common.inc

check "broker starts" kbs_start --allow-sim
check "setup" kbs_setup
port=$(cat "$KBS_TMP/port")
url=$KBS_URL
count_ok() { # audit records of released resources
    admin audit --limit 100000 | $PY -c 'import json,sys
print(sum(1 for r in json.load(sys.stdin) if r["event"]=="resource" and r["outcome"]=="ok"))'
}

# One broker owns its store: a second one on the same file refuses to start (exit 4).
"$TC" serve --db "$KBS_TMP/broker.db" --listen 127.0.0.1:0 >/dev/null 2>"$KBS_TMP/second.err"
rc=$?
[ $rc = 4 ] && grep -q "locked" "$KBS_TMP/second.err" &&
    ok "a second broker on the same store refuses to start (exit 4, locked)" ||
    fail "second broker on the same store: exit $rc, $(cat "$KBS_TMP/second.err")"

# A token from before any restart.
token=$("$TC" kbs attest --url "$KBS_URL" --tee sim --sim-measurement "$MEAS")

# Clients fetch the secret in a loop while the broker is killed and restarted under them.
client_loop() {
    while [ ! -e "$KBS_TMP/stop" ]; do
        if out=$("$TC" kbs get-resource --url "$url" --tee sim --sim-measurement "$MEAS" \
            --timeout 5 default/key/disk 2>/dev/null) && [ "$out" = "$SECRET" ]; then
            echo ok >>"$KBS_TMP/successes.$1"
        fi
    done
}
client_loop 1 &
c1=$!
client_loop 2 &
c2=$!
sleep 1.5
kbs_stop KILL
ok "broker killed (SIGKILL) mid-run"
check "broker restarts on the same port and store" kbs_start --allow-sim --listen "127.0.0.1:$port"
sleep 1.5
kbs_stop TERM
check "broker restarts after SIGTERM" kbs_start --allow-sim --listen "127.0.0.1:$port"
sleep 1
touch "$KBS_TMP/stop"
wait $c1 $c2
seen=$(cat "$KBS_TMP"/successes.* 2>/dev/null | wc -l)
[ "$seen" -gt 5 ] && ok "clients got the secret $seen times across the restarts" ||
    fail "clients got the secret only $seen times"
logged=$(count_ok)
# Every secret a client received has its audit line (committed before the response).
[ "$logged" -ge "$seen" ] && ok "no audit line lost: $logged released-resource records >= $seen receipts" ||
    fail "audit lines lost: $logged records < $seen receipts"

check "the resource is still there" sh -c "'$TC' kbs list-resources --url '$KBS_URL' --admin-key '$KBS_TMP/admin.pem' | grep -q default/key/disk"
check "the resource policy is still there" sh -c "'$TC' kbs list-policies --url '$KBS_URL' --admin-key '$KBS_TMP/admin.pem' | grep -q disk-keys"
r=$(curl -s -H "Authorization: Bearer $("$TC" kbs admin-token --key "$KBS_TMP/admin.pem")" \
    "$KBS_URL/kbs/v0/reference-value/sim")
echo "$r" | grep -q "$MEAS" && ok "the reference value is still there" || fail "reference value: $r"
r=$(http GET /kbs/v0/resource/default/key/disk -H "Authorization: Bearer $token")
[ "$(echo "$r" | head -1)" = 200 ] && ok "a token issued before the restarts still works" ||
    fail "token from before the restarts: $r"
out=$("$TC" kbs get-resource --url "$KBS_URL" --tee sim --sim-measurement "$MEAS" default/key/disk)
[ "$out" = "$SECRET" ] && ok "a new client gets the secret after the restarts" || fail "new client: $out"
# The audit ids are dense: nothing was removed.
admin audit --limit 100000 | $PY -c 'import json,sys
ids=[r["id"] for r in json.load(sys.stdin)]; assert ids==list(range(ids[0], ids[0]+len(ids))), ids[:5]' &&
    ok "audit ids are contiguous (append-only, nothing removed)" || fail "audit ids not contiguous"
kbs_stop
done_tests
