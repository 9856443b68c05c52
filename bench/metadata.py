#!/usr/bin/env python3
"""Metadata benchmark: headline, authors and publication date against meta-dev's hand-checked labels.

Scores fetch_article on the three sets of ../shared/bench/meta-dev (fundus, trafilatura, htmldate)
the way that folder's README says, and with --peers puts trafilatura's bare_extraction (headline,
authors, date) and htmldate's find_date (date) beside it, with the settings the README used, so
their figures can be checked against the README's.

    python bench/metadata.py                         # ours, all three sets
    python bench/metadata.py --peers                 # with trafilatura and htmldate, side by side
    python bench/metadata.py --peers --save out.json # and every page's predictions and verdicts
    python bench/metadata.py --sets fundus --module /tmp/fetch_article_old.py
    python bench/metadata.py --libraries             # our dates with htmldate / dateparser in them

Measures, per set and over the pages whose gold has the field: headline exact after normalising
both sides; authors = (set equality of normalised names; a page labelled with no author is right
only when nothing is returned); date day; date minute (where the gold has a time); date spurious
(the share of pages labelled "no date" where a date was returned, lower is better); no result
(pages where fetch_article raised ExtractionError or trafilatura returned nothing; their fields
count as missing, except what fetch_article's error carries: the metadata of a page without body text); the median time of the call alone, and the median over pages of the system's
time over trafilatura's on the same page. The systems take each page in turn, garbage collection
run between pages and off during the calls. fundus pages are fed as UTF-8 text, the others as bytes.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import importlib.metadata
import json
import statistics
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

import fetch_article  # noqa: E402  (the project's own module, found beside bench/)
from extraction import load_fetch_article, machine  # noqa: E402  (the other bench, beside this one)

DEFAULT_DATA = PROJECT.parent / "shared" / "bench" / "meta-dev"
SETS = ("fundus", "trafilatura", "htmldate")
TEXT_SETS = {"fundus"}  # fundus saved pages as decoded UTF-8 text: fed as str (README, "Input")
HTMLDATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"  # the README's setting: keeps a time where htmldate finds one
MAX_ZONE_SHIFT = timedelta(hours=14)  # a zoneless time may be any whole-hour zone away from UTC
SPEED_REFERENCE = "trafilatura"
IMPORT_RUNS = 5  # fresh interpreters timed per module; the median is reported

# Headline normalisation (README, "Scoring"): applied after NFKC, which already turns a
# no-break space into a space and a double prime into two primes.
STRAIGHTEN = str.maketrans({
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2039\u203a\u2032", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033", '"'),
    **dict.fromkeys("\u2013\u2014\u2212", "-"),
})


# ---------------------------------------------------------------- systems

class Prediction(NamedTuple):
    """What one system returned for one page (FIELDS says which fields it is scored on)."""

    headline: str | None = None
    authors: tuple[str, ...] | None = None
    published: str | None = None
    no_result: str | None = None  # why the system returned nothing at all
    date_source: str | None = None  # fetch_article's provenance of `published`


def ours(page: bytes | str, url: str) -> Prediction:
    try:
        article = fetch_article.extract_article(page, url)
    except fetch_article.ExtractionError as error:
        # a page without body text still names itself: its metadata rides on the error
        found = getattr(error, "article", None)
        if found is None:
            return Prediction(no_result=str(error))
        return Prediction(found.headline, found.authors, found.published,
                          date_source=found.provenance.get("published"), no_result=str(error))
    return Prediction(article.headline, article.authors, article.published,
                      date_source=article.provenance.get("published"))


def trafilatura_metadata(page: bytes | str, url: str) -> Prediction:
    import trafilatura
    document = trafilatura.bare_extraction(page, url=url, with_metadata=True, include_comments=False)
    if document is None:
        return Prediction(no_result="no document")
    authors = tuple(name.strip() for name in (document.author or "").split(";") if name.strip())
    return Prediction(document.title, authors, document.date)


def htmldate_date(page: bytes | str, url: str) -> Prediction:
    from htmldate import find_date
    found = find_date(page, url=url, original_date=True, outputformat=HTMLDATE_FORMAT)
    if found and found[10:] == "T00:00:00":  # htmldate writes a day as a naive midnight
        found = found[:10]
    return Prediction(published=found)


def ours_then_htmldate(page: bytes | str, url: str) -> Prediction:
    """Our date, else htmldate's: the library as a fallback where our rules find none."""
    found = ours(page, url)
    if found.published:
        return found
    fallback = htmldate_date(page, url).published
    return found._replace(published=fallback, date_source="htmldate" if fallback else None)


def ours_reading_with_dateparser(page: bytes | str, url: str) -> Prediction:
    """Our rules, with the written dates they take (near the headline, labelled, opening the
    story, in a date's element) read by dateparser instead of our patterns: the library for
    month names. (Where our rules only look for a date's start, or check that a day is printed,
    our patterns still do.)"""
    ours_parser = fetch_article.parse_date_text
    fetch_article.parse_date_text = dateparser_date_text
    try:
        return ours(page, url)
    finally:
        fetch_article.parse_date_text = ours_parser


def dateparser_date_text(text: str, month_first: bool = False, max_start: int | None = None) -> str | None:
    """parse_date_text's contract, met by dateparser.search: the first date with a day, a month
    and a year written in `text` (starting within `max_start` characters), with its time if one is written."""
    from dateparser.search import search_dates
    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "DATE_ORDER": "MDY" if month_first else "DMY"}
    for words, moment in search_dates(text, settings=settings) or ():
        if max_start is not None and text.find(words) > max_start:
            break
        return moment.isoformat() if ":" in words else moment.date().isoformat()
    return None


SYSTEMS: dict[str, Callable[[bytes | str, str], Prediction]] = {
    "fetch_article": ours,
    "trafilatura": trafilatura_metadata,
    "htmldate": htmldate_date,
    "fetch_article, then htmldate": ours_then_htmldate,
    "fetch_article reading with dateparser": ours_reading_with_dateparser,
}
PEERS = ("fetch_article", "trafilatura", "htmldate")
LIBRARY_TRIALS = ("fetch_article", "fetch_article, then htmldate", "fetch_article reading with dateparser")
FIELDS = {  # the fields each system extracts; the others are not scored for it
    "fetch_article": ("headline", "authors", "published"),
    "trafilatura": ("headline", "authors", "published"),
    "htmldate": ("published",),
    "fetch_article, then htmldate": ("published",),
    "fetch_article reading with dateparser": ("published",),
}
# The modules whose import time and dependencies --libraries reports.
IMPORTED = ("fetch_article", "htmldate", "dateparser")


# ---------------------------------------------------------------- scoring

def normalize_headline(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).translate(STRAIGHTEN).split())


def normalize_name(name: str) -> str:
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold())
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).replace(".", " ").split())


def headline_ok(predicted: str | None, gold: str) -> bool:
    return normalize_headline(predicted or "") == normalize_headline(gold)


def authors_ok(predicted: tuple[str, ...], gold: list[str]) -> bool:
    return {normalize_name(name) for name in predicted} == {normalize_name(name) for name in gold}


def read_date(value: str | None) -> tuple[datetime, bool] | None:
    """(moment, has a time); a naive midnight is a day without a time."""
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    day_only = moment.tzinfo is None and moment.time() == datetime.min.time()
    return moment, not day_only


def same_day(predicted: str | None, gold: str) -> bool:
    """The same calendar day as written, or once the prediction is moved into the gold's zone."""
    found, wanted = read_date(predicted), read_date(gold)
    if found is None or wanted is None:
        return False
    got, want = found[0], wanted[0]
    if got.date() == want.date():
        return True
    return got.tzinfo is not None and want.tzinfo is not None and got.astimezone(want.tzinfo).date() == want.date()


def same_minute(predicted: str | None, gold: str) -> bool:
    """The same instant to the minute; with a zone missing on one side, whole hours apart."""
    found, wanted = read_date(predicted), read_date(gold)
    if found is None or wanted is None or not found[1]:
        return False
    got, want = found[0].replace(second=0, microsecond=0), wanted[0].replace(second=0, microsecond=0)
    if got.tzinfo is not None and want.tzinfo is not None:
        return got == want
    shift = got.replace(tzinfo=None) - want.replace(tzinfo=None)
    return abs(shift) <= MAX_ZONE_SHIFT and shift % timedelta(hours=1) == timedelta(0)


def verdicts(prediction: Prediction, gold: dict, fields: tuple[str, ...]) -> dict[str, bool]:
    """Each measure this page takes part in for a system extracting `fields`: True = right
    (for "spurious": a date was returned where the page has none)."""
    scores: dict[str, bool] = {}
    if "headline" in fields and gold.get("headline") is not None:
        scores["headline"] = headline_ok(prediction.headline, gold["headline"])
    if "authors" in fields and gold.get("authors") is not None:
        scores["authors"] = authors_ok(prediction.authors or (), gold["authors"])
    if "published" not in fields or "published" not in gold:
        return scores
    if gold["published"] is None:
        scores["spurious"] = bool(prediction.published)
        return scores
    scores["day"] = same_day(prediction.published, gold["published"])
    if (wanted := read_date(gold["published"])) and wanted[1]:
        scores["minute"] = same_minute(prediction.published, gold["published"])
    return scores


# ---------------------------------------------------------------- running

class Page(NamedTuple):
    key: str
    url: str
    html: bytes | str
    gold: dict


class Result(NamedTuple):
    prediction: Prediction
    ms: float
    scores: dict[str, bool]


def load_set(folder: Path) -> list[Page]:
    """The set's pages in gold.jsonl's order, each fed as the README says (str for fundus)."""
    pages = []
    for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            gold = json.loads(line)
            data = gzip.decompress((folder / "pages" / f"{gold['key']}.html.gz").read_bytes())
            html = data.decode("utf-8") if folder.name in TEXT_SETS else data
            pages.append(Page(gold["key"], gold["url"], html, gold))
    return pages


def run_side_by_side(systems: list[str], pages: list[Page]) -> dict[str, list[Result]]:
    """Each page through every system in turn; garbage collection between pages, off during the calls."""
    results: dict[str, list[Result]] = {name: [] for name in systems}
    for page in pages:
        gc.collect()
        gc.disable()
        try:
            for name in systems:
                started = time.perf_counter()
                prediction = SYSTEMS[name](page.html, page.url)
                ms = (time.perf_counter() - started) * 1000
                results[name].append(Result(prediction, ms, verdicts(prediction, page.gold, FIELDS[name])))
        finally:
            gc.enable()
    return results


# ---------------------------------------------------------------- rendering

COLUMNS = {"headline": "headline", "authors": "authors =", "day": "date day", "minute": "date minute",
           "spurious": "date spurious"}


def share(results: list[Result], measure: str) -> str:
    """'97.4% (76)': the share of right pages and the pages it is over."""
    marks = [result.scores[measure] for result in results if measure in result.scores]
    return f"{100 * sum(marks) / len(marks):.1f}% ({len(marks)})" if marks else "–"


def speed_ratio(results: list[Result], reference: list[Result] | None) -> str:
    """The median over pages of the system's time over trafilatura's on the same page."""
    if not reference:
        return "–"
    return f"{statistics.median(mine.ms / theirs.ms for mine, theirs in zip(results, reference, strict=True)):.2f}"


def render_table(by_set: dict[str, dict[str, list[Result]]]) -> str:
    header = ["set", "system", *COLUMNS.values(), "no result", "median ms", "time / trafilatura"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for set_name, by_system in by_set.items():
        for name, results in by_system.items():
            no_result = sum(1 for result in results if result.prediction.no_result)
            cells = [set_name, name, *(share(results, measure) for measure in COLUMNS), str(no_result),
                     f"{statistics.median(result.ms for result in results):.1f}",
                     speed_ratio(results, by_system.get(SPEED_REFERENCE))]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_imports() -> str:
    """Each module's import time in a fresh interpreter (the median of IMPORT_RUNS) and the
    distributions it pulls in beside the standard library. (fetch_article is the project's own
    file, even with --module.)"""
    lines = ["| module | import ms | distributions it needs |", "|---|---|---|"]
    for module in IMPORTED:
        code = f"import time; started = time.perf_counter(); import {module}; print(time.perf_counter() - started)"
        runs = [float(subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True,
                                     check=True).stdout) for _ in range(IMPORT_RUNS)]
        needs = "(see requirements.txt)" if module == "fetch_article" else ", ".join(sorted(distributions_needed(module)))
        lines.append(f"| {module} | {1000 * statistics.median(runs):.0f} | {needs} |")
    return "\n".join(lines)


def distributions_needed(name: str) -> set[str]:
    """The distributions a distribution requires on this machine, directly or through others
    (an extra's, another platform's or another Python's left out)."""
    from packaging.requirements import Requirement  # (installed with pytest)
    needed: set[str] = set()
    waiting = [name]
    while waiting:
        for line in importlib.metadata.requires(waiting.pop()) or ():
            requirement = Requirement(line)
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue
            if requirement.name.lower() not in needed:
                needed.add(requirement.name.lower())
                waiting.append(requirement.name)
    return needed


def page_records(pages: list[Page], by_system: dict[str, list[Result]]) -> dict[str, dict]:
    """Per page: its URL and labels (no body), and each system's fields, time and verdicts."""
    records = {}
    for index, page in enumerate(pages):
        records[page.key] = {
            "url": page.url,
            "gold": {field: page.gold[field] for field in ("headline", "authors", "published") if field in page.gold},
            **{name: {**results[index].prediction._asdict(), "ms": round(results[index].ms, 2),
                      "scores": results[index].scores}
               for name, results in by_system.items()},
        }
    return records


# ---------------------------------------------------------------- command line

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the meta-dev folder")
    parser.add_argument("--sets", metavar="NAME,...", default=",".join(SETS), help=f"some of {', '.join(SETS)}")
    parser.add_argument("--peers", action="store_true", help="also run trafilatura and htmldate")
    parser.add_argument("--libraries", action="store_true",
                        help="also run our dates with htmldate as a fallback and with dateparser reading written dates")
    parser.add_argument("--save", type=Path, metavar="FILE", help="write every page's predictions and verdicts as JSON")
    parser.add_argument("--module", type=Path, metavar="PATH", help="score this fetch_article.py instead of ours")
    options = parser.parse_args(argv)
    if options.module:
        global fetch_article
        fetch_article = load_fetch_article(options.module)
    names = [name.strip() for name in options.sets.split(",") if name.strip()]
    if unknown := [name for name in names if name not in SETS]:
        parser.error(f"unknown set(s) {', '.join(unknown)}; known: {', '.join(SETS)}")
    if missing := [name for name in names if not (options.data / name / "gold.jsonl").is_file()]:
        print(f"no data for {', '.join(missing)} in {options.data}", file=sys.stderr)
        return 2
    systems = list(dict.fromkeys([*(PEERS if options.peers else ["fetch_article"]),
                                  *(LIBRARY_TRIALS if options.libraries else [])]))
    pages = {name: load_set(options.data / name) for name in names}
    first = pages[names[0]][0]
    for name in systems:  # imports and first-call costs before timing
        SYSTEMS[name](first.html, first.url)
    by_set = {name: run_side_by_side(systems, pages[name]) for name in names}
    print(f"meta-dev ({options.data}), {fetch_article.__file__}; {machine()}")
    print(render_table(by_set))
    if options.libraries:
        print()
        print(render_imports())
    if options.save:
        records = {name: page_records(pages[name], by_set[name]) for name in names}
        options.save.write_text(json.dumps(records, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
