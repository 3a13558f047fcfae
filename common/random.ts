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
export function middle95(values: readonly number[]): [number, number] {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? [s[Math.floor(0.025 * (s.length - 1))], s[Math.ceil(0.975 * (s.length - 1))]] : [0, 0];
}
