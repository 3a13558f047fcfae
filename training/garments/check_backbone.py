"""Checks that the torch MobileNetV2 with the nsfwjs weights gives the app's tfjs features.

  /usr/bin/python3 training/garments/check_backbone.py --data ../shared/data/clothing [--n 4]
Prints the max abs difference of the [n, 1280] flatten_1 features (torch vs tfjs WASM in Node).
"""
import argparse
import os
import subprocess

import numpy as np
import torch

from data import clothing_rows, fine_labels, load_rgb, square_crop
from mobilenet import MobileNetV2, load_nsfwjs

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--n', type=int, default=4)
    a = ap.parse_args()
    torch.set_num_threads(2)
    labels = fine_labels(os.path.join(os.path.dirname(os.path.abspath(a.data)), 'categories.json'))
    rows = clothing_rows(a.data, 'val', labels)[: a.n]
    px = np.stack([square_crop(load_rgb(os.path.join(a.data, 'images', f'{u}.jpg'))) for u, _ in rows]).astype(np.float32)
    cache = os.path.join(ROOT, '.cache', 'garments')
    os.makedirs(cache, exist_ok=True)
    px.tofile(os.path.join(cache, 'check-in.f32'))
    net = load_nsfwjs(MobileNetV2(), os.path.join(ROOT, 'public', 'models', 'mobilenet-v2')).eval()
    with torch.no_grad():
        ours = net(torch.from_numpy(px / 255).permute(0, 3, 1, 2).contiguous()).numpy()
    subprocess.run(['npx', 'tsx', 'training/garments/tfjs-check.ts', 'backbone', os.path.join(cache, 'check-in.f32'),
                    str(len(rows)), os.path.join(cache, 'check-out.f32')], cwd=ROOT, check=True)
    ref = np.fromfile(os.path.join(cache, 'check-out.f32'), np.float32).reshape(ours.shape)
    print(f'features {ours.shape}: max abs diff {np.abs(ours - ref).max():.2e} (values up to {np.abs(ref).max():.2f})')


if __name__ == '__main__':
    main()
