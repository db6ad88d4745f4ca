"""Writes the Swift parity fixtures of `Tests/InferenceTests/Fixtures/` with the REAL libraries.

Usage (developer machine, not CI): `pip install torch pytorch-tabnet stable-baselines3 safetensors numpy`,
then `python3 Tuning/models/make_fixtures.py [OUT_DIR]` (default: Tests/InferenceTests/Fixtures).
Safe to re-run: seeds are fixed, every file is overwritten, nothing else is touched.

For each model NAME it writes
  NAME.safetensors        `safetensors.torch.save_file` of the full state_dict (every alias kept, cloned)
  NAME.model.safetensors  `safetensors.torch.save_model` (one name per shared tensor, the others dropped)
  NAME.params.json        the hyper-parameters in the library's own argument names + feature schema
  NAME.x.npy              inputs (float32, C order)
  NAME.<output>.npy       reference outputs, computed by the library in eval mode
Models: a locuslab TCN (benchmark size and a small one), TabNetClassifier fitted briefly on random data with
sparsemax and with entmax masks, stable-baselines3 MlpPolicy with a Discrete and a Box action space (the
latter behind VecNormalize statistics), and the discrete policy again stored as F16 and BF16.
"""
import copy
import json
import os
import sys

import numpy as np
import torch
from safetensors.torch import save_file, save_model

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcn_model import TCN  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "Tests", "InferenceTests", "Fixtures")
os.makedirs(OUT, exist_ok=True)
torch.set_num_threads(1)


def features(n, prefix):
    return {"schema_id": "hft.fixture." + prefix, "schema_version": 1,
            "names": ["%s_%d" % (prefix, i) for i in range(n)]}


def write(name, model, params, x, outputs, state_dict=None):
    sd = state_dict if state_dict is not None else model.state_dict()
    # save_file refuses tensors sharing storage: clone so every alias name is written.
    save_file({k: v.detach().clone().contiguous() for k, v in sd.items()}, os.path.join(OUT, name + ".safetensors"))
    if model is not None:
        save_model(model, os.path.join(OUT, name + ".model.safetensors"))
    with open(os.path.join(OUT, name + ".params.json"), "w") as f:
        json.dump(params, f, indent=1)
    np.save(os.path.join(OUT, name + ".x.npy"), np.ascontiguousarray(x))
    for k, v in outputs.items():
        np.save(os.path.join(OUT, "%s.%s.npy" % (name, k)), np.ascontiguousarray(v))
    print(name, "tensors:", len(sd), "outputs:", {k: v.shape for k, v in outputs.items()})


def make_tcn(name, seed, input_size, num_channels, kernel_size, output_size, batch, steps):
    torch.manual_seed(seed)
    model = TCN(input_size, output_size, num_channels, kernel_size, dropout=0.2)
    with torch.no_grad():
        for m in model.modules():
            if hasattr(m, "weight_g"):  # make g differ from ||v|| so the fold is tested
                m.weight_g.mul_(torch.empty_like(m.weight_g).uniform_(0.5, 1.5))
        model.linear.weight.normal_(0, 0.3)
    model.eval()
    x = torch.randn(batch, input_size, steps)
    with torch.no_grad():
        logits = model(x)
        y = model.tcn(x)                                  # (B, C, T), causal
        all_steps = model.linear(y.transpose(1, 2))       # head at every step
        prefix = torch.stack([model(x[:, :, :t + 1]) for t in range(steps)], dim=1)
    assert torch.allclose(prefix, all_steps, atol=1e-5), "causality check"
    params = {"input_size": input_size, "output_size": output_size, "num_channels": num_channels,
              "kernel_size": kernel_size, "dropout": 0.2, "window": steps,
              "features": features(input_size, name)}
    write(name, model, params, x.numpy(),
          {"logits": logits.numpy(), "probs": torch.softmax(logits, 1).numpy(),
           "logits_all_steps": prefix.numpy()})


def make_tabnet(name, seed, mask_type):
    from pytorch_tabnet.tab_model import TabNetClassifier
    rng = np.random.default_rng(seed)
    n_feat = 32
    scale = rng.uniform(0.5, 3.0, n_feat).astype(np.float32)
    shift = rng.normal(0, 2.0, n_feat).astype(np.float32)
    X = (rng.normal(size=(2048, n_feat)).astype(np.float32) * scale + shift)
    z = (X[:, 0] - shift[0]) / scale[0] + 0.5 * (X[:, 3] - shift[3]) / scale[3]
    y = np.digitize(z, [-0.5, 0.5]).astype(np.int64)
    hp = dict(n_d=8, n_a=8, n_steps=3, gamma=1.3, n_independent=2, n_shared=2, mask_type=mask_type,
              momentum=0.02, epsilon=1e-15, seed=seed, verbose=0, device_name="cpu")
    clf = TabNetClassifier(**hp)
    clf.fit(X, y, max_epochs=4, batch_size=256, virtual_batch_size=128, patience=0)
    net = clf.network
    net.eval()
    Xt = (rng.normal(size=(16, n_feat)).astype(np.float32) * scale + shift)
    with torch.no_grad():
        t = torch.from_numpy(Xt)
        logits, _ = net(t)
        _, masks = net.forward_masks(t)
    probs = clf.predict_proba(Xt).astype(np.float32)
    pred = clf.predict(Xt).astype(np.int64)
    _, masks_explain = clf.explain(Xt)
    masks = np.stack([masks[i].numpy() for i in range(hp["n_steps"])], 0)
    # The same network in float64: the float32 outputs above carry float32 rounding of their own (entmax's
    # threshold is ill-conditioned near a support change), the float64 ones show the exact values.
    net64 = copy.deepcopy(net).double()
    net64.tabnet.encoder.group_attention_matrix = net64.tabnet.encoder.group_attention_matrix.double()
    with torch.no_grad():
        t64 = torch.from_numpy(Xt.astype(np.float64))
        logits64, _ = net64(t64)
        _, masks64 = net64.forward_masks(t64)
    masks64 = np.stack([masks64[i].numpy() for i in range(hp["n_steps"])], 0)
    assert np.allclose(masks, np.stack([masks_explain[i] for i in range(hp["n_steps"])], 0))
    params = {"input_dim": n_feat, "output_dim": 3, "n_d": 8, "n_a": 8, "n_steps": 3, "gamma": 1.3,
              "n_independent": 2, "n_shared": 2, "mask_type": mask_type, "epsilon": 1e-15,
              "virtual_batch_size": 128, "momentum": 0.02, "cat_idxs": [], "cat_dims": [], "cat_emb_dim": 1,
              "features": features(n_feat, name)}
    write(name, net, params, Xt,
          {"logits": logits.numpy(), "probs": probs, "pred": pred, "masks": masks.astype(np.float32),
           "logits_f64": logits64.numpy(), "masks_f64": masks64})


class _Env:
    """Minimal gymnasium env: only its spaces matter (the policy is never trained here)."""


def make_ppo(name, seed, action_space, vec_normalize=None, dtype=None):
    import gymnasium as gym
    from gymnasium import spaces
    from stable_baselines3.common.policies import ActorCriticPolicy
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    obs_dim, net_arch = 24, [64, 32]
    obs_space = spaces.Box(-np.inf, np.inf, (obs_dim,), np.float32)
    if "discrete" in action_space:
        act_space = spaces.Discrete(action_space["discrete"])
    else:
        act_space = spaces.Box(np.array(action_space["box"]["low"], np.float32),
                               np.array(action_space["box"]["high"], np.float32))
    policy = ActorCriticPolicy(obs_space, act_space, lambda _: 3e-4, net_arch=net_arch,
                               activation_fn=torch.nn.Tanh)
    with torch.no_grad():
        policy.action_net.weight.normal_(0, 0.4)   # SB3 initialises it with gain 0.01: make outputs non-trivial
        policy.action_net.bias.normal_(0, 0.1)
        if hasattr(policy, "log_std"):
            policy.log_std.normal_(-0.5, 0.2)
    policy.eval()
    if dtype is not None:   # weights rounded to dtype: the reference runs on the rounded weights in float32
        policy = policy.to(dtype).to(torch.float32)
    obs = (rng.normal(size=(16, obs_dim)) * 2.0 + 0.5).astype(np.float32)
    obs_in = obs
    params = {"obs_dim": obs_dim, "net_arch": net_arch, "activation_fn": "Tanh",
              "action_space": action_space, "features": features(obs_dim, name)}
    if vec_normalize is not None:
        from stable_baselines3.common.vec_env import DummyVecEnv, VecNormalize

        class Env(gym.Env):
            observation_space, action_space = obs_space, act_space

            def reset(self, seed=None, options=None):
                return np.zeros(obs_dim, np.float32), {}

            def step(self, a):
                return np.zeros(obs_dim, np.float32), 0.0, False, False, {}
        vn = VecNormalize(DummyVecEnv([Env]), clip_obs=vec_normalize["clip_obs"], epsilon=vec_normalize["epsilon"])
        vn.obs_rms.mean = rng.normal(0.5, 1.0, obs_dim)
        vn.obs_rms.var = rng.uniform(0.05, 4.0, obs_dim)
        obs_in = vn.normalize_obs(obs)
        params["normalization"] = {"type": "vec_normalize", "mean": vn.obs_rms.mean.tolist(),
                                   "var": vn.obs_rms.var.tolist(), "clip_obs": vn.clip_obs, "epsilon": vn.epsilon}
    with torch.no_grad():
        t, _ = policy.obs_to_tensor(obs_in)
        features_ = policy.extract_features(t)
        latent_pi, latent_vf = policy.mlp_extractor(features_)
        head = policy.action_net(latent_pi)
        values = policy.value_net(latent_vf)
        actions, _ = policy.predict(obs_in, deterministic=True)
    outputs = {"values": values.numpy(), "actions": np.asarray(actions)}
    if "discrete" in action_space:
        outputs["action_logits"] = head.numpy()
        outputs["probs"] = policy.get_distribution(t).distribution.probs.detach().numpy()
        outputs["actions"] = outputs["actions"].astype(np.int64)
    else:
        outputs["mean_actions"] = head.numpy()
        outputs["actions"] = outputs["actions"].astype(np.float32)
    sd = policy.state_dict()
    if dtype is not None:
        sd = {k: v.to(dtype) for k, v in sd.items()}
    write(name, None if dtype is not None else policy, params, obs, outputs, state_dict=sd)


make_tcn("tcn", 1, 16, [32, 32, 32, 32], 3, 3, batch=3, steps=64)
make_tcn("tcn_small", 2, 5, [8, 6], 2, 2, batch=2, steps=12)
make_tabnet("tabnet_sparsemax", 3, "sparsemax")
make_tabnet("tabnet_entmax", 4, "entmax")
make_ppo("ppo_discrete", 5, {"discrete": 3})
make_ppo("ppo_box", 6, {"box": {"low": [-0.5, -1.0], "high": [0.5, 2.0]}},
         vec_normalize={"clip_obs": 3.0, "epsilon": 1e-8})
make_ppo("ppo_discrete_f16", 5, {"discrete": 3}, dtype=torch.float16)
make_ppo("ppo_discrete_bf16", 5, {"discrete": 3}, dtype=torch.bfloat16)
