/**
 * Bench-only worker: outfit scoring speed, student against teacher, on the tfjs backend the app uses
 * (workers/backend.ts chooseBackend, WASM binaries from this origin). The scorer code is the app's own
 * (workers/models/outfit-scorer). Weights: the trained student's and teacher's model.json
 * (public/models/trained/outfit-student, outfit-teacher) when they exist, else the seeded random init
 * (initWeights) of the same architecture. Speed does not depend on the weight values.
 */
import { expose } from 'comlink';
import * as tf from '@tensorflow/tfjs';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { CATEGORIES } from '../../common/categories';
import { chooseBackend } from '../../workers/backend';
import { fromWeights, initWeights, load, parameterCount, STUDENT_CONFIG, TEACHER_CONFIG, type Garment, type OutfitScorer, type ScorerConfig } from '../../workers/models/outfit-scorer';
import { makeVectorSet, rng } from './vectors';

const TRAINED = `${import.meta.env.BASE_URL}models/trained`;

export interface ScorerRun {
  name: 'student' | 'teacher';
  weights: string;
  parameters: number;
  /** Wall time (ms) of each timed score() call over all candidates. */
  runs: number[];
}

async function trained(name: ScorerRun['name'], config: ScorerConfig): Promise<{ scorer: OutfitScorer; weights: string }> {
  const url = `${TRAINED}/outfit-${name}/model.json`;
  const res = await fetch(url, { method: 'HEAD' }).catch(() => null);
  let why = `no trained ${name} weights`;
  if (res?.ok) {
    try {
      return { scorer: await load(url), weights: `trained (public/models/trained/outfit-${name})` };
    } catch (e) {
      // The committed file and the code can be out of step while the scorer is being worked on.
      why = `the trained ${name} did not load: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  return { scorer: fromWeights(config, [initWeights(config, 7)]), weights: `seeded random init (${why})` };
}

export const api = {
  async run(opts: { candidates: number; garments: number; warmup: number; runs: number; teacherRuns: number }) {
    const backend = await chooseBackend('wasm', {
      wasmPaths: { 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd },
    });
    // A wardrobe of `garments` pieces, and `candidates` outfits of 2..5 of them.
    const s = await trained('student', STUDENT_CONFIG);
    // Garment inputs of the size the scorer takes (its own config: the shipped student's, or the code's).
    const dim = s.scorer.config.inputDim;
    const set = makeVectorSet(opts.garments, dim, 3);
    const r = rng(9);
    const garments: Garment[] = Array.from({ length: opts.garments }, (_, i) => ({
      vector: set.data.subarray(i * dim, (i + 1) * dim),
      category: CATEGORIES[Math.floor(r() * CATEGORIES.length)],
    }));
    const outfits = Array.from({ length: opts.candidates }, () => Array.from({ length: 2 + Math.floor(r() * 4) }, () => Math.floor(r() * opts.garments)));
    const out: ScorerRun[] = [];
    const t = await trained('teacher', TEACHER_CONFIG);
    const scorers: [ScorerRun['name'], OutfitScorer, string][] = [
      ['student', s.scorer, s.weights],
      ['teacher', t.scorer, t.weights],
    ];
    for (const [name, scorer, weights] of scorers) {
      const runs: number[] = [];
      // Warm-up on a slice (kernels compiled, weights on the backend), then full-size timed runs.
      for (let i = 0; i < opts.warmup; i++) await scorer.score(garments, outfits.slice(0, 200));
      for (let i = 0; i < (name === 'teacher' ? Math.min(opts.runs, opts.teacherRuns) : opts.runs); i++) {
        const t = performance.now();
        await scorer.score(garments, outfits);
        runs.push(performance.now() - t);
        console.log(`[bench] ${name} run ${i}: ${(performance.now() - t).toFixed(0)} ms`);
      }
      out.push({ name, weights, parameters: parameterCount(scorer.config), runs });
      scorer.dispose();
    }
    return { backend, tensorsLeft: tf.memory().numTensors, scorers: out };
  },
};

export type OutfitBenchApi = typeof api;
expose(api);
