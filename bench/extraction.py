#!/usr/bin/env python3
"""Extraction benchmark: fetch_article against the ScrapingHub article-extraction benchmark.

Scores Article.text against each page's articleBody the way that benchmark does: tokens are
\\w+ runs (case kept), compared as multisets of 4-token shingles; per page tp, fp and fn are
divided by their sum so every page weighs the same; precision is the mean of per-page precision
over pages with tp+fp > 0, recall the mean of per-page recall over pages with tp+fn > 0 (a page
with fp = fn = 0 scores 1 on both), and F1 comes from those two means.

    python bench/extraction.py                      # ours, on ../shared/bench/scrapinghub-dev
    python bench/extraction.py --peers              # with trafilatura and readability-lxml, side by side
    python bench/extraction.py --save out/          # write each system's predictions as JSON
    python bench/extraction.py --save out/ --diff ID  # show one page's misses

Time is measured in this process, the systems taking each page in turn. Peak memory is measured
in a child process per system (its resident high-water mark over the whole run, less what it
held once the pages were loaded and the system warmed up), since lxml's memory is invisible to
tracemalloc. Linux only (/proc/self/status).
Peers come from requirements-bench.txt.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

import fetch_article  # noqa: E402  (the project's own module, found beside bench/)

DEFAULT_DATA = PROJECT.parent / "shared" / "bench" / "scrapinghub-dev"
SHINGLE_SIZE = 4  # the benchmark's choice
TOKEN = re.compile(r"\w+")


# ---------------------------------------------------------------- scoring

def shingles(text: str) -> Counter:
    """4-token shingles; a text shorter than that is one shingle of all its tokens."""
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + SHINGLE_SIZE]) for i in range(max(1, len(tokens) - SHINGLE_SIZE + 1))
                   if tokens[i:i + SHINGLE_SIZE])


def page_counts(predicted: str, expected: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one page, divided by their sum so that every page weighs the same."""
    got, want = shingles(predicted), shingles(expected)
    tp = sum((got & want).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def corpus_scores(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    precisions, recalls, exact = [], [], 0
    for tp, fp, fn in counts:
        if fp == 0 and fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            exact += 1
            continue
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall, "exact": exact / len(counts) if counts else 0.0}


# ---------------------------------------------------------------- systems

def ours(html: bytes, url: str) -> str:
    try:
        return fetch_article.extract_article(html, url).text
    except fetch_article.ExtractionError:
        return ""


def trafilatura_text(html: bytes, url: str) -> str:
    import trafilatura
    return trafilatura.extract(html, url=url) or ""


def readability_text(html: bytes, url: str) -> str:
    import lxml.html
    from readability import Document
    summary = Document(html, url=url).summary(html_partial=True)
    return lxml.html.fromstring(summary).text_content() if summary.strip() else ""


SYSTEMS: dict[str, Callable[[bytes, str], str]] = {
    "fetch_article": ours,
    "trafilatura": trafilatura_text,
    "readability-lxml": readability_text,
}


# ---------------------------------------------------------------- running

def load_pages(data: Path) -> list[tuple[str, bytes, str, str]]:
    """(id, html bytes, url, expected body) for every page of the dataset."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, entry in sorted(truth.items()):
        html = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append((page_id, html, entry.get("url") or "", entry.get("articleBody") or ""))
    return pages


def warm_up(systems: list[str], pages) -> None:
    """Imports and first-call costs are paid before timing starts."""
    for name in systems:
        SYSTEMS[name](pages[0][1], pages[0][2])


def run_side_by_side(systems: list[str], pages) -> dict[str, dict]:
    results = {name: {"ms": [], "counts": [], "predictions": {}} for name in systems}
    for page_id, html, url, expected in pages:
        for name in systems:
            started = time.perf_counter()
            predicted = SYSTEMS[name](html, url)
            results[name]["ms"].append((time.perf_counter() - started) * 1000)
            results[name]["counts"].append(page_counts(predicted, expected))
            results[name]["predictions"][page_id] = predicted
    return results


def peak_memory_mib(name: str, data: Path) -> float:
    """Peak extra resident memory of one system over the whole dataset, in a fresh process."""
    output = subprocess.run(
        [sys.executable, __file__, "--data", str(data), "--memory-child", name],
        capture_output=True, text=True, check=True,
    ).stdout
    return float(output.strip().splitlines()[-1])


def memory_child(name: str, data: Path) -> None:
    pages = load_pages(data)
    warm_up([name], pages)
    baseline = _status_kib("VmRSS")
    for _, html, url, _ in pages:
        SYSTEMS[name](html, url)
    # VmHWM, not getrusage's ru_maxrss: a child started from a large parent inherits the
    # parent's ru_maxrss across exec, while VmHWM belongs to the child's own memory.
    print(max(0, _status_kib("VmHWM") - baseline) / 1024)


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def render_table(results: dict[str, dict], memory: dict[str, float]) -> str:
    ours_median = statistics.median(results["fetch_article"]["ms"])
    lines = [
        "| system | F1 | precision | recall | exact | median ms | total ms | peak MiB | time vs ours |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, result in results.items():
        scores = corpus_scores(result["counts"])
        median = statistics.median(result["ms"])
        lines.append(
            f"| {name} | {scores['f1']:.3f} | {scores['precision']:.3f} | {scores['recall']:.3f} | "
            f"{scores['exact']:.3f} | {median:.1f} | {sum(result['ms']):.0f} | "
            f"{memory.get(name, float('nan')):.1f} | {median / ours_median:.2f}x |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    return f"{platform.python_implementation()} {platform.python_version()}, {cpu}, {platform.system()} {platform.machine()}"


def show_diff(save: Path, page_id: str, pages) -> None:
    expected = next(body for pid, _, _, body in pages if pid == page_id)
    want = shingles(expected)
    for path in sorted(save.glob("*.json")):
        got = shingles(json.loads(path.read_text(encoding="utf-8")).get(page_id, ""))
        missed = [" ".join(s) for s in (want - got)]
        extra = [" ".join(s) for s in (got - want)]
        print(f"== {path.stem}: {len(missed)} shingles missed, {len(extra)} extra")
        print("  missed:", _join_runs(missed)[:1500])
        print("  extra: ", _join_runs(extra)[:1500])


def _join_runs(items: list[str]) -> str:
    return " | ".join(items)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="dataset folder (html/, ground-truth.json)")
    parser.add_argument("--peers", action="store_true", help="also run trafilatura and readability-lxml")
    parser.add_argument("--save", type=Path, help="write each system's predictions to DIR/<system>.json")
    parser.add_argument("--diff", metavar="ID", help="with --save: show one page's misses from the saved predictions")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory runs")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if not (options.data / "ground-truth.json").is_file():
        print(f"no dataset at {options.data} (ground-truth.json missing)", file=sys.stderr)
        return 2
    if options.memory_child:
        memory_child(options.memory_child, options.data)
        return 0
    pages = load_pages(options.data)
    if options.diff:
        if not options.save:
            parser.error("--diff reads the predictions written by --save DIR")
        show_diff(options.save, options.diff, pages)
        return 0
    systems = list(SYSTEMS) if options.peers else ["fetch_article"]
    warm_up(systems, pages)
    results = run_side_by_side(systems, pages)
    memory = {} if options.no_memory else {name: peak_memory_mib(name, options.data) for name in systems}
    print(f"{len(pages)} pages from {options.data}; {machine()}")
    print(render_table(results, memory))
    if options.save:
        options.save.mkdir(parents=True, exist_ok=True)
        for name, result in results.items():
            (options.save / f"{name}.json").write_text(
                json.dumps(result["predictions"], ensure_ascii=False, indent=1), encoding="utf-8")
        worst = sorted(zip(results["fetch_article"]["counts"], (p[0] for p in pages), strict=True), key=lambda c: c[0][0])[:10]
        print("our ten lowest pages (tp share):", ", ".join(f"{pid[:12]} {c[0]:.2f}" for c, pid in worst))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
