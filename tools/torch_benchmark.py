"""The PyTorch side of Benchmarks/run: times the reference model (tools/sat) on a bundle.

Run from the repository root (Benchmarks/run does this, alternating with the Swift engine):
    PY=$(scripts/tools-venv)
    "$PY" tools/torch_benchmark.py encoder --model B --image IMG [--threads T] [--runs R]
        model.encode on the preprocessed image (features, adaptive pool, channels last)
    "$PY" tools/torch_benchmark.py decoder --model B --image IMG [--beam K] [--threads T] [--runs R]
        sat.beam_search.beam_search on the image's annotation vectors; ms per decoder step
        (the whole search, from encoder_att and h0 to the last finished beam, divided by the
        steps it ran)
    "$PY" tools/torch_benchmark.py caption --model B IMG [--beam K] [--threads T]
        the whole-process reference: import, load the bundle, read the image, encode, search,
        print one JSON line {"caption", "tokens", "token_ids", "score", "finished"}, exit
Each timing command warms up once, then prints one JSON object: {"step", "median_ms", "min_ms",
"max_ms", "cpu_median_ms", "wall_ms": [every run], "cpu_ms": [every run], ...}. Nothing is written to disk; the bundle
comes from tools/make_benchmark_bundle.py. Deterministic apart from the timings.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time


def timed(runs: int, body) -> dict:
    """Runs `body` once to warm up, then `runs` times: wall-clock and process CPU milliseconds."""
    body()
    wall, cpu = [], []
    for _ in range(runs):
        start, cpu_start = time.perf_counter(), time.process_time()
        body()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - cpu_start) * 1000)
    return {"median_ms": statistics.median(wall), "min_ms": min(wall), "max_ms": max(wall),
            "cpu_median_ms": statistics.median(cpu), "wall_ms": wall, "cpu_ms": cpu}


def load(model_path: str, image_path: str):
    """(model, vocab, normalised image 1 x 3 x S x S) from a bundle and an image file."""
    from sat.bundle import load_bundle
    from sat.preprocess import load_image

    model, config, vocab = load_bundle(model_path)
    encoder = config["encoder"]
    image = load_image(image_path, encoder["input_size"], encoder["mean"], encoder["std"]).unsqueeze(0)
    return model, vocab, image


def encoder(arguments) -> dict:
    import torch

    model, _, image = load(arguments.model, arguments.image)
    with torch.no_grad():
        result = timed(arguments.runs, lambda: model.encode(image))
    return {"step": "encoder", **result}


def decoder(arguments) -> dict:
    import torch
    from sat.beam_search import beam_search

    model, vocab, image = load(arguments.model, arguments.image)
    with torch.no_grad():
        annotations = model.encode(image)[0][0]
    answer = beam_search(model, annotations, vocab, arguments.beam)
    steps = max(len(hypothesis["alphas"]) for hypothesis in answer["hypotheses"])
    result = timed(arguments.runs, lambda: beam_search(model, annotations, vocab, arguments.beam))
    per_step = {key: [t / steps for t in value] if isinstance(value, list) else value / steps
                for key, value in result.items()}
    return {"step": f"decoder beam {arguments.beam}", **per_step,
            "steps": steps, "search_median_ms": result["median_ms"], "score": answer["score"],
            "caption": " ".join(answer["tokens"])}


def caption(arguments) -> dict:
    import torch
    from sat.beam_search import beam_search

    model, vocab, image = load(arguments.model, arguments.image)
    with torch.no_grad():
        annotations = model.encode(image)[0][0]
    answer = beam_search(model, annotations, vocab, arguments.beam)
    return {"image": arguments.image, "caption": " ".join(answer["tokens"]), "tokens": answer["tokens"],
            "token_ids": answer["token_ids"], "score": answer["score"], "finished": answer["finished"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("encoder", "decoder", "caption"):
        command = commands.add_parser(name)
        command.add_argument("--model", required=True)
        if name == "caption":
            command.add_argument("image")
        else:
            command.add_argument("--image", required=True)
            command.add_argument("--runs", type=int, default=5)
        command.add_argument("--beam", type=int, default=3)
        command.add_argument("--threads", type=int, default=None)
    arguments = parser.parse_args()
    if arguments.threads is not None:
        import torch

        torch.set_num_threads(arguments.threads)
    result = {"encoder": encoder, "decoder": decoder, "caption": caption}[arguments.command](arguments)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
