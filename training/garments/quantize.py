"""Re-stores an exported layers model's kernels per-channel uint8 (weights_io.py), in place unless --out.

  /usr/bin/python3 training/garments/quantize.py public/models/trained/garment-detector [--out DIR]

export_detector.py writes this form itself; this converted the detector exported before it (float16) and
makes the uint8 variant of garment-net for measurements (docs/garment-models.md, "Stored weights").
"""
import argparse
import json
import os

import weights_io


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('model_dir')
    ap.add_argument('--out', help='default: the model directory itself')
    a = ap.parse_args()
    out = a.out or a.model_dir
    os.makedirs(out, exist_ok=True)
    mj, named = weights_io.read(a.model_dir)
    before = sum(os.path.getsize(os.path.join(a.model_dir, p)) for g in mj['weightsManifest'] for p in g['paths'])
    if out == a.model_dir:  # the old shards go; the new weights are one file
        for g in mj['weightsManifest']:
            for p in g['paths']:
                os.remove(os.path.join(out, p))
    mj['weightsManifest'], nbytes = weights_io.write(out, named, 'uint8')
    with open(os.path.join(out, 'model.json'), 'w') as f:
        json.dump(mj, f)
    card_path = os.path.join(a.model_dir, 'model-card.json')
    if os.path.exists(card_path):
        with open(card_path) as f:
            card = json.load(f)
        if card.get('weights') != weights_io.STORAGE['uint8']:
            card['weights'] = weights_io.STORAGE['uint8']
            card['weights_converted'] = f'by training/garments/quantize.py from the export as it was stored before ({before} bytes)'
        with open(os.path.join(out, 'model-card.json'), 'w') as f:
            f.write(json.dumps(card, indent=2) + '\n')
    print(f'{out}: weights {before} -> {nbytes} bytes')


if __name__ == '__main__':
    main()
