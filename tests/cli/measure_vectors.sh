# SPDX-License-Identifier: Apache-2.0
# Replay reference launch digests of sev-snp-measure against `trustchain measure`:
#  - every row of ../shared/testdata/measure/vectors-sample.tsv (the shared sample), and
#  - every row of tests/data/measure-grid.tsv (a wider grid made by tests/tools/gen-measure-grid.sh
#    from the reference tool: our oracle), skipping rows whose firmware is not installed.
# A digest row must print exactly the reference's stdout; an ERROR row (the reference refused) and
# a "refuse:" row (a documented divergence: the reference printed a digest for a guest that cannot
# launch as described) must be refused: non-zero exit, nothing on stdout, one line on stderr.
. tests/lib.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
INPUTS=$work/inputs
mkdir -p "$INPUTS" "$work/cwd"
# The dummy inputs, as ../shared/testdata/measure/README.md makes them.
head -c 1048576 /dev/zero | tr '\0' 'K' >"$INPUTS/kernel.bin"
head -c 524288 /dev/zero | tr '\0' 'I' >"$INPUTS/initrd.bin"
(head -c 1000003 /dev/zero | tr '\0' 'K'; printf 'X') >"$INPUTS/kernel_odd.bin"
: >"$INPUTS/empty.bin"
FIXTURES=
if testdata; then FIXTURES=$TC_TESTDATA/ovmf; fi
CORPUS=$PWD/fuzz/corpus/ovmf

# The exit code a refusal should have, from the reference's error (0: any non-zero).
want_rc() {
    case "$1" in
    "ERROR rc=2:"*) echo 2 ;;                # argparse: usage
    *FileNotFoundError*) echo 4 ;;           # unreadable file: I/O
    "ERROR rc=1: Error: "*) echo 3 ;;        # the firmware cannot be measured as asked
    "refuse: firmware"* | "refuse: not a firmware"* | "refuse: malformed"* | "refuse: kernel-hashes"*) echo 3 ;;
    "refuse: "*) echo 2 ;;
    *) echo 0 ;;
    esac
}

replay() { # label, tsv file
    local label=$1 file=$2 line args out note real rc n=0 skipped=0 what want got f vm
    while IFS= read -r line || [ -n "$line" ]; do
        n=$((n + 1))
        [ "$n" = 1 ] && continue # header
        args=${line%%$'\t'*}
        line=${line#*$'\t'}
        out=${line%%$'\t'*}
        note=
        case "$line" in *$'\t'*) note=${line#*$'\t'} ;; esac
        what="$label:$n: $args"
        case "$args" in *'$('* | *'`'*) fail "$what: refusing to evaluate"; continue ;; esac
        if [ -z "$FIXTURES" ] && [ "${args#*\$FIXTURES}" != "$args" ]; then
            skipped=$((skipped + 1)); continue
        fi
        real=${args//\$FIXTURES/$FIXTURES}
        real=${real//\$INPUTS/$INPUTS}
        real=${real//\$CORPUS/$CORPUS}
        eval "set -- $real"
        missing=
        for f in "$@"; do
            case "$f" in /usr/share/*) [ -e "$f" ] || missing=$f ;; esac
        done
        if [ -n "$missing" ]; then
            skipped=$((skipped + 1)); continue
        fi
        rm -f "$work"/cwd/vmsa*.bin
        (cd "$work/cwd" && "$TC" measure "$@") >"$work/out" 2>"$work/err"
        rc=$?
        case "$out$note" in
        ERROR* | *"refuse: "*)
            [ "${out#ERROR}" != "$out" ] && want=$(want_rc "$out") || want=$(want_rc "$note")
            got="rc=$rc, $(wc -l <"$work/out") stdout lines, $(wc -l <"$work/err") stderr lines"
            if [ "$rc" != 0 ] && [ ! -s "$work/out" ] && [ "$(wc -l <"$work/err")" = 1 ] &&
                { [ "$want" = 0 ] || [ "$rc" = "$want" ]; }; then
                ok "$what -> refused ($(cat "$work/err"))"
            else
                fail "$what: expected a refusal (exit ${want/#0/non-zero}), got $got: $(head -c 300 "$work/out" "$work/err")"
            fi
            ;;
        *)
            if [ "$rc" = 0 ] && [ "$(cat "$work/out")" = "$out" ] && [ ! -s "$work/err" ]; then
                ok "$what"
            else
                fail "$what: expected $out, got rc=$rc: $(head -c 300 "$work/out") $(head -c 300 "$work/err")"
                continue
            fi
            case "$note" in vmsa-sha256=*)
                vm=""
                for f in $(cd "$work/cwd" && ls vmsa*.bin 2>/dev/null | sort -V); do
                    vm="$vm${vm:+,}$(sha256sum "$work/cwd/$f" | cut -c1-64)"
                done
                if [ "vmsa-sha256=$vm" = "$note" ]; then
                    ok "$what: dumped VMSAs equal the reference's"
                else
                    fail "$what: dumped VMSAs differ: $vm"
                fi
                ;;
            esac
            ;;
        esac
    done <"$file"
    [ "$skipped" = 0 ] || skip "$label: $skipped rows skipped (firmware or ../shared/testdata absent)"
}

if testdata && [ -f "$TC_TESTDATA/measure/vectors-sample.tsv" ]; then
    replay sample "$TC_TESTDATA/measure/vectors-sample.tsv"
else
    skip "vectors-sample.tsv: ../shared/testdata not present"
fi
replay grid tests/data/measure-grid.tsv
done_tests
