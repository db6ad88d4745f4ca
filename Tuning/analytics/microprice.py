#!/usr/bin/env python3
"""Estimate Stoikov's micro-price adjustment table g*(I, S) for one instrument (DEFINITIONS.md §2).

Input: a feature CSV written by Analytics' FeatureCSVWriter (`hft replay --features FILE.csv`):
columns time_ns, event, mid, spread_ticks, spread_bps, imbalance_l1, ... (only book rows are used).
Output: the JSON MicroPriceTable loads:
  {"instrument", "imbalanceBuckets": n, "maxSpreadTicks": k, "adjustmentTicks": [[g for each bucket] per spread 1..k], ...}

Method (S. Stoikov, "The micro-price", Quant. Finance 18(12) 2018; reference code github.com/sstoikov/microprice):
  state x = (spread s in ticks, 1..k; imbalance bucket b of I = qb/(qb+qa) = (1 + imbalance_l1)/2),
  buckets are SYMMETRIC equal-width bins b = min(floor(I*n), n-1) (use an odd n so I = 1/2 is central);
  pair each book update with the one `--dt` updates later; dM = mid change in ticks rounded to 1/2 tick,
  keep |dM| <= 1 tick and next spread in 1..k; SYMMETRISE by adding every pair mirrored
  (b -> n-1-b, next b -> n-1-next b, dM -> -dM);
  Q[x,y] = P(next=y, dM=0 | x), T[x,y] = P(next=y, dM!=0 | x), R[x,j] = P(dM=K_j | x), K = (-1,-1/2,1/2,1);
  g1 = (1-Q)^-1 R K,  B = (1-Q)^-1 T,  g* = sum_i B^i g1 (iterated until the term is < 1e-12).
  Rows are indexed by the CURRENT state and columns by the NEXT state (the alignment pitfall of the reference
  notebook, sstoikov/microprice PR #2).
Usage: microprice.py FEATURES.csv OUT.json [--buckets 11] [--max-spread 2] [--dt 1] [--tick PRICE] [--instrument NAME]
Safe to re-run: reads the CSV, (over)writes OUT.json only.
"""
import argparse
import csv
import json

import numpy as np


def load_book_rows(path):
    mids, spreads, imbs, bps = [], [], [], []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["event"] != "0":
                continue
            mids.append(float(row["mid"]))
            spreads.append(float(row["spread_ticks"]))
            imbs.append(float(row["imbalance_l1"]))
            bps.append(float(row["spread_bps"]))
    return np.array(mids), np.array(spreads), np.array(imbs), np.array(bps)


def estimate(mid, spread_ticks, imbalance_l1, tick, n, k, dt):
    s = np.rint(spread_ticks).astype(int)
    imb = (1.0 + imbalance_l1) / 2.0
    b = np.minimum(np.floor(imb * n).astype(int), n - 1)
    dm = np.rint((mid[dt:] - mid[:-dt]) / tick * 2.0) / 2.0
    s0, s1, b0, b1 = s[:-dt], s[dt:], b[:-dt], b[dt:]
    keep = (s0 >= 1) & (s0 <= k) & (s1 >= 1) & (s1 <= k) & (np.abs(dm) <= 1.0)
    s0, s1, b0, b1, dm = s0[keep], s1[keep], b0[keep], b1[keep], dm[keep]
    # Symmetrise.
    s0 = np.concatenate([s0, s0]); s1 = np.concatenate([s1, s1])
    b0 = np.concatenate([b0, n - 1 - b0]); b1 = np.concatenate([b1, n - 1 - b1]); dm = np.concatenate([dm, -dm])
    m = n * k
    x = (s0 - 1) * n + b0
    y = (s1 - 1) * n + b1
    K = np.array([-1.0, -0.5, 0.5, 1.0])
    Q = np.zeros((m, m)); T = np.zeros((m, m)); R = np.zeros((m, 4))
    still = dm == 0
    np.add.at(Q, (x[still], y[still]), 1.0)
    np.add.at(T, (x[~still], y[~still]), 1.0)
    j = np.searchsorted(K, dm[~still])
    np.add.at(R, (x[~still], j), 1.0)
    total = Q.sum(axis=1) + T.sum(axis=1)
    nz = total > 0
    Q[nz] /= total[nz, None]; T[nz] /= total[nz, None]; R[nz] /= total[nz, None]
    inv = np.linalg.inv(np.eye(m) - Q)
    g1 = inv @ R @ K
    B = inv @ T
    g, term = g1.copy(), g1.copy()
    iterations = 0
    for iterations in range(1, 1001):
        term = B @ term
        g += term
        if np.max(np.abs(term)) < 1e-12:
            break
    return g.reshape(k, n), int(keep.sum()), iterations, total.reshape(k, n)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("features"); ap.add_argument("out")
    ap.add_argument("--buckets", type=int, default=11); ap.add_argument("--max-spread", type=int, default=2)
    ap.add_argument("--dt", type=int, default=1); ap.add_argument("--tick", type=float, default=None)
    ap.add_argument("--instrument", default=None)
    a = ap.parse_args()
    mid, spread_ticks, imb, bps = load_book_rows(a.features)
    tick = a.tick
    if tick is None:  # spread in price / spread in ticks, on rows with a positive spread
        ok = spread_ticks > 0
        tick = float(np.median(bps[ok] * mid[ok] / 1e4 / spread_ticks[ok]))
    g, pairs, iterations, counts = estimate(mid, spread_ticks, imb, tick, a.buckets, a.max_spread, a.dt)
    out = {"instrument": a.instrument, "imbalanceBuckets": a.buckets, "maxSpreadTicks": a.max_spread,
           "adjustmentTicks": g.tolist(), "tick": tick, "pairs": pairs, "iterations": iterations,
           "stateCounts": counts.tolist()}
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1)
    print(f"microprice: {pairs} pairs, tick {tick}, {iterations} iterations; g*(spread 1) = {np.round(g[0], 4).tolist()}")


if __name__ == "__main__":
    main()
