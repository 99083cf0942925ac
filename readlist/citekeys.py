"""Citation keys: what a key may be. (The one owner of key policy; more moves here.)"""

from __future__ import annotations

import re

# Characters bibtex and biber both accept in a key, written back verbatim. `\Z`, not
# `$`: a key must not end in a newline either.
KEY_PATTERN = r"^[A-Za-z0-9_:./+\-]+\Z"
MAX_KEY = 200
_KEY = re.compile(KEY_PATTERN)


def valid_key(key: str) -> bool:
    """A key safe to write back verbatim for bibtex and biber."""
    return len(key) <= MAX_KEY and _KEY.match(key) is not None
