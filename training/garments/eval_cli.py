"""Scores the CLI's output (tfjs WASM, the shipped float16 model) on a clothing split.

  npm run --silent cli -- classify --data ../shared/data/clothing --split val --out .cache/garments/val-labels.json \
      --vectors .cache/garments/val-vectors.json
  /usr/bin/python3 training/garments/eval_cli.py --data ../shared/data/clothing --split val \
      --labels .cache/garments/val-labels.json --vectors .cache/garments/val-vectors.json
Accuracy over the images whose label is one of the ten fine labels; precision@10 of cosine neighbours of
the same fine label among those images (the same definitions as train.py).
"""
import argparse
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
    a = ap.parse_args()
    labels = fine_labels(os.path.join(os.path.dirname(os.path.abspath(a.data)), 'categories.json'))
    rows = [(u, y) for u, y in clothing_rows(a.data, a.split, labels) if y >= 0]
    pred = json.load(open(a.labels))['labels']
    scored = [(labels[y], pred[u]) for u, y in rows if u in pred]
    out = {'n': len(scored), 'accuracy': round(float(np.mean([t == p for t, p in scored])), 4)}
    if a.vectors:
        vec = json.load(open(a.vectors))['vectors']
        keep = [(u, y) for u, y in rows if u in vec]
        v = np.array([vec[u] for u, _ in keep], np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True) + 1e-12
        y = np.array([y for _, y in keep])
        sim = v @ v.T
        np.fill_diagonal(sim, -2)
        nn = np.argsort(-sim, axis=1)[:, :10]
        out['precision_at_10'] = round(float((y[nn] == y[:, None]).mean()), 4)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
