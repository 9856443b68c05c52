"""WARC files as input (--warc): the HTML responses they recorded archived with no network, each
dated by its record; everything else passed over; a broken record one error line."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import fetch_article as fa
from conftest import folders_of

STORY = ("<html><head><title>A recorded story</title></head><body><article><h1>A recorded story</h1>"
         + "".join(f"<p>Paragraph {n} of the recorded story, with commas, clauses, and words enough.</p>" for n in range(4))
         + "</article></body></html>").encode()
# .invalid never resolves (RFC 2606): a request to it would fail, so a capture proves none was made
HOST = "http://news.invalid"


def response(writer, url: str, body: bytes, status: str = "200 OK", content_type: str = "text/html; charset=utf-8",
             date: str = "2016-09-26T10:43:00Z", extra: list[tuple[str, str]] | None = None):
    """A request and a response record, the way wget --warc-file writes them."""
    request = writer.create_warc_record(url, "request", warc_headers_dict={"WARC-Date": date}, http_headers=StatusAndHeaders(
        f"GET {url.split('/', 3)[-1] and '/' + url.split('/', 3)[-1]} HTTP/1.1", [("Host", "news.invalid")], is_http_request=True))
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), *(extra or [])]
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), warc_headers_dict={"WARC-Date": date},
                                       http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"))
    writer.write_record(request)
    writer.write_record(record)


def warc_file(path: Path, build) -> Path:
    with open(path, "wb") as handle:
        build(WARCWriter(handle, gzip=True))
    return path


def run(argv, clock):
    out = io.StringIO()
    code = fa.main(argv, clock=clock, stdout=out)
    return code, folders_of(out.getvalue())


def test_the_html_pages_a_warc_recorded_are_archived_by_their_dates_and_nothing_else(tmp_path, fixed_clock):
    def build(writer):
        response(writer, f"{HOST}/story", STORY)
        compressed = gzip.compress(STORY.replace(b"recorded story", b"second story"))
        response(writer, f"{HOST}/second", compressed, date="2016-09-27T01:00:00.123Z",
                 extra=[("Content-Encoding", "gzip")])  # recorded as sent: the payload compressed
        response(writer, f"{HOST}/pic.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
        response(writer, f"{HOST}/gone", b"<html><body>Not found</body></html>", status="404 Not Found")
        response(writer, f"{HOST}/old", b"", status="301 Moved Permanently", extra=[("Location", f"{HOST}/story")])
        writer.write_record(writer.create_revisit_record(f"{HOST}/story", "sha1:AAAA", f"{HOST}/story", "2016-09-26T10:43:00Z"))
        writer.write_record(writer.create_warc_record(f"{HOST}/note", "metadata", payload=io.BytesIO(b"x: y")))
    source = warc_file(tmp_path / "crawl.warc.gz", build)
    code, folders = run(["-o", str(tmp_path / "archive"), "--warc", str(source)], fixed_clock)
    assert code == 0 and [Path(folder).parent.name for folder in folders] == ["2016-09-26", "2016-09-27"]
    first = json.loads((Path(folders[0]) / "article.json").read_text(encoding="utf-8"))
    assert first["capture"]["fetched_at"] == "2016-09-26T10:43:00+00:00" and first["capture"]["status"] == 200
    assert first["article"]["headline"] == "A recorded story"
    second = json.loads((Path(folders[1]) / "article.json").read_text(encoding="utf-8"))
    assert second["article"]["headline"] == "A second story"  # decoded from its Content-Encoding
    assert (Path(folders[0]) / "page.html").read_bytes() == STORY

    # The same WARC again: nothing new. The tool's own capture.warc.gz reads back as the page it holds.
    code, again = run(["-o", str(tmp_path / "archive"), "--warc", str(source)], fixed_clock)
    assert code == 0 and again == folders
    code, copied = run(["-o", str(tmp_path / "other"), "--warc", str(Path(folders[0]) / "capture.warc.gz")], fixed_clock)
    assert code == 0 and (Path(copied[0]) / "page.html").read_bytes() == STORY


def test_a_broken_record_is_one_error_line_and_the_records_after_it_are_read(tmp_path, fixed_clock, capsys):
    good = warc_file(tmp_path / "one.warc.gz", lambda writer: response(writer, f"{HOST}/story", STORY))
    other = warc_file(tmp_path / "two.warc.gz",
                      lambda writer: response(writer, f"{HOST}/second", STORY.replace(b"recorded story", b"second story")))
    damaged = bytearray(good.read_bytes())
    damaged[len(damaged) // 2: len(damaged) // 2 + 40] = b"\0" * 40  # the response's gzip member, cut through
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(bytes(damaged) + other.read_bytes())
    code, folders = run(["-o", str(tmp_path / "archive"), "--warc", str(broken)], fixed_clock)
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("fetch_article: ERROR")]
    assert code == fa.ExitCode.FETCH_FAILED and len(folders) == 1
    assert json.loads((Path(folders[0]) / "article.json").read_text(encoding="utf-8"))["article"]["headline"] == "A second story"
    assert len(errors) == 1 and f"{broken}: a broken record at byte" in errors[0]


def test_a_missing_warc_file_is_a_usage_error(tmp_path, fixed_clock):
    code, folders = run(["-o", str(tmp_path), "--warc", str(tmp_path / "nowhere.warc.gz")], fixed_clock)
    assert code == fa.ExitCode.USAGE and folders == [] and not (tmp_path / fa.INDEX_NAME).exists()


def test_junk_after_the_last_record_is_one_error_and_no_page_twice(tmp_path, fixed_clock, capsys):
    def build(writer):
        for number in range(4):
            response(writer, f"{HOST}/story-{number}", STORY.replace(b"recorded story", f"story {number}".encode()))
    source = warc_file(tmp_path / "crawl.warc.gz", build)
    source.write_bytes(source.read_bytes() + b"garbage at the end\n")
    pages = list(fa.warc_pages(source))
    assert [page.capture.url for page in pages if isinstance(page, fa.Page)] == [f"{HOST}/story-{n}" for n in range(4)]
    assert [str(error) for error in pages if isinstance(error, fa.FetchError)] == [
        "the file ends in what is no record (Invalid WARC record)"]


def test_a_record_cut_short_is_an_error_not_a_page(tmp_path):
    source = warc_file(tmp_path / "crawl.warc", lambda writer: response(writer, f"{HOST}/story", STORY * 20))
    with open(tmp_path / "crawl.warc", "wb") as handle:  # the same, uncompressed, and cut inside the page
        writer = WARCWriter(handle, gzip=False)
        response(writer, f"{HOST}/story", STORY * 20)
    cut = tmp_path / "cut.warc"
    cut.write_bytes((tmp_path / "crawl.warc").read_bytes()[:-2000])
    found = list(fa.warc_pages(cut))
    assert not [page for page in found if isinstance(page, fa.Page)]
    assert any("cut short" in str(error) for error in found)
