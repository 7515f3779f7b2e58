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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from journeymap.io.sources import inside
from journeymap.model import Persona
from journeymap.render.errors import RenderError
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

    if folder is None and not is_address(named):  # a web address is refused as such, below
        raise refuse("cannot be read for a map given on standard input; render the map from its file")
    place = Confined(str(folder or "."), os.path.realpath(folder or "."), "the map's folder", "beside the map",
                     "is outside the map's folder; pictures are read only from the map's folder and below")
    real, data = read_picture(named, place, MAX_PHOTO_BYTES, refuse)
    mime = _image_type(data)
    if mime is None:
        raise refuse("is not a PNG, JPEG, GIF or WebP picture")
    return Photo(Path(real), mime, data)


@dataclass(frozen=True)
class Confined:
    """Where a picture named by a relative path may be read: `folder` the path is relative to (the
    map's folder for a photo, the configuration's for a logo), the `root` it must stay inside, and
    the words that say so to the user."""

    folder: str
    root: str  # resolved
    relative_to: str  # "the map's folder"
    save_in: str  # "beside the map": where to put a picture instead of naming a web address
    outside: str  # the reason given for a path that leads out of `root`


def is_address(named: str) -> bool:
    """Whether `named` is a web address (or any URL, or a scheme-relative `//host/...`)."""
    return bool(_SCHEME.match(named)) or named.startswith("//")


def read_picture(named: str, place: Confined, max_bytes: int, refuse: Callable[[str], Exception]) -> tuple[str, bytes]:
    """(resolved path, bytes) of the picture `named`, read only from a regular file inside
    `place.root`; `refuse(why)` is raised for a web address (nothing is ever fetched), an absolute
    path, a path or symlink out of the root, a missing or special file, or one over `max_bytes`."""
    if is_address(named):
        raise refuse(f"is a web address; journeymap never fetches pictures: save it {place.save_in} and give "
                     f"its path relative to {place.relative_to}")
    if os.path.isabs(named):
        raise refuse(f"is an absolute path; give a path relative to {place.relative_to}")
    real = os.path.realpath(os.path.join(place.folder, named))
    if not inside(real, place.root):
        raise refuse(place.outside)
    try:
        info = os.stat(real)
    except OSError:
        raise refuse(f"does not exist; check the path (it is relative to {place.relative_to})") from None
    if not stat.S_ISREG(info.st_mode):
        raise refuse("is not a regular file")
    if info.st_size > max_bytes:
        shown = f"{max_bytes // (1024 * 1024)} MB" if max_bytes >= 1024 * 1024 else f"{max_bytes // 1024} KB"
        raise refuse(f"is larger than {shown}; use a smaller picture")
    with open(real, "rb") as handle:
        return real, handle.read(max_bytes + 1)


def _image_type(data: bytes) -> str | None:
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None
