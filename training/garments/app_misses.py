"""Where the app's garment boxes miss: the CLI's `analyze` output against CCP's annotations, by the box metric of
`evaluate` (per photo and category covering >= 1 % of it, the union of predicted boxes against the union of true boxes,
a hit at IoU >= 0.5).

  npm run --silent cli -- analyze --data ../shared/data/ccp --split val --out /tmp/v.json
  /usr/bin/python3 training/garments/app_misses.py --data ../shared/data/ccp --pred /tmp/v.json [--split val]

For each category: its misses split into "no box of it" and "a box with IoU < 0.5", and for the first the CCP labels
missed and which categories the app boxed there instead (their union box's IoU with the true one). Then, from the
annotations alone (no model), how often a category present on the same photo as another one has a union box that
overlaps the other's with IoU >= 0.5 (e.g. a top under an open jacket), on train and on the split: what a rule
"box a top where a jacket is found without one" could gain.
"""
import argparse
import collections
import json
import os

from detector import SCORED as CATEGORIES, iou, label_categories, union


def present(photo, category_of):
    """category -> (union box, covers >= 1 % of the photo) for the photo's garment categories."""
    boxes, pixels = collections.defaultdict(list), collections.Counter()
    for it in photo['items']:
        c = category_of.get(it['label'])
        if c in CATEGORIES:
            boxes[c].append(it['box'])
            pixels[c] += it['pixels']
    area = photo['width'] * photo['height']
    return {c: (union(b), pixels[c] >= 0.01 * area) for c, b in boxes.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--pred', required=True)
    ap.add_argument('--split', default='val')
    args = ap.parse_args()
    with open(os.path.join(args.data, 'annotations.json')) as f:
        photos = [p for p in json.load(f)['photos'] if p['kind'] == 'pixel']
    with open(os.path.join(args.data, '..', 'categories.json')) as f:
        category_of = label_categories(json.load(f))
    with open(args.pred) as f:
        pred = json.load(f)['photos']

    misses = collections.defaultdict(list)
    for p in photos:
        if p['split'] != args.split or p['id'] not in pred:
            continue
        boxed = collections.defaultdict(list)
        for it in pred[p['id']]['items']:
            boxed[it['category']].append(it['box'])
        labels = [it['label'] for it in p['items']]
        for c, (truth, counts) in present(p, category_of).items():
            if not counts:
                continue
            mine = [label for label in labels if category_of.get(label) == c]
            if not boxed[c]:
                instead = ', '.join(f'{o} {iou(truth, union(b)):.2f}' for o, b in boxed.items() if b and o != c)
                misses[c].append(f"  {p['id']} no {c} box ({'/'.join(mine)}); boxed instead: {instead or 'nothing'}")
            elif iou(truth, union(boxed[c])) < 0.5:
                misses[c].append(f"  {p['id']} {c} box IoU {iou(truth, union(boxed[c])):.2f} ({'/'.join(mine)})")
    for c in CATEGORIES:
        none = sum('no ' in m for m in misses[c])
        print(f'{c}: {len(misses[c])} misses, {none} with no box of it, {len(misses[c]) - none} with IoU < 0.5')
        print('\n'.join(sorted(misses[c], key=lambda m: 'IoU' in m)))

    print('\nfrom the annotations alone: photos with both present (>= 1 %) whose union boxes overlap with IoU >= 0.5')
    for a, b in (('top', 'outerwear'), ('dress', 'outerwear'), ('bag', 'outerwear')):
        for split in ('train', args.split):
            with_b = both = overlap = 0
            for p in photos:
                if p['split'] != split:
                    continue
                cats = present(p, category_of)
                if not cats.get(b, (None, False))[1]:
                    continue
                with_b += 1
                if cats.get(a, (None, False))[1]:
                    both += 1
                    overlap += iou(cats[a][0], cats[b][0]) >= 0.5
            print(f'  {split}: {with_b} photos with {b}, {both} with {a} too, {overlap} of them overlapping')


if __name__ == '__main__':
    main()
