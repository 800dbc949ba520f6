#!/usr/bin/env bash
# Times `caption-eval score` (release build) against the COCO caption toolkit (pycocoevalcap:
# PTBTokenizer + Bleu + Rouge + Cider, no METEOR/SPICE) on the same generated input: N images
# (default 5000) with 5 references each. Prints both times and their ratio; never fails a build.
# Needs Python and java for the toolkit side (scripts/tools-venv installs pycocoevalcap).
# Usage: Benchmarks/caption-eval-score.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-5000}"
py=$(scripts/tools-venv tools/requirements-metrics.txt)
toolkit=$("$py" tools/make_metric_fixtures.py --benchmark "$count" 2>/dev/null | tail -n 1)
swift build -c release --product caption-eval >&2
binary="$(swift build -c release --show-bin-path)/caption-eval"
work=Benchmarks/.work/metrics
start=$(date +%s.%N)
"$binary" score --results "$work/results.json" --references "$work/references.json" --report "$work/report.json" >/dev/null
end=$(date +%s.%N)
"$py" - "$toolkit" "$start" "$end" <<'PY'
import json, sys
toolkit = json.loads(sys.argv[1])
native = float(sys.argv[3]) - float(sys.argv[2])
print(f"images: {toolkit['images']}  toolkit: {toolkit['toolkit_seconds']:.2f} s  "
      f"caption-eval: {native:.2f} s  ratio (toolkit / caption-eval): {toolkit['toolkit_seconds'] / native:.1f}x")
PY
