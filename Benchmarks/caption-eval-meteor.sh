#!/usr/bin/env bash
# Times METEOR in `caption-eval score --metrics meteor` (release build, tokenising included)
# against the COCO caption toolkit's METEOR (pycocoevalcap: PTBTokenizer + meteor-1.5.jar) on the
# same generated input: N images (default 5000) with 5 references each. Cold: the first run (the
# toolkit starts its JVM and loads the paraphrase table; caption-eval reads the wheel); warm: run
# again (the toolkit in the same JVM; caption-eval a second process with the wheel in the page
# cache). Prints the times and ratios and the load average before and after (figures taken on a
# busy machine are not worth publishing). Never fails a build. Needs Python, java and the tools
# virtual environment (scripts/tools-venv); METEOR's data from scripts/fetch-meteor-data.
# Usage: Benchmarks/caption-eval-meteor.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-5000}"
py=$(scripts/tools-venv tools/requirements-metrics.txt)
scripts/fetch-meteor-data >/dev/null
work=Benchmarks/.work/metrics
"$py" tools/make_metric_fixtures.py --benchmark "$count" >/dev/null 2>&1
swift build -c release --product caption-eval >&2
binary="$(swift build -c release --show-bin-path)/caption-eval"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
toolkit=$("$py" tools/make_meteor_fixtures.py --benchmark 2>/dev/null | tail -n 1)
times=()
for run in cold warm; do
  start=$(date +%s.%N)
  "$binary" score --metrics meteor --results "$work/results.json" --references "$work/references.json" --report "$work/report-meteor.json" >/dev/null
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc)")
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$py" - "$toolkit" "${times[0]}" "${times[1]}" "$work/report-meteor.json" <<'PY'
import json, sys
toolkit = json.loads(sys.argv[1])
cold, warm = float(sys.argv[2]), float(sys.argv[3])
with open(sys.argv[4]) as handle:
    native = json.load(handle)["corpus"]["METEOR"]
toolkit_cold = toolkit["tokenize_seconds"] + toolkit["meteor_cold_seconds"]
toolkit_warm = toolkit["tokenize_seconds"] + toolkit["meteor_warm_seconds"]
print(f"images: {toolkit['images']}  METEOR toolkit {toolkit['METEOR']:.6f}  caption-eval {native:.6f}")
print(f"cold: toolkit {toolkit_cold:.2f} s  caption-eval {cold:.2f} s  ratio (toolkit / caption-eval) {toolkit_cold / cold:.1f}x")
print(f"warm: toolkit {toolkit_warm:.2f} s  caption-eval {warm:.2f} s  ratio (toolkit / caption-eval) {toolkit_warm / warm:.1f}x")
PY
