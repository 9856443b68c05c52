"""The README documents every option, every exit code, and the command CI runs."""

from __future__ import annotations

import re

import fetch_article as fa
from conftest import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")


def test_every_option_is_documented():
    options = [flag for action in fa.build_parser()._actions for flag in action.option_strings]
    assert len(options) >= 12
    missing = [flag for flag in options if f"`{flag}" not in README]
    assert missing == []


def test_every_exit_code_is_documented_in_readme_and_help():
    help_text = fa.build_parser().format_help()
    for code in fa.ExitCode:
        assert re.search(rf"^\| {code.value} \| ", README, re.M), code
        assert re.search(rf"^  {code.value} ", help_text, re.M), code
        assert re.search(rf"^    {code.value} ", fa.__doc__, re.M), code


def test_ci_runs_the_readme_test_command():
    ci_script = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in ci_script.splitlines() if "pytest" in line and not line.startswith("#"))
    assert f"```sh\n{command}\n```" in README


def test_readme_archive_files_and_json_fields():
    for name in ("page.html", "article.json", "article.md"):
        assert f"`{name}`" in README, name
    for field in fa.dataclasses.fields(fa.Article):
        assert f"`{field.name}`" in README, field.name
    for field in fa.dataclasses.fields(fa.Capture):
        assert f"`{field.name}`" in README, field.name
