"""The command line, run in-process through main([...])."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timezone

import pytest

import fetch_article as fa
from conftest import PAGES, PROJECT, folders_of, html_response

CBC_PAGE = PAGES / "cbc_template.html"
CBC_URL = "https://www.cbc.ca/news/canada/nova-scotia/sable-island-keepers-1.1234567"


def run(argv, fixed_clock, stdin_text=""):
    out = io.StringIO()
    code = fa.main(argv, clock=fixed_clock, stdin=io.StringIO(stdin_text), stdout=out)
    return code, folders_of(out.getvalue())


def tree(root):
    """The capture folders and files under an archive (its lock and index left aside)."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*")
                  if path.name not in (fa.LOCK_NAME, fa.INDEX_NAME))


def error_lines(err: str, url: str) -> list[str]:
    return [line for line in err.splitlines() if url in line]


def test_archives_a_saved_page(tmp_path, fixed_clock, capsys):
    code, lines = run(["--html", str(CBC_PAGE), "-o", str(tmp_path), CBC_URL], fixed_clock)
    assert code == fa.ExitCode.OK
    folder = tmp_path / "2026-11-25" / "cbc.ca-news-canada-nova-scotia-sable-island-keepers-1.1234567"
    assert lines == [str(folder)]
    assert sorted(p.name for p in folder.iterdir()) == ["article.json", "article.md", "capture.warc.gz", "page.html"]
    assert (folder / "page.html").read_bytes() == CBC_PAGE.read_bytes()
    document = json.loads((folder / "article.json").read_text(encoding="utf-8"))
    assert document["schema_version"] == 1
    assert document["capture"]["url"] == CBC_URL and document["capture"]["status"] is None
    assert document["capture"]["sha256"] and document["capture"]["tool_version"] == fa.__version__
    assert document["article"]["headline"] == "Lighthouse keepers return to Sable Island"
    raw = (folder / "article.json").read_text(encoding="utf-8")
    assert raw == json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert capsys.readouterr().err == ""  # quiet by default: cron mails nothing


def test_markdown_puts_everything_where_it_stood(tmp_path, fixed_clock):
    run(["--html", str(CBC_PAGE), "-o", str(tmp_path), CBC_URL], fixed_clock)
    markdown = next(tmp_path.rglob("article.md")).read_text(encoding="utf-8")
    order = [
        "# Lighthouse keepers return to Sable Island",
        "*Federal agency reverses a 2015 decision to run the light remotely*",
        "By Ada Marsh · Published 2 March 2025, 14:30 UTC",
        "![A red and white lighthouse](https://i.cbc.ca/sable-light.jpg)\n\n*The east light on Sable Island in 2014. (Jane Roe/CBC)*",
        "Two lighthouse keepers will live",
        "## A lonely posting",
        "*Wild horses graze near the station. (Submitted by Sam Poe)*",
        "> We missed having eyes on the water.\n>\n> — Parks Canada spokesperson Lee Chan",
        "Applications close at the end of the month",
        "*With files from The Canadian Press*",
        f"[Original article]({CBC_URL})",
    ]
    positions = [markdown.index(part) for part in order]
    assert positions == sorted(positions)


def test_same_page_same_day_gives_the_same_folder(tmp_path, fixed_clock):
    first = run(["--html", str(CBC_PAGE), "-o", str(tmp_path), CBC_URL], fixed_clock)
    before = tree(tmp_path)
    second = run(["--html", str(CBC_PAGE), "-o", str(tmp_path), CBC_URL], fixed_clock)
    assert first == second
    assert tree(tmp_path) == before


def test_changed_page_same_day_gets_a_new_folder_and_keeps_the_first(tmp_path, fixed_clock):
    run(["--html", str(CBC_PAGE), "-o", str(tmp_path), CBC_URL], fixed_clock)
    first = next(tmp_path.rglob("page.html"))
    original = first.read_bytes()
    changed = tmp_path / "changed.html"
    changed.write_bytes(original.replace(b"Applications close", b"Applications now close"))
    code, lines = run(["--html", str(changed), "-o", str(tmp_path / ""), CBC_URL], fixed_clock)
    assert code == 0 and lines[0].endswith("sable-island-keepers-1.1234567-2")
    assert first.read_bytes() == original


def test_stdout_prints_the_json_and_writes_nothing(tmp_path, fixed_clock):
    code, lines = run(["--stdout", "--html", str(CBC_PAGE), "-o", str(tmp_path), CBC_URL], fixed_clock)
    assert code == 0
    document = json.loads("\n".join(lines))
    assert document["article"] == json.loads(json.dumps(
        fa.dataclasses.asdict(fa.extract_article(CBC_PAGE.read_bytes(), CBC_URL))))
    assert list(tmp_path.iterdir()) == []


def test_default_url_names_the_saved_page(tmp_path, fixed_clock):
    code, lines = run(["--stdout", "--html", str(CBC_PAGE)], fixed_clock)
    assert code == 0
    assert json.loads("\n".join(lines))["capture"]["url"] == fa.DEFAULT_URL


def test_fetches_over_http_and_archives(server, tmp_path, fixed_clock):
    server.route("/story", html_response(CBC_PAGE.read_bytes(), ETag='"abc"'))
    code, lines = run(["--no-images", "-o", str(tmp_path), server.url("/story")], fixed_clock)
    assert code == 0
    document = json.loads((tmp_path / "2026-11-25" / lines[0].rsplit("/", 1)[1] / "article.json").read_text())
    assert document["capture"]["status"] == 200 and document["capture"]["etag"] == '"abc"'
    assert document["capture"]["content_type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize("url", ["ftp://example.com/a", "file:///etc/passwd", "not a url", "http://"])
def test_urls_that_are_not_http_are_usage_errors(url, tmp_path, fixed_clock, capsys):
    code, lines = run(["-o", str(tmp_path), url], fixed_clock)
    assert code == fa.ExitCode.USAGE and lines == []
    err = error_lines(capsys.readouterr().err, url)
    assert len(err) == 1 and "not an http(s) URL" in err[0]


def test_bad_option_is_a_usage_error(fixed_clock):
    assert run(["--no-such-option"], fixed_clock)[0] == fa.ExitCode.USAGE
    assert run(["--timeout", "-3"], fixed_clock)[0] == fa.ExitCode.USAGE


def test_fetch_failure_exit_code_and_nothing_written(server, tmp_path, fixed_clock, capsys):
    server.route("/missing", (404, {"Content-Type": "text/html"}, b"nope"))
    code, lines = run(["-o", str(tmp_path), server.url("/missing")], fixed_clock)
    assert code == fa.ExitCode.FETCH_FAILED and lines == []
    assert tree(tmp_path) == []
    err = capsys.readouterr().err
    assert len(error_lines(err, server.url("/missing"))) == 1 and "HTTP 404" in err
    assert "archived=0 unchanged=0 failed=1" in err  # failures always end with the summary


def test_not_an_article_exit_code_and_nothing_written(server, tmp_path, fixed_clock):
    server.route("/home", html_response("<html><body><nav><a href='/a'>A</a></nav></body></html>"))
    code, _ = run(["-o", str(tmp_path), server.url("/home")], fixed_clock)
    assert code == fa.ExitCode.NOT_AN_ARTICLE
    assert tree(tmp_path) == []


def test_several_urls_all_attempted_worst_code_wins(server, tmp_path, fixed_clock):
    server.route("/good", html_response(CBC_PAGE.read_bytes()))
    server.route("/gone", (410, {"Content-Type": "text/html"}, b""))
    code, lines = run(["--no-images", "-o", str(tmp_path), server.url("/gone"), "ftp://x/y", server.url("/good")], fixed_clock)
    assert code == fa.ExitCode.FETCH_FAILED
    assert len(lines) == 1 and os.path.isdir(lines[0])


def test_input_file_and_stdin(server, tmp_path, fixed_clock):
    server.route("/good", html_response(CBC_PAGE.read_bytes()))
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# nightly list\n\n{server.url('/good')}\n   \n# {server.url('/nope')}\n")
    code, lines = run(["--no-images", "-o", str(tmp_path / "a"), "-i", str(listing)], fixed_clock)
    assert code == 0 and len(lines) == 1
    code, lines = run(["--no-images", "-o", str(tmp_path / "b"), "-i", "-"], fixed_clock, stdin_text=server.url("/good") + "\n")
    assert code == 0 and len(lines) == 1
    assert run(["-i", str(tmp_path / "missing.txt")], fixed_clock)[0] == fa.ExitCode.USAGE


def test_url_list_comments_after_a_url_and_a_byte_order_mark(tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text("\ufeffhttps://a.example/one   # the council story\n"
                       "https://a.example/two#section\n\t# indented comment\nhttps://a.example/three\t# tab\n",
                       encoding="utf-8")
    assert fa.read_url_list(str(listing)) == ["https://a.example/one", "https://a.example/two#section",
                                              "https://a.example/three"]
    assert fa.read_url_list("-", io.StringIO("\ufeffhttps://a.example/one # x\n")) == ["https://a.example/one"]


def test_a_url_without_a_scheme_gets_a_hint(tmp_path, fixed_clock, capsys):
    code, _ = run(["-o", str(tmp_path), "example.com/story"], fixed_clock)
    assert code == fa.ExitCode.USAGE
    err = error_lines(capsys.readouterr().err, "example.com/story")
    assert len(err) == 1 and "https://example.com/story" in err[0]


def test_a_missing_html_file_writes_nothing_to_the_archive(tmp_path, fixed_clock, capsys):
    code, lines = run(["-o", str(tmp_path / "archive"), "--html", str(tmp_path / "typo.html")], fixed_clock)
    assert code == fa.ExitCode.USAGE and lines == []
    assert not (tmp_path / "archive").exists()
    assert "typo.html: no such file" in capsys.readouterr().err


def test_stdout_counts_what_it_printed(tmp_path, fixed_clock, capsys):
    code, _ = run(["-v", "--stdout", "--html", str(CBC_PAGE), "https://a.example/1"], fixed_clock)
    assert code == 0
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    assert "printed=1 failed=0" in summary and "archived" not in summary


def test_a_missing_dependency_is_one_line_that_says_how_to_install():
    script = ("import runpy, sys; sys.modules['lxml'] = None; sys.argv = ['fetch_article.py', '--help'];"
              f"runpy.run_path({str(PROJECT / 'fetch_article.py')!r}, run_name='__main__')")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "fetch_article: the package lxml is missing: install the dependencies with 'python -m pip install -r "
        "requirements.txt' beside this file, or run 'uv run fetch_article.py'"]


def test_vv_shows_each_http_exchange_and_retry(server, tmp_path, fixed_clock, capsys):
    server.route("/old", (301, {"Location": "/story"}, b""))
    server.route("/story", (503, {}, b""), html_response(CBC_PAGE.read_bytes()))
    code, _ = run(["-vv", "--no-images", "-o", str(tmp_path), server.url("/old")], fixed_clock)
    assert code == 0
    err = capsys.readouterr().err
    assert f"GET {server.url('/old')}: 301" in err and f"-> /story" in err
    assert f"GET {server.url('/story')}: HTTP 503; asking again" in err
    assert f"GET {server.url('/story')}: 200 OK in " in err and f"{server.url('/story')}: {len(CBC_PAGE.read_bytes()):,} bytes read" in err


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_at_a_terminal_and_never_in_a_pipe(server, tmp_path, fixed_clock, monkeypatch, capsys):
    server.route("/story", html_response(CBC_PAGE.read_bytes()))
    urls = [server.url("/story"), server.url("/gone")]
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    run(["--no-images", "--host-delay", "0", "-o", str(tmp_path / "a"), *urls], fixed_clock)
    shown = terminal.getvalue()
    assert f"[1/2 · 0:00] {urls[0]}" in shown and f"[2/2 · 0:00] {urls[1]}" in shown
    assert f"\r\x1b[Kfetch_article: ERROR: {urls[1]}" in shown  # an error line starts clean
    monkeypatch.undo()
    run(["--no-images", "-o", str(tmp_path / "b"), *urls], fixed_clock)  # stderr captured: not a terminal
    assert "[1/2" not in capsys.readouterr().err


def test_html_takes_one_url(fixed_clock):
    assert run(["--html", str(CBC_PAGE), "https://a.example/1", "https://a.example/2"], fixed_clock)[0] == fa.ExitCode.USAGE


def test_verbose_tells_a_person_what_happened(tmp_path, fixed_clock, capsys):
    run(["-v", "--html", str(CBC_PAGE), "-o", str(tmp_path), CBC_URL], fixed_clock)
    assert "Lighthouse keepers return to Sable Island" in capsys.readouterr().err


def test_capture_date_is_the_local_date(tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "America/Halifax")
    fa.time.tzset()
    try:
        late_evening = lambda: datetime(2026, 11, 26, 2, 30, tzinfo=timezone.utc)  # 22:30 in Halifax  # noqa: E731
        run(["--html", str(CBC_PAGE), "-o", str(tmp_path), CBC_URL], late_evening)
    finally:
        monkeypatch.delenv("TZ")
        fa.time.tzset()
    assert tree(tmp_path)[0] == "2026-11-25"


def test_version(capsys, fixed_clock):
    assert run(["--version"], fixed_clock)[0] == 0
    assert fa.__version__ in capsys.readouterr().out


def test_without_fcntl_help_runs_and_the_archive_locks_another_way(tmp_path):
    """Where fcntl does not exist (Windows), the lock is msvcrt's: here a stand-in module that
    records the call, with fcntl made unavailable."""
    script = textwrap.dedent(f"""
        import sys, types
        sys.modules["fcntl"] = None
        calls = []
        sys.modules["msvcrt"] = types.SimpleNamespace(LK_NBLCK=2, locking=lambda fd, mode, size: calls.append((mode, size)))
        sys.path.insert(0, {str(PROJECT)!r})
        import fetch_article as fa
        assert fa.main(["--help"]) == 0
        code = fa.main(["-o", {str(tmp_path / "archive")!r}, "--html", {str(CBC_PAGE)!r}, "--no-images", "https://a.example/story"])
        print(code, calls)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "0 [(2, 1)]", result.stderr
    assert (tmp_path / "archive" / "index.jsonl").is_file()


def test_stdout_says_archived_or_unchanged_then_the_folder(tmp_path, fixed_clock):
    argv = ["--html", str(CBC_PAGE), "--no-images", "-o", str(tmp_path), CBC_URL]
    first, second = (io.StringIO(), io.StringIO())
    assert fa.main(argv, clock=fixed_clock, stdout=first) == 0 and fa.main(argv, clock=fixed_clock, stdout=second) == 0
    status, folder = first.getvalue().rstrip("\n").split("\t")
    assert status == "archived" and os.path.isdir(folder)
    assert second.getvalue() == f"unchanged\t{folder}\n"
