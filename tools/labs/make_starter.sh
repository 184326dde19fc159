#!/usr/bin/env bash
# make_starter.sh — write the students' tree for lab N from the reference.
#
#   tools/labs/make_starter.sh [--src DIR] [--git] [--force] N OUTDIR
#   (or: ./tunlab lab start N [OUTDIR])
#
# Copies the reference's tracked files (`git ls-files`; every file when DIR
# is not a git work tree) to OUTDIR, leaving out labs/hidden/ (the
# instructor's hidden tests), and runs Debian's unifdef over every C/C++
# source with the lab symbols set for lab N:
#
#   -DLABk_SOLUTION for k < N   the earlier labs keep the reference code, so
#                               a student is never blocked by an earlier lab
#   -ULABk_SOLUTION for k >= N  lab N's regions (and the later labs') become
#                               the compiling stubs with their TODO comments
#
# so the students get clean code: no #ifdef of the lab kit survives, which
# the script checks before it finishes. tools/labs/tree.bzl is rewritten to
# say "starter N" (the lab BUILD files then define only the graded suites),
# .gitignore leaves out the grader's grade-out/,
# and each lab handout's table of "functions to write" gets the file:line of
# every TODO in this tree.
#
#   --src DIR  the reference tree (default: the repository of this script)
#   --git      make OUTDIR a git repository with the starter as first commit
#   --force    write into an OUTDIR that is not empty (its files are replaced)
set -euo pipefail

readonly LAB_COUNT=9
readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}
die() { echo "make_starter: $*" >&2; exit 1; }

src=$(cd "$HERE/../.." && pwd)
git_init=0
force=0
args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --src) [[ $# -ge 2 ]] || die "--src needs a directory"; src=$2; shift ;;
        --src=*) src=${1#--src=} ;;
        --git) git_init=1 ;;
        --force) force=1 ;;
        -h|--help) usage; exit 0 ;;
        -*) die "unknown option '$1' (try --help)" ;;
        *) args+=("$1") ;;
    esac
    shift
done
[[ ${#args[@]} -eq 2 ]] || { usage >&2; exit 2; }
lab=${args[0]}
out=${args[1]}
[[ $lab =~ ^[1-9]$ && $lab -le $LAB_COUNT ]] || die "lab must be 1..$LAB_COUNT, not '$lab'"
command -v unifdef >/dev/null || die "unifdef is not installed (tools/install-deps.sh test, or apt-get install unifdef)"
src=$(cd "$src" && pwd)
[[ -f $src/WORKSPACE ]] || die "$src is not a tunlab tree (no WORKSPACE)"

if [[ -e $out && $force -eq 0 ]] && [[ -n $(ls -A "$out" 2>/dev/null) ]]; then
    die "$out exists and is not empty (use --force to write into it)"
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
[[ $out != "$src" ]] || die "OUTDIR must not be the reference tree itself"

# ---- 1. the files -----------------------------------------------------------
list=$(mktemp)
trap 'rm -f "$list"' EXIT
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # Tracked files, as they are in the work tree (deleted ones skipped).
    git -C "$src" ls-files -z | while IFS= read -r -d '' f; do
        [[ -f $src/$f ]] && printf '%s\0' "$f"
    done >"$list.all"
else
    (cd "$src" && find . -path ./.git -prune -o -path './bazel-*' -prune -o -type f -print0 \
        | sed -z 's|^\./||') >"$list.all"
fi
# The instructor's hidden tests never reach students.
grep -z -v -E '^labs/hidden(/|$)' "$list.all" >"$list" || true
rm -f "$list.all"
(cd "$src" && tar -cf - --null -T "$list") | (cd "$out" && tar -xf -)
files=$(tr -cd '\0' <"$list" | wc -c)

# ---- 2. the lab regions -----------------------------------------------------
symbols=()
for ((k = 1; k <= LAB_COUNT; k++)); do
    if ((k < lab)); then symbols+=("-DLAB${k}_SOLUTION"); else symbols+=("-ULAB${k}_SOLUTION"); fi
done
regions=0
while IFS= read -r -d '' f; do
    case "$f" in
        *.c|*.h|*.cc|*.cpp|*.hpp) ;;
        *) continue ;;
    esac
    grep -q 'LAB[0-9]*_SOLUTION' "$out/$f" || continue
    n=$(grep -c '^#ifdef LAB[0-9]*_SOLUTION' "$out/$f" || true)
    regions=$((regions + n))
    rc=0
    unifdef -B "${symbols[@]}" -o "$out/$f.unifdef" "$out/$f" || rc=$?
    # unifdef: 0 = unchanged, 1 = changed, 2 = trouble.
    [[ $rc -le 1 ]] || die "unifdef failed on $f"
    mv "$out/$f.unifdef" "$out/$f"
done <"$list"

# ---- 3. the tree says what it is --------------------------------------------
cat >"$out/tools/labs/tree.bzl" <<EOF
"""Which kind of tree this is, for the lab course's BUILD macros.

Written by tools/labs/make_starter.sh: a student's tree for lab $lab (the
solutions of labs < $lab are in, lab $lab and later are yours to write). The
lab BUILD files define only the graded suites here:
    bazel test //labs/<lab folder>:graded
"""

TREE_KIND = "starter"
STARTER_LAB = $lab
EOF

# The grader's output in a student's tree (./tunlab grade) is not theirs to commit.
grep -qx '/grade-out/' "$out/.gitignore" 2>/dev/null \
    || printf '%s\n' "# the grader's report (./tunlab grade)" /grade-out/ >>"$out/.gitignore"

# ---- 4. the handouts point at this tree's lines -----------------------------
# Between <!-- todo-table:begin --> and <!-- todo-table:end --> in each
# labs/labK-*/README.md: one row per "TODO(lab K): func()" comment.
for readme in "$out"/labs/lab[0-9]-*/README.md; do
    [[ -f $readme ]] || continue
    k=$(basename "$(dirname "$readme")" | sed 's/^lab\([0-9]\).*/\1/')
    grep -q '<!-- todo-table:begin -->' "$readme" || continue
    table=$(cd "$out" && { grep -rn --include='*.c' --include='*.h' "TODO(lab $k): " stack apps 2>/dev/null || true; } \
        | sort -t: -k1,1 -k2,2n \
        | sed -E 's|^([^:]+):([0-9]+):.*TODO\(lab [0-9]\): ([^—]*[^— ]) —( .*)?$|\| `\3` \| `\1:\2` \||')
    if ((k < lab)); then
        table="| (this lab is solved in this tree: the reference code is in place) | |"
    elif [[ -z $table ]]; then
        table="| (no region of this lab is marked yet: see labs/README.md, \"Status\") | |"
    fi
    awk -v table="$table" '
        /<!-- todo-table:begin -->/ { print; print "| function | where (this tree) |"; print "|---|---|"; print table; skip = 1; next }
        /<!-- todo-table:end -->/ { skip = 0 }
        !skip { print }
    ' "$readme" >"$readme.new"
    mv "$readme.new" "$readme"
done

# ---- 5. nothing of the kit may survive --------------------------------------
if left=$(grep -rIl 'LAB[0-9][0-9]*_SOLUTION' "$out" 2>/dev/null) && [[ -n $left ]]; then
    die "lab markers survived in: $left"
fi
[[ ! -e $out/labs/hidden ]] || die "labs/hidden was copied"

if [[ $git_init -eq 1 ]] && command -v git >/dev/null; then
    (cd "$out" && git init -q && git add -A \
        && git -c user.name=tunlab -c user.email=tunlab@localhost commit -q \
            -m "tunlab starter for lab $lab") || die "git init failed"
fi

todos=$( (grep -rn "TODO(lab $lab)" "$out/stack" "$out/apps" 2>/dev/null || true) | wc -l)
handout=$(cd "$out" && ls -d labs/lab$lab-*/README.md 2>/dev/null | head -1 || true)
echo "make_starter: lab $lab starter in $out: $files files, $regions lab regions" \
     "(labs < $lab solved, labs $lab..$LAB_COUNT stubbed), $todos TODOs for lab $lab"
echo "make_starter: next: cd $out && less ${handout:-labs/README.md}"
