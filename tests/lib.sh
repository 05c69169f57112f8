# SPDX-License-Identifier: Apache-2.0
# Shell side of the test harness: same line format as tests/harness.h.
# Sourced by tests/cli/*.sh and tests/server/*.sh; TC (the CLI) and TC_TESTDATA are set by tests/run.
t_failed=0
ok()   { printf 'ok - %s\n' "$*"; }
fail() { printf 'FAIL - %s\n' "$*"; t_failed=$((t_failed + 1)); }
skip() { printf 'skip - %s\n' "$*"; }
# check "what" cmd...: passes if the command succeeds
check() { what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
# expect_rc N "what" cmd...: passes if the command exits with N
expect_rc() {
    want=$1; what=$2; shift 2
    "$@" >/dev/null 2>&1; got=$?
    if [ "$got" = "$want" ]; then ok "$what"; else fail "$what (exit $got, expected $want)"; fi
}
testdata() { [ -n "${TC_TESTDATA:-}" ] && [ -d "$TC_TESTDATA" ]; }
done_tests() { exit $(( t_failed > 0 ? 1 : 0 )); }
