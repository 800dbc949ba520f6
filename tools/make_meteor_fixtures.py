#!/usr/bin/env python3
"""Scores caption sets with the COCO caption toolkit's METEOR (meteor-1.5.jar -l en -norm, run by
pycocoevalcap's Meteor wrapper) and writes the inputs and the jar's outputs as fixtures for the
CaptionEval METEOR tests.

Run (needs `java` and `javac`; on Debian `apt-get install default-jdk-headless`):
    PY=$(scripts/tools-venv tools/requirements-metrics.txt) && "$PY" tools/make_meteor_fixtures.py
    "$PY" tools/make_meteor_fixtures.py --benchmark   # time the toolkit's METEOR on the benchmark input

Writes (deterministic, seeded):
    Fixtures/metrics/meteor-<set>.json     for each existing set-<set>.json: the jar's statistics
                                           line and METEOR per image and its corpus METEOR, on the
                                           set's committed PTB-tokenised text
    Fixtures/metrics/meteor-datasets.json  the same for Fixtures/metrics/datasets (results.json
                                           against captions.json), tokenised here
    Fixtures/metrics/meteor-stages.json    hand-written and generated captions that exercise every
                                           stage and quirk: exact, stem, synonym and paraphrase
                                           matches, hash collisions, `|||` inside a reference,
                                           punctuation and contractions after PTB, perfect matches,
                                           empty candidates, one and many references; raw text,
                                           tokenised text and the jar's results
    Fixtures/metrics/meteor-normalizer.json  lines and the jar's `-norm` output for them
                                           (edu.cmu.meteor.util.Normalizer, then lower-casing)
    Fixtures/metrics/meteor-stems.tsv.gz   every word of the synonym and paraphrase vocabularies
                                           with the jar's Snowball English stem (word TAB stem)
With --benchmark it reads Benchmarks/.work/metrics/ (tools/make_metric_fixtures.py --benchmark N
writes it) and prints the toolkit's time to tokenise and score it with METEOR alone, in one
process start (cold: JVM start and data load included) and again with the same process (warm).
"""
import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile

import pycocoevalcap.meteor.meteor as meteor_module
from pycocoevalcap.meteor.meteor import Meteor
from pycocoevalcap.tokenizer.ptbtokenizer import PTBTokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Fixtures", "metrics")
METEOR_DIR = os.path.dirname(os.path.abspath(meteor_module.__file__))
JAR = os.path.join(METEOR_DIR, "meteor-1.5.jar")
PARAPHRASES = os.path.join(METEOR_DIR, "data", "paraphrase-en.gz")


def jar_meteor(meteor, candidates, references):
    """What Meteor.compute_score does, keeping the statistics line of each image as well."""
    ids = list(references)
    statistics = {i: meteor._stat(candidates[i], references[i]) for i in ids}
    meteor.lock.acquire()
    try:
        meteor.meteor_p.stdin.write(("EVAL ||| " + " ||| ".join(statistics[i] for i in ids) + "\n").encode())
        meteor.meteor_p.stdin.flush()
        images = {i: float(meteor.meteor_p.stdout.readline().strip()) for i in ids}
        corpus = float(meteor.meteor_p.stdout.readline().strip())
    finally:
        meteor.lock.release()
    return {"corpus": corpus, "images": images, "statistics": statistics}


def tokenize(references, candidates):
    """The toolkit's PTBTokenizer on references and candidates (two batches, as COCOEvalCap)."""
    tokenizer = PTBTokenizer()
    gts = tokenizer.tokenize({k: [{"caption": c} for c in v] for k, v in references.items()})
    res = tokenizer.tokenize({k: [{"caption": candidates[k]}] for k in references})
    return gts, {k: v[0] for k, v in res.items()}


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(value, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)}")


# Hand-written cases: (references, candidate). Every stage and quirk of METEOR.md appears.
HAND_CASES = [
    (["a man riding a horse"], "a man riding a horse"),                      # perfect, one chunk
    (["a man riding a horse", "a horse"], "a man riding a horse"),
    (["a man riding a horse"], ""),                                          # empty candidate
    (["a man riding a horse", "two dogs"], ""),
    (["dogs are running in the park"], "a dog runs in a park"),              # stems
    (["the cats played with balls"], "a cat plays with a ball"),
    (["a car parked on the road"], "an automobile parked on the street"),    # synonyms
    (["a large dog on a couch"], "a big dog on a sofa"),
    (["a small child sitting on a bench"], "a little kid sits on a bench"),
    (["a man of the group is at the beach"], "a man in the group is on the beach"),  # paraphrases
    (["a person in a field"], "people in a field"),
    (["are people in the street"], "people in the road"),
    (["as"], "c5"),                                                          # String.hashCode collision
    (["a dog as big as a horse"], "a dog c5 big c5 a horse"),
    (["aa bb"], "bb aa"),
    (["a man ||| a woman"], "a woman"),                                      # ||| in a reference
    (["a man |||"], "a man"),
    (["||| a man"], "a man"),
    (["a dog"], "a ||| dog"),                                                # ||| in the candidate
    (["A dog's bone isn't here."], "the dog 's bone is n't here"),           # punctuation, contractions
    (["It's 5 o'clock, U.S.-based e.g. Mr. Smith"], "its 5 oclock us based mr smith"),
    (["a,b,c,d and 1,000 people"], "a b c d and 1000 people"),
    (["rock 'n' roll ... the '90s"], "rock n roll the 90s"),
    (["the man -- a tourist -- waves"], "the man a tourist waves"),
    (["a man", "a man riding", "a man riding a horse", "a horse"], "a man riding a horse"),  # many refs
    (["the the the"], "the"),
    (["a"], "a a a a"),
    (["men men"], "man"),
    (["a man walks a dog and a man walks a dog"], "a dog walks a man and a dog walks a man"),
    (["one two three four five six seven eight nine ten"], "ten nine eight seven six five four three two one"),
    (["the quick brown fox jumps over the lazy dog"], "a fast brown fox leaps over a lazy dog"),
    (["a café in zürich"], "a cafe in zurich"),
    (["naïve art on the wall"], "naive art on a wall"),
    (["ΟΔΟΣ sign"], "οδος sign"),
    (["people are eating pizza at a table"], "a group of people eat pizzas on the table"),
    (["a beautiful plateful of food"], "a beautiful plate of food"),         # -ful morphology
    (["the children were running"], "a child ran"),                           # exceptions list
    (["two women are standing"], "two woman stand"),
    (["the glasses are on the tables"], "a glass is on a table"),
    (["a dog and a dog and a dog"], "a dog"),
    (["a b c d e f g h"], "h g f e d c b a"),
]

WORDS = ["a", "an", "the", "man", "men", "woman", "women", "dog", "dogs", "cat", "cats", "person", "people",
         "group", "of", "in", "on", "at", "with", "near", "next", "to", "is", "are", "sitting", "sits", "sit",
         "standing", "stands", "riding", "rides", "ride", "holding", "holds", "big", "large", "small", "little",
         "street", "road", "field", "grass", "grassy", "beach", "table", "tables", "pizza", "food", "plate",
         "car", "automobile", "bus", "train", "kid", "child", "children", "boy", "girl", "couch", "sofa",
         "walking", "walks", "down", "top", "front", "eating", "eats", "playing", "plays", "ball", "frisbee",
         "white", "black", "red", "two", "three", "some", "and", "while", "it", "its", "that", "there"]


def generated_cases(rng, count):
    """Word salads from caption vocabulary: many candidate matches per word, to stress the search."""
    cases = []
    for _ in range(count):
        references = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 14))) for _ in range(rng.randint(1, 5))]
        base = rng.choice(references).split()
        candidate = [w if rng.random() < 0.6 else rng.choice(WORDS) for w in base]
        if rng.random() < 0.5:
            rng.shuffle(candidate)
        if rng.random() < 0.3:
            candidate += [rng.choice(WORDS) for _ in range(rng.randint(1, 6))]
        cases.append((references, " ".join(candidate)))
    return cases


def stages_fixture(meteor, rng):
    cases = HAND_CASES + generated_cases(rng, 400)
    references = {f"case_{n:04d}": refs for n, (refs, _) in enumerate(cases)}
    candidates = {f"case_{n:04d}": candidate for n, (_, candidate) in enumerate(cases)}
    gts, res = tokenize(references, candidates)
    return {
        "references": references,
        "candidates": candidates,
        "tokenized": {"references": gts, "candidates": res},
        "meteor": jar_meteor(meteor, {k: res[k] for k in gts}, gts),
    }


def datasets_fixture(meteor):
    folder = os.path.join(OUT, "datasets")
    with open(os.path.join(folder, "captions.json"), encoding="utf-8") as handle:
        annotations = json.load(handle)["annotations"]
    with open(os.path.join(folder, "results.json"), encoding="utf-8") as handle:
        results = json.load(handle)
    candidates = {str(r["image_id"]): r["caption"] for r in results}
    references = {i: [a["caption"] for a in annotations if str(a["image_id"]) == i] for i in candidates}
    gts, res = tokenize(references, candidates)
    return {"tokenized": {"references": gts, "candidates": res}, "meteor": jar_meteor(meteor, res, gts)}


NORMALIZER_LINES = [
    "dog 's bone", "does n't", "a,b,c,d", "U.S.-based", "1,000 people", "3.5 miles", "rock 'n' roll",
    "the '90s", "1990's", "Mr. Smith", "mr. smith", "Mr. X", "No. 5", "No. x", "e.g. a cat", "etc.",
    "a.m. traffic", "U.S.", "u.s. army", "St. Louis", "a... b", "a.... b", "wait...", "..", ". . .",
    "“quoted” text", "‘single’ quotes", "`a' ''b''", "a – b — c -- d --- e", "x-ray t-shirt 3-year-old",
    "a.-b a-.b", "it's they're we've I'm", "o'clock y'all 'em", "' ' '", "'a' 'b", "a' b 'c", "5's 5'6",
    "$5 50% #1 @user a&b a/b a+b", "(a) [b] {c} <d>", "café naïve Zürich ΟΔΟΣ", "ǅ ǈ İstanbul ΣΑΣ",
    "tab\there", "a\u00a0b\u2003c\u3000d", "  padded  ", "", "a", ".", "-", "'", "A.", "I. Newton",
    "the letter A. The dog", "1.2.3 v1.2 .5 5.", "a:b;c!d?e", "日本語のテキスト", "emoji \U0001F600 here",
    "Ph.D. student", "Calif. beach", "Jan. 5th", "Ill. A.", "x.y.z. a.b", "A.B.C", "DOTMULTI", "a DOTMULTI. b",
]


def normalizer_fixture(meteor, lines):
    """The jar's normaliser (-norm: punctuation kept) then Java lower-casing, one line each."""
    source = """
import edu.cmu.meteor.util.Normalizer;
import edu.cmu.meteor.util.Constants;
import java.io.*;
public class NormalizeLines {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        PrintStream out = new PrintStream(System.out, true, "UTF-8");
        String line;
        while ((line = in.readLine()) != null)
            out.println(Normalizer.normalizeLine(line, Constants.LANG_EN, true).toLowerCase());
    }
}
"""
    outputs = run_java(source, "NormalizeLines", "\n".join(lines) + "\n")
    assert len(outputs) == len(lines), (len(outputs), len(lines))
    return [{"line": line, "normalized": output} for line, output in zip(lines, outputs)]


def run_java(source, name, stdin):
    """Compiles `source` against the jar and runs it with `stdin`; returns its output lines."""
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, name + ".java"), "w", encoding="utf-8") as handle:
            handle.write(source)
        subprocess.run(["javac", "-encoding", "UTF-8", "-cp", JAR, "-d", folder, os.path.join(folder, name + ".java")], check=True)
        result = subprocess.run(["java", "-Dfile.encoding=UTF-8", "-cp", JAR + os.pathsep + folder, name],
                                input=stdin.encode("utf-8"), capture_output=True, check=True)
    return result.stdout.decode("utf-8").split("\n")[:-1]


def stems_fixture():
    """Every synonym and paraphrase word with the jar's Snowball English stem."""
    words = set()
    with zipfile.ZipFile(JAR) as jar:
        lines = jar.read("synonym/english.synsets").decode("utf-8").split("\n")
        words.update(line for line in lines[0::2] if line)
    with gzip.open(PARAPHRASES, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number % 3:
                words.update(line.split())
    words = sorted(w for w in words if "\t" not in w and "\n" not in w)
    source = """
import org.tartarus.snowball.ext.englishStemmer;
import java.io.*;
public class StemWords {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out), false, "UTF-8");
        englishStemmer stemmer = new englishStemmer();
        String line;
        while ((line = in.readLine()) != null) {
            stemmer.setCurrent(line);
            stemmer.stem();
            out.println(stemmer.getCurrent());
        }
        out.flush();
    }
}
"""
    stems = run_java(source, "StemWords", "\n".join(words) + "\n")
    assert len(stems) == len(words), (len(stems), len(words))
    path = os.path.join(OUT, "meteor-stems.tsv.gz")
    with gzip.GzipFile(path, "wb", mtime=0) as handle:
        handle.write("".join(f"{w}\t{s}\n" for w, s in zip(words, stems)).encode("utf-8"))
    print(f"wrote {os.path.relpath(path, ROOT)} ({len(words)} words)")


def write_fixtures():
    meteor = Meteor()
    for name in ["coco", "varied-references", "single-reference", "small"]:
        with open(os.path.join(OUT, f"set-{name}.json"), encoding="utf-8") as handle:
            tokenized = json.load(handle)["tokenized"]
        result = jar_meteor(meteor, tokenized["candidates"], tokenized["references"])
        write_json(os.path.join(OUT, f"meteor-{name}.json"), {"source": f"set-{name}.json", "meteor": result})
    write_json(os.path.join(OUT, "meteor-datasets.json"), datasets_fixture(meteor))
    write_json(os.path.join(OUT, "meteor-stages.json"), stages_fixture(meteor, random.Random(13)))
    with open(os.path.join(OUT, "tokenizer.json"), encoding="utf-8") as handle:
        tokenized = [entry["tokenized"] for entry in json.load(handle)]
    lines = NORMALIZER_LINES + [t for t in tokenized if not any(c in t for c in "\r\n\x0b\x0c\x85\u2028\u2029")]
    write_json(os.path.join(OUT, "meteor-normalizer.json"), normalizer_fixture(meteor, lines))
    stems_fixture()


def benchmark():
    folder = os.path.join(ROOT, "Benchmarks", ".work", "metrics")
    with open(os.path.join(folder, "references.json"), encoding="utf-8") as handle:
        annotations = json.load(handle)["annotations"]
    with open(os.path.join(folder, "results.json"), encoding="utf-8") as handle:
        results = json.load(handle)
    candidates = {str(r["image_id"]): r["caption"] for r in results}
    references = {}
    for a in annotations:
        references.setdefault(str(a["image_id"]), []).append(a["caption"])
    references = {i: references[i] for i in candidates}
    start = time.perf_counter()
    gts, res = tokenize(references, candidates)
    tokenized = time.perf_counter()
    meteor = Meteor()
    cold_score, _ = meteor.compute_score(gts, {k: [v] for k, v in res.items()})
    cold = time.perf_counter()
    warm_score, _ = meteor.compute_score(gts, {k: [v] for k, v in res.items()})
    warm = time.perf_counter()
    print(json.dumps({"images": len(candidates), "tokenize_seconds": round(tokenized - start, 3),
                      "meteor_cold_seconds": round(cold - tokenized, 3), "meteor_warm_seconds": round(warm - cold, 3),
                      "METEOR": cold_score, "METEOR_warm": warm_score}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmark", action="store_true", help="time the toolkit's METEOR on Benchmarks/.work/metrics")
    arguments = parser.parse_args()
    if arguments.benchmark:
        benchmark()
    else:
        write_fixtures()


if __name__ == "__main__":
    sys.exit(main())
