import { describe, expect, it } from 'vitest';
import { href, parseRoute } from './router';

describe('parseRoute', () => {
  it('maps each hash to its view', () => {
    expect(parseRoute('')).toEqual({ name: 'collection' });
    expect(parseRoute('#/')).toEqual({ name: 'collection' });
    expect(parseRoute('#/settings')).toEqual({ name: 'settings' });
    expect(parseRoute('#/packs')).toEqual({ name: 'packs' });
    expect(parseRoute('#/feed')).toEqual({ name: 'feed' });
    expect(parseRoute('#/wardrobe')).toEqual({ name: 'wardrobe' });
    expect(parseRoute('#/look/abc')).toEqual({ name: 'look', lookId: 'abc' });
    expect(parseRoute('#/look/abc/similar')).toEqual({ name: 'similar-looks', lookId: 'abc' });
    expect(parseRoute('#/garment/g1/similar')).toEqual({ name: 'similar-items', garmentId: 'g1' });
    expect(parseRoute('#/nowhere')).toEqual({ name: 'not-found', path: '/nowhere' });
  });

  it('round-trips the links it builds', () => {
    expect(parseRoute(href.look('a b'))).toEqual({ name: 'look', lookId: 'a b' });
    expect(parseRoute(href.similarItems('x/y'))).toEqual({ name: 'similar-items', garmentId: 'x/y' });
  });
});
