import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MANIFEST_FILE, verifyPack } from '../../../common/pack-format';
import { makePack } from '../../../common/pack-test-support';
import { filesSource, manifestUrl } from './pack-source';

const asFiles = (files: Map<string, Uint8Array>, folder?: string): File[] =>
  [...files].map(([path, data]) => {
    const f = new File([data as Uint8Array<ArrayBuffer>], path.split('/').pop()!);
    if (folder) Object.defineProperty(f, 'webkitRelativePath', { value: `${folder}/${path}` });
    return f;
  });

async function verifyFiles(files: File[]) {
  const source = await filesSource(files);
  return verifyPack(source.manifest, source.read);
}

describe('filesSource', () => {
  it('reads a pack from a picked folder, from loose files and from a .zip (top level or one folder down)', async () => {
    const { files } = await makePack();
    expect((await verifyFiles(asFiles(files, 'my-pack'))).products).toHaveLength(2);
    expect((await verifyFiles(asFiles(files))).products).toHaveLength(2);
    const entries = Object.fromEntries(files);
    expect((await verifyFiles([new File([zipSync(entries)], 'pack.zip')])).products).toHaveLength(2);
    const nested = Object.fromEntries([...files].map(([p, d]) => [`shop/${p}`, d]));
    expect((await verifyFiles([new File([zipSync(nested)], 'pack.zip')])).products).toHaveLength(2);
  });

  it('refuses files larger than the manifest declares, a .zip without pack.json, and a broken .zip', async () => {
    const { files } = await makePack();
    const bigger = new Map(files).set('images/p1.jpg', new Uint8Array(5000));
    await expect(verifyFiles(asFiles(bigger))).rejects.toThrow(/images\/p1\.jpg: is 5000 bytes; at most \d+ were expected/);
    const noManifest = Object.fromEntries([...files].filter(([p]) => p !== MANIFEST_FILE));
    await expect(filesSource([new File([zipSync(noManifest)], 'x.zip')])).rejects.toThrow('x.zip: has no pack.json');
    await expect(filesSource([new File([new Uint8Array([1, 2, 3, 4])], 'bad.zip')])).rejects.toThrow(/bad\.zip: is not a readable \.zip file/);
    await expect(filesSource(asFiles(new Map([['products.json', new Uint8Array(2)]])))).rejects.toThrow(/pack\.json: is not among the chosen files/);
  });

  it('never reads a .zip entry outside the pack, whatever the manifest lists', async () => {
    const { files } = await makePack();
    const entries = { ...Object.fromEntries(files), '../evil.jpg': new Uint8Array([0xff, 0xd8, 0xff]) };
    const source = await filesSource([new File([zipSync(entries)], 'pack.zip')]);
    expect(await source.read('../evil.jpg', 3)).toBeUndefined();
  });
});

describe('manifestUrl', () => {
  it('takes a pack.json address or its folder, http(s) only', () => {
    expect(manifestUrl(' https://a.example/packs/spring/ ')).toBe('https://a.example/packs/spring/pack.json');
    expect(manifestUrl('https://a.example/packs/spring/pack.json')).toBe('https://a.example/packs/spring/pack.json');
    expect(() => manifestUrl('javascript:alert(1)')).toThrow('must be an http(s) URL');
    expect(() => manifestUrl('https://user:pw@a.example/')).toThrow('must not contain a user name or password');
  });
});
