"""The brand's logo (`logo:` under the configuration's `theme:`), read once and embedded.

The logo is a file of the repository: an SVG or a PNG, named relative to the configuration
file's folder. It is read from disk only inside the repository (no absolute path, no `..` or
symlink out of it, no web address: journeymap never fetches), and goes into every picture as a
`data:` URL on an `<img>` element, so the page, the site and the poster load nothing. An SVG in
an `<img>` cannot run a script, and an SVG that holds one, or points at another file or
address, is refused rather than cleaned: the user re-exports it self-contained.
"""

from __future__ import annotations

import base64
import re

from journeymap.io.sources import repository_root
from journeymap.render.errors import RenderError
from journeymap.render.photos import Confined, read_picture
from journeymap.strings import short

MAX_LOGO_BYTES = 512 * 1024
# what a self-contained SVG never needs: scripts, event handlers, foreign HTML, references to
# other files or addresses (a reference inside the file is written "#id")
_SVG_UNSAFE = re.compile(
    rb"<\s*script|<\s*foreignObject|\bon[a-z]+\s*=|(?:xlink:)?href\s*=\s*[\"']\s*[^\"'#\s]|url\(\s*[\"']?\s*[^\"'#)\s]"
    rb"|<!ENTITY|<\?xml-stylesheet|@import",
    re.IGNORECASE,
)


def logo_url(named: str, folder: str) -> str:
    """The logo at `named` (relative to `folder`, the configuration file's folder) as a data: URL;
    "" for no logo. RenderError (exit 2: the configuration is at fault) when it is refused."""
    named = named.strip()
    if not named:
        return ""

    def refuse(why: str) -> RenderError:
        return RenderError(f"theme logo '{short(named, 80)}' {why}")

    place = Confined(folder, repository_root(folder), "the configuration file", "in the repository",
                     "is outside the repository; the logo must be a file of the repository")
    _, data = read_picture(named, place, MAX_LOGO_BYTES, refuse)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        mime = "image/png"
    elif _is_svg(data):
        if _SVG_UNSAFE.search(data):
            raise refuse("holds a script or refers to another file or address; export it as a "
                         "self-contained SVG (or a PNG)")
        mime = "image/svg+xml"
    else:
        raise refuse("is not an SVG or PNG picture")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _is_svg(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    return re.search(rb"<svg[\s>]", head) is not None and head.startswith(b"<")
