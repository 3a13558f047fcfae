/** Test data shared by the storage specs: small analyses of one look on an old or a new model. */
import type { Analysis } from '../../common/types';

/** A unit vector of `dim` along `axis` (mod dim). */
export const unit = (dim: number, axis = 0): Float32Array => {
  const v = new Float32Array(dim);
  v[axis % dim] = 1;
  return v;
};

/** A look with a top and a bottom (typed T-Shirt and Pants), its vectors `dim` wide, made by `modelVersion`. */
export function analysis(modelVersion: string, dim: number): Analysis {
  return {
    width: 100,
    height: 200,
    people: [],
    garments: [
      { category: 'top', box: [10, 20, 50, 60], score: 0.9, colours: [], histogram: [], type: { label: 'T-Shirt', score: 0.7 }, embedding: unit(dim, 1) },
      { category: 'bottom', box: [15, 90, 40, 80], score: 0.8, colours: [], histogram: [], type: { label: 'Pants', score: 0.6 }, embedding: unit(dim, 2) },
    ],
    lookEmbedding: unit(dim),
    modelVersion,
    timings: {},
  };
}
