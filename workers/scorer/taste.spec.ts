import { describe, expect, it } from 'vitest';
import { rng } from '../../common/random';
import { fitTaste, noTaste, tasteBoost, type TasteExample } from './taste';

const D = 8;

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

describe('fitTaste', () => {
  it('is no taste at all without examples', () => {
    const t = fitTaste([], D);
    expect(t).toEqual(noTaste(D));
    expect(tasteBoost(t, new Float32Array(D).fill(1))).toBe(0);
  });

  it('learns a hidden preference direction from generated likes and dislikes', () => {
    const r = rng(5);
    const hidden = Float32Array.from({ length: D }, () => gauss(r));
    const examples: TasteExample[] = Array.from({ length: 200 }, () => {
      const embedding = Float32Array.from({ length: D }, () => gauss(r));
      const label = tasteBoost({ ...noTaste(D), w: hidden }, embedding) > 0 ? 1 : 0;
      return { embedding, logit: gauss(r) * 0.3, label, weight: 1 };
    });
    const t = fitTaste(examples, D);
    // Standardised inputs: compare w * scale (the direction in embedding space) with the hidden one.
    const direction = t.w.map((w, j) => w * t.scale[j]);
    const cos = tasteBoost({ ...noTaste(D), w: direction }, hidden) / (Math.hypot(...direction) * Math.hypot(...hidden));
    expect(cos).toBeGreaterThan(0.9);
    expect(t.examples).toBe(200);
  });

  it('moves a liked outfit up and a disliked one down against the student\'s order', () => {
    const r = rng(9);
    const candidates = Array.from({ length: 30 }, () => ({ embedding: Float32Array.from({ length: D }, () => gauss(r)), logit: gauss(r) }));
    const rankOf = (t: ReturnType<typeof fitTaste>, i: number): number => {
      const s = candidates.map((c) => c.logit + tasteBoost(t, c.embedding));
      return s.filter((v) => v > s[i]).length;
    };
    const none = noTaste(D);
    // The student's 20th of 30 is liked; its 1st is disliked.
    const order = candidates.map((_, i) => i).sort((a, b) => candidates[b].logit - candidates[a].logit);
    const liked = order[19];
    const disliked = order[0];
    const t = fitTaste([
      { ...candidates[liked], label: 1, weight: 2 },
      { ...candidates[disliked], label: 0, weight: 2 },
    ], D);
    expect(rankOf(none, liked)).toBe(19);
    expect(rankOf(t, liked)).toBeLessThan(19);
    expect(rankOf(t, disliked)).toBeGreaterThan(0);
  });

  it('stays small with the L2 weight, and is deterministic', () => {
    const r = rng(4);
    const reference = Array.from({ length: 50 }, () => Float32Array.from({ length: D }, () => gauss(r)));
    const e = { embedding: Float32Array.from({ length: D }, (_, i) => (i === 0 ? 2 : 0)), logit: 0, label: 1 as const, weight: 1 };
    const strong = fitTaste([e], D, { l2: 0.01, reference });
    const weak = fitTaste([e], D, { l2: 10, reference });
    expect(strong.w[0]).toBeGreaterThan(weak.w[0]);
    expect(weak.w[0]).toBeGreaterThan(0);
    expect(fitTaste([e], D, { reference })).toEqual(fitTaste([e], D, { reference }));
  });
});
