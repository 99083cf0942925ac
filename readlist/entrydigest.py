"""What finds a rendered entry in the export render cache (readlist.entrycache): a
digest of everything its text depends on, the paper's stored document, its id and
the key it is written under.

Its own module because the sidecar index (readlist.indexing) keeps, for every paper
of the snapshot, both the document's hash and the entry's digest under the paper's
stored key: an export of 100,000 papers reads them instead of making them (80 ms).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

HASH = 16  # bytes of BLAKE2b per document
DIGEST = 16  # bytes of an entry's digest


def body_hash(body: bytes) -> bytes:
    """The hash of a document's bytes, as its line in the snapshot holds them."""
    return hashlib.blake2b(body, digest_size=HASH).digest()


def doc_hash(doc: Mapping[str, Any]) -> bytes | None:
    """The document's hash, as the sidecar keeps it (indexing.Layout): of the bytes its
    line in the snapshot holds. None for a document that cannot be written as JSON."""
    try:
        return body_hash(orjson.dumps(doc))
    except (orjson.JSONEncodeError, TypeError):
        return None


def entry_digest(doc: bytes, pid: str, key: str | None) -> bytes:
    """What finds an entry: the document's hash, the paper's id, and the key it is
    written under when that is not its stored key (None)."""
    return hashlib.blake2b(doc + orjson.dumps([pid, key]), digest_size=DIGEST).digest()


def stored_key_digests(hashes: bytes | bytearray, ids: Sequence[str]) -> bytes:
    """Each paper's entry digest under its stored key, one after another, from their
    documents' hashes (HASH bytes each, in the order of `ids`)."""
    digest = entry_digest  # looked up once: tests replace it to break the keying
    whole = bytes(hashes)
    return b"".join(
        digest(whole[n * HASH : (n + 1) * HASH], pid, None) for n, pid in enumerate(ids)
    )


__all__ = ["DIGEST", "HASH", "body_hash", "doc_hash", "entry_digest", "stored_key_digests"]
