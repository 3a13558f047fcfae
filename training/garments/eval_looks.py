"""Look vectors against a colour histogram: do a look's nearest neighbours share its garments?

  npm run --silent cli -- embed --data ../shared/data/ccp --split val --out .cache/looks-val.json
  /usr/bin/python3 training/garments/eval_looks.py --data ../shared/data/ccp --split val --vectors .cache/looks-val.json

For every photo of the split, its k nearest neighbours among the other photos of the split (cosine similarity),
once by the app's look vectors and once by a colour histogram of the photo (8 x 8 x 8 RGB bins, L1-normalised,
cosine); the score is the mean number of garment tags (CCP labels that are garments, e.g. "jeans", "blazer")
a photo shares with each neighbour, and the same for the categories the tags map to. Random neighbours are
printed as the floor.
"""
import argparse
import json
import os

import numpy as np
from PIL import Image


def histogram(path, bins=8):
    with Image.open(path) as im:
        px = np.asarray(im.convert('RGB').resize((128, 192)), dtype=np.int64) * bins // 256
    idx = (px[..., 0] * bins + px[..., 1]) * bins + px[..., 2]
    h = np.bincount(idx.ravel(), minlength=bins ** 3).astype(np.float64)
    return h / h.sum()


def shared(neighbours, sets):
    return float(np.mean([np.mean([len(sets[i] & sets[j]) for j in nn]) for i, nn in enumerate(neighbours)]))


def knn(vectors, k):
    v = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    sim = v @ v.T
    np.fill_diagonal(sim, -np.inf)
    return np.argsort(-sim, axis=1)[:, :k]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--split', required=True)
    ap.add_argument('--vectors', required=True, help='the output of `cli embed` on the same split')
    ap.add_argument('--k', type=int, default=10)
    ap.add_argument('--categories', help='default: categories.json beside --data')
    a = ap.parse_args()
    ann = json.load(open(os.path.join(a.data, 'annotations.json')))
    cats = json.load(open(a.categories or os.path.join(os.path.dirname(os.path.abspath(a.data)), 'categories.json')))
    label_cat = {l: c for c, ls in cats['ccp'].items() if c not in ('ignored', 'not_garment') for l in ls}
    vectors = json.load(open(a.vectors))['vectors']
    photos = [p for p in ann['photos'] if p['split'] == a.split and p['id'] in vectors]
    tags = [set(t for t in p['tags'] if t in label_cat) for p in photos]
    groups = [set(label_cat[t] for t in s) for s in tags]
    look = np.array([vectors[p['id']] for p in photos], dtype=np.float64)
    hist = np.array([histogram(os.path.join(a.data, 'photos', f"{p['id']}.jpg")) for p in photos])
    rng = np.random.default_rng(1)
    rand = np.array([rng.choice([j for j in range(len(photos)) if j != i], a.k, replace=False) for i in range(len(photos))])
    rows = {'look vectors': knn(look, a.k), 'colour histogram': knn(hist, a.k), 'random': rand}
    print(f'{len(photos)} photos of {a.split}, {a.k} neighbours each: mean garment tags / categories shared with a neighbour')
    out = {}
    for name, nn in rows.items():
        out[name] = {'tags': round(shared(nn, tags), 3), 'categories': round(shared(nn, groups), 3)}
        print(f'  {name:17s} tags {out[name]["tags"]:.3f}  categories {out[name]["categories"]:.3f}')
    return out


if __name__ == '__main__':
    main()
