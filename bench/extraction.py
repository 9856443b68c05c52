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
    python bench/extraction.py --wceb --peers       # WCEB dev pages + ScrapingHub, token F1 (see below)
    python bench/extraction.py --wceb --datasets dragnet,l3s-gn1 --module /tmp/fetch_article_old.py

--wceb scores the Web Content Extraction Benchmark development pages (../shared/bench/wceb-dev,
five data sets) and ScrapingHub as a sixth, the way that folder's README says: each page fed as the
decoded str with no URL, F1 of whitespace-token multisets per page, mean per data set, macro mean
over data sets; speed is the median over pages of our time / trafilatura's on the same page, with
garbage collection off during the calls. It also counts the pages we refuse (ExtractionError) and why.
--module PATH scores another version of fetch_article.py (e.g. one taken out of git) instead of ours.

Time is measured in this process, the systems taking each page in turn. Peak memory is measured
in a child process per system (its resident high-water mark over the whole run, less what it
held once the pages were loaded and the system warmed up), since lxml's memory is invisible to
tracemalloc. Linux only (/proc/self/status).
Peers come from requirements-bench.txt.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import importlib.util
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
WCEB_DATA = PROJECT.parent / "shared" / "bench" / "wceb-dev"
# The five WCEB data sets of wceb-dev, then ScrapingHub, which its README scores as a sixth.
WCEB_DATASETS = ("cleaneval", "cleanportaleval", "dragnet", "l3s-gn1", "readability")
SCRAPINGHUB = "scrapinghub"
TOP_REFUSALS = 3  # refusal messages shown per data set: our messages are few, the rest is noise
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


def token_f1(predicted: str, expected: str) -> float:
    """WCEB page score: F1 of the whitespace-token multisets (case and punctuation kept).

    An empty gold scores 1 against an empty output and 0 against anything else; an empty
    output against a non-empty gold scores 0."""
    want, got = Counter(expected.split()), Counter(predicted.split())
    if not want:
        return 0.0 if got else 1.0
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def macro_mean(dataset_means: list[float]) -> float:
    """Each data set counts the same, whatever its number of pages."""
    return statistics.fmean(dataset_means) if dataset_means else 0.0


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


# WCEB systems take the decoded str and no URL, as that benchmark feeds them. Ours lets
# ExtractionError through so the runner can count refusals; it scores as an empty output.

def wceb_ours(html: str) -> str:
    return fetch_article.extract_article(html, None).text


def wceb_trafilatura(html: str) -> str:
    import trafilatura
    return trafilatura.extract(html) or ""


def wceb_trafilatura_no_comments(html: str) -> str:
    import trafilatura
    return trafilatura.extract(html, include_comments=False) or ""


def wceb_readability(html: str) -> str:
    """The whole summary() document through lxml's text_content(), as wceb-dev's README ran it."""
    import lxml.html
    from readability import Document
    from readability.readability import Unparseable
    try:
        summary = Document(html).summary()
    except Unparseable:
        return ""
    return lxml.html.fromstring(summary).text_content() if summary.strip() else ""


def wceb_resiliparse(html: str) -> str:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree
    return extract_plain_text(HTMLTree.parse(html), main_content=True)


WCEB_SYSTEMS: dict[str, Callable[[str], str]] = {
    "fetch_article": wceb_ours,
    "trafilatura": wceb_trafilatura,
    "trafilatura, no comments": wceb_trafilatura_no_comments,
    "readability-lxml": wceb_readability,
    "resiliparse": wceb_resiliparse,
}
SPEED_REFERENCE = "trafilatura"  # the README's speed figure is our time over trafilatura's defaults


def wceb_peers() -> list[str]:
    """Every peer that imports here; resiliparse is optional."""
    peers = [name for name in WCEB_SYSTEMS if name not in ("fetch_article", "resiliparse")]
    if importlib.util.find_spec("resiliparse") is not None:
        peers.append("resiliparse")
    else:
        print("resiliparse does not import: left out", file=sys.stderr)
    return peers


def load_fetch_article(path: Path):
    """Another version of fetch_article.py, imported under its own name so ours is untouched."""
    name = "fetch_article_under_test"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


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


def peak_memory_mib(name: str, data: Path, module: Path | None = None) -> float:
    """Peak extra resident memory of one system over the whole dataset, in a fresh process."""
    output = subprocess.run(
        [sys.executable, __file__, "--data", str(data), "--memory-child", name,
         *(["--module", str(module)] if module else [])],
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


# ---------------------------------------------------------------- WCEB

def read_page_text(path: Path) -> str:
    """The page as the WCEB README feeds it: UTF-8, text mode (CR LF and lone CR become LF)."""
    with gzip.open(path, "rt", encoding="utf-8") as file:
        return file.read()


def load_wceb_dataset(folder: Path) -> list[tuple[str, str, str]]:
    """(id, html str, gold) for every page of one wceb-dev data set."""
    pages = []
    with (folder / "ground-truth.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                entry = json.loads(line)
                html = read_page_text(folder / "html" / f"{entry['page_id']}.html.gz")
                pages.append((entry["page_id"], html, entry.get("plaintext") or ""))
    return sorted(pages)


def load_scrapinghub_wceb(data: Path) -> list[tuple[str, str, str]]:
    """ScrapingHub as a WCEB data set: the same pages, decoded the same way, gold = articleBody."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    return [(page_id, read_page_text(data / "html" / f"{page_id}.html.gz"), entry.get("articleBody") or "")
            for page_id, entry in sorted(truth.items())]


def load_wceb(names: list[str], wceb_data: Path, scrapinghub_data: Path) -> dict[str, list[tuple[str, str, str]]]:
    return {name: load_scrapinghub_wceb(scrapinghub_data) if name == SCRAPINGHUB else load_wceb_dataset(wceb_data / name)
            for name in names}


# Dragnet's gold puts the readers' comments after this line. The issue asks for no comments in
# `text`, so Dragnet is also scored against the gold before it (the article alone).
COMMENTS_MARKER = "!@#$%^&*()  COMMENTS"
# ...which 8 of the 131 dev golds that have one carry mangled: "!@ $%^&*()  COMMENTS",
# "@#$%^&*() COMMENTS", "!@#$%^&**()  COMMENTS", "!@#$%^&*   COMMENTS", "!@#$%^&*()" alone.
COMMENTS_MARKER_MANGLED = re.compile(r"!?@?#?\s?\$%\^&\*+(?:\(\))?(?:\s*COMMENTS)?")


def article_only(gold: str) -> str:
    """A gold text without the readers' comments Dragnet appends to it."""
    return COMMENTS_MARKER_MANGLED.split(gold, maxsplit=1)[0]


def timed_call(system: Callable[[str], str], html: str) -> tuple[str, float, str | None]:
    """(output, ms, refusal message or None); our ExtractionError is an empty output."""
    started = time.perf_counter()
    try:
        output, refusal = system(html), None
    except fetch_article.ExtractionError as error:
        output, refusal = "", str(error)
    return output, (time.perf_counter() - started) * 1000, refusal


def run_wceb(systems: list[str], datasets: dict[str, list[tuple[str, str, str]]]) -> dict[str, dict[str, dict]]:
    """Per data set and system: page F1s, page ms and refusals; the systems take each page in turn,
    with garbage collection off during the calls and run between pages (the README's timing).
    The order is reversed every other page: the second call on a page runs faster (measured here:
    fetch_article's median ratio to trafilatura was 0.53 called first, 0.46 called second; the
    page is warm in the CPU's caches), so always going first made it look slower than it is."""
    first = next(pages for pages in datasets.values() if pages)[0][1]
    for name in systems:  # imports and first-call costs before timing
        timed_call(WCEB_SYSTEMS[name], first)
    results: dict[str, dict[str, dict]] = {}
    gc_was_on = gc.isenabled()
    try:
        for dataset, pages in datasets.items():
            results[dataset] = {name: {"f1": [], "article_f1": [], "ms": [], "refusals": Counter()} for name in systems}
            for number, (_, html, gold) in enumerate(pages):
                gc.collect()
                gc.disable()
                for name in systems if number % 2 == 0 else systems[::-1]:  # each pair both ways round
                    output, ms, refusal = timed_call(WCEB_SYSTEMS[name], html)
                    result = results[dataset][name]
                    result["f1"].append(token_f1(output, gold))
                    result["article_f1"].append(token_f1(output, article_only(gold)))
                    result["ms"].append(ms)
                    if refusal is not None:
                        result["refusals"][refusal] += 1
                gc.enable()
    finally:
        if gc_was_on:
            gc.enable()
    return results


def time_ratios(by_system: dict[str, dict]) -> list[float]:
    """Our time over trafilatura's, page by page."""
    return [mine / theirs for mine, theirs in zip(by_system["fetch_article"]["ms"], by_system[SPEED_REFERENCE]["ms"],
                                                  strict=True) if theirs > 0]


def render_wceb_table(results: dict[str, dict[str, dict]], systems: list[str]) -> str:
    with_speed = SPEED_REFERENCE in systems
    peers = [name for name in systems if name != "fetch_article"]
    header = ["dataset", "pages", "fetch_article", "median ms"] + (["time / trafilatura"] if with_speed else [])
    header += ["refused"] + peers
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]

    def row(label: str, datasets: list[str]) -> str:
        if len(datasets) == 1:
            by_system = results[datasets[0]]
            score = {name: statistics.fmean(by_system[name]["f1"]) for name in systems}
        else:
            score = {name: macro_mean([statistics.fmean(results[d][name]["f1"]) for d in datasets]) for name in systems}
        pages = sum(len(results[d]["fetch_article"]["f1"]) for d in datasets)
        ms = [m for d in datasets for m in results[d]["fetch_article"]["ms"]]
        cells = [label, str(pages), f"{score['fetch_article']:.3f}", f"{statistics.median(ms):.1f}"]
        if with_speed:
            ratios = [r for d in datasets for r in time_ratios(results[d])]
            cells.append(f"{statistics.median(ratios):.2f}")
        cells.append(str(sum(sum(results[d]["fetch_article"]["refusals"].values()) for d in datasets)))
        cells += [f"{score[name]:.3f}" for name in peers]
        return "| " + " | ".join(cells) + " |"

    names = [name for name in results if results[name]["fetch_article"]["f1"]]
    lines += [row(name, [name]) for name in names]
    wceb_only = [name for name in names if name != SCRAPINGHUB]
    if SCRAPINGHUB in names and len(wceb_only) > 1:  # the README's "macro, these 5" row
        lines.append(row(f"**macro, {len(wceb_only)} without scrapinghub**", wceb_only))
    if len(names) > 1:
        lines.append(row(f"**macro, {len(names)} data sets**", names))
    return "\n".join(lines)


def render_article_only(dataset: str, by_system: dict[str, dict], systems: list[str]) -> str:
    scores = ", ".join(f"{name} {statistics.fmean(by_system[name]['article_f1']):.3f}" for name in systems)
    return f"{dataset} scored against its gold without the readers' comments (the article alone): {scores}"


def render_refusals(results: dict[str, dict[str, dict]]) -> str:
    """Per data set, how many pages we refuse and the commonest reasons."""
    lines = []
    for dataset, by_system in results.items():
        refusals = by_system["fetch_article"]["refusals"]
        total = sum(refusals.values())
        top = ", ".join(f'"{message}": {count}' for message, count in refusals.most_common(TOP_REFUSALS))
        rest = total - sum(count for _, count in refusals.most_common(TOP_REFUSALS))
        lines.append(f"{dataset}: {total} of {len(by_system['fetch_article']['f1'])} refused"
                     + (f" ({top}{f', other: {rest}' if rest else ''})" if total else ""))
    return "\n".join(lines)


def wceb_main(options, parser: argparse.ArgumentParser) -> int:
    names = [name.strip() for name in options.datasets.split(",") if name.strip()] if options.datasets \
        else [*WCEB_DATASETS, SCRAPINGHUB]
    unknown = [name for name in names if name not in (*WCEB_DATASETS, SCRAPINGHUB)]
    if unknown:
        parser.error(f"unknown data set(s) {', '.join(unknown)}; known: {', '.join((*WCEB_DATASETS, SCRAPINGHUB))}")
    missing = [name for name in names if name != SCRAPINGHUB and not (options.wceb_data / name / "ground-truth.jsonl").is_file()]
    if SCRAPINGHUB in names and not (options.data / "ground-truth.json").is_file():
        missing.append(str(options.data))
    if missing:
        print(f"no data for {', '.join(missing)} (looked in {options.wceb_data} and {options.data})", file=sys.stderr)
        return 2
    systems = ["fetch_article", *(wceb_peers() if options.peers else [])]
    datasets = load_wceb(names, options.wceb_data, options.data)
    results = run_wceb(systems, datasets)
    print(f"WCEB token F1 (mean per page, macro over data sets), {fetch_article.__file__}; {machine()}")
    print(render_wceb_table(results, systems))
    print()
    if "dragnet" in results:
        print(render_article_only("dragnet", results["dragnet"], systems))
        print()
    print("fetch_article refusals (ExtractionError, scored as empty output):")
    print(render_refusals(results))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="dataset folder (html/, ground-truth.json)")
    parser.add_argument("--peers", action="store_true", help="also run trafilatura and readability-lxml")
    parser.add_argument("--save", type=Path, help="write each system's predictions to DIR/<system>.json")
    parser.add_argument("--diff", metavar="ID", help="with --save: show one page's misses from the saved predictions")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory runs")
    parser.add_argument("--wceb", action="store_true",
                        help="score the WCEB dev pages and ScrapingHub with WCEB's token F1 instead")
    parser.add_argument("--datasets", metavar="NAME,...",
                        help=f"with --wceb: only these of {', '.join((*WCEB_DATASETS, SCRAPINGHUB))}")
    parser.add_argument("--wceb-data", type=Path, default=WCEB_DATA, help="the wceb-dev folder")
    parser.add_argument("--module", type=Path, metavar="PATH", help="score this fetch_article.py instead of ours")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.module:
        global fetch_article
        fetch_article = load_fetch_article(options.module)
    if options.wceb:
        return wceb_main(options, parser)
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
    memory = {} if options.no_memory else {name: peak_memory_mib(name, options.data, options.module) for name in systems}
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
