#!/usr/bin/env python3
"""Scores generated caption sets with the COCO caption toolkit (pycocoevalcap) and writes the
inputs and the toolkit's outputs as fixtures for the CaptionEval tests.

Run (needs `java`; on Debian `apt-get install default-jre-headless`):
    PY=$(scripts/tools-venv tools/requirements-metrics.txt) && "$PY" tools/make_metric_fixtures.py
    "$PY" tools/make_metric_fixtures.py --benchmark 5000   # benchmark input + toolkit timing

Writes (deterministic, seeded):
    Fixtures/metrics/tokenizer.json      hand-written and generated captions with the toolkit's
                                         tokenization (PTBTokenizer + punctuation removal)
    Fixtures/metrics/set-<name>.json     one caption set each: references, candidates, the
                                         toolkit's tokenized text, and its Bleu_1..4, ROUGE_L,
                                         CIDEr scores, corpus and per image
    Fixtures/metrics/datasets/           one small reference set in the three formats
                                         (captions.json COCO, dataset_karpathy.json with an
                                         `objects` scene graph, Flickr8k.token.txt with
                                         Flickr_8k.testImages.txt), results.json for its test
                                         images, scores.json (the toolkit's scores of them), and
                                         bad results files (malformed, duplicate, unknown image...)
With --benchmark N it writes instead, under Benchmarks/.work/metrics/ (ignored):
    references.json (COCO caption annotations) and results.json (COCO results) for N images
    with 5 references each, and prints the toolkit's time to tokenize and score them.
"""
import argparse
import json
import os
import random
import sys
import time

from pycocoevalcap.bleu.bleu import Bleu
from pycocoevalcap.cider.cider import Cider
from pycocoevalcap.rouge.rouge import Rouge
from pycocoevalcap.tokenizer.ptbtokenizer import PTBTokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Fixtures", "metrics")

SUBJECTS = ["a man", "a woman", "two men", "a young boy", "a little girl", "a dog", "a black dog",
            "a cat", "two cats", "a group of people", "a person", "an elderly man", "a baby",
            "three children", "a brown horse", "a giraffe", "a zebra", "an elephant", "a bird",
            "a surfer", "a skier", "a skateboarder", "a tennis player", "a chef", "a police officer",
            "the train", "a red bus", "a white truck", "a motorcycle", "a plate of food", "a pizza",
            "a bowl of soup", "a teddy bear", "a kite", "a laptop", "the clock tower", "a fire hydrant",
            "a stop sign", "a bench", "a sheep", "some cows", "a herd of sheep", "a bear", "an airplane"]
VERBS = ["is riding", "rides", "is sitting on", "sits next to", "is standing in", "stands near",
         "is holding", "holds", "is eating", "eats", "is looking at", "is playing with", "walks down",
         "is walking across", "is flying over", "is parked next to", "is laying on", "is jumping over",
         "is throwing", "is catching", "is cutting", "is covered with", "is filled with", "is on top of"]
OBJECTS = ["a skateboard", "a bench", "the beach", "a wave", "a frisbee", "a red umbrella",
           "a large pizza", "a sandwich", "the street", "a snowy hill", "a grassy field", "the table",
           "a cell phone", "a tennis racket", "a kitchen counter", "a wooden fence", "the water",
           "a city street", "a busy road", "a train station", "an open field", "a dirt road", "the sky",
           "a pile of bananas", "some vegetables", "a birthday cake", "the ocean", "a mirror", "a toilet"]
PLACES = ["in a park", "on a sunny day", "at night", "in the snow", "near the water", "in a kitchen",
          "on the sidewalk", "in front of a building", "next to a lake", "under a tree", "in the rain",
          "at the zoo", "inside a store", "on a city street", "by the ocean", "in an office", ""]
ADJECTIVES = ["red", "blue", "green", "small", "large", "old", "wooden", "tall", "colorful",
              "black-and-white", "snow-covered", "well-lit", "half-eaten", "two-story", "double-decker"]
EXTRAS = [
    "it's a sunny day", "there's a dog nearby", "they're smiling", "he isn't wearing a hat",
    "she's holding a cup", "we can't see the sky", "the dog's tail is wagging", "it won't stop raining",
    "I'm not sure what it is", "you'll see a train", "they've got umbrellas", "he'd like some pizza",
    "the sign says \"STOP\"", "a sign reads 'Welcome'", "a banner (partly hidden)", "a shop [closed]",
    "about 3,000 people", "a 1.5 liter bottle", "a 2-year-old child", "a man 6'2\" tall",
    "the year 1990", "at 10:30 am", "at 3pm", "costs $5.99", "about 50% full", "1/2 of a sandwich",
    "a U.S. flag", "Mr. Smith's car", "near St. Louis", "on Main St. and 5th Ave.", "etc.",
    "and/or a bike", "a man -- maybe a tourist -- waves", "a dog... or a wolf", "wow!", "really?!",
    "a T-shirt", "an X-ray", "the iPhone 6s", "a 7-Eleven store", "rock 'n' roll", "o'clock",
    "a café", "naïve art", "“quoted text”", "‘single quotes’", "an em—dash", "a half ½ sandwich",
    "a £5 note", "a €10 bill", "C++ code", "#hashtag", "@user", "www.example.com", "e.g. a cat",
    "i.e. a dog", "a.m. traffic", "the U.K.", "no. 5", "a <unk> object", "it is ... nice",
    "two dogs; one cat", "colors: red, green", "a well-known place", "so-called art", "an ice-cream cone",
]


def make_caption(rng, style):
    """A real-looking caption; `style` picks how tidy it is."""
    parts = [rng.choice(SUBJECTS), rng.choice(VERBS)]
    obj = rng.choice(OBJECTS)
    if rng.random() < 0.3:
        article, _, rest = obj.partition(" ")
        obj = f"{article} {rng.choice(ADJECTIVES)} {rest}" if rest else obj
    parts.append(obj)
    place = rng.choice(PLACES)
    if place:
        parts.append(place)
    caption = " ".join(parts)
    if style == "model":
        return caption
    if rng.random() < 0.45:
        joiner = rng.choice([", ", " and ", "; ", " - ", " while ", ". "])
        caption += joiner + rng.choice(EXTRAS)
    if rng.random() < 0.5:
        caption = caption[0].upper() + caption[1:]
    if rng.random() < 0.1:
        caption = caption.upper()
    ending = rng.choice([".", ".", ".", "", "", "!", " .", "...", "?", " ."])
    caption += ending
    if rng.random() < 0.05:
        caption = "  " + caption + " \t"
    return caption


def make_candidate(rng, references, index):
    """A model-like candidate: usually lower case without punctuation, sometimes odd."""
    roll = rng.random()
    if index % 37 == 5:
        return ""
    if index % 41 == 7:
        return " ".join(rng.choice(references).lower().split() * 4)  # long, repetitive
    if roll < 0.15:
        return rng.choice(references)  # copies a reference (punctuation and case kept)
    if roll < 0.25:
        return make_caption(rng, "human")
    caption = make_caption(rng, "model")
    if rng.random() < 0.1:
        caption = caption.replace(" a ", " a <unk> ", 1)
    return caption


def make_set(rng, images, references_per_image, id_style):
    references, candidates = {}, {}
    for index in range(images):
        image_id = str(100000 + index * 7) if id_style == "int" else f"img_{index:04d}"
        count = references_per_image(rng)
        refs = [make_caption(rng, "human") for _ in range(count)]
        references[image_id] = refs
        candidates[image_id] = make_candidate(rng, refs, index)
    return references, candidates


def toolkit_score(references, candidates):
    """What COCOEvalCap.evaluate computes, without METEOR and SPICE."""
    tokenizer = PTBTokenizer()
    gts = tokenizer.tokenize({k: [{"caption": c} for c in v] for k, v in references.items()})
    res = tokenizer.tokenize({k: [{"caption": candidates[k]}] for k in references})
    scores = {"corpus": {}, "images": {k: {} for k in gts}}
    for scorer, names in [(Bleu(4), ["Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4"]), (Rouge(), ["ROUGE_L"]), (Cider(), ["CIDEr"])]:
        if isinstance(scorer, Bleu):
            corpus, per_image = scorer.compute_score(gts, res, verbose=0)
        else:
            corpus, per_image = scorer.compute_score(gts, res)
            corpus, per_image = [corpus], [per_image]
        for name, value, values in zip(names, corpus, per_image):
            scores["corpus"][name] = float(value)
            for image_id, image_value in zip(gts.keys(), values):
                scores["images"][image_id][name] = float(image_value)
    return gts, res, scores


TRICKY = ["a", "A", "I", "U.S.", "e.g.", "etc.", "St.", "Mr.", "no.", "fig.", "ca.", "vs.", "Inc.", "Co.", "Jr.", "a.m.", "p.m.",
          "it's", "don't", "can't", "won't", "isn't", "they're", "we've", "I'm", "he'd", "she'll", "dog's", "dogs'", "'s", "n't",
          "o'clock", "ma'am", "y'all", "'em", "'90s", "rock'n'roll", "'n'", "gonna", "cannot", "wanna", "'tis", "'twas",
          "3", "3.5", "1,000", "10:30", "1/2", "3/4", "1 1/2", "12/25/2010", "555-1234", "555-123-4567", "(555)", "2x4", "3pm", "1990s",
          "well-known", "x-ray", "t-shirt", "3-year-old", "and/or", "24/7", "AT&T", "R&D", "&amp;", "C++", "#1", "@user", "www.a.com",
          "a.com", "x@y.com", "http://a.b/c", ":)", ":-(", ";)", "<3", "^_^", "(", ")", "[", "]", "{", "}", "<", ">", "<b>", "</b>",
          "\"", "'", "`", "``", "''", "“", "”", "‘", "’", "–", "—", "…", "...", "....", ". . .", "-", "--", "---", "*", "**", "/", "\\",
          "%", "$", "$5", "US$", "£", "€", "¢", "½", "¼", "#", "@", "_", "=", "+", "~", "^", "|", ",", ";", ":", "!", "?", "!?", "?!",
          "café", "naïve", "Zürich", "ΟΔΟΣ", "日本", "é", "ñ", "\u00a0", "\u00ad", "Dr", "Mt", "Ave", "Calif.", "Wash.", "Ind.", "Ill.",
          "Jan.", "Feb.", "Mon.", "Sept.", "Nos.", "Ph.D.", "A.", "B.", "The", "He", "It", "There", "But", "I.", "X.", "v.", "p."]
SEPS = [" ", " ", " ", " ", "", ",", ", ", ".", ". ", "-", "'", "\"", " (", ") ", "/", "!", "?", ":", ";", "  "]
ALPHA = "abcdeABCDE0123456789 .,;:!?'\"`-_/()[]{}<>&%$#@*+=^~|\\é’“”–—…½£€\u00a0xyzXYZs tn"


def make_tricky_caption(rng):
    """A stress caption: a real-looking one, a run of tricky tokens, or random characters."""
    roll = rng.random()
    if roll < 0.35:
        return make_caption(rng, "human")
    if roll < 0.75:
        text = "".join(rng.choice(TRICKY) + rng.choice(SEPS) for _ in range(rng.randint(1, 8)))
        return text.strip() if rng.random() < 0.7 else text
    return "".join(rng.choice(ALPHA) for _ in range(rng.randint(1, 25)))


HAND_CAPTIONS = [
    "A man's dog isn't running, they're here; we'll go. I've I'm he'd",
    "\"Quoted\" text (with parens) and [brackets] {braces}",
    "3,000 people at 3.5 miles... and 1/2 a cake & stuff. U.S. Mr. Smith etc. well-known",
    "A grey colour cat in the theatre. Colour favourite",
    "a cat and/or dog * star #hash $5 50% @ at",
    "Don't CAN'T won't gonna cannot 'tis y'all o'clock rock 'n' roll",
    "a man -- a woman - dog ... end!? wow!!",
    "  leading spaces and\ttabs   multiple",
    "é café naïve “smart quotes” ‘single’ – — … ½ £5 €3",
    "e-mail: foo@bar.com http://www.x.com www.google.com",
    "he said ' hello ' and `` there ''",
    "2:30 p.m. 10:00am 1990s '90s 5'6\" tall",
    "I.B.M. a.m. No. 5 vs. Jr. Inc. Co. St. Ave.",
    "the letter A. The dog",
    "a <unk> token and <b>bold</b> x<y",
    "café-bar naïve-ish über-cool 3-year-old 2-3 people 1990-1995 x-ray t-shirt",
    "3pm 10am 5ft 2nd 1st 3rd 21st 4x4 a4 mp3 b52",
    "a 5'6\" man it's he's she'll Mary's students' dogs'",
    "I'm we're you've 'em 'cause 'til rock'n'roll ma'am o'clock",
    "a 12 345 678 number 555-123-4567 1,000,000 .5 -5 +3 3.14.15",
    "mr. smith dr. who st. louis vs. u.s.a. e.g. i.e. etc. a.m.",
    "\"hello\" 'hi' \"a\" 'a' ``x'' `y'",
    "smiling :) ;-) :( <3 ^_^",
    "a & b AT&T R&D &amp; %  ~ ^ | \\ = == + ++ -",
    "a ----- b --- c ---- d",
    "a....b .... a. . . b",
    "emoji \U0001F600 here ★ ♥ ☺",
    "1/2 3/4 1 1/2 12/25/2010 and/or he/she 24/7 w/ a/b/c",
    "snow-covered black-and-white one-way well-known so-called e-mail re-entry co-op",
    "1 1/2 cups", "a 2 3/4 inch 12-3/4", "café-bar über-straße 3-é",
    "l'amour d'avignon o'neill O'Neill's don'ts y'know",
    "gonna wanna gotta lemme gimme dunno 'twas 'tis cannot Cannot GONNA",
    "C++ c# f# 20's '90s 1990's the 80s",
    "a man,a woman.A dog;a cat:a bird!a fish?",
    "don't.can't,isn't!", "he said:\"yes\"", "(a) [b] {c} ( d )", "a. b. c. a.b. x.y.z",
    "U.S. army in the U.S. The end", "a 7-Eleven store and 7-11",
    "$5 $5.99 US$5 5$ £3 ¥5 €5 ¢5 5¢ #1 # 1", "50% 3.5% 100 % 2x 3X", "¼ ½ ¾ ⅓ ⅔ ⅛",
    "“Hello,” she said. ‘Hi’ – — ― … • · ° ×",
    "i.e., e.g., etc., no., fig. 3 vs., ca. 1900 approx. 5",
    "a sign with the letter d.", "plan B.", "the letter A", "A. Lincoln", "a man named J. Smith walks",
    "", "...", "!!!", "-", "a", "A", ".", "' '", "\"\"", "( )",
    "A dog's bone.", "The cats' toys", "It’s a dog’s life", "isn’t", "don’t stop", "ma’am", "rock’n’roll",
    "a dog\u00a0on a mat", "non-breaking\u00a0space", "a man\u2003with em space",
    "A MAN RIDING A HORSE.", "A Man Riding A Horse", "a man riding a horse",
    "a 3.5-inch screen", "a 1,000-year-old tree", "mp3's and a4's", "the 1990's-era car",
    "Mt. Everest", "ft. worth", "the Dept. of Energy", "Jan. 5th", "Feb. 2010", "Ph.D. student",
    "Calif. beach", "a Fla. road", "in Wash. state", "Inc. magazine", "the Co. logo",
    "Dr. Who", "Prof. X", "Gen. Lee", "Sgt. Pepper", "Capt. Hook", "Rev. Green", "St. Paul",
    "approx. 5 feet", "fig. 3", "no. 7 bus", "Nos. 3 and 4", "op. 2", "pp. 10", "ca. 1950",
    "(555) 123-4567", "555 123 4567", "555.123.4567", "+1 555-123-4567", "12-34-5678",
    "1-2-99", "12/25/10", "3/4/2010 date", "the 4-5-6 rule",
    "a www.cnn.com page", "visit google.com today", "https://example.org/path?x=1.", "john@doe.com",
    "@twitter user", "#1 fan", "##", "@@", "__init__", "a_b", "snake_case name", "**bold**", "*",
    "a 'quoted' word", "'a dog' she said", "' a'", "'tis the season", "'Twas the night",
    "rock 'n roll", "the '80s", "'90s music", "in '99", "'99 model", "class of '05.",
    "he-man", "x-men", "a t-rex", "anti-war", "pro-choice", "pre-game", "co-worker", "re-do", "e-bike",
    "mid-air", "non-stop", "self-driving", "multi-colored", "twenty-five", "6-pack", "-5 degrees",
    "a -- b", "a---b", "a--b", "a-b-c-d", "word-", "-word", "word--word",
    "x = y", "a+b", "1+1=2", "100%", "~5", "^", "a|b", "a\\b", "a/b", "a / b", "1/2/3/4",
    "2 + 2 = 4", "5 * 3", "10 x 10", "20°C", "98.6°F", "5'", "6\"", "5 ft 6 in",
    "it's 5 o'clock", "the 5th of may", "1st place", "a 2nd try", "3 1/2 men", "half (1/2)",
    "a café in Zürich", "Straße", "Ångström", "ΑΒΓ greek", "ΟΔΟΣ", "İstanbul", "日本語のテキスト", "中文 text",
    "naïve coöperate", "résumé", "façade", "jalapeño", "piñata", "crème brûlée",
    "a dog!", "a dog?", "a dog!!", "a dog?!", "a dog...", "a dog..", "a dog. . .", "a dog ....", "a dog .....",
    "a dog ......", "Hi!Bye", "what?no", "end.Start", "e.g.a", "U.S.A", "U.S.A.", "u.s.",
    "The U.S. The", "in the U.S. He said", "the U.S. It is", "a dog. The cat", "the A. B. C. way",
    "I. Newton", "I am. I was.", "a car; a bus: a van, a truck", "a 'b' c", "'b'", "`b`",
    "<b>", "</b>", "<br/>", "<a href=\"x\">link</a>", "<<", ">>", "< >", "<3 you", "a<b", "a>b",
    "&", "&amp; co", "AT&T phone", "R&B music", "S&P-500", "S&Ls", "Q&A session", "b&w photo",
    "B&W photo", "a&b", "&lt;tag&gt;", "&quot;quoted&quot;", "&apos;s", "-LRB- token", "-rrb-",
    "e-mail me", "E-Mail", "x-ray's", "t-shirt's", "one-year-old's",
    "a man\u2019s hat", "a man\u2018s hat", "dogs\u2019 bowls", "\u201cquoted\u201d", "\u2018single\u2019",
    "«guillemets»", "„low quotes“", "‹single›", "a\u2010b", "a\u2011b", "a\u2013b", "a\u2014b", "a\u2212b",
    "soft\u00adhyphen", "zero\u200bwidth", "\ufeffbom", "tab\there", "next\u0085line",
    "$", "$$", "US$", "A$5", "C$ 10", "HK$100", "5 cents", "¢", "¥", "₹100", "₩1000",
    "3.", "3..", ".3", "3.0.", "1,000.", "1,000,", "12:30.", "12:30:45", "1.2.3", "v1.2",
    "2x4", "4x4's", "B-52", "F-16s", "a 747", "the 49ers", "covid-19", "h1n1", "x86-64",
    "They're", "THEY'RE", "We'VE", "He'LL", "it'S", "CAN'T", "DON'T", "Won't", "Ain't", "ain't",
    "shouldn't've", "y'all'd've", "'s", "'re", "n't", "'ll", "s'mores", "c'mon", "li'l", "ev'ry",
    # Cases the fuzzing found while calibrating the rules against the jar.
    "a.com/}-y'all", "1D_E.X", "ab_c.jpg?", "4Axy.C?a(", "Jan.x and Jan.X", "Wash.-1,000!", "ΟΔΟΣ-555-123",
    "ΟΔΟΣ3-a", "ΟΔΟΣ-he'd", "ΟΔΟΣ3pm", "<a b=c> <a href=\"x\"> <t(t>", "x{y@z.com a}b@c.d <x@y.com>",
    "#C0 #a1b @ab1 @1ab", "B`ZnYZ D`a1_Ezé", "12/25/2010.X.", "555-1234.X.,", "http://a.b/c{'+",
    "Ill.. A. It!", "the letter D.", "The dog", "no. x Nos. x ca. x", "cat.5 a1.b2 cat.ñ",
    "3-Aveñ 12/25/2010,3-year-old zürich-1,000", "=.= ^.~ <.^", "Ct. del. Del. la. La.",
]


def tokenizer_fixture(rng):
    # No caption holds a line break: the toolkit would shift every later caption by a line.
    captions = list(HAND_CAPTIONS)
    captions += [make_caption(rng, "human") for _ in range(400)]
    captions += [make_tricky_caption(rng) for _ in range(2000)]
    tokenized = PTBTokenizer().tokenize({i: [{"caption": c}] for i, c in enumerate(captions)})
    return [{"caption": c, "tokenized": tokenized[i][0]} for i, c in enumerate(captions)]


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(value, handle, ensure_ascii=False, indent=1)
        handle.write("\n")


def write_fixtures():
    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(7)
    write_json(os.path.join(OUT, "tokenizer.json"), tokenizer_fixture(rng))
    sets = {
        "coco": (200, lambda r: 5, "int"),
        "varied-references": (120, lambda r: r.randint(1, 7), "string"),
        "single-reference": (60, lambda r: 1, "int"),
        "small": (3, lambda r: r.randint(2, 4), "string"),
    }
    for name, (images, per_image, id_style) in sets.items():
        references, candidates = make_set(rng, images, per_image, id_style)
        gts, res, scores = toolkit_score(references, candidates)
        write_json(os.path.join(OUT, f"set-{name}.json"), {
            "references": references,
            "candidates": candidates,
            "tokenized": {"references": gts, "candidates": {k: v[0] for k, v in res.items()}},
            "scores": scores,
        })
        print(f"set-{name}: {images} images, CIDEr {scores['corpus']['CIDEr']:.4f}")
    write_dataset_fixtures(rng)


def write_dataset_fixtures(rng):
    folder = os.path.join(OUT, "datasets")
    os.makedirs(folder, exist_ok=True)
    ids = [391895, 522418, 184613, 318219, 554625, 397133, 37777]
    splits = ["test", "test", "test", "test", "train", "val", "restval"]
    references = {str(i): [make_caption(rng, "human") for _ in range(rng.randint(2, 5))] for i in ids}
    file_names = {str(i): f"COCO_val2014_{i:012d}.jpg" for i in ids}
    test_ids = [str(i) for i, split in zip(ids, splits) if split == "test"]
    candidates = {i: make_candidate(rng, references[i], n + 1) for n, i in enumerate(test_ids)}

    annotations = [{"image_id": int(i), "id": 1000 + n, "caption": c}
                   for n, (i, c) in enumerate((i, c) for i in references for c in references[i])]
    images = [{"id": int(i), "file_name": file_names[i], "height": 480, "width": 640} for i in references]
    images.append({"id": 999999, "file_name": "COCO_val2014_000000999999.jpg"})  # no captions
    write_json(os.path.join(folder, "captions.json"), {"info": {"description": "fixture"}, "images": images, "annotations": annotations})

    karpathy, sentence_id = [], 0
    for index, (i, split) in enumerate(zip(references, splits)):
        sentences = []
        for caption in references[i]:
            sentences.append({"tokens": caption.lower().split(), "raw": caption, "imgid": index, "sentid": sentence_id})
            sentence_id += 1
        entry = {"filepath": "val2014", "sentids": [s["sentid"] for s in sentences], "filename": file_names[i],
                 "imgid": index, "split": split, "sentences": sentences, "cocoid": int(i)}
        if index == 0:
            entry["objects"] = [{"name": "man", "box": [10, 20, 100, 200], "relations": [{"predicate": "riding", "object": 1}]},
                                {"name": "horse", "box": [0, 50, 300, 400]}]
        karpathy.append(entry)
    write_json(os.path.join(folder, "dataset_karpathy.json"), {"images": karpathy, "dataset": "coco"})

    with open(os.path.join(folder, "Flickr8k.token.txt"), "w", encoding="utf-8") as handle:
        for i in references:
            for k, caption in enumerate(references[i]):
                handle.write(f"{file_names[i]}#{k}\t{caption}\n")
    with open(os.path.join(folder, "Flickr_8k.testImages.txt"), "w", encoding="utf-8") as handle:
        handle.write("".join(file_names[i] + "\n" for i in test_ids))

    write_json(os.path.join(folder, "results.json"), [{"image_id": int(i), "caption": c} for i, c in candidates.items()])
    _, _, scores = toolkit_score({i: references[i] for i in test_ids}, candidates)
    write_json(os.path.join(folder, "scores.json"), scores)

    bad = {
        "results-malformed.json": '[\n  {"image_id": 391895, "caption": "a man"},\n  {"image_id": 522418 "caption": "a dog"}\n]\n',
        "results-duplicate.json": json.dumps([{"image_id": 391895, "caption": "a man"}, {"image_id": 522418, "caption": "a dog"},
                                              {"image_id": 391895, "caption": "a man again"}]),
        "results-unknown-image.json": json.dumps([{"image_id": 391895, "caption": "a man"}, {"image_id": 123, "caption": "a dog"}]),
        "results-empty.json": "",
        "results-empty-array.json": "[]\n",
        "results-not-array.json": json.dumps({"image_id": 391895, "caption": "a man"}),
        "results-missing-caption.json": json.dumps([{"image_id": 391895}]),
        "results-string-ids.json": json.dumps([{"image_id": file_names[i], "caption": c} for i, c in candidates.items()]),
    }
    for name, content in bad.items():
        with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
            handle.write(content)


def write_benchmark(count):
    rng = random.Random(11)
    references, candidates = make_set(rng, count, lambda r: 5, "int")
    folder = os.path.join(ROOT, "Benchmarks", ".work", "metrics")
    os.makedirs(folder, exist_ok=True)
    annotations, images = [], []
    for image_id, refs in references.items():
        images.append({"id": int(image_id), "file_name": f"COCO_val2014_{int(image_id):012d}.jpg"})
        annotations += [{"image_id": int(image_id), "id": len(annotations) + 1, "caption": c} for c in refs]
    write_json(os.path.join(folder, "references.json"), {"images": images, "annotations": annotations})
    write_json(os.path.join(folder, "results.json"), [{"image_id": int(k), "caption": v} for k, v in candidates.items()])
    start = time.perf_counter()
    _, _, scores = toolkit_score(references, candidates)
    elapsed = time.perf_counter() - start
    print(json.dumps({"images": count, "toolkit_seconds": round(elapsed, 3), "corpus": scores["corpus"]}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmark", type=int, metavar="N", help="write benchmark input for N images and time the toolkit")
    arguments = parser.parse_args()
    if arguments.benchmark:
        write_benchmark(arguments.benchmark)
    else:
        write_fixtures()


if __name__ == "__main__":
    sys.exit(main())
