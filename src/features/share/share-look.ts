/**
 * Sharing one look's photo with another app (a post, a message) or saving it: the stored photo, already re-encoded
 * without EXIF, with every metadata segment stripped again (stripJpegMetadata), and the faces blurred when the person
 * asks. The share sheet or a download hands it over (hand-over.ts); nothing is uploaded by Mirror.
 */
import type { LookRecord } from '../../../common/db-schema';
import { stripJpegMetadata } from '../../../common/jpeg-strip';
import { vision } from '../../services/vision';
import { lookDate } from '../collection/filter';
import { dayStamp } from '../../ui/format';
import { blurRegions, headBox } from '../packs/face-blur';
import { handOver, type HandedOver } from './hand-over';

/** The photo with every face the pose model finds blurred, or null when it finds none. */
export async function withFacesBlurred(look: Pick<LookRecord, 'photo' | 'width' | 'height'>): Promise<Blob | null> {
  const people = await vision.people(look.photo);
  const heads = people.map((p) => headBox(p, look.width, look.height)).filter((b) => b !== null);
  return heads.length > 0 ? blurRegions(look.photo, heads) : null;
}

/** mirror-look-2026-12-05.jpg, by the day the look was worn. */
export const sharedPhotoName = (look: Pick<LookRecord, 'takenAt' | 'addedAt'>): string => `mirror-look-${dayStamp(lookDate(look))}.jpg`;

export type SharedPhoto = HandedOver & { name: string; blurred: boolean } | { via: 'no-face' };

/**
 * Shares (or, where the browser cannot share files or `share` is false, downloads) the look's photo. With
 * `blurFaces`, a photo where no face is found is not handed over at all: the person decides again.
 */
export async function shareLookPhoto(look: LookRecord, opts: { blurFaces: boolean; share: boolean }): Promise<SharedPhoto> {
  let photo: Blob = look.photo;
  if (opts.blurFaces) {
    const blurred = await withFacesBlurred(look);
    if (!blurred) return { via: 'no-face' };
    photo = blurred;
  }
  const bytes = stripJpegMetadata(new Uint8Array(await photo.arrayBuffer()));
  const name = sharedPhotoName(look);
  const file = new File([bytes as Uint8Array<ArrayBuffer>], name, { type: 'image/jpeg' });
  return { ...(await handOver(file, { share: opts.share, text: look.caption.trim() || undefined })), name, blurred: opts.blurFaces };
}
