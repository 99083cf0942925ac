"""Network sources (arXiv, the Hugging Face Hub) and the rules for matching papers to them.

Nothing here touches the store or Textual: clients return records, `resolve` returns
decisions, and the caller applies them.
"""
