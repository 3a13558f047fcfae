"""Reading the shared data formats (see ../shared/data/README.md) and making 224 x 224 garment crops.

Crops follow the app's pipeline: a square around the garment (grown to its long side), outside the
photo neutral grey 128, resized to 224 x 224 (bilinear). Pixels are uint8 HWC RGB.
"""
import csv
import json
import os

import numpy as np
from PIL import Image

SIZE = 224
GREY = 128


def fine_labels(categories_path):
    with open(categories_path) as f:
        return json.load(f)['clothing_fine_labels']


def clothing_rows(data_dir, split, labels):
    """(uuid, label index or -1) for the rows of `split` in images.csv; -1 = not one of `labels`."""
    with open(os.path.join(data_dir, 'images.csv')) as f:
        rows = [r for r in csv.DictReader(f) if r['split'] == split]
    index = {name: i for i, name in enumerate(labels)}
    return [(r['image'], index.get(r['label'], -1)) for r in rows]


def load_rgb(path):
    with Image.open(path) as im:
        return im.convert('RGB')


def square_crop(im, box=None, rng=None, scale=(1.0, 1.0), ratio=(1.0, 1.0)):
    """Crops `box` [x, y, w, h] (default the whole image) as the app does and resizes it to SIZE.

    With `rng`, a random-resized-crop inside that square: area fraction in `scale`, aspect in `ratio`
    (then stretched back to a square, as RandomResizedCrop does).
    """
    w0, h0 = im.size
    x, y, w, h = box if box is not None else (0, 0, w0, h0)
    side = max(w, h)
    sx, sy, sw, sh = x + w / 2 - side / 2, y + h / 2 - side / 2, side, side
    if rng is not None:
        area = rng.uniform(*scale) * side * side
        aspect = np.exp(rng.uniform(np.log(ratio[0]), np.log(ratio[1])))
        cw = min(side, np.sqrt(area * aspect))
        ch = min(side, np.sqrt(area / aspect))
        sx, sy, sw, sh = sx + rng.uniform(0, side - cw), sy + rng.uniform(0, side - ch), cw, ch
    # PIL crop pads outside the image with black; paste onto grey instead.
    canvas = Image.new('RGB', (int(np.ceil(sw)) + 1, int(np.ceil(sh)) + 1), (GREY, GREY, GREY))
    ix, iy = int(np.floor(sx)), int(np.floor(sy))
    canvas.paste(im, (-ix, -iy))
    fx, fy = sx - ix, sy - iy
    out = canvas.resize((SIZE, SIZE), Image.BILINEAR, box=(fx, fy, fx + sw, fy + sh))
    return np.asarray(out, dtype=np.uint8)


def colour_jitter(pixels, rng, strength=0.3):
    """Brightness, contrast and saturation each by a factor in [1 - strength, 1 + strength]; float 0..255."""
    x = pixels.astype(np.float32)
    x = x * rng.uniform(1 - strength, 1 + strength)
    mean = x.mean()
    x = (x - mean) * rng.uniform(1 - strength, 1 + strength) + mean
    grey = x @ np.array([0.299, 0.587, 0.114], np.float32)
    x = (x - grey[..., None]) * rng.uniform(1 - strength, 1 + strength) + grey[..., None]
    return np.clip(x, 0, 255)


# CCP labels with a clear counterpart among the clothing data set's fine labels (--ccp in train.py). The others
# (blouse, top, cardigan, vest, ...) sit between two fine labels and are left out rather than guessed.
CCP_FINE = {
    't-shirt': 'T-Shirt', 'shirt': 'Shirt', 'sweater': 'Longsleeve', 'jumper': 'Longsleeve', 'sweatshirt': 'Longsleeve',
    'coat': 'Outwear', 'jacket': 'Outwear', 'blazer': 'Outwear',
    'jeans': 'Pants', 'pants': 'Pants', 'leggings': 'Pants', 'shorts': 'Shorts', 'skirt': 'Skirt', 'dress': 'Dress',
    'hat': 'Hat', **{s: 'Shoes' for s in ('boots', 'clogs', 'flats', 'heels', 'loafers', 'pumps', 'sandals', 'shoes', 'sneakers', 'wedges')},
}
# A garment smaller than this share of its photo is too few pixels to name.
CCP_MIN_SHARE = 0.01


def ccp_garments(data_dir, split, labels):
    """(photo id, CCP label index, box [x, y, w, h], fine label index) of the pixel-annotated photos of `split`,
    for the garments whose CCP label has a fine label (CCP_FINE) and that cover at least CCP_MIN_SHARE."""
    with open(os.path.join(data_dir, 'annotations.json')) as f:
        ann = json.load(f)
    index = {name: i for i, name in enumerate(labels)}
    out = []
    for p in ann['photos']:
        if p['split'] != split or p.get('kind') != 'pixel':
            continue
        for it in p['items']:
            fine = CCP_FINE.get(it['label'])
            if fine in index and it['pixels'] >= CCP_MIN_SHARE * p['width'] * p['height']:
                out.append((p['id'], ann['labels'].index(it['label']), it['box'], index[fine]))
    return out


def cut_out(im, mask, cell=8):
    """The garment alone, as the app crops it: pixels outside `mask` (bool HxW) neutral grey. The mask is made
    blocky first (cells of `cell` px, kept where at least half is garment), like the detector's stride-4 cells on
    its downscaled input."""
    h, w = mask.shape
    small = Image.fromarray(mask.astype(np.uint8) * 255).resize((max(1, w // cell), max(1, h // cell)), Image.BOX)
    blocky = np.asarray(small.resize((w, h), Image.NEAREST)) >= 128
    px = np.asarray(im, dtype=np.uint8).copy()
    px[~blocky] = GREY
    return Image.fromarray(px)
