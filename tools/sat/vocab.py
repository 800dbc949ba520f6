"""Vocabulary (word map) of a show-attend-tell/1 bundle: `vocab.json` = {"word": index}.

Indices are dense 0..V-1 and the four special tokens must be present. A vocabulary is a plain
`dict[str, int]` everywhere in these tools, so it round-trips through JSON unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

PAD = "<pad>"
START = "<start>"
END = "<end>"
UNK = "<unk>"
SPECIAL_TOKENS = (PAD, START, END, UNK)


def check_vocab(vocab: dict[str, int], source: str = "vocabulary") -> dict[str, int]:
    """Raises ValueError naming `source` unless `vocab` is a dense word map holding the specials."""
    if not isinstance(vocab, dict) or not vocab:
        raise ValueError(f"{source}: expected a non-empty JSON object {{word: index}}")
    for word, index in vocab.items():
        if not isinstance(word, str) or isinstance(index, bool) or not isinstance(index, int):
            raise ValueError(f"{source}: entry {word!r}: {index!r} is not a word with an integer index")
    indices = sorted(vocab.values())
    if indices != list(range(len(vocab))):
        raise ValueError(f"{source}: indices must be dense 0..{len(vocab) - 1} without repeats")
    missing = [token for token in SPECIAL_TOKENS if token not in vocab]
    if missing:
        raise ValueError(f"{source}: missing special token(s) {', '.join(missing)}")
    return vocab


def vocab_from_words(words: list[str]) -> dict[str, int]:
    """A word map with <pad> 0, <start> 1, <end> 2, <unk> 3, then `words` in order (duplicates dropped)."""
    vocab = {token: index for index, token in enumerate(SPECIAL_TOKENS)}
    for word in words:
        if word not in vocab:
            vocab[word] = len(vocab)
    return vocab


def index_to_word(vocab: dict[str, int]) -> list[str]:
    """The inverse map as a list: `index_to_word(vocab)[i]` is the word with index i."""
    words = [""] * len(vocab)
    for word, index in vocab.items():
        words[index] = word
    return words


def load_vocab(path: str | Path) -> dict[str, int]:
    """Reads and checks a vocab.json word map."""
    path = Path(path)
    with path.open("r", encoding="utf-8") as file:
        return check_vocab(json.load(file), str(path))


def save_vocab(vocab: dict[str, int], path: str | Path) -> None:
    """Writes a checked word map as vocab.json (entries in index order, UTF-8)."""
    check_vocab(vocab)
    Path(path).write_text(vocab_json(vocab), encoding="utf-8")


def vocab_json(vocab: dict[str, int]) -> str:
    """The vocab.json text: entries in index order, UTF-8 kept as is."""
    ordered = dict(sorted(vocab.items(), key=lambda item: item[1]))
    return json.dumps(ordered, ensure_ascii=False, indent=1) + "\n"
