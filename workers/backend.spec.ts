import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { chooseBackend, probeWebGpu, wasmThreads } from './backend';
import { nodeWasmDir } from './node/fs-models';

const options = { wasmPaths: nodeWasmDir() };

describe('wasmThreads', () => {
  it("keeps tfjs's half of the cores, but at least two threads where there are two cores", () => {
    expect([1, 2, 3, 4, 6, 8, 16].map(wasmThreads)).toEqual([1, 2, 2, 2, 3, 4, 8]);
    expect(wasmThreads(0)).toBe(1);
  });
});

describe('chooseBackend', () => {
  it('refuses an unknown choice and names the allowed ones', async () => {
    await expect(chooseBackend('tpu', options)).rejects.toThrow(/use one of auto, webgpu, wasm, cpu/);
  });

  it('refuses a forced WebGPU where there is none', async () => {
    expect((await probeWebGpu()).available).toBe(false); // Node 20 has no navigator.gpu
    await expect(chooseBackend('webgpu', options)).rejects.toThrow(/not available/);
  });

  it('falls back to WASM with SIMD on auto without WebGPU, and says why', async () => {
    const info = await chooseBackend('auto', options);
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.simd).toBe(true);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.reason).toMatch(/Automatic/);
    expect(info.reason).toMatch(/WASM with SIMD/);
  });

  it('forces the CPU backend when asked', async () => {
    const info = await chooseBackend('cpu', options);
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
});
