"""Metadata sources (arXiv, the Hugging Face Hub) and the rules for matching papers to them.

Each source implements `protocol.MetadataSource` and is listed in `registry`. Nothing
here touches the store or Textual: clients return records, `matching` returns
decisions, and the caller (readlist.resolving) applies them.
"""
