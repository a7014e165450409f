// Renders build/icon.svg into the PNG, ICO and ICNS icons electron-builder packages, with Debian's
// Chromium (no ImageMagick or librsvg needed):
//   build/icon.png (1024), build/icons/NxN.png (Linux), build/icon.ico (Windows), build/icon.icns (macOS)
//   node build/render-icons.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';

const here = dirname(fileURLToPath(import.meta.url));
const svg = readFileSync(join(here, 'icon.svg'), 'utf8');
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

const browser = await chromium.launch({
  executablePath: process.env.PAIRBOOK_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const png = {};
try {
  for (const size of SIZES) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const sized = svg.replace('width="1024" height="1024"', `width="${size}" height="${size}"`);
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${sized}</body></html>`,
    );
    png[size] = await page.screenshot({ omitBackground: true, type: 'png' });
    await page.close();
  }
} finally {
  await browser.close();
}

mkdirSync(join(here, 'icons'), { recursive: true });
for (const size of SIZES) writeFileSync(join(here, 'icons', `${size}x${size}.png`), png[size]);
writeFileSync(join(here, 'icon.png'), png[1024]);

// ICO with PNG entries (Windows Vista and later read them): header, directory, images.
const icoSizes = [16, 24, 32, 48, 64, 128, 256];
const header = Buffer.alloc(6 + 16 * icoSizes.length);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2);
header.writeUInt16LE(icoSizes.length, 4);
let offset = header.length;
icoSizes.forEach((size, i) => {
  const at = 6 + 16 * i;
  header.writeUInt8(size === 256 ? 0 : size, at);
  header.writeUInt8(size === 256 ? 0 : size, at + 1);
  header.writeUInt16LE(1, at + 4); // colour planes
  header.writeUInt16LE(32, at + 6); // bits per pixel
  header.writeUInt32LE(png[size].length, at + 8);
  header.writeUInt32LE(offset, at + 12);
  offset += png[size].length;
});
writeFileSync(join(here, 'icon.ico'), Buffer.concat([header, ...icoSizes.map((s) => png[s])]));

// ICNS with PNG entries: 'icns' + total length, then (type, length, data) per size.
const icnsTypes = { ic07: 128, ic08: 256, ic09: 512, ic10: 1024, icp4: 16, icp5: 32, icp6: 64 };
const entries = Object.entries(icnsTypes).map(([type, size]) => {
  const head = Buffer.alloc(8);
  head.write(type, 0, 'ascii');
  head.writeUInt32BE(8 + png[size].length, 4);
  return Buffer.concat([head, png[size]]);
});
const icnsHead = Buffer.alloc(8);
icnsHead.write('icns', 0, 'ascii');
icnsHead.writeUInt32BE(8 + entries.reduce((n, e) => n + e.length, 0), 4);
writeFileSync(join(here, 'icon.icns'), Buffer.concat([icnsHead, ...entries]));
console.log(`pairbook: icons rendered into ${here}`);
