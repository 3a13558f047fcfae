"""MobileNetV2 (alpha 1.0, 224x224) in plain torch, with the layer names of the nsfwjs Keras model.

BatchNorm is folded into each convolution when the nsfwjs weights are loaded
(w' = w * g / sqrt(v + eps), b' = beta - mean * g / sqrt(v + eps)), so every conv here has a bias and
there is no BatchNorm layer: fine-tuning then keeps the pretrained statistics frozen (what one wants with
small batches on a CPU), and the export is plain Conv2D/DepthwiseConv2D + bias + ReLU6.

Tensors are NCHW in torch; Keras/tfjs kernels are [kh, kw, in, out] (conv) and [kh, kw, in, 1]
(depthwise). Strided convs use Keras' ZeroPadding2D ((0, 1), (0, 1)) + 'valid', not torch's symmetric pad.
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# (expansion t, output channels c, repeats n, first stride s), the MobileNetV2 paper's table 2.
SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


class ConvBias(nn.Module):
    """Conv (BN folded in) + optional ReLU6; `keras` is the Keras conv layer name, `relu` its ReLU layer."""

    def __init__(self, keras, cin, cout, k, stride, depthwise=False, relu=True):
        super().__init__()
        self.keras, self.stride, self.relu = keras, stride, relu
        groups = cin if depthwise else 1
        self.conv = nn.Conv2d(cin, cout, k, stride, padding=0, groups=groups, bias=True)
        self.k = k

    def forward(self, x):
        if self.k == 3:
            # Keras: stride 2 -> ZeroPadding2D(((0,1),(0,1))) + valid; stride 1 -> 'same' (1 each side).
            x = F.pad(x, (0, 1, 0, 1)) if self.stride == 2 else F.pad(x, (1, 1, 1, 1))
        x = self.conv(x)
        return F.relu6(x) if self.relu else x


class Block(nn.Module):
    def __init__(self, prefix, cin, cout, t, stride):
        super().__init__()
        hidden = cin * t
        self.expand = ConvBias(f'{prefix}_expand', cin, hidden, 1, 1) if t != 1 else None
        self.depthwise = ConvBias(f'{prefix}_depthwise', hidden, hidden, 3, stride, depthwise=True)
        self.project = ConvBias(f'{prefix}_project', hidden, cout, 1, 1, relu=False)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.expand(x) if self.expand is not None else x
        y = self.project(self.depthwise(y))
        return x + y if self.residual else y


class MobileNetV2(nn.Module):
    """Input [n, 3, 224, 224] RGB in 0..1 (no mean/std: nsfwjs divides by 255 only). Output [n, 1280]."""

    def __init__(self):
        super().__init__()
        self.stem = ConvBias('Conv1', 3, 32, 3, 2)
        blocks, cin, i = [], 32, 0
        for t, c, n, s in SETTINGS:
            for r in range(n):
                prefix = 'expanded_conv' if i == 0 else f'block_{i}'
                blocks.append(Block(prefix, cin, c, t, s if r == 0 else 1))
                cin, i = c, i + 1
        self.blocks = nn.ModuleList(blocks)
        self.head = ConvBias('Conv_1', 320, 1280, 1, 1)

    def forward_from(self, x, start):
        """Runs blocks[start:] and the head on a block input `x`; returns pooled [n, 1280]."""
        for b in self.blocks[start:]:
            x = b(x)
        return self.head(x).mean(dim=(2, 3))

    def trunk(self, x, stop):
        """Stem and blocks[:stop]; the input of blocks[stop]."""
        x = self.stem(x)
        for b in self.blocks[:stop]:
            x = b(x)
        return x

    def forward(self, x):
        return self.forward_from(self.trunk(x, 0), 0)

    def convs(self):
        yield self.stem
        for b in self.blocks:
            for c in (b.expand, b.depthwise, b.project):
                if c is not None:
                    yield c
        yield self.head


def read_tfjs_weights(model_dir):
    """Decodes a tfjs weightsManifest (float32, or uint8/uint16 affine, or float16 quantisation)."""
    with open(os.path.join(model_dir, 'model.json')) as f:
        model = json.load(f)
    out = {}
    for group in model['weightsManifest']:
        buf = b''.join(open(os.path.join(model_dir, p), 'rb').read() for p in group['paths'])
        off = 0
        for w in group['weights']:
            n = int(np.prod(w['shape'])) if w['shape'] else 1
            q = w.get('quantization')
            if q is None:
                arr = np.frombuffer(buf, np.float32, n, off); off += 4 * n
            elif q['dtype'] == 'float16':
                arr = np.frombuffer(buf, np.float16, n, off).astype(np.float32); off += 2 * n
            else:
                dt = np.uint8 if q['dtype'] == 'uint8' else np.uint16
                raw = np.frombuffer(buf, dt, n, off); off += raw.itemsize * n
                arr = raw.astype(np.float32) * np.float32(q['scale']) + np.float32(q['min'])
            out[w['name']] = arr.reshape(w['shape'])
    return model, out


def load_nsfwjs(net, model_dir):
    """Loads the nsfwjs MobileNetV2 weights into `net`, folding each BatchNorm into its conv."""
    model, w = read_tfjs_weights(model_dir)
    eps = {l['name']: l['config']['epsilon'] for l in model['modelTopology']['model_config']['config']['layers']
           if l['class_name'] == 'BatchNormalization'}
    for c in net.convs():
        name = c.keras
        depthwise = c.conv.groups > 1
        k = w[f'{name}/depthwise_kernel' if depthwise else f'{name}/kernel']
        bn = 'bn_Conv1' if name == 'Conv1' else 'Conv_1_bn' if name == 'Conv_1' else f'{name}_BN'
        g, beta, mean, var = (w[f'{bn}/{p}'] for p in ('gamma', 'beta', 'moving_mean', 'moving_variance'))
        scale = g / np.sqrt(var + eps[bn])
        if depthwise:  # [kh, kw, ch, 1] -> [ch, 1, kh, kw]
            kt = np.transpose(k, (2, 3, 0, 1)) * scale[:, None, None, None]
        else:  # [kh, kw, in, out] -> [out, in, kh, kw]
            kt = np.transpose(k, (3, 2, 0, 1)) * scale[:, None, None, None]
        bias = beta - mean * scale
        c.conv.weight.data = torch.from_numpy(np.ascontiguousarray(kt, dtype=np.float32))
        c.conv.bias.data = torch.from_numpy(bias.astype(np.float32))
    return net
