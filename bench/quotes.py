#!/usr/bin/env python3
"""Quote attribution benchmark: fetch_article's quotes against PolNeAR's gold direct quotes.

Scores `extract_article(...).quotes` on ../shared/bench/quotes-polnear the way that folder's
README says: each document becomes one HTML page; the article's text blocks are mapped back to
the document's paragraphs; a gold quote is found by a predicted quote of its paragraph that
holds at least half its tokens; a predicted quote is right when at least half its own tokens lie
in a gold quote of its paragraph; a speaker is right when its last word is the gold name's.

    python bench/quotes.py                          # dev split
    python bench/quotes.py --split train
    python bench/quotes.py --module /tmp/fetch_article_old.py --dump dev.jsonl

--dump writes one JSON line per gold quote (with its match, if any) and per predicted quote that
matched no gold quote, so misses can be read and sorted by hand.
"""

from __future__ import annotations

import argparse
import collections
import gc
import html
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))
from extraction import load_fetch_article  # noqa: E402  (the other bench, beside this one)

DEFAULT_DATA = PROJECT.parent / "shared" / "bench" / "quotes-polnear"
URL_BASE = "https://example.com/"
TOKEN = re.compile(r"\w+")
WHITESPACE = re.compile(r"\s+")
SUFFIXES = {"jr", "sr", "ii", "iii"}  # dropped before the last word is taken
# The three parts that make up speaker accuracy: (label, form, resolved); None: any.
PARTS = (
    ("whole quotes, speaker named in the Source span", "whole", "source"),
    ("whole quotes, speaker through coreference", "whole", "coreference"),
    ("mixed quotes", "mixed", None),
)


# ---------------------------------------------------------------- loading

def load_module(path: Path | None) -> ModuleType:
    """fetch_article: the project's own, or another version imported under its own name."""
    if path is None:
        import fetch_article
        return fetch_article
    return load_fetch_article(path)


def load_documents(data: Path, split: str) -> list[dict]:
    with (data / f"{split}.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


# ---------------------------------------------------------------- the page

def build_page(document: dict) -> str:
    """The document as the README's one HTML string, with no whitespace between the tags."""
    title = html.escape(document["title"])
    paragraphs = "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in document["paragraphs"])
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"{paragraphs}</article></body></html>")


def collapse(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def map_paragraphs(text: str, paragraphs: list[str]) -> list[int | None]:
    """For each blank-line block of the article's text, the index of its paragraph: the first
    equal paragraph after the last one matched, else the first equal one anywhere, else None."""
    mapping: list[int | None] = []
    last = -1
    for block in text.split("\n\n"):
        block = collapse(block)
        later = next((i for i in range(last + 1, len(paragraphs)) if paragraphs[i] == block), None)
        index = later if later is not None else next((i for i, p in enumerate(paragraphs) if p == block), None)
        if index is not None:
            last = index
        mapping.append(index)
    return mapping


# ---------------------------------------------------------------- matching

def tokens(text: str) -> Counter[str]:
    return Counter(TOKEN.findall(text.lower()))


def overlap(a: Counter[str], b: Counter[str]) -> int:
    """Tokens the two share, counted as multisets."""
    return sum((a & b).values())


@dataclass
class Prediction:
    quote: object  # fetch_article.Quote
    paragraph: int | None  # the document's paragraph, or None when unmapped
    tokens: Counter[str]
    right: bool = False


@dataclass
class Gold:
    quote: dict
    tokens: Counter[str]
    match: Prediction | None = None


def predictions_of(quotes: Iterable, mapping: list[int | None]) -> list[Prediction]:
    """The article's quotes with a token, each placed in the document's paragraphs."""
    found = []
    for quote in quotes:
        counted = tokens(quote.text)
        if not counted:
            continue  # predicted quotes with no tokens are ignored
        paragraph = mapping[quote.paragraph] if 0 <= quote.paragraph < len(mapping) else None
        found.append(Prediction(quote, paragraph, counted))
    return found


def match_quotes(golds: list[Gold], predicted: list[Prediction]) -> None:
    """Sets each gold quote's match (recall) and each prediction's `right` (precision)."""
    by_paragraph: dict[int, list[Prediction]] = collections.defaultdict(list)
    for prediction in predicted:
        if prediction.paragraph is not None:
            by_paragraph[prediction.paragraph].append(prediction)
    for gold in golds:
        best, best_overlap = None, -1
        for prediction in by_paragraph.get(gold.quote["paragraph"], []):
            shared = overlap(gold.tokens, prediction.tokens)
            if shared > best_overlap:  # strictly more: the earliest wins a tie
                best, best_overlap = prediction, shared
        if best is not None and 2 * best_overlap >= sum(gold.tokens.values()):
            gold.match = best
    golds_by_paragraph: dict[int, list[Gold]] = collections.defaultdict(list)
    for gold in golds:
        golds_by_paragraph[gold.quote["paragraph"]].append(gold)
    for prediction in predicted:
        if prediction.paragraph is None:
            continue
        size = sum(prediction.tokens.values())
        prediction.right = any(2 * overlap(prediction.tokens, gold.tokens) >= size
                               for gold in golds_by_paragraph.get(prediction.paragraph, []))


# ---------------------------------------------------------------- speakers

def last_word(name: str | None) -> str | None:
    """The name's last word as the README compares them: possessive, trailing punctuation,
    quotes and dots stripped, lower-cased, with Jr., Sr., II and III dropped."""
    if not name:
        return None
    words = []
    for word in name.split():
        word = re.sub(r"(?:['’]s)?\W*$", "", word)  # "Trump's," -> "Trump"
        word = word.strip("\"“”'’.,").lower()
        if word and word not in SUFFIXES:
            words.append(word)
    return words[-1] if words else None


def speaker_right(gold: Gold) -> bool | None:
    """None when the quote does not count for speaker accuracy (not found, or no gold name)."""
    if gold.match is None or gold.quote["speaker"] is None:
        return None
    predicted = last_word(gold.match.quote.speaker)
    return predicted is not None and predicted == last_word(gold.quote["speaker"])


# ---------------------------------------------------------------- running

@dataclass
class Tally:
    gold: int = 0
    gold_whole: int = 0
    found: int = 0
    predicted: int = 0
    predicted_right: int = 0
    with_speaker: int = 0
    with_speaker_right: int = 0
    speakers: Counter[str] = field(default_factory=Counter)  # part -> counted quotes
    speakers_right: Counter[str] = field(default_factory=Counter)
    no_speaker: int = 0  # counted quotes whose match has no speaker
    times: list[float] = field(default_factory=list)


def part_of(quote: dict) -> str:
    return next(label for label, form, resolved in PARTS
                if quote["form"] == form and (resolved is None or quote["resolved"] == resolved))


def score_document(module: ModuleType, document: dict, tally: Tally) -> tuple[list[Gold], list[Prediction]]:
    page = build_page(document)
    gc.collect()
    gc.disable()
    started = time.perf_counter()
    try:
        article = module.extract_article(page, URL_BASE + document["id"])
    finally:
        elapsed = time.perf_counter() - started
        gc.enable()
    tally.times.append(elapsed)
    paragraphs = [collapse(p) for p in document["paragraphs"]]
    predicted = predictions_of(article.quotes, map_paragraphs(article.text or "", paragraphs))
    golds = [Gold(quote, tokens(quote["text"])) for quote in document["quotes"]]
    match_quotes(golds, predicted)
    tally.gold += len(golds)
    tally.gold_whole += sum(gold.quote["form"] == "whole" for gold in golds)
    tally.found += sum(gold.match is not None for gold in golds)
    tally.predicted += len(predicted)
    tally.predicted_right += sum(p.right for p in predicted)
    tally.with_speaker += sum(bool(p.quote.speaker) for p in predicted)
    tally.with_speaker_right += sum(bool(p.quote.speaker) and p.right for p in predicted)
    for gold in golds:
        right = speaker_right(gold)
        if right is None:
            continue
        for label in ("all", part_of(gold.quote)):
            tally.speakers[label] += 1
            tally.speakers_right[label] += right
        tally.no_speaker += not gold.match.quote.speaker
    return golds, predicted


def dump_records(document: dict, golds: list[Gold], predicted: list[Prediction]) -> Iterator[dict]:
    """One record per gold quote, then one per predicted quote that matched no gold quote."""
    for gold in golds:
        quote, match = gold.quote, gold.match
        yield {
            "id": document["id"], "paragraph": quote["paragraph"], "gold_text": quote["text"],
            "gold_speaker": quote["speaker"], "resolved": quote["resolved"], "how": quote["how"],
            "form": quote["form"], "source": quote["source"],
            "found": match is not None,
            "text": match.quote.text if match else None,
            "speaker": match.quote.speaker if match else None,
            "cue": match.quote.cue if match else None,
            "right": speaker_right(gold),
        }
    for prediction in predicted:
        if not prediction.right:
            yield {"id": document["id"], "paragraph": prediction.paragraph, "gold_text": None,
                   "text": prediction.quote.text, "speaker": prediction.quote.speaker,
                   "cue": prediction.quote.cue, "right": False}


def share(right: int, total: int) -> str:
    return f"{100 * right / total:.1f}% ({right} / {total})" if total else "n/a (0)"


def report(tally: Tally, split: str) -> str:
    times = sorted(t * 1000 for t in tally.times)
    rows = [
        ("gold direct quotes (whole / mixed)", f"{tally.gold} ({tally.gold_whole} / {tally.gold - tally.gold_whole})"),
        ("recall", share(tally.found, tally.gold)),
        ("precision, all predicted quotes", share(tally.predicted_right, tally.predicted)),
        ("precision, predicted quotes with a speaker", share(tally.with_speaker_right, tally.with_speaker)),
        ("**speaker accuracy**, found quotes with a named gold speaker",
         share(tally.speakers_right["all"], tally.speakers["all"])),
        *((f"– {label}", share(tally.speakers_right[label], tally.speakers[label])) for label, _, _ in PARTS),
        ("found quotes with a named gold speaker but no predicted speaker", str(tally.no_speaker)),
        ("`extract_article` time per document (median / mean / p95)",
         f"{statistics.median(times):.1f} / {statistics.fmean(times):.1f} / "
         f"{times[min(len(times) - 1, int(0.95 * len(times)))]:.1f} ms" if times else "n/a"),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"| {'metric'.ljust(width)} | {split} |", f"|{'-' * (width + 2)}|---|"]
    lines += [f"| {name.ljust(width)} | {value} |" for name, value in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "train"), default="dev")
    parser.add_argument("--module", type=Path, help="the fetch_article.py to load (default: the project's)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--dump", type=Path, help="write per-quote JSON lines to this file")
    options = parser.parse_args(argv)
    if not (options.data / f"{options.split}.jsonl").exists():
        print(f"skipped: {options.data / (options.split + '.jsonl')} is absent", file=sys.stderr)
        return 0
    module = load_module(options.module)
    documents = load_documents(options.data, options.split)
    module.extract_article(build_page(documents[0]), URL_BASE + documents[0]["id"])  # warm-up, untimed
    tally = Tally()
    dump = options.dump.open("w", encoding="utf-8") if options.dump else None
    try:
        for document in documents:
            golds, predicted = score_document(module, document, tally)
            if dump:
                for record in dump_records(document, golds, predicted):
                    dump.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if dump:
            dump.close()
    print(report(tally, options.split))
    return 0


if __name__ == "__main__":
    sys.exit(main())
