#!/usr/bin/env node
// Draws Mirror's app icons (an oval hand mirror on the theme colour) into public/icons/: an SVG per icon,
// rasterised by ImageMagick (`convert`). Run by hand when the design changes; the PNGs are committed.
//   icon-<n>.png            purpose "any": rounded square with transparent corners
//   maskable-<n>.png        purpose "maskable": full bleed, the mirror inside the central 80 % safe zone
//   apple-touch-icon-180.png full bleed (iOS rounds it itself)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');
const BG = '#1f1b24';
const FRAME = '#d9c7f0';
const GLASS = '#3a3344';
const SHINE = '#f4eefb';

/** The design on a 100 × 100 canvas; `k` shrinks the mirror about the centre (maskable safe zone). */
function svg(size, { k = 1, rounded = false }) {
  const bg = rounded
    ? `<rect width="100" height="100" rx="22" fill="${BG}" stroke="none"/>`
    : `<rect width="100" height="100" fill="${BG}" stroke="none"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100">
  ${bg}
  <g transform="translate(50 50) scale(${k}) translate(-50 -50)">
    <rect x="46.5" y="68" width="7" height="22" rx="3.5" fill="${FRAME}" stroke="none"/>
    <ellipse cx="50" cy="42" rx="25" ry="31" fill="${FRAME}" stroke="none"/>
    <ellipse cx="50" cy="42" rx="20" ry="26" fill="${GLASS}" stroke="none"/>
    <path d="M38 36 Q40 24 50 20" stroke="${SHINE}" stroke-width="3.5" stroke-linecap="round" fill="none"/>
  </g>
</svg>`;
}

const icons = [
  ['icon-192.png', 192, { rounded: true }],
  ['icon-512.png', 512, { rounded: true }],
  ['maskable-192.png', 192, { k: 0.78 }],
  ['maskable-512.png', 512, { k: 0.78 }],
  ['apple-touch-icon-180.png', 180, { k: 0.9 }],
];

const tmp = mkdtempSync(join(tmpdir(), 'mirror-icons-'));
try {
  for (const [name, size, opts] of icons) {
    const src = join(tmp, `${name}.svg`);
    writeFileSync(src, svg(size, opts));
    execFileSync('convert', ['-background', 'none', '-density', '96', src, '-strip', `PNG32:${join(out, name)}`]);
    console.log(`make-icons: ${name} (${size}×${size})`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
