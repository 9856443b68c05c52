"""Page requisites (issue 16's replay): stylesheets with what they load, scripts, fonts, srcset
images and icons as WARC records of the capture; unchanged ones as revisits the next time."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

import fetch_article as fa
from conftest import folders_of, html_response

STORY = "".join(f"<p>Paragraph {n} of the story, with commas, clauses, and words enough to be read.</p>" for n in range(4))
PAGE = ("<html><head><title>A styled story</title><link rel='stylesheet' href='/css/main.css'>"
        "<link rel='icon' href='/favicon.ico'><script src='/js/app.js'></script>"
        "<style>.hero {{ background: url('/img/hero.jpg') }}</style></head>"
        "<body><article><h1>A styled story</h1>{story}"
        "<picture><source srcset='/img/wide.webp 2x, /img/narrow.webp 1x'><img src='/img/photo.jpg' alt=''></picture>"
        "<div style=\"background-image: url(/img/band.png)\"></div></article></body></html>")
REQUISITES = {
    "/css/main.css": ("text/css", b"@import url('/css/fonts.css');\nbody { background: url(../img/paper.png) }"),
    "/css/fonts.css": ("text/css", b"@font-face { font-family: S; src: url('/fonts/serif.woff2') format('woff2') }"),
    "/fonts/serif.woff2": ("font/woff2", b"wOF2 not really a font"),
    "/img/paper.png": ("image/png", b"\x89PNG paper"),
    "/img/hero.jpg": ("image/jpeg", b"\xff\xd8 hero"),
    "/img/wide.webp": ("image/webp", b"RIFF wide"),
    "/img/narrow.webp": ("image/webp", b"RIFF narrow"),
    "/img/photo.jpg": ("image/jpeg", b"\xff\xd8 photo"),
    "/img/band.png": ("image/png", b"\x89PNG band"),
    "/favicon.ico": ("image/x-icon", b"\0\0\1\0 icon"),
    "/js/app.js": ("application/javascript", b"console.log('app')"),
}


def serve_site(server, story=STORY):
    server.route("/story", html_response(PAGE.format(story=story)))
    for path, (content_type, body) in REQUISITES.items():
        server.route(path, (200, {"Content-Type": content_type}, body))


def run(argv, clock):
    out = io.StringIO()
    code = fa.main(["--host-delay", "0", *argv], clock=clock, stdout=out)
    return code, folders_of(out.getvalue())


def records_of(folder: str) -> dict[str, str]:
    with open(Path(folder) / "capture.warc.gz", "rb") as stream:
        return {record.rec_headers.get_header("WARC-Target-URI"): record.rec_type
                for record in ArchiveIterator(stream) if record.rec_type in ("response", "revisit")}


def test_every_resource_the_page_needs_has_a_record_and_unchanged_ones_are_revisits(server, tmp_path, fixed_clock):
    serve_site(server)
    code, first = run(["-o", str(tmp_path), server.url("/story")], fixed_clock)
    assert code == 0
    records = records_of(first[0])
    assert {server.url(path) for path in REQUISITES} | {server.url("/story")} == set(records)
    assert set(records.values()) == {"response"}
    assert not (Path(first[0]) / "requisites").exists()  # in the WARC only; the figures stay in images/

    serve_site(server, STORY.replace("Paragraph 3", "Paragraph three"))  # the story changes, its requisites do not
    code, second = run(["-o", str(tmp_path), server.url("/story")], fixed_clock)
    assert code == 0 and second[0] != first[0]
    records = records_of(second[0])
    assert records[server.url("/story")] == "response"
    assert {records[server.url(path)] for path in REQUISITES if path != "/img/photo.jpg"} == {"revisit"}


def test_requisites_on_private_addresses_elsewhere_are_refused_and_no_requisites_skips_them(server, tmp_path, fixed_clock):
    page = PAGE.format(story=STORY).replace("/js/app.js", "http://10.255.255.1/app.js")
    server.route("/story", html_response(page))
    for path, (content_type, body) in REQUISITES.items():
        server.route(path, (200, {"Content-Type": content_type}, body))
    code, folders = run(["--timeout", "10", "-o", str(tmp_path / "a"), server.url("/story")], fixed_clock)
    assert code == 0 and "http://10.255.255.1/app.js" not in records_of(folders[0])
    code, folders = run(["--no-requisites", "-o", str(tmp_path / "b"), server.url("/story")], fixed_clock)
    assert code == 0 and not server.routes["/css/fonts.css"].requests[1:] and server.url("/css/main.css") not in records_of(folders[0])


def test_requisites_are_found_in_the_markup_and_stylesheets():
    root = fa.parse_html(PAGE.format(story="").encode())
    urls = fa.page_requisites(root, "https://news.example/world/story")
    assert urls[:3] == ["https://news.example/css/main.css", "https://news.example/favicon.ico", "https://news.example/js/app.js"]
    assert "https://news.example/img/wide.webp" in urls and "https://news.example/img/hero.jpg" in urls
    assert fa.css_references("@import 'a.css'; @import url(\"b.css\"); x { src: url( c.woff ) } y { background: url(data:x) }") == [
        "a.css", "b.css", "c.woff", "data:x"]
