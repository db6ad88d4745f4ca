"""Trains the RegimeScalper's default (demo-grade) model bundles on real features and writes the inputs of
`hft model import` for each, plus PyTorch reference outputs for the Swift parity test
(`Tests/InferenceTests/DefaultBundlesTests.swift`).

Usage (developer machine, not CI; `Tuning/models/train_defaults.sh` runs the whole chain):
  python3 Tuning/models/train_defaults.py --train TRAIN.npy --test TEST.npy --schema S.json --work DIR
TRAIN.npy / TEST.npy come from `hft features` (float64, columns `time_s, event, <schema features>`), S.json is
the schema it wrote. For each of tcn, tabnet, ppo it writes DIR/<arch>/{model.safetensors, params.json,
reference_input.npy, reference_output.npy (+ reference_values.npy for PPO)} and prints out-of-sample
metrics on TEST (DIR/metrics.json).

Targets (TCN and TabNet are REGRESSION heads): y = log(mid(t + H) / mid(t)), H = --horizon-s seconds of
engine clock (mid(t + H) = the mid of the last row at or before t + H), on every row with a book (mid > 0)
and a full horizon ahead. The TCN steps once per BOOK row (the engine steps it on each book commit, trades
only update the features in between); TabNet learns on every row (book and trade). Training standardises y (y / std_y; no centring, TabNet's head has no bias) and
folds std_y back into the last linear layer before export (TCN `linear.weight` and `linear.bias`, TabNet
`tabnet.final_mapping.weight`), so the exported models output the expected forward mid log return directly.
Inputs: every schema feature, through the bundle's `normalization` (VecNormalize form: clip((x − mean) /
sqrt(var + 1e-8), ±10), fitted on TRAIN). Features whose scale depends on the price level or on how the
instrument's tick was set up (units `price` and `ticks`, `cvd`, constant columns) get mean 0 and var 1e30, so
they reach the network as ~0: the models do not see them.
PPO: stable-baselines3 `MlpPolicy` on a gymnasium env over TRAIN's book rows; observation exactly as
`RegimeScalperCore.ppoSize` builds it (signal = model output / 0.0005 with the regime's model, regime
one-hots from `RegimeClassifier` with the default config, position share 0 (the scalper asks only when flat),
rv_percentile, efficiency_ratio, spread_regime); action Box([0, -1], [1, 1]) = (size, go); reward =
go · size · (sign(signal) · y − fee) in bps. Seeds are fixed; torch runs on 2 threads. Safe to re-run: it
writes only into --work.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcn_model import TCN  # noqa: E402

MODEL_SCALE = 0.0005  # RegimeScalperConfig.modelScale
PPO_OBS = {"schema_id": "hft.regime_scalper.ppo_observation", "schema_version": 1,
           "names": ["signal", "regime_ranging", "regime_trending", "regime_volatile", "position_share",
                     "rv_percentile", "efficiency_ratio", "spread_regime"]}


def load(path, names):
    a = np.load(path)
    if a.shape[1] != len(names) + 2:
        sys.exit("%s has %d columns, schema %d features + 2" % (path, a.shape[1], len(names)))
    return a[:, 0].astype(np.float64), a[:, 1], a[:, 2:].astype(np.float32)


def forward_return(t, mid, horizon):
    """log(mid(t+H)/mid(t)) and a mask of rows where it is defined."""
    j = np.searchsorted(t, t + horizon, side="right") - 1
    ok = (mid > 0) & (mid[j] > 0) & (t + horizon <= t[-1])
    y = np.zeros(len(t))
    y[ok] = np.log(mid[j[ok]].astype(np.float64) / mid[ok])
    return y, ok


def normalizer(x, names, units):
    mean = x.astype(np.float64).mean(0)
    var = x.astype(np.float64).var(0)
    for i, (n, u) in enumerate(zip(names, units)):
        if u in ("price", "ticks") or n == "cvd" or var[i] < 1e-20:
            mean[i], var[i] = 0.0, 1e30
    return {"type": "vec_normalize", "mean": mean.tolist(), "var": var.tolist(), "clip_obs": 10.0, "epsilon": 1e-8}


def normalize(x, norm):
    """As `PackedNormalizer.apply`: float64 arithmetic on the float32 input, rounded to float32."""
    m, v = np.array(norm["mean"]), np.array(norm["var"])
    return np.clip((x.astype(np.float64) - m) / np.sqrt(v + norm["epsilon"]), -norm["clip_obs"], norm["clip_obs"]).astype(np.float32)


def metrics(pred, y):
    nz = y != 0
    return {"rows": int(len(y)), "sign_accuracy": float(np.mean(np.sign(pred[nz]) == np.sign(y[nz]))),
            "correlation": float(np.corrcoef(pred, y)[0, 1]), "pred_std": float(pred.std()), "target_std": float(y.std())}


def windows(xn, rows, w):
    """(len(rows), features, w) windows ending at each row, zero-padded before row 0 (as streaming from reset)."""
    pad = np.concatenate([np.zeros((w - 1, xn.shape[1]), np.float32), xn])
    return np.stack([pad[r:r + w].T for r in rows])


def write(out, module, params, reference):
    """model.safetensors (one name per shared tensor, the alphabetically first, as `save_model` keeps; the
    loader accepts any alias; no metadata, so the file is byte-identical run to run), params.json and the
    reference arrays (`reference_<name>.npy`, float32) the Swift parity test compares the imported bundle with."""
    os.makedirs(out, exist_ok=True)
    groups = {}
    for name, v in module.state_dict().items():
        groups.setdefault((v.data_ptr(), tuple(v.shape), str(v.dtype)), []).append((name, v))
    tensors = {}
    for group in groups.values():
        name, v = min(group, key=lambda e: e[0])
        tensors[name] = v.detach().clone().contiguous()
    save_file(tensors, os.path.join(out, "model.safetensors"))
    with open(os.path.join(out, "params.json"), "w") as f:
        json.dump(params, f, indent=1)
    for name, array in reference.items():
        np.save(os.path.join(out, "reference_%s.npy" % name), np.ascontiguousarray(array, np.float32))
    print("wrote", out)


def train_tcn(a, d, norm, feats):
    torch.manual_seed(a.seed)
    w, ch, k = a.window, a.channels, a.kernel_size
    xn, y, ok = d["xn"], d["y"], d["ok"]
    rows = np.flatnonzero(ok)
    split = rows[int(len(rows) * 0.85)]
    tr, va = rows[rows < split], rows[rows >= split]  # validation: the last 15% of TRAIN in time
    std_y = y[tr].std()
    model = TCN(xn.shape[1], 1, ch, k, a.dropout)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    xw_va = torch.from_numpy(windows(xn, va, w))
    best, best_state, rng = np.inf, None, np.random.default_rng(a.seed)
    for epoch in range(a.epochs):
        model.train()
        order = rng.permutation(tr)
        for b in range(0, len(order), 256):
            r = order[b:b + 256]
            pred = model(torch.from_numpy(windows(xn, r, w)))[:, 0]
            loss = torch.nn.functional.mse_loss(pred, torch.from_numpy((y[r] / std_y).astype(np.float32)))
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            vl = torch.nn.functional.mse_loss(model(xw_va)[:, 0], torch.from_numpy((y[va] / std_y).astype(np.float32))).item()
        print("tcn epoch", epoch, "val mse (std units)", round(vl, 4))
        if vl < best:
            best, best_state = vl, {n: v.clone() for n, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    with torch.no_grad():
        model.linear.weight.mul_(std_y)
        model.linear.bias.mul_(std_y)
    model.eval()
    params = {"input_size": xn.shape[1], "output_size": 1, "num_channels": ch, "kernel_size": k, "dropout": a.dropout,
              "window": w, "features": feats, "normalization": norm}
    return model, params


def tcn_predict(model, xn, rows, w):
    out = []
    with torch.no_grad():
        for b in range(0, len(rows), 1024):
            out.append(model(torch.from_numpy(windows(xn, rows[b:b + 1024], w)))[:, 0].numpy())
    return np.concatenate(out).astype(np.float64)


def train_tabnet(a, d, norm, feats):
    from pytorch_tabnet.tab_model import TabNetRegressor
    xn, y, ok = d["xn"], d["y"], d["ok"]
    rows = np.flatnonzero(ok)
    cut = int(len(rows) * 0.85)
    tr, va = rows[:cut], rows[cut:]
    std_y = y[tr].std()
    hp = dict(n_d=8, n_a=8, n_steps=3, gamma=1.3, n_independent=2, n_shared=2, mask_type="sparsemax", seed=a.seed, verbose=0,
              device_name="cpu", optimizer_params=dict(lr=2e-2))
    reg = TabNetRegressor(**hp)
    reg.fit(xn[tr], (y[tr] / std_y).reshape(-1, 1).astype(np.float32), eval_set=[(xn[va], (y[va] / std_y).reshape(-1, 1).astype(np.float32))],
            eval_metric=["mse"], max_epochs=a.tabnet_epochs, patience=5, batch_size=1024, virtual_batch_size=128, drop_last=False)
    net = reg.network
    net.eval()
    with torch.no_grad():
        net.tabnet.final_mapping.weight.mul_(std_y)
    params = {"input_dim": xn.shape[1], "output_dim": 1, "n_d": 8, "n_a": 8, "n_steps": 3, "gamma": 1.3, "n_independent": 2,
              "n_shared": 2, "mask_type": "sparsemax", "epsilon": 1e-15, "virtual_batch_size": 128, "momentum": 0.02,
              "cat_idxs": [], "cat_dims": [], "features": feats, "normalization": norm}
    return net, params


def tabnet_predict(net, xn):
    with torch.no_grad():
        return net(torch.from_numpy(xn))[0][:, 0].numpy().astype(np.float64)


def regimes(rv, er):
    """`RegimeClassifier` with the default `RegimeScalperConfig` (no HMM), one update per book row: 0 ranging,
    1 trending, 2 volatile."""
    regime, cand, ticks, out = 0, 0, 0, np.zeros(len(rv), np.int64)
    for i in range(len(rv)):
        hot = rv[i] >= (0.65 if regime == 2 else 0.80)
        c = 2 if hot else (1 if er[i] >= (0.40 if regime == 1 else 0.60) else 0)
        if c == regime:
            cand, ticks = regime, 0
        else:
            if c == cand:
                ticks += 1
            else:
                cand, ticks = c, 1
            if ticks > 20:
                regime, ticks = c, 0
        out[i] = regime
    return out


def ppo_observations(d, names, tcn_pred, tab_pred):
    """Book rows with a defined target: (obs (n, 8) float32, forward return)."""
    book = np.flatnonzero((d["event"] == 0) & (d["x"][:, names.index("mid")] > 0))
    x = d["x"][book].astype(np.float64)
    rv, er, sr = x[:, names.index("rv_percentile")], x[:, names.index("efficiency_ratio")], x[:, names.index("spread_regime")]
    reg = regimes(rv, er)
    keep = d["ok"][book]
    signal = np.where(reg == 0, tab_pred[book], tcn_pred[book]) / MODEL_SCALE
    obs = np.stack([signal, reg == 0, reg == 1, reg == 2, np.zeros(len(book)), rv, er, sr], 1).astype(np.float32)
    return obs[keep], d["y"][book][keep], reg[keep]


def make_env(obs, y, fee, episode):
    import gymnasium as gym
    from gymnasium import spaces

    class SizingEnv(gym.Env):
        """One step per book row: action (size, go); reward go·size·(sign(signal)·y − fee), in bps."""
        def __init__(self):
            self.observation_space = spaces.Box(-np.inf, np.inf, (8,), np.float32)
            self.action_space = spaces.Box(np.array([0, -1], np.float32), np.array([1, 1], np.float32))
            self.i = self.end = 0

        def reset(self, seed=None, options=None):
            super().reset(seed=seed)
            self.i = int(self.np_random.integers(0, max(len(obs) - episode, 1)))
            self.end = min(self.i + episode, len(obs))
            return obs[self.i], {}

        def step(self, action):
            size, go = float(np.clip(action[0], 0, 1)), float(action[1]) > 0
            r = size * (np.sign(obs[self.i, 0]) * y[self.i] - fee) * 1e4 if go else 0.0
            self.i += 1
            done = self.i >= self.end
            return obs[min(self.i, len(obs) - 1)], float(r), done, False, {}

    return SizingEnv


def policy_reward(act, obs, y, fee):
    size, go = np.clip(act[:, 0], 0, 1), act[:, 1] > 0
    return float(np.sum(np.where(go, size * (np.sign(obs[:, 0]) * y - fee), 0.0)) * 1e4)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--horizon-s", type=float, default=5.0)
    ap.add_argument("--window", type=int, default=32)
    ap.add_argument("--channels", type=int, nargs="+", default=[8, 8, 8])
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--lr", type=float, default=5e-4, help="TCN learning rate")
    ap.add_argument("--weight-decay", type=float, default=1e-3, help="TCN weight decay")
    ap.add_argument("--kernel-size", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--tabnet-epochs", type=int, default=40)
    ap.add_argument("--ppo-steps", type=int, default=30000)
    ap.add_argument("--fee", type=float, default=1e-4, help="cost per unit size of one decision, log units")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(2)
    np.random.seed(a.seed)
    started = time.time()
    with open(a.schema) as f:
        schema = json.load(f)
    names = [s["name"] for s in schema["features"]]
    units = [s["unit"] for s in schema["features"]]
    feats = {"schema_id": schema["id"], "schema_version": schema["version"], "names": names}
    data = {}
    for part, path in (("train", a.train), ("test", a.test)):
        t, ev, x = load(path, names)
        y, ok = forward_return(t, x[:, names.index("mid")].astype(np.float64), a.horizon_s)
        data[part] = {"t": t, "event": ev, "x": x, "y": y, "ok": ok & np.isfinite(x).all(1)}
    norm = normalizer(data["train"]["x"][data["train"]["ok"]], names, units)
    for d in data.values():
        d["xn"] = normalize(d["x"], norm)
        # The TCN's clock: one step per book event, as the engine's Signals stage steps it on each book commit
        # (trades update the features in between).
        d["book"] = np.flatnonzero(d["event"] == 0)
        d["seq"] = {"xn": d["xn"][d["book"]], "y": d["y"][d["book"]], "ok": d["ok"][d["book"]]}
    tr, te = data["train"], data["test"]
    result = {"horizon_s": a.horizon_s, "schema_id": schema["id"], "train_rows": int(tr["ok"].sum()), "test_rows": int(te["ok"].sum())}

    tcn, tcn_params = train_tcn(a, tr["seq"], norm, feats)
    ts, trs = te["seq"], tr["seq"]
    te_seq = np.flatnonzero(ts["ok"])
    result["tcn_test"] = metrics(tcn_predict(tcn, ts["xn"], te_seq, a.window), ts["y"][te_seq])
    result["tcn_train"] = metrics(tcn_predict(tcn, trs["xn"], np.flatnonzero(trs["ok"]), a.window), trs["y"][trs["ok"]])
    ref_rows = te_seq[np.linspace(len(te_seq) // 10, len(te_seq) - 1, 3).astype(int)]
    pad = np.concatenate([np.zeros((a.window - 1, len(names)), np.float32), te["x"][te["book"]]])
    raw = np.stack([pad[r:r + a.window].T for r in ref_rows])
    with torch.no_grad():
        out = tcn(torch.from_numpy(np.stack([normalize(w.T, norm).T for w in raw]))).numpy()
    # input: raw feature windows (batch, features, time) of the USD-M capture; output: model(normalized x), log return.
    write(os.path.join(a.work, "tcn"), tcn, tcn_params, {"input": raw, "output": out})
    print("tcn", result["tcn_test"], "%.0fs" % (time.time() - started))

    tab, tab_params = train_tabnet(a, tr, norm, feats)
    te_rows = np.flatnonzero(te["ok"])
    result["tabnet_test"] = metrics(tabnet_predict(tab, te["xn"][te_rows]), te["y"][te_rows])
    result["tabnet_test_book_rows"] = metrics(tabnet_predict(tab, ts["xn"][te_seq]), ts["y"][te_seq])
    result["tabnet_train"] = metrics(tabnet_predict(tab, tr["xn"][tr["ok"]]), tr["y"][tr["ok"]])
    raw = te["x"][te_rows[np.linspace(len(te_rows) // 10, len(te_rows) - 1, 3).astype(int)]]
    # input: raw feature rows (batch, features) of the USD-M capture; output: network(normalized x)[0], log return.
    write(os.path.join(a.work, "tabnet"), tab, tab_params, {"input": raw, "output": tabnet_predict(tab, normalize(raw, norm)).reshape(-1, 1)})
    print("tabnet", result["tabnet_test"], "%.0fs" % (time.time() - started))

    from stable_baselines3 import PPO
    preds = {}
    for part, d in data.items():
        tcn_pred = np.zeros(len(d["t"]))
        tcn_pred[d["book"]] = tcn_predict(tcn, d["seq"]["xn"], np.arange(len(d["book"])), a.window)
        preds[part] = (tcn_pred, tabnet_predict(tab, d["xn"]))
    obs_tr, y_tr, _ = ppo_observations(tr, names, *preds["train"])
    obs_te, y_te, reg_te = ppo_observations(te, names, *preds["test"])
    env = make_env(obs_tr, y_tr, a.fee, 256)()
    ppo = PPO("MlpPolicy", env, policy_kwargs=dict(net_arch=[32, 32]), n_steps=1024, batch_size=128, learning_rate=3e-4,
              ent_coef=0.0, seed=a.seed, device="cpu", verbose=0)
    ppo.learn(total_timesteps=a.ppo_steps)
    policy = ppo.policy
    policy.eval()
    act_te, _ = ppo.predict(obs_te, deterministic=True)
    always = np.tile(np.array([[1.0, 1.0]], np.float32), (len(obs_te), 1))
    result["ppo_test"] = {"book_rows": int(len(obs_te)), "go_share": float(np.mean(act_te[:, 1] > 0)),
                          "mean_size_when_go": float(np.mean(np.clip(act_te[act_te[:, 1] > 0, 0], 0, 1))) if np.any(act_te[:, 1] > 0) else 0.0,
                          "reward_bps_policy": policy_reward(act_te, obs_te, y_te, a.fee),
                          "reward_bps_always_full": policy_reward(always, obs_te, y_te, a.fee),
                          "regime_share": [float(np.mean(reg_te == k)) for k in range(3)]}
    ref_obs = obs_te[np.linspace(0, len(obs_te) - 1, 6).astype(int)]
    with torch.no_grad():
        mean = policy.get_distribution(torch.from_numpy(ref_obs)).distribution.mean.numpy()
        values = policy.predict_values(torch.from_numpy(ref_obs)).numpy()
    ppo_params = {"obs_dim": 8, "net_arch": [32, 32], "activation_fn": policy.activation_fn.__name__,
                  "action_space": {"box": {"low": [0.0, -1.0], "high": [1.0, 1.0]}}, "features": PPO_OBS}
    # input: RegimeScalper observations of the USD-M capture; output: mean actions (unclipped); values: the critic.
    write(os.path.join(a.work, "ppo"), policy, ppo_params, {"input": ref_obs, "output": mean, "values": values})
    print("ppo", result["ppo_test"], "%.0fs" % (time.time() - started))
    result["train_seconds"] = round(time.time() - started, 1)
    with open(os.path.join(a.work, "metrics.json"), "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
