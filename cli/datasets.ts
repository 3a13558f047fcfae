/** Readers for the two data set formats (see the data README): CCP annotations.json and clothing images.csv. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Box } from '../common/types';

export interface CcpItem {
  label: string;
  box: Box;
  pixels: number;
}
export interface CcpPhoto {
  id: string;
  width: number;
  height: number;
  split: string;
  kind: 'pixel' | 'tags';
  tags?: string[];
  items?: CcpItem[];
}
export interface CcpAnnotations {
  labels: string[];
  photos: CcpPhoto[];
}

export async function readCcp(dir: string): Promise<CcpAnnotations> {
  return JSON.parse(await readFile(join(dir, 'annotations.json'), 'utf8')) as CcpAnnotations;
}

export const ccpPhotoPath = (dir: string, id: string): string => join(dir, 'photos', `${id}.jpg`);

export interface ClothingRow {
  image: string;
  senderId: string;
  label: string;
  kids: boolean;
  split: string;
}

/** Parses images.csv (header `image,sender_id,label,kids,split`; labels have no commas or quotes). */
export async function readClothing(dir: string): Promise<ClothingRow[]> {
  const text = await readFile(join(dir, 'images.csv'), 'utf8');
  const [header, ...lines] = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const cols = header.split(',').map((c) => c.trim());
  const at = (name: string) => {
    const i = cols.indexOf(name);
    if (i < 0) throw new Error(`images.csv has no column "${name}" (columns: ${cols.join(', ')})`);
    return i;
  };
  const [ci, si, li, ki, pi] = ['image', 'sender_id', 'label', 'kids', 'split'].map(at);
  return lines.map((line) => {
    const f = line.split(',');
    return { image: f[ci], senderId: f[si], label: f[li], kids: f[ki] === 'True', split: f[pi] };
  });
}

export const clothingImagePath = (dir: string, image: string): string => join(dir, 'images', `${image}.jpg`);
