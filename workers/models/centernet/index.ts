/**
 * CenterNet COCO object detector (the one shipped with @vladmandic/human).
 * Input  `tower_0/images`     float [1, 512, 512, 3], RGB 0..255 (no normalisation; the image is resized
 *                             to 512x512 without keeping the aspect, as human does).
 * Output `tower_0/detections` float [1, 100, 6] = [x1, y1, x2, y2, score, class], x/y in input pixels
 *                             (0..512), class a 0-based COCO-80 index (0 = person), sorted by score.
 * Verified on CCP photos: the person comes out as class 0 with score 0.45..0.8.
 */
import * as tf from '@tensorflow/tfjs';
import type { Box } from '../../../common/types';
import { loadGraphModel, type ModelSource } from '../io';
import { iou } from '../../../common/boxes';

export const CENTERNET = {
  inputSize: 512,
  input: 'tower_0/images',
  output: 'tower_0/detections',
  /** Detections below this score are dropped (0..1). */
  minScore: 0.1,
  /** Boxes of one class overlapping more than this IoU are merged (greedy NMS). */
  iou: 0.5,
} as const;

/** The COCO-80 labels in the model's class order. */
export const COCO_LABELS = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
  'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
  'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
  'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard',
  'tennis racket', 'bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple',
  'sandwich', 'orange', 'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch',
  'potted plant', 'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard',
  'cell phone', 'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors',
  'teddy bear', 'hair drier', 'toothbrush',
] as const;

export interface Detection {
  label: string;
  classId: number;
  score: number;
  /** [x, y, w, h] in image pixels. */
  box: Box;
}

export interface ObjectDetector {
  detect(image: tf.Tensor3D): Promise<Detection[]>;
  dispose(): void;
}

export async function load(source: ModelSource): Promise<ObjectDetector> {
  const model = await loadGraphModel(source);
  const size = CENTERNET.inputSize;
  return {
    async detect(image) {
      const [h, w] = image.shape;
      const output = tf.tidy(() => {
        const input = tf.image.resizeBilinear(tf.expandDims(image, 0) as tf.Tensor4D, [size, size]);
        return model.execute({ [CENTERNET.input]: input }, CENTERNET.output) as tf.Tensor;
      });
      const rows = await output.data();
      output.dispose();
      const candidates: Detection[] = [];
      for (let i = 0; i < rows.length / 6; i++) {
        const [x1, y1, x2, y2, score, cls] = rows.subarray(i * 6, i * 6 + 6);
        if (!(score >= CENTERNET.minScore) || !Number.isInteger(cls) || cls < 0 || cls >= COCO_LABELS.length) continue;
        const left = Math.max(0, (x1 / size) * w);
        const top = Math.max(0, (y1 / size) * h);
        const right = Math.min(w, (x2 / size) * w);
        const bottom = Math.min(h, (y2 / size) * h);
        if (right <= left || bottom <= top) continue;
        candidates.push({ label: COCO_LABELS[cls], classId: cls, score, box: [left, top, right - left, bottom - top] });
      }
      candidates.sort((a, b) => b.score - a.score);
      const kept: Detection[] = [];
      for (const d of candidates) {
        if (!kept.some((k) => k.classId === d.classId && iou(k.box, d.box) > CENTERNET.iou)) kept.push(d);
      }
      return kept;
    },
    dispose: () => model.dispose(),
  };
}
