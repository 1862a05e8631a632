"""One offline top-level-domain lookup for the e-mail and URL recognizers."""

from __future__ import annotations

import functools

import tldextract


@functools.cache
def offline_tlds() -> tldextract.TLDExtract:
    """tldextract with its bundled public suffix snapshot: never fetches the list. Built once
    per process, its suffix trie too (not on the first request)."""
    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)
    extractor("example.com")
    return extractor
