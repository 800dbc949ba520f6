#!/usr/bin/env bash
# Times `caption-eval score` (release build, tokenising included) against the COCO caption
# toolkit's METEOR (pycocoevalcap: PTBTokenizer + meteor-1.5.jar) on the same generated input,
# for each N given (default 500 and 5000 images, 5 references each), in ROUNDS rounds (default
# 3) that take turns: the toolkit, then caption-eval. Toolkit cold: a new JVM that loads the
# paraphrase table; warm: the same JVM again. caption-eval cold: no METEOR cache file (the run
# builds it); warm: a second process with the cache file present; both with `--metrics meteor`
# (the toolkit's work), and warm once more with all metrics. The METEOR cache lives in
# Benchmarks/.work/cache (its wheels folder links the user's), never in the user's cache.
# Prints the medians, the ratios, both METEOR values (they must agree) and the load average
# before and after each size (figures taken on a busy machine are not worth publishing).
# Never fails a build. Needs Python, java and the tools virtual environment
# (scripts/tools-venv); METEOR's data from scripts/fetch-meteor-data.
# Usage: [ROUNDS=3] Benchmarks/caption-eval-meteor.sh [N ...]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${ROUNDS:-3}"
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(500 5000)
py=$(scripts/tools-venv tools/requirements-metrics.txt)
wheels=$(dirname "$(scripts/fetch-meteor-data)")
work=Benchmarks/.work/metrics
export CAPTIONKIT_CACHE="$PWD/Benchmarks/.work/cache"
mkdir -p "$CAPTIONKIT_CACHE"
ln -sfn "$wheels" "$CAPTIONKIT_CACHE/wheels"
swift build -c release --product caption-eval >&2
binary="$(swift build -c release --show-bin-path)/caption-eval"

# Wall-clock seconds of one run of the command given.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  printf "%.3f\n" "$(echo "$end - $start" | bc)"
}

for count in "${counts[@]}"; do
  "$py" tools/make_metric_fixtures.py --benchmark "$count" >/dev/null 2>&1
  score=("$binary" score --results "$work/results.json" --references "$work/references.json")
  log="$work/rounds-$count.jsonl"
  : >"$log"
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  for _ in $(seq "$rounds"); do
    toolkit=$("$py" tools/make_meteor_fixtures.py --benchmark 2>/dev/null | tail -n 1)
    rm -rf "$CAPTIONKIT_CACHE/meteor"
    cold=$(seconds "${score[@]}" --metrics meteor --report "$work/report-meteor.json")
    warm=$(seconds "${score[@]}" --metrics meteor --report "$work/report-meteor.json")
    all=$(seconds "${score[@]}" --report "$work/report-all.json")
    echo "{\"toolkit\": $toolkit, \"cold\": $cold, \"warm\": $warm, \"all\": $all}" >>"$log"
  done
  echo "load before: $load_before  after: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$py" - "$log" "$work/report-meteor.json" <<'PY'
import json, statistics, sys
rounds = [json.loads(line) for line in open(sys.argv[1])]
with open(sys.argv[2]) as handle:
    native = json.load(handle)["corpus"]["METEOR"]
def median(values):
    return statistics.median(values)
toolkit_cold = median([r["toolkit"]["tokenize_seconds"] + r["toolkit"]["meteor_cold_seconds"] for r in rounds])
toolkit_warm = median([r["toolkit"]["tokenize_seconds"] + r["toolkit"]["meteor_warm_seconds"] for r in rounds])
cold, warm, everything = (median([r[key] for r in rounds]) for key in ("cold", "warm", "all"))
print(f"images: {rounds[0]['toolkit']['images']}  rounds: {len(rounds)} (medians)  "
      f"METEOR toolkit {rounds[0]['toolkit']['METEOR']:.6f}  caption-eval {native:.6f}")
print(f"cold: toolkit {toolkit_cold:.2f} s  caption-eval {cold:.2f} s  ratio (toolkit / caption-eval) {toolkit_cold / cold:.1f}x")
print(f"warm: toolkit {toolkit_warm:.2f} s  caption-eval {warm:.2f} s  ratio (toolkit / caption-eval) {toolkit_warm / warm:.1f}x")
print(f"warm, all metrics: caption-eval {everything:.2f} s")
PY
done
