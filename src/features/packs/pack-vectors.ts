/**
 * Which of the person's vectors packs may be compared with (Shop the look, followed lookbooks), and which go
 * into an exported lookbook. Free of Svelte, workers and browser-only APIs so that it runs in Node tests
 * (fake-indexeddb). Vectors are only comparable when they come from the same model (MODEL_VERSION) and have
 * its size (EMBEDDING_DIM, 128 since garment-net); after a model update the person's looks are re-embedded
 * in the background (src/services/model-update.ts), while an installed pack keeps the vectors its publisher
 * made until they publish a new version.
 */
import type { Category } from '../../../common/categories';
import { vectorId, type GarmentRecord, type LookRecord, type PackRecord, type VectorRecord } from '../../../common/db-schema';
import type { LookbookLook, Product } from '../../../common/pack-format';
import { colourAffinity, colourScore, LOOK_COLOUR_WEIGHT, lookColourAffinity } from '../../../common/colour-similarity';
import { cosineInt8, packFitsModel, relatedProducts, RELATED_K, type Catalog } from '../../../common/pack-match';
import { garmentsOfLook, type MirrorDb } from '../../db/looks';

/** The model the person's vectors must come from to be exported or compared. */
export interface CurrentModel {
  modelVersion: string;
  /** Vector size (EMBEDDING_DIM). */
  dim: number;
}

/** True when a stored vector comes from the current model and has its size. */
export const onModel = (v: Pick<VectorRecord, 'modelVersion' | 'vector'> | undefined, model: CurrentModel): v is VectorRecord =>
  v !== undefined && v.modelVersion === model.modelVersion && v.vector.length === model.dim;

/** Why an installed pack's vectors cannot be compared with the person's, in words, or null when they can. */
export function otherModelNote(pack: Pick<PackRecord, 'manifest'>, model: CurrentModel): string | null {
  if (packFitsModel(pack.manifest.embeddings, model)) return null;
  return pack.manifest.kind === 'catalog'
    ? 'This catalog was made for another model version, so Shop the look leaves it out: ask its publisher for an update.'
    : 'This lookbook was made for another model version: its looks stay in your Feed but are left out of similar looks until its publisher exports it again.';
}

// ---------------------------------------------------------------------------------------------------
// Shop the look

export interface RelatedProduct {
  product: Product;
  packId: string;
  packTitle: string;
  score: number;
  sameCategory: boolean;
}

export interface ShopResult {
  products: RelatedProduct[];
  /** Catalog packs installed (0: the person has none yet). */
  packs: number;
  /** Titles of catalog packs left out because they were made with another model version (or vector size). */
  skipped: string[];
  /** The garment's own vector is still of an older model (its look is being updated): nothing was compared. */
  updating: boolean;
}

/**
 * Related products of one garment (its category, vector and colour histogram) from the installed catalog packs
 * (common/pack-match.ts). A garment vector of an older model is compared with nothing: it would find nothing in
 * current catalogs and rank stale ones.
 */
export function shopFromPacks(
  garment: { category: Category; histogram?: readonly number[] },
  vector: VectorRecord,
  packs: readonly PackRecord[],
  model: CurrentModel,
  k = RELATED_K,
): ShopResult {
  const { category, histogram } = garment;
  const catalogPacks = packs.filter((p) => p.manifest.kind === 'catalog');
  if (catalogPacks.length > 0 && !onModel(vector, model)) return { packs: catalogPacks.length, skipped: [], products: [], updating: true };
  const catalogs: Catalog[] = catalogPacks.map((p) => ({
    id: p.id, dim: p.manifest.embeddings.dim, modelVersion: p.manifest.embeddings.modelVersion, products: p.products, vectors: p.vectors,
  }));
  const result = relatedProducts({ category, histogram, vector: vector.vector, modelVersion: vector.modelVersion }, catalogs, k);
  const byId = new Map(catalogPacks.map((p) => [p.id, p]));
  return {
    packs: catalogs.length,
    updating: false,
    skipped: result.skipped.map((s) => byId.get(s.packId)!.manifest.title),
    products: result.matches.map((m) => {
      const pack = byId.get(m.packId)!;
      return { product: pack.products[m.index], packId: m.packId, packTitle: pack.manifest.title, score: m.score, sameCategory: m.sameCategory };
    }),
  };
}

// ---------------------------------------------------------------------------------------------------
// Lookbook export

/** A chosen look cannot go into a lookbook yet; the message says which and why, in the person's words. */
export class LookbookNotReady extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LookbookNotReady';
  }
}

/** "a", "a and b", "a, b and 3 other looks". */
function nameLooks(names: string[]): string {
  if (names.length === 1) return names[0];
  if (names.length <= 3) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} other looks`;
}

/** One look of a lookbook with the vectors it carries: its look vector, then one per garment kept. */
export interface LookbookEntry {
  look: LookRecord;
  /** Garments with a current-model vector, in the order of their vectors. */
  garments: GarmentRecord[];
  /** [look vector, garment vectors…], each of model.dim. */
  vectors: Float32Array[];
}

/**
 * Reads the chosen looks with their current-model vectors, in the order given. Every look is checked before
 * any is read further (so no photo is blurred for an export that cannot be made):
 * - a look that is gone or not analysed is named;
 * - a look whose vectors are still of an older model is named as still being updated when the model update
 *   is running (`updating`), else as not updated (its re-embedding failed: it is retried when Mirror starts).
 * Garments without a current-model vector are left out of the look (their boxes would have no vector).
 */
export async function lookbookEntries(db: MirrorDb, lookIds: readonly string[], model: CurrentModel, updating: boolean): Promise<LookbookEntry[]> {
  const found: { look: LookRecord; vector: VectorRecord }[] = [];
  const missing: string[] = [];
  const behind: string[] = [];
  let gone = false;
  for (const id of lookIds) {
    const [look, vector] = await Promise.all([db.get('looks', id), db.get('vectors', vectorId('look', id))]);
    if (!look) gone = true;
    else if (look.status !== 'analysed' || !vector) missing.push(look.name);
    else if (look.modelVersion !== model.modelVersion || !onModel(vector, model)) behind.push(look.name);
    else found.push({ look, vector });
  }
  if (gone) throw new LookbookNotReady('a chosen look was deleted meanwhile; choose the looks again');
  if (missing.length > 0) {
    throw new LookbookNotReady(`${nameLooks(missing)} ${missing.length === 1 ? 'is' : 'are'} not analysed yet; leave ${missing.length === 1 ? 'it' : 'them'} out or try again once analysed`);
  }
  if (behind.length > 0) {
    const are = behind.length === 1 ? 'is' : 'are';
    throw new LookbookNotReady(
      updating
        ? `${nameLooks(behind)} ${are} still being updated for the new model; try again in a moment`
        : `${nameLooks(behind)} could not be updated for the new model yet (Mirror tries again when it next starts); leave ${behind.length === 1 ? 'it' : 'them'} out for now`,
    );
  }
  if (found.length === 0) throw new LookbookNotReady('choose at least one analysed look');
  const entries: LookbookEntry[] = [];
  for (const { look, vector } of found) {
    const garments = await garmentsOfLook(db, look.id);
    const garmentVectors = await Promise.all(garments.map((g) => db.get('vectors', vectorId('garment', g.id))));
    const kept = garments.map((g, i) => ({ g, v: garmentVectors[i] })).filter((x) => onModel(x.v, model));
    entries.push({ look, garments: kept.map((x) => x.g), vectors: [vector.vector, ...kept.map((x) => x.v!.vector)] });
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------------
// Followed lookbooks

export interface FollowedLook {
  key: string;
  pack: PackRecord;
  look: LookbookLook;
  /** Index of the look's own vector in the pack's vectors; its garments' follow it. */
  vectorIndex: number;
}

export interface FollowedMatch {
  item: FollowedLook;
  /** For item matches: which garment of the look. */
  garment?: number;
  score: number;
}

export interface FollowedSearch {
  matches: FollowedMatch[];
  /** Followed lookbooks left out because they were made with another model version (or vector size). */
  skipped: PackRecord[];
  /** The person's own vector is not of the current model yet (its look is being updated): nothing compared. */
  updating: boolean;
}

/** What the person's own vector belongs to: a garment (its category and colours) or a look (its garments). */
export interface FollowedSource {
  garment?: { category: Category; histogram?: readonly number[] };
  lookGarments?: readonly { category: Category; histogram?: readonly number[] }[];
}

/**
 * Followed looks (kind 'look') or followed garments (kind 'garment') most like one of the person's own
 * vectors, scored as the person's own Similar looks and Similar items are (common/colour-similarity.ts): the cosine,
 * with the looks' garments' colours (`source.lookGarments`) or the garment's colour histogram (`source.garment`,
 * whose category the followed garments keep to) where the lookbook carries histograms. Only vectors of the current
 * model are compared: an own vector still of an older model compares with nothing (`updating`), a lookbook made with
 * another model is left out (`skipped`).
 */
export function matchFollowed(
  own: VectorRecord,
  followed: readonly FollowedLook[],
  kind: 'look' | 'garment',
  model: CurrentModel,
  k = 12,
  source: FollowedSource = {},
): FollowedSearch {
  const { garment } = source;
  const category = garment?.category;
  const skipped = new Map<string, PackRecord>();
  if (!onModel(own, model)) return { matches: [], skipped: [], updating: true };
  let norm = 0;
  for (const x of own.vector) norm += x * x;
  norm = Math.sqrt(norm);
  const matches: FollowedMatch[] = [];
  for (const item of followed) {
    const { pack } = item;
    if (!packFitsModel(pack.manifest.embeddings, model)) {
      skipped.set(pack.id, pack);
      continue;
    }
    const { dim } = model;
    if (kind === 'look') {
      const cosine = cosineInt8(own.vector, norm, pack.vectors, item.vectorIndex, dim);
      matches.push({ item, score: colourScore(cosine, lookColourAffinity(source.lookGarments ?? [], item.look.garments), LOOK_COLOUR_WEIGHT) });
    } else {
      item.look.garments.forEach((theirs, g) => {
        if (category && theirs.category !== category) return;
        const cosine = cosineInt8(own.vector, norm, pack.vectors, item.vectorIndex + 1 + g, dim);
        matches.push({ item, garment: g, score: colourScore(cosine, colourAffinity(garment?.histogram, theirs.histogram)) });
      });
    }
  }
  return { matches: matches.sort((a, b) => b.score - a.score).slice(0, k), skipped: [...skipped.values()], updating: false };
}
