"""Trains Mirror's garment detector: a light segmentation decoder on the nsfwjs MobileNetV2, or (--trunk centernet) a
stride-4 head on CenterNet's MobileNetV3 and neck (centernet.py).

  nice -n 10 /usr/bin/python3 training/garments/detector.py --data ../shared/data/ccp [--epochs 12]
  (npm run train:detector -- --data ../shared/data/ccp)
  The shipped members (garment detector 4, MobileNetV2): --frozen 3 --fine4 48, seeds 1-3, then --ensemble
  (docs/garment-models.md). The CenterNet trunk (measured, not shipped): --trunk centernet, seeds 1-3, then --ensemble.

The model labels every cell of a 320 x 480 (w x h, --size) letterboxed photo, at stride 8 (with --fine4, plus a
stride-4 correction from block_2's features; with --trunk centernet, at stride 4), with one of CLASSES;
the app (workers/models/garment-detector, workers/pipeline/regions.ts) turns the class map into garments:
connected cells of one category, near ones merged, each with a box, a score and its mask.

Deterministic given --seed (fixed augmentation draws and batch order, torch on --threads threads).
Steps, each cached under .cache/detector/ (gitignored; nothing derived from the data is committed):
 1. views: every pixel-annotated `train` photo gives --views letterboxed views (the first plain, the others
    zoomed out 0.6-1x at a random place, flipped half the time, colour-jittered); `val` gives the plain view;
    every tag-only `train` photo gives --weak views made the same way. Letterboxing is the app's: halve by
    2 x 2 average pooling while the photo is at least twice the target, then bilinear (half-pixel centres) to
    the target size, grey 128 around. The frozen trunk (stem and blocks 0..5, or 0..2 with --frozen 3; nsfwjs
    weights, BatchNorm folded) runs once per view; its output (block_5's at stride 8, or block_2's at stride 4)
    and block_12's (stride 16, used with --no-unfreeze) are stored as float16 with the labels at stride 4.
 2. training: blocks 6..16, or 3..16 (from nsfwjs; up to 12 at 0.1x the rate, 13..16 at 0.3x) + the decoder. Each step has
    a batch of pixel views, cross-entropy on the logits upsampled to stride 4 (weights 1/sqrt(class
    frequency), ignored CCP labels such as socks and tights left out), and a batch of tag-only views with the
    presence loss (presence_loss(): a category's k most probable cells against whether a tag names it).
    AdamW, one warm-up epoch then cosine decay. A checkpoint per epoch.
 3. thresholds per category tuned on the train photos, then evaluation on `val` with the app's post-processing
    and the scoring of `cli evaluate` (union boxes per category, IoU >= 0.5): .cache/detector/metrics.json.
Then export_detector.py writes the tfjs model (run at the end unless --no-export).
"""
import argparse
import json
import math
import os
import re
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

from centernet import CenterNetDetector
from data import colour_jitter
from mobilenet import ConvBias, MobileNetV2, load_nsfwjs
from schedule import epoch_rows, log, set_lr, views_by_image
from weights_io import as_stored

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
# MIRROR_TRAIN_CACHE / MIRROR_TRAIN_OUT: the spec (training.spec.ts) trains on tiny data away from the real cache and models.
CACHE = os.path.join(os.environ.get('MIRROR_TRAIN_CACHE') or os.path.join(ROOT, '.cache'), 'detector')
# Keep in step with workers/models/garment-detector/index.ts (DETECTOR).
CLASSES = ['background', 'skin', 'hair', 'top', 'outerwear', 'bottom', 'dress', 'shoes', 'bag', 'hat', 'accessory']
GARMENTS = CLASSES[3:]
WIDTH, HEIGHT = 320, 480  # the model input (--size); the checkpoint records it, export_detector.py reads it back


def set_size(size):
    """'WxH' (multiples of 32) -> the module's WIDTH, HEIGHT, used by letterbox() and the export."""
    global WIDTH, HEIGHT
    w, h = (int(v) for v in size.split('x'))
    assert w % 32 == 0 and h % 32 == 0, f'--size {size}: both sides must be multiples of 32'
    WIDTH, HEIGHT = w, h


def size_tag():
    return f'-{WIDTH}x{HEIGHT}'


def frozen_tag(frozen):
    return '' if frozen == LOW else f'-k{frozen}'


def trunk_tag(net):
    """The views cache key of a model's frozen part: MobileNetV2's blocks (frozen_tag()) or CenterNet's ('-cnk3')."""
    return '-cnk3' if net.trunk == 'centernet' else frozen_tag(net.frozen)
GREY = 128
IGNORE = 255
LOW, MID = 6, 13  # blocks[6] starts stride 16 (its input is block_5_add); blocks[13] starts stride 32
# --frozen: how many blocks stay frozen (nsfwjs weights) and run once per view into the cache, and the key of their
# output there: 6 (blocks 0..5; block_5_add, stride 8) or 3 (blocks 0..2; block_2_add, stride 4, blocks 3..5 trained).
FEATURES = {LOW: 'f8', 3: 'f4'}


def cached_features(d):
    """(key, block index it feeds) of the trunk features in a views cache `d` (or a dict of some of its arrays)."""
    return next((k, start) for start, k in FEATURES.items() if k in d)
# Scoring (cli/evaluate.ts): the six scored categories, presence threshold, IoU for a hit.
SCORED = ['top', 'outerwear', 'bottom', 'dress', 'shoes', 'bag']
MIN_COVER, MIN_IOU = 0.01, 0.5
# Post-processing (workers/pipeline/regions.ts REGIONS; same defaults).
# Per category: components of fewer cells (stride 4) or a lower mean probability are dropped. Defaults here;
# `--tune` picks them per category on train photos and writes them to the metrics and the model card.
POST = {'merge_grow': 0.5, **{c: {'min_prob': None, 'min_cells': 16, 'min_score': 0.5} for c in GARMENTS}}


class Decoder(nn.Module):
    """Stride 32 + stride 16 + stride 8 features -> class logits at stride 8 (1x1 convs, depthwise 3x3, nearest x2)."""

    def __init__(self, n_classes, width=128, fine=96, fine4=0):
        super().__init__()
        self.fine4 = fine4
        self.lat32 = ConvBias('dec_lat32', 320, width, 1, 1)
        self.lat16 = ConvBias('dec_lat16', 96, width, 1, 1)
        self.dw16 = ConvBias('dec_dw16', width, width, 3, 1, depthwise=True)
        self.pw16 = ConvBias('dec_pw16', width, fine, 1, 1)
        self.lat8 = ConvBias('dec_lat8', 32, fine, 1, 1)
        self.dw8 = ConvBias('dec_dw8', fine, fine, 3, 1, depthwise=True)
        self.pw8 = ConvBias('dec_pw8', fine, fine, 1, 1)
        self.logits = ConvBias('dec_logits', fine, n_classes, 1, 1, relu=False)
        if fine4:
            # --fine4: a stride-4 correction of the upsampled logits from the trunk's block_2_add
            # features (24 channels); its last conv starts at zero, so training starts from the stride-8 model.
            self.red8 = ConvBias('dec_red8', fine, fine4, 1, 1)
            self.lat4 = ConvBias('dec_lat4', 24, fine4, 1, 1)
            self.dw4 = ConvBias('dec_dw4', fine4, fine4, 3, 1, depthwise=True)
            self.pw4 = ConvBias('dec_pw4', fine4, fine4, 1, 1)
            self.logits4 = ConvBias('dec_logits4', fine4, n_classes, 1, 1, relu=False)
            with torch.no_grad():
                for t in self.logits4.parameters():
                    t.zero_()

    def convs(self):
        extra = [self.red8, self.lat4, self.dw4, self.pw4, self.logits4] if self.fine4 else []
        return [self.lat32, self.lat16, self.dw16, self.pw16, self.lat8, self.dw8, self.pw8, self.logits, *extra]

    def forward(self, f8, f16, f32, f4=None):
        up = lambda t: F.interpolate(t, scale_factor=2, mode='nearest')
        h = up(self.lat32(f32)) + self.lat16(f16)
        h = self.pw16(self.dw16(h))
        h = up(h) + self.lat8(f8)
        h = self.pw8(self.dw8(h))
        logits = self.logits(h)
        if not self.fine4:
            return logits
        r = self.pw4(self.dw4(up(self.red8(h)) + self.lat4(f4)))
        return F.interpolate(logits, scale_factor=2, mode='bilinear', align_corners=False) + self.logits4(r)


class Detector(nn.Module):
    trunk = 'mobilenetv2'

    def __init__(self, frozen=LOW, fine4=0):
        super().__init__()
        assert not fine4 or frozen == 3, '--fine4 needs the stride-4 features: --frozen 3'
        self.backbone = MobileNetV2()
        self.decoder = Decoder(len(CLASSES), fine4=fine4)
        self.fine4 = fine4  # logits at stride 4 (no upsampling after upper())
        self.out_stride = 4 if fine4 else 8
        self.frozen = frozen  # blocks[:frozen] are the nsfwjs trunk's (lower() runs them)

    def upper(self, f, f16=None, start=None):
        """From the input of blocks[start] (default: the output of lower()), and the cached stride-16 features
        with --no-unfreeze; without f16, blocks start..12 run on f."""
        f8 = f
        first = self.frozen if start is None else start
        for b in self.backbone.blocks[first:LOW]:
            f8 = b(f8)
        if f16 is None:
            f16 = f8
            for b in self.backbone.blocks[LOW:MID]:
                f16 = b(f16)
        x = f16
        for b in self.backbone.blocks[MID:]:
            x = b(x)
        return self.decoder(f8, f16, x, f if first == 3 else None)

    def lower(self, x):
        """The frozen trunk's output (the input of blocks[frozen]) and, when that is stride 8, the stride-16 features."""
        if self.frozen < LOW:
            return self.lower_to(x, self.frozen), None
        f8 = self.backbone.trunk(x, LOW)
        f16 = f8
        for b in self.backbone.blocks[LOW:MID]:
            f16 = b(f16)
        return f8, f16

    def lower_to(self, x, frozen):
        """The input of blocks[frozen] (Ensemble: the part every member left frozen)."""
        return self.backbone.trunk(x, frozen)

    def forward(self, x):
        return self.upper(*self.lower(x))


class Ensemble(nn.Module):
    """Detectors trained with different seeds on the same frozen stem and blocks: one lower pass through the blocks
    every member left frozen, each member's upper network on it, their logits averaged (export_detector.py writes the
    same graph)."""

    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)
        self.frozen = min(m.frozen for m in members)
        self.trunk = members[0].trunk
        assert len({m.trunk for m in members}) == 1, 'members of one ensemble share their trunk'
        assert len({m.out_stride for m in members}) == 1, 'members with and without --fine4 give logits at different strides'
        self.out_stride = members[0].out_stride
        self.fine4 = getattr(members[0], 'fine4', 0)

    def upper(self, f, f16=None, start=None):
        return torch.stack([m.upper(f, f16, self.frozen if start is None else start) for m in self.members]).mean(0)

    def lower(self, x):
        """(features, None): from the first block a member trained on, every member runs its own."""
        return self.members[0].lower_to(x, self.frozen), None

    def forward(self, x):
        return self.upper(*self.lower(x))


class Mix(nn.Module):
    """A MobileNetV2 detector (or ensemble) and a CenterNet one averaged (detector_mix.py): class logits at stride 4,
    `weight` times MobileNetV2's plus (1 - weight) times CenterNet's. Each part runs its own trunk on the same input."""
    trunk = 'mix'
    out_stride = 4

    def __init__(self, mobilenet, centernet, weight):
        super().__init__()
        assert mobilenet.trunk == 'mobilenetv2' and centernet.trunk == 'centernet', 'a Mix is a MobileNetV2 and a CenterNet detector'
        self.mobilenet, self.centernet, self.weight = mobilenet, centernet, float(weight)

    def forward(self, x):
        a = self.mobilenet(x)
        if self.mobilenet.out_stride == 8:
            a = F.interpolate(a, scale_factor=2, mode='bilinear', align_corners=False)
        return self.weight * a + (1 - self.weight) * self.centernet(x)


def checkpoint_of(model, args):
    """What load_detector() reads back: a Detector ('model'), an Ensemble ('members') or a Mix ('mix': its parts')."""
    if isinstance(model, Mix):
        return {'args': args, 'mix': {'mobilenet': checkpoint_of(model.mobilenet, args['mobilenet']),
                                      'centernet': checkpoint_of(model.centernet, args['centernet'])}}
    if isinstance(model, Ensemble):
        return {'args': args, 'members': [m.state_dict() for m in model.members]}
    return {'args': args, 'model': model.state_dict()}


def load_detector(path):
    """A checkpoint of detector.py (one Detector, or an ensemble of them: 'members') or of detector_mix.py (a Mix),
    in eval mode, with its input size set."""
    s = torch.load(path)
    model = from_checkpoint(s)
    model.eval()
    return model, s


def from_checkpoint(s):
    set_size(s['args'].get('size', '256x384'))  # checkpoints from before --size were 256 x 384
    if 'mix' in s:
        return Mix(from_checkpoint(s['mix']['mobilenet']), from_checkpoint(s['mix']['centernet']), s['args']['weight'])

    def one(state, frozen):
        m = (CenterNetDetector(len(CLASSES)) if s['args'].get('trunk') == 'centernet'
             else Detector(frozen, s['args'].get('fine4', 0)))
        m.load_state_dict(state)
        return m
    frozen = s['args'].get('frozen', LOW)  # checkpoints from before --frozen kept blocks 0..5 frozen
    return (Ensemble([one(m, f) for m, f in zip(s['members'], s['args'].get('members_frozen', [frozen] * len(s['members'])))])
            if 'members' in s else one(s['model'], frozen))


def round_as_stored(model):
    """The model's weights rounded as export_detector.py stores them (weights_io): what the app computes with."""
    model.load_state_dict({k: as_stored(v) if v.is_floating_point() else v for k, v in model.state_dict().items()})
    return model


def plain_rows(img):
    """The row of each photo's first (plain) view in a views cache whose rows' photos are `img`, by photo index."""
    first = {}
    for row, i in enumerate(img):
        first.setdefault(int(i), row)
    return [first[i] for i in sorted(first)]


def tuned_post(ckpt, metrics=None):
    """The post-processing thresholds tuned for a checkpoint: detector.py writes detector-seed{N}{tag}.pt (or
    detector-ensemble{tag}.pt) beside metrics{tag}.json; `metrics` names another file."""
    tag = re.sub(r'^detector-(seed\d+|ensemble)', '', os.path.splitext(os.path.basename(ckpt))[0])
    return json.load(open(metrics or os.path.join(os.path.dirname(ckpt), f'metrics{tag}.json')))['post']


def plain_views(split, views=3, seed=1, frozen=LOW):
    """The plain (first) view of each photo from the views cache of `split` built by the given seed (train photos
    have `views` views each, val one), at the current input size, of the trunk with `frozen` blocks."""
    d = np.load(os.path.join(CACHE, f'views-{split}-v{views if split == "train" else 1}-s{seed}{size_tag()}{frozen_tag(frozen)}.npz'))
    rows = plain_rows(d['img'])
    return {k: d[k][rows] for k in (cached_features(d)[0], 'img', 'geom', 'lab')}


def label_lut(annotations, categories):
    """CCP label index -> class index (IGNORE for the data set's ignored labels)."""
    lut = np.full(256, IGNORE, np.uint8)
    for i, name in enumerate(annotations['labels']):
        if name in ('null',):
            lut[i] = 0
        elif name in ('skin', 'hair'):
            lut[i] = CLASSES.index(name)
        else:
            for c in GARMENTS:
                if name in categories['ccp'].get(c, []):
                    lut[i] = CLASSES.index(c)
    return lut


def letterbox(rgb, zoom=1.0, place=(0.5, 0.5)):
    """rgb uint8 [h, w, 3] -> (float [3, HEIGHT, WIDTH] 0..255, (ox, oy, scale, nw, nh)). The app's resize."""
    h0, w0 = rgb.shape[:2]
    s = min(WIDTH / w0, HEIGHT / h0) * zoom
    nw, nh = max(1, round(w0 * s)), max(1, round(h0 * s))
    x = torch.from_numpy(np.array(rgb, dtype=np.float32)).permute(2, 0, 1)[None]
    while x.shape[3] / 2 >= nw and x.shape[2] / 2 >= nh:
        x = F.avg_pool2d(x, 2)
    x = F.interpolate(x, size=(nh, nw), mode='bilinear', align_corners=False)[0]
    ox, oy = int(round((WIDTH - nw) * place[0])), int(round((HEIGHT - nh) * place[1]))
    canvas = torch.full((3, HEIGHT, WIDTH), float(GREY))
    canvas[:, oy:oy + nh, ox:ox + nw] = x
    return canvas, (ox, oy, s, nw, nh)


def letterbox_labels(mask, geom):
    ox, oy, s, nw, nh = geom
    lab = np.zeros((HEIGHT, WIDTH), np.uint8)
    lab[oy:oy + nh, ox:ox + nw] = np.asarray(Image.fromarray(mask).resize((nw, nh), Image.NEAREST))
    return lab[2::4, 2::4]  # stride 4, centre samples


def pixel_photos(data, split):
    with open(os.path.join(data, 'annotations.json')) as f:
        ann = json.load(f)
    return ann, [p for p in ann['photos'] if p['split'] == split and p.get('kind') == 'pixel']


def presence_of(tags, categories):
    """CCP tags -> [len(GARMENTS)] 1 where a tag maps to the category, else 0."""
    y = np.zeros(len(GARMENTS), np.float32)
    for k, c in enumerate(GARMENTS):
        if any(t in categories['ccp'].get(c, []) for t in tags):
            y[k] = 1
    return y


def make_view(rgb, mask=None, rng=None):
    """The plain letterboxed view (rng None) or a random one: flipped half the time, zoomed out 0.6-1x at a random
    place (every garment stays in view), colour-jittered. -> (canvas, geom, labels at stride 4 or None)."""
    if rng is None:
        px, geom = letterbox(rgb)
    else:
        if rng.random() < 0.5:
            rgb, mask = rgb[:, ::-1], None if mask is None else mask[:, ::-1]
        px, geom = letterbox(np.ascontiguousarray(rgb), zoom=rng.uniform(0.6, 1.0), place=(rng.random(), rng.random()))
        ox, oy, _, nw, nh = geom
        px[:, oy:oy + nh, ox:ox + nw] = torch.from_numpy(
            colour_jitter(px[:, oy:oy + nh, ox:ox + nw].permute(1, 2, 0).numpy(), rng)).permute(2, 0, 1)
    return px, geom, None if mask is None else letterbox_labels(np.ascontiguousarray(mask), geom)


def build_cache(args, net, ann, split, views, lut=None, categories=None):
    """--views views of every photo of `split` (the first plain, the others make_view()'s random ones) through the
    frozen trunk. With `lut` the pixel-annotated photos, with their labels (`lab`) and letterbox (`geom`); with
    `categories` the tag-only photos, with which garment categories their tags name (`present`)."""
    kind = 'pixel' if lut is not None else 'tags'
    name = split if kind == 'pixel' else 'weak'
    tag = f'{name}-v{views}-s{args.seed}{size_tag()}{trunk_tag(net)}' + (f'-l{args.limit}' if args.limit else '')
    path = os.path.join(CACHE, f'views-{tag}.npz')
    if os.path.exists(path):
        d = np.load(path)
        log('views: cached', path)
        return {k: d[k] for k in d.files}
    photos = [p for p in ann['photos'] if p['split'] == split and p.get('kind') == kind]
    if args.limit:
        photos = photos[:args.limit]
    rng = np.random.default_rng(args.seed if kind == 'pixel' else args.seed + 7919)
    f8s, f16s, batch, ids, extra = [], [], [], [], {'lab': [], 'geom': []} if kind == 'pixel' else {'present': []}
    t0 = time.time()

    def flush():
        with torch.no_grad():
            f8, f16 = net.lower((torch.stack(batch) / 255.0).contiguous(memory_format=torch.channels_last))
        f8s.append(f8.contiguous().numpy().astype(np.float16))
        if f16 is not None:
            f16s.append(f16.contiguous().numpy().astype(np.float16))
        batch.clear()

    for i, p in enumerate(photos):
        rgb = np.asarray(Image.open(os.path.join(args.data, 'photos', f"{p['id']}.jpg")).convert('RGB'))
        mask = lut[np.asarray(Image.open(os.path.join(args.data, 'masks', f"{p['id']}.png")))] if kind == 'pixel' else None
        present = presence_of(p['tags'], categories) if kind == 'tags' else None
        for v in range(views):
            px, geom, lab = make_view(rgb, mask, rng if v else None)
            batch.append(px)
            ids.append(i)
            if kind == 'pixel':
                extra['lab'].append(lab)
                extra['geom'].append(geom[:3])
            else:
                extra['present'].append(present)
            if len(batch) == 16:
                flush()
        if (i + 1) % 100 == 0:
            log(f'views {name} {i + 1}/{len(photos)} ({time.time() - t0:.0f} s)')
    if batch:
        flush()
    if not ids:
        return {'img': np.zeros(0, np.int64)}
    out = {FEATURES[net.frozen]: np.concatenate(f8s), **({'f16': np.concatenate(f16s)} if f16s else {}), 'img': np.array(ids, np.int64),
           **{k: np.stack(v) if k != 'geom' else np.array(v, np.float64) for k, v in extra.items()}}
    os.makedirs(CACHE, exist_ok=True)
    np.savez(path, **out)
    log('views: wrote', path, {k: v.shape for k, v in out.items()})
    return out


# Categories whose tags only count when absent: an earring or a ring covers fewer than k cells, and a "present"
# target taught the model to put accessory on a fixed spot of background (the bottom-left edge of 35 of 100 val photos).
PRESENCE_ABSENT_ONLY = ['accessory']


def dice_loss(logits, y):
    """1 - soft Dice of each garment class present in a view, averaged: every garment counts the same whatever its
    size, where cross-entropy is dominated by large regions (a thin top under an open jacket, a small bag)."""
    valid = (y != IGNORE)[:, None].float()
    p = F.softmax(logits, 1) * valid
    onehot = F.one_hot(y.masked_fill(y == IGNORE, 0), len(CLASSES)).permute(0, 3, 1, 2).float() * valid
    first = CLASSES.index(GARMENTS[0])
    p, onehot = p[:, first:], onehot[:, first:]
    inter, size = (p * onehot).sum((2, 3)), onehot.sum((2, 3))
    dice = (2 * inter + 1) / (p.sum((2, 3)) + size + 1)
    present = size > 0
    return (1 - dice[present]).mean() if present.any() else logits.sum() * 0


def presence_loss(logits, present, k):
    """Multiple-instance loss for photos with tags only: a garment category's photo-level score is the mean of its
    k most probable cells (stride 4); binary cross-entropy against whether a tag names it. An absent category
    pushes its most probable cells down everywhere; a present one needs only k cells somewhere (not for
    PRESENCE_ABSENT_ONLY)."""
    probs = F.softmax(logits, 1)[:, 3:].flatten(2)  # [n, len(GARMENTS), cells]
    top = probs.topk(k, dim=2).values.mean(2).clamp(1e-4, 1 - 1e-4)
    weight = torch.ones_like(present)
    for c in PRESENCE_ABSENT_ONLY:
        weight[:, GARMENTS.index(c)] = 1 - present[:, GARMENTS.index(c)]
    return F.binary_cross_entropy(top, present, weight=weight)


# --- post-processing: the same steps as workers/pipeline/regions.ts -----------------------------------------

def components(on):
    """8-connected components of a boolean grid: list of (rows, cols) index arrays."""
    h, w = on.shape
    seen = np.zeros_like(on)
    out = []
    for r0, c0 in zip(*np.nonzero(on)):
        if seen[r0, c0]:
            continue
        stack, rows, cols = [(r0, c0)], [], []
        seen[r0, c0] = True
        while stack:
            r, c = stack.pop()
            rows.append(r); cols.append(c)
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    rr, cc = r + dr, c + dc
                    if 0 <= rr < h and 0 <= cc < w and on[rr, cc] and not seen[rr, cc]:
                        seen[rr, cc] = True
                        stack.append((rr, cc))
        out.append((np.array(rows), np.array(cols)))
    return out


def category_cells(probs, ci, min_prob=None, best=None):
    """[h, w] bool: the cells of category index `ci` (most likely class, or probability >= min_prob)."""
    return (probs.argmax(0) if best is None else best) == ci if min_prob is None else probs[ci] >= min_prob


def category_parts(probs, ci, min_prob=None, best=None, stride=4):
    """The 8-connected components of one category's cells, [(box [x1, y1, x2, y2] canvas px, mean prob, cell count,
    flat cell indices)]. A cell is the category's where it is the most likely class (min_prob None), or where its
    probability is at least min_prob (then a cell can belong to two categories: a top under an open jacket)."""
    on = category_cells(probs, ci, min_prob, best)
    w = probs.shape[2]
    return [([cols.min() * stride, rows.min() * stride, (cols.max() + 1) * stride, (rows.max() + 1) * stride],
             float(probs[ci, rows, cols].astype(np.float32).mean()), len(rows), rows * w + cols)
            for rows, cols in components(on)]


# A garment at least this share of whose cells a garment of another category also claims is one garment seen twice
# (regions.ts SHARED_CELLS).
SHARED_CELLS = 0.5


def drop_doubles(found):
    """found: [(category, box, mass, n, cells (set), own share)] -> the ones that are not another garment seen twice:
    in order of own share (then mean probability), each kept unless SHARED_CELLS of its cells belong to a kept garment
    of another category (regions.ts dropDoubles)."""
    order = sorted(range(len(found)), key=lambda i: (-found[i][5], -found[i][2] / found[i][3], i))
    kept = []
    for i in order:
        g = found[i]
        if not any(found[j][0] != g[0] and len(g[4] & found[j][4]) >= SHARED_CELLS * g[3] for j in kept):
            kept.append(i)
    return [found[i] for i in sorted(kept)]


# Categories whose parts on one person are one garment: a pair of shoes (feet apart), an open jacket or coat (its two
# fronts, the top between them) (regions.ts PAIRED).
PAIRED = ('outerwear', 'shoes')


def person_of_cell(best):
    """[h * w] int: the index of the 8-connected component of non-background cells each cell lies in, -1 on
    background (regions.ts personOfCell)."""
    label = np.full(best.size, -1, dtype=np.int64)
    w = best.shape[1]
    for n, (rows, cols) in enumerate(components(best != CLASSES.index('background'))):
        label[rows * w + cols] = n
    return label


def join_pairs(kept, person):
    """kept: [[box x1y1x2y2, mass, n, [cells arrays]]] -> the parts most of whose cells lie on one person joined into
    one, in order of their first part (regions.ts joinPairs)."""
    by_person, out = {}, []
    for box, mass, n, cells in kept:
        labels = person[np.concatenate(cells)]
        labels = labels[labels >= 0]
        who = -1
        if len(labels):
            values, counts = np.unique(labels, return_counts=True)
            if counts.max() * 2 > n:
                who = int(values[counts.argmax()])
        into = by_person.get(who) if who >= 0 else None
        if into is None:
            part = [list(box), mass, n, list(cells)]
            if who >= 0:
                by_person[who] = part
            out.append(part)
            continue
        into[0] = [min(into[0][0], box[0]), min(into[0][1], box[1]), max(into[0][2], box[2]), max(into[0][3], box[3])]
        into[1] += mass; into[2] += n; into[3] += cells
    return out


def regions(probs, post=POST):
    """probs [C, h, w] -> [(category, [x, y, w, h] canvas px, score)]: components kept by the category's
    thresholds (min_prob, min_cells, min_score), then merged when their boxes grown by merge_grow overlap (a pair
    of shoes), a paired category's parts on one person joined (join_pairs: feet apart, an open jacket's two fronts), then the garments that are
    another category's garment seen twice dropped (drop_doubles)."""
    best = probs.argmax(0)
    flat_best = best.reshape(-1)
    person = None
    found = []
    for name in GARMENTS:
        t = post[name]
        ci = CLASSES.index(name)
        parts = category_parts(probs, ci, t.get('min_prob'), best)
        kept = [[list(b), sc * n, n, [cells]] for b, sc, n, cells in parts if n >= t['min_cells'] and sc >= t['min_score']]
        merged = True
        while merged:
            merged = False
            for a in range(len(kept)):
                for b in range(a + 1, len(kept)):
                    if touching(kept[a][0], kept[b][0], post['merge_grow']):
                        pa, pb = kept[a], kept[b]
                        pa[0] = [min(pa[0][0], pb[0][0]), min(pa[0][1], pb[0][1]), max(pa[0][2], pb[0][2]), max(pa[0][3], pb[0][3])]
                        pa[1] += pb[1]; pa[2] += pb[2]; pa[3] += pb[3]
                        del kept[b]
                        merged = True
                        break
                if merged:
                    break
        if name in PAIRED and len(kept) > 1:
            person = person_of_cell(best) if person is None else person
            kept = join_pairs(kept, person)
        for box, mass, n, cells in kept:
            cells = np.concatenate(cells)
            found.append((name, box, mass, n, set(cells.tolist()), float((flat_best[cells] == ci).mean())))
    return [(name, [x1, y1, x2 - x1, y2 - y1], mass / n) for name, (x1, y1, x2, y2), mass, n, _, _ in drop_doubles(found)]


def touching(a, b, grow):
    def g(box):
        w, h = box[2] - box[0], box[3] - box[1]
        return [box[0] - grow * w / 2, box[1] - grow * h / 2, box[2] + grow * w / 2, box[3] + grow * h / 2]
    a, b = g(a), g(b)
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def iou(a, b):
    ax2, ay2, bx2, by2 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw, ih = max(0, min(ax2, bx2) - max(a[0], b[0])), max(0, min(ay2, by2) - max(a[1], b[1]))
    inter = iw * ih
    return inter / (a[2] * a[3] + b[2] * b[3] - inter) if inter > 0 else 0.0


def union(boxes):
    if not boxes:
        return None
    x1 = min(b[0] for b in boxes); y1 = min(b[1] for b in boxes)
    x2 = max(b[0] + b[2] for b in boxes); y2 = max(b[1] + b[3] for b in boxes)
    return [x1, y1, x2 - x1, y2 - y1]


def label_categories(categories):
    """CCP label -> scored category."""
    return {l: c for c in SCORED for l in categories['ccp'].get(c, [])}


def truth(photo, category, label_cat):
    """The scored truth of one category in one photo: the union of its true boxes where it covers at least
    MIN_COVER of the photo, False where the photo has none of it, None where it has some but less (not scored)."""
    gt = [i for i in photo['items'] if label_cat.get(i['label']) == category]
    if sum(i['pixels'] for i in gt) >= MIN_COVER * photo['width'] * photo['height']:
        return union([i['box'] for i in gt])
    return None if gt else False


def score(photos, preds, categories):
    """cli/evaluate.ts scorePhotos, on photo-pixel boxes: {category: recall, precision}."""
    label_cat = label_categories(categories)
    acc = {c: [0, 0, 0] for c in SCORED}  # present, predicted, hits
    for p in photos:
        pred = preds.get(p['id'], [])
        for c in SCORED:
            t = truth(p, c, label_cat)
            if t is None:
                continue
            pb = union([b for cat, b, _ in pred if cat == c])
            a = acc[c]
            a[0] += t is not False
            a[1] += pb is not None
            if t and pb is not None and iou(t, pb) >= MIN_IOU:
                a[2] += 1
    out = {c: {'recall': round(a[2] / max(1, a[0]), 4), 'precision': round(a[2] / max(1, a[1]), 4), 'present': a[0],
               'predicted': a[1]} for c, a in acc.items()}
    out['macro'] = {k: round(float(np.mean([out[c][k] for c in SCORED])), 4) for k in ('recall', 'precision')}
    return out


def stride4_logits(model, d, rows, f16=False):
    """Logits at stride 4 of cached views `rows` of `d`: the upper network on their trunk features (and, with
    f16, their cached stride-16 ones: blocks 6-12 frozen), upsampled x2 (bilinear, half-pixel centres)."""
    key, start = cached_features(d)
    f = torch.from_numpy(d[key][rows].astype(np.float32))
    logits = model.upper(f, torch.from_numpy(d['f16'][rows].astype(np.float32)) if f16 else None, start)
    if model.out_stride == 4:
        return logits  # already at stride 4 (--fine4, or the CenterNet trunk)
    return F.interpolate(logits, scale_factor=2, mode='bilinear', align_corners=False)


def predict(model, d, batch=32):
    """Class probabilities at stride 4 [n, C, H / 4, W / 4], the softmax of stride4_logits()."""
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(d[cached_features(d)[0]]), batch):
            # Blocks from the trunk's end to 12 run on the cached features: exact whether or not they were trained.
            out.append(F.softmax(stride4_logits(model, d, slice(i, i + batch)), 1).numpy().astype(np.float16))
    return np.concatenate(out)


def to_photo(items, geom):
    ox, oy, s = geom
    return [(c, [(b[0] - ox) / s, (b[1] - oy) / s, b[2] / s, b[3] / s], sc) for c, b, sc in items]


def evaluate(model, d, photos, categories, post=POST, probs=None):
    probs = predict(model, d) if probs is None else probs
    preds = {photos[int(d['img'][k])]['id']: to_photo(regions(probs[k], post), d['geom'][k]) for k in range(len(probs))}
    m = score([photos[i] for i in sorted(set(d['img'].tolist()))], preds, categories)
    # Pixel accuracy on labelled cells at stride 4.
    lab = d['lab']
    pred = probs.argmax(1)
    keep = lab != IGNORE
    m['pixel_accuracy'] = round(float((pred[keep] == lab[keep]).mean()), 4)
    return m, probs


def tune(model, d, photos, categories, probs=None):
    """Per category, the (min_prob, min_cells, min_score) with the best F1 of union-box recall and precision on the
    plain view of every train photo (thresholds only: the model is not changed). `probs`: the model's probabilities
    on those plain views, if already known (detector_thresholds.py)."""
    rows = plain_rows(d['img'])
    key = cached_features(d)[0]
    probs = predict(model, {key: d[key][rows]}) if probs is None else probs
    bests = [p.argmax(0) for p in probs]
    post = {'merge_grow': POST['merge_grow']}
    label_cat = label_categories(categories)
    for c in GARMENTS:
        if c not in SCORED:
            post[c] = dict(POST[c])
            continue
        truths = [truth(photos[int(d['img'][row])], c, label_cat) for row in rows]
        best = None
        for min_prob in (None, 0.2, 0.3, 0.4):
            found = [category_parts(probs[k], CLASSES.index(c), min_prob, bests[k]) for k in range(len(rows))]
            for min_cells in (4, 8, 16, 32, 64):
                for min_score in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
                    present = predicted = hits = 0
                    for k, row in enumerate(rows):
                        if truths[k] is None:
                            continue
                        ox, oy, s = d['geom'][row]
                        pb = union([[(b[0] - ox) / s, (b[1] - oy) / s, (b[2] - b[0]) / s, (b[3] - b[1]) / s]
                                    for b, sc, n, _ in found[k] if n >= min_cells and sc >= min_score])
                        present += truths[k] is not False
                        predicted += pb is not None
                        hits += bool(truths[k] and pb is not None and iou(truths[k], pb) >= MIN_IOU)
                    r, pr = hits / max(1, present), hits / max(1, predicted)
                    f1 = 2 * r * pr / max(1e-9, r + pr)
                    if best is None or f1 > best[0]:
                        best = (f1, min_prob, min_cells, min_score, r, pr)
        post[c] = {'min_prob': best[1], 'min_cells': best[2], 'min_score': best[3]}
        log(f'tune {c}: {post[c]} (train recall {best[4]:.3f} precision {best[5]:.3f})')
    return post


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True, help='CCP data folder (annotations.json, photos/, masks/)')
    ap.add_argument('--categories', help='default: categories.json beside --data')
    ap.add_argument('--epochs', type=int, default=12)
    ap.add_argument('--views', type=int, default=3, help='views per train photo (first plain)')
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--lr', type=float, default=1e-3, help='decoder learning rate (blocks 13-16: 0.3x)')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--limit', type=int, default=0, help='first N photos per split (smoke test)')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--tag', default='')
    ap.add_argument('--no-export', action='store_true')
    ap.add_argument('--eval-only', action='store_true', help='load the checkpoint, tune the thresholds, evaluate, export')
    ap.add_argument('--init', help='start from this checkpoint (a second schedule of --epochs on the same views)')
    ap.add_argument('--ensemble', help='comma-separated checkpoints of this recipe with other seeds: no training; their average '
                    '(logits of one shared lower pass) is tuned, evaluated and exported as detector-ensemble<tag>.pt')
    ap.add_argument('--unfreeze', action=argparse.BooleanOptionalAction, default=True,
                    help='also train blocks 6-12 (lr 0.1x), from the cached stride-8 features (--no-unfreeze: blocks 13-16 only)')
    ap.add_argument('--holdout', type=int, default=0,
                    help='leave the last N train photos out of training and tune the thresholds on them (not on photos the model fits)')
    ap.add_argument('--train-share', type=float, default=1.0,
                    help='train (and tune the thresholds) on this share of the pixel-annotated train photos, the first '
                         'ones (a learning curve); the tag-only photos all stay')
    ap.add_argument('--weak', type=int, default=2,
                    help='views per tag-only train photo for the presence loss (0: pixel photos only)')
    ap.add_argument('--weak-weight', type=float, default=1.0, help='weight of the presence loss')
    ap.add_argument('--weak-k', type=int, default=16, help='cells (stride 4) whose mean probability is a category\'s presence score')
    ap.add_argument('--size', default='320x480', help='model input WxH (multiples of 32)')
    ap.add_argument('--frozen', type=int, default=LOW, choices=sorted(FEATURES),
                    help='blocks kept frozen and cached: 6 (0-5) or 3 (0-2; blocks 3-5 then learn with 6-12, from stride-4 features)')
    ap.add_argument('--fine4', type=int, default=0, help='a stride-4 correction of the class map, this wide, from the '
                    'block_2_add features (needs --frozen 3; 0: none)')
    ap.add_argument('--dice', type=float, default=0.0, help='weight of a soft Dice loss on the garment classes present (0: none)')
    ap.add_argument('--trunk', default='mobilenetv2', choices=['mobilenetv2', 'centernet'],
                    help="the nsfwjs MobileNetV2 with the decoder, or CenterNet's MobileNetV3 and neck with a stride-4 head "
                         '(centernet.py; its stem and first 3 blocks frozen, so --frozen 3; --fine4 does not apply)')
    args = ap.parse_args()
    if args.trunk == 'centernet':
        assert not args.fine4 and args.unfreeze, '--trunk centernet: its logits are at stride 4 already (no --fine4), and it trains its blocks'
        args.frozen = 3
    set_size(args.size)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    categories = json.load(open(args.categories or os.path.join(os.path.dirname(os.path.abspath(args.data)), 'categories.json')))
    ann, val_photos = pixel_photos(args.data, 'val')
    lut = label_lut(ann, categories)

    assert args.unfreeze or args.frozen == LOW, '--frozen below 6 trains blocks 3-12: not with --no-unfreeze'
    if args.trunk == 'centernet':
        model = CenterNetDetector(len(CLASSES))
    else:
        model = Detector(args.frozen, args.fine4)
        load_nsfwjs(model.backbone, os.path.join(ROOT, 'public', 'models', 'mobilenet-v2'))
    model.eval()
    train = build_cache(args, model, ann, 'train', args.views, lut=lut)
    if args.init:
        model.load_state_dict(torch.load(args.init)['model'])
        log('initialised from', args.init)
    val = build_cache(args, model, ann, 'val', 1, lut=lut)
    weak = build_cache(args, model, ann, 'train', args.weak, categories=categories) if args.weak else None
    if weak is not None and not len(weak['img']):
        log('no tag-only train photos: pixel photos only')
        weak = None
    if args.limit:
        val_photos = val_photos[:args.limit]

    lab = train['lab']
    counts = np.bincount(lab[lab != IGNORE].ravel(), minlength=len(CLASSES)).astype(np.float64)
    weights = torch.tensor(1 / np.sqrt(np.maximum(counts / counts.sum(), 1e-4)), dtype=torch.float32)
    weights = weights / weights.mean()
    log('class weights', dict(zip(CLASSES, weights.numpy().round(2).tolist())))

    if args.trunk == 'centernet':
        groups = model.param_groups(args.lr)
    else:
        # Blocks 13..16 (and with --unfreeze the blocks from --frozen) and the decoder train; Conv_1 (the classifier's
        # 1280 expansion) is not used.
        upper = [p for b in model.backbone.blocks[MID:] for p in b.parameters()]
        middle = [p for b in model.backbone.blocks[args.frozen:MID] for p in b.parameters()] if args.unfreeze else []
        for p in model.backbone.parameters():
            p.requires_grad_(False)
        for p in upper + middle:
            p.requires_grad_(True)
        groups = [{'params': upper, 'lr': args.lr * 0.3}, {'params': model.decoder.parameters(), 'lr': args.lr}]
        if middle:
            groups.append({'params': middle, 'lr': args.lr * 0.1})
    opt = torch.optim.AdamW(groups,
                            weight_decay=1e-4)
    n_all = int(train['img'].max()) + 1
    n_used = max(1, round(n_all * args.train_share))  # --train-share: photos n_used.. are not used at all
    n_img = n_used - args.holdout  # photos 0..n_img-1 train; the rest (if any) only tune the thresholds
    if n_used < n_all or args.holdout:
        log(f'pixel-annotated train photos: {n_img} of {n_all} train, thresholds tuned on photos '
            f'{n_img if args.holdout else 0}..{n_used - 1}')
    by_img = views_by_image(train['img'], n_all)
    steps = math.ceil(n_img / args.batch)
    total = steps * args.epochs
    base = [g['lr'] for g in opt.param_groups]
    ckpt = os.path.join(CACHE, f'detector-seed{args.seed}{args.tag}.pt')
    history = []
    if args.ensemble:
        paths = args.ensemble.split(',')
        members = [torch.load(p) for p in paths]
        for p, m in zip(paths, members):
            assert m['args'].get('size', '256x384') == args.size and m['args'].get('unfreeze'), f'{p}: not this recipe'
            assert m['args'].get('trunk', 'mobilenetv2') == args.trunk, f'{p}: trunk {m["args"].get("trunk", "mobilenetv2")}, not --trunk {args.trunk}'
        frozen = [m['args'].get('frozen', LOW) for m in members]
        assert args.frozen == min(frozen), f'--ensemble: give --frozen {min(frozen)}, the fewest frozen blocks of a member'
        ckpt = os.path.join(CACHE, f'detector-ensemble{args.tag}.pt')
        torch.save({'members': [m['model'] for m in members], 'paths': paths, 'classes': CLASSES,
                    'args': {**members[0]['args'], 'seeds': [m['args']['seed'] for m in members],
                             'frozen': args.frozen, 'members_frozen': frozen}}, ckpt)
        model, _ = load_detector(ckpt)
        log('ensemble of', paths)
    for epoch in range(0 if not (args.eval_only or args.ensemble) else args.epochs, args.epochs):
        rng = np.random.default_rng(args.seed * 1000 + epoch)
        rows = epoch_rows(by_img, n_img, rng)
        wrng = np.random.default_rng(args.seed * 1000 + epoch + 500)
        model.train()
        t0, seen, loss_sum = time.time(), 0, 0.0
        for s in range(steps):
            step = epoch * steps + s
            set_lr(opt, base, step, steps, total)
            idx = np.sort(rows[s * args.batch:(s + 1) * args.batch])
            y = torch.from_numpy(train['lab'][idx].astype(np.int64))
            logits = stride4_logits(model, train, idx, f16=not args.unfreeze)
            loss = F.cross_entropy(logits, y, weight=weights, ignore_index=IGNORE)
            if args.dice:
                loss = loss + args.dice * dice_loss(logits, y)
            if weak is not None:
                widx = np.sort(wrng.choice(len(weak['img']), min(args.batch, len(weak['img'])), replace=False))
                wl = stride4_logits(model, weak, widx, f16=not args.unfreeze)
                loss = loss + args.weak_weight * presence_loss(wl, torch.from_numpy(weak['present'][widx]), args.weak_k)
            opt.zero_grad()
            loss.backward()
            opt.step()
            seen += len(idx); loss_sum += loss.item() * len(idx)
        m, _ = evaluate(model, val, val_photos, categories)
        m.update(epoch=epoch + 1, train_loss=round(loss_sum / seen, 4), seconds=round(time.time() - t0))
        history.append(m)
        log('val', json.dumps({k: m[k] for k in ('epoch', 'train_loss', 'pixel_accuracy', 'macro', 'seconds')}))
        torch.save({'model': model.state_dict(), 'epoch': epoch + 1, 'args': vars(args), 'val': m, 'classes': CLASSES}, ckpt)
    if args.eval_only:
        model, _ = load_detector(ckpt)
    # The thresholds belong to the weights the app runs: from here on (tuning, the final val figures) the model's
    # weights are rounded as export_detector.py stores them. The checkpoint keeps the float32 weights.
    round_as_stored(model)
    _, train_photos = pixel_photos(args.data, 'train')
    tune_rows = train if n_used == n_all and not args.holdout else \
        {k: v[(train['img'] >= (n_img if args.holdout else 0)) & (train['img'] < n_used)] for k, v in train.items()}
    post = tune(model, tune_rows, train_photos[:args.limit] if args.limit else train_photos, categories)
    final, _ = evaluate(model, val, val_photos, categories, post)
    metrics = os.path.join(CACHE, f'metrics{args.tag}.json')
    with open(metrics, 'w') as f:
        json.dump({'val': final, 'history': history, 'args': vars(args), 'post': post}, f, indent=2)
    log('final val', json.dumps(final))
    if not args.no_export and not args.limit:
        import export_detector  # noqa: E402
        export_detector.export(ckpt, metrics, f'npm run train:detector -- --data {args.data}')


if __name__ == '__main__':
    main()
