"""Content-Security-Policy for journeymap's pages: inline styles and scripts allowed by hash only.

Pages are single files that load nothing: their stylesheet and any script
are inline, and the policy allows exactly those texts (by their SHA-256) and
`data:` images, so even a mistake in escaping could neither run a script of
a map's making nor reach the network.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence


def source_hash(text: str) -> str:
    """`'sha256-…'` for an inline `<style>` or `<script>` whose content is exactly `text`."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def policy(
    *, styles: Sequence[str] = (), scripts: Sequence[str] = (), images: bool = True, same_origin: bool = False
) -> str:
    """The policy of a page whose inline stylesheets and scripts are exactly `styles` and `scripts`;
    `same_origin` lets a script ask the server the page came from (the live preview's reload check),
    and nothing else."""
    parts = ["default-src 'none'"]
    if styles:
        parts.append("style-src " + " ".join(source_hash(s) for s in styles))
    if scripts:
        parts.append("script-src " + " ".join(source_hash(s) for s in scripts))
    if same_origin:
        parts.append("connect-src 'self'")
    if images:
        parts.append("img-src data:")
    parts += ["base-uri 'none'", "form-action 'none'"]
    return "; ".join(parts)
