"""Detectors on different trunks averaged: an ensemble of MobileNetV2 members (detector.py's default trunk) and one of
CenterNet members (--trunk centernet), their class logits mixed with a weight, the thresholds tuned on the train photos'
plain views, then val through detector.py's scoring (torch, the weights as stored).

  cd training/garments && /usr/bin/python3 detector_mix.py --data ../../../shared/data/ccp \
      --mobilenet ../../.cache/detector/detector-ensemble-r4-trio.pt \
      --centernet ../../.cache/detector/detector-seed1-cn.pt,../../.cache/detector/detector-seed3-cn.pt [--weights 1,0,0.5]

Each trunk reads its own views cache of --seed (the same pictures: a cache's views depend only on the seed), so both
trunks' caches of that seed must exist (detector.py builds them). Weight w: logits w * MobileNetV2 + (1 - w) * CenterNet.
The logits of the plain views are kept in .cache/detector/mix-logits-<tag>.npz, so other weights cost only the tuning.
--export W (one of --weights): the mix with weight W (detector.Mix, the parts' weights as stored) and its thresholds are
saved as .cache/detector/detector-mix-<tag>.pt and metrics-mix-<tag>.json, and export_detector.py writes it as the app's
garment detector: one tfjs graph model holding both trunks.
"""
import argparse
import functools
import json
import os

import numpy as np
import torch

import detector as D
import export_detector
from schedule import log


def stored(path):
    """(detector with its weights rounded as stored, its checkpoint's args)."""
    model, s = D.load_detector(path)
    return D.round_as_stored(model).eval(), s['args']


def centernet_part(paths):
    """The CenterNet checkpoints averaged (one, or an Ensemble whose args name the members' seeds)."""
    loaded = [stored(p) for p in paths]
    if len(loaded) == 1:
        return loaded[0]
    return D.Ensemble([m for m, _ in loaded]), {**loaded[0][1], 'seed': None, 'seeds': [a['seed'] for _, a in loaded]}


@functools.lru_cache(maxsize=None)
def parts(mobilenet, centernet):
    """((MobileNetV2 detector, its args), (CenterNet detector, its args)) of --mobilenet and --centernet, loaded once."""
    return stored(mobilenet), centernet_part(centernet.split(','))


def recipe(args):
    """The `npm run train:detector` command(s) that trained a part, from its checkpoint's args (members by seed)."""
    trunk = args.get('trunk', 'mobilenetv2')
    if trunk == 'mobilenetv2':
        opts = [f'--frozen {args["frozen"]}'] + ([f'--fine4 {args["fine4"]}'] if args.get('fine4') else [])
    else:
        opts = [f'--trunk {trunk}']  # its own frozen blocks, no --fine4
    seeds = args.get('seeds') or [args['seed']]
    command = f'npm run train:detector -- --data ../shared/data/ccp {" ".join(opts)} --no-export --seed'
    if len(seeds) == 1:
        return f'{command} {seeds[0]}'
    return f'{command} S for S = {", ".join(map(str, seeds))}, averaged by --ensemble'


def plain_logits(model, path):
    """Stride-4 logits of the plain view of every photo of a views cache, and that cache's (img, geom, lab)."""
    d = np.load(path)
    rows = D.plain_rows(d['img'])
    d = {k: d[k][rows] for k in d.files if k != 'f16'}
    out = []
    with torch.no_grad():
        for i in range(0, len(d['img']), 32):
            out.append(D.stride4_logits(model, d, slice(i, i + 32)).numpy().astype(np.float32))
    return np.concatenate(out), {k: d[k] for k in ('img', 'geom', 'lab')}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--mobilenet', required=True, help='a MobileNetV2 checkpoint (one detector or an --ensemble)')
    ap.add_argument('--centernet', required=True, help='comma-separated --trunk centernet checkpoints (averaged)')
    ap.add_argument('--weights', default='1,0,0.5', help='comma-separated weights of the MobileNetV2 logits to score')
    ap.add_argument('--seed', type=int, default=3, help='whose views caches (train: thresholds; val: figures)')
    ap.add_argument('--views', type=int, default=3, help='views per train photo of those caches (detector.py --views)')
    ap.add_argument('--tag', default='mix')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--export', type=float, help='one of --weights: the mix with this weight and its thresholds is saved '
                    '(.cache/detector/detector-mix-<tag>.pt, metrics-mix-<tag>.json) and exported as the app\'s garment detector')
    a = ap.parse_args()
    if a.export is not None and all(abs(float(x) - a.export) > 1e-9 for x in a.weights.split(',')):
        raise SystemExit(f'--export {a.export:g}: not one of --weights {a.weights}')
    torch.set_num_threads(a.threads)
    categories = json.load(open(os.path.join(os.path.dirname(os.path.abspath(a.data)), 'categories.json')))
    _, val_photos = D.pixel_photos(a.data, 'val')
    _, train_photos = D.pixel_photos(a.data, 'train')
    keep = os.path.join(D.CACHE, f'mix-logits-{a.tag}.npz')
    if os.path.exists(keep):
        z = np.load(keep, allow_pickle=True)
        logits, sets = z['logits'].item(), z['sets'].item()
        log('logits: cached', keep)
    else:
        (mobilenet, _), (centernet, _) = parts(a.mobilenet, a.centernet)
        logits, sets = {}, {}
        for split, views in (('train', a.views), ('val', 1)):
            for name, model in (('mobilenet', mobilenet), ('centernet', centernet)):
                path = os.path.join(D.CACHE, f'views-{split}-v{views}-s{a.seed}{D.size_tag()}{D.trunk_tag(model)}.npz')
                logits[split, name], sets[split, name] = plain_logits(model, path)
                log('logits', split, name, path)
            assert all((sets[split, 'mobilenet'][k] == sets[split, 'centernet'][k]).all() for k in ('img', 'lab')), \
                f'{split}: the two caches do not hold the same views (another seed or size?)'
        np.savez(keep, logits=np.array(logits, dtype=object), sets=np.array(sets, dtype=object))
    train = {**sets['train', 'mobilenet'], 'f4': np.zeros((len(sets['train', 'mobilenet']['img']), 1))}
    val = sets['val', 'mobilenet']
    for w in (float(x) for x in a.weights.split(',')):
        mix = lambda split: torch.softmax(torch.from_numpy(w * logits[split, 'mobilenet'] + (1 - w) * logits[split, 'centernet']), 1).numpy()
        post = D.tune(None, train, train_photos, categories, probs=mix('train'))
        m, _ = D.evaluate(None, val, val_photos, categories, post, probs=mix('val'))
        if a.export is not None and abs(w - a.export) < 1e-9:
            export(a, w, post, m)
        print(f'weight {w:g}: val macro recall {m["macro"]["recall"]:.3f} precision {m["macro"]["precision"]:.3f}, '
              f'pixel accuracy {m["pixel_accuracy"]:.4f}; ' + ', '.join(f'{c} {m[c]["recall"]:.2f} / {m[c]["precision"]:.2f}' for c in D.SCORED),
              flush=True)


def export(a, w, post, val):
    """The two parts (weights as stored) as one detector.Mix checkpoint with its tuned thresholds, exported."""
    (mobilenet, margs), (centernet, cargs) = parts(a.mobilenet, a.centernet)
    assert margs['size'] == cargs['size'], 'the two parts were trained at different --size'
    mix = D.Mix(mobilenet, centernet, w)
    args = {'size': margs['size'], 'trunk': 'mix', 'weight': w, 'mobilenet': margs, 'centernet': cargs,
            'parts': [a.mobilenet, a.centernet], 'seed': a.seed}
    ckpt = os.path.join(D.CACHE, f'detector-mix-{a.tag}.pt')
    torch.save(D.checkpoint_of(mix, args), ckpt)
    metrics = os.path.join(D.CACHE, f'metrics-mix-{a.tag}.json')
    with open(metrics, 'w') as f:
        json.dump({'val': val, 'post': post, 'weight': w}, f, indent=1)
    log('wrote', ckpt, metrics)
    here = os.path.dirname(os.path.abspath(__file__))
    rel = lambda p: os.path.relpath(os.path.abspath(p), here)  # the command runs in training/garments
    export_detector.export(ckpt, metrics, f'{recipe(margs)}; {recipe(cargs)}; then cd training/garments && /usr/bin/python3 '
                           f'detector_mix.py --data {rel(a.data)} --mobilenet {rel(a.mobilenet)} --centernet '
                           f'{",".join(rel(p) for p in a.centernet.split(","))} --seed {a.seed} --views {a.views} '
                           f'--weights {w:g} --export {w:g} --tag {a.tag}')


if __name__ == '__main__':
    main()
