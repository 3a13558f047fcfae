"""Reads an exported garment detector (export_detector.py's model.json + weights) back into detector.py checkpoints,
one per ensemble member, with the weights as the app stores them (weights_io.py decodes them to float32).

  /usr/bin/python3 training/garments/import_detector.py [--model public/models/trained/garment-detector] [--tag=-shipped]

Writes .cache/detector/detector-seed{S}{tag}.pt for every member (S: the seeds of the model card), which
`detector.py --ensemble` takes like the checkpoints it trains. The members' training checkpoints are not kept in the
repository; this is how a new member joins the shipped ones without training those again (docs/garment-models.md).
Exporting the imported members again stores the same weights (--check).
"""
import argparse
import json
import os
import tempfile

import numpy as np
import torch

import detector
import export_detector
import weights_io
from detector import CACHE, ROOT


def load_member(named, i, shared, size, frozen, fine4):
    """Member i of the stored weights (`named`: keras name -> float32 array) as a Detector."""
    detector.set_size(size)
    m = detector.Detector(frozen, fine4)
    for c in export_detector.convs(m):
        prefix = '' if c.keras in shared else f'm{i}_'
        if c.conv.groups > 1:
            w = np.transpose(named[f'{prefix}{c.keras}/depthwise_kernel'], (2, 3, 0, 1))  # [kh,kw,ch,1] -> [ch,1,kh,kw]
        else:
            w = np.transpose(named[f'{prefix}{c.keras}/kernel'], (3, 2, 0, 1))  # [kh,kw,in,out] -> [out,in,kh,kw]
        with torch.no_grad():
            c.conv.weight.copy_(torch.from_numpy(np.ascontiguousarray(w)))
            c.conv.bias.copy_(torch.from_numpy(named[f'{prefix}{c.keras}/bias']))
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default=os.path.join(ROOT, 'public', 'models', 'trained', 'garment-detector'))
    ap.add_argument('--tag', default='-shipped')
    ap.add_argument('--check', action='store_true', help='export the imported members again and compare with the stored weights')
    a = ap.parse_args()
    mj, named = weights_io.read(a.model)
    if mj.get('format') == 'graph-model':
        raise SystemExit(f'{a.model}: a graph model (--trunk centernet); import_detector.py reads the layers models of the '
                         'MobileNetV2 trunk. Keep the members\' checkpoints (.cache/detector/detector-seed*.pt) instead.')
    named = dict(named)
    card = json.load(open(os.path.join(a.model, 'model-card.json')))
    training = card['training']
    seeds = training.get('seeds', [training['seed']])
    size = training['size']
    layers = mj['modelTopology']['model_config']['config']['layers']
    names = {l['name'] for l in layers}
    ensemble = 'm0_dec_logits' in names
    # The layers the members share: those before the first one of member 0 (m0_...; the Average at the end is not one).
    shared = {l['name'] for l in layers[:next(i for i, l in enumerate(layers) if l['name'].startswith('m0_'))]} if ensemble else names
    n = len(seeds) if ensemble else 1
    frozen = training.get('members_frozen', [training.get('frozen', detector.LOW)] * n)
    members = [load_member(named, i, shared, size, frozen[i], training.get('fine4', 0)) for i in range(n)]
    os.makedirs(CACHE, exist_ok=True)
    for seed, m, f in zip(seeds, members, frozen):
        path = os.path.join(CACHE, f'detector-seed{seed}{a.tag}.pt')
        args = {**training, 'seed': seed, 'frozen': f, 'imported_from': os.path.relpath(a.model, ROOT)}
        args.pop('seeds', None)
        args.pop('members_frozen', None)
        torch.save({'model': m.state_dict(), 'args': args, 'classes': detector.CLASSES}, path)
        print('wrote', path)
    if a.check:
        model = detector.Ensemble(members) if ensemble else members[0]
        again = export_detector.weights(model)
        with tempfile.TemporaryDirectory() as tmp:
            manifest, _ = weights_io.write(tmp, again, 'uint8')
            with open(os.path.join(tmp, 'model.json'), 'w') as f:
                json.dump({'weightsManifest': manifest}, f)
            _, stored = weights_io.read(tmp)
        # Encoding decoded weights again can move a channel's step by a float32 rounding (and store a channel of
        # zeros as -0.0): the same values to 1e-5 of each tensor's largest.
        if [n for n, _ in stored] != list(named):
            raise SystemExit('check: the imported members export other tensors')
        worst = max(float(np.abs(v - named[n]).max() / max(np.abs(named[n]).max(), 1e-12)) for n, v in stored)
        if worst > 1e-5:
            raise SystemExit(f'check: exporting the imported members does not give the stored weights (relative difference {worst:.3g})')
        print(f'check: {len(stored)} tensors exported again: the same weights as stored (largest relative difference {worst:.2g})')


if __name__ == '__main__':
    main()
