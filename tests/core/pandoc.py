"""pandoc, the real consumer of the CSL-JSON and Markdown exports."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

# A CSL style that prints each field as it is (no title case, no quotes), so a test can
# look for the exact text; the default style (Chicago) checks the data is usable.
VERBATIM_CSL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info>
    <title>readlist tests: every field as it is</title>
    <id>readlist-tests</id>
    <updated>2026-01-01T00:00:00+00:00</updated>
  </info>
  <citation><layout delimiter="; "><text variable="citation-label"/></layout></citation>
  <bibliography>
    <layout>
      <group delimiter=" | ">
        <text variable="title"/>
        <names variable="author">
          <name delimiter="; " name-as-sort-order="all" sort-separator=", "/>
        </names>
        <date variable="issued" form="numeric" date-parts="year-month-day"/>
        <text variable="DOI"/>
      </group>
    </layout>
  </bibliography>
</style>
"""


def pandoc(*args: str, text: str = "", cwd: Path | None = None) -> tuple[str, str]:
    """pandoc's output and its warnings (stderr); it must exit 0."""
    if shutil.which("pandoc") is None:
        pytest.fail("pandoc missing: see .ci/run for the packages the tests need")
    result = subprocess.run(
        ["pandoc", *args],
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, result.stderr


def citeproc(refs: Path, keys: list[str], style: str | None = None) -> tuple[str, str]:
    """A Markdown document citing every key, run through `pandoc --citeproc` with
    `refs` as its bibliography: the plain-text result and pandoc's warnings."""
    args = ["--citeproc", "--bibliography", str(refs), "-t", "plain", "--wrap=none"]
    if style is not None:
        csl = refs.with_name("verbatim.csl")
        csl.write_text(style, encoding="utf-8")
        args += ["--csl", str(csl)]
    doc = " ".join(f"[@{key}]" for key in keys) + "\n"
    return pandoc("-f", "markdown", *args, text=doc)
