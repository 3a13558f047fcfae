"""Writes tfjs graph models (TensorFlow GraphDef nodes in the JSON that tfjs-converter writes) from torch modules:
export_detector.py's graph models (the CenterNet trunk, centernet.py; the two trunks mixed, detector_mix.py).

A Graph collects nodes and the weights of its Const nodes ([(name, float32 or int32 array)], in tfjs layouts:
conv kernels [kh, kw, in, out], depthwise [kh, kw, channels, 1]), which weights_io.write() stores.
"""
import base64

import numpy as np
import torch.nn as nn

FLOAT = {'type': 'DT_FLOAT'}


def b64(s):
    return base64.b64encode(s.encode()).decode()


def ints(values):
    return {'list': {'i': [str(v) for v in values]}}


def tf_kernel(w, depthwise):
    """A torch conv weight (numpy, [out, in, kh, kw]; depthwise [channels, 1, kh, kw]) in the tfjs layout."""
    return w.transpose(2, 3, 0, 1) if depthwise else w.transpose(2, 3, 1, 0)


class Graph:
    def __init__(self):
        self.nodes = []
        self.values = []

    def add(self, node):
        self.nodes.append(node)
        return node['name']

    def placeholder(self, name, shape):
        return self.add({'name': name, 'op': 'Placeholder', 'attr': {'dtype': FLOAT, 'shape': {'shape': {'dim': [
            {'size': str(d)} for d in shape]}}}})

    def const(self, name, v):
        """A weight or constant: float32, or int32 for shapes and axes."""
        v = np.asarray(v)
        dtype = 'DT_INT32' if v.dtype == np.int32 else 'DT_FLOAT'
        self.values.append((name, v.astype(np.int32) if dtype == 'DT_INT32' else v.astype(np.float32)))
        return self.add({'name': name, 'op': 'Const', 'attr': {'dtype': {'type': dtype}, 'value': {'tensor': {
            'dtype': dtype, 'tensorShape': {'dim': [{'size': str(d)} for d in v.shape]} if v.shape else {}}}}})

    def op(self, name, op, inputs, **attr):
        return self.add({'name': name, 'op': op, 'input': list(inputs), 'attr': {'T': FLOAT, **attr}})

    def conv(self, name, x, conv: nn.Conv2d, stride=1, activation=None):
        """A Conv2d (or depthwise, groups == channels) with its bias and an optional fused 'Relu' or 'Relu6', padding
        SAME: for a stride 1 odd kernel, torch's symmetric (k - 1) / 2; for a stride-2 3 x 3 on an even size, (0, 1)
        (Keras' ZeroPadding2D of MobileNetV2)."""
        depthwise = conv.groups > 1
        assert not depthwise or conv.groups == conv.in_channels == conv.out_channels, f'{name}: depthwise with multiplier 1 only'
        w = conv.weight.detach().float().numpy()
        kernel = self.const(f'{name}/depthwise_weights' if depthwise else f'{name}/weights', tf_kernel(w, depthwise))
        bias = self.const(f'{name}/bias', conv.bias.detach().float().numpy())
        fused = ['BiasAdd'] + ([activation] if activation else [])
        return self.op(name, 'FusedDepthwiseConv2dNative' if depthwise else '_FusedConv2D', [x, kernel, bias],
                       strides=ints([1, stride, stride, 1]), dilations=ints([1, 1, 1, 1]), num_args={'i': '1'},
                       data_format={'s': b64('NHWC')}, padding={'s': b64('SAME')}, explicit_paddings={'list': {}},
                       epsilon={'f': 0}, fused_ops={'list': {'s': [b64(f) for f in fused]}})

    def resize(self, name, x, size, bilinear=False):
        """x resized to `size` [h, w]: nearest (x2 of a nearest UpSampling2D: each cell repeated) or bilinear with
        half-pixel centres (torch's align_corners=False)."""
        s = self.const(f'{name}/size', np.array(size, np.int32))
        return self.op(name, 'ResizeBilinear' if bilinear else 'ResizeNearestNeighbor', [x, s],
                       align_corners={'b': False}, half_pixel_centers={'b': bilinear})

    def weighted_sum(self, name, terms):
        """sum of w * x over [(x, w)], one Mul per term and an AddN."""
        scaled = []
        for i, (x, w) in enumerate(terms):
            c = self.const(f'{name}/w{i}', np.float32(w))
            scaled.append(self.op(f'{name}/term{i}', 'Mul', [x, c]))
        return self.op(name, 'AddN', scaled, N={'i': str(len(scaled))})

    def topology(self):
        return {'node': self.nodes, 'library': {}, 'versions': {}}
