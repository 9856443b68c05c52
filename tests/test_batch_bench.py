"""bench/batch.py: its politeness check reads a server log right, and a small run keeps politeness."""

from __future__ import annotations

import importlib.util

from conftest import PROJECT

spec = importlib.util.spec_from_file_location("batch_bench", PROJECT / "bench" / "batch.py")
batch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(batch)


class FakeHost:
    def __init__(self, log):
        self.log = log


def test_the_log_check_finds_overlaps_and_short_pauses():
    assert batch.politeness_broken([FakeHost([(0.0, 0.2), (0.5, 0.7)])], 0.3) == []
    assert batch.politeness_broken([FakeHost([(0.0, 0.2), (0.1, 0.3)])], 0.0) == ["host 0: two requests at once"]
    assert batch.politeness_broken([FakeHost([(0.0, 0.2), (0.3, 0.4)])], 0.3) == [
        "host 0: 0.100 s between requests, under the 0.3 s delay"]


def test_a_small_batch_keeps_politeness(capsys):
    # (its speed-up is the benchmark's to report, not a test's to assert: machines here are noisy)
    assert batch.main(["--articles", "12", "--hosts", "3", "--latency", "0.05", "--delays", "0.05", "--jobs", "3",
                       "--memory-factor", "0"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("| 0.05 s"))
    assert row.endswith("| kept |")
