/**
 * The analysis of one outfit photo, shared by the vision worker and the CLI:
 * garment detector (class map) -> garments and people -> colours -> one garment-net call for every garment
 * crop (fine type + fashion embedding). MoveNet runs only in people() (face keypoints, for face blur).
 * The look vector binds each garment vector to its category and sums them (look-vector.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { clipBox } from '../../common/boxes';
import { FINE_LABEL_CATEGORY, type Category } from '../../common/categories';
import { EMBEDDING_DIM } from '../../common/constants';
import type { Analysis, Box, DetectedGarment, GarmentTypeGuess, Person, Reembedding, RgbaImage } from '../../common/types';
import * as detector from '../models/garment-detector';
import * as garmentNet from '../models/garment-net';
import type { ModelLocator } from '../models/io';
import * as movenet from '../models/movenet';
import { CROP, garmentCrop, type KeepTest } from '../models/outfit-scorer/crop';
import { rgbTensor, type Square } from '../models/tensor';
import { garmentColours, HISTOGRAM_SIZE, productColours } from './colours';
import { lookVector } from './look-vector';
import { argmaxMap, boxCutOut, garmentRegions, personBoxes } from './regions';

/** Identifies pipeline + weights; bump it whenever either changes (stored vectors are then re-embedded). */
export const MODEL_VERSION = 'mirror-vision-8:garment-detector-5,garment-net-2,look-bound-1,colour-histogram-4,movenet-lightning@human-models-3.0.4';

export const PIPELINE = {
  /** The person square for MoveNet is the person's box grown by this fraction of its long side on every side. */
  personMargin: 0.1,
} as const;

export interface Models {
  detector: detector.GarmentDetector;
  garments: garmentNet.GarmentNet;
  pose: movenet.PoseModel;
  dispose(): void;
}

/** Loads the three models; `onProgress` gets the name of each one as it finishes. */
export async function loadModels(locate: ModelLocator, onProgress?: (name: string) => void): Promise<Models> {
  const step = async <T>(name: string, p: Promise<T>): Promise<T> => {
    const v = await p;
    onProgress?.(name);
    return v;
  };
  const [det, garments, pose] = await Promise.all([
    step('garment-detector', detector.load(locate('trained/garment-detector'))),
    step('garment-net', garmentNet.load({ source: locate('trained/garment-net') })),
    step('movenet-lightning', movenet.load(locate('movenet-lightning'))),
  ]);
  return {
    detector: det, garments, pose,
    dispose() {
      det.dispose();
      garments.dispose();
      pose.dispose();
    },
  };
}

export interface Analyzer {
  /** Garments, types, vectors and people (boxes only: no keypoints). */
  analyze(image: RgbaImage): Promise<Analysis>;
  /** The people of the photo, largest first, the first with MoveNet's 17 keypoints (face blur). */
  people(image: RgbaImage): Promise<Person[]>;
  /** New types and vectors for garments already found (boxes and categories kept), e.g. after a model update. */
  reembed(image: RgbaImage, garments: { category: Category; box: Box }[]): Promise<Reembedding>;
  /**
   * The whole image as one garment crop (single-garment photos): type, L2-normalised item vector, and the colours and
   * histogram of the garment told from its background (colours.ts productColours).
   */
  embedImage(image: RgbaImage): Promise<{ type: GarmentTypeGuess; embedding: Float32Array } & ReturnType<typeof productColours>>;
}

function personSquare([x, y, w, h]: Box): Square {
  const size = Math.max(w, h) * (1 + 2 * PIPELINE.personMargin);
  return { x: x + w / 2 - size / 2, y: y + h / 2 - size / 2, size };
}

/** The most probable fine label that fits the category (none for bag and accessory). */
export function typeFor(category: Category, probabilities: Float32Array): GarmentTypeGuess | undefined {
  let best = -1;
  garmentNet.GARMENT_NET.labels.forEach((label, i) => {
    if (FINE_LABEL_CATEGORY[label] === category && (best < 0 || probabilities[i] > probabilities[best])) best = i;
  });
  return best < 0 ? undefined : { label: garmentNet.GARMENT_NET.labels[best], score: Math.round(probabilities[best] * 1000) / 1000 };
}

export function createAnalyzer(models: Models): Analyzer {
  const size = CROP.size;

  /**
   * garment-net on the crops of `boxes` (background outside `keep` neutral grey): types and vectors. With
   * `mirror` the types also look at the mirrored crops (GarmentNet.analyze): for a single-garment photo,
   * one crop; the garments of an outfit photo take one pass each, to keep analysis within its time budget.
   */
  async function embedCrops(image: RgbaImage, crops: { box: Box; keep?: KeepTest }[], mirror = false) {
    const pixels = new Float32Array(crops.length * size * size * 3);
    crops.forEach((c, i) => garmentCrop(image, c.box, c.keep, pixels, i * size * size * 3));
    const batch = tf.tensor4d(pixels, [crops.length, size, size, 3]);
    try {
      return await models.garments.analyze(batch, { mirror });
    } finally {
      batch.dispose();
    }
  }

  async function segment(image: RgbaImage, timings: Record<string, number>) {
    const t = performance.now();
    const rgb = rgbTensor(image);
    try {
      const map = await models.detector.segment(rgb);
      timings.detector = performance.now() - t;
      return { rgb, map, best: argmaxMap(map) };
    } catch (e) {
      rgb.dispose();
      throw e;
    }
  }

  return {
    async analyze(image) {
      const timings: Record<string, number> = {};
      const start = performance.now();
      const { width, height } = image;
      const { rgb, map, best } = await segment(image, timings);
      try {
        let t = performance.now();
        const regions = garmentRegions(map, models.detector.metadata.post, best)
          .map((r) => ({ ...r, box: clipBox(r.box, width, height) }))
          .filter((r) => r.box[2] >= 2 && r.box[3] >= 2);
        const persons = personBoxes(map, best).map((p) => ({ ...p, box: clipBox(p.box, width, height) }));
        const described = regions.map((r) => garmentColours(image, r.box, r.contains));
        timings.regions = performance.now() - t;

        // Keypoints are left out here (people() adds them when a face must be found): MoveNet is not on the path
        // of every photo.
        const main: Box = persons[0]?.box ?? [0, 0, width, height];
        const people: Person[] = persons.length
          ? persons.map((p) => ({ box: p.box, score: Math.round(p.score * 1000) / 1000, keypoints: [] }))
          : [{ box: main, score: 0, keypoints: [] }];

        t = performance.now();
        // With no garment found, the person (or the photo) is embedded whole so that the look still has a vector.
        const crops = regions.length ? regions.map((r) => ({ box: r.box, keep: r.contains })) : [{ box: main }];
        const { types, vectors } = await embedCrops(image, crops);
        timings.garmentNet = performance.now() - t;

        const garments: DetectedGarment[] = regions.map((r, i) => ({
          category: r.category,
          box: r.box,
          score: Math.round(r.score * 1000) / 1000,
          cover: Math.round(r.cover * 1e4) / 1e4,
          colours: described[i].colours,
          histogram: described[i].histogram,
          type: typeFor(r.category, types[i].probabilities),
          embedding: vectors[i],
        }));
        timings.total = performance.now() - start;
        const lookEmbedding = lookVector(regions.length ? garments : [{ embedding: vectors[0] }]);
        return { width, height, people, garments, lookEmbedding, modelVersion: MODEL_VERSION, timings };
      } finally {
        rgb.dispose();
      }
    },

    async people(image) {
      const { width, height } = image;
      const { rgb, map, best } = await segment(image, {});
      try {
        const persons = personBoxes(map, best).map((p) => ({ box: clipBox(p.box, width, height), score: Math.round(p.score * 1000) / 1000 }));
        const main = persons[0] ?? { box: [0, 0, width, height] as Box, score: 0 };
        const keypoints = await models.pose.estimatePose(rgb, personSquare(main.box));
        return [{ ...main, keypoints }, ...persons.slice(1).map((p) => ({ ...p, keypoints: [] }))];
      } finally {
        rgb.dispose();
      }
    },

    async reembed(image, garments) {
      const { rgb, map, best } = await segment(image, {});
      rgb.dispose();
      // Each garment keeps the detector's cells of its own category inside its box (boxCutOut).
      const { width, height } = image;
      const crops = garments.map((g) => {
        const box = clipBox(g.box, width, height);
        return { box, keep: boxCutOut(map, g.category, box, best) };
      });
      const usable = crops.map((c) => c.box[2] >= 2 && c.box[3] >= 2);
      const chosen = crops.filter((_, i) => usable[i]);
      // No usable garment: the whole photo gives the look vector (as analyze() does).
      const { types, vectors } = await embedCrops(image, chosen.length ? chosen : [{ box: [0, 0, width, height] }]);
      let j = 0;
      const out = garments.map((g, i) => {
        if (!usable[i]) return { embedding: new Float32Array(models.garments.dim), colours: [], histogram: new Array<number>(HISTOGRAM_SIZE).fill(0) };
        const k = j++;
        const { box, keep } = crops[i];
        const { colours, histogram } = garmentColours(image, box, keep);
        return { type: typeFor(g.category, types[k].probabilities), embedding: vectors[k], colours, histogram };
      });
      const bound = garments.map((g, i) => ({ category: g.category, embedding: out[i].embedding })).filter((_, i) => usable[i]);
      return { garments: out, lookEmbedding: lookVector(bound.length ? bound : [{ embedding: vectors[0] }]), modelVersion: MODEL_VERSION };
    },

    async embedImage(image) {
      const { types, vectors } = await embedCrops(image, [{ box: [0, 0, image.width, image.height] }], true);
      const p = types[0].probabilities;
      const label = types[0].label;
      return { type: { label, score: Math.round(p[garmentNet.GARMENT_NET.labels.indexOf(label)] * 1000) / 1000 }, embedding: vectors[0], ...productColours(image) };
    },
  };
}
