"""Would garment-net's type, overruling the detector's category, help the box metric? A check on val, not a shipped step.

  /usr/bin/python3 training/garments/detector_vote.py --data ../shared/data/ccp \
      --ckpt .cache/detector/detector-ensemble-acc-pair.pt --garments .cache/garments/ckpt-seed1-ccp-e24.pt [--taus 0.5,0.7,0.9]

Every garment the detector reports (detector.regions with the checkpoint's tuned thresholds, on the plain view of each
photo from detector.py's views cache of seed 1) is cut out of the photo as the app cuts it: the detector's cells of that category
inside the garment's box kept, the rest neutral grey (data.cut_out's grey; square crop, data.square_crop). garment-net
(torch checkpoint) gives its ten type probabilities, summed per category (top = T-Shirt + Longsleeve + Shirt, bottom =
Pants + Shorts + Skirt, outerwear = Outwear, dress = Dress). A garment of one of those four categories takes another of
the four where that category's sum reaches tau. Prints the macro recall / precision without the vote and for each tau,
and the per-category figures of the best tau.
"""
import argparse
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

import detector as D
from data import cut_out, load_rgb, square_crop
from train import GarmentNet

COARSE = {'top': ['T-Shirt', 'Longsleeve', 'Shirt'], 'bottom': ['Pants', 'Shorts', 'Skirt'], 'outerwear': ['Outwear'],
          'dress': ['Dress']}


def garment_mask(probs, category, box, post, photo_size, geom, stride=4):
    """Photo-pixel mask of the detector's cells of `category` inside canvas `box` [x, y, w, h]."""
    on = D.category_cells(probs, D.CLASSES.index(category), post[category].get('min_prob'))
    x, y, w, h = box
    keep = np.zeros_like(on)
    keep[int(y) // stride:int(y + h) // stride, int(x) // stride:int(x + w) // stride] = True
    on &= keep
    ox, oy, s = geom
    W, H = photo_size
    cx = np.clip(((np.arange(W) + 0.5) * s + ox) // stride, 0, on.shape[1] - 1).astype(int)
    cy = np.clip(((np.arange(H) + 0.5) * s + oy) // stride, 0, on.shape[0] - 1).astype(int)
    return on[cy[:, None], cx[None, :]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--ckpt', required=True, help='detector checkpoint (its metrics*.json beside it has the thresholds)')
    ap.add_argument('--garments', required=True, help='garment-net torch checkpoint')
    ap.add_argument('--split', default='val', choices=['val', 'train'])
    ap.add_argument('--taus', default='0.5,0.6,0.7,0.8,0.9,0.95')
    a = ap.parse_args()
    torch.set_num_threads(2)
    categories = json.load(open(os.path.join(os.path.dirname(os.path.abspath(a.data)), 'categories.json')))
    model, _ = D.load_detector(a.ckpt)
    post = D.tuned_post(a.ckpt)
    _, photos = D.pixel_photos(a.data, a.split)
    d = D.plain_views(a.split)  # seed 1's views, as detector_thresholds.py
    probs = D.predict(model, d)
    g = torch.load(a.garments)
    labels = g['labels']
    net = GarmentNet(len(labels))
    net.load_state_dict(g['model'])
    net.eval()
    groups = {c: [labels.index(n) for n in names] for c, names in COARSE.items()}

    items = []  # per photo: [(category, canvas box, score, {category: type probability sum} or None)]
    for k in range(len(probs)):
        photo = photos[int(d['img'][k])]
        p = probs[k].astype(np.float32)
        found = D.regions(p, post)
        im = load_rgb(os.path.join(a.data, 'photos', f'{photo["id"]}.jpg'))
        crops, which = [], []
        for j, (c, box, _) in enumerate(found):
            if c in COARSE:
                mask = garment_mask(p, c, box, post, im.size, d['geom'][k])
                pb = D.to_photo([(c, box, 0)], d['geom'][k])[0][1]
                crops.append(square_crop(cut_out(im, mask), pb))
                which.append(j)
        votes = [None] * len(found)
        if crops:
            with torch.no_grad():
                logits, _ = net(torch.from_numpy(np.stack(crops).astype(np.float32) / 255).permute(0, 3, 1, 2).contiguous())
            pr = F.softmax(logits, 1).numpy()
            for j, row in zip(which, pr):
                votes[j] = {c: float(row[idx].sum()) for c, idx in groups.items()}
        items.append([(c, box, sc, v) for (c, box, sc), v in zip(found, votes)])

    def scored(tau):
        preds = {}
        for k, found in enumerate(items):
            out = []
            for c, box, sc, v in found:
                if v is not None and tau is not None:
                    other = max((o for o in v if o != c), key=lambda o: v[o])
                    if v[other] >= tau:
                        c = other
                out.append((c, box, sc))
            preds[photos[int(d['img'][k])]['id']] = D.to_photo(out, d['geom'][k])
        return D.score([photos[int(i)] for i in d['img']], preds, categories)

    base = scored(None)
    print(f'{a.split}, {len(items)} photos, {sum(v is not None for f in items for *_, v in f)} garments voted on')
    print(f'no vote: macro recall {base["macro"]["recall"]:.4f} precision {base["macro"]["precision"]:.4f}')
    best = None
    for tau in [float(t) for t in a.taus.split(',')]:
        m = scored(tau)
        changed = sum(1 for f in items for c, _, _, v in f if v is not None and max(v[o] for o in v if o != c) >= tau)
        print(f'tau {tau}: macro recall {m["macro"]["recall"]:.4f} precision {m["macro"]["precision"]:.4f} ({changed} relabelled)')
        if best is None or sum(m['macro'].values()) > sum(best[1]['macro'].values()):
            best = (tau, m)
    for name, m in (('no vote', base), (f'tau {best[0]}', best[1])):
        print(name + ': ' + ', '.join(f'{c} {m[c]["recall"]:.2f} / {m[c]["precision"]:.2f}' for c in D.SCORED))


if __name__ == '__main__':
    main()
