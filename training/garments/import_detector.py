"""Reads an exported MobileNetV2 garment detector (export_detector.py's model.json + weights) back into detector.py
checkpoints, one per ensemble member, with the weights as the app stores them (weights_io.py decodes them to float32).

  /usr/bin/python3 training/garments/import_detector.py [--model public/models/trained/garment-detector] [--tag=-shipped]

Writes .cache/detector/detector-seed{S}{tag}.pt for every member (S: the seeds of the model card), which
`detector.py --ensemble` takes like the checkpoints it trains. The members' training checkpoints are not kept in the
repository; this is how a new member joins the shipped ones without training those again (docs/garment-models.md).
Reads the graph models export_detector.py writes (member i's convolutions named mobilenet/m<i>/<Keras layer>, the
frozen blocks' mobilenet/<Keras layer>) and the layers models of garment detectors 1-4 (m<i>_<layer>, or <layer>), as
older commits hold them. Exporting the imported members again stores the same weights (--check, graph models).
CenterNet detectors and mixes are not read back: keep their checkpoints.
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


def convs(m):
    """A MobileNetV2 Detector's convolutions: the backbone's without its head (Conv_1), then the decoder's."""
    return [c for c in m.backbone.convs() if c is not m.backbone.head] + m.decoder.convs()


def stored_conv(named, graph, i, keras, depthwise):
    """(kernel [kh, kw, in, out] or depthwise [kh, kw, ch, 1], bias) of member i's conv `keras`: its own, or the
    frozen blocks' that the members share."""
    prefixes = (f'mobilenet/m{i}/', 'mobilenet/') if graph else (f'm{i}_', '')
    kernel = ('/depthwise_weights' if depthwise else '/weights') if graph else ('/depthwise_kernel' if depthwise else '/kernel')
    for p in prefixes:
        if p + keras + kernel in named:
            return named[p + keras + kernel], named[p + keras + '/bias']
    raise SystemExit(f'member {i}: no weights for {keras} in the model')


def load_member(named, graph, i, size, frozen, fine4):
    """Member i of the stored weights (`named`: name -> float32 array) as a Detector."""
    detector.set_size(size)
    m = detector.Detector(frozen, fine4)
    for c in convs(m):
        w, b = stored_conv(named, graph, i, c.keras, c.conv.groups > 1)
        w = np.transpose(w, (2, 3, 0, 1)) if c.conv.groups > 1 else np.transpose(w, (3, 2, 0, 1))  # -> torch layouts
        with torch.no_grad():
            c.conv.weight.copy_(torch.from_numpy(np.ascontiguousarray(w)))
            c.conv.bias.copy_(torch.from_numpy(b))
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default=os.path.join(ROOT, 'public', 'models', 'trained', 'garment-detector'))
    ap.add_argument('--tag', default='-shipped')
    ap.add_argument('--check', action='store_true', help='export the imported members again and compare with the stored weights')
    a = ap.parse_args()
    mj, named = weights_io.read(a.model)
    named = dict(named)
    card = json.load(open(os.path.join(a.model, 'model-card.json')))
    training = card['training']
    graph = mj.get('format') == 'graph-model'
    if training.get('trunk', 'mobilenetv2') != 'mobilenetv2':
        raise SystemExit(f'{a.model}: a {training["trunk"]} detector; import_detector.py reads MobileNetV2 detectors. '
                         'Keep the members\' checkpoints (.cache/detector/detector-seed*.pt) instead.')
    seeds = training.get('seeds', [training['seed']])
    size = training['size']
    n = len(seeds)
    frozen = training.get('members_frozen', [training.get('frozen', detector.LOW)] * n)
    members = [load_member(named, graph, i, size, frozen[i], training.get('fine4', 0)) for i in range(n)]
    os.makedirs(CACHE, exist_ok=True)
    for seed, m, f in zip(seeds, members, frozen):
        path = os.path.join(CACHE, f'detector-seed{seed}{a.tag}.pt')
        args = {**training, 'seed': seed, 'frozen': f, 'imported_from': os.path.relpath(a.model, ROOT)}
        args.pop('seeds', None)
        args.pop('members_frozen', None)
        torch.save({'model': m.state_dict(), 'args': args, 'classes': detector.CLASSES}, path)
        print('wrote', path)
    if a.check:
        if not graph:
            raise SystemExit('--check: export_detector.py writes graph models; a layers model cannot be written again')
        model = detector.Ensemble(members) if n > 1 else members[0]
        _, again = export_detector.graph(model, detector.HEIGHT, detector.WIDTH)
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
