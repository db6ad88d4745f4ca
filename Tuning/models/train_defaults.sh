#!/usr/bin/env bash
# Reproduces the RegimeScalper default model bundles (Strategies/RegimeScalper/models/{tcn,tabnet,ppo}) end to end:
# exports features from the real Binance ETHUSDT captures with `hft features`, trains with train_defaults.py
# (~1 minute on 2 cores; needs torch, pytorch-tabnet, stable-baselines3, gymnasium, safetensors, numpy), then
# imports each model with `hft model import` and copies its PyTorch reference outputs next to it.
#
#   Tuning/models/train_defaults.sh            # from the package root
# Env: HFT_MARKET_DATA (default ../shared/data/market), HFT (an hft binary; default: swift build --product hft),
#      WORK (scratch dir, default a fresh mktemp dir), OUT (default Strategies/RegimeScalper/models).
# Safe to re-run: it overwrites only the three bundle directories and OUT/metrics.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="${HFT_MARKET_DATA:-../shared/data/market}/binance"
OUT="${OUT:-Strategies/RegimeScalper/models}"
WORK="${WORK:-$(mktemp -d)}"
if [ -z "${HFT:-}" ]; then
  swift build --product hft
  HFT="$(swift build --show-bin-path)/hft"
fi

"$HFT" features "$DATA/spot/hftbacktest_spot_ethusdt_20240808.gz" "$DATA/spot/hftbacktest_spot_ethusdt_20240809.gz" \
  --npy "$WORK/train.npy" --schema "$WORK/schema.json"
"$HFT" features "$DATA/usdm/hftbacktest_usdm_ethusdt_20240808.gz" --npy "$WORK/test.npy" --schema "$WORK/schema_test.json"
cmp "$WORK/schema.json" "$WORK/schema_test.json"

python3 Tuning/models/train_defaults.py --train "$WORK/train.npy" --test "$WORK/test.npy" --schema "$WORK/schema.json" --work "$WORK"

for arch in tcn tabnet ppo; do
  "$HFT" model import --arch "$arch" --state-dict "$WORK/$arch/model.safetensors" --params "$WORK/$arch/params.json" --out "$OUT/$arch"
  rm -f "$OUT/$arch"/reference*
  cp "$WORK/$arch"/reference_*.npy "$OUT/$arch/"
done
cp "$WORK/metrics.json" "$OUT/metrics.json"
du -cb "$OUT"/*/* "$OUT/metrics.json" | tail -1
