"""The Dask example: extraction over WARC files as a map job, on the local scheduler and on a
(local) dask.distributed cluster reached by its address."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
import dask_warc  # noqa: E402

STORY = ("<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
         + "".join(f"<p>Paragraph {n} of the story, with commas, clauses, and words enough to be read.</p>" for n in range(4))
         + "</article></body></html>")


def warc_of(path: Path, pages: dict[str, str]) -> str:
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, html in pages.items():
            body = html.encode()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers,
                                                          warc_headers_dict={"WARC-Date": "2024-05-01T08:00:00Z"}))
    return str(path)


def corpus(tmp_path: Path) -> list[str]:
    return [warc_of(tmp_path / "a.warc.gz", {"http://news.invalid/one": STORY.format(title="Story one"),
                                             "http://news.invalid/front": "<html><body><h1>Front</h1></body></html>"}),
            warc_of(tmp_path / "b.warc.gz", {"http://news.invalid/two": STORY.format(title="Story two")})]


def lines_in(out: Path) -> list[dict]:
    return sorted((json.loads(line) for part in sorted(out.glob("part-*.jsonl")) for line in part.read_text().splitlines()),
                  key=lambda line: line["url"])


def test_the_local_scheduler_writes_a_json_line_per_page(tmp_path, capsys):
    corpus(tmp_path)
    assert dask_warc.main([str(tmp_path / "out"), str(tmp_path / "*.warc.gz")]) == 0  # a pattern, as a shell would pass it quoted
    lines = lines_in(tmp_path / "out")
    assert [line["url"] for line in lines] == ["http://news.invalid/front", "http://news.invalid/one", "http://news.invalid/two"]
    assert lines[0]["error"].startswith("no body text found") and "article" not in lines[0]
    assert lines[1]["article"]["headline"] == "Story one" and lines[1]["fetched_at"] == "2024-05-01T08:00:00+00:00"
    assert "2 WARC files" in capsys.readouterr().out


def test_a_cluster_reached_by_its_address_runs_the_same_job(tmp_path):
    from dask.distributed import LocalCluster
    warcs = corpus(tmp_path)
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        assert dask_warc.main([str(tmp_path / "out"), *warcs, "--scheduler", cluster.scheduler_address]) == 0
    assert [line["article"]["headline"] for line in lines_in(tmp_path / "out") if "article" in line] == ["Story one", "Story two"]
