/** The garment vocabulary shared by the app, the workers, the CLI and the data sets' mapping. */
export const CATEGORIES = ['top', 'outerwear', 'bottom', 'dress', 'shoes', 'bag', 'hat', 'accessory'] as const;
export type Category = (typeof CATEGORIES)[number];

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}

/**
 * garment-net's ten fine labels (categories.json `clothing_fine_labels`) and the category each belongs to
 * (categories.json `clothing`).
 */
export const FINE_LABEL_CATEGORY: Readonly<Record<string, Category>> = {
  Dress: 'dress',
  Hat: 'hat',
  Longsleeve: 'top',
  Outwear: 'outerwear',
  Pants: 'bottom',
  Shirt: 'top',
  Shoes: 'shoes',
  Shorts: 'bottom',
  Skirt: 'bottom',
  'T-Shirt': 'top',
};
