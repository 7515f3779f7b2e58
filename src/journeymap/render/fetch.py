"""WeasyPrint's URL fetcher for posters: files inside the map's folder, `data:` URLs, nothing else.

Imported only when a poster is made (it loads WeasyPrint, through render.weasy). Everything else
(http, https, ftp, files elsewhere, symlinks out of the folder) is refused and
recorded: WeasyPrint swallows some fetch errors (inside SVG, for one) and
carries on, so the poster code checks `blocked` afterwards and fails the job.
"""

from __future__ import annotations

import mimetypes
import os
import stat
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from journeymap.io.sources import inside
from journeymap.render.photos import MAX_PHOTO_BYTES
from journeymap.render.weasy import URLFetcher, URLFetcherResponse


class FolderFetcher(URLFetcher):  # type: ignore[misc]
    def __init__(self, folder: Path | None) -> None:
        super().__init__(timeout=1, allowed_protocols=("file", "data"), allow_redirects=False)
        self.root = os.path.realpath(folder) if folder is not None else None
        self.blocked: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and self.root is not None:
            parts = urlsplit(url)
            real = os.path.realpath(unquote(parts.path))
            if parts.netloc in ("", "localhost") and inside(real, self.root):
                try:
                    info = os.stat(real)
                    if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_PHOTO_BYTES:
                        with open(real, "rb") as handle:
                            body = handle.read()
                        kind = mimetypes.guess_type(real)[0] or "application/octet-stream"
                        return URLFetcherResponse(url, body, {"Content-Type": kind})
                except OSError:
                    pass
        self.blocked.append(url)
        raise ValueError(f"journeymap does not fetch {url[:80]}")
