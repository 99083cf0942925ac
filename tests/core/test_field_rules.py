"""Every field of a Paper has decided rules: how a merge treats it (model.Paper's field
metadata), how it is stored (model.to_doc/from_doc) and its type and range
(schema.StoredPaper). A field added without deciding fails here."""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from typing import Any

import msgspec
import pytest

from readlist import dedup
from readlist.model import MERGE_RULES, PAPER_FIELDS, Paper, Source
from readlist.schema import StoredPaper

RULES = {name: f.metadata.get("merge") for name, f in PAPER_FIELDS.items()}
HINTS = typing.get_type_hints(Paper)


def _sample(name: str, n: int) -> Any:
    """A value of the field's type that is not its default; `n` tells two apart."""
    hint = HINTS[name]
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    kind = typing.get_origin(hint) or hint
    if kind in (typing.Union, types.UnionType):
        (hint,) = args
        kind = typing.get_origin(hint) or hint
        args = list(typing.get_args(hint))
    if kind is bool:
        return True
    if kind is int:
        return 3 + n
    if kind is str:
        return f"{name}-{n}"
    if kind is list and args == [str]:
        return [f"{name}-{n}"]
    if kind is list and args == [Source]:
        return [Source(f"file-{n}.txt", None, "2026-01-01T00:00:00+00:00")]
    if kind is dict:
        return {f"k{n}": f"v{n}"}
    raise AssertionError(f"no sample for {name}: {hint}; extend _sample for the new type")


def _default(name: str) -> Any:
    f = PAPER_FIELDS[name]
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None if f.default is dataclasses.MISSING else f.default


def test_every_field_decides_its_merge_rule() -> None:
    undecided = [name for name, rule in RULES.items() if rule not in MERGE_RULES]
    assert not undecided, f"add metadata=KEEP, FILL or OWN to Paper fields {undecided}"


def test_every_stored_field_has_a_schema_with_the_same_default() -> None:
    stored = {f.name: f for f in msgspec.structs.fields(StoredPaper)}
    assert set(stored) == set(PAPER_FIELDS) - {"id"}
    for name, f in stored.items():
        default = None if f.required else f.default
        if f.default_factory is not msgspec.NODEFAULT:
            default = f.default_factory()
        assert default == _default(name), name


@pytest.mark.parametrize("name", [n for n, rule in RULES.items() if rule in ("keep", "fill")])
def test_merge_keeps_or_fills_each_field_as_declared(name: str) -> None:
    library = Paper(id="aaaaaaa", title="A Title")
    incoming = library.replace(**{name: _sample(name, 1)})
    got = getattr(dedup.merge(library, incoming), name)
    assert got == (_sample(name, 1) if RULES[name] == "fill" else getattr(library, name))
    # A value the library has is never replaced, whatever the rule.
    held = library.replace(**{name: _sample(name, 2)})
    assert getattr(dedup.merge(held, incoming), name) == _sample(name, 2)


@pytest.mark.parametrize("name", [n for n, rule in RULES.items() if rule == "own"])
def test_merge_has_a_rule_of_its_own_for_each_own_field(name: str) -> None:
    assert name in inspect.getsource(dedup.merge), f"dedup.merge says nothing of {name}"


def test_every_field_survives_the_stored_form() -> None:
    paper = Paper(**{name: _sample(name, 1) for name in PAPER_FIELDS})
    again = Paper.from_doc(paper.id, paper.to_doc())
    assert again == paper
    assert set(paper.to_json()) == set(PAPER_FIELDS)
