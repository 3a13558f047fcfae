"""How well the exported garment-net names garments cut out of outfit photos (what the app shows), on CCP val.

  /usr/bin/python3 training/garments/eval_ccp_types.py --data ../shared/data/ccp

The garments of CCP's pixel-annotated `val` photos whose label has a fine label (data.ccp_garments, data.CCP_FINE),
each cut out as the app cuts it (data.cut_out: a blocky mask, grey elsewhere; data.square_crop), through the app's
TS module (tfjs-check.ts: tfjs WASM in Node, the weights in public/models/trained/garment-net, or $MIRROR_TRAIN_OUT).
Prints the accuracy over the ten fine labels, the precision@10 of the embedding (cosine neighbours among these
garments with the same fine label), the accuracy per label, and among the three fine labels of a top (T-Shirt,
Longsleeve, Shirt) and of a bottom (Pants, Shorts, Skirt): the choice the app makes once the detector has the category.
"""
import argparse
import os
import subprocess

import numpy as np
from PIL import Image

from data import ccp_garments, cut_out, fine_labels, load_rgb, square_crop
from train import CACHE, ROOT

GROUPS = {'top': ['T-Shirt', 'Longsleeve', 'Shirt'], 'bottom': ['Pants', 'Shorts', 'Skirt']}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True, help='CCP data folder')
    ap.add_argument('--split', default='val')
    args = ap.parse_args()
    labels = fine_labels(os.path.join(os.path.dirname(os.path.abspath(args.data)), 'categories.json'))
    rows = ccp_garments(args.data, args.split, labels)
    px = []
    for photo, label, box, _ in rows:
        mask = np.asarray(Image.open(os.path.join(args.data, 'masks', f'{photo}.png')))
        px.append(square_crop(cut_out(load_rgb(os.path.join(args.data, 'photos', f'{photo}.jpg')), mask == label), box))
    os.makedirs(CACHE, exist_ok=True)
    inp, out = os.path.join(CACHE, 'ccp-types-in.f32'), os.path.join(CACHE, 'ccp-types-out.f32')
    np.stack(px).astype(np.float32).tofile(inp)
    subprocess.run(['npx', 'tsx', 'training/garments/tfjs-check.ts', 'garment-net', inp, str(len(rows)), out], cwd=ROOT, check=True)
    flat = np.fromfile(out, np.float32)
    p = flat[: len(rows) * len(labels)].reshape(len(rows), len(labels))
    emb = flat[len(rows) * len(labels):].reshape(len(rows), -1)
    y = np.array([r[3] for r in rows])
    sim = emb @ emb.T
    np.fill_diagonal(sim, -2)
    near = np.argsort(-sim, axis=1)[:, :10]
    print(f'{args.split}: {len(rows)} garments, accuracy over the ten fine labels {(p.argmax(1) == y).mean():.3f}, '
          f'precision@10 of the embedding {(y[near] == y[:, None]).mean():.3f}')
    print('per label: ' + ', '.join(f'{n} {(p.argmax(1)[y == k] == k).mean():.2f} ({(y == k).sum()})' for k, n in enumerate(labels) if (y == k).any()))
    for category, names in GROUPS.items():
        idx = np.array([labels.index(n) for n in names])
        sel = np.isin(y, idx)
        right = (idx[p[sel][:, idx].argmax(1)] == y[sel]).mean()
        print(f'{category}s ({sel.sum()}): the right one of {", ".join(names)} {right:.3f}')


if __name__ == '__main__':
    main()
