#!/usr/bin/env bash
# Times the Spark job in local[2] against `caption` alone on the same 2 cores and the same
# images (docs/spark.md, "Figures"): the 100 scene fixture images linked 10 times over (1,000
# paths), the scene model. Prints the load average before and after, caption's wall time at
# --threads 2, the Spark job's wall time, session start-up and captioning + write time, and
# the overhead ratio (Spark / caption). Never fails a build. Work files: Benchmarks/.work/spark.
# Usage: Benchmarks/spark-overhead.sh [COPIES]   (default 10: 1,000 paths)
set -euo pipefail
cd "$(dirname "$0")/.."
copies="${1:-10}"
work="$PWD/Benchmarks/.work/spark"
rm -rf "$work" && mkdir -p "$work"
for copy in $(seq 1 "$copies"); do
  mkdir "$work/copy$copy"
  for image in "$PWD"/Fixtures/scenes/test_*.png; do ln -s "$image" "$work/copy$copy/"; done
done
find "$work" -name '*.png' | sort > "$work/list.txt"
scripts/caption-spark --help >/dev/null   # installs and builds outside the timings
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)  ($(wc -l < "$work/list.txt") images)"
start=$(date +%s.%N)
.build/release/caption --model weights/scenes --json --threads 2 - < "$work/list.txt" > "$work/alone.jsonl"
alone=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N)
SPARK_LOCAL_IP=127.0.0.1 scripts/caption-spark --input "$work/list.txt" --output "$work/out" --model weights/scenes \
  --master 'local[2]' --conf spark.ui.enabled=false 2> "$work/spark.log"
spark=$(echo "$(date +%s.%N) - $start" | bc)
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
ready=$(sed -n 's/.*ready in \([0-9.]*\) s/\1/p' "$work/spark.log")
job=$(sed -n 's/.*failed (rows with an error), in \([0-9.]*\) s.*/\1/p' "$work/spark.log")
printf 'caption --threads 2: %.1f s (%.1f images/s)\n' "$alone" "$(echo "$(wc -l < "$work/list.txt") / $alone" | bc -l)"
printf 'caption-spark local[2]: %.1f s in all; session ready after %s s; captioning + write %s s\n' "$spark" "$ready" "$job"
printf 'overhead ratio (Spark / caption): %.1fx in all, %.1fx for captioning + write alone\n' \
  "$(echo "$spark / $alone" | bc -l)" "$(echo "$job / $alone" | bc -l)"
