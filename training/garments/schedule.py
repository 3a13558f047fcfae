"""What the two trainers (train.py, detector.py) share: the log line, one random cached view of each image per
epoch, and the learning rate (one warm-up epoch, then cosine decay to 0)."""
import math
import time

import numpy as np


def log(*a):
    print(time.strftime('%H:%M:%S'), *a, flush=True)


def views_by_image(image_of_row, n_images):
    """Row indices of the cached views of each image 0..n_images-1."""
    by_img = [[] for _ in range(n_images)]
    for row, img in enumerate(image_of_row):
        by_img[img].append(row)
    return by_img


def epoch_rows(by_img, n_images, rng):
    """Images 0..n_images-1 in a random order, one random view of each: their rows."""
    order = rng.permutation(n_images)
    return np.array([by_img[i][rng.integers(len(by_img[i]))] for i in order])


def set_lr(opt, base, step, steps_per_epoch, total):
    """Each group's base rate times the warm-up (first epoch) and the cosine factor of this step."""
    for g, b in zip(opt.param_groups, base):
        g['lr'] = b * (min(1.0, (step + 1) / steps_per_epoch) * 0.5 * (1 + math.cos(math.pi * step / total)))
