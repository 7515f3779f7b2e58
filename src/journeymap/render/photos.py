"""Persona photos: the only files a poster or page ever reads, and only from the map's own folder
(for a persona from a library, the library's folder).

A photo is named by a path relative to the map's folder. Web addresses,
absolute paths, paths that climb out of the folder (`../`), symlinks that lead
out of it, anything that is not a regular file, larger than `MAX_PHOTO_BYTES`
or not a PNG, JPEG, GIF or WebP picture are refused with a message that says
what to do, and the render of that map fails (exit 1): a poster never leaves
a persona's picture out silently, and never fetches it from elsewhere.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from journeymap.io.sources import inside
from journeymap.model import Persona
from journeymap.render import RenderError
from journeymap.strings import short

MAX_PHOTO_BYTES = 5 * 1024 * 1024
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


@dataclass(frozen=True)
class Photo:
    path: Path  # resolved, inside the map's folder
    mime: str
    data: bytes


def persona_photo(persona: Persona, folder: Path | None) -> Photo | None:
    """The persona's photo, checked; None when the persona has none. RenderError (exit 1) when refused."""
    if not persona.photo:
        return None
    named = persona.photo.strip()
    if persona.origin:
        # a library's persona: its photo is beside the library, which names it
        folder = Path(persona.origin).parent

    def refuse(why: str) -> RenderError:
        return RenderError(
            f"persona '{persona.id}': photo '{short(named, 80)}' {why}", exit_code=1, node=(*persona.path, "photo")
        )

    if _SCHEME.match(named) or named.startswith("//"):
        raise refuse(
            "is a web address; journeymap never fetches pictures: save it beside the map and give its relative path"
        )
    if folder is None:
        raise refuse("cannot be read for a map given on standard input; render the map from its file")
    if os.path.isabs(named):
        raise refuse("is an absolute path; give a path relative to the map's folder")
    root = os.path.realpath(folder)
    real = os.path.realpath(os.path.join(root, named))
    if not inside(real, root):
        raise refuse("is outside the map's folder; pictures are read only from the map's folder and below")
    try:
        info = os.stat(real)
    except OSError:
        raise refuse("does not exist; check the path (it is relative to the map's folder)") from None
    if not stat.S_ISREG(info.st_mode):
        raise refuse("is not a regular file")
    if info.st_size > MAX_PHOTO_BYTES:
        raise refuse(f"is larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MB; use a smaller picture")
    with open(real, "rb") as handle:
        data = handle.read(MAX_PHOTO_BYTES + 1)
    mime = _image_type(data)
    if mime is None:
        raise refuse("is not a PNG, JPEG, GIF or WebP picture")
    return Photo(Path(real), mime, data)


def _image_type(data: bytes) -> str | None:
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None
