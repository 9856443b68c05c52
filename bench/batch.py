#!/usr/bin/env python3
"""The nightly job at scale: one run over many hosts, sequential (-j 1) against concurrent (-j N).

    python bench/batch.py                                  # 200 articles over 10 hosts, 200 ms each
    python bench/batch.py --articles 40 --hosts 4 --latency 0.05 --delays 0.05   # a quick look

Each host is a loopback HTTP server of its own (127.0.0.1, a port each: the tool's politeness is
per host name and port) that answers every request after `--latency` seconds and logs when each
request began and ended. For each host delay asked for, the tool archives the same URL list (in
an order that interleaves the hosts, as a night's list does) into a fresh archive, once with one
job and once with `--jobs`, as a separate process (`fetch_article.py -i list`), and the bench
prints the wall time of each, their ratio, the process's peak memory, and whether the servers'
logs show politeness kept: never two requests in flight to one host, never less than the delay
between the end of one and the start of the next. Then it runs the concurrent case again with
five times the URLs, to show peak memory does not grow with the list.

What bounds the ratio: each host takes one request at a time with the delay after it, so one
host's pages take (latency + delay) each however many workers there are, while one worker alone
fills the other hosts' delays with their pages; the best ratio is about hosts × latency /
(latency + delay).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
SCRIPT = PROJECT / "fetch_article.py"
# Tolerance on the clocks: the server logs when its handler began, a moment after the request arrived.
CLOCK_SLACK = 0.005


def article(host: int, number: int) -> bytes:
    paragraphs = "".join(f"<p>Paragraph {n} of story {number} on host {host}, with commas, clauses, and the words "
                         f"a reader expects of a news story, told at the length of a real one.</p>" for n in range(12))
    return (f"<html><head><title>Story {number} on host {host}</title></head><body><article>"
            f"<h1>Story {number} on host {host}</h1>{paragraphs}</article></body></html>").encode()


class Host:
    """A loopback server answering /story-N after `latency` seconds; it logs each request's times."""

    def __init__(self, number: int, latency: float):
        self.log: list[tuple[float, float]] = []
        lock = threading.Lock()
        log = self.log

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 (http.server's naming)
                began = time.monotonic()
                time.sleep(latency)
                if self.path.startswith("/story-"):
                    body, status = article(number, int(self.path.split("-", 1)[1])), 200
                else:
                    body, status = b"not here", 404
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8" if status == 200 else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                with lock:
                    log.append((began, time.monotonic()))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


def politeness_broken(hosts: list[Host], delay: float) -> list[str]:
    """What the servers' logs show against the rules: overlapping requests, or too short a pause."""
    problems = []
    for number, host in enumerate(hosts):
        visits = sorted(host.log)
        for (_, ended), (began, _) in zip(visits, visits[1:]):
            if began < ended - CLOCK_SLACK:
                problems.append(f"host {number}: two requests at once")
            elif began - ended < delay - CLOCK_SLACK:
                problems.append(f"host {number}: {began - ended:.3f} s between requests, under the {delay:g} s delay")
    return problems


def run_tool(urls: list[str], jobs: int, delay: float, folder: Path) -> tuple[float, int, int]:
    """One run of the tool as its own process: (seconds, peak memory in KiB, exit code)."""
    listing = folder / "urls.txt"
    listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
    command = [sys.executable, str(SCRIPT), "-q", "-j", str(jobs), "--host-delay", str(delay), "--no-images",
               "-o", str(folder / "archive"), "-i", str(listing)]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in KiB on Linux and in bytes on macOS
    peak = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return elapsed, peak, process.returncode


def url_list(hosts: list[Host], articles: int) -> list[str]:
    """`articles` URLs spread over the hosts, interleaved: host 0's first, host 1's first, ..."""
    return [hosts[index % len(hosts)].url(f"/story-{index // len(hosts)}") for index in range(articles)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.2, help="each answer's delay, seconds (default 0.2)")
    parser.add_argument("--jobs", type=int, default=10, help="workers of the concurrent run (default 10)")
    parser.add_argument("--delays", default="0,0.1,1", help="host delays to run, seconds, comma-separated (default 0,0.1,1)")
    parser.add_argument("--memory-factor", type=int, default=5, help="the memory run's URLs, times --articles (0: skip)")
    options = parser.parse_args(argv)
    hosts = [Host(number, options.latency) for number in range(options.hosts)]
    urls = url_list(hosts, options.articles)
    print(f"{options.articles} articles over {options.hosts} loopback hosts, {options.latency * 1000:.0f} ms a request; "
          f"CPython {platform.python_version()}, {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs")
    print("| host delay | -j 1 | peak MiB | " + f"-j {options.jobs} | peak MiB | speed-up | best possible | politeness |")
    print("|---|---|---|---|---|---|---|---|")
    failures = 0
    for delay in (float(value) for value in options.delays.split(",")):
        row, kept = [], True
        for jobs in (1, options.jobs):
            for host in hosts:
                host.log.clear()
            with tempfile.TemporaryDirectory() as folder:
                elapsed, peak, code = run_tool(urls, jobs, delay, Path(folder))
                captures = sum(1 for _ in Path(folder, "archive").glob("*/*/article.json"))
            problems = politeness_broken(hosts, delay)
            kept = kept and not problems and code == 0 and captures == len(urls)
            for problem in problems[:3]:
                print(f"  -j {jobs}, delay {delay:g}: {problem}", file=sys.stderr)
            if code or captures != len(urls):
                print(f"  -j {jobs}, delay {delay:g}: exit {code}, {captures} of {len(urls)} captures", file=sys.stderr)
            row.append((elapsed, peak))
        (sequential, seq_peak), (concurrent, con_peak) = row
        best = min(options.jobs, options.hosts) * options.latency / (options.latency + delay)
        failures += not kept
        print(f"| {delay:g} s | {sequential:.1f} s | {seq_peak / 1024:.0f} | {concurrent:.1f} s | {con_peak / 1024:.0f} | "
              f"{sequential / concurrent:.1f}× | {min(best, options.hosts):.1f}× | {'kept' if kept else 'BROKEN'} |")
    if options.memory_factor:
        more = url_list(hosts, options.articles * options.memory_factor)
        delay = float(options.delays.split(",")[0])
        with tempfile.TemporaryDirectory() as folder:
            elapsed, peak, code = run_tool(more, options.jobs, delay, Path(folder))
        print(f"\n{len(more)} articles, -j {options.jobs}, host delay {delay:g} s: {elapsed:.1f} s, peak {peak / 1024:.0f} MiB "
              f"(exit {code})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
