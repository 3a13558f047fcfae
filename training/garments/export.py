"""Exports a trained garment net checkpoint as a tfjs layers model (model.json + one weights bin).

  /usr/bin/python3 training/garments/export.py [--ckpt .cache/garments/ckpt-seed1.pt] [--command "..."]

The topology is the nsfwjs Keras graph up to `flatten_1` with every BatchNormalization removed (it was
folded into the convolutions, which therefore get a bias), plus three Dense layers:
  flatten_1 -> garment_type (10, softmax)
  flatten_1 -> embed_hidden (512, relu) -> garment_embed (128, linear; the app L2-normalises it)
Weights are stored as float16 (weights_io.py, `KERNELS`): the per-channel uint8 of the detector would halve the
file, but the outfit scorer measured lower on the embeddings it gives (docs/garment-models.md, "Stored weights").
Writes public/models/trained/garment-net/{model.json, group1-shard1of1.bin, model-card.json}.
"""
import argparse
import copy
import datetime
import json
import os

import numpy as np
import torch

import weights_io
from mobilenet import MobileNetV2
from train import CACHE, ROOT, GarmentNet

OUT = os.path.join(os.environ.get('MIRROR_TRAIN_OUT') or os.path.join(ROOT, 'public', 'models', 'trained'), 'garment-net')
VERSION = 2  # garment-net 2: clothing + CCP cut-outs, 24 epochs (1: clothing only, 16 epochs)
NSFWJS = os.path.join(ROOT, 'public', 'models', 'mobilenet-v2', 'model.json')


def dense_layer(name, units, activation, inbound):
    return {'class_name': 'Dense', 'name': name, 'inbound_nodes': [[[inbound, 0, 0, {}]]],
            'config': {'name': name, 'trainable': True, 'units': units, 'activation': activation, 'use_bias': True,
                       'kernel_initializer': {'class_name': 'Zeros', 'config': {}},
                       'bias_initializer': {'class_name': 'Zeros', 'config': {}},
                       'kernel_regularizer': None, 'bias_regularizer': None, 'activity_regularizer': None,
                       'kernel_constraint': None, 'bias_constraint': None}}


def folded_topology(last, input_shape=None):
    """The nsfwjs Keras topology up to layer `last`, without its BatchNormalization layers (folded into the
    convolutions, which get a bias); optionally another input shape. Returns (topology, layers)."""
    with open(NSFWJS) as f:
        src = json.load(f)['modelTopology']
    top = copy.deepcopy(src)
    renamed = {}  # BatchNormalization name -> the conv it follows
    out = []
    for l in top['model_config']['config']['layers']:
        if l['class_name'] == 'BatchNormalization':
            renamed[l['name']] = l['inbound_nodes'][0][0][0]
            continue
        for node in l['inbound_nodes']:
            for ref in node:
                ref[0] = renamed.get(ref[0], ref[0])
        if l['class_name'] == 'InputLayer' and input_shape:
            l['config']['batch_input_shape'] = [None, *input_shape]
        if l['class_name'] in ('Conv2D', 'DepthwiseConv2D'):
            l['config']['use_bias'] = True
            l['config']['bias_initializer'] = {'class_name': 'Zeros', 'config': {}}
        out.append(l)
        if l['name'] == last:
            break
    top.pop('training_config', None)
    return top, out


def topology(n_labels, hidden, embed_dim):
    top, out = folded_topology('flatten_1')
    out += [dense_layer('garment_type', n_labels, 'softmax', 'flatten_1'),
            dense_layer('embed_hidden', hidden, 'relu', 'flatten_1'),
            dense_layer('garment_embed', embed_dim, 'linear', 'embed_hidden')]
    cfg = top['model_config']['config']
    cfg['name'] = 'garment_net'
    cfg['layers'] = out
    cfg['output_layers'] = [['garment_type', 0, 0], ['garment_embed', 0, 0]]
    return top


def conv_weights(convs):
    """(name, array) in Keras layouts for ConvBias modules (mobilenet.py): kernel and bias each."""
    out = []
    for c in convs:
        w = c.conv.weight.detach().numpy()
        if c.conv.groups > 1:
            out.append((f'{c.keras}/depthwise_kernel', np.transpose(w, (2, 3, 0, 1))))  # [ch,1,kh,kw] -> [kh,kw,ch,1]
        else:
            out.append((f'{c.keras}/kernel', np.transpose(w, (2, 3, 1, 0))))  # [out,in,kh,kw] -> [kh,kw,in,out]
        out.append((f'{c.keras}/bias', c.conv.bias.detach().numpy()))
    return out


# How garment-net stores its weights (weights_io.STORAGE).
KERNELS = 'float16'


def weights(model):
    """(name, array) in Keras layouts."""
    out = conv_weights(model.backbone.convs())
    for name, lin in (('garment_type', model.type_head), ('embed_hidden', model.embed_hidden), ('garment_embed', model.embed_out)):
        out.append((f'{name}/kernel', lin.weight.detach().numpy().T))
        out.append((f'{name}/bias', lin.bias.detach().numpy()))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', default=os.path.join(CACHE, 'ckpt-seed1.pt'))
    ap.add_argument('--metrics', default=os.path.join(CACHE, 'metrics.json'))
    ap.add_argument('--command', default='npm run train:garments -- --data ../shared/data/clothing --ccp ../shared/data/ccp --epochs 24', help='for the model card')
    a = ap.parse_args()
    export(a.ckpt, a.metrics, a.command)


def export(ckpt, metrics_path, command):
    s = torch.load(ckpt)
    labels = s['labels']
    model = GarmentNet(len(labels))
    model.load_state_dict(s['model'])
    model.eval()
    os.makedirs(OUT, exist_ok=True)
    manifest, nbytes = weights_io.write(OUT, weights(model), KERNELS)
    mj = {'format': 'layers-model', 'generatedBy': 'training/garments/export.py', 'convertedBy': None,
          'modelTopology': topology(len(labels), model.embed_hidden.out_features, model.embed_out.out_features),
          'weightsManifest': manifest}
    with open(os.path.join(OUT, 'model.json'), 'w') as f:
        json.dump(mj, f)
    metrics = json.load(open(metrics_path))['val'] if os.path.exists(metrics_path) else s.get('val')
    card = {
        'name': 'garment-net',
        'use': 'garment type (10 clothing_fine_labels) and 128-d garment embedding from a 224 x 224 square crop',
        'format': 'layers',
        'weights': weights_io.STORAGE[KERNELS],
        'version': VERSION,
        'source': f'trained by Mirror: {command} (training/garments/train.py, then export.py)',
        'base': 'MobileNetV2 weights of nsfwjs 4.3.0 (MIT), fine-tuned (blocks 13-16, Conv_1, new heads)',
        'license': 'MIT (base weights); training data: clothing-dataset CC0 1.0'
                   + ('; Clothing Co-Parsing photos (repository Apache-2.0, street-fashion posts: research and training use, '
                      'never shipped)' if s['args'].get('ccp') else ''),
        'training_data': 'clothing-dataset (Alexey Grigorev, CC0 1.0), split "train", rows with one of the ten fine labels'
                         + ('; garments cut out of the Clothing Co-Parsing train photos (Yang et al., CVPR 2014; research use), '
                            'CCP labels mapped to fine labels by training/garments/data.py CCP_FINE' if s['args'].get('ccp') else ''),
        'labels': labels,
        'outputs': {'garment_type': f'[n, {len(labels)}] softmax', 'garment_embed': f'[n, {model.embed_out.out_features}] (L2-normalise)'},
        'date': datetime.date.today().isoformat(),
        'metrics': {'split': 'val (unseen contributors), torch float32', **{k: metrics[k] for k in ('accuracy', 'precision_at_10', 'n') if k in metrics},
                    **({'ccp_val': {k: metrics['ccp_val'][k] for k in ('accuracy', 'precision_at_10', 'n')}} if 'ccp_val' in metrics else {})},
        'training': {k: s['args'][k] for k in ('epochs', 'views', 'batch', 'lr', 'supcon', 'seed', 'dropout', 'cutout', 'cut') if k in s['args']},
    }
    with open(os.path.join(OUT, 'model-card.json'), 'w') as f:
        json.dump(card, f, indent=2)
        f.write('\n')
    print(f'wrote {OUT}: {nbytes} bytes of weights, {len(manifest[0]["weights"])} tensors')


if __name__ == '__main__':
    main()
