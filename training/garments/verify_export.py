"""Checks the exported tfjs garment net against the torch checkpoint on the same pixels.

  /usr/bin/python3 training/garments/verify_export.py --data ../shared/data/clothing [--n 16]
Runs the torch model (float32 weights) and the app's TS module (tfjs WASM in Node, the stored weights) on
the first N `val` crops; prints the max abs difference of the probabilities and of the L2-normalised
embeddings, and whether the predicted labels agree.
"""
import argparse
import os
import subprocess

import numpy as np
import torch
import torch.nn.functional as F

import weights_io
from data import clothing_rows, load_rgb, square_crop
from export import KERNELS
from train import CACHE, ROOT, GarmentNet


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--ckpt', default=os.path.join(CACHE, 'ckpt-seed1.pt'))
    ap.add_argument('--n', type=int, default=16)
    ap.add_argument('--stored', action='store_true', help='round the torch weights as the export stores them first (weights_io)')
    a = ap.parse_args()
    torch.set_num_threads(2)
    s = torch.load(a.ckpt)
    labels = s['labels']
    model = GarmentNet(len(labels))
    model.load_state_dict({k: weights_io.as_stored(v, KERNELS) for k, v in s['model'].items()} if a.stored else s['model'])
    model.eval()
    rows = [r for r in clothing_rows(a.data, 'val', labels) if r[1] >= 0][: a.n]
    px = np.stack([square_crop(load_rgb(os.path.join(a.data, 'images', f'{u}.jpg'))) for u, _ in rows]).astype(np.float32)
    with torch.no_grad():
        logits, emb = model(torch.from_numpy(px / 255).permute(0, 3, 1, 2).contiguous())
    probs, emb = F.softmax(logits, 1).numpy(), F.normalize(emb, dim=1).numpy()
    inp, out = os.path.join(CACHE, 'verify-in.f32'), os.path.join(CACHE, 'verify-out.f32')
    px.tofile(inp)
    subprocess.run(['npx', 'tsx', 'training/garments/tfjs-check.ts', 'garment-net', inp, str(len(rows)), out], cwd=ROOT, check=True)
    flat = np.fromfile(out, np.float32)
    n, k = probs.shape
    tp, te = flat[: n * k].reshape(n, k), flat[n * k:].reshape(n, -1)
    same = (tp.argmax(1) == probs.argmax(1)).mean()
    print(f'n={n}: probabilities max abs diff {np.abs(tp - probs).max():.2e}; embeddings max abs diff '
          f'{np.abs(te - emb).max():.2e}; same label {same:.3f}; torch labels right {(probs.argmax(1) == [y for _, y in rows]).mean():.3f}')


if __name__ == '__main__':
    main()
