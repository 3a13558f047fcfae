/** Hash routing, so a reload keeps the view and nothing needs a server. */

export type Route =
  | { name: 'collection' }
  | { name: 'look'; lookId: string }
  | { name: 'similar-looks'; lookId: string }
  | { name: 'similar-items'; garmentId: string }
  | { name: 'settings' }
  | { name: 'packs' }
  | { name: 'feed' }
  | { name: 'wardrobe' }
  | { name: 'dress-me' }
  | { name: 'complete-look'; garmentId: string }
  | { name: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { name: 'collection' };
  if (parts[0] === 'settings' && parts.length === 1) return { name: 'settings' };
  if (parts[0] === 'packs' && parts.length === 1) return { name: 'packs' };
  if (parts[0] === 'feed' && parts.length === 1) return { name: 'feed' };
  if (parts[0] === 'wardrobe' && parts.length === 1) return { name: 'wardrobe' };
  if (parts[0] === 'dress-me' && parts.length === 1) return { name: 'dress-me' };
  if (parts[0] === 'look' && parts.length === 2) return { name: 'look', lookId: parts[1] };
  if (parts[0] === 'look' && parts.length === 3 && parts[2] === 'similar') {
    return { name: 'similar-looks', lookId: parts[1] };
  }
  if (parts[0] === 'garment' && parts.length === 3 && parts[2] === 'similar') {
    return { name: 'similar-items', garmentId: parts[1] };
  }
  if (parts[0] === 'garment' && parts.length === 3 && parts[2] === 'complete') {
    return { name: 'complete-look', garmentId: parts[1] };
  }
  return { name: 'not-found', path };
}

export const href = {
  collection: (): string => '#/',
  look: (lookId: string): string => `#/look/${encodeURIComponent(lookId)}`,
  similarLooks: (lookId: string): string => `#/look/${encodeURIComponent(lookId)}/similar`,
  similarItems: (garmentId: string): string => `#/garment/${encodeURIComponent(garmentId)}/similar`,
  settings: (): string => '#/settings',
  packs: (): string => '#/packs',
  feed: (): string => '#/feed',
  wardrobe: (): string => '#/wardrobe',
  dressMe: (): string => '#/dress-me',
  completeLook: (garmentId: string): string => `#/garment/${encodeURIComponent(garmentId)}/complete`,
};
