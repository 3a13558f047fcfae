"""Similar items on CCP garments: garment-net's cosine alone against the app's score with the colour histograms
(common/colour-similarity.ts: (cosine + w^2 affinity) / (1 + w^2), affinity the Bhattacharyya coefficient of
the two colour histograms).

  /usr/bin/python3 training/garments/eval_similar_items.py [--cache .cache/outfit-features] [--split train]

Reads the outfit feature cache (`npm run train -- outfits ...` builds it: every CCP garment's garment-net vector of its
mask crop, as the app embeds it, and the colour histogram of its pixels). For each garment, its 10 nearest garments of
other photos: how often they have its category and its CCP label (finer: "blazer", "jeans"), their mean colour
affinity to it, and how many of them are among garment-net's SHORTLIST nearest (what the index hands the page to
score again); then the same among the garments of its own category only (the app's Similar items; here the annotated
category, in the app the detector's or the person's).
"""
import argparse
import json
import os

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cache', default=os.path.join(ROOT, '.cache', 'outfit-features'))
    ap.add_argument('--split', default='train')
    ap.add_argument('--weights', default='0,0.2,0.3,0.4,0.5')
    ap.add_argument('--shortlist', type=int, default=200)
    a = ap.parse_args()
    index = json.load(open(os.path.join(a.cache, 'index.json')))
    vectors = np.fromfile(os.path.join(a.cache, 'features.bin'), np.float32).reshape(-1, index['dim'])
    items = [it for it in index['items'] if it['split'] == a.split]
    x = vectors[[it['maskRow'] for it in items]]
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    h = np.sqrt(np.array([it['maskHistogram'] for it in items], np.float32))
    h /= np.maximum(np.linalg.norm(h, axis=1, keepdims=True), 1e-12)
    cats = np.array([it['category'] for it in items])
    photos = np.array([it['photo'] for it in items])
    same_photo = photos[:, None] == photos[None, :]
    cosine = x @ x.T
    cosine[same_photo] = -9
    affinity = h @ h.T
    near = np.argsort(-cosine, 1)[:, :a.shortlist]
    others = [(cats == cats[i]) & ~same_photo[i] for i in range(len(items))]
    print(f'{a.split}: {len(items)} garments of {len(set(photos))} photos; colour affinity of a random garment of the same '
          f'category from another photo: {np.mean([affinity[i, others[i]].mean() for i in range(len(items))]):.3f}')
    labels = np.array([it['label'] for it in items])
    same_category = cats[:, None] == cats[None, :]
    for own_category in (False, True):
        for w in (float(s) for s in a.weights.split(',')):
            score = (cosine + w * w * affinity) / (1 + w * w)
            score[same_photo] = -9
            if own_category:  # the app's Similar items: the garment's own category only
                score[~same_category] -= 10
            top = np.argsort(-score, 1)[:, :10]
            category = (cats[top] == cats[:, None]).mean()
            label = (labels[top] == labels[:, None]).mean()
            colour = np.mean([affinity[i, top[i]].mean() for i in range(len(items))])
            kept = np.mean([len(set(top[i]) & set(near[i])) / 10 for i in range(len(items))])
            print(f'  {"own category, " if own_category else ""}w = {w}: 10 nearest of the same category {category:.3f}, '
                  f'of the same CCP label {label:.3f}, colour affinity {colour:.3f}, among garment-net\'s {a.shortlist} nearest {kept:.3f}')


if __name__ == '__main__':
    main()
