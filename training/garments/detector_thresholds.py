"""Are the detector's post-processing thresholds what holds it back? Two checks on a trained checkpoint.

  /usr/bin/python3 training/garments/detector_thresholds.py --data ../shared/data/ccp \
      --ckpt .cache/detector/detector-ensemble-acc-pair.pt [--temperatures 1,1.3,1.6,2] [--halvings 3]

The probabilities come from the views cache that detector.py built for the checkpoint's input size (seed 1's plain
views of the train and val photos), through the checkpoint; the thresholds are detector.tune()'s grid.
1. Softened train probabilities: the thresholds tuned on softmax(log p / T) of the train photos (as unsure as new
   photos would be, for T > 1), scored on val (T = 1 is the shipped tuning).
2. Held-out tuning: val split in two halves at random, thresholds tuned on one half and scored on the other, beside
   the train-tuned thresholds scored on the same half.
Prints the mean top-class probability on train and val, then one line per setting (macro recall / precision).
"""
import argparse
import json
import os

import numpy as np

import detector as D


def subset(d, idx):
    return {k: v[idx] for k, v in d.items()}


def score(d, probs, photos, categories, post):
    preds = {photos[int(d['img'][k])]['id']: D.to_photo(D.regions(probs[k].astype(np.float32), post), d['geom'][k])
             for k in range(len(probs))}
    return D.score([photos[int(i)] for i in d['img']], preds, categories)['macro']


def soften(p, t):
    logits = np.log(np.maximum(p.astype(np.float32), 1e-6)) / t
    e = np.exp(logits - logits.max(1, keepdims=True))
    return (e / e.sum(1, keepdims=True)).astype(np.float16)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--ckpt', required=True)
    ap.add_argument('--temperatures', default='1,1.3,1.6,2')
    ap.add_argument('--halvings', type=int, default=3)
    args = ap.parse_args()
    categories = json.load(open(os.path.join(os.path.dirname(os.path.abspath(args.data)), 'categories.json')))
    _, val_photos = D.pixel_photos(args.data, 'val')
    _, train_photos = D.pixel_photos(args.data, 'train')
    model, _ = D.load_detector(args.ckpt)
    train, val = D.plain_views('train'), D.plain_views('val')
    p_train, p_val = D.predict(model, train), D.predict(model, val)
    conf = lambda p, d: float(p.astype(np.float32).max(1)[d['lab'] != D.IGNORE].mean())
    print(f'mean top-class probability on labelled cells: train {conf(p_train, train):.3f}, val {conf(p_val, val):.3f}')
    shipped = None
    for t in (float(x) for x in args.temperatures.split(',')):
        post = D.tune(model, train, train_photos, categories, probs=soften(p_train, t))
        shipped = post if t == 1 else shipped
        print(f'thresholds tuned on train probabilities softened by T = {t}: val {score(val, p_val, val_photos, categories, post)}')
    shipped = shipped or D.tune(model, train, train_photos, categories, probs=p_train)
    rng = np.random.default_rng(0)
    for rep in range(args.halvings):
        perm = rng.permutation(len(p_val))
        halves = (np.sort(perm[:len(perm) // 2]), np.sort(perm[len(perm) // 2:]))
        for a, b in (halves, halves[::-1]):
            post = D.tune(model, subset(val, a), val_photos, categories, probs=p_val[a])
            vb = subset(val, b)
            print(f'halving {rep}: on the other half, train-tuned {score(vb, p_val[b], val_photos, categories, shipped)}, '
                  f'tuned on this half {score(vb, p_val[b], val_photos, categories, post)}')


if __name__ == '__main__':
    main()
