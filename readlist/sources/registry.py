"""Every metadata source readlist asks, in the order resolving asks them for candidates.

A new source is one module (a class implementing `MetadataSource`, with a
`from_config(http, network)` that builds it for a run) and one line here. The Hub comes
first: a listing day and a search are cheap and unpaced, while arXiv asks for one
request every three seconds, so its title search is the last resort.
"""

from __future__ import annotations

from collections.abc import Callable

from readlist.config import Network
from readlist.sources.arxiv import ArxivClient
from readlist.sources.http import Http
from readlist.sources.hub import HubClient
from readlist.sources.protocol import MetadataSource

Factory = Callable[[Http, Network], MetadataSource]

REGISTRY: tuple[Factory, ...] = (
    HubClient.from_config,
    ArxivClient.from_config,
)
