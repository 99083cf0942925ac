"""The README names the system packages that .ci/run installs, so the two cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_names_the_packages_ci_installs() -> None:
    script = (ROOT / ".ci" / "run").read_text().replace("\\\n", " ")
    line = next(ln for ln in script.splitlines() if "apt-get install" in ln)
    packages = [w for w in line.split("apt-get install", 1)[1].split() if re.match(r"^[a-z]", w)]
    assert {"texlive-bibtex-extra", "biber", "texlive-latex-recommended"} <= set(packages)
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert f"`{' '.join(packages)}`" in readme
