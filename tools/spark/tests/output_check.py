"""Reads the job's output and checks it: every listed image exactly once, captions equal to
`caption --json`'s, and the bad images as rows with an error."""

import collections
import glob
import json
import os

FIELDS = ("path", "caption", "tokens", "score", "finished", "error")


def read_jsonl(output):
    """The rows of a --format jsonl output (committed part files only)."""
    rows = []
    for part in sorted(glob.glob(os.path.join(output, "part-*"))):
        with open(part) as lines:
            rows += [json.loads(line) for line in lines if line.strip()]
    return rows


def read_parquet(spark, output):
    """The rows of a Parquet output, as dicts, through a Spark session."""
    return [row.asDict() for row in spark.read.parquet(output).collect()]


def check_rows(rows, expected_paths, reference, bad_names=("broken.png", "missing.png")):
    """Asserts that `rows` hold each of `expected_paths` (absolute) once, with the reference
    caption, tokens and score (within 1e-4), and an error for the bad ones."""
    counts = collections.Counter(row["path"] for row in rows)
    repeated = [path for path, count in counts.items() if count > 1]
    assert not repeated, f"{len(repeated)} images more than once, e.g. {repeated[:3]}"
    missing = sorted(set(expected_paths) - set(counts))
    extra = sorted(set(counts) - set(expected_paths))
    assert not missing and not extra, f"{len(missing)} missing (e.g. {missing[:3]}), {len(extra)} extra (e.g. {extra[:3]})"
    wrong = []
    for row in rows:
        name = os.path.basename(row["path"])
        if name in bad_names:
            if not row["error"] or row["caption"] is not None:
                wrong.append(f"{row['path']}: expected an error row, got {row}")
            continue
        expected = reference[name]
        if row["error"] is not None or row["caption"] != expected["caption"] \
                or list(row["tokens"]) != expected["tokens"] or abs(row["score"] - expected["score"]) > 1e-4 \
                or row["finished"] is not True:
            wrong.append(f"{row['path']}: {row} != caption --json {expected}")
    assert not wrong, f"{len(wrong)} rows differ from caption --json, e.g.:\n" + "\n".join(wrong[:3])
