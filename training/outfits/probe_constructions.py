"""How the held-out outfit construction behaves, independently of Mirror's scorers (docs/outfits.md).

Reads the outfit feature cache that `npm run train -- outfits --data DIR` builds (.cache/outfit-features/:
index.json with each CCP garment's colour histogram, lookalike.bin with its MobileNetV2 yardstick vector,
features.bin with its garment-net embedding) and, on CCP val, builds the issue's evaluation three ways:
each garment of a real outfit replaced by its closest same-category look-alike from another photo, by
colour histogram, by the MobileNetV2 yardstick or by garment-net; 5 type-matched random negatives per
positive; fill-in-the-blank with 3 random candidates. On each it measures:

- the issue's reference: a logistic model on pairs of the garments' colour histograms (outer product of
  the square-root histograms, L2-regularised), trained on real train outfits against random pairs;
- the garments' mean colour-histogram affinity, no model either: how much a construction rewards plain colour
  agreement;
- "hubness", which is no model of compatibility: a garment's score is how often it is some val garment's
  nearest look-alike under one measure. It shows how much of a construction's AUC comes from which
  garments its measure picks as look-alikes.

    /usr/bin/python3 training/outfits/probe_constructions.py [--cache .cache/outfit-features] [--seed 1007]

Deterministic (numpy seeds, LBFGS). Takes about a minute on two cores.
"""
import argparse
import json
import os

import numpy as np
import torch

CATEGORIES = ['top', 'outerwear', 'bottom', 'dress', 'shoes', 'bag', 'hat', 'accessory']


def load(cache):
    index = json.load(open(os.path.join(cache, 'index.json')))
    items = index['items']
    n = len(items)
    yardstick = np.fromfile(os.path.join(cache, 'lookalike.bin'), dtype=np.float32).reshape(n, index['lookalikeDim'])
    rows = np.fromfile(os.path.join(cache, 'features.bin'), dtype=np.float32).reshape(-1, index['dim'])
    garment_net = rows[[it['maskRow'] for it in items]]
    hist = np.sqrt(np.array([it['maskHistogram'] for it in items], dtype=np.float32))
    cats = np.array([CATEGORIES.index(it['category']) for it in items])
    photos = np.array([it['photo'] for it in items])
    splits = np.array([it['split'] for it in items])
    return items, {'colour histogram': hist, 'MobileNetV2 yardstick': yardstick, 'garment-net': garment_net}, cats, photos, splits


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cache', default='.cache/outfit-features')
    ap.add_argument('--seed', type=int, default=1007)
    args = ap.parse_args()
    items, measures, cats, photos, splits = load(args.cache)
    n = len(items)

    def outfits(split):
        out = {}
        for i in range(n):
            if splits[i] == split:
                out.setdefault(photos[i], []).append(i)
        return [v for v in out.values() if len(v) >= 2]

    def lookalikes(ids, vec, k):
        ids = np.array(ids)
        out = {}
        for c in range(len(CATEGORIES)):
            sel = ids[cats[ids] == c]
            if len(sel) < 2:
                continue
            a = vec[sel] / (np.linalg.norm(vec[sel], axis=1, keepdims=True) + 1e-12)
            sim = a @ a.T
            for j, i in enumerate(sel):
                order = np.argsort(-sim[j], kind='stable')
                out[i] = [sel[b] for b in order if photos[sel[b]] != photos[i]][:k]
        return out

    def build(vec):
        r = np.random.default_rng(args.seed)
        outs = outfits('val')
        ids = [i for o in outs for i in o]
        la = lookalikes(ids, vec, 10)
        by_cat = {c: [i for i in ids if cats[i] == c] for c in range(len(CATEGORIES))}
        positives = []
        for o in outs:
            used, p = set(), []
            for g in o:
                best = next((x for x in la.get(g, []) if photos[x] not in used), None)
                if best is None:
                    break
                used.add(photos[best])
                p.append(best)
            if len(p) == len(o):
                positives.append(p)
        negatives, fitb = [], []
        for p in positives:
            for _ in range(5):
                used, neg = set(), []
                for g in p:
                    options = by_cat[cats[g]]
                    for _ in range(20):
                        x = options[r.integers(len(options))]
                        if photos[x] not in used:
                            break
                    used.add(photos[x])
                    neg.append(x)
                negatives.append(neg)
            for at in range(len(p)):
                context = [g for j, g in enumerate(p) if j != at]
                avoid = {photos[g] for g in p}
                others = [x for x in by_cat[cats[p[at]]] if photos[x] not in avoid]
                if len(others) < 3:
                    continue
                wrong = set()
                while len(wrong) < 3:
                    wrong.add(others[r.integers(len(others))])
                fitb.append((context, [p[at]] + sorted(wrong)))
        return positives, negatives, fitb

    def auc(a, b):
        a = np.asarray(a)[:, None]
        b = np.asarray(b)[None, :]
        return float(((a > b) + 0.5 * (a == b)).mean())

    def evaluate(score, ev):
        positives, negatives, fitb = ev
        right = sum(int(np.argmax([score(ctx + [c]) for c in cand]) == 0) for ctx, cand in fitb)
        return auc([score(o) for o in positives], [score(o) for o in negatives]), right / len(fitb)

    evals = {name: build(vec) for name, vec in measures.items()}

    # The reference: logistic regression on pairs of colour histograms.
    x = measures['colour histogram']
    d = x.shape[1]
    train = outfits('train')
    train_ids = [i for o in train for i in o]
    by_cat = {c: [i for i in train_ids if cats[i] == c] for c in range(len(CATEGORIES))}
    r = np.random.default_rng(0)
    pairs, y = [], []
    for o in train:
        for a in range(len(o)):
            for b in range(a + 1, len(o)):
                i, j = o[a], o[b]
                pairs.append((i, j))
                y.append(1)
                for _ in range(3):
                    i2 = by_cat[cats[i]][r.integers(len(by_cat[cats[i]]))]
                    j2 = by_cat[cats[j]][r.integers(len(by_cat[cats[j]]))]
                    if photos[i2] != photos[j2]:
                        pairs.append((i2, j2))
                        y.append(0)
    pairs = np.array(pairs)
    xt = torch.tensor(x)
    outer = lambda i, j: (xt[i][:, :, None] * xt[j][:, None, :]).reshape(len(i), -1)
    f = outer(pairs[:, 0], pairs[:, 1]) + outer(pairs[:, 1], pairs[:, 0])
    yt = torch.tensor(y, dtype=torch.float32)
    w = torch.zeros(d * d, requires_grad=True)
    b0 = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([w, b0], max_iter=200)

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(f @ w + b0, yt) + 1e-3 * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    wm = w.detach().reshape(d, d).numpy()

    def pair_score(o):
        s = [x[o[a]] @ wm @ x[o[b]] for a in range(len(o)) for b in range(len(o)) if a != b]
        return float(np.mean(s))

    print(f'val outfits: {len(evals["colour histogram"][0])} positives, {len(evals["colour histogram"][1])} negatives, '
          f'{len(evals["colour histogram"][2])} FITB questions per construction')
    header = '| scorer | ' + ' | '.join(f'AUC / FITB, {name} look-alikes' for name in evals) + ' |'
    print(header)
    print('|---' * (len(evals) + 1) + '|')
    row = lambda name, score: print(f'| {name} | ' + ' | '.join('%.3f / %.3f' % evaluate(score, ev) for ev in evals.values()) + ' |')
    row('colour-histogram pair logistic (the issue\'s reference)', pair_score)
    # Colour agreement with no model at all: the mean Hellinger affinity (dot product of the square-root
    # histograms) over the outfit's pairs of garments.
    row('mean colour-histogram affinity of the garments (no model)',
        lambda o: float(np.mean([x[o[a]] @ x[o[b]] for a in range(len(o)) for b in range(len(o)) if a != b])))
    val_ids = [i for o in outfits('val') for i in o]
    for name, vec in measures.items():
        degree = np.zeros(n)
        for _, near in lookalikes(val_ids, vec, 1).items():
            for g in near:
                degree[g] += 1
        row(f'hubness by {name} (no model)', lambda o, deg=degree: float(deg[o].mean()))


if __name__ == '__main__':
    main()
