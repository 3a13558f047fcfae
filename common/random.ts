/** Deterministic PRNG (mulberry32): uniform in [0, 1) from a 32-bit seed, so runs and failures reproduce. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The middle 95 % of a bootstrap's values (2.5th to 97.5th percentile, nearest rank); [0, 0] for none. */
function middle95(values: readonly number[]): [number, number] {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? [s[Math.floor(0.025 * (s.length - 1))], s[Math.ceil(0.975 * (s.length - 1))]] : [0, 0];
}

/**
 * A seeded bootstrap over `n` units (photos, outfits): `draws` times, n units drawn with replacement (their indices,
 * in draw order), `measure` of them (a few figures), then the middle 95 % of each figure over the draws and the share
 * of draws where `meets` holds. No units: no draws.
 */
export function bootstrap(
  n: number,
  measure: (drawn: number[]) => number[],
  meets: (figures: number[]) => boolean,
  { draws = 1000, seed = 1 } = {},
): { intervals: [number, number][]; met: number; draws: number } {
  const random = rng(seed);
  const figures: number[][] = [];
  let met = 0;
  for (let d = 0; d < draws && n > 0; d++) {
    const f = measure(Array.from({ length: n }, () => Math.floor(random() * n)));
    figures.push(f);
    met += +meets(f);
  }
  const width = figures[0]?.length ?? 0;
  return {
    intervals: Array.from({ length: width }, (_, k) => middle95(figures.map((f) => f[k]))),
    met: figures.length ? met / figures.length : 0,
    draws: figures.length,
  };
}
