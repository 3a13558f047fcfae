/**
 * The generic image backbone: MobileNetV2 from nsfwjs 4.3.0 (a Keras layers model), cut at its pooled
 * features. Not in the app's pipeline any more (garment-net, Mirror's fine-tuned copy, is): it checks the
 * training code's torch MobileNetV2 (training/garments/tfjs-check.ts) and is the outfit training's
 * look-alike yardstick (cli/outfit-features.ts). Only `flatten_1` is used: its NSFW classification head is never run.
 * Input  `input_1`   float [n, 224, 224, 3], RGB / 255 (0..1).
 * Output `flatten_1` float [n, 1280], the average-pooled last conv features (ReLU6, 0..6).
 *
 * On WASM the layers model spends ~40% of its time in separate BatchNorm and ReLU6 kernels, so at load
 * time every Conv2D/DepthwiseConv2D + BatchNormalization (+ ReLU6) chain is folded into one fused conv
 * (w' = w * g / sqrt(v + eps), b' = beta - mean * g / sqrt(v + eps)) and the graph is run as plain ops.
 * `loadReference` keeps the unfolded layers model for the equivalence test.
 */
import * as tf from '@tensorflow/tfjs';
import { loadLayersModel, type ModelSource } from '../io';

export const BACKBONE = { inputSize: 224, featureLayer: 'flatten_1', dim: 1280 } as const;

export interface Backbone {
  /** L2-normalised features of a batch [n, 224, 224, 3] in RGB 0..255; one backbone call. */
  embed(batch: tf.Tensor4D): Promise<Float32Array[]>;
  /** Raw (not normalised) features [n, 1280] of a batch in 0..1; the caller disposes them. */
  features(input: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

type Op = (values: Map<string, tf.Tensor>) => tf.Tensor;
interface Step {
  name: string;
  op: Op;
}

interface LayerLike {
  name: string;
  getClassName(): string;
  getConfig(): tf.serialization.ConfigDict;
  getWeights(): tf.Tensor[];
  inboundNodes: { inboundLayers: { name: string }[] }[];
}

/** Compiles the Keras graph up to `until` into fused tf ops; returns the steps and the tensors it owns. */
function compile(model: tf.LayersModel, until: string): { steps: Step[]; owned: tf.Tensor[] } {
  const layers = model.layers as unknown as LayerLike[];
  const inputsOf = (l: LayerLike) => (l.inboundNodes[0]?.inboundLayers ?? []).map((x) => x.name);
  const consumers = new Map<string, LayerLike[]>();
  for (const l of layers) for (const i of inputsOf(l)) consumers.set(i, [...(consumers.get(i) ?? []), l]);
  const only = (l: LayerLike, cls: string): LayerLike | null => {
    const c = consumers.get(l.name) ?? [];
    return c.length === 1 && c[0].getClassName() === cls ? c[0] : null;
  };
  const owned: tf.Tensor[] = [];
  const own = <T extends tf.Tensor>(t: T): T => {
    owned.push(tf.keep(t));
    return t;
  };
  const steps: Step[] = [];
  const done = new Set<string>();
  for (const l of layers) {
    if (done.has(l.name)) continue;
    const cls = l.getClassName();
    const cfg = l.getConfig();
    const [src] = inputsOf(l);
    const input = (v: Map<string, tf.Tensor>) => v.get(src) as tf.Tensor4D;
    if (cls === 'InputLayer') {
      // The input is put into the map by the caller.
    } else if (cls === 'ZeroPadding2D') {
      const [[t, b], [left, r]] = cfg.padding as number[][];
      steps.push({ name: l.name, op: (v) => tf.pad(input(v), [[0, 0], [t, b], [left, r], [0, 0]]) });
    } else if (cls === 'Conv2D' || cls === 'DepthwiseConv2D') {
      const depthwise = cls === 'DepthwiseConv2D';
      const [kernel, maybeBias] = l.getWeights();
      const bn = only(l, 'BatchNormalization');
      const relu = bn ? only(bn, 'ReLU') : null;
      const relu6 = relu && (relu.getConfig().maxValue as number) === 6 && !(relu.getConfig().negativeSlope as number);
      const outName = relu6 ? relu!.name : bn ? bn.name : l.name;
      const { w, b } = tf.tidy(() => {
        const channels = depthwise ? kernel.shape[2]! * kernel.shape[3]! : kernel.shape[3]!;
        let bias: tf.Tensor1D = cfg.useBias ? (maybeBias as tf.Tensor1D) : tf.zeros([channels]);
        let w: tf.Tensor = kernel;
        if (bn) {
          const [gamma, beta, mean, variance] = bn.getWeights() as tf.Tensor1D[];
          const eps = bn.getConfig().epsilon as number;
          const scale = tf.div(gamma, tf.sqrt(tf.add(variance, eps)));
          // Depthwise kernels are [kh, kw, in, 1]: the output channel is the input channel.
          w = depthwise ? tf.mul(kernel, tf.reshape(scale, [1, 1, channels, 1])) : tf.mul(kernel, scale);
          bias = tf.add(tf.mul(tf.sub(bias, mean), scale), beta) as tf.Tensor1D;
        }
        return { w: own(w.clone()), b: own(bias.clone()) };
      });
      const strides = cfg.strides as [number, number];
      const pad = cfg.padding as 'same' | 'valid';
      const activation = relu6 ? 'relu6' : 'linear';
      steps.push({
        name: outName,
        op: depthwise
          ? (v) => tf.fused.depthwiseConv2d({ x: input(v), filter: w as tf.Tensor4D, strides, pad, bias: b, activation })
          : (v) => tf.fused.conv2d({ x: input(v), filter: w as tf.Tensor4D, strides, pad, bias: b, activation }),
      });
      if (bn) done.add(bn.name);
      if (relu6) done.add(relu!.name);
    } else if (cls === 'BatchNormalization') {
      const [gamma, beta, mean, variance] = l.getWeights().map((t) => own(t.clone()));
      const eps = cfg.epsilon as number;
      steps.push({ name: l.name, op: (v) => tf.batchNorm(input(v), mean, variance, beta, gamma, eps) });
    } else if (cls === 'ReLU') {
      const max = cfg.maxValue as number | null;
      steps.push({ name: l.name, op: (v) => (max === 6 ? tf.relu6(input(v)) : tf.relu(input(v))) });
    } else if (cls === 'Add') {
      const names = inputsOf(l);
      steps.push({ name: l.name, op: (v) => tf.addN(names.map((n) => v.get(n) as tf.Tensor)) });
    } else if (cls === 'AveragePooling2D') {
      const size = cfg.poolSize as [number, number];
      const strides = cfg.strides as [number, number];
      steps.push({ name: l.name, op: (v) => tf.avgPool(input(v), size, strides, cfg.padding as 'valid' | 'same') });
    } else if (cls === 'Flatten') {
      steps.push({ name: l.name, op: (v) => tf.reshape(input(v), [input(v).shape[0], -1]) });
    } else {
      throw new Error(`Backbone: layer ${l.name} (${cls}) is not supported before ${until}`);
    }
    if (l.name === until) break;
  }
  if (steps[steps.length - 1]?.name !== until) throw new Error(`Backbone: layer ${until} not found`);
  return { steps, owned };
}

function normalise(f: tf.Tensor2D): tf.Tensor2D {
  // Epsilon keeps an all-zero feature vector (a blank crop) finite.
  return tf.div(f, tf.add(tf.norm(f, 'euclidean', 1, true), 1e-12));
}

async function rows(t: tf.Tensor2D): Promise<Float32Array[]> {
  const [n, d] = t.shape;
  const flat = (await t.data()) as Float32Array;
  return Array.from({ length: n }, (_, i) => flat.slice(i * d, (i + 1) * d));
}

export async function load(source: ModelSource): Promise<Backbone> {
  const full = await loadLayersModel(source);
  const inputName = (full.layers[0] as unknown as LayerLike).name;
  const { steps, owned } = compile(full, BACKBONE.featureLayer);
  // The folded copies are all we keep: the Keras model (and its NSFW head) is freed now.
  full.dispose();
  const features = (input: tf.Tensor4D): tf.Tensor2D =>
    tf.tidy(() => {
      const values = new Map<string, tf.Tensor>([[inputName, input]]);
      let last: tf.Tensor = input;
      for (const s of steps) {
        last = s.op(values);
        values.set(s.name, last);
      }
      return last as tf.Tensor2D;
    });
  return {
    features,
    async embed(batch) {
      if (batch.shape[0] === 0) return [];
      const out = tf.tidy(() => normalise(features(tf.div(batch, 255) as tf.Tensor4D)));
      const result = await rows(out);
      out.dispose();
      return result;
    },
    dispose: () => owned.forEach((t) => t.dispose()),
  };
}

/** The unfolded Keras model cut at `flatten_1`, for checking that folding changes nothing. */
export async function loadReference(source: ModelSource): Promise<Backbone> {
  const full = await loadLayersModel(source);
  const cut = tf.model({ inputs: full.inputs, outputs: full.getLayer(BACKBONE.featureLayer).output as tf.SymbolicTensor });
  const features = (input: tf.Tensor4D) => cut.predict(input) as tf.Tensor2D;
  return {
    features,
    async embed(batch) {
      const out = tf.tidy(() => normalise(features(tf.div(batch, 255) as tf.Tensor4D)));
      const result = await rows(out);
      out.dispose();
      return result;
    },
    dispose: () => full.dispose(),
  };
}
