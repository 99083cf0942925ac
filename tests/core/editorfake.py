"""A scripted $EDITOR for the tests: a small Python program that, on its Nth run,
logs the file it was given, runs a command if told (another process writing while the
user edits), and rewrites the file as step N of its plan says."""

from __future__ import annotations

import json
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCRIPT = r"""
import json, re, subprocess, sys
from pathlib import Path

plan_file = Path(sys.argv[1])
target = Path(sys.argv[2])
log = plan_file.with_suffix(".log")
log.mkdir(exist_ok=True)
n = len(list(log.iterdir()))
text = target.read_text(encoding="utf-8")
(log / f"{n:03d}.txt").write_text(text, encoding="utf-8")
(log / f"{n:03d}.path").write_text(str(target), encoding="utf-8")
plan = json.loads(plan_file.read_text(encoding="utf-8"))
step = plan[min(n, len(plan) - 1)]
if step.get("run"):
    subprocess.run(step["run"], check=True, capture_output=True)
for old, new in step.get("sub", []):
    text, count = re.subn(old, lambda m: new, text, flags=re.M)
    assert count, (old, text)
if "text" in step:
    text = step["text"]
if step.get("windows"):  # a BOM and CRLF line ends, as some editors save
    text = "\ufeff" + text.replace("\n", "\r\n")
if step.get("touch") or "text" in step or step.get("sub") or step.get("windows"):
    target.write_bytes(text.encode("utf-8"))
sys.exit(step.get("status", 0))
"""


@dataclass
class FakeEditor:
    """Where the plan and the log live; `env()` is what to put in the environment."""

    folder: Path

    @property
    def plan_file(self) -> Path:
        return self.folder / "plan.json"

    def plan(self, *steps: dict[str, Any]) -> FakeEditor:
        self.plan_file.write_text(json.dumps(list(steps)), encoding="utf-8")
        return self

    def env(self) -> dict[str, str]:
        script = self.folder / "editor.py"
        script.write_text(SCRIPT, encoding="utf-8")
        command = shlex.join([sys.executable, str(script), str(self.plan_file)])
        return {"EDITOR": command, "VISUAL": ""}

    def seen(self) -> list[str]:
        """What the editor was given, run by run."""
        log = self.plan_file.with_suffix(".log")
        return [p.read_text(encoding="utf-8") for p in sorted(log.glob("*.txt"))]

    def paths(self) -> list[Path]:
        log = self.plan_file.with_suffix(".log")
        return [Path(p.read_text(encoding="utf-8")) for p in sorted(log.glob("*.path"))]


def field(name: str, toml_value: str) -> dict[str, Any]:
    """A plan step that sets one single-line field (`key = "x"`)."""
    return {"sub": [[rf"^{name} = .*$", f"{name} = {toml_value}"]]}


def authors(value: str) -> list[list[str]]:
    """A substitution of the whole authors field, however many lines it spans."""
    return [[r"^authors = (\[\]|\[\n(?:    .*\n)*\])$", f"authors = {value}"]]
