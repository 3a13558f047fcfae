/**
 * Garment types: garment-net's ten fine labels and the category each fits (common/categories.ts
 * FINE_LABEL_CATEGORY, from categories.json), and how a garment is named in the UI ("top · t-shirt").
 */
import { FINE_LABEL_CATEGORY, type Category } from '../../../common/categories';
import type { GarmentTypeGuess } from '../../../common/types';

export type GarmentTypeLabel = 'Dress' | 'Hat' | 'Longsleeve' | 'Outwear' | 'Pants' | 'Shirt' | 'Shoes' | 'Shorts' | 'Skirt' | 'T-Shirt';

/** Words shown for each label, in the same lower case as the categories. */
const NAMES: Record<GarmentTypeLabel, string> = {
  Dress: 'dress',
  Hat: 'hat',
  Longsleeve: 'long sleeve',
  Outwear: 'outerwear',
  Pants: 'trousers',
  Shirt: 'shirt',
  Shoes: 'shoes',
  Shorts: 'shorts',
  Skirt: 'skirt',
  'T-Shirt': 't-shirt',
};

export function isGarmentType(label: unknown): label is GarmentTypeLabel {
  return typeof label === 'string' && Object.hasOwn(NAMES, label) && Object.hasOwn(FINE_LABEL_CATEGORY, label);
}

/** The fine labels that fit a category, in garment-net's order ([] for bag and accessory). */
export function typesOf(category: Category): GarmentTypeLabel[] {
  return Object.keys(FINE_LABEL_CATEGORY).filter((label): label is GarmentTypeLabel => isGarmentType(label) && FINE_LABEL_CATEGORY[label] === category);
}

/** True when the type is one of the category's (a type kept after the category changes must still fit it). */
export function typeFits(type: GarmentTypeGuess | undefined, category: Category): boolean {
  return type !== undefined && isGarmentType(type.label) && FINE_LABEL_CATEGORY[type.label] === category;
}

/** The words for a type label ("T-Shirt" -> "t-shirt"); an unknown label is shown lower-cased. */
export function typeName(label: string): string {
  return isGarmentType(label) ? NAMES[label] : label.toLowerCase();
}

/**
 * A category worth refining: it has more than one type. For the others (dress, hat, outerwear, shoes) the
 * type says nothing the category does not, so it is neither shown nor offered for correction.
 */
export const hasTypeChoice = (category: Category): boolean => typesOf(category).length > 1;

/** How a garment is named wherever it is labelled: "top · t-shirt", or the category alone. */
export function garmentLabel(garment: { category: Category; type?: GarmentTypeGuess }): string {
  const { category, type } = garment;
  return hasTypeChoice(category) && typeFits(type, category) ? `${category} · ${typeName(type!.label)}` : category;
}
