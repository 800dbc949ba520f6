"""Flickr8k captions and split lists, tokenised as the evaluation tokenises them.

`Flickr8k.token.txt` lines are `IMAGE.jpg#N<TAB>caption`. Captions become lower-case words with
punctuation tokens removed and clitics split off ("dog's" -> "dog 's"), close to what the COCO
caption toolkit's PTB tokenizer feeds the metrics, so that the vocabulary and the references
used for selection are the words the scores count.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from sat.vocab import vocab_from_words

# Tokens the COCO toolkit's tokenizer drops after PTB tokenisation.
PUNCTUATION = {"''", "'", "``", "`", "-lrb-", "-rrb-", "-lcb-", "-rcb-", ".", "?", "!", ",", ":",
               "-", "--", "...", ";", "(", ")", "{", "}", "[", "]"}
CLITIC = re.compile(r"(?i)(\w)('s|'re|'ve|'ll|'d|'m|n't)\b")
SPLIT = re.compile(r"[\w']+|[^\w\s]")


def tokenize(caption: str) -> list[str]:
    """Lower-case words of one caption, punctuation dropped, clitics split off."""
    text = CLITIC.sub(r"\1 \2", caption.lower())
    return [token for token in SPLIT.findall(text) if token not in PUNCTUATION]


def read_captions(token_file: Path) -> dict[str, list[str]]:
    """Image file name -> its raw captions, in the file's order."""
    captions: dict[str, list[str]] = {}
    for line in token_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        key, caption = line.split("\t", 1)
        captions.setdefault(key.split("#", 1)[0], []).append(caption.strip())
    return captions


def read_split(list_file: Path) -> list[str]:
    """The image file names of a split list, in order."""
    return [line.strip() for line in list_file.read_text(encoding="utf-8").splitlines() if line.strip()]


def build_vocab(tokenized: list[list[str]], minimum_count: int) -> dict[str, int]:
    """The four special tokens, then every word seen at least `minimum_count` times, most
    frequent first (ties alphabetical)."""
    counts = Counter(word for caption in tokenized for word in caption)
    words = sorted((word for word, count in counts.items() if count >= minimum_count),
                   key=lambda word: (-counts[word], word))
    return vocab_from_words(words)
