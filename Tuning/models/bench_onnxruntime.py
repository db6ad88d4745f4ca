"""Times ONNX Runtime at batch 1 on the same models as `Benchmarks/InferenceBenchmarks` and prints the ratio.

Usage (developer machine: `pip install torch pytorch-tabnet stable-baselines3 safetensors onnx onnxruntime numpy`):
    python3 Tuning/models/bench_onnxruntime.py [--swift-results FILE] [--runs N]
FILE is the text output of `swift package benchmark --target InferenceBenchmarks` (the Makefile recipe in
the report runs both); without it only ONNX Runtime's numbers are printed. Safe to re-run: it writes the
exported .onnx files to a temporary directory and nothing else.

The models are rebuilt with the training libraries from the committed parity fixtures
(Tests/InferenceTests/Fixtures: tcn, tabnet_sparsemax, ppo_discrete), exported with `torch.onnx.export`,
and run with one intra-op and one inter-op thread, sequential execution, all graph optimisations, and
io-binding (input and output OrtValues bound once; each timed call is `run_with_iobinding`).
ONNX has no streaming TCN: its TCN number is the full 64-step window, which is what an ONNX deployment
runs per tick; the ratio is given against both our streaming step and our full window.
"""
import argparse
import json
import os
import re
import sys
import tempfile
import time
import warnings

import numpy as np
import onnxruntime as ort
import torch
from safetensors.torch import load_file

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tcn_model import TCN  # noqa: E402

FIX = os.path.join(os.path.dirname(os.path.dirname(HERE)), "Tests", "InferenceTests", "Fixtures")
torch.set_num_threads(1)


def params(name):
    with open(os.path.join(FIX, name + ".params.json")) as f:
        return json.load(f)


def tcn_model():
    p = params("tcn")
    m = TCN(p["input_size"], p["output_size"], p["num_channels"], p["kernel_size"], p["dropout"])
    m.load_state_dict(load_file(os.path.join(FIX, "tcn.safetensors")))
    return m.eval(), torch.randn(1, p["input_size"], p["window"])


class TabNetLogits(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x)[0]


def tabnet_model():
    from pytorch_tabnet.tab_network import TabNet
    p = params("tabnet_sparsemax")
    net = TabNet(p["input_dim"], p["output_dim"], n_d=p["n_d"], n_a=p["n_a"], n_steps=p["n_steps"], gamma=p["gamma"],
                 n_independent=p["n_independent"], n_shared=p["n_shared"], mask_type=p["mask_type"],
                 group_attention_matrix=torch.eye(p["input_dim"]))
    net.load_state_dict(load_file(os.path.join(FIX, "tabnet_sparsemax.safetensors")))
    return TabNetLogits(net.eval()).eval(), torch.randn(1, p["input_dim"])


class PolicyHeads(torch.nn.Module):
    def __init__(self, policy):
        super().__init__()
        self.policy = policy

    def forward(self, obs):
        latent_pi, latent_vf = self.policy.mlp_extractor(obs)
        return self.policy.action_net(latent_pi), self.policy.value_net(latent_vf)


def ppo_model():
    from gymnasium import spaces
    from stable_baselines3.common.policies import ActorCriticPolicy
    p = params("ppo_discrete")
    policy = ActorCriticPolicy(spaces.Box(-np.inf, np.inf, (p["obs_dim"],), np.float32), spaces.Discrete(p["action_space"]["discrete"]),
                               lambda _: 3e-4, net_arch=p["net_arch"], activation_fn=torch.nn.Tanh)
    policy.load_state_dict(load_file(os.path.join(FIX, "ppo_discrete.safetensors")))
    return PolicyHeads(policy.eval()).eval(), torch.randn(1, p["obs_dim"])


def time_ort(model, x, path, runs):
    with torch.no_grad():
        ref = model(x)
    torch.onnx.export(model, (x,), path, input_names=["x"], opset_version=17, dynamo=False)
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    xv = ort.OrtValue.ortvalue_from_numpy(x.numpy().astype(np.float32))
    binding = sess.io_binding()
    binding.bind_ortvalue_input("x", xv)
    outs = []
    for o in sess.get_outputs():
        shape = [d if isinstance(d, int) else 1 for d in o.shape]
        v = ort.OrtValue.ortvalue_from_numpy(np.zeros(shape, np.float32))
        binding.bind_ortvalue_output(o.name, v)
        outs.append(v)
    for _ in range(200):
        sess.run_with_iobinding(binding)
    first = outs[0].numpy()
    expected = (ref[0] if isinstance(ref, tuple) else ref).numpy()
    assert np.allclose(first, expected, atol=1e-4), "ONNX Runtime output differs from torch"
    samples = np.empty(runs)
    for i in range(runs):
        t0 = time.perf_counter_ns()
        sess.run_with_iobinding(binding)
        samples[i] = time.perf_counter_ns() - t0
    return np.percentile(samples, 50) / 1e3, np.percentile(samples, 99) / 1e3


def swift_results(path):
    """{benchmark name: (p50 µs, p99 µs)} from package-benchmark's text table."""
    out, name = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            s = line.strip()
            if re.fullmatch(r"[A-Za-z0-9]+", s):
                name = s
            m = re.search(r"Time \(wall clock\) \((ns|μs|us|ms)\)[^│]*│(.*)", line)
            if m and name:
                cols = [c.strip() for c in m.group(2).split("│") if c.strip()]
                scale = {"ns": 1e-3, "μs": 1.0, "us": 1.0, "ms": 1e3}[m.group(1)]
                # columns: p0 p25 p50 p75 p90 p99 p100 samples
                out[name] = (float(cols[2]) * scale, float(cols[5]) * scale)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--swift-results")
    ap.add_argument("--runs", type=int, default=3000)
    a = ap.parse_args()
    swift = swift_results(a.swift_results) if a.swift_results else {}
    rows = [("TCN full window 64", tcn_model, ["TCNStreamingStep", "TCNFullWindow64"]),
            ("TabNet (sparsemax)", tabnet_model, ["TabNetPredictWithMasks"]),
            ("PPO actor+critic", ppo_model, ["PPOActorCritic"])]
    print("ONNX Runtime %s, 1 thread, io-binding, batch 1 (p50 / p99 in µs)" % ort.__version__)
    with tempfile.TemporaryDirectory() as d:
        for label, make, peers in rows:
            model, x = make()
            p50, p99 = time_ort(model, x, os.path.join(d, "m.onnx"), a.runs)
            print("%-20s ORT p50 %8.2f  p99 %8.2f" % (label, p50, p99))
            for peer in peers:
                if peer in swift:
                    s50, s99 = swift[peer]
                    print("    Swift %-24s p50 %8.3f  p99 %8.3f   ORT/Swift p50 %6.1fx  p99 %6.1fx" % (peer, s50, s99, p50 / s50, p99 / s99))


if __name__ == "__main__":
    main()
