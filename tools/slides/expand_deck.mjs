#!/usr/bin/env node
// expand_deck.mjs DECK.md FIGDIR OUT.md — make a deck self-contained before
// Marp renders it:
//
//   ![w:700 caption](fig/NAME.svg)  ->  <img class="fig" src="data:image/svg+xml;base64,...">
//   <!-- include: fig/NAME.txt -->  ->  a ```text block with the file's lines
//
// Every figure comes from FIGDIR (bazel-bin/slides: the build drew them
// from real runs). A reference that is not fig/NAME, or whose file is
// missing, is an error: the deck is not written and the exit status is 1.
// (Marp's Markdown parser refuses data:image/svg+xml in ![](), so the
// figures become HTML <img> tags; Marp renders them with --html.)
import fs from 'node:fs';
import path from 'node:path';

const [deck, figdir, out] = process.argv.slice(2);
if (!deck || !figdir || !out) {
  console.error('usage: expand_deck.mjs DECK.md FIGDIR OUT.md');
  process.exit(2);
}

const problems = [];
const source = fs.readFileSync(deck, 'utf8');

function lineOf(offset) {
  return source.slice(0, offset).split('\n').length;
}

function figure(ref, offset, wantExt) {
  if (!/^fig\/[A-Za-z0-9_.-]+$/.test(ref) || !ref.endsWith(wantExt)) {
    problems.push(`${deck}:${lineOf(offset)}: '${ref}' is not fig/NAME${wantExt}`);
    return null;
  }
  const file = path.join(figdir, ref);
  if (!fs.existsSync(file)) {
    problems.push(`${deck}:${lineOf(offset)}: ${ref} was not built (no ${file})`);
    return null;
  }
  return fs.readFileSync(file);
}

function escapeAttr(text) {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

let text = source.replace(/<!--\s*include:\s*(\S+)\s*-->/g, (match, ref, offset) => {
  const bytes = figure(ref, offset, '.txt');
  if (bytes === null) return match;
  const body = bytes.toString('utf8').replace(/\s+$/, '');
  return '```text\n' + body + '\n```';
});

text = text.replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (match, alt, ref, offset) => {
  const bytes = figure(ref, offset, '.svg');
  if (bytes === null) return match;
  const words = alt.split(/\s+/).filter(Boolean);
  const style = [];
  const caption = [];
  for (const w of words) {
    let m;
    if ((m = /^w:(\d+)(?:px)?$/.exec(w))) style.push(`width:${m[1]}px`);
    else if ((m = /^h:(\d+)(?:px)?$/.exec(w))) style.push(`height:${m[1]}px;max-height:${m[1]}px`);
    else caption.push(w);
  }
  return `<img class="fig" alt="${escapeAttr(caption.join(' ') || ref)}" style="${style.join(';')}" ` +
         `src="data:image/svg+xml;base64,${bytes.toString('base64')}">`;
});

if (problems.length > 0) {
  for (const p of problems) console.error(`expand_deck: ${p}`);
  process.exit(1);
}
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, text);
