"""Does averaging the detector's class maps at several input sizes find more garments? (multi-scale test-time averaging)

  /usr/bin/python3 training/garments/detector_scales.py --data ../shared/data/ccp \
      --ckpt .cache/detector/detector-ensemble-r4-trio.pt --stored \
      --mix 320x480 --mix 320x480+384x576 --mix 256x384+320x480 --mix 256x384+320x480+384x576 --mix 320x480+384x576+448x672

Every pixel-annotated train and val photo is letterboxed at each size a mix names (as the app letterboxes it) and run
through the checkpoint (the whole network, not the views cache); the class probabilities at stride 4 of the photo's
part of the canvas are resampled (bilinear) onto the stride-4 grid of the checkpoint's own input size, where the
letterbox margin is background. A mix averages them. For each mix the post-processing thresholds are tuned on the train
photos (detector.tune(), as for the shipped model) and val is scored once: macro recall / precision, per category, and
pixel accuracy. The probabilities are kept in --out (float16, about 170 MB per size for the 704 train photos).
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

import detector as D


def grid_of(geom, size):
    """The stride-4 cells (y0, y1, x0, x1) of the photo's part of a canvas letterboxed with geom at `size`."""
    ox, oy, _, nw, nh = geom
    return int(round(oy / 4)), int(round((oy + nh) / 4)), int(round(ox / 4)), int(round((ox + nw) / 4))


def probabilities(model, data, photos, size, base):
    """[n, C, base_h / 4, base_w / 4] float16: the model's probabilities at input `size` on the grid of `base`."""
    bw, bh = (int(v) for v in base.split('x'))
    out = np.zeros((len(photos), len(D.CLASSES), bh // 4, bw // 4), np.float16)
    t0 = time.time()
    for i, p in enumerate(photos):
        rgb = np.asarray(Image.open(os.path.join(data, 'photos', f"{p['id']}.jpg")).convert('RGB'))
        D.set_size(base)
        _, g0 = D.letterbox(rgb)
        D.set_size(size)
        px, geom = D.letterbox(rgb)
        with torch.no_grad():
            probs = F.softmax(model((px[None] / 255.0).contiguous(memory_format=torch.channels_last)), 1)
        y0, y1, x0, x1 = grid_of(geom, size)
        b0, b1, a0, a1 = grid_of(g0, base)
        grid = torch.zeros(1, len(D.CLASSES), bh // 4, bw // 4)
        grid[:, 0] = 1.0  # the letterbox margin: background
        grid[:, :, b0:b1, a0:a1] = F.interpolate(probs[:, :, y0:y1, x0:x1], size=(b1 - b0, a1 - a0), mode='bilinear',
                                                 align_corners=False)
        out[i] = grid[0].numpy().astype(np.float16)
        if (i + 1) % 200 == 0:
            D.log(f'{size}: {i + 1}/{len(photos)} ({time.time() - t0:.0f} s)')
    D.set_size(base)
    return out


def side(data, split, categories, lut):
    """The photos of a split and what detector.tune() / evaluate() read of a views cache: img, geom, labels."""
    _, photos = D.pixel_photos(data, split)
    geoms, labs = [], []
    for p in photos:
        rgb = np.asarray(Image.open(os.path.join(data, 'photos', f"{p['id']}.jpg")).convert('RGB'))
        _, geom = D.letterbox(rgb)
        geoms.append(geom[:3])
        labs.append(D.letterbox_labels(lut[np.asarray(Image.open(os.path.join(data, 'masks', f"{p['id']}.png")))], geom))
    # 'f4': a stand-in for the cached features (tune() looks the key up; the probabilities are given).
    return photos, {'img': np.arange(len(photos)), 'geom': np.array(geoms, np.float64), 'lab': np.stack(labs),
                    'f4': np.zeros(1)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True, help='CCP data folder')
    ap.add_argument('--categories', help='default: categories.json beside --data')
    ap.add_argument('--ckpt', required=True, help='a detector.py checkpoint (one detector or an ensemble)')
    ap.add_argument('--stored', action='store_true', help='weights rounded as export_detector.py stores them (what the app runs)')
    ap.add_argument('--mix', action='append', required=True, help='sizes averaged, e.g. 320x480+384x576 (repeatable)')
    ap.add_argument('--out', default=os.path.join(D.CACHE, 'scales'), help='where the probabilities per size are kept')
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    categories = json.load(open(a.categories or os.path.join(os.path.dirname(os.path.abspath(a.data)), 'categories.json')))
    model, s = D.load_detector(a.ckpt)
    if a.stored:
        D.round_as_stored(model)
    base = f'{D.WIDTH}x{D.HEIGHT}'  # the checkpoint's input size (load_detector set it)
    ann = json.load(open(os.path.join(a.data, 'annotations.json')))
    lut = D.label_lut(ann, categories)
    sides = {split: side(a.data, split, categories, lut) for split in ('train', 'val')}
    os.makedirs(a.out, exist_ok=True)
    tag = os.path.splitext(os.path.basename(a.ckpt))[0] + ('-stored' if a.stored else '')
    cache = {}

    def probs(split, size):
        path = os.path.join(a.out, f'{tag}-{split}-{size}.npy')
        if (split, size) not in cache:
            if not os.path.exists(path):
                np.save(path, probabilities(model, a.data, sides[split][0], size, base))
            cache[split, size] = np.load(path, mmap_mode='r')
        return cache[split, size]

    for mix in a.mix:
        sizes = mix.split('+')
        mean = {split: sum(probs(split, z).astype(np.float32) for z in sizes) / len(sizes) for split in ('train', 'val')}
        post = D.tune(None, sides['train'][1], sides['train'][0], categories, probs=mean['train'])
        m, _ = D.evaluate(None, sides['val'][1], sides['val'][0], categories, post=post, probs=mean['val'])
        per = ', '.join(f"{c} {m[c]['recall']:.2f} / {m[c]['precision']:.2f}" for c in D.SCORED)
        print(f"{mix}: val macro recall / precision {m['macro']['recall']:.3f} / {m['macro']['precision']:.3f}, "
              f"pixel accuracy {m['pixel_accuracy']:.4f} ({per})", flush=True)


if __name__ == '__main__':
    main()
