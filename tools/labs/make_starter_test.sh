#!/usr/bin/env bash
# make_starter_test — generates every lab's starter tree with
# make_starter.sh into TEST_TMPDIR and checks what students would get:
#   - no lab marker survives (no LABn_SOLUTION anywhere, no #ifdef of the kit)
#   - labs/hidden/ is left out; tools/labs/tree.bzl says "starter N"
#   - every file that had a lab region compiles warning-free
#     (gcc -std=c11 -Wall -Wextra -Werror -fsyntax-only), stubs included
#   - labs < N keep the reference (no TODO of theirs left), labs >= N keep
#     every TODO(lab k) of their stubs
#   - the handout's table of functions points at lines holding those TODOs
# The sources are the ones behind every graded test (//labs:sources).
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
ws="$TEST_SRCDIR/$TEST_WORKSPACE"
src="$TEST_TMPDIR/src"
rm -rf "$src"
mkdir -p "$src"
# The runfiles, dereferenced, make a small reference tree.
(cd "$ws" && find -L stack apps tests labs tools -type f -print0) \
    | (cd "$ws" && xargs -0 cp -L --parents -t "$src")
touch "$src/WORKSPACE"
[[ -d $src/labs/hidden ]] || fail "the test's reference tree has no labs/hidden (data missing?)"
command -v unifdef >/dev/null || fail "unifdef is not installed (tools/install-deps.sh test)"

# Every file that names a lab symbol, however the region is spelled.
mapfile -t marked < <(cd "$src" && grep -rlE 'LAB[0-9]+_SOLUTION' stack apps | sort)
[[ ${#marked[@]} -gt 0 ]] || fail "no file with a lab region found"
echo "files with lab regions: ${#marked[@]}"
todos_of() {   # todos_of K: the TODO(lab K) comments in the stubs of the reference
    (cd "$src" && cat "${marked[@]}") | grep -c "TODO(lab $1)" || true
}

for n in 1 2 3 4 5 6 7 8 9; do
    out="$TEST_TMPDIR/starter$n"
    rm -rf "$out"
    "$ws/tools/labs/make_starter.sh" --src "$src" "$n" "$out" >"$TEST_TMPDIR/make$n.log" 2>&1 \
        || { cat "$TEST_TMPDIR/make$n.log"; fail "make_starter.sh $n failed"; }
    if left=$(grep -rIlE 'LAB[0-9]+_SOLUTION' "$out") && [[ -n $left ]]; then
        fail "starter $n: lab markers survive in: $left"
    fi
    [[ ! -e $out/labs/hidden ]] || fail "starter $n: labs/hidden was copied"
    grep -q "^TREE_KIND = \"starter\"" "$out/tools/labs/tree.bzl" \
        && grep -q "^STARTER_LAB = $n\$" "$out/tools/labs/tree.bzl" \
        || fail "starter $n: tools/labs/tree.bzl does not say starter $n"
    for f in "${marked[@]}"; do
        case "$f" in
            *.c) lang=c ;;
            *.h) lang=c-header ;;   # the stack's headers stand alone
            *) fail "a lab region in $f: this test compiles only .c and .h files" ;;
        esac
        gcc -x "$lang" -std=c11 -Wall -Wextra -Werror -Wunused-but-set-parameter -fsyntax-only \
            -I "$out" "$out/$f" 2>"$TEST_TMPDIR/gcc.log" \
            || { cat "$TEST_TMPDIR/gcc.log"; fail "starter $n: $f does not compile warning-free"; }
    done
    grep -qx '/grade-out/' "$out/.gitignore" \
        || fail "starter $n: .gitignore does not leave out the grader's grade-out/"
    for k in 1 2 3 4 5 6 7 8 9; do
        want=0
        ((k < n)) || want=$(todos_of "$k")
        got=$( (grep -r "TODO(lab $k)" "$out/stack" "$out/apps" || true) | wc -l)
        [[ $got -eq $want ]] || fail "starter $n: $got TODO(lab $k) comments, expected $want"
    done
    readme=$(ls "$out"/labs/lab$n-*/README.md 2>/dev/null | head -1 || true)
    if [[ -n $readme ]] && grep -q '<!-- todo-table:begin -->' "$readme"; then
        rows=0
        while read -r path line; do
            rows=$((rows + 1))
            sed -n "${line}p" "$out/$path" | grep -q "TODO(lab $n)" \
                || fail "starter $n: the handout points at $path:$line, which holds no TODO(lab $n)"
        done < <(sed -n '/<!-- todo-table:begin -->/,/<!-- todo-table:end -->/p' "$readme" \
                 | grep -oE '`[a-z0-9_/]+\.[ch]:[0-9]+`' | tr -d '`' | tr ':' ' ')
        [[ $rows -eq $(todos_of "$n") ]] \
            || fail "starter $n: the handout's table has $rows rows for $(todos_of "$n") TODOs"
    fi
    echo "ok starter $n: no markers, compiles warning-free, TODOs in place ($(tail -2 "$TEST_TMPDIR/make$n.log" | head -1 | sed "s/^make_starter: //"))"
done
echo "PASS: 9 starter trees generated and checked"
