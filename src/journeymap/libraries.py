"""Shared libraries: personas, channels, sources and opportunities that several maps `use:`.

A library is a file named `*.library.yaml` (or `.yml`) that fits the library
schema (`journeymap schema --library`). A map lists libraries under `use:`,
relative to its own folder; a library may use others, relative to its folder.
Ids from a library resolve as if the map defined them; the items keep their
`origin` (the library's path) and their node path in the library, so a
message about one points into the library file.

Every problem with a `use:` entry is a finding at that entry of the map (for a
library reached through another, at the map's entry that led there): a name
that is not a library, a missing file, a file outside the repository (the
nearest folder above the map that holds `.git`, else the map's own folder), a
library that is not valid, a cycle. Definitions of one id that differ (the
map and a library, or two libraries) are `library-conflict` findings.

Reading is the job of a `Libraries` reader: `DiskLibraries` for files on disk
(or below a folder a diff compares), `GitLibraries` for a git revision. Each
keeps what it parsed, keyed by the library's resolved path, so a run parses a
library once however many maps use it (a disk reader reads the bytes again
and parses only when they changed, so a long-lived process never serves a
stale library).
"""

from __future__ import annotations

import os
import posixpath
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from journeymap import builtin_rules
from journeymap.findings import Finding, RuleInfo
from journeymap.io.sources import inside, is_library_name, repository_root
from journeymap.load import Document, Path_, load_bytes
from journeymap.model import Journey, SharedItems, shared_items
from journeymap.schema import library_schema_findings
from journeymap.strings import one_line, short
from journeymap.vocabulary import library_kinds

# (kind as said in messages, the section of the file) for everything a library may hold: the vocabulary's
SECTIONS = tuple((kind.name, str(kind.top_list)) for kind in library_kinds())


class Unusable(Exception):
    """A `use:` entry that cannot be followed; the message says why and what to do."""


@dataclass
class Library:
    """One library file as read: `path` as shown to the user, `key` its resolved identity; `findings`
    are its own problems (at its own positions), and it is usable only without them."""

    path: str
    key: str
    document: Document | None = None
    findings: list[Finding] = field(default_factory=list)
    items: SharedItems = field(default_factory=SharedItems)

    @property
    def uses(self) -> list[str]:
        if self.document is None:
            return []
        return list(self.document.data.get("use", []))

    def where(self, node: Path_) -> str:
        """`path:line:column` of a node in the library."""
        line, column = self.document.position(node) if self.document is not None else (1, 1)
        return f"{one_line(self.path)}:{line}:{column}"

    def data(self, section: str, index: int) -> Any:
        assert self.document is not None
        return self.document.data[section][index]


@dataclass
class Resolution:
    """The libraries a map uses, directly or through other libraries, each once in the order met,
    `via` the map's `use:` entry that led to each; and the findings at those entries."""

    libraries: list[Library] = field(default_factory=list)
    via: dict[str, Path_] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    reached: dict[str, None] = field(default_factory=dict)  # every library file found, usable or not

    @property
    def keys(self) -> tuple[str, ...]:
        """Every library file the map names, directly or not, whether or not it could be used (a
        broken library is still in use: it is not an orphan)."""
        return tuple(self.reached)


@dataclass(frozen=True)
class Located:
    path: str  # as shown
    key: str  # resolved: the cache key, and what cycles are found by


class Libraries:
    """Finds, reads and parses libraries; subclasses say where the bytes come from."""

    def __init__(self) -> None:
        self._parsed: dict[str, tuple[bytes, Library]] = {}

    # -- what a subclass provides -------------------------------------------------------------
    def root_of(self, path: str) -> str:
        """The repository root for the file at `path` (as shown): no library may be outside it."""
        raise NotImplementedError

    def key_of(self, path: str) -> str:
        """The resolved identity of the file at `path`."""
        raise NotImplementedError

    def locate(self, including: str, entry: str, root: str) -> Located:
        raise NotImplementedError

    def read(self, located: Located, max_bytes: int) -> bytes:
        raise NotImplementedError

    # -- the one algorithm --------------------------------------------------------------------
    def resolve(self, doc: Document, max_bytes: int) -> Resolution:
        """Follow the `use:` entries of a map's (or a library's) document."""
        resolution = Resolution()
        entries = doc.data.get("use", [])
        if not entries:
            return resolution
        root = self.root_of(doc.path)
        start = self.key_of(doc.path)
        for index, entry in enumerate(entries):
            node: Path_ = ("use", index)
            for message in self._follow(doc.path, entry, root, (start,), (doc.path,), node, resolution, max_bytes):
                resolution.findings.append(_finding(doc, node, builtin_rules.LIBRARY_USE, message))
        return resolution

    def _follow(
        self, including: str, entry: str, root: str, chain: tuple[str, ...], names: tuple[str, ...],
        node: Path_, resolution: Resolution, max_bytes: int,
    ) -> Iterator[str]:
        via = "" if len(chain) == 1 else f"through {one_line(including)}: "
        try:
            located = self.locate(including, entry, root)
        except Unusable as exc:
            yield f"{via}cannot use '{short(entry, 120)}': {exc}"
            return
        if located.key in chain:
            circle = " -> ".join(one_line(n) for n in (*names[chain.index(located.key):], located.path))
            yield f"{via}'{short(entry, 120)}' leads back to itself ({circle}); libraries must not use each other " \
                  "in a circle: remove one `use:` entry"
            return
        if located.key in resolution.via:
            return  # already met through another entry: used once
        resolution.reached[located.key] = None
        try:
            library = self.library(located, max_bytes)
        except Unusable as exc:
            yield f"{via}cannot use '{short(entry, 120)}': {exc}"
            return
        if library.findings:
            first = library.findings[0]
            more = len(library.findings) - 1
            tail = f" (and {more} more; `journeymap validate {one_line(library.path)}` lists them)" if more else ""
            yield f"{via}library {one_line(library.path)} is not valid: {one_line(library.path)}:{first.line}:" \
                  f"{first.column}: {short(first.message, 200)}{tail}"
            return
        resolution.via[located.key] = node
        resolution.libraries.append(library)
        for inner in library.uses:
            yield from self._follow(
                library.path, inner, root, (*chain, located.key), (*names, library.path), node, resolution, max_bytes,
            )

    def library(self, located: Located, max_bytes: int) -> Library:
        """The parsed library, from the cache when its bytes are the ones parsed before."""
        raw = self.read(located, max_bytes)
        if len(raw) > max_bytes:
            raise Unusable(f"{one_line(located.path)} is larger than the {max_bytes:,}-byte limit; split it or "
                           "raise the limit with --max-bytes")
        cached = self._parsed.get(located.key)
        if cached is not None and cached[0] == raw and cached[1].path == located.path:
            return cached[1]
        library = parse_library(raw, located.path, located.key)
        self._parsed[located.key] = (raw, library)
        return library


def parse_library(raw: bytes, path: str, key: str = "") -> Library:
    """A library file's bytes as a Library: its YAML, schema and duplicate-id findings."""
    doc, findings = load_bytes(raw, path)
    library = Library(path, key or path, doc, findings)
    if doc is None:
        return library
    library.findings = sorted(findings + library_schema_findings(doc), key=Finding.sort_key)
    if library.findings:
        return library
    library.items = shared_items(doc.data, origin=path)
    library.findings = duplicate_findings(doc, library.items)
    return library


def duplicate_findings(doc: Document, items: SharedItems) -> list[Finding]:
    """A library names each id once within its kind."""
    out = []
    for kind, section in SECTIONS:
        seen: dict[str, Path_] = {}
        for item in getattr(items, section):
            if item.id in seen:
                first = doc.position((*seen[item.id], "id"))[0]
                out.append(_finding(
                    doc, (*item.path, "id"), builtin_rules.DUPLICATE_ID,
                    f"{kind} id '{item.id}' is already used at line {first}; ids must be unique: rename one",
                ))
            else:
                seen[item.id] = item.path
    return out


def merge(doc: Document, journey: Journey, resolution: Resolution) -> list[Finding]:
    """Add the libraries' items to the journey, after its own (the map's own definition of an id
    wins; then the first library's); a different definition of one id is a finding. A library's
    opportunity joins only the maps whose pain points it addresses."""
    own = {
        (section, item["id"]): (item, (section, index))
        for _, section in SECTIONS
        for index, item in enumerate(doc.data.get(section, []))
    }
    taken: dict[tuple[str, str], tuple[Any, Library, Path_]] = {}
    findings = []
    pains = {p.id for p in journey.pain_points()}
    for library in resolution.libraries:
        for kind, section in SECTIONS:
            for index, item in enumerate(getattr(library.items, section)):
                key = (section, item.id)
                data = library.data(section, index)
                if key in own:
                    mine, where = own[key]
                    if mine != data:
                        findings.append(_finding(
                            doc, (*where, "id"), builtin_rules.LIBRARY_CONFLICT,
                            f"{kind} '{item.id}' is defined differently in {library.where(item.path)}; remove this "
                            "definition to use the library's, or give one of them another id",
                        ))
                    continue
                if key in taken:
                    first, other, node = taken[key]
                    if first != data:
                        findings.append(_finding(
                            doc, resolution.via[library.key], builtin_rules.LIBRARY_CONFLICT,
                            f"{kind} '{item.id}' is defined differently in {library.where(item.path)} and in "
                            f"{other.where(node)}; keep one definition",
                        ))
                    continue
                taken[key] = (data, library, item.path)
                if section == "opportunities" and not pains.intersection(item.addresses):
                    continue  # work on other maps' pain points: not part of this journey
                getattr(journey, section).append(item)
    return findings


class DiskLibraries(Libraries):
    """Libraries on disk. `base`: paths are relative to this folder (a folder a diff compares), which
    is then also the root no library may leave; else paths are as given and the root is the nearest
    folder above the map that holds `.git`, or the map's own folder."""

    def __init__(self, base: str | None = None) -> None:
        super().__init__()
        self.base = base
        self._roots: dict[str, str] = {}

    def _real(self, path: str) -> str:
        return os.path.join(self.base, path) if self.base is not None else path

    def key_of(self, path: str) -> str:
        return os.path.realpath(self._real(path)) if path != "-" else "-"

    def root_of(self, path: str) -> str:
        if self.base is not None:
            return os.path.realpath(self.base)
        folder = os.path.realpath(os.path.dirname(self._real(path)) or ".") if path != "-" else os.getcwd()
        root = self._roots.get(folder)
        if root is None:
            root = self._roots[folder] = repository_root(folder)
        return root

    def locate(self, including: str, entry: str, root: str) -> Located:
        _check_entry(entry)
        folder = os.path.dirname(including) if including != "-" else ""
        shown = os.path.normpath(os.path.join(folder, entry))
        real = os.path.realpath(self._real(shown))
        if not inside(real, root):
            raise Unusable(f"{one_line(shown)} is outside the repository; keep libraries inside it")
        return Located(shown, real)

    def read(self, located: Located, max_bytes: int) -> bytes:
        try:
            info = os.stat(located.key)
            if not stat.S_ISREG(info.st_mode):
                raise Unusable(f"{one_line(located.path)} is not a regular file")
            with open(located.key, "rb") as handle:
                return handle.read(max_bytes + 1)
        except FileNotFoundError:
            raise Unusable(f"{one_line(located.path)} does not exist; check the path (relative to the map's "
                           "folder)") from None
        except OSError as exc:
            raise Unusable(f"{one_line(located.path)} cannot be read: {exc.strerror}") from None


class GitLibraries(Libraries):
    """Libraries as they were at a commit; paths are relative to the repository root, with `/`."""

    def __init__(self, commit: str, cwd: str) -> None:
        super().__init__()
        self.commit = commit
        self.cwd = cwd

    def key_of(self, path: str) -> str:
        return f"{self.commit}:{path}"

    def root_of(self, path: str) -> str:
        return ""

    def locate(self, including: str, entry: str, root: str) -> Located:
        _check_entry(entry)
        shown = posixpath.normpath(posixpath.join(posixpath.dirname(including), entry))
        if shown.startswith("../") or shown == "..":
            raise Unusable(f"{one_line(shown)} is outside the repository; keep libraries inside it")
        return Located(shown, self.key_of(shown))

    def read(self, located: Located, max_bytes: int) -> bytes:
        try:
            result = subprocess.run(
                ["git", "cat-file", "blob", located.key], cwd=self.cwd, capture_output=True, check=False,
                env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
            )
        except FileNotFoundError:
            raise Unusable("git is not installed or not on PATH") from None
        if result.returncode != 0:
            raise Unusable(f"{one_line(located.path)} does not exist at {self.commit[:12]}; check the path "
                           "(relative to the map's folder)")
        return result.stdout[: max_bytes + 1]


def _check_entry(entry: str) -> None:
    if os.path.isabs(entry) or entry.startswith(("/", "\\")):
        raise Unusable("an absolute path; name the library relative to the map's folder")
    if not is_library_name(entry):
        raise Unusable("not a library file; libraries are named *.library.yaml or *.library.yml")


def _finding(doc: Document, node: Path_, rule: RuleInfo, message: str) -> Finding:
    line, column = doc.position(node)
    return Finding(doc.path, line, column, rule.severity, rule.id, rule.name, message, node)
