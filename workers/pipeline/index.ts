/**
 * The analysis of one outfit photo, shared by the vision worker and the CLI:
 * CenterNet (people, bags) -> MoveNet and Selfie on the main person's square -> garment regions ->
 * colours -> one backbone call for every garment crop and the person crop.
 */
import * as tf from '@tensorflow/tfjs';
import type { Analysis, Box, DetectedGarment, Person, RgbaImage } from '../../common/types';
import { EMBEDDING_DIM } from '../../common/constants';
import * as backbone from '../models/backbone';
import * as centernet from '../models/centernet';
import type { ModelLocator } from '../models/io';
import * as movenet from '../models/movenet';
import * as selfie from '../models/selfie';
import { rgbTensor, type Square } from '../models/tensor';
import { dominantColours, samplePixels } from './colours';
import { GARMENT_RULES, garmentRegions, type GarmentRules, type MaskAt } from './garments';

/** Identifies pipeline + weights; bump it whenever either changes (the index is then rebuilt). */
export const MODEL_VERSION = 'mirror-vision-1:centernet+movenet-lightning+selfie@human-models-3.0.4,mobilenet-v2-flatten_1@nsfwjs-4.3.0,rules-2';

export const PIPELINE = {
  /** CenterNet person detections below this score are not people (0..1). */
  minPersonScore: 0.25,
  /** The person square is the person's box grown by this fraction of its long side on every side. */
  personMargin: 0.1,
  /** Grey (0..255) that replaces the background of garment crops before the backbone. */
  neutralGrey: 128,
} as const;

export interface Models {
  pose: movenet.PoseModel;
  detector: centernet.ObjectDetector;
  segmenter: selfie.Segmenter;
  backbone: backbone.Backbone;
  dispose(): void;
}

/** Loads the four models; `onProgress` gets the name of each one as it finishes. */
export async function loadModels(locate: ModelLocator, onProgress?: (name: string) => void): Promise<Models> {
  const step = async <T>(name: string, p: Promise<T>): Promise<T> => {
    const v = await p;
    onProgress?.(name);
    return v;
  };
  const [pose, detector, segmenter, bb] = await Promise.all([
    step('movenet-lightning', movenet.load(locate('movenet-lightning'))),
    step('centernet', centernet.load(locate('centernet'))),
    step('selfie', selfie.load(locate('selfie'))),
    step('mobilenet-v2', backbone.load(locate('mobilenet-v2'))),
  ]);
  return {
    pose, detector, segmenter, backbone: bb,
    dispose() {
      pose.dispose();
      detector.dispose();
      segmenter.dispose();
      bb.dispose();
    },
  };
}

/** The raw outputs the garment rules work from (exposed for tuning in the CLI). */
export interface Observation {
  people: Person[];
  person: Box;
  region: Square;
  keypoints: movenet.Keypoint[];
  detections: centernet.Detection[];
  mask: selfie.PersonMask;
}

export interface Analyzer {
  analyze(image: RgbaImage, rules?: GarmentRules): Promise<Analysis>;
  /** Models only, no rules, colours or vectors (for tuning the rules on cached observations). */
  observe(image: RgbaImage): Promise<Observation>;
  /** The whole image as one garment crop (single-garment photos): an L2-normalised item vector. */
  embedImage(image: RgbaImage): Promise<Float32Array>;
}

/** Person probability at image pixel (x, y), bilinear-free lookup in the mask's square. */
export function maskLookup(mask: selfie.PersonMask): MaskAt {
  const { region, size, data } = mask;
  const scale = size / region.size;
  return (x, y) => {
    const u = Math.floor((x - region.x) * scale);
    const v = Math.floor((y - region.y) * scale);
    return u >= 0 && v >= 0 && u < size && v < size ? data[v * size + u] : 0;
  };
}

function personSquare(box: Box): Square {
  const [x, y, w, h] = box;
  const size = Math.max(w, h) * (1 + 2 * PIPELINE.personMargin);
  return { x: x + w / 2 - size / 2, y: y + h / 2 - size / 2, size };
}

/** A square crop box around `box` (grown to its long side), normalised for cropAndResize over [h, w]. */
function squareCrop(box: Box, width: number, height: number): number[] {
  const [x, y, w, h] = box;
  const side = Math.max(w, h);
  const x1 = x + w / 2 - side / 2;
  const y1 = y + h / 2 - side / 2;
  return [y1 / (height - 1), x1 / (width - 1), (y1 + side - 1) / (height - 1), (x1 + side - 1) / (width - 1)];
}

export function createAnalyzer(models: Models): Analyzer {
  const size = backbone.BACKBONE.inputSize;

  async function observe(image: RgbaImage, rgb: tf.Tensor3D, timings: Record<string, number>): Promise<Observation> {
    let t = performance.now();
    const detections = await models.detector.detect(rgb);
    timings.centernet = performance.now() - t;
    const persons = detections.filter((d) => d.label === 'person' && d.score >= PIPELINE.minPersonScore);
    // The main person: the most confident; with none, the whole photo stands in for the person.
    const main = persons[0];
    const person: Box = main ? main.box : [0, 0, image.width, image.height];
    const region = personSquare(person);
    t = performance.now();
    const keypoints = await models.pose.estimatePose(rgb, region);
    timings.movenet = performance.now() - t;
    t = performance.now();
    const mask = await models.segmenter.segment(rgb, region);
    timings.selfie = performance.now() - t;
    const people: Person[] = [{ box: person, score: main ? main.score : 0, keypoints }];
    return { people, person, region, keypoints, detections, mask };
  }

  return {
    async observe(image) {
      const rgb = rgbTensor(image);
      try {
        return await observe(image, rgb, {});
      } finally {
        rgb.dispose();
      }
    },

    async analyze(image, rules = GARMENT_RULES) {
      const timings: Record<string, number> = {};
      const start = performance.now();
      const rgb = rgbTensor(image);
      try {
        const obs = await observe(image, rgb, timings);
        let t = performance.now();
        const maskAt = maskLookup(obs.mask);
        const regions = garmentRegions(
          { image, keypoints: obs.keypoints, maskAt, maskStep: obs.mask.region.size / obs.mask.size, detections: obs.detections, person: obs.person },
          rules,
        );
        const colours = regions.map((r) => dominantColours(samplePixels(image, r.box, r.category === 'bag' ? undefined : maskAt)));
        timings.rules = performance.now() - t;

        t = performance.now();
        const { width, height } = image;
        const crops = [...regions.map((r) => r.box), obs.person];
        const batch = tf.tidy(() => {
          const boxes = crops.map((b) => squareCrop(b, width, height));
          const pixels = tf.image.cropAndResize(tf.expandDims(rgb, 0) as tf.Tensor4D, boxes, boxes.map(() => 0), [size, size], 'bilinear', PIPELINE.neutralGrey);
          // The same boxes in the mask's square: (image px - region origin) / region side.
          const { region, size: ms } = obs.mask;
          const mboxes = crops.map((b) => {
            const [y1, x1, y2, x2] = squareCrop(b, width, height);
            const toMask = (v: number, origin: number, extent: number) => ((v * (extent - 1) - origin) / region.size) * ms / (ms - 1);
            return [toMask(y1, region.y, height), toMask(x1, region.x, width), toMask(y2, region.y, height), toMask(x2, region.x, width)];
          });
          const maskT = tf.tensor4d(obs.mask.data, [1, ms, ms, 1]);
          const m = tf.image.cropAndResize(maskT, mboxes, mboxes.map(() => 0), [size, size], 'bilinear', 0);
          // Person pixels kept, background set to neutral grey; bags keep their own pixels (not person).
          const ownPixels = tf.tensor4d([...regions.map((r) => (r.category === 'bag' ? 1 : 0)), 0], [crops.length, 1, 1, 1]);
          const keep = tf.maximum(m, ownPixels);
          return tf.add(tf.mul(pixels, keep), tf.mul(tf.sub(1, keep), PIPELINE.neutralGrey)) as tf.Tensor4D;
        });
        const vectors = await models.backbone.embed(batch);
        batch.dispose();
        timings.backbone = performance.now() - t;

        const garments: DetectedGarment[] = regions.map((r, i) => ({
          category: r.category,
          box: r.box.map((v) => Math.round(v * 10) / 10) as Box,
          score: Math.round(r.score * 1000) / 1000,
          colours: colours[i],
          embedding: vectors[i],
        }));
        timings.total = performance.now() - start;
        return {
          width, height, people: obs.people, garments,
          lookEmbedding: vectors[vectors.length - 1] ?? new Float32Array(EMBEDDING_DIM),
          modelVersion: MODEL_VERSION, timings,
        };
      } finally {
        rgb.dispose();
      }
    },

    async embedImage(image) {
      const rgb = rgbTensor(image);
      const batch = tf.tidy(() => {
        const box = squareCrop([0, 0, image.width, image.height], image.width, image.height);
        return tf.image.cropAndResize(tf.expandDims(rgb, 0) as tf.Tensor4D, [box], [0], [size, size], 'bilinear', PIPELINE.neutralGrey);
      });
      rgb.dispose();
      const [vector] = await models.backbone.embed(batch);
      batch.dispose();
      return vector;
    },
  };
}
