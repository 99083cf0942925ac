"""Every paper's citation keys read by the sidecar index (its short form,
derive.short_keys and citekeys.CiteKeys) are the keys the documents hold: the same
mapping, the same clashes and the same papers without a key, for every shape a key
can have; and a change in the journal since the snapshot is seen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from readlist.citekeys import CiteKeys, all_keyed, clashes, key_clashes
from readlist.store import Store
from tests.conftest import write_unchecked


def doc(title: str, **fields: Any) -> dict[str, Any]:
    return {"title": title, "added": "2026-11-01T09:00:00+00:00", **fields}


SHAPES: dict[str, dict[str, dict[str, Any]]] = {
    "plain keys": {
        "a000001": doc("One", bibkey="one2026"),
        "a000002": doc("Two", bibkey="two2026"),
    },
    "a paper without a key": {
        "a000001": doc("One", bibkey="one2026"),
        "a000002": doc("Two"),
    },
    "an empty key": {
        "a000001": doc("One", bibkey="one2026"),
        "a000002": doc("Two", bibkey=""),
    },
    "keys differing only in case": {
        "a000001": doc("One", bibkey="dup"),
        "a000002": doc("Two", bibkey="DUP"),
    },
    "an alias another paper has as its key": {
        "a000001": doc("One", bibkey="one2026", bibkey_aliases=["two2026"]),
        "a000002": doc("Two", bibkey="two2026"),
    },
    "aliases and no clash": {
        "a000001": doc("One", bibkey="one2026", bibkey_aliases=["old2025"]),
        "a000002": doc("Two", bibkey="two2026"),
    },
    "a key that is not text": {
        "a000001": doc("One", bibkey=12),
        "a000002": doc("Two", bibkey="two2026"),
    },
}


def by_index(path: Path) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """The keys, the clashes and the papers without a key, as an export reads them."""
    with Store(path, indexed=True) as store:
        assert store.view().base is not None, "not opened by the index"
        keys = store.cite_keys()
        assert isinstance(keys, CiteKeys)
        keyless = [] if all_keyed(keys) else [p for p in keys if not keys[p].get("bibkey")]
        return {p: dict(k) for p, k in keys.items()}, clashes(keys), keyless


def in_full(path: Path) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    with Store(path) as store:
        records = store.records()
        keys = {
            p: {k: d[k] for k in ("bibkey", "bibkey_aliases") if k in d} for p, d in records.items()
        }
        keyless = [p for p, k in keys.items() if not k.get("bibkey")]
        return keys, key_clashes(records.items()), keyless


def indexed(path: Path) -> None:
    """Compact, which writes the index for the snapshot."""
    with Store(path) as store:
        store.compact()


@pytest.mark.parametrize("shape", list(SHAPES))
def test_the_index_reads_every_shape_of_key_as_the_documents_hold_it(
    tmp_path: Path, shape: str
) -> None:
    path = tmp_path / "lib.json"
    write_unchecked(path, SHAPES[shape])
    indexed(path)
    keys, clashing, keyless = by_index(path)
    assert (keys, clashing, keyless) == in_full(path)
    assert keys == {
        p: {k: v for k, v in d.items() if k.startswith("bibkey")} for p, d in SHAPES[shape].items()
    }
    assert bool(clashing) == (
        shape in ("keys differing only in case", "an alias another paper has as its key")
    )


def test_a_key_changed_since_the_snapshot_is_seen_by_the_index(tmp_path: Path) -> None:
    path = tmp_path / "lib.json"
    write_unchecked(path, SHAPES["plain keys"])
    indexed(path)
    with Store(path) as store:  # into the journal, after the snapshot
        paper = store.get("a000002")
        store.put([paper.replace(bibkey="ONE2026")])
    keys, clashing, keyless = by_index(path)
    assert keys["a000002"] == {"bibkey": "ONE2026"}
    assert clashing == {"a000002": "bibkey: 'ONE2026' is also the key of paper a000001"}
    assert (keys, clashing, keyless) == in_full(path)
