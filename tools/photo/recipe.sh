#!/usr/bin/env bash
# The default photo model's whole recipe: VGG-16 weights, Flickr8k features with the Swift
# engine, decoder training, export into weights/default, PyTorch parity fixtures.
# Usage: tools/photo/recipe.sh FLICKR8K_DIR WORK_DIR   (WORK_DIR: features and checkpoints,
# about 2.7 GB, outside the repository). Rerunning continues where it stopped: the feature
# files resume, and training resumes from WORK_DIR/run/checkpoint.pt.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dataset="$(cd "$1" && pwd)"
work="$2"
mkdir -p "$work"
cd "$root"
scripts/setup
swift build -c release --product caption-eval
for split in dev train; do
  .build/release/caption-eval features --dataset "$dataset/Flickr8k.token.txt" --split "$split" \
    --images "$dataset/images" --model weights/default --out "$work/features/$split"
done
.build/release/caption-eval features --dataset "$dataset/Flickr8k.token.txt" --split train --mirror \
  --images "$dataset/images" --model weights/default --out "$work/features/train-mirrored"
PY=$(scripts/tools-venv tools/requirements-metrics.txt)
resume=()
[ -e "$work/run/checkpoint.pt" ] && resume=(--resume)
"$PY" tools/photo/train.py --dataset "$dataset" --features "$work/features" --run "$work/run" \
  --bundle weights/default --epochs 12 --evaluate-from 9 --ema-decay 0.999 --mirror --seed 2 "${resume[@]}"
"$PY" tools/make_photo_fixtures.py --flickr8k "$dataset"
