/**
 * `classify`: garment type of every image of a clothing-format split (images.csv) with the trained
 * garment net (public/models/trained/garment-net, see docs/garment-models.md).
 *
 *   npm run --silent cli -- classify --data DIR --split NAME --out FILE [--limit N] [--vectors FILE]
 *
 * Writes `{"labels": {"<image uuid>": "<one of the ten fine labels>"}}`; with --vectors also
 * `{"dim": D, "vectors": {"<image uuid>": [...]}}` (L2-normalised garment embeddings). Each image is
 * cropped as the pipeline crops a single-garment photo (Analyzer.embedImage): garmentCrop of the whole image,
 * a centred square, outside it grey 128, 224 px; the type is the mean of the crop's and its mirror image's.
 * Accuracy on the rows whose label is one of the ten is logged (stderr), never written into the output.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { GARMENT_NET, load } from '../workers/models/garment-net';
import { CROP, garmentCrop } from '../workers/models/outfit-scorer/crop';
import { DEFAULT_MODELS_DIR, fileHandler } from '../workers/node/fs-models';
import { clothingImagePath, readClothing } from './datasets';
import { readImage } from './image';

/** Crops per model call. */
const BATCH = 16;

export interface ClassifyOptions {
  data: string;
  split: string;
  out: string;
  vectors?: string;
  limit?: number;
  /** public/models (default): the model is read from <models>/trained/garment-net/. */
  models?: string;
}

export async function classifyClothing(opts: ClassifyOptions, log: (s: string) => void): Promise<void> {
  const all = (await readClothing(opts.data)).filter((r) => r.split === opts.split);
  const rows = opts.limit ? all.slice(0, opts.limit) : all;
  if (rows.length === 0) log(`no images in split "${opts.split}"`);
  const model = await load({ source: fileHandler(join(opts.models ?? DEFAULT_MODELS_DIR, 'trained', 'garment-net', 'model.json')) });
  const labels: Record<string, string> = {};
  const vectors: Record<string, number[]> = {};
  const fine = new Set<string>(GARMENT_NET.labels);
  let right = 0;
  let scored = 0;
  try {
    for (let i = 0; i < rows.length; i += BATCH) {
      const chunk = rows.slice(i, i + BATCH);
      const crops: tf.Tensor4D[] = [];
      const ids: string[] = [];
      const truth: string[] = [];
      for (const r of chunk) {
        try {
          const image = await readImage(clothingImagePath(opts.data, r.image));
          const pixels = new Float32Array(CROP.size * CROP.size * 3);
          garmentCrop(image, [0, 0, image.width, image.height], undefined, pixels);
          crops.push(tf.tensor4d(pixels, [1, CROP.size, CROP.size, 3]));
          ids.push(r.image);
          truth.push(r.label);
        } catch (error) {
          log(`skipped ${r.image}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (crops.length === 0) continue;
      const batch = tf.concat(crops) as tf.Tensor4D;
      crops.forEach((c) => c.dispose());
      // As Analyzer.embedImage: the type also from the mirrored crop.
      const { types, vectors: vs } = await model.analyze(batch, { mirror: true });
      batch.dispose();
      types.forEach((t, j) => {
        labels[ids[j]] = t.label;
        if (opts.vectors) vectors[ids[j]] = Array.from(vs[j], (x) => Math.round(x * 1e6) / 1e6);
        if (fine.has(truth[j])) {
          scored++;
          if (t.label === truth[j]) right++;
        }
      });
      const done = Math.min(i + BATCH, rows.length);
      if (done % 96 === 0 || done === rows.length) log(`classify ${done}/${rows.length}`);
    }
  } finally {
    model.dispose();
  }
  if (scored > 0) log(`accuracy on the ${scored} images with a fine label: ${(right / scored).toFixed(4)}`);
  await writeFile(opts.out, JSON.stringify({ labels }));
  if (opts.vectors) await writeFile(opts.vectors, JSON.stringify({ dim: model.dim, vectors }));
}
