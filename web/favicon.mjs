// Draws web/public/favicon.ico: the mark of favicon.svg as 16, 32 and 48 px PNGs in one .ico, for
// browsers and tools that ask for /favicon.ico instead of reading the <link rel="icon"> in index.html.
// Pure Node (no image library, no browser), so anyone can redraw it: `node web/favicon.mjs`.
// The shapes below are favicon.svg's; change both together.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

/** [x, y, width, height, corner radius, [r, g, b], opacity] on favicon.svg's 32×32 grid. */
const SHAPES = [
  [0, 0, 32, 32, 8, [0x35, 0x51, 0xd4], 1],
  [8, 7, 16, 4, 1.5, [255, 255, 255], 0.55],
  [8, 13, 16, 4, 1.5, [255, 255, 255], 0.8],
  [8, 19, 16, 6, 1.5, [255, 255, 255], 1],
];
const SIZES = [16, 32, 48];
const SAMPLES = 4; // per axis: 16 samples a pixel smooth the rounded corners

function insideRoundedRect(px, py, [x, y, w, h, r]) {
  if (px < x || py < y || px > x + w || py > y + h) return false;
  const dx = Math.max(x + r - px, 0, px - (x + w - r));
  const dy = Math.max(y + r - py, 0, py - (y + h - r));
  return dx * dx + dy * dy <= r * r;
}

/** Straight (not premultiplied) RGBA rows, each led by PNG's filter byte 0. */
function draw(size) {
  const scale = 32 / size;
  const rows = Buffer.alloc(size * (1 + size * 4));
  for (let j = 0; j < size; j++) {
    rows[j * (1 + size * 4)] = 0;
    for (let i = 0; i < size; i++) {
      let r = 0, g = 0, b = 0, a = 0; // premultiplied sums over the samples
      for (let sj = 0; sj < SAMPLES; sj++) {
        for (let si = 0; si < SAMPLES; si++) {
          const px = (i + (si + 0.5) / SAMPLES) * scale;
          const py = (j + (sj + 0.5) / SAMPLES) * scale;
          let cr = 0, cg = 0, cb = 0, ca = 0;
          for (const shape of SHAPES) {
            if (!insideRoundedRect(px, py, shape)) continue;
            const [, , , , , [sr, sg, sb], alpha] = shape;
            cr = sr * alpha + cr * (1 - alpha); cg = sg * alpha + cg * (1 - alpha); cb = sb * alpha + cb * (1 - alpha);
            ca = alpha + ca * (1 - alpha);
          }
          r += cr; g += cg; b += cb; a += ca;
        }
      }
      const n = SAMPLES * SAMPLES;
      const at = j * (1 + size * 4) + 1 + i * 4;
      rows[at] = a ? Math.round(r / a) : 0;
      rows[at + 1] = a ? Math.round(g / a) : 0;
      rows[at + 2] = a ? Math.round(b / a) : 0;
      rows[at + 3] = Math.round((a / n) * 255);
    }
  }
  return rows;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4); length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
function png(size) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0); header.writeUInt32BE(size, 4);
  header[8] = 8; header[9] = 6; // 8-bit RGBA; compression, filter and interlace stay 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(draw(size), { level: 9 })), chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ICONDIR, then one 16-byte ICONDIRENTRY per image, then the images (PNG inside .ico: Windows Vista on, every browser).
const images = SIZES.map(png);
const head = Buffer.alloc(6 + 16 * images.length);
head.writeUInt16LE(0, 0); head.writeUInt16LE(1, 2); head.writeUInt16LE(images.length, 4);
let offset = head.length;
images.forEach((image, k) => {
  const at = 6 + 16 * k;
  head[at] = SIZES[k] % 256; head[at + 1] = SIZES[k] % 256; // 0 would mean 256
  head.writeUInt16LE(1, at + 4); head.writeUInt16LE(32, at + 6);
  head.writeUInt32LE(image.length, at + 8); head.writeUInt32LE(offset, at + 12);
  offset += image.length;
});
const out = new URL('./public/favicon.ico', import.meta.url);
writeFileSync(out, Buffer.concat([head, ...images]));
console.log(`wrote ${out.pathname} (${offset} bytes)`);
