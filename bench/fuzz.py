#!/usr/bin/env python3
"""Long fuzzing runs of extract_article: it must return an Article or raise ExtractionError,
whatever bytes it gets, and in reasonable time.

    python bench/fuzz.py                   # 10 minutes on the handwritten and shared pages
    python bench/fuzz.py --seconds 3600 --save fuzz-out/

Each input is a real or handwritten page with one to three mutations: cut short, a span spliced
elsewhere, stray '<', NUL bytes, the wrong encoding, deeply nested markup, a huge attribute
value, an element with 100,000 attributes, long runs of quotes and abbreviations, nested block
quotes with authors, nested one-letter words, JSON-LD that is invalid, deeply nested or enormous. Any other exception, and any input
slower than --slow seconds, is reported (and saved with --save). The mutations are shared with
the property test in tests/test_property.py.
"""

from __future__ import annotations

import argparse
import gzip
import random
import signal
import sys
import time
import traceback
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

import fetch_article  # noqa: E402  (the project's own module, found beside bench/)

SHARED = PROJECT.parent / "shared"


def cut(data: bytes, rnd: random.Random) -> bytes:
    return data[: rnd.randrange(len(data) + 1)]


def splice(data: bytes, rnd: random.Random) -> bytes:
    start, end, at = sorted(rnd.randrange(len(data) + 1) for _ in range(3))
    return data[:at] + data[start:end] + data[at:]


def stray_brackets(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randrange(len(data) + 1)
    return data[:at] + rnd.choice([b"<", b"<<", b"</", b"<!--", b"<![CDATA[", b"<?"]) * rnd.randint(1, 50) + data[at:]


def nul_bytes(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randrange(len(data) + 1)
    return data[:at] + b"\x00" * rnd.randint(1, 100) + data[at:]


def wrong_encoding(data: bytes, rnd: random.Random) -> bytes:
    text = data.decode("utf-8", "replace")
    return text.encode(rnd.choice(["utf-16", "utf-16-be", "utf-32", "cp1252", "shift_jis", "koi8-r"]), "replace")


def deep_nesting(data: bytes, rnd: random.Random) -> bytes:
    at, depth = rnd.randrange(len(data) + 1), rnd.choice([100, 1000, 5000, 20000])
    tag = rnd.choice([b"div", b"p", b"span", b"blockquote", b"table", b"figure"])
    return data[:at] + b"<" + tag + b">" * 1 + (b"<" + tag + b">") * depth + data[at:]


def huge_attribute(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randrange(len(data) + 1)
    name = rnd.choice([b"class", b"id", b"src", b"srcset", b"datetime", b"content"])
    return data[:at] + b"<div " + name + b'="' + b"x " * rnd.choice([1000, 100_000]) + b'">' + data[at:]


def many_attributes(data: bytes, rnd: random.Random) -> bytes:
    at = rnd.randrange(len(data) + 1)
    count = rnd.choice([1000, 20_000, 100_000])
    return data[:at] + b"<div " + b" ".join(b'a%d="x"' % n for n in range(count)) + b">" + data[at:]


def quote_run(data: bytes, rnd: random.Random) -> bytes:
    """Sentences of quotes and abbreviations, which once made the sentence scan quadratic."""
    at = rnd.randrange(len(data) + 1)
    unit = rnd.choice([b'A. "b," ', b'"Yes," said Mr. A. ', b'Dr. "x" Sen. ', b"\xe2\x80\x9cq,\xe2\x80\x9d he said. "])
    return data[:at] + b"<p>" + unit * rnd.choice([1000, 20_000]) + b"</p>" + data[at:]


def nested_quotes(data: bytes, rnd: random.Random) -> bytes:
    at, depth = rnd.randrange(len(data) + 1), rnd.choice([250, 1000, 3000])
    level = b'<blockquote><span class="author">Jane Doe</span> "Words here," she said. '
    return data[:at] + level * depth + b"</blockquote>" * depth + data[at:]


def nested_words(data: bytes, rnd: random.Random) -> bytes:
    at, depth = rnd.randrange(len(data) + 1), rnd.choice([50, 200, 1000])
    words = b"a b c d e f g h " * (rnd.choice([200_000, 1_200_000]) // 16 // depth)
    return data[:at] + (b"<div><p>" + words + b"</p>") * depth + b"</div>" * depth + data[at:]


def bad_json_ld(data: bytes, rnd: random.Random) -> bytes:
    payload = rnd.choice([
        b'{"@type": "NewsArticle", "headline": ',
        b"[" * 10_000 + b"]" * 10_000,
        b'{"@graph": ' + b'{"@graph": ' * 500 + b"{}" + b"}" * 500 + b"}",
        b'{"@type": "NewsArticle", "articleBody": "' + b"word " * 200_000 + b'"}',
        b'{"@type": ["NewsArticle", 3, null], "author": [{"name": {"name": [1, 2]}}], "datePublished": 2016}',
        b'{"@type": "NewsArticle", "headline": "\\ud800", "image": {"url": {"@id": []}}}',
    ])
    at = rnd.randrange(len(data) + 1)
    return data[:at] + b'<script type="application/ld+json">' + payload + b"</script>" + data[at:]


MUTATIONS = (cut, splice, stray_brackets, nul_bytes, wrong_encoding, deep_nesting, huge_attribute, bad_json_ld,
             many_attributes, quote_run, nested_quotes, nested_words)


def mutate(data: bytes, rnd: random.Random) -> bytes:
    for _ in range(rnd.randint(1, 3)):
        data = rnd.choice(MUTATIONS)(data, rnd) if data else data
    return data


def seed_pages() -> list[bytes]:
    """The handwritten test pages, and the shared real pages when ../shared is there."""
    pages = [path.read_bytes() for path in sorted((PROJECT / "tests" / "pages").glob("*.html"))]
    pages += [path.read_bytes() for path in sorted((SHARED / "fixtures").rglob("*.html"))]
    pages += [gzip.decompress(path.read_bytes()) for path in sorted((SHARED / "bench").rglob("*.html.gz"))[:20]]
    return pages


class TooSlow(Exception):
    pass


def _alarm(signum, frame):
    raise TooSlow()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600, help="how long to run (default 600)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--slow", type=float, default=2.0, help="report an input slower than this many seconds (default 2)")
    parser.add_argument("--save", type=Path, help="save failing and slow inputs to DIR")
    options = parser.parse_args(argv)
    rnd = random.Random(options.seed)
    pages = seed_pages()
    signal.signal(signal.SIGALRM, _alarm)
    counts = {"inputs": 0, "articles": 0, "extraction_errors": 0, "crashes": 0, "slow": 0}
    slowest = 0.0
    stop_at = time.monotonic() + options.seconds
    while time.monotonic() < stop_at:
        data = mutate(rnd.choice(pages), rnd)
        counts["inputs"] += 1
        started = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, options.slow)
        try:
            fetch_article.extract_article(data, "https://example.com/news/story")
            counts["articles"] += 1
        except fetch_article.ExtractionError:
            counts["extraction_errors"] += 1
        except TooSlow:
            counts["slow"] += 1
            _save(options.save, "slow", counts["inputs"], data)
        except Exception:  # a crash is what this run looks for: report it and go on
            counts["crashes"] += 1
            traceback.print_exc(limit=3)
            _save(options.save, "crash", counts["inputs"], data)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        slowest = max(slowest, time.monotonic() - started)
    print(" ".join(f"{name}={count}" for name, count in counts.items()) + f" slowest={slowest:.2f}s")
    return 1 if counts["crashes"] or counts["slow"] else 0


def _save(folder: Path | None, kind: str, number: int, data: bytes) -> None:
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{kind}-{number}.html").write_bytes(data)


if __name__ == "__main__":
    raise SystemExit(main())
