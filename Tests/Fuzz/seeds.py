#!/usr/bin/env python3
"""Seed inputs for `hft-fuzz` (Tests/Fuzz/ParserFuzz.swift), cut from the real captures in
../shared/data/market into DIR (never committed: they are that data).

An input is a venue byte (0 Binance USD-M, 1 Binance spot, 2 Bybit; see ParserFuzz.swift) and
frames separated by newlines. Seeds: every kind of frame alone, and short runs that sync a book
(a snapshot cut to its best 20 levels per side, then the diffs, trades and tickers that follow it).

usage: seeds.py DATA_DIR OUT_DIR
"""
import gzip
import hashlib
import json
import os
import sys

MAX_SEED = 12_000


def hb_lines(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if " " in line:
                yield line.split(" ", 1)[1]


def trim_levels(frame, keys, n=20):
    """The frame with each level array under one of `keys` (anywhere) cut to its first n levels."""
    def walk(v):
        if isinstance(v, dict):
            return {k: (x[:n] if k in keys and isinstance(x, list) else walk(x)) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v
    return json.dumps(walk(json.loads(frame)), separators=(",", ":"))


def kind(frame):
    for k in ('"depthUpdate"', '"trade"', '"aggTrade"', '"bookTicker"', '"lastUpdateId"', '"snapshot"', '"delta"',
              'publicTrade', 'tickers', 'kline', '"op"', '"b":'):
        if k in frame:
            return k
    return "other"


def write(out, venue, frames, seen):
    body = bytes([venue]) + "\n".join(frames).encode()
    if len(body) > MAX_SEED:
        return
    name = hashlib.sha1(body).hexdigest()[:16]
    if name not in seen:
        seen.add(name)
        with open(os.path.join(out, name), "wb") as f:
            f.write(body)


def seeds_from(out, venue, frames, seen, level_keys):
    singles = {}
    for fr in frames:
        k = kind(fr)
        if len(singles.setdefault(k, [])) < 3 and len(fr) < MAX_SEED:
            singles[k].append(fr)
    for group in singles.values():
        for fr in group:
            write(out, venue, [trim_levels(fr, level_keys) if len(fr) > 4000 else fr], seen)
    # Runs that start at a snapshot.
    for i, fr in enumerate(frames):
        if '"lastUpdateId"' in fr or '"type":"snapshot"' in fr:
            run = [trim_levels(fr, level_keys)]
            for nxt in frames[i + 1:i + 60]:
                cand = run + [trim_levels(nxt, level_keys, 8)]
                if len("\n".join(cand)) > MAX_SEED - 1:
                    break
                run = cand
            write(out, venue, run, seen)


def main():
    data, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    seen = set()
    m = os.path.join(data, "binance")
    seeds_from(out, 0, list(hb_lines(os.path.join(m, "usdm/hftbacktest_usdm_ethusdt_20240808.gz")))[:3000], seen,
               {"b", "a", "bids", "asks"})
    seeds_from(out, 1, list(hb_lines(os.path.join(m, "spot/hftbacktest_spot_ethusdt_20240808.gz")))[:3000], seen,
               {"b", "a", "bids", "asks"})
    cf = []
    with open(os.path.join(m, "cryptofeed-2021/BINANCE.ws.1.0"), encoding="utf-8") as f:
        next(f)
        cf = [line.rstrip("\n").split(": ", 1)[1] for line in f if ": " in line]
    with open(os.path.join(m, "cryptofeed-2021/BINANCE.http.0.0"), encoding="utf-8") as f:
        snaps = [line.rstrip("\n").split(": ", 1)[1] for line in f if "NKNUSDT" in line.split(" ", 1)[0]]
    nkn = [fr for fr in cf if "nknusdt" in fr.lower()]
    seeds_from(out, 1, snaps[:1] + nkn, seen, {"b", "a", "bids", "asks"})
    b = os.path.join(data, "bybit")
    seeds_from(out, 2, list(hb_lines(os.path.join(b, "cryptofeed_v3_BYBIT_spot_ws3.txt"))), seen, {"b", "a"})
    with open(os.path.join(b, "nautilus_2024-12-01_XRPUSDT_ob500.data"), encoding="utf-8") as f:
        seeds_from(out, 2, [line.strip() for line in f if line.strip()], seen, {"b", "a"})
    with open(os.path.join(b, "nexustrader_orderbook1_BTCUSDT_linear.jsonl"), encoding="utf-8") as f:
        seeds_from(out, 2, [line.strip() for line in f if line.strip()][:500], seen, {"b", "a"})
    print(f"{len(seen)} seeds in {out}")


if __name__ == "__main__":
    main()
