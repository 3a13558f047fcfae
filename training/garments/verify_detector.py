"""Checks the exported tfjs garment detector against the torch checkpoint on the same letterboxed pixels.

  /usr/bin/python3 training/garments/verify_detector.py --data ../shared/data/ccp [--n 8]
Runs the torch model (float32 weights) and the app's TS module (tfjs WASM in Node, the stored weights) on the
first N `val` photos letterboxed as in training; prints the max abs difference of the class probabilities
(stride 4) and the share of cells whose most likely class agrees.
"""
import argparse
import os
import subprocess

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from detector import CACHE, ROOT, letterbox, load_detector, pixel_photos, round_as_stored


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--ckpt', default=os.path.join(CACHE, 'detector-seed1.pt'))
    ap.add_argument('--n', type=int, default=8)
    ap.add_argument('--stored', action='store_true', help='round the torch weights as the export stores them first (weights_io)')
    a = ap.parse_args()
    torch.set_num_threads(2)
    model, _ = load_detector(a.ckpt)  # sets letterbox()'s input size to the checkpoint's
    if a.stored:
        round_as_stored(model)
    _, photos = pixel_photos(a.data, 'val')
    canvases = [letterbox(np.asarray(Image.open(os.path.join(a.data, 'photos', f"{p['id']}.jpg")).convert('RGB')))[0]
                for p in photos[:a.n]]
    x = torch.stack(canvases)
    with torch.no_grad():
        logits = model(x / 255)
        if model.out_stride == 8:  # a --fine4 or CenterNet model's logits are already at stride 4
            logits = F.interpolate(logits, scale_factor=2, mode='bilinear', align_corners=False)
        probs = F.softmax(logits, 1).permute(0, 2, 3, 1).numpy()
    inp, out = os.path.join(CACHE, 'verify-in.f32'), os.path.join(CACHE, 'verify-out.f32')
    x.permute(0, 2, 3, 1).contiguous().numpy().astype(np.float32).tofile(inp)
    subprocess.run(['npx', 'tsx', 'training/garments/tfjs-check.ts', 'garment-detector', inp, str(len(canvases)), out], cwd=ROOT, check=True)
    tp = np.fromfile(out, np.float32).reshape(probs.shape)
    agree = (tp.argmax(-1) == probs.argmax(-1)).mean()
    print(f'n={len(canvases)}: probabilities max abs diff {np.abs(tp - probs).max():.2e}; same class in {agree:.4f} of cells')


if __name__ == '__main__':
    main()
