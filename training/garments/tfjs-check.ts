/**
 * Runs a tfjs model (Node, WASM backend, the app's own modules) on a raw float32 input written by the
 * Python side, so that torch and tfjs outputs can be compared on exactly the same pixels.
 *
 *   tsx training/garments/tfjs-check.ts backbone    IN.f32 N OUT.f32   nsfwjs flatten_1 features [N, 1280]
 *   tsx training/garments/tfjs-check.ts garment-net IN.f32 N OUT.f32   probabilities [N, 10] ++ embeddings [N, D]
 *   tsx training/garments/tfjs-check.ts garment-detector IN.f32 N OUT.f32   class probabilities [N, H / 4, W / 4, C]
 *
 * IN.f32: N x 224 x 224 x 3 float32 RGB in 0..255 (little-endian), the layout the app feeds its models;
 * for the detector N x H x W x 3 (the model's input size), already letterboxed (so segment()'s own letterbox is the identity).
 * The trained models are read from $MIRROR_TRAIN_OUT when set (where the exports of training.spec.ts go), else public/models/trained.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as backbone from '../../workers/models/backbone';
import * as garmentDetector from '../../workers/models/garment-detector';
import * as garmentNet from '../../workers/models/garment-net';
import { fileHandler, DEFAULT_MODELS_DIR } from '../../workers/node/fs-models';
import { nodeBackend } from '../../workers/node/runtime';

const TRAINED = process.env.MIRROR_TRAIN_OUT || join(DEFAULT_MODELS_DIR, 'trained');

async function main() {
  const [mode, input, count, output] = process.argv.slice(2);
  await nodeBackend('wasm');
  const n = Number(count);
  const bytes = await readFile(input);
  const pixels = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const parts: Float32Array[] = [];
  if (mode === 'garment-detector') {
    const model = await garmentDetector.load(fileHandler(join(TRAINED, 'garment-detector', 'model.json')));
    const [h, w] = model.metadata.input;
    for (let i = 0; i < n; i++) {
      const rgb = tf.tensor3d(pixels.subarray(i * h * w * 3, (i + 1) * h * w * 3), [h, w, 3]);
      parts.push((await model.segment(rgb)).probs);
      rgb.dispose();
    }
    model.dispose();
    await writeFile(output, Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
    return;
  }
  const batch = tf.tensor4d(pixels, [n, 224, 224, 3]);
  if (mode === 'backbone') {
    const model = await backbone.load(fileHandler(join(DEFAULT_MODELS_DIR, 'mobilenet-v2', 'model.json')));
    const f = tf.tidy(() => model.features(tf.div(batch, 255) as tf.Tensor4D));
    parts.push((await f.data()) as Float32Array);
    f.dispose();
    model.dispose();
  } else if (mode === 'garment-net') {
    const model = await garmentNet.load({ source: fileHandler(join(TRAINED, 'garment-net', 'model.json')) });
    const classes = await model.classify(batch);
    const vectors = await model.embed(batch);
    parts.push(Float32Array.from(classes.flatMap((c) => Array.from(c.probabilities))));
    parts.push(Float32Array.from(vectors.flatMap((v) => Array.from(v))));
    model.dispose();
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  batch.dispose();
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  await writeFile(output, Buffer.from(out.buffer));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
