// Stand-ins for IGN's tiles, drawn for the tests (the test machine is
// offline, and nothing of IGN's is copied): a canvas in a page of its own
// paints a plan (cream ground, parks, streets continuing from tile to tile,
// buildings), an aerial view or parcel outlines for any WMTS tile, the same
// every time for the same tile. They are what docs/carte.png shows under
// Terrier's layers.

// Runs in the painter page.
async function paint({ layer, z, x, y }) {
  const canvas = new OffscreenCanvas(256, 256);
  const g = canvas.getContext("2d");
  const hash = (...n) => {
    let h = 2166136261;
    for (const v of n) h = Math.imul(h ^ (v | 0), 16777619) ^ (h >>> 13);
    return ((h >>> 0) % 10007) / 10007;
  };
  // Global pixels at this level; streets about 150 m apart (jittered) from
  // zoom 14, only main roads and land use below.
  const ox = x * 256;
  const oy = y * 256;
  const minor = 160 * 2 ** (z - 16);
  const detailed = minor >= 14;
  const step = detailed ? minor : minor * 16;
  const first = (o) => Math.floor(o / step) - 1;
  const last = (o) => Math.floor((o + 256) / step) + 1;
  const line = (k, axis) => k * step + Math.floor(hash(k, axis, z) * step * 0.3);
  const aerial = layer.startsWith("ORTHOIMAGERY");
  const parcels = layer.startsWith("CADASTRALPARCELS");

  if (parcels) {
    g.strokeStyle = "rgba(60, 40, 30, 0.8)";
    g.lineWidth = 1;
    for (let k = first(ox); k <= last(ox); k++) {
      for (let m = first(oy); m <= last(oy); m++) {
        const x0 = line(k, 0) - ox;
        const y0 = line(m, 1) - oy;
        const cuts = 2 + Math.floor(hash(k, m, 7) * 4);
        for (let c = 1; c < cuts; c++) {
          const cx = x0 + (c * step) / cuts;
          g.beginPath();
          g.moveTo(cx, y0);
          g.lineTo(cx, y0 + step);
          g.stroke();
        }
        g.strokeRect(x0 + 0.5, y0 + 0.5, step, step / 2);
        g.strokeRect(x0 + 0.5, y0 + step / 2 + 0.5, step, step / 2);
      }
    }
  } else {
    g.fillStyle = aerial ? "#5b6b45" : "#f4f1ea";
    g.fillRect(0, 0, 256, 256);
    for (let k = first(ox); k <= last(ox); k++) {
      for (let m = first(oy); m <= last(oy); m++) {
        const x0 = line(k, 0) - ox;
        const y0 = line(m, 1) - oy;
        const w = line(k + 1, 0) - line(k, 0);
        const h = line(m + 1, 1) - line(m, 1);
        const kind = hash(k, m, 3);
        if (kind < 0.18) {
          g.fillStyle = aerial ? "#3f5a2c" : "#d6e6c3"; // a park or a field
          g.fillRect(x0, y0, w, h);
          continue;
        }
        if (aerial) {
          g.fillStyle = kind < 0.4 ? "#7d7a63" : "#6f7d52";
          g.fillRect(x0, y0, w, h);
        }
        if (!detailed) {
          if (kind < 0.45) {
            g.fillStyle = aerial ? "#8a8570" : "#e6ddd5"; // a town
            g.fillRect(x0 + step * 0.1, y0 + step * 0.1, w * 0.7, h * 0.6);
          }
          continue;
        }
        const n = 3 + Math.floor(hash(k, m, 5) * 5);
        const unit = step / 112;
        for (let b = 0; b < n; b++) {
          const bx = x0 + unit * (10 + hash(k, m, b, 11) * (w / unit - 40));
          const by = y0 + unit * (10 + hash(k, m, b, 13) * (h / unit - 40));
          const bw = unit * (12 + hash(k, m, b, 17) * 22);
          const bh = unit * (10 + hash(k, m, b, 19) * 20);
          g.fillStyle = aerial ? (b % 2 ? "#9c6b55" : "#b8b2a6") : "#e0d3ca";
          g.fillRect(bx, by, bw, bh);
          if (!aerial) {
            g.strokeStyle = "#c9b8ad";
            g.strokeRect(bx + 0.5, by + 0.5, bw, bh);
          }
        }
      }
    }
    // Streets, main ones every fourth, over the blocks.
    for (const axis of [0, 1]) {
      const o = axis ? oy : ox;
      for (let k = first(o); k <= last(o); k++) {
        const p = line(k, axis) - o;
        const main = !detailed || ((k % 4) + 4) % 4 === 0;
        const width = main ? (detailed ? 8 : 4) : 5;
        g.fillStyle = aerial ? "#8f8c86" : main ? "#d8b64a" : "#cfc6b9";
        if (axis) g.fillRect(0, p - width / 2 - 1, 256, width + 2);
        else g.fillRect(p - width / 2 - 1, 0, width + 2, 256);
        if (!aerial) {
          g.fillStyle = main ? "#f7d96b" : "#ffffff";
          if (axis) g.fillRect(0, p - width / 2, 256, width);
          else g.fillRect(p - width / 2, 0, width, 256);
        }
      }
    }
  }
  const blob = await canvas.convertToBlob({ type: aerial ? "image/jpeg" : "image/png", quality: 0.8 });
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

// The colours of a grid of pixels of a PNG (a screenshot) within a box,
// read by the same canvas.
async function sample({ png, box, step }) {
  const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
  const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const g = canvas.getContext("2d");
  g.drawImage(bitmap, 0, 0);
  const out = [];
  for (let y = Math.ceil(box.y); y < box.y + box.height; y += step) {
    for (let x = Math.ceil(box.x); x < box.x + box.width; x += step)
      out.push([...g.getImageData(x, y, 1, 1).data.slice(0, 3)]);
  }
  return out;
}

// The plan's parks: a colour of the drawn tiles that Terrier's own style
// never uses.
export const PLAN_PARK = [0xd6, 0xe6, 0xc3];

export class TilePainter {
  static async open(browser) {
    const painter = new TilePainter();
    painter.context = await browser.newContext();
    painter.page = await painter.context.newPage();
    painter.cache = new Map();
    return painter;
  }

  async tile(layer, z, x, y) {
    const key = `${layer}/${z}/${x}/${y}`;
    if (!this.cache.has(key)) {
      this.cache.set(
        key,
        this.page.evaluate(paint, { layer, z, x, y }).then((b64) => Buffer.from(b64, "base64")),
      );
    }
    return this.cache.get(key);
  }

  sample(pngBuffer, box, step = 9) {
    return this.page.evaluate(sample, { png: pngBuffer.toString("base64"), box, step });
  }

  close() {
    return this.context.close();
  }
}
