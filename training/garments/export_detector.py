"""Exports a trained garment detector checkpoint as a tfjs layers model (model.json + one weights bin: kernels
per-channel uint8, biases float16, weights_io.py).

  /usr/bin/python3 training/garments/export_detector.py [--ckpt .cache/detector/detector-seed1.pt]

The topology is the nsfwjs Keras graph up to `block_16_project` with every BatchNormalization removed (folded
into the convolutions, which therefore get a bias) and a fixed input of [n, H, W, 3] (RGB / 255; the checkpoint's --size: 320 x 480 by default, 256 x 384 before it existed), plus the
decoder of detector.py in Keras layers (Conv2D / DepthwiseConv2D with ReLU6, UpSampling2D nearest, Add).
Output `dec_logits`: [n, H / 8, W / 8, len(CLASSES)] class logits at stride 8 (the app upsamples and takes softmax).
A model trained with --fine4 has a second output, `dec_logits4`: [n, H / 4, W / 4, len(CLASSES)], the stride-4
correction that the app adds to the upsampled `dec_logits` (detector.Decoder; metadata `correction4`).
An ensemble checkpoint (detector.py --ensemble) keeps the layers every member left frozen (up to block_5_add, or
block_2_add with a member trained with --frozen 3) once and gives every member its own later blocks and decoder (layer
names m0_..., m1_...); `dec_logits` is then the Average of their logits.
A model with the CenterNet trunk (detector.py --trunk centernet) is a tfjs graph model instead (centernet.py
export_graph(): CenterNet's own graph nodes with the trained weights, its frozen part once, each member's nodes under
m0/, m1/...), whose one output `logits4` is the members' mean class logits at stride 4 (metadata `stride` 4, `output`).
A detector.Mix (detector_mix.py --export: a MobileNetV2 detector and a CenterNet one averaged) is a graph model too, with
the same input and output: mobilenet_nodes() writes the MobileNetV2 network as graph nodes (under mobilenet/), CenterNet's
nodes are under centernet/, and `logits4` is their weighted sum; the thresholds are the ones tuned on the mix.
Writes public/models/trained/garment-detector/{model.json, group1-shard1of1.bin, model-card.json}.
"""
import argparse
import copy
import datetime
import json
import os

import numpy as np
import torch

import detector
import weights_io
from centernet import SOURCE as CENTERNET_SOURCE, centernet_nodes, export_graph
from detector import CACHE, CLASSES, ROOT
from export import conv_weights, folded_topology
from tfgraph import Graph

OUT = os.path.join(os.environ.get('MIRROR_TRAIN_OUT') or os.path.join(ROOT, 'public', 'models', 'trained'), 'garment-detector')
LAST = 'block_16_project'
GRAPH_OUTPUT = 'logits4'


def conv_layer(name, inbound, filters=None, k=1, depthwise=False, activation='relu6'):
    cfg = {'name': name, 'trainable': True, 'kernel_size': [k, k], 'strides': [1, 1], 'padding': 'same',
           'data_format': 'channels_last', 'dilation_rate': [1, 1], 'activation': activation, 'use_bias': True,
           'bias_initializer': {'class_name': 'Zeros', 'config': {}}, 'bias_regularizer': None,
           'activity_regularizer': None, 'bias_constraint': None}
    if depthwise:
        cfg.update(depth_multiplier=1, depthwise_initializer={'class_name': 'Zeros', 'config': {}},
                   depthwise_regularizer=None, depthwise_constraint=None)
    else:
        cfg.update(filters=filters, kernel_initializer={'class_name': 'Zeros', 'config': {}},
                   kernel_regularizer=None, kernel_constraint=None)
    return {'class_name': 'DepthwiseConv2D' if depthwise else 'Conv2D', 'name': name, 'config': cfg,
            'inbound_nodes': [[[inbound, 0, 0, {}]]]}


def up_layer(name, inbound):
    return {'class_name': 'UpSampling2D', 'name': name, 'inbound_nodes': [[[inbound, 0, 0, {}]]],
            'config': {'name': name, 'trainable': True, 'size': [2, 2], 'data_format': 'channels_last', 'interpolation': 'nearest'}}


def add_layer(name, a, b):
    return {'class_name': 'Add', 'name': name, 'config': {'name': name, 'trainable': True},
            'inbound_nodes': [[[a, 0, 0, {}], [b, 0, 0, {}]]]}


def shared_layers(layers, frozen):
    """How many of a single detector's layers (in topology order) the members of an ensemble share when the fewest
    blocks one of them left frozen is `frozen` (detector.FEATURES): those up to the last frozen block's output, the
    same in every member (block_5_add, or block_2_add)."""
    return [l['name'] for l in layers].index(f'block_{frozen - 1}_add') + 1


def topology(model):
    """One detector; for an Ensemble, the shared layers (shared_layers()) once, then each member's layers after it
    under the prefix m<i>_, and `dec_logits` the Average of the members' logits."""
    if isinstance(model, detector.Ensemble):
        one = topology(model.members[0])
        layers = one['model_config']['config']['layers']
        cut = shared_layers(layers, model.frozen)
        shared = {l['name'] for l in layers[:cut]}
        out = layers[:cut]
        for i in range(len(model.members)):
            for l in copy.deepcopy(layers[cut:]):
                l['name'] = l['config']['name'] = f'm{i}_' + l['name']
                for node in l['inbound_nodes']:
                    for ref in node:
                        ref[0] = ref[0] if ref[0] in shared else f'm{i}_' + ref[0]
                out.append(l)
        # The upsampling is linear, so the average of the members' corrected maps is the corrected average.
        heads = outputs(model)
        for head in heads:
            out.append({'class_name': 'Average', 'name': head, 'config': {'name': head, 'trainable': True},
                        'inbound_nodes': [[[f'm{i}_{head}', 0, 0, {}] for i in range(len(model.members))]]})
        one['model_config']['config']['layers'] = out
        one['model_config']['config']['output_layers'] = [[h, 0, 0] for h in heads]
        return one
    top, out = folded_topology(LAST, (detector.HEIGHT, detector.WIDTH, 3))
    d = model.decoder
    out += [
        conv_layer('dec_lat32', LAST, d.lat32.conv.out_channels),
        *stage(16, 'dec_lat32', 'block_12_add', d.lat16, d.pw16),
        *stage(8, 'dec_pw16', 'block_5_add', d.lat8, d.pw8),
        conv_layer('dec_logits', 'dec_pw8', d.logits.conv.out_channels, activation='linear'),
    ]
    if d.fine4:
        out += [
            conv_layer('dec_red8', 'dec_pw8', d.red8.conv.out_channels),
            *stage(4, 'dec_red8', 'block_2_add', d.lat4, d.pw4),
            conv_layer('dec_logits4', 'dec_pw4', d.logits4.conv.out_channels, activation='linear'),
        ]
    cfg = top['model_config']['config']
    cfg['name'] = 'garment_detector'
    cfg['layers'] = out
    cfg['output_layers'] = [[h, 0, 0] for h in outputs(model)]
    return top


def stage(s, coarse, lateral, lat, pw):
    """One decoder stage at stride s (detector.Decoder): `coarse` upsampled x2 (nearest) plus a 1x1 lateral of the
    trunk's `lateral` features, then depthwise 3x3 and 1x1 (layers dec_up{2s}, dec_lat{s}, dec_add{s}, dec_dw{s},
    dec_pw{s}; `lat` and `pw` are the ConvBias modules whose widths they take)."""
    return [
        up_layer(f'dec_up{2 * s}', coarse),
        conv_layer(f'dec_lat{s}', lateral, lat.conv.out_channels),
        add_layer(f'dec_add{s}', f'dec_up{2 * s}', f'dec_lat{s}'),
        conv_layer(f'dec_dw{s}', f'dec_add{s}', k=3, depthwise=True),
        conv_layer(f'dec_pw{s}', f'dec_dw{s}', pw.conv.out_channels),
    ]


def outputs(model):
    """The graph's outputs: the stride-8 logits, and with --fine4 the stride-4 correction."""
    return ['dec_logits', 'dec_logits4'] if model.fine4 else ['dec_logits']


def mobilenet_nodes(g, model, height, width, x='input', prefix='mobilenet/'):
    """Writes into tfgraph.Graph `g` the same network as topology() on the input node `x` (RGB / 255, [n, height,
    width, 3]): the blocks every member left frozen once under `prefix`, each member's later blocks and decoder under
    prefix + m0/, m1/.... Returns each member's stride-4 class logits node: the stride-8 logits upsampled x2
    (bilinear, half-pixel centres) plus, with --fine4, the stride-4 correction (what the app does with a layers model)."""
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


def mix_graph(mix, height, width, output):
    """tfjs graph-model topology and weights of a detector.Mix: input `input` [n, height, width, 3] RGB / 255, output
    `output` [n, height / 4, width / 4, classes], weight x the MobileNetV2 members' mean logits + (1 - weight) x the
    CenterNet members' mean."""
    g = Graph()
    g.placeholder('input', [-1, height, width, 3])
    a = mobilenet_nodes(g, mix.mobilenet, height, width)
    centernet = list(mix.centernet.members) if isinstance(mix.centernet, detector.Ensemble) else [mix.centernet]
    b = centernet_nodes(g, centernet, height, width, prefix='centernet/')
    g.weighted_sum(output, [(h, mix.weight / len(a)) for h in a] + [(h, (1 - mix.weight) / len(b)) for h in b])
    return g.topology(), g.values


def weights(model):
    """(name, array) in Keras layouts, for every conv in the topology (Conv_1 is not in it)."""
    if isinstance(model, detector.Ensemble):
        layers = topology(model.members[0])['model_config']['config']['layers']
        shared = {l['name'] for l in layers[:shared_layers(layers, model.frozen)]}
        out = [(n, a) for n, a in weights(model.members[0]) if n.split('/')[0] in shared]
        for i, m in enumerate(model.members):
            out += [(f'm{i}_{n}', a) for n, a in weights(m) if n.split('/')[0] not in shared]
        return out
    return conv_weights(convs(model))


def convs(model):
    """One Detector's convolutions in the topology's order (the backbone's without Conv_1, then the decoder's)."""
    return [c for c in model.backbone.convs() if c is not model.backbone.head] + model.decoder.convs()


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
    """The model card's `use` after 'class logits at stride '."""
    if model.trunk == 'mix':
        return (f'4: {model.weight:g} x a MobileNetV2 detector\'s (stride-8 logits upsampled x2 plus a stride-4 correction'
                f'{averaged(args["mobilenet"], "; ", "")}) + {1 - model.weight:g} x a CenterNet detector\'s{averaged(args["centernet"])}')
    if model.trunk == 'centernet':
        return '4' + averaged(args)
    return '8' + (', corrected at stride 4' if model.fine4 else '') + averaged(args)


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
    centernet = model.trunk == 'centernet'
    mix = model.trunk == 'mix'
    if centernet or mix:
        members = list(model.members) if isinstance(model, detector.Ensemble) else [model]
        graph, named = mix_graph(model, HEIGHT, WIDTH, GRAPH_OUTPUT) if mix else export_graph(members, HEIGHT, WIDTH, GRAPH_OUTPUT)
        manifest, nbytes = weights_io.write(OUT, named, 'uint8')
        mj = {'format': 'graph-model', 'generatedBy': 'training/garments/export_detector.py', 'convertedBy': None,
              'modelTopology': graph, 'weightsManifest': manifest,
              'signature': {'inputs': {'input': {'name': 'input:0', 'dtype': 'DT_FLOAT'}},
                            'outputs': {GRAPH_OUTPUT: {'name': f'{GRAPH_OUTPUT}:0', 'dtype': 'DT_FLOAT'}}},
              'userDefinedMetadata': {'classes': CLASSES, 'input': [HEIGHT, WIDTH], 'stride': 4, 'post': post, 'output': GRAPH_OUTPUT}}
    else:
        manifest, nbytes = weights_io.write(OUT, weights(model), 'uint8')
        mj = {'format': 'layers-model', 'generatedBy': 'training/garments/export_detector.py', 'convertedBy': None,
              'modelTopology': topology(model), 'weightsManifest': manifest}
        mj['userDefinedMetadata'] = {'classes': CLASSES, 'input': [HEIGHT, WIDTH], 'stride': 8, 'post': post,
                                     **({'correction4': 'dec_logits4'} if model.fine4 else {})}
    with open(os.path.join(OUT, 'model.json'), 'w') as f:
        json.dump(mj, f)
    card = {
        'name': 'garment-detector',
        'use': f'garment segmentation of a {WIDTH} x {HEIGHT} letterboxed photo: class logits at stride ' + use(model, args),
        'format': 'graph' if centernet or mix else 'layers',
        'weights': weights_io.STORAGE['uint8'],
        'version': 1,
        'source': f'trained by Mirror: {command} (training/garments/detector.py{", detector_mix.py" if mix else ""}, then export_detector.py)',
        'base': '; '.join(trunk_base(m, a) for m, a in parts(model, args)),
        'license': 'MIT (base weights); training data Clothing Co-Parsing (Apache-2.0 repository), research use',
        'training_data': 'ccp/ (Clothing Co-Parsing), split "train": the 704 photos with pixel masks'
                         + (' (per-pixel loss) and the 1,094 tag-only photos (presence loss on the tags)'
                            if all(a.get('weak') for _, a in parts(model, args)) else ''),
        'classes': CLASSES,
        'outputs': ({GRAPH_OUTPUT: f'[n, {HEIGHT // 4}, {WIDTH // 4}, {len(CLASSES)}] class logits'} if centernet or mix else
                    {'dec_logits': f'[n, {HEIGHT // 8}, {WIDTH // 8}, {len(CLASSES)}] class logits',
                     **({'dec_logits4': f'[n, {HEIGHT // 4}, {WIDTH // 4}, {len(CLASSES)}] correction added to dec_logits '
                                        'upsampled x2 (bilinear, half-pixel centres)'} if model.fine4 else {})}),
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
