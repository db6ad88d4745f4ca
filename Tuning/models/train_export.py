"""Trains a TCN or a TabNet on features exported by `hft replay --features` and writes the inputs of
`hft model import` (a state_dict .safetensors + a params JSON with the feature schema); or exports a trained
stable-baselines3 PPO policy (+ VecNormalize statistics) the same way.

Usage (developer machine: `pip install torch pytorch-tabnet stable-baselines3 safetensors numpy`):
  python3 Tuning/models/train_export.py tcn    --features F.npy --schema S.json --target NAME --out DIR
  python3 Tuning/models/train_export.py tabnet --features F.npy --schema S.json --target NAME --out DIR
  python3 Tuning/models/train_export.py ppo    --sb3-zip MODEL.zip [--vecnormalize STATS.pkl] --schema S.json --out DIR
then `hft model import --arch ARCH --state-dict DIR/model.safetensors --params DIR/params.json --out BUNDLE`.

F.npy is the Analytics `FeatureNPYWriter` layout: columns `time_s, event, <schema features in order>`;
S.json is `FeatureSchema.jsonData()` (version, id, features[{name, unit, description}]). Labels: the sign of
the change of feature TARGET (e.g. a mid price or micro-price column) `--horizon` rows ahead, with a dead band
`--band` (relative): 0 down, 1 flat, 2 up. The TCN learns on windows of `--window` rows of standardised
features (the mean/variance go to the bundle as `normalization`); TabNet learns on single rows.
Safe to re-run: it writes only into --out. Seeds are fixed.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def schema_features(path, count=None):
    with open(path) as f:
        s = json.load(f)
    names = [d["name"] for d in s["features"]]
    if count is not None and count != len(names):
        sys.exit("features file has %d feature columns, schema %d" % (count, len(names)))
    return {"schema_id": s["id"], "schema_version": s["version"], "names": names}


def load_rows(a):
    data = np.load(a.features).astype(np.float32)
    x = data[:, 2:]
    feats = schema_features(a.schema, x.shape[1])
    if a.target not in feats["names"]:
        sys.exit("target %s is not a feature of the schema" % a.target)
    t = x[:, feats["names"].index(a.target)].astype(np.float64)
    ahead = np.roll(t, -a.horizon)
    rel = (ahead - t) / np.maximum(np.abs(t), 1e-12)
    y = np.where(rel > a.band, 2, np.where(rel < -a.band, 0, 1))[: -a.horizon]
    x = x[: -a.horizon]
    ok = np.isfinite(x).all(axis=1)
    return x[ok], y[ok].astype(np.int64), feats


def write(out, state_dict, params):
    os.makedirs(out, exist_ok=True)
    save_file({k: v.detach().clone().contiguous().float() if v.is_floating_point() else v.detach().clone().contiguous()
               for k, v in state_dict.items()}, os.path.join(out, "model.safetensors"))
    with open(os.path.join(out, "params.json"), "w") as f:
        json.dump(params, f, indent=1)
    print("wrote", out)


def train_tcn(a):
    from tcn_model import TCN
    torch.manual_seed(0)
    x, y, feats = load_rows(a)
    mean, var = x.mean(0).astype(np.float64), x.var(0).astype(np.float64)
    xs = ((x - mean) / np.sqrt(var + 1e-8)).clip(-10, 10).astype(np.float32)
    w = a.window
    idx = np.arange(w - 1, len(xs))
    model = TCN(xs.shape[1], 3, a.channels, a.kernel_size, 0.1)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    xt = torch.from_numpy(xs)
    for epoch in range(a.epochs):
        model.train()
        np.random.default_rng(epoch).shuffle(idx)
        total = 0.0
        for b in range(0, len(idx), 256):
            rows = idx[b:b + 256]
            batch = torch.stack([xt[r - w + 1:r + 1].T for r in rows])
            loss = torch.nn.functional.cross_entropy(model(batch), torch.from_numpy(y[rows]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(rows)
        print("epoch", epoch, "loss", total / len(idx))
    model.eval()
    write(a.out, model.state_dict(), {
        "input_size": xs.shape[1], "output_size": 3, "num_channels": a.channels, "kernel_size": a.kernel_size,
        "dropout": 0.1, "window": w, "features": feats,
        "normalization": {"type": "vec_normalize", "mean": mean.tolist(), "var": var.tolist(), "clip_obs": 10.0, "epsilon": 1e-8}})


def train_tabnet(a):
    from pytorch_tabnet.tab_model import TabNetClassifier
    x, y, feats = load_rows(a)
    hp = dict(n_d=8, n_a=8, n_steps=3, gamma=1.3, n_independent=2, n_shared=2, mask_type=a.mask_type, seed=0, verbose=1)
    clf = TabNetClassifier(**hp)
    clf.fit(x, y, max_epochs=a.epochs, batch_size=1024, virtual_batch_size=128)
    if list(clf.classes_) != [0, 1, 2]:
        sys.exit("every class (down, flat, up) must occur in the labels; widen the data or change --band")
    write(a.out, clf.network.state_dict(), {
        "input_dim": x.shape[1], "output_dim": 3, "n_d": 8, "n_a": 8, "n_steps": 3, "gamma": 1.3, "n_independent": 2,
        "n_shared": 2, "mask_type": a.mask_type, "epsilon": 1e-15, "virtual_batch_size": 128, "momentum": 0.02,
        "cat_idxs": [], "cat_dims": [], "features": feats})


def export_ppo(a):
    from gymnasium import spaces
    from stable_baselines3 import PPO
    model = PPO.load(a.sb3_zip, device="cpu")
    policy = model.policy
    obs_dim = int(np.prod(policy.observation_space.shape))
    act = policy.action_space
    space = {"discrete": int(act.n)} if isinstance(act, spaces.Discrete) else \
        {"box": {"low": act.low.tolist(), "high": act.high.tolist()}}
    arch = policy.net_arch
    act_fn = policy.activation_fn.__name__
    params = {"obs_dim": obs_dim, "net_arch": arch, "activation_fn": act_fn, "action_space": space,
              "features": schema_features(a.schema, obs_dim)}
    if a.vecnormalize:
        import pickle
        with open(a.vecnormalize, "rb") as f:
            vn = pickle.load(f)
        params["normalization"] = {"type": "vec_normalize", "mean": vn.obs_rms.mean.tolist(), "var": vn.obs_rms.var.tolist(),
                                   "clip_obs": float(vn.clip_obs), "epsilon": float(vn.epsilon)}
    write(a.out, policy.state_dict(), params)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("arch", choices=["tcn", "tabnet", "ppo"])
    ap.add_argument("--features")
    ap.add_argument("--schema", required=True)
    ap.add_argument("--target")
    ap.add_argument("--horizon", type=int, default=20)
    ap.add_argument("--band", type=float, default=1e-5)
    ap.add_argument("--window", type=int, default=64)
    ap.add_argument("--channels", type=int, nargs="+", default=[32, 32, 32, 32])
    ap.add_argument("--kernel-size", type=int, default=3)
    ap.add_argument("--mask-type", default="sparsemax", choices=["sparsemax", "entmax"])
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--sb3-zip")
    ap.add_argument("--vecnormalize")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.arch != "ppo" and not (a.features and a.target):
        ap.error("tcn and tabnet need --features and --target")
    if a.arch == "ppo" and not a.sb3_zip:
        ap.error("ppo needs --sb3-zip")
    {"tcn": train_tcn, "tabnet": train_tabnet, "ppo": export_ppo}[a.arch](a)


if __name__ == "__main__":
    main()
