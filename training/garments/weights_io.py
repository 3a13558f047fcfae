"""How Mirror's trained tfjs layers models store their weights (export.py, export_detector.py, quantize.py).

Two forms: every weight float16 (`kernels='float16'`: garment-net, whose embeddings feed the outfit scorer,
which measured lower on them in uint8, docs/garment-models.md "Stored weights"), or kernels uint8 per channel
(`kernels='uint8'`: the garment detector). Kernels (every weight of two or more dimensions) stored per-channel uint8: along the output channel
(`axis`: the last one, or 2 for a depthwise kernel, whose channels are its input channels) each channel c
has its own `min[c]` and `scale[c]`, value = min[c] + q * scale[c]. In the weights file such a weight is
C float32 mins, C float32 scales, then its uint8 values in the weight's own layout (n + 8 C bytes). Folded BatchNorm gives kernels whose
channels differ in scale by orders of magnitude, so tfjs's own uint8 (one min and scale per tensor) breaks
them (garment-net: accuracy 0.07), while per channel the rounding error stays under 1/510 of each channel's
range. tfjs does not know this dtype (`uint8_per_channel`: it refuses it rather than misreading it);
workers/models/io.ts turns it into float32 when a model is loaded. Biases and other vectors stay float16.
"""
import json
import os

import numpy as np

PER_CHANNEL = 'uint8_per_channel'
# For model cards.
STORAGE = {
    'uint8': 'kernels uint8 per output channel (own min and scale each), biases float16: training/garments/weights_io.py, decoded by workers/models/io.ts',
    'float16': 'float16 (tfjs quantization dtype float16): training/garments/weights_io.py',
}
_BYTES = {'float16': 2, 'uint16': 2, 'uint8': 1}


def channel_axis(name, shape):
    return 2 if 'depthwise' in name and len(shape) == 4 else len(shape) - 1


def per_channel(moved):
    """(min, step, uint8 values) of a float32 array whose channels are on its last axis."""
    flat = moved.reshape(-1, moved.shape[-1])
    lo = flat.min(0).astype(np.float32)
    hi = flat.max(0).astype(np.float32)
    scale = np.where(hi > lo, (hi - lo) / 255, 1).astype(np.float32)
    return lo, scale, np.clip(np.round((moved - lo) / scale), 0, 255).astype(np.uint8)


def encode(name, arr, kernels='uint8'):
    """(weightsManifest spec, bytes) of one float32 weight (or int32 or scalar constant of a graph model: stored as is)."""
    if kernels not in STORAGE:
        raise ValueError(f'kernels: {kernels} is not one of {list(STORAGE)}')
    if np.asarray(arr).dtype == np.int32:  # a graph's shape or axis constant
        arr = np.ascontiguousarray(arr)
        return {'name': name, 'shape': list(arr.shape), 'dtype': 'int32'}, arr.astype('<i4').tobytes()
    arr = np.ascontiguousarray(arr, dtype=np.float32)
    spec = {'name': name, 'shape': list(arr.shape), 'dtype': 'float32'}
    if arr.ndim == 0:  # a graph's scalar constant (a scale such as 1/6): exact
        return spec, arr.astype('<f4').tobytes()
    if arr.ndim < 2 or kernels == 'float16':
        spec['quantization'] = {'dtype': 'float16'}
        return spec, arr.astype('<f2').tobytes()
    axis = channel_axis(name, arr.shape)
    lo, scale, q = per_channel(np.moveaxis(arr, axis, -1))
    spec['quantization'] = {'dtype': PER_CHANNEL, 'axis': axis}
    return spec, lo.astype('<f4').tobytes() + scale.astype('<f4').tobytes() + np.ascontiguousarray(np.moveaxis(q, -1, axis)).tobytes()


def write(out_dir, named, kernels='uint8'):
    """Writes group1-shard1of1.bin and returns its weightsManifest and byte count."""
    specs, blobs = [], []
    for name, arr in named:
        spec, data = encode(name, arr, kernels)
        specs.append(spec)
        blobs.append(data)
    data = b''.join(blobs)
    with open(os.path.join(out_dir, 'group1-shard1of1.bin'), 'wb') as f:
        f.write(data)
    return [{'paths': ['group1-shard1of1.bin'], 'weights': specs}], len(data)


def read(model_dir):
    """(model.json, [(name, float32 or int32 array)]) of a layers or graph model directory in any of the stored forms."""
    mj = json.load(open(os.path.join(model_dir, 'model.json')))
    out = []
    for group in mj['weightsManifest']:
        data = b''.join(open(os.path.join(model_dir, p), 'rb').read() for p in group['paths'])
        off = 0
        for w in group['weights']:
            n = int(np.prod(w['shape'])) if w['shape'] else 1
            q = (w.get('quantization') or {}).get('dtype')
            nbytes = n + 8 * w['shape'][w['quantization']['axis']] if q == PER_CHANNEL else n * _BYTES.get(q, 4)
            raw = data[off:off + nbytes]
            off += nbytes
            if q == 'float16':
                a = np.frombuffer(raw, '<f2').astype(np.float32)
            elif q == PER_CHANNEL:
                axis = w['quantization']['axis']
                c = w['shape'][axis]
                lo, scale = np.frombuffer(raw[:4 * c], '<f4'), np.frombuffer(raw[4 * c:8 * c], '<f4')
                u = np.moveaxis(np.frombuffer(raw[8 * c:], np.uint8).reshape(w['shape']), axis, -1).astype(np.float32)
                a = np.moveaxis(u * scale + lo, -1, axis)
            elif q is None:
                a = np.frombuffer(raw, '<i4' if w['dtype'] == 'int32' else '<f4')
            else:
                raise ValueError(f'{w["name"]}: quantization {q} is not read here')
            out.append((w['name'], np.asarray(a).reshape(w['shape'])))
    return mj, out


def as_stored(t, kernels='uint8'):
    """A torch parameter (output channels first, as every torch conv and linear weight has them) rounded as
    encode() stores it: what the app computes with."""
    import torch
    a = t.detach().float().numpy()
    if a.ndim < 2 or kernels == 'float16':
        return torch.from_numpy(a.astype(np.float16).astype(np.float32))
    moved = np.moveaxis(a, 0, -1)
    lo, scale, q = per_channel(moved)
    return torch.from_numpy(np.ascontiguousarray(np.moveaxis(q * scale + lo, -1, 0)).astype(np.float32))
