/** Access to ../shared/data for tests that need real photos; they skip, saying why, when it is absent. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SHARED_DATA = resolve(process.env.MIRROR_DATA ?? join(process.cwd(), '..', 'shared', 'data'));
export const CCP = join(SHARED_DATA, 'ccp');
export const HAS_CCP = existsSync(join(CCP, 'annotations.json'));
export const NO_CCP_REASON = `real photos need ${CCP} (../shared/data/ccp), which is absent here`;

interface CcpPhoto {
  id: string;
  split: string;
  kind: string;
  items?: { label: string; box: [number, number, number, number] }[];
}

/** Paths of the first n photos of a split, in id order. */
export function ccpPhotoPaths(n: number, split = 'val'): string[] {
  const ann = JSON.parse(readFileSync(join(CCP, 'annotations.json'), 'utf8')) as { photos: CcpPhoto[] };
  return ann.photos
    .filter((p) => p.split === split)
    .slice(0, n)
    .map((p) => join(CCP, 'photos', `${p.id}.jpg`));
}
