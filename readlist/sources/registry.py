"""Every metadata source readlist asks, in the order resolving asks them for candidates.

A new source is one module (a class implementing `MetadataSource`, with a
`from_config(http, network)` that builds it for a run) and one line here. The Hub comes
first: a listing day and a search are cheap and unpaced, while arXiv asks for one
request every three seconds, so its title search is the last resort.

DBLP, arXiv's journal reference and Semantic Scholar are also version sources
(`protocol.VersionSource`): `readlist published` asks them where preprints were
published, and takes each field of a venue from the first of them (in this order) that
has it: DBLP's year and pages are the venue's, Semantic Scholar's year often the
preprint's. They offer resolving no candidates.
"""

from __future__ import annotations

from collections.abc import Callable

from readlist.config import Network
from readlist.sources.arxiv import ArxivClient
from readlist.sources.dblp import DblpClient
from readlist.sources.http import Http
from readlist.sources.hub import HubClient
from readlist.sources.journal_ref import JournalRef
from readlist.sources.protocol import MetadataSource
from readlist.sources.s2 import S2Client

Factory = Callable[[Http, Network], MetadataSource]

REGISTRY: tuple[Factory, ...] = (
    HubClient.from_config,
    ArxivClient.from_config,
    DblpClient.from_config,
    JournalRef.from_config,
    S2Client.from_config,
)
