"""Exports a trained garment detector checkpoint as a tfjs graph model (model.json + one weights bin: kernels
per-channel uint8, biases float16, weights_io.py).

  /usr/bin/python3 training/garments/export_detector.py [--ckpt .cache/detector/detector-seed1.pt] [--metrics M] [--command C]

Every kind of detector is one graph (tfgraph.py) with input `input` [n, H, W, 3] (RGB / 255; the checkpoint's --size:
320 x 480 by default) and one output `logits4` [n, H / 4, W / 4, len(CLASSES)], class logits at stride 4 (metadata
`stride` 4, `output`; the app takes their softmax):
- MobileNetV2 (detector.py's default trunk; mobilenet_nodes()): the nsfwjs network with BatchNorm folded into its
  convolutions (fused Conv2D / depthwise + bias + ReLU6), then detector.py's decoder (1x1 laterals, nearest x2
  upsampling, depthwise 3x3 + 1x1), its stride-8 logits upsampled x2 (bilinear, half-pixel centres) plus, with
  --fine4, the stride-4 correction. Node names under mobilenet/: the blocks every member left frozen once, each
  member's later blocks and decoder under mobilenet/m0/, mobilenet/m1/... (one detector is an ensemble of one), each
  conv named after its Keras layer (`mobilenet/m0/dec_logits/weights`): import_detector.py reads them back;
- CenterNet (--trunk centernet; centernet.py centernet_nodes()): CenterNet's own graph nodes with the trained weights
  under centernet/, its frozen part once, each member's nodes and head under centernet/m0/, ...;
- a detector.Mix (detector_mix.py --export): both of the above side by side.
`logits4` is the weighted sum of the members' logits: their mean, and for a Mix weight x MobileNetV2's mean +
(1 - weight) x CenterNet's. The thresholds tuned for the model (its metrics file's `post`) go in the metadata.
(Garment detectors 1-4 were tfjs layers models with a stride-8 output and a separate stride-4 correction; the graph
computes the same logits, and runs faster in tfjs: docs/garment-models.md.)
Writes public/models/trained/garment-detector/{model.json, group1-shard1of1.bin, model-card.json}.
"""
import argparse
import datetime
import json
import os

import detector
import weights_io
from centernet import SOURCE as CENTERNET_SOURCE, centernet_nodes
from detector import CACHE, CLASSES, ROOT
from tfgraph import Graph

OUT = os.path.join(os.environ.get('MIRROR_TRAIN_OUT') or os.path.join(ROOT, 'public', 'models', 'trained'), 'garment-detector')
OUTPUT = 'logits4'


def mobilenet_nodes(g, model, height, width, x='input', prefix='mobilenet/'):
    """Writes into tfgraph.Graph `g` a MobileNetV2 detector (or an Ensemble of them) on the input node `x` (RGB / 255,
    [n, height, width, 3]): the blocks every member left frozen once under `prefix`, each member's later blocks and
    decoder under prefix + m0/, m1/.... Returns each member's stride-4 class logits node: the stride-8 logits upsampled
    x2 (bilinear, half-pixel centres) plus, with --fine4, the stride-4 correction (detector.stride4_logits())."""
    members = list(model.members) if isinstance(model, detector.Ensemble) else [model]
    frozen = model.frozen
    conv = lambda p, c, x: g.conv(p + c.keras, x, c.conv, c.stride, 'Relu6' if c.relu else None)

    def block(p, b, x):
        y = conv(p, b.expand, x) if b.expand is not None else x
        y = conv(p, b.project, conv(p, b.depthwise, y))
        return g.op(p + b.project.keras.replace('_project', '_add'), 'AddV2', [x, y]) if b.residual else y

    size = lambda s: [height // s, width // s]
    net = members[0].backbone
    f = conv(prefix, net.stem, x)
    for b in net.blocks[:frozen]:
        f = block(prefix, b, f)
    heads = []
    for i, m in enumerate(members):
        p, d = f'{prefix}m{i}/', m.decoder
        h, f8 = f, f if frozen == detector.LOW else None
        for k, b in enumerate(m.backbone.blocks[frozen:], frozen):
            h = block(p, b, h)
            if k == detector.LOW - 1:
                f8 = h
            elif k == detector.MID - 1:
                f16 = h
        h = g.op(p + 'dec_add16', 'AddV2', [g.resize(p + 'dec_up32', conv(p, d.lat32, h), size(16)), conv(p, d.lat16, f16)])
        h = conv(p, d.pw16, conv(p, d.dw16, h))
        h = g.op(p + 'dec_add8', 'AddV2', [g.resize(p + 'dec_up16', h, size(8)), conv(p, d.lat8, f8)])
        h = conv(p, d.pw8, conv(p, d.dw8, h))
        logits = g.resize(p + 'dec_logits_up', conv(p, d.logits, h), size(4), bilinear=True)
        if d.fine4:
            assert frozen == 3, '--fine4 reads the frozen block_2_add features'
            r = g.op(p + 'dec_add4', 'AddV2', [g.resize(p + 'dec_up8', conv(p, d.red8, h), size(4)), conv(p, d.lat4, f)])
            r = conv(p, d.pw4, conv(p, d.dw4, r))
            logits = g.op(p + 'dec_logits4_sum', 'AddV2', [logits, conv(p, d.logits4, r)])
        heads.append(logits)
    return heads


def graph(model, height, width):
    """tfjs graph-model topology and [(name, float32 or int32 array)] of the weights of a detector (a MobileNetV2 or
    CenterNet detector, an Ensemble of either, or a Mix of the two): see the module's docstring."""
    g = Graph()
    g.placeholder('input', [-1, height, width, 3])
    terms = []
    for part, share in ([(model.mobilenet, model.weight), (model.centernet, 1 - model.weight)] if model.trunk == 'mix' else [(model, 1)]):
        if part.trunk == 'centernet':
            heads = centernet_nodes(g, list(part.members) if isinstance(part, detector.Ensemble) else [part], height, width, prefix='centernet/')
        else:
            heads = mobilenet_nodes(g, part, height, width)
        terms += [(h, share / len(heads)) for h in heads]
    g.weighted_sum(OUTPUT, terms)
    return g.topology(), g.values


def base(args):
    """Which of the nsfwjs MobileNetV2's blocks the model card says were fine-tuned."""
    if not args.get('unfreeze'):
        return 'stem and blocks 0-12 frozen, blocks 13-16 fine-tuned'
    each = args.get('members_frozen') or [args.get('frozen', detector.LOW)]
    if len(set(each)) == 1:
        return f'stem and blocks 0-{each[0] - 1} frozen, blocks {each[0]}-16 fine-tuned'
    return 'stem and blocks 0-{} frozen; per member (seeds {}), blocks from {} fine-tuned'.format(
        min(each) - 1, args['seeds'], ', '.join(str(f) for f in each))


def parts(model, args):
    """[(detector, its checkpoint args)]: the model itself, or a Mix's two parts."""
    return [(model.mobilenet, args['mobilenet']), (model.centernet, args['centernet'])] if model.trunk == 'mix' else [(model, args)]


def averaged(args, before=' (', after=')'):
    seeds = args.get('seeds')
    return f'{before}the average of {len(seeds)} detectors trained with seeds {seeds} on one shared frozen trunk{after}' if seeds else ''


def use(model, args):
    """The model card's `use` after 'class logits at stride 4'."""
    if model.trunk == 'mix':
        return (f': {model.weight:g} x a MobileNetV2 detector\'s{averaged(args["mobilenet"])} + {1 - model.weight:g} x a '
                f'CenterNet detector\'s{averaged(args["centernet"])}')
    notes = ['stride-8 logits upsampled x2' + (' plus a stride-4 correction' if model.fine4 else '')] if model.trunk == 'mobilenetv2' else []
    notes += [averaged(args, '', '')] if args.get('seeds') else []
    return f' ({"; ".join(notes)})' if notes else ''


def trunk_base(model, args):
    if model.trunk == 'centernet':
        return (f'CenterNet of {CENTERNET_SOURCE}: its stem and blocks 0-2 frozen, blocks 3-14 and its neck fine-tuned, '
                'new stride-4 head')
    return 'MobileNetV2 weights of nsfwjs 4.3.0 (MIT): ' + base(args) + ', new decoder'


def training(args):
    """The model card's record of a detector.py checkpoint's recipe."""
    return {k: args[k] for k in ('trunk', 'epochs', 'views', 'batch', 'lr', 'seed', 'seeds', 'size', 'unfreeze', 'frozen',
                                 'members_frozen', 'fine4', 'weak', 'weak_weight', 'weak_k') if k in args}


def export(ckpt, metrics_path, command):
    model, s = detector.load_detector(ckpt)
    WIDTH, HEIGHT = detector.WIDTH, detector.HEIGHT
    args = s['args']
    os.makedirs(OUT, exist_ok=True)
    metrics = json.load(open(metrics_path))
    val, post = metrics['val'], metrics['post']
    mix = model.trunk == 'mix'
    topology, named = graph(model, HEIGHT, WIDTH)
    manifest, nbytes = weights_io.write(OUT, named, 'uint8')
    mj = {'format': 'graph-model', 'generatedBy': 'training/garments/export_detector.py', 'convertedBy': None,
          'modelTopology': topology, 'weightsManifest': manifest,
          'signature': {'inputs': {'input': {'name': 'input:0', 'dtype': 'DT_FLOAT'}},
                        'outputs': {OUTPUT: {'name': f'{OUTPUT}:0', 'dtype': 'DT_FLOAT'}}},
          'userDefinedMetadata': {'classes': CLASSES, 'input': [HEIGHT, WIDTH], 'stride': 4, 'post': post, 'output': OUTPUT}}
    with open(os.path.join(OUT, 'model.json'), 'w') as f:
        json.dump(mj, f)
    card = {
        'name': 'garment-detector',
        'use': f'garment segmentation of a {WIDTH} x {HEIGHT} letterboxed photo: class logits at stride 4' + use(model, args),
        'format': 'graph',
        'weights': weights_io.STORAGE['uint8'],
        'version': 1,
        'source': f'trained by Mirror: {command} (training/garments/detector.py{", detector_mix.py" if mix else ""}, then export_detector.py)',
        'base': '; '.join(trunk_base(m, a) for m, a in parts(model, args)),
        'license': 'MIT (base weights); training data Clothing Co-Parsing (Apache-2.0 repository), research use',
        'training_data': 'ccp/ (Clothing Co-Parsing), split "train": the 704 photos with pixel masks'
                         + (' (per-pixel loss) and the 1,094 tag-only photos (presence loss on the tags)'
                            if all(a.get('weak') for _, a in parts(model, args)) else ''),
        'classes': CLASSES,
        'outputs': {OUTPUT: f'[n, {HEIGHT // 4}, {WIDTH // 4}, {len(CLASSES)}] class logits'},
        'date': datetime.date.today().isoformat(),
        'metrics': {'split': 'val (100 pixel-annotated CCP photos), torch with the weights as stored (detector.py), union-box IoU >= 0.5 per category',
                    'recall_macro6': val['macro']['recall'], 'precision_macro6': val['macro']['precision'],
                    'pixel_accuracy': val['pixel_accuracy'],
                    'per_category': {c: {k: val[c][k] for k in ('recall', 'precision')} for c in val if c not in ('macro', 'pixel_accuracy')}},
        'post_processing': post,
        'training': ({'trunk': 'mix', 'weight': model.weight, 'size': args['size'], 'mobilenet': training(args['mobilenet']),
                      'centernet': training(args['centernet'])} if mix else training(args)),
    }
    with open(os.path.join(OUT, 'model-card.json'), 'w') as f:
        json.dump(card, f, indent=2)
        f.write('\n')
    print(f'wrote {OUT}: {nbytes} bytes of weights, {len(manifest[0]["weights"])} tensors')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', default=os.path.join(CACHE, 'detector-seed1.pt'))
    ap.add_argument('--metrics', default=os.path.join(CACHE, 'metrics.json'))
    ap.add_argument('--command', default='npm run train:detector -- --data ../shared/data/ccp')
    a = ap.parse_args()
    export(a.ckpt, a.metrics, a.command)


if __name__ == '__main__':
    main()
