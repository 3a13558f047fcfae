/**
 * Per-channel uint8 weights (training/garments/weights_io.py) decoded by io.ts `dequantized`, next to
 * tfjs's own encodings, which pass through byte for byte; a file that does not match its manifest is refused.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { dequantized, PER_CHANNEL } from './io';

/** As weights_io.encode: C float32 mins, C float32 scales, uint8 values in the weight's own layout. */
function encode(values: number[], shape: number[], axis: number): Uint8Array {
  const c = shape[axis];
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const ch = (i: number) => Math.floor(i / inner) % c;
  const lo = new Float32Array(c).fill(Infinity);
  const hi = new Float32Array(c).fill(-Infinity);
  values.forEach((v, i) => {
    lo[ch(i)] = Math.min(lo[ch(i)], v);
    hi[ch(i)] = Math.max(hi[ch(i)], v);
  });
  const scale = lo.map((l, k) => (hi[k] > l ? (hi[k] - l) / 255 : 1));
  const q = Uint8Array.from(values, (v, i) => Math.round((v - lo[ch(i)]) / scale[ch(i)]));
  const out = new Uint8Array(8 * c + q.length);
  out.set(new Uint8Array(lo.buffer), 0);
  out.set(new Uint8Array(scale.buffer), 4 * c);
  out.set(q, 8 * c);
  return out;
}

const join = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out.buffer;
};

describe('dequantized', () => {
  // A depthwise-like kernel [1, 2, 3, 1] (channels on axis 2) whose channels differ in scale by 1000x.
  const depthwise = [0.001, -0.002, 5, 0.003, 0.004, -7];
  const shapeD = [1, 2, 3, 1];
  // A dense kernel [2, 2] (channels on axis 1).
  const dense = [1, -1, 0.5, 2];
  const bias = new Uint16Array([0x3c00, 0xc000]); // float16 1, -2
  const ints = new Int32Array([7, 9]);
  const artifacts = (): tf.io.ModelArtifacts => ({
    modelTopology: {},
    weightSpecs: [
      { name: 'd', shape: shapeD, dtype: 'float32', quantization: { dtype: PER_CHANNEL, axis: 2 } as unknown as tf.io.WeightsManifestEntry['quantization'] },
      { name: 'b', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
      { name: 'k', shape: [2, 2], dtype: 'float32', quantization: { dtype: PER_CHANNEL, axis: 1 } as unknown as tf.io.WeightsManifestEntry['quantization'] },
      { name: 'i', shape: [2], dtype: 'int32' },
    ],
    weightData: join([encode(depthwise, shapeD, 2), new Uint8Array(bias.buffer), encode(dense, [2, 2], 1), new Uint8Array(ints.buffer)]),
  });

  it('decodes each channel with its own range; float16 and int32 weights pass through', () => {
    const out = dequantized(artifacts());
    const weights = tf.io.decodeWeights(out.weightData!, out.weightSpecs!);
    const d = weights.d.dataSync();
    // Every value within half a step of its own channel: the 0.001-scale channel is not flattened by the 5 and -7.
    depthwise.forEach((v, i) => expect(Math.abs(d[i] - v)).toBeLessThanOrEqual(Math.abs(v) * 0.01 + 1e-6));
    expect(Array.from(weights.k.dataSync())).toEqual(dense.map((v) => expect.closeTo(v, 2)));
    expect(Array.from(weights.b.dataSync())).toEqual([1, -2]);
    expect(Array.from(weights.i.dataSync())).toEqual([7, 9]);
    expect(out.weightSpecs!.map((s) => s.dtype)).toEqual(['float32', 'float32', 'float32', 'int32']);
    tf.dispose(Object.values(weights));
  });

  it('leaves models without per-channel weights as they are', () => {
    const a: tf.io.ModelArtifacts = { modelTopology: {}, weightSpecs: [{ name: 'i', shape: [2], dtype: 'int32' }], weightData: ints.buffer.slice(0) };
    expect(dequantized(a)).toBe(a);
  });

  it('refuses a weights file shorter or longer than its manifest', () => {
    const short = artifacts();
    short.weightData = (short.weightData as ArrayBuffer).slice(0, 20);
    expect(() => dequantized(short)).toThrow(/too short/);
    const long = artifacts();
    long.weightData = join([new Uint8Array(long.weightData as ArrayBuffer), new Uint8Array(4)]);
    expect(() => dequantized(long)).toThrow(/4 bytes more/);
  });
});
