"""Where the garment detector's box metric loses: per category, how the photos where it is present split by the IoU
of the predicted union box (none predicted, < 0.3, 0.3-0.5, a hit), and in how many photos without it one is predicted.
For the categories outside the box metric (hat, accessory), how the model sees their labelled cells: their mean
probability there, and which class is the most likely one on them.

  /usr/bin/python3 training/garments/detector_errors.py --data ../shared/data/ccp [--ckpt .cache/detector/detector-seed1.pt]
      [--split val|train] [--tune-here] [--seed N] [--stored]

Then, per CCP label of a garment category (seen in at least 3 photos), how the model labels its cells: the share
given its own category's class and the three most likely classes. This is where categories.json and the photos
disagree: a label the model cannot give its own class even on the train photos it learned from.

Uses the cached views of detector.py (the plain view of each photo) and the thresholds in the checkpoint's metrics
(--metrics, default the metrics.json beside it). --tune-here tunes the thresholds on the photos being scored: on `val`
a diagnostic upper bound of what threshold tuning alone can give, never a figure to report as the model's.
"""
import argparse
import json
import os

import numpy as np
import torch
from PIL import Image

import detector as D


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--ckpt', default=os.path.join(D.CACHE, 'detector-seed1.pt'))
    ap.add_argument('--metrics', help='default: metrics{tag}.json of the checkpoint')
    ap.add_argument('--split', default='val', choices=['val', 'train'])
    ap.add_argument('--tune-here', action='store_true')
    ap.add_argument('--seed', type=int, help="whose views cache (default the checkpoint's seed)")
    ap.add_argument('--oracle-label', help='a CCP label: also score as if, on every photo with it, its category were found '
                    'exactly and no category the photo lacks were predicted (what getting that label right could give at most)')
    ap.add_argument('--stored', action='store_true', help='weights rounded as export_detector.py stores them (what the app runs)')
    a = ap.parse_args()
    torch.set_num_threads(2)
    model, s = D.load_detector(a.ckpt)
    if a.stored:
        D.round_as_stored(model)
    categories = json.load(open(os.path.join(os.path.dirname(os.path.abspath(a.data)), 'categories.json')))
    _, photos = D.pixel_photos(a.data, a.split)
    d = D.plain_views(a.split, s['args'].get('views', 3), a.seed or s['args'].get('seed', 1), s['args'].get('frozen', D.LOW))
    if a.tune_here:
        post = D.tune(model, d, photos, categories)
    else:
        post = D.tuned_post(a.ckpt, a.metrics)
    m, probs = D.evaluate(model, d, photos, categories, post)
    label_cat = D.label_categories(categories)
    preds = [D.to_photo(D.regions(probs[k], post), d['geom'][k]) for k in range(len(probs))]
    print(f'{a.split}: macro recall {m["macro"]["recall"]:.4f} precision {m["macro"]["precision"]:.4f}, pixel accuracy {m["pixel_accuracy"]:.4f}'
          + (' (thresholds tuned on these photos)' if a.tune_here else ''))
    print('category   present  none  <0.3  0.3-0.5  hit  | predicted where absent')
    for c in D.SCORED:
        ious, absent = [], 0
        for k in range(len(probs)):
            t = D.truth(photos[int(d['img'][k])], c, label_cat)
            pb = D.union([b for cc, b, _ in preds[k] if cc == c])
            if not t:
                absent += t is False and pb is not None
                continue
            ious.append(-1 if pb is None else D.iou(t, pb))
        v = np.array(ious)
        print(f'{c:10s} {len(v):7d} {int((v < 0).sum()):5d} {int(((v >= 0) & (v < .3)).sum()):5d} '
              f'{int(((v >= .3) & (v < .5)).sum()):8d} {int((v >= .5).sum()):4d}  | {absent}')
    best = probs.argmax(1)
    for c in (g for g in D.GARMENTS if g not in D.SCORED):
        ci = D.CLASSES.index(c)
        on = d['lab'] == ci
        if not on.any():
            continue
        p = probs[:, ci].astype(np.float32)
        wins = np.bincount(best[on], minlength=len(D.CLASSES)) / on.sum()
        print(f'{c}: {int(on.sum())} labelled cells, mean probability there {p[on].mean():.3f}; most likely class there: '
              + ', '.join(f'{D.CLASSES[i]} {wins[i]:.2f}' for i in np.argsort(-wins)[:4])
              + f'; cells elsewhere with probability >= 0.1: {int(((p >= 0.1) & ~on).sum())} (on its cells: {int(((p >= 0.1) & on).sum())})')
    label_classes(a.data, d, photos, best, categories)
    if a.oracle_label:
        oracle(a.oracle_label, d, photos, preds, categories, label_cat)


def oracle(label, d, photos, preds, categories, label_cat):
    """The macro figures again with the photos that have `label` scored as if the model had got them right: the
    truth box for the label's category, and no prediction of a category the photo lacks."""
    category = next(c for c, ls in categories['ccp'].items() if label in ls)
    fixed, n = {}, 0
    for k in range(len(preds)):
        ph = photos[int(d['img'][k])]
        items = preds[k]
        if any(i['label'] == label for i in ph['items']):
            n += 1
            items = [x for x in items if x[0] != category and D.truth(ph, x[0], label_cat) is not False]
            t = D.truth(ph, category, label_cat)
            if t:
                items.append((category, list(t), 1.0))
        fixed[ph['id']] = items
    m = D.score([photos[i] for i in sorted(set(d['img'].tolist()))], fixed, categories)
    print(f'with the {n} photos with a {label!r} ({category}) right: macro recall {m["macro"]["recall"]:.4f} precision '
          f'{m["macro"]["precision"]:.4f}; {category} {m[category]["recall"]:.4f} / {m[category]["precision"]:.4f}')


def label_classes(data, d, photos, best, categories):
    """Per CCP label of a garment category: in how many photos, the share of its cells (stride 4, plain views) whose
    most likely class is its category's, and the three most likely classes there."""
    with open(os.path.join(data, 'annotations.json')) as f:
        names = json.load(f)['labels']
    category = {l: c for c, ls in categories['ccp'].items() if c in D.GARMENTS for l in ls}
    seen = {}
    for k in range(len(best)):
        ph = photos[int(d['img'][k])]
        mask = np.asarray(Image.open(os.path.join(data, 'masks', f"{ph['id']}.png")))
        ox, oy, s = d['geom'][k]
        lab = D.letterbox_labels(mask, (int(ox), int(oy), s, round(mask.shape[1] * s), round(mask.shape[0] * s)))
        for li in np.unique(lab):
            if names[li] not in category:
                continue
            entry = seen.setdefault(names[li], [0, np.zeros(len(D.CLASSES))])
            entry[0] += 1
            entry[1] += np.bincount(best[k][lab == li], minlength=len(D.CLASSES))
    print('CCP label    category   photos  own class | most likely classes on its cells')
    for name, (n, wins) in sorted(seen.items(), key=lambda kv: -kv[1][0]):
        if n < 3:
            continue
        share = wins / wins.sum()
        own = share[D.CLASSES.index(category[name])]
        print(f'{name:12s} {category[name]:10s} {n:6d}  {own:9.2f} | '
              + ', '.join(f'{D.CLASSES[i]} {share[i]:.2f}' for i in np.argsort(-share)[:3]))


if __name__ == '__main__':
    main()
