"""The dev/test split of the real-page set, fixed before any page was read or any rule tuned.

A page's split is a function of its URL alone (SHA-256, 40% test), so adding pages never moves an
existing page from one split to the other, and nobody chooses which pages are test pages.
"""

from __future__ import annotations

import hashlib

TEST_SHARE_OUT_OF_5 = 2  # 2 of 5 buckets: 40% test, 60% dev


def split_of(url: str) -> str:
    """``"test"`` or ``"dev"`` for the page at ``url``."""
    bucket = int(hashlib.sha256(url.strip().encode("utf-8")).hexdigest(), 16) % 5
    return "test" if bucket < TEST_SHARE_OUT_OF_5 else "dev"


if __name__ == "__main__":
    import sys

    for line in sys.stdin:
        if line.strip():
            print(split_of(line), line.strip(), sep="\t")
