/**
 * Lookbooks: the person's chosen looks exported as a pack of kind "lookbook" (docs/packs.md) in one .zip,
 * to download or share; and the looks of followed lookbooks, for the Feed and the similar-looks search.
 * Shared photos are the stored, already re-encoded JPEGs with every metadata segment stripped again
 * (stripJpegMetadata), so no EXIF, GPS or XMP can leave with them.
 */
import { zipSync } from 'fflate';
import { vectorId, type LookRecord, type PackRecord } from '../../../common/db-schema';
import { stripJpegMetadata } from '../../../common/jpeg-strip';
import { EMBEDDINGS_FILE, LOOKS_FILE, MANIFEST_FILE, PHOTOS_DIR, makeManifest, quantise, verifyPack, type LookbookLook } from '../../../common/pack-format';
import { cosineInt8 } from '../../../common/pack-match';
import { EMBEDDING_DIM } from '../../../common/constants';
import { db } from '../../db/connection';
import { garmentsOfLook, getSetting, listLooks, namedColours, setSetting } from '../../db/looks';
import { describe, emit, error, info } from '../../services/messages.svelte';
import { lookDate } from '../collection/filter';
import { vision } from '../../services/vision';
import { blurRegions, headBox } from './face-blur';
import { installedPacks, updatePack } from './pack-service';

/** Analysed looks the person can put in a lookbook, newest first. */
export async function shareableLooks(): Promise<LookRecord[]> {
  const looks = await listLooks(await db());
  return looks.filter((l) => l.status === 'analysed').sort((a, b) => lookDate(b) - lookDate(a));
}

const slug = (title: string): string =>
  title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48) || 'lookbook';

export interface LookbookExport {
  file: File;
  looks: number;
  /** With face blur: photos where a face was found and blurred, and those where none was found. */
  blurred: number;
  noFace: number;
}

/**
 * Builds the lookbook .zip from the chosen looks. The pack id comes from the name and title, and the version from
 * the time, so a later export with the same title is a newer version of the same lookbook for followers.
 */
export async function buildLookbook(lookIds: string[], meta: { title: string; publisher: string; blurFaces?: boolean }, now = Date.now()): Promise<LookbookExport> {
  const d = await db();
  const looks: LookbookLook[] = [];
  const vectors: Float32Array[] = [];
  const files = new Map<string, Uint8Array>();
  let modelVersion: string | undefined;
  let blurred = 0;
  let noFace = 0;
  for (const id of lookIds) {
    const look = await d.get('looks', id);
    const lookVector = await d.get('vectors', vectorId('look', id));
    if (!look || look.status !== 'analysed' || !lookVector) throw new Error(`the look ${look?.name ?? id} is not analysed yet`);
    modelVersion ??= lookVector.modelVersion;
    if (lookVector.modelVersion !== modelVersion) throw new Error(`the look ${look.name} was analysed by another model version; analyse it again first`);
    const garments = await garmentsOfLook(d, id);
    const garmentVectors = await Promise.all(garments.map((g) => d.get('vectors', vectorId('garment', g.id))));
    const kept = garments.filter((_, i) => garmentVectors[i]?.modelVersion === modelVersion);
    const photo = `${PHOTOS_DIR}${looks.length + 1}.jpg`;
    let photoBlob: Blob = look.photo;
    if (meta.blurFaces) {
      // The main person's face, from the pose keypoints of a fresh analysis of the stored photo.
      const analysis = await vision.analyze(look.photo);
      const heads = analysis.people.map((p) => headBox(p, analysis.width, analysis.height)).filter((b) => b !== null);
      if (heads.length > 0) {
        photoBlob = await blurRegions(look.photo, heads);
        blurred += 1;
      } else noFace += 1;
    }
    files.set(photo, stripJpegMetadata(new Uint8Array(await photoBlob.arrayBuffer())));
    vectors.push(lookVector.vector, ...garmentVectors.filter((v) => v?.modelVersion === modelVersion).map((v) => v!.vector));
    looks.push({
      // A fresh id: the person's own look ids stay on the device.
      id: `look-${looks.length + 1}`,
      caption: look.caption,
      tags: [...look.categories, ...look.colourNames],
      takenAt: new Date(lookDate(look)).toISOString(),
      photo,
      width: look.width,
      height: look.height,
      garments: kept.map((g) => ({ category: g.category, box: g.box, colours: namedColours(g.colours) })),
    });
  }
  if (looks.length === 0 || !modelVersion) throw new Error('choose at least one analysed look');
  files.set(LOOKS_FILE, new TextEncoder().encode(`${JSON.stringify({ looks }, null, 1)}\n`));
  files.set(EMBEDDINGS_FILE, quantise(vectors, EMBEDDING_DIM));
  // Publisher and title: two people's "Spring" lookbooks are two packs, not versions of one.
  const id = `${slug(meta.publisher)}.${slug(meta.title)}`;
  const manifest = await makeManifest(
    { kind: 'lookbook', id, version: Math.floor(now / 1000), title: meta.title.trim(), publisher: meta.publisher.trim(), created: new Date(now).toISOString() },
    { dim: EMBEDDING_DIM, count: vectors.length, modelVersion },
    files,
  );
  const entries: Record<string, Uint8Array> = { [MANIFEST_FILE]: new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`) };
  for (const [path, data] of files) entries[path] = data;
  // The same checks a follower's Mirror will make (a caption with markup, say, is named here, not there).
  await verifyPack(entries[MANIFEST_FILE], async (path) => files.get(path), { dim: EMBEDDING_DIM });
  // Level 0: the JPEGs and int8 vectors barely compress, and storing keeps export instant.
  const zip = zipSync(entries, { level: 0 });
  return { file: new File([zip as Uint8Array<ArrayBuffer>], `${id}.zip`, { type: 'application/zip' }), looks: looks.length, blurred, noFace };
}

/** Exports and hands the .zip over: the share sheet where the browser can share files, else a download. */
export async function exportLookbook(lookIds: string[], meta: { title: string; publisher: string; blurFaces?: boolean }, share: boolean): Promise<boolean> {
  let result: LookbookExport;
  try {
    result = await buildLookbook(lookIds, meta);
  } catch (e) {
    error(`The lookbook could not be made: ${describe(e)}.`);
    return false;
  }
  if (meta.blurFaces) {
    const say = result.noFace > 0 ? error : info;
    say(
      result.noFace > 0
        ? `Faces blurred in ${result.blurred} of ${result.looks} photos; no face was found in ${result.noFace}: check them before sharing.`
        : `Faces blurred in all ${result.looks} photos.`,
    );
  }
  if (share && navigator.canShare?.({ files: [result.file] })) {
    try {
      await navigator.share({ files: [result.file], title: meta.title });
      info(`Shared the lookbook "${meta.title}" (${result.looks} looks).`);
      return true;
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') return false;
      error(`The lookbook could not be shared (${describe(e)}); it is downloaded instead.`);
    }
  }
  const url = URL.createObjectURL(result.file);
  const a = document.createElement('a');
  a.href = url;
  a.download = result.file.name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  info(`Saved the lookbook "${meta.title}" (${result.looks} looks) as ${result.file.name}. Unzip it on any static host and share its address, or share the file.`);
  return true;
}

export const canShareFiles = (): boolean => typeof navigator.canShare === 'function';

// ---------------------------------------------------------------------------------------------------
// Followed lookbooks

export interface FollowedLook {
  key: string;
  pack: PackRecord;
  look: LookbookLook;
  /** Index of the look's own vector in the pack's vectors; its garments' follow it. */
  vectorIndex: number;
}

/** Every look of every followed lookbook, newest first. */
export async function followedLooks(): Promise<FollowedLook[]> {
  const out: FollowedLook[] = [];
  for (const pack of await installedPacks()) {
    if (pack.manifest.kind !== 'lookbook') continue;
    let index = 0;
    for (const look of pack.looks ?? []) {
      out.push({ key: `${pack.id}/${look.id}`, pack, look, vectorIndex: index });
      index += 1 + look.garments.length;
    }
  }
  return out.sort((a, b) => Date.parse(b.look.takenAt) - Date.parse(a.look.takenAt));
}

/** Checks every lookbook followed by address for a newer version. */
export async function refreshFeed(): Promise<void> {
  const packs = (await installedPacks()).filter((p) => p.manifest.kind === 'lookbook' && p.source.type === 'url');
  if (packs.length === 0) info('No lookbook followed by address: nothing to refresh.');
  for (const p of packs) await updatePack(p);
}

const LIKED_KEY = 'feed-liked';

export async function likedLooks(): Promise<Set<string>> {
  const v = await getSetting(await db(), LIKED_KEY);
  return new Set(Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
}

export async function setLiked(key: string, liked: boolean): Promise<Set<string>> {
  const set = await likedLooks();
  if (liked) set.add(key);
  else set.delete(key);
  await setSetting(await db(), LIKED_KEY, [...set]);
  emit('packs-changed', { packIds: [] });
  return set;
}

export interface FollowedMatch {
  item: FollowedLook;
  /** For item matches: which garment of the look. */
  garment?: number;
  score: number;
}

/**
 * Followed looks (kind 'look') or followed garments (kind 'garment') most like one of the person's own
 * stored vectors, by cosine; lookbooks made by another model version are left out.
 */
export async function similarFollowed(ownVectorId: string, kind: 'look' | 'garment', k = 12): Promise<FollowedMatch[]> {
  const own = await (await db()).get('vectors', ownVectorId);
  if (!own) return [];
  let norm = 0;
  for (const x of own.vector) norm += x * x;
  norm = Math.sqrt(norm);
  const matches: FollowedMatch[] = [];
  for (const item of await followedLooks()) {
    const { pack } = item;
    if (pack.manifest.embeddings.modelVersion !== own.modelVersion || pack.manifest.embeddings.dim !== own.vector.length) continue;
    const dim = pack.manifest.embeddings.dim;
    if (kind === 'look') matches.push({ item, score: cosineInt8(own.vector, norm, pack.vectors, item.vectorIndex, dim) });
    else item.look.garments.forEach((_, g) => matches.push({ item, garment: g, score: cosineInt8(own.vector, norm, pack.vectors, item.vectorIndex + 1 + g, dim) }));
  }
  return matches.sort((a, b) => b.score - a.score).slice(0, k);
}
