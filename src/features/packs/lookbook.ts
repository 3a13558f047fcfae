/**
 * Lookbooks: the person's chosen looks exported as a pack of kind "lookbook" (docs/packs.md) in one .zip,
 * to download or share; and the looks of followed lookbooks, for the Feed and the similar-looks search.
 * Shared photos are the stored, already re-encoded JPEGs with every metadata segment stripped again
 * (stripJpegMetadata), so no EXIF, GPS or XMP can leave with them.
 */
import { zipSync } from 'fflate';
import { recordId, type LookRecord } from '../../../common/db-schema';
import { stripJpegMetadata } from '../../../common/jpeg-strip';
import { namedColours } from '../../../common/look-summary';
import { EMBEDDINGS_FILE, LOOKS_FILE, MANIFEST_FILE, PHOTOS_DIR, makeManifest, packHistogram, quantise, verifyPack, type LookbookLook } from '../../../common/pack-format';
import { db } from '../../db/connection';
import { garmentsOfLook, getGarment, getSetting, listLooks, setSetting } from '../../db/looks';
import { describe, emit, error, info } from '../../services/messages.svelte';
import { modelUpdateState } from '../../services/model-update.svelte';
import { lookDate } from '../collection/filter';
import { handOver } from '../share/hand-over';
import { withFacesBlurred } from '../share/share-look';
import { LookbookNotReady, lookbookEntries, matchFollowed, type FollowedLook, type FollowedMatch, type FollowedSearch } from './pack-vectors';
import { currentModel, installedPacks, updatePack } from './pack-service';

export type { FollowedLook, FollowedMatch, FollowedSearch } from './pack-vectors';

export interface ShareableLook {
  look: LookRecord;
  /** Its vectors are still of an older model (the model update has not reached it): it cannot be exported yet. */
  updating: boolean;
}

/** Analysed looks the person can put in a lookbook, newest first. */
export async function shareableLooks(): Promise<ShareableLook[]> {
  const looks = (await listLooks(await db())).filter((l) => l.status === 'analysed').sort((a, b) => lookDate(b) - lookDate(a));
  // Only asked when there are looks: knowing the version may start the vision worker.
  const { modelVersion } = looks.length > 0 ? await currentModel() : { modelVersion: '' };
  return looks.map((look) => ({ look, updating: look.modelVersion !== modelVersion }));
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
  const model = await currentModel();
  // Only vectors of the current model and size go out: a look still waiting for its re-embedding is named.
  const entries = await lookbookEntries(await db(), lookIds, model, modelUpdateState.running);
  const looks: LookbookLook[] = [];
  const vectors: Float32Array[] = [];
  const files = new Map<string, Uint8Array>();
  let blurred = 0;
  let noFace = 0;
  for (const { look, garments, vectors: lookVectors } of entries) {
    const photo = `${PHOTOS_DIR}${looks.length + 1}.jpg`;
    let photoBlob: Blob = look.photo;
    if (meta.blurFaces) {
      // The faces, from the pose keypoints of the stored photo.
      const faces = await withFacesBlurred(look);
      if (faces) {
        photoBlob = faces;
        blurred += 1;
      } else noFace += 1;
    }
    files.set(photo, stripJpegMetadata(new Uint8Array(await photoBlob.arrayBuffer())));
    vectors.push(...lookVectors);
    looks.push({
      // A fresh id: the person's own look ids stay on the device.
      id: `look-${looks.length + 1}`,
      caption: look.caption,
      tags: [...look.categories, ...look.colourNames],
      takenAt: new Date(lookDate(look)).toISOString(),
      photo,
      width: look.width,
      height: look.height,
      garments: garments.map((g) => ({ category: g.category, box: g.box, colours: namedColours(g.colours), histogram: packHistogram(g.histogram) })),
    });
  }
  files.set(LOOKS_FILE, new TextEncoder().encode(`${JSON.stringify({ looks }, null, 1)}\n`));
  files.set(EMBEDDINGS_FILE, quantise(vectors, model.dim));
  // Publisher and title: two people's "Spring" lookbooks are two packs, not versions of one.
  const id = `${slug(meta.publisher)}.${slug(meta.title)}`;
  const manifest = await makeManifest(
    { kind: 'lookbook', id, version: Math.floor(now / 1000), title: meta.title.trim(), publisher: meta.publisher.trim(), created: new Date(now).toISOString() },
    { dim: model.dim, count: vectors.length, modelVersion: model.modelVersion },
    files,
  );
  const zipEntries: Record<string, Uint8Array> = { [MANIFEST_FILE]: new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`) };
  for (const [path, data] of files) zipEntries[path] = data;
  // The same checks a follower's Mirror will make (a caption with markup, say, is named here, not there).
  await verifyPack(zipEntries[MANIFEST_FILE], async (path) => files.get(path), { dim: model.dim });
  // Level 0: the JPEGs and int8 vectors barely compress, and storing keeps export instant.
  const zip = zipSync(zipEntries, { level: 0 });
  return { file: new File([zip as Uint8Array<ArrayBuffer>], `${id}.zip`, { type: 'application/zip' }), looks: looks.length, blurred, noFace };
}

/** Exports and hands the .zip over: the share sheet where the browser can share files, else a download. */
export async function exportLookbook(lookIds: string[], meta: { title: string; publisher: string; blurFaces?: boolean }, share: boolean): Promise<boolean> {
  let result: LookbookExport;
  try {
    result = await buildLookbook(lookIds, meta);
  } catch (e) {
    // A look not ready is said as such; anything else is unexpected, and still said in a sentence.
    error(e instanceof LookbookNotReady ? `The lookbook was not made: ${e.message}.` : `The lookbook could not be made: ${describe(e)}.`);
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
  const handed = await handOver(result.file, { share, title: meta.title });
  if (handed.via === 'cancelled') return false;
  if (handed.via === 'share') {
    info(`Shared the lookbook "${meta.title}" (${result.looks} looks).`);
    return true;
  }
  if (handed.shareError) error(`The lookbook could not be shared (${handed.shareError}); it is downloaded instead.`);
  info(`Saved the lookbook "${meta.title}" (${result.looks} looks) as ${result.file.name}. Unzip it on any static host and share its address, or share the file.`);
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Followed lookbooks

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

/**
 * Followed looks (kind 'look') or followed garments (kind 'garment', those of the own garment's category, scored
 * with the colours as Similar items) most like one of the person's own stored vectors, with the followed lookbooks left
 * out because they were made with another model version, and whether the person's own vector is still waiting
 * for its re-embedding.
 */
export async function searchFollowed(ownVectorId: string, kind: 'look' | 'garment', k = 12): Promise<FollowedSearch> {
  const d = await db();
  const own = await d.get('vectors', ownVectorId);
  if (!own) return { matches: [], skipped: [], updating: false };
  const followed = await followedLooks();
  if (followed.length === 0) return { matches: [], skipped: [], updating: false };
  const source =
    kind === 'garment' ? { garment: await getGarment(d, recordId(ownVectorId)) } : { lookGarments: await garmentsOfLook(d, own.lookId) };
  return matchFollowed(own, followed, kind, await currentModel(), k, source);
}
