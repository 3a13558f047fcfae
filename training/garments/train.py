"""Fine-tunes the nsfwjs MobileNetV2 into Mirror's garment net (type head + embedding head).

  nice -n 10 /usr/bin/python3 training/garments/train.py --data ../shared/data/clothing [--epochs 16]
  (npm run train:garments -- --data ../shared/data/clothing)

Deterministic given --seed (fixed augmentation draws, fixed batch order, torch on 2 threads).
Steps, each cached under .cache/garments/ (gitignored; nothing derived from the data is committed):
 1. crops: every `train` image with one of the ten fine labels gives --views augmented 224 x 224 crops
    (random resized crop of the app's square crop, horizontal flip, colour jitter); `val` gives one plain
    crop. The frozen lower trunk (stem + blocks 0..12) runs once per crop and
    its output [96, 14, 14] is stored as float16, so training costs only the upper blocks.
 2. training: blocks 13..16 + Conv_1 + heads, cross-entropy (label smoothing 0.1) on the 10-way type head
    plus a supervised contrastive loss (temperature 0.1) on the L2-normalised embedding head; feature-map
    flips and 5 x 5 cutout on the cached map as extra augmentation, dropout 0.4 before the type head;
    AdamW with a cosine schedule. A checkpoint per epoch.
 3. evaluation on `val` (unseen contributors): type accuracy, and precision@10 of cosine neighbours of the
    same fine label among the val images with a fine label; written to .cache/garments/metrics.json.
Then training/garments/export.py writes the tfjs model (run at the end unless --no-export).
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

from data import ccp_garments, clothing_rows, colour_jitter, cut_out, fine_labels, load_rgb, square_crop
from mobilenet import MobileNetV2, load_nsfwjs
from schedule import epoch_rows, log, set_lr, views_by_image

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
# MIRROR_TRAIN_CACHE / MIRROR_TRAIN_OUT: the spec (training.spec.ts) trains on tiny data away from the real cache and models.
CACHE = os.path.join(os.environ.get('MIRROR_TRAIN_CACHE') or os.path.join(ROOT, '.cache'), 'garments')
CUT = 13  # default --cut: blocks[13] = block_13, whose input is block_12_add, [96, 14, 14] at 224 px
EMBED_DIM = 128


class GarmentNet(nn.Module):
    def __init__(self, n_labels, embed_dim=EMBED_DIM, dropout=0.2):
        super().__init__()
        self.backbone = MobileNetV2()
        self.dropout = nn.Dropout(dropout)
        self.type_head = nn.Linear(1280, n_labels)
        self.embed_hidden = nn.Linear(1280, 512)
        self.embed_out = nn.Linear(512, embed_dim)

    def heads(self, pooled):
        logits = self.type_head(self.dropout(pooled))
        emb = self.embed_out(F.relu(self.embed_hidden(pooled)))
        return logits, emb

    def forward_from(self, x, start):
        return self.heads(self.backbone.forward_from(x, start))

    def forward(self, pixels01):
        return self.forward_from(self.backbone.trunk(pixels01, CUT), CUT)


def supcon(z, y, tau=0.1):
    """Supervised contrastive loss (Khosla et al. 2020) on L2-normalised z [n, d] with labels y [n]."""
    z = F.normalize(z, dim=1)
    sim = z @ z.t() / tau
    n = z.shape[0]
    eye = torch.eye(n, dtype=torch.bool)
    sim = sim.masked_fill(eye, -1e9)
    logp = sim - torch.logsumexp(sim, dim=1, keepdim=True)
    pos = (y[:, None] == y[None, :]) & ~eye
    count = pos.sum(1)
    has = count > 0
    if not has.any():  # no two crops of one label in the batch (tiny data): nothing to pull together
        return z.sum() * 0
    return -((logp * pos).sum(1)[has] / count[has]).mean()


def to_input(px_uint8_or_float):
    x = torch.from_numpy(np.asarray(px_uint8_or_float, dtype=np.float32) / 255.0)
    return x.permute(0, 3, 1, 2).contiguous()


def augmented(im, box, rng, scale):
    """A training view: random resized crop of the app's square crop (area share in `scale`), flip, colour jitter."""
    px = square_crop(im, box, rng=rng, scale=scale, ratio=(3 / 4, 4 / 3))
    if rng.random() < 0.5:
        px = px[:, ::-1]
    return colour_jitter(px, rng)


def trunk_features(net, cut, crops):
    """(pixels, label, image index) crops -> features [n, 96, 14, 14] float16, labels, image indices, through the
    frozen lower trunk, 32 crops at a time."""
    feats, ys, ids, batch = [], [], [], []

    def flush():
        with torch.no_grad():
            # channels-last is ~30 % faster for the frozen trunk on CPU.
            x = to_input(np.stack([b[0] for b in batch])).contiguous(memory_format=torch.channels_last)
            feats.append(net.backbone.trunk(x, cut).contiguous().numpy().astype(np.float16))
        ys.extend(b[1] for b in batch)
        ids.extend(b[2] for b in batch)
        batch.clear()

    for crop in crops:
        batch.append(crop)
        if len(batch) == 32:
            flush()
    if batch:
        flush()
    return np.concatenate(feats), np.array(ys, np.int64), np.array(ids, np.int64)


def cached(path, build):
    """The arrays saved at `path` (.npz), or build() -> {name: array}, saved there first."""
    if os.path.exists(path):
        log('crops: cached', path)
        d = np.load(path)
        return {k: d[k] for k in d.files}
    out = build()
    os.makedirs(CACHE, exist_ok=True)
    np.savez(path, **out)
    log('crops: wrote', path, {k: v.shape for k, v in out.items()})
    return out


def build_cache(args, net, labels):
    return cached(os.path.join(CACHE, f'trunk-cut{args.cut}-views{args.views}-seed{args.seed}.npz'),
                  lambda: clothing_crops(args, net, labels))


def clothing_crops(args, net, labels):
    rng = np.random.default_rng(args.seed)
    out = {}
    for split, views in (('train', args.views), ('val', 1)):
        rows = [(u, y) for u, y in clothing_rows(args.data, split, labels) if y >= 0]
        if args.limit:
            rows = rows[: args.limit]

        def crops():
            t0 = time.time()
            for i, (u, y) in enumerate(rows):
                im = load_rgb(os.path.join(args.data, 'images', f'{u}.jpg'))
                for _ in range(views):
                    yield (augmented(im, None, rng, (0.35, 1.0)) if split == 'train' else square_crop(im)), y, i
                if (i + 1) % 200 == 0:
                    log(f'crops {split} {i + 1}/{len(rows)} ({time.time() - t0:.0f} s)')
        out[f'{split}_x'], out[f'{split}_y'], out[f'{split}_img'] = trunk_features(net, args.cut, crops())
    return out


def build_ccp_cache(args, net, labels):
    """--ccp: garments cut out of CCP's pixel-annotated outfit photos (data.ccp_garments, data.cut_out) through the
    frozen trunk, --views augmented crops each from `train`, one plain crop each from `val`."""
    return cached(os.path.join(CACHE, f'trunk-ccp-cut{args.cut}-views{args.views}-seed{args.seed}.npz'),
                  lambda: ccp_crops(args, net, labels))


def ccp_crops(args, net, labels):
    rng = np.random.default_rng(args.seed + 7)
    out = {}
    for split, views in (('train', args.views), ('val', 1)):
        rows = ccp_garments(args.ccp, split, labels)
        if args.limit:
            rows = rows[: args.limit]

        def crops():
            t0, loaded = time.time(), {}
            for i, (photo, label, box, y) in enumerate(rows):
                if photo not in loaded:  # a photo's garments are consecutive
                    loaded = {photo: (load_rgb(os.path.join(args.ccp, 'photos', f'{photo}.jpg')),
                                      np.asarray(Image.open(os.path.join(args.ccp, 'masks', f'{photo}.png'))))}
                im, mask = loaded[photo]
                garment = cut_out(im, mask == label)
                for _ in range(views):
                    yield (augmented(garment, box, rng, (0.5, 1.0)) if split == 'train' else square_crop(garment, box)), y, i
                if (i + 1) % 500 == 0:
                    log(f'ccp crops {split} {i + 1}/{len(rows)} ({time.time() - t0:.0f} s)')
        out[f'{split}_x'], out[f'{split}_y'], out[f'{split}_img'] = trunk_features(net, args.cut, crops())
    return out


def precision_at_k(vectors, y, k=10):
    v = F.normalize(torch.as_tensor(vectors, dtype=torch.float32), dim=1)
    sim = v @ v.t()
    sim.fill_diagonal_(-2)
    nn_idx = sim.topk(min(k, len(sim) - 1), dim=1).indices  # fewer than k + 1 vectors: tiny test data
    y = torch.as_tensor(y)
    return (y[nn_idx] == y[:, None]).float().mean().item()


def evaluate(model, x, y, cut=CUT, batch=64):
    model.eval()
    logits, embs, pooled = [], [], []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            p = model.backbone.forward_from(torch.from_numpy(x[i:i + batch].astype(np.float32)), cut)
            lg, e = model.heads(p)
            logits.append(lg); embs.append(e); pooled.append(p)
    logits, embs, pooled = torch.cat(logits), torch.cat(embs), torch.cat(pooled)
    acc = (logits.argmax(1).numpy() == y).mean().item()
    return {'accuracy': round(acc, 4), 'precision_at_10': round(precision_at_k(embs, y), 4),
            'precision_at_10_pooled1280': round(precision_at_k(pooled, y), 4), 'n': int(len(y))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True, help='clothing data folder (images.csv, images/)')
    ap.add_argument('--categories', help='default: categories.json beside --data')
    ap.add_argument('--epochs', type=int, default=16)
    ap.add_argument('--views', type=int, default=2, help='augmented crops per train image')
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--lr', type=float, default=3e-4, help='trunk learning rate (heads: 10x)')
    ap.add_argument('--supcon', type=float, default=0.5, help='weight of the contrastive loss')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--limit', type=int, default=0, help='first N images per split (smoke test)')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--dropout', type=float, default=0.4, help='before the type head')
    ap.add_argument('--cut', type=int, default=CUT, choices=range(7, 14),
                    help='first trained block: blocks 0..cut-1 are frozen and cached (7..13 all run at 14 x 14)')
    ap.add_argument('--cutout', type=float, default=0.5, help='probability of zeroing a random 5 x 5 patch of the cached 14 x 14 map')
    ap.add_argument('--tag', default='', help='checkpoint and metrics name suffix (experiments)')
    ap.add_argument('--resume', action='store_true', help='continue from the last epoch checkpoint')
    ap.add_argument('--ccp', help='CCP data folder: its garments cut out of the train outfit photos join the training '
                    'images (labels through data.CCP_FINE), and its val garments are scored as well')
    ap.add_argument('--ccp-types', action=argparse.BooleanOptionalAction, default=True,
                    help='--no-ccp-types: the CCP garments train the embedding (contrastive loss) but not the type head')
    ap.add_argument('--ccp-share', type=float, default=1.0, help='share of the CCP garments drawn each epoch (--ccp)')
    ap.add_argument('--no-export', action='store_true', help='do not write public/models/trained/garment-net')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    categories = args.categories or os.path.join(os.path.dirname(os.path.abspath(args.data)), 'categories.json')
    labels = fine_labels(categories)

    model = GarmentNet(len(labels), dropout=args.dropout)
    load_nsfwjs(model.backbone, os.path.join(ROOT, 'public', 'models', 'mobilenet-v2'))
    model.eval()
    d = build_cache(args, model, labels)
    xs, ys, vx, vy, train_img = d['train_x'], d['train_y'], d['val_x'], d['val_y'], d['train_img']
    ccp = build_ccp_cache(args, model, labels) if args.ccp else None
    n_clothing = int(train_img.max()) + 1
    if ccp is not None:
        # CCP garments join the training images (their own image ids after the clothing ones).
        train_img = np.concatenate([train_img, ccp['train_img'] + n_clothing])
        xs, ys = np.concatenate([xs, ccp['train_x']]), np.concatenate([ys, ccp['train_y']])
    log(f'train crops {xs.shape}, val {vx.shape}')

    trunk_params = [p for b in model.backbone.blocks[args.cut:] for p in b.parameters()] + list(model.backbone.head.parameters())
    head_params = [p for m in (model.type_head, model.embed_hidden, model.embed_out) for p in m.parameters()]
    for p in model.backbone.parameters():
        p.requires_grad_(False)
    for p in trunk_params:
        p.requires_grad_(True)
    opt = torch.optim.AdamW([{'params': trunk_params, 'lr': args.lr}, {'params': head_params, 'lr': args.lr * 10}],
                            weight_decay=1e-4)
    n_img = int(train_img.max()) + 1
    by_img = views_by_image(train_img, n_img)
    # --ccp-share: each epoch draws that share of the CCP garments (all clothing images every epoch).
    n_epoch = n_clothing + round(args.ccp_share * (n_img - n_clothing))
    steps_per_epoch = math.ceil(n_epoch / args.batch)
    total = steps_per_epoch * args.epochs
    base = [g['lr'] for g in opt.param_groups]
    ckpt = os.path.join(CACHE, f'ckpt-seed{args.seed}{args.tag}.pt')
    start = 0
    if args.resume and os.path.exists(ckpt):
        s = torch.load(ckpt)
        model.load_state_dict(s['model']); opt.load_state_dict(s['opt']); start = s['epoch']
        log('resumed after epoch', start)
    history = []
    for epoch in range(start, args.epochs):
        rng = np.random.default_rng(args.seed * 1000 + epoch)
        torch.manual_seed(args.seed * 1000 + epoch)
        rows = epoch_rows(by_img, n_img, rng)
        if n_epoch < n_img:
            ccp_rows = rows[np.isin(rows, np.nonzero(train_img >= n_clothing)[0])]
            rows = np.concatenate([rows[train_img[rows] < n_clothing], ccp_rows[: n_epoch - n_clothing]])
            rows = rows[rng.permutation(len(rows))]
        model.train()
        t0, seen, loss_sum, correct = time.time(), 0, 0.0, 0
        for s in range(steps_per_epoch):
            step = epoch * steps_per_epoch + s
            set_lr(opt, base, step, steps_per_epoch, total)
            idx = rows[s * args.batch:(s + 1) * args.batch]
            x = torch.from_numpy(xs[idx].astype(np.float32))
            flip = torch.from_numpy(rng.random(len(idx)) < 0.5)
            x[flip] = x[flip].flip(3)
            if args.cutout > 0:
                for j in np.nonzero(rng.random(len(idx)) < args.cutout)[0]:
                    r, c = rng.integers(0, 10, size=2)
                    x[j, :, r:r + 5, c:c + 5] = 0
            y = torch.from_numpy(ys[idx])
            logits, emb = model.forward_from(x, args.cut)
            if args.ccp_types:
                ce = F.cross_entropy(logits, y, label_smoothing=0.1)
            else:  # CCP garments teach the embedding only; the type head learns from the clothing images
                own = torch.from_numpy(train_img[idx] < n_clothing)
                ce = F.cross_entropy(logits[own], y[own], label_smoothing=0.1) if own.any() else logits.sum() * 0
            loss = ce + args.supcon * supcon(emb, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            seen += len(idx); loss_sum += loss.item() * len(idx); correct += (logits.argmax(1) == y).sum().item()
            if (s + 1) % 10 == 0:
                log(f'epoch {epoch + 1} step {s + 1}/{steps_per_epoch} loss {loss_sum / seen:.3f} acc {correct / seen:.3f} ({time.time() - t0:.0f} s)')
        m = evaluate(model, vx, vy, args.cut)
        if ccp is not None:
            m['ccp_val'] = evaluate(model, ccp['val_x'], ccp['val_y'], args.cut)
        m.update(epoch=epoch + 1, train_loss=round(loss_sum / seen, 4), train_accuracy=round(correct / seen, 4),
                 seconds=round(time.time() - t0))
        history.append(m)
        log('val', json.dumps(m))
        torch.save({'model': model.state_dict(), 'opt': opt.state_dict(), 'epoch': epoch + 1, 'labels': labels,
                    'args': vars(args), 'val': m}, ckpt)
    final = evaluate(model, vx, vy, args.cut)
    if ccp is not None:
        final['ccp_val'] = evaluate(model, ccp['val_x'], ccp['val_y'], args.cut)
    metrics = os.path.join(CACHE, f'metrics{args.tag}.json')
    with open(metrics, 'w') as f:
        json.dump({'val': final, 'history': history, 'args': vars(args), 'labels': labels}, f, indent=2)
    log('final val', json.dumps(final))
    if not args.no_export and not args.limit:
        import export  # noqa: E402 (imports this module)
        command = f'npm run train:garments -- --data {args.data}' + (f' --ccp {args.ccp}' if args.ccp else '') \
            + (f' --epochs {args.epochs}' if args.epochs != ap.get_default('epochs') else '')
        export.export(ckpt, metrics, command)


if __name__ == '__main__':
    main()
