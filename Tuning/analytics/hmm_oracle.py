#!/usr/bin/env python3
"""Test oracle: hmmlearn's FORWARD (filtered) state probabilities for given Gaussian-HMM parameters.

Usage: hmm_oracle.py IN.json  ->  prints JSON [[p_0 ... p_K-1] per observation] on stdout.
IN.json: {"startProbabilities": [...], "transitions": [[...]], "means": [[...]], "variances": [[...]],
          "observations": [[o_1 ...], ...]}   (diagonal covariances, the HMMParameters layout).
Filtered P(state_t | o_1..o_t) = normalised exp(fwdlattice[t]) from hmmlearn's own forward pass
(never predict_proba, which is the smoothed posterior). Needs numpy and hmmlearn (.ci/requirements.txt).
Safe to re-run: reads its input, writes only stdout.
"""
import json
import sys

import numpy as np
from hmmlearn import _hmmc, hmm


def main() -> None:
    spec = json.load(open(sys.argv[1]))
    k = len(spec["startProbabilities"])
    model = hmm.GaussianHMM(n_components=k, covariance_type="diag")
    model.startprob_ = np.array(spec["startProbabilities"], dtype=float)
    model.transmat_ = np.array(spec["transitions"], dtype=float)
    model.means_ = np.array(spec["means"], dtype=float)
    model.covars_ = np.array(spec["variances"], dtype=float)
    x = np.array(spec["observations"], dtype=float)
    framelogprob = model._compute_log_likelihood(x)
    _, fwd = _hmmc.forward_log(model.startprob_, model.transmat_, framelogprob)
    fwd = fwd - fwd.max(axis=1, keepdims=True)
    p = np.exp(fwd)
    p /= p.sum(axis=1, keepdims=True)
    json.dump(p.tolist(), sys.stdout)


if __name__ == "__main__":
    main()
