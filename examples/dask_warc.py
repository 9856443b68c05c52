#!/usr/bin/env python3
"""Extraction over a corpus of WARC files with Dask: a map job, one task per WARC file.

    pip install -r requirements-dask.txt
    python examples/dask_warc.py OUT_DIR crawl-*.warc.gz                      # this machine's cores
    python examples/dask_warc.py OUT_DIR s3://bucket/crawl/*.warc.gz --scheduler tcp://10.0.0.5:8786

`fetch_article.extract_article` is pure (a page's bytes in, an Article out), so each WARC file is
read and extracted where its task runs, with no network and no archive: every HTML page it recorded
(the same records `fetch_article.py --warc` archives) becomes one JSON line, `{"url", "fetched_at",
"article"}` with the article as in article.json, or `{"url", "fetched_at", "error"}` for a page that
holds no article or a record that cannot be read. OUT_DIR gets one `part-N.jsonl` per WARC file.

Without --scheduler, Dask's local process pool runs the tasks on this machine's cores; with it, the
tasks go to a running dask.distributed cluster (`dask scheduler` and `dask worker` processes, or
any cluster manager's), whose workers need this project's requirements and fetch_article.py on
their path. WARC paths may be anything fsspec opens that the workers can reach (local paths on a
shared file system, s3://, gs:// with the matching fsspec package). Fetching at scale is a
crawler's job (Heritrix, Browsertrix, Scrapy with a WARC writer, Common Crawl's archives): this
reads what they wrote.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import dask
import dask.bag
import fsspec

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import fetch_article  # noqa: E402  (the project's root, wherever this runs from)


def extract_warc(url: str) -> Iterator[str]:
    """One JSON line per HTML page the WARC file at `url` recorded (see the module's docstring)."""
    with tempfile.TemporaryDirectory() as scratch:
        local = Path(scratch) / "input.warc"
        with fsspec.open(url, "rb") as source, open(local, "wb") as target:  # a seekable copy, for resyncing
            shutil.copyfileobj(source, target)
        for found in fetch_article.warc_pages(local):
            if isinstance(found, fetch_article.FetchError):
                yield json.dumps({"url": url, "fetched_at": None, "error": str(found)}, ensure_ascii=False)
                continue
            line = {"url": found.capture.url, "fetched_at": found.capture.fetched_at}
            try:
                article = fetch_article.extract_article(fetch_article.page_text(found), found.capture.final_url)
            except fetch_article.ExtractionError as error:
                line["error"] = str(error)
            else:
                line["article"] = dataclasses.asdict(article)
            yield json.dumps(line, ensure_ascii=False, sort_keys=True)


def extract_corpus(warcs: list[str], out_dir: Path) -> list[str]:
    """The job: a bag of WARC paths, each extracted by one task, written as JSON lines."""
    lines = dask.bag.from_sequence(warcs, npartitions=len(warcs)).map(extract_warc).flatten()
    out_dir.mkdir(parents=True, exist_ok=True)
    return lines.to_textfiles(str(out_dir / "part-*.jsonl"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="folder for the JSON lines (part-N.jsonl)")
    parser.add_argument("warcs", nargs="+", help="WARC files (paths or fsspec URLs)")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="a dask.distributed scheduler (tcp://host:8786); default: local processes")
    options = parser.parse_args(argv)
    paths = [match for pattern in options.warcs for match in (fsspec.open_files(pattern) if "*" in pattern else [pattern])]
    warcs = [entry if isinstance(entry, str) else entry.full_name for entry in paths]
    if not warcs:
        print(f"dask_warc: no WARC file matches {' '.join(options.warcs)}", file=sys.stderr)
        return 2
    if options.scheduler:
        from dask.distributed import Client  # the cluster's client: only needed with a cluster
        with Client(options.scheduler):
            written = extract_corpus(warcs, options.out_dir)
    else:
        with dask.config.set(scheduler="processes"):
            written = extract_corpus(warcs, options.out_dir)
    print(f"{len(warcs)} WARC files -> {len(written)} files in {options.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
