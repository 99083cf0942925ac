"""Fixtures for the network tests (a real loopback server with fake arXiv and Hub APIs)."""

from tests.core.netfake import apis

__all__ = ["apis"]
