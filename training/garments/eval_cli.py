"""Scores the CLI's output (tfjs WASM, the shipped float16 model) on a clothing split.

  npm run --silent cli -- classify --data ../shared/data/clothing --split val --out .cache/garments/val-labels.json \
      --vectors .cache/garments/val-vectors.json
  /usr/bin/python3 training/garments/eval_cli.py --data ../shared/data/clothing --split val \
      --labels .cache/garments/val-labels.json --vectors .cache/garments/val-vectors.json
Accuracy over the images whose label is one of the ten fine labels; precision@10 of cosine neighbours of
the same fine label among those images (the same definitions as train.py). With --bootstrap N, also the middle 95 % of
both over N draws of the split's contributors with replacement (each with all their images; the neighbours stay those
found among all the images): the splits are by contributor, so a held-out split is another draw of contributors.
"""
import argparse
import csv
import json
import os

import numpy as np

from data import clothing_rows, fine_labels


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--split', default='val')
    ap.add_argument('--labels', required=True)
    ap.add_argument('--vectors')
    ap.add_argument('--bootstrap', type=int, default=0, help='draws of contributors for a 95 %% interval (0: none)')
    a = ap.parse_args()
    labels = fine_labels(os.path.join(os.path.dirname(os.path.abspath(a.data)), 'categories.json'))
    rows = [(u, y) for u, y in clothing_rows(a.data, a.split, labels) if y >= 0]
    pred = json.load(open(a.labels))['labels']
    scored = [(u, labels[y], pred[u]) for u, y in rows if u in pred]
    right = {u: t == p for u, t, p in scored}
    out = {'n': len(scored), 'accuracy': round(float(np.mean(list(right.values()))), 4)}
    per_image = {'accuracy': right}
    if a.vectors:
        vec = json.load(open(a.vectors))['vectors']
        keep = [(u, y) for u, y in rows if u in vec]
        v = np.array([vec[u] for u, _ in keep], np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True) + 1e-12
        y = np.array([y for _, y in keep])
        sim = v @ v.T
        np.fill_diagonal(sim, -2)
        nn = np.argsort(-sim, axis=1)[:, :10]
        p10 = (y[nn] == y[:, None]).mean(1)
        out['precision_at_10'] = round(float(p10.mean()), 4)
        per_image['precision_at_10'] = {u: float(p) for (u, _), p in zip(keep, p10)}
    if a.bootstrap:
        with open(os.path.join(a.data, 'images.csv')) as f:
            sender = {r['image']: r['sender_id'] for r in csv.DictReader(f)}
        for name, values in per_image.items():
            by = {}
            for u, v in values.items():
                by.setdefault(sender[u], []).append(v)
            groups = [np.array(v, np.float64) for v in by.values()]
            rng = np.random.default_rng(1)
            draws = []
            for _ in range(a.bootstrap):
                pick = rng.integers(0, len(groups), len(groups))
                draws.append(np.concatenate([groups[i] for i in pick]).mean())
            lo, hi = np.percentile(draws, [2.5, 97.5])
            out[f'{name}_95'] = [round(float(lo), 4), round(float(hi), 4)]
            out[f'{name}_contributors'] = len(groups)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
