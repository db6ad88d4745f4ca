#!/usr/bin/env python3
"""Fit the regime HMM offline (hmmlearn GaussianHMM, diagonal covariances) and write the JSON
HMMParameters that Analytics' online FORWARD filter loads (DEFINITIONS.md §6).

Input: a feature CSV written by FeatureCSVWriter (`hft replay --features FILE.csv`): time_ns, event, <features>.
Observations are sampled exactly as the engine samples them live: on BOOK rows (event == 0), the first row at
or after each multiple of --step-ns of the clock (every book row when 0), taking the named feature columns.
States are relabelled by increasing mean of the first observation so repeated fits are comparable.
Usage: fit_hmm.py FEATURES.csv OUT.json --observations return_time,rv_ewma [--states 2] [--step-ns 1000000000]
       [--seed 0] [--iterations 200]
Output keys: observations, stepNanos, startProbabilities, transitions, means, variances (+ logLikelihood, samples).
Safe to re-run: reads the CSV, (over)writes OUT.json only. Needs numpy and hmmlearn (.ci/requirements.txt).
"""
import argparse
import csv
import json

import numpy as np
from hmmlearn import hmm


def sample(path, names, step):
    rows, nxt = [], None
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["event"] != "0":
                continue
            t = int(row["time_ns"])
            if nxt is not None and t < nxt:
                continue
            rows.append([float(row[n]) for n in names])
            nxt = (t // step + 1) * step if step > 0 else t
    return np.array(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("features"); ap.add_argument("out")
    ap.add_argument("--observations", required=True); ap.add_argument("--states", type=int, default=2)
    ap.add_argument("--step-ns", type=int, default=1_000_000_000); ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--iterations", type=int, default=200)
    a = ap.parse_args()
    names = a.observations.split(",")
    x = sample(a.features, names, a.step_ns)
    if len(x) < 10 * a.states:
        raise SystemExit(f"fit_hmm: only {len(x)} observations for {a.states} states")
    floor = max(float(np.min(np.var(x, axis=0))) * 1e-6, 1e-300)
    model = hmm.GaussianHMM(n_components=a.states, covariance_type="diag", n_iter=a.iterations,
                            random_state=a.seed, min_covar=floor)
    model.fit(x)
    order = np.argsort(model.means_[:, 0])
    variances = np.array([np.diag(c) for c in model.covars_])[order]
    out = {"observations": names, "stepNanos": a.step_ns,
           "startProbabilities": model.startprob_[order].tolist(),
           "transitions": model.transmat_[np.ix_(order, order)].tolist(),
           "means": model.means_[order].tolist(), "variances": variances.tolist(),
           "logLikelihood": float(model.score(x)), "samples": int(len(x))}
    # Rows of a fitted matrix can be off 1 by rounding; renormalise so the loader's 1e-6 check holds.
    out["startProbabilities"] = (np.array(out["startProbabilities"]) / np.sum(out["startProbabilities"])).tolist()
    out["transitions"] = (np.array(out["transitions"]) / np.sum(out["transitions"], axis=1, keepdims=True)).tolist()
    with open(a.out, "w") as f:
        json.dump(out, f, indent=1)
    print(f"fit_hmm: {len(x)} observations of {names}, {a.states} states, log-likelihood {out['logLikelihood']:.3f}")


if __name__ == "__main__":
    main()
