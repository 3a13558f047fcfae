import { describe, expect, it } from 'vitest';
import {
  EMBEDDINGS_FILE,
  MANIFEST_FILE,
  PACK_LIMITS,
  PRODUCTS_FILE,
  PackError,
  dequantise,
  makeManifest,
  packHistogram,
  quantise,
  sha256Hex,
  splitEmbeddings,
  verifyPack,
} from './pack-format';
import { TINY_JPEG, encode, makePack, mapReader } from './pack-test-support';
import { stripJpegMetadata } from './jpeg-strip';

/** Verifies a fixture whose files were changed after the manifest was made (so hashes may not match). */
async function verify(files: Map<string, Uint8Array>, dim?: number) {
  return verifyPack(files.get(MANIFEST_FILE)!, mapReader(files), { dim });
}

/** Replaces a file and re-signs the manifest, so that only the content is wrong, not the hash. */
async function resign(files: Map<string, Uint8Array>, path: string, data: Uint8Array, manifestPatch: Record<string, unknown> = {}) {
  files.set(path, data);
  const old = JSON.parse(new TextDecoder().decode(files.get(MANIFEST_FILE)));
  const rest = new Map([...files].filter(([p]) => p !== MANIFEST_FILE));
  const m = await makeManifest(old, old.embeddings, rest);
  files.set(MANIFEST_FILE, encode({ ...m, ...manifestPatch }));
}

async function refusal(p: Promise<unknown>): Promise<PackError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(PackError);
  return e as PackError;
}

describe('verifyPack', () => {
  it('accepts a well-formed pack and returns its products, vectors and images', async () => {
    const { files } = await makePack();
    const pack = await verify(files, 8);
    expect(pack.products.map((p) => p.id)).toEqual(['p1', 'p2']);
    expect(pack.vectors.length).toBe(16);
    expect([...pack.images.keys()]).toEqual(['images/p1.jpg', 'images/p2.jpg']);
    expect(pack.manifest.embeddings.modelVersion).toBe('test-model');
  });

  it('refuses bad JSON, naming the file', async () => {
    const { files } = await makePack();
    files.set(MANIFEST_FILE, encode('{"format": "mirror-pack",'));
    const e = await refusal(verify(files));
    expect(e.file).toBe(MANIFEST_FILE);
    expect(e.message).toMatch(/pack\.json: is not valid JSON/);

    const other = (await makePack()).files;
    await resign(other, PRODUCTS_FILE, encode('[oops'));
    expect((await refusal(verify(other))).message).toMatch(/^products\.json: is not valid JSON/);
  });

  it('refuses a file whose SHA-256 does not match', async () => {
    const { files } = await makePack();
    const changed = files.get(PRODUCTS_FILE)!.slice();
    changed[changed.length - 2] ^= 1; // same length, different bytes
    files.set(PRODUCTS_FILE, changed);
    const e = await refusal(verify(files));
    expect(e.message).toBe(`products.json: does not match its SHA-256 in pack.json (the file was changed or damaged)`);
  });

  it('refuses a missing file and a file of another size', async () => {
    const { files } = await makePack();
    files.delete('images/p2.jpg');
    expect((await refusal(verify(files))).message).toBe('images/p2.jpg: is missing (listed in pack.json)');
    const again = (await makePack()).files;
    again.set('images/p1.jpg', new Uint8Array(3));
    expect((await refusal(verify(again))).message).toMatch(/^images\/p1\.jpg: has 3 bytes; pack\.json says \d+/);
  });

  it('refuses oversize files before reading them', async () => {
    const { files } = await makePack();
    const m = JSON.parse(new TextDecoder().decode(files.get(MANIFEST_FILE)));
    m.files['images/p1.jpg'].bytes = PACK_LIMITS.imageBytes + 1;
    files.set(MANIFEST_FILE, encode(m));
    let read = 0;
    const e = await refusal(verifyPack(files.get(MANIFEST_FILE)!, async (p, n) => (read++, mapReader(files)(p, n))));
    expect(e.field).toBe('files["images/p1.jpg"].bytes');
    expect(e.message).toMatch(/must be between 0 and 2097152/);
    expect(read).toBe(0);

    const big = new Uint8Array(PACK_LIMITS.manifestBytes + 1);
    expect((await refusal(verifyPack(big, mapReader(files)))).message).toMatch(/pack\.json: is larger than/);
  });

  it('refuses markup in a title and non-http URLs, naming the product and field', async () => {
    const { files } = await makePack({
      products: [{ id: 'x', title: 'Nice <script>alert(1)</script>', category: 'top' }],
      vectors: [new Float32Array(8).fill(1)],
    });
    const e = await refusal(verify(files));
    expect(e.file).toBe(PRODUCTS_FILE);
    expect(e.field).toBe('products[0].title');
    expect(e.message).toMatch(/contains markup \("<script>ale/);

    const js = await makePack({ products: [{ id: 'x', title: 'Tee', category: 'top', url: 'javascript:alert(1)' }], vectors: [new Float32Array(8).fill(1)] });
    expect((await refusal(verify(js.files))).message).toBe('products.json: products[0].url must be an http(s) URL (got javascript:)');

    const ok = await makePack({ products: [{ id: 'x', title: 'I <3 this tee', category: 'top' }], vectors: [new Float32Array(8).fill(1)] });
    expect((await verify(ok.files)).products[0].title).toBe('I <3 this tee');
  });

  it('keeps a product\'s colour histogram, and refuses one that is no histogram, naming the product', async () => {
    const shares = Array.from({ length: 64 }, (_, i) => (i === 48 ? 0.75 : i === 63 ? 0.25 : 0));
    const ok = await makePack({ products: [{ id: 'x', title: 'Tee', category: 'top', histogram: shares }], vectors: [new Float32Array(8).fill(1)] });
    expect((await verify(ok.files)).products[0].histogram).toEqual(shares);
    for (const histogram of [shares.slice(1), shares.map((v) => v * 2), shares.map((v, i) => (i === 0 ? -0.1 : i === 1 ? 0.1 : v)), [...shares.slice(0, 63), '0'], 'red']) {
      const bad = await makePack({ products: [{ id: 'x', title: 'Tee', category: 'top', histogram } as never], vectors: [new Float32Array(8).fill(1)] });
      expect((await refusal(verify(bad.files))).message).toBe('products.json: products[0].histogram must be 64 shares from 0 to 1 that sum to 1');
    }
  });

  it('rounds a garment\'s histogram for a pack, and leaves out one with nothing measured', () => {
    const thirds = Array.from({ length: 64 }, (_, i) => (i < 3 ? 1 / 3 : 0));
    expect(packHistogram(thirds)!.slice(0, 4)).toEqual([0.3333, 0.3333, 0.3333, 0]);
    expect(packHistogram(new Array(64).fill(0))).toBeUndefined();
    expect(packHistogram(undefined)).toBeUndefined();
    expect(packHistogram([1])).toBeUndefined();
  });

  it('refuses vectors of the wrong dimension for this app', async () => {
    const { files } = await makePack({ dim: 8 });
    const e = await refusal(verify(files, 128));
    expect(e.field).toBe('embeddings.dim');
    expect(e.message).toBe(
      "pack.json: embeddings.dim is 8; Mirror's vectors have 128 dimensions (the pack was made for another model version: ask its publisher for an update)",
    );
  });

  it('refuses unsafe paths, unknown files, unknown categories and count mismatches', async () => {
    const a = await makePack();
    await resign(a.files, '../evil.jpg', new Uint8Array([0xff, 0xd8, 0xff]));
    expect((await refusal(verify(a.files))).message).toMatch(/files\["\.\.\/evil\.jpg"\] is not a safe relative path/);

    const b = await makePack({ products: [{ id: 'x', title: 'Tee', category: 'socks' as 'top' }], vectors: [new Float32Array(8).fill(1)] });
    expect((await refusal(verify(b.files))).message).toMatch(/products\[0\]\.category must be one of top, outerwear/);

    const c = await makePack();
    await resign(c.files, PRODUCTS_FILE, encode({ products: [{ id: 'p1', title: 'Only one', category: 'top' }] }));
    expect((await refusal(verify(c.files))).message).toBe('products.json: products has 1 products but pack.json says embeddings.count is 2');

    const d = await makePack();
    await resign(d.files, 'images/p1.jpg', encode('<svg onload="alert(1)"/>'));
    expect((await refusal(verify(d.files))).message).toBe('images/p1.jpg: is not a JPEG, PNG or WebP image');

    const e = await makePack();
    await resign(e.files, EMBEDDINGS_FILE, new Uint8Array(10));
    expect((await refusal(verify(e.files))).message).toMatch(/embeddings\.bin"\]\.bytes is 10; 2 vectors of 8 need 24/);
  });
});

describe('quantise', () => {
  it('round-trips within half a quantisation step per component', () => {
    const dim = 1280;
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const vectors = Array.from({ length: 5 }, () => Float32Array.from({ length: dim }, rand));
    vectors.push(new Float32Array(dim)); // all zeros stays all zeros
    const bytes = quantise(vectors, dim);
    expect(bytes.length).toBe(6 * 4 + 6 * dim);
    const { scales, vectors: q } = splitEmbeddings(bytes, 6, dim);
    vectors.forEach((v, i) => {
      const back = dequantise(scales, q, dim, i);
      const maxAbs = Math.max(...v.map(Math.abs));
      for (let j = 0; j < dim; j++) expect(Math.abs(back[j] - v[j])).toBeLessThanOrEqual(maxAbs / 127 / 2 + 1e-7);
    });
  });

  it('hashes like sha256sum', async () => {
    expect(await sha256Hex(encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('lookbook packs', () => {
  async function lookbook(looks: unknown[], count: number) {
    const files = new Map<string, Uint8Array>([
      ['looks.json', encode({ looks })],
      ['embeddings.bin', quantise(Array.from({ length: count }, (_, i) => Float32Array.from({ length: 8 }, (_, j) => (i === j ? 1 : 0.2))), 8)],
      ['photos/a.jpg', TINY_JPEG],
    ]);
    const m = await makeManifest({ kind: 'lookbook', id: 'friend', version: 1, title: 'Friend', publisher: 'Sam' }, { dim: 8, count, modelVersion: 'm' }, files);
    files.set(MANIFEST_FILE, encode(m));
    return files;
  }
  const look = { id: 'l1', caption: 'Sunday', tags: ['top', 'red'], takenAt: '2026-05-01T10:00:00Z', photo: 'photos/a.jpg', width: 300, height: 400,
    garments: [{ category: 'top', box: [1, 2, 3, 4], colours: ['red'] }] };

  it('accepts looks with one vector per look and per garment', async () => {
    const pack = await verify(await lookbook([look], 2), 8);
    expect(pack.manifest.kind).toBe('lookbook');
    expect(pack.looks[0]).toMatchObject({ id: 'l1', caption: 'Sunday', garments: [{ category: 'top' }] });
    expect([...pack.images.keys()]).toEqual(['photos/a.jpg']);
  });

  it('refuses a vector count that does not fit the looks, and markup in a caption', async () => {
    expect((await refusal(verify(await lookbook([look], 1)))).message).toMatch(/looks\.json: looks need 2 vectors/);
    expect((await refusal(verify(await lookbook([{ ...look, caption: '<a href=x>hi</a>' }], 2)))).field).toBe('looks[0].caption');
  });

  it('keeps a garment\'s colour histogram and refuses one that is none', async () => {
    const red = Array.from({ length: 64 }, (_, i) => (i === 48 ? 1 : 0));
    const withHistogram = { ...look, garments: [{ ...look.garments[0], histogram: red }] };
    expect((await verify(await lookbook([withHistogram], 2), 8)).looks[0].garments[0].histogram).toEqual(red);
    const bad = { ...look, garments: [{ ...look.garments[0], histogram: red.map(() => 0.5) }] };
    expect((await refusal(verify(await lookbook([bad], 2), 8))).message).toBe('looks.json: looks[0].garments[0].histogram must be 64 shares from 0 to 1 that sum to 1');
  });
});

describe('stripJpegMetadata', () => {
  it('drops EXIF (APP1) and comments, keeps JFIF and the image data', () => {
    const seg = (marker: number, body: number[]) => [0xff, marker, 0, body.length + 2, ...body];
    const jpeg = Uint8Array.from([0xff, 0xd8, ...seg(0xe0, [74, 70]), ...seg(0xe1, [69, 120, 105, 102, 0, 0, 1, 2]), ...seg(0xfe, [65]), ...seg(0xdb, [9]), 0xff, 0xda, 1, 2, 3, 0xff, 0xd9]);
    const out = stripJpegMetadata(jpeg);
    expect(Array.from(out)).toEqual([0xff, 0xd8, ...seg(0xe0, [74, 70]), ...seg(0xdb, [9]), 0xff, 0xda, 1, 2, 3, 0xff, 0xd9]);
    expect(() => stripJpegMetadata(Uint8Array.from([1, 2, 3]))).toThrow('not a JPEG file');
  });
});
