/** Helpers for the Node specs of the worker realm: WASM backend, models from disk, synthetic images. */
import type { RgbaImage } from '../../common/types';
import { nodeBackend } from './runtime';

export { fileModels } from './fs-models';

let backend: Promise<unknown> | null = null;
/** The WASM backend, once per test file (each vitest file runs in its own realm). */
export function useWasm(): Promise<unknown> {
  backend ??= nodeBackend('wasm');
  return backend;
}

/**
 * A deterministic person-like picture: background gradient, a head, a torso in `top`, legs in `legs`,
 * dark feet. Enough for the models to run end to end; not a real person.
 */
export function syntheticPerson(width: number, height: number, top: [number, number, number] = [200, 40, 40], legs: [number, number, number] = [30, 40, 110]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  const cx = width / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const v = y / height;
      const dx = Math.abs(x - cx) / width;
      let rgb: number[] = [180 + (x * 50) / width, 190, 170 + v * 60];
      if (v > 0.06 && v < 0.18 && dx < 0.06) rgb = [225, 180, 150]; // head
      else if (v >= 0.18 && v < 0.5 && dx < 0.14) rgb = top; // torso
      else if (v >= 0.5 && v < 0.9 && dx < 0.1 && dx > 0.015) rgb = legs; // legs
      else if (v >= 0.9 && v < 0.95 && dx < 0.12 && dx > 0.01) rgb = [20, 20, 20]; // feet
      data[i] = rgb[0];
      data[i + 1] = rgb[1];
      data[i + 2] = rgb[2];
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}
