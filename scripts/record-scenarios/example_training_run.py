"""A fake MNIST training run logged offline by the visdom client (examples/training-run.jsonl).

Env "mnist_run", 300 steps in 6 epochs of 50 steps:
  loss       line, traces "train" (appended every step) and "val" (every 10 steps)
  accuracy   line, validation accuracy appended every 25 steps
  lr         line, warmup + cosine learning-rate schedule, appended every 10 steps
  confusion  heatmap 10x10 with digit row/column names, replaced every 50 steps
  weights    heatmap, one 16-bin weight histogram row appended per epoch
  log        text, one line appended per epoch

Usage: PY example_training_run.py LOG  (record.py --example runs it and records
examples/training-run.expected/mnist_run.json from a real visdom server).
"""
import math
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "training-run.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
ENV = "mnist_run"
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False, env=ENV)
rng = np.random.default_rng(2024)

STEPS, EPOCH, BASE_LR, MIN_LR, WARMUP = 300, 50, 0.1, 1e-4, 20
DIGITS = [str(d) for d in range(10)]


def lr_at(step):
    if step < WARMUP:
        return BASE_LR * (step + 1) / WARMUP
    cos = 0.5 * (1 + math.cos(math.pi * (step - WARMUP) / (STEPS - WARMUP)))
    return MIN_LR + (BASE_LR - MIN_LR) * cos


def r4(x):
    return round(float(x), 4)


def confusion(acc):
    """A plausible confusion matrix for 100 samples per digit at accuracy acc."""
    m = np.zeros((10, 10), dtype=int)
    for d in range(10):
        right = int(round(100 * acc + rng.integers(-3, 4)))
        right = min(100, max(0, right))
        wrong = rng.multinomial(100 - right, np.full(9, 1 / 9))
        m[d] = np.insert(wrong, d, right)
    return m


train_loss, val_loss = 2.3, 2.3
vis.line(Y=np.array([[train_loss, val_loss]]), X=np.array([[0, 0]]), win="loss",
         opts=dict(title="loss", xlabel="step", ylabel="cross-entropy", legend=["train", "val"]))
vis.line(Y=np.array([0.1]), X=np.array([0]), win="accuracy",
         opts=dict(title="validation accuracy", xlabel="step", ytickmin=0, ytickmax=1))
vis.line(Y=np.array([lr_at(0)]), X=np.array([0]), win="lr",
         opts=dict(title="learning rate", xlabel="step", ytype="log"))
vis.heatmap(np.zeros((10, 10), dtype=int), win="confusion",
            opts=dict(title="confusion (val)", columnnames=DIGITS, rownames=DIGITS,
                      colormap="Blues", xmin=0, xmax=100))
vis.text("<b>mnist_run</b>: 2-layer MLP, batch 128, SGD momentum 0.9", win="log",
         opts=dict(title="log"))

acc = 0.1
for step in range(1, STEPS + 1):
    progress = step / STEPS
    train_loss = 0.08 + 2.2 * math.exp(-6 * progress) + 0.03 * float(rng.standard_normal())
    vis.line(Y=np.array([r4(train_loss)]), X=np.array([step]), win="loss", name="train",
             update="append")
    if step % 10 == 0:
        val_loss = 0.12 + 2.1 * math.exp(-5.5 * progress) + 0.02 * float(rng.standard_normal())
        vis.line(Y=np.array([r4(val_loss)]), X=np.array([step]), win="loss", name="val",
                 update="append")
        vis.line(Y=np.array([r4(lr_at(step))]), X=np.array([step]), win="lr", update="append")
    if step % 25 == 0:
        acc = min(0.99, 0.1 + 0.88 * (1 - math.exp(-5 * progress)) + 0.005 * float(rng.standard_normal()))
        vis.line(Y=np.array([r4(acc)]), X=np.array([step]), win="accuracy", update="append")
    if step % EPOCH == 0:
        epoch = step // EPOCH
        vis.heatmap(confusion(acc), win="confusion", update="replace",
                    opts=dict(columnnames=DIGITS, rownames=DIGITS, colormap="Blues",
                              xmin=0, xmax=100))
        spread = 1.0 / (1 + 0.3 * epoch)
        hist, _ = np.histogram(rng.normal(0, spread, 2000), bins=16, range=(-2, 2))
        if epoch == 1:
            vis.heatmap(hist[None, :], win="weights",
                        opts=dict(title="layer1 weight histogram (rows: epochs)",
                                  colormap="Viridis"))
        else:
            vis.heatmap(hist[None, :], win="weights", update="appendRow")
        vis.text("epoch %d: train %.4f, val %.4f, acc %.2f%%, lr %.5f"
                 % (epoch, train_loss, val_loss, 100 * acc, lr_at(step)), win="log", append=True)
