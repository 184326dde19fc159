#!/usr/bin/env bash
# build_decks.sh FIGDIR OUTDIR [--no-pdf] — render every deck in slides/decks/
# to one self-contained HTML file each (and PDF when Chromium is installed),
# offline, with Marp CLI from npm. `./tunlab slides` runs it after
# `bazel build //slides:figures` has drawn the figures into FIGDIR.
#
# Steps: npm ci in slides/ (only when node_modules is missing or older than
# package-lock.json); expand each deck (tools/slides/expand_deck.mjs: the
# figures become data: URIs, text figures code blocks); marp --html; check
# that every deck produced its file and that no page loads anything from
# the network. Any failure stops with a message and exit status 1.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
readonly ROOT
readonly SLIDES=$ROOT/slides

die() { echo "build_decks: error: $*" >&2; exit 1; }
info() { echo "build_decks: $*" >&2; }

[[ $# -ge 2 ]] || { echo "usage: build_decks.sh FIGDIR OUTDIR [--no-pdf]" >&2; exit 2; }
figdir=$(realpath -- "$1")
out=$(realpath -m -- "$2")
pdf=1
[[ ${3:-} == --no-pdf ]] && pdf=0
[[ -d $figdir/fig ]] || die "$figdir/fig is missing: run bazel build //slides:figures first"
command -v node >/dev/null || die "node is not installed (tools/install-deps.sh slides)"
command -v npm >/dev/null || die "npm is not installed (tools/install-deps.sh slides)"

# Marp CLI, pinned by slides/package-lock.json.
marp=$SLIDES/node_modules/.bin/marp
if [[ ! -x $marp || $SLIDES/package-lock.json -nt $SLIDES/node_modules/.package-lock.json ]]; then
    info "npm ci (Marp CLI into slides/node_modules)"
    (cd "$SLIDES" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
fi
[[ -x $marp ]] || die "npm ci did not install $marp"

decks=("$SLIDES"/decks/*.md)
[[ -e ${decks[0]} ]] || die "no decks in $SLIDES/decks"
rm -rf "$out"
mkdir -p "$out/md"
for deck in "${decks[@]}"; do
    node "$ROOT/tools/slides/expand_deck.mjs" "$deck" "$figdir" "$out/md/$(basename "$deck")" \
        || die "$(basename "$deck"): a figure is missing (see above)"
done

start=$SECONDS
info "marp: ${#decks[@]} decks -> HTML"
"$marp" --html --theme-set "$SLIDES/theme" --input-dir "$out/md" --output "$out" \
    >"$out/marp-html.log" 2>&1 || { cat "$out/marp-html.log" >&2; die "marp (HTML) failed"; }

fail=0
for deck in "${decks[@]}"; do
    name=$(basename "$deck" .md)
    html=$out/$name.html
    if [[ ! -s $html ]]; then
        echo "build_decks: $name: no HTML" >&2; fail=1; continue
    fi
    # Offline and self-contained: nothing fetched from anywhere.
    if grep -Eq '(src|href)="(https?:)?//|url\((["'\'']?)(https?:)?//|@import +["'\'']?(https?:)?//' "$html"; then
        echo "build_decks: $name.html refers to a network resource:" >&2
        grep -Eo '(src|href)="(https?:)?//[^"]*|url\([^)]*//[^)]*\)' "$html" | head -5 >&2
        fail=1
    fi
    want=$(grep -Eo '!\[[^]]*\]\(fig/[^)]+\.svg\)' "$deck" | wc -l)
    have=$(grep -o 'src="data:image/svg+xml;base64,' "$html" | wc -l)
    if [[ $have -lt $want ]]; then
        echo "build_decks: $name.html has $have figures, the deck references $want" >&2; fail=1
    fi
done
[[ $fail -eq 0 ]] || die "some decks are broken"
info "HTML done in $((SECONDS - start)) s"

chrome=${CHROME_PATH:-/usr/bin/chromium}
if [[ $pdf -eq 1 && -x $chrome ]]; then
    start=$SECONDS
    info "marp: PDF with $chrome"
    CHROME_PATH=$chrome "$marp" --pdf --html --theme-set "$SLIDES/theme" \
        --input-dir "$out/md" --output "$out" >"$out/marp-pdf.log" 2>&1 \
        || { cat "$out/marp-pdf.log" >&2; die "marp (PDF) failed"; }
    for deck in "${decks[@]}"; do
        [[ -s $out/$(basename "$deck" .md).pdf ]] || die "$(basename "$deck" .md): no PDF"
    done
    info "PDF done in $((SECONDS - start)) s"
elif [[ $pdf -eq 1 ]]; then
    info "no Chromium at $chrome: HTML only (apt-get install chromium for PDF)"
fi

# An index page that links the decks.
{
    echo '<!DOCTYPE html><html><head><meta charset="utf-8"><title>tunlab slides</title></head><body>'
    echo '<h1>tunlab slides</h1><ul>'
    for deck in "${decks[@]}"; do
        name=$(basename "$deck" .md)
        title=$(grep -m1 '^# ' "$deck" | sed 's/^# //; s/&/\&amp;/g; s/</\&lt;/g')
        pdf_link=""
        [[ -s $out/$name.pdf ]] && pdf_link=" (<a href=\"$name.pdf\">PDF</a>)"
        echo "<li><a href=\"$name.html\">$name</a>: $title$pdf_link</li>"
    done
    echo '</ul></body></html>'
} >"$out/index.html"
echo "$out"
