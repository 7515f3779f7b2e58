"""The baseline: the findings a repository already had, held back so that CI fails on new ones only.

A repository that adopts journeymap starts with hundreds of findings. `validate --write-baseline
FILE` records them; `validate --baseline FILE` (or `baseline:` in the configuration) then reports
and fails on the findings the file does not hold. Entries are keyed by what a finding is about,
never by its line: the map's id (its path when it has none), the rule's id, and the path of its
node with every list index turned into the id of the item (`stages[checkout].touchpoints[pay]`),
so an edit elsewhere in the map, a comment block at the top or stages put in another order keep
them matched. A count per key covers a finding that occurs several times on the same node.

Entries whose findings are gone are stale: they are reported (and fail with `--strict`), and
writing the baseline again drops them, so the baseline only shrinks. An entry is judged stale only
when its map was checked in this run and its rule ran on it: a run over one file, `--no-lint`, or a
map that broke (lint runs on valid maps only) says nothing about the other entries.

The file is JSON with one entry a line, sorted, so that a pull request that fixes old findings
shows them leaving the baseline line by line. It is untrusted (a pull request can change it): it
is read only inside the repository, with a size limit, and any fault in it is one line, exit 2.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from journeymap.analysis import Analysis, State
from journeymap.builtin_rules import CORE_RULES
from journeymap.config import Project
from journeymap.errors import EXIT_FINDINGS, EXIT_OK, JourneymapError
from journeymap.findings import NodePath, stable_node
from journeymap.io.atomic import write_atomic
from journeymap.io.sources import STDIN, InputError, Target, inside, is_map_name, read_target, repository_root
from journeymap.lint.rules import PORTFOLIO_RULES
from journeymap.lint.rules.measured import RULES as MEASURED_RULES
from journeymap.load import load_bytes
from journeymap.pipeline import exit_code

VERSION = 1
FORMAT_KEY = "journeymap_baseline"
MAX_BYTES = 32 * 2**20  # some 300,000 entries; a real repository's baseline is far smaller


class BaselineProblem(JourneymapError):
    """The baseline file cannot be used: missing, outside the repository, not a baseline (exit 2)."""


class BaselineState(StrEnum):
    """SARIF's words for a result compared with a baseline."""

    NEW = "new"
    UNCHANGED = "unchanged"
    ABSENT = "absent"


@dataclass(frozen=True, order=True)
class Key:
    """What a finding is about, in words that survive edits elsewhere in the map."""

    map: str
    rule: str
    node: str


@dataclass(frozen=True)
class Baseline:
    """A baseline file as read: how many findings each key had."""

    path: str  # as the user named it
    folder: str  # the resolved folder of the file: map paths in it are relative to this folder
    counts: Mapping[Key, int] = field(default_factory=dict)
    names: Mapping[Key, str] = field(default_factory=dict)  # rule names, for the report


@dataclass(frozen=True)
class Stale:
    """Findings the baseline holds that this run did not find: `count` of the entry's key."""

    key: Key
    count: int
    rule_name: str
    path: str  # the file the map is in, in this run


# --- where a baseline file may be


def locate(given: str, base: str) -> str:
    """`given` (relative to the folder `base`) resolved, when it is inside the repository that holds
    `base`; BaselineProblem otherwise. Symbolic links are followed before the check, so a link
    cannot lead the tool to read or write a file elsewhere."""
    joined = os.path.join(base, given)
    real = os.path.realpath(joined)
    root = repository_root(base)
    if not inside(real, root):
        raise BaselineProblem(f"{given}: the baseline must be a file inside the repository ({root})")
    if is_map_name(real):
        raise BaselineProblem(f"{given}: that is a map's name; name the baseline e.g. journeymap-baseline.json")
    return real


# --- reading


def read_baseline(given: str, base: str) -> Baseline:
    """The baseline file `given` names (relative to `base`), checked entry by entry."""
    real = locate(given, base)
    try:
        raw = read_target(Target(real), MAX_BYTES)
    except InputError:
        raise BaselineProblem(f"{given}: no baseline file there (or it cannot be read); write one with "
                              f"`journeymap validate PATHS --write-baseline {given}`") from None
    if len(raw) > MAX_BYTES:
        raise BaselineProblem(f"{given}: larger than {MAX_BYTES:,} bytes; is it a baseline file?")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BaselineProblem(f"{given}: not UTF-8 text; write it again with --write-baseline") from None
    except json.JSONDecodeError as exc:
        raise BaselineProblem(f"{given}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); "
                              "write it again with --write-baseline") from None
    except (ValueError, RecursionError):  # a number of thousands of digits; arrays nested thousands deep
        raise BaselineProblem(f"{given}: not a baseline file (JSON beyond what a baseline holds); "
                              "write it again with --write-baseline") from None
    return _parsed(data, given, os.path.dirname(real))


def _parsed(data: Any, given: str, folder: str) -> Baseline:
    if not isinstance(data, dict) or FORMAT_KEY not in data:
        raise BaselineProblem(f"{given}: not a journeymap baseline (no '{FORMAT_KEY}' key); "
                              "write one with --write-baseline")
    if data[FORMAT_KEY] != VERSION:
        raise BaselineProblem(f"{given}: baseline version {data[FORMAT_KEY]!r}; this journeymap reads version "
                              f"{VERSION}: write it again with --write-baseline")
    entries = data.get("findings")
    if not isinstance(entries, list):
        raise BaselineProblem(f"{given}: 'findings' must be a list of entries")
    counts: Counter[Key] = Counter()
    names: dict[Key, str] = {}
    for number, entry in enumerate(entries, start=1):
        key, count, name = _entry(entry, f"{given}: entry {number} of 'findings'")
        counts[key] += count
        names[key] = name
    return Baseline(given, folder, dict(counts), names)


def _entry(entry: Any, where: str) -> tuple[Key, int, str]:
    if not isinstance(entry, dict):
        raise BaselineProblem(f"{where}: must be an object with map, rule, node and count")
    map_, rule, node = (entry.get(name) for name in ("map", "rule", "node"))
    count = entry.get("count", 1)
    if not (isinstance(map_, str) and isinstance(rule, str) and isinstance(node, str)) or not map_ or not rule:
        raise BaselineProblem(f"{where}: map, rule and node must be text (map and rule not empty)")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise BaselineProblem(f"{where}: count must be a whole number of at least 1, not {count!r}")
    name = entry.get("rule_name", "")
    return Key(map_, rule, node), count, name if isinstance(name, str) else ""


# --- what each finding is about


@dataclass(frozen=True)
class _Keyed:
    """One checked file's keys: the map's names (its id and its path) and a key per finding."""

    names: frozenset[str]
    keys: tuple[Key, ...]


def _keyed(analysis: Analysis, folder: str, max_bytes: int) -> _Keyed | None:
    """The keys of one file's findings, None for standard input: it has no name to find it by
    again. The pipeline names each finding's node while it holds the document (`Analysis.slim`);
    only a finding added after that (the cross-map rules') sends us to read the file again."""
    if analysis.path == STDIN or analysis.state is State.UNREADABLE:
        return None
    path = Path(os.path.relpath(os.path.abspath(analysis.path), folder)).as_posix()
    map_id, stable = analysis.map_id, analysis.stable_nodes
    if analysis.document is not None or map_id is None or any(f.node not in stable for f in analysis.findings):
        map_id, stable = _named(analysis, max_bytes)
    name = map_id or path
    keys = tuple(Key(name, f.rule_id, stable[f.node]) for f in analysis.findings)
    return _Keyed(frozenset({name, path}), keys)


def _named(analysis: Analysis, max_bytes: int) -> tuple[str, dict[NodePath, str]]:
    """The map's id and its findings' stable nodes, from its document or, failing that, the file."""
    doc = analysis.document
    if doc is None:
        try:
            raw = read_target(Target(analysis.path), max_bytes)
        except InputError:
            raw = b""  # gone since it was checked: known by its path, indexes as they are
        if raw and len(raw) <= max_bytes:  # a file over the limit was not read as a map: nor is it here
            doc, _ = load_bytes(raw, analysis.path)
    data = doc.data if doc is not None else None
    own_id = data.get("id") if isinstance(data, dict) else None
    return (own_id if isinstance(own_id, str) else ""), {f.node: stable_node(data, f.node) for f in analysis.findings}


# --- writing


def baseline_text(analyses: Iterable[Analysis], folder: str, max_bytes: int) -> tuple[str, int]:
    """The baseline file of these analyses' findings, and how many findings it holds."""
    counts: Counter[Key] = Counter()
    names: dict[Key, str] = {}
    for analysis in analyses:
        keyed = _keyed(analysis, folder, max_bytes)
        if keyed is None:
            continue
        for key, finding in zip(keyed.keys, analysis.findings, strict=True):
            counts[key] += 1
            names[key] = finding.rule_name
    lines = [
        "    " + json.dumps({"map": k.map, "rule": k.rule, "rule_name": names[k], "node": k.node, "count": counts[k]},
                          ensure_ascii=False)
        for k in sorted(counts)
    ]
    body = ",\n".join(lines)
    text = f'{{\n  "{FORMAT_KEY}": {VERSION},\n  "findings": [\n{body}\n  ]\n}}\n' if lines else \
        f'{{\n  "{FORMAT_KEY}": {VERSION},\n  "findings": []\n}}\n'
    return text, sum(counts.values())


def write_baseline(given: str, base: str, analyses: Sequence[Analysis], max_bytes: int) -> int:
    """Write the baseline of these analyses to `given` (relative to `base`) atomically; the number
    of findings it holds. Refused when a file could not be read: the baseline would miss its
    findings, and they would all fail the next run."""

    real = locate(given, base)
    unread = [a.path for a in analyses if a.state is State.UNREADABLE]
    if unread:
        raise BaselineProblem(f"{unread[0]} could not be read; the baseline was not written")
    text, total = baseline_text(analyses, os.path.dirname(real), max_bytes)
    write_atomic(Path(real), text)
    return total


# --- comparing a run with the baseline


@dataclass
class Outcome:
    """A run compared with a baseline: each finding's state, and the baseline's stale entries."""

    baseline: str  # the file as named
    states: dict[str, list[BaselineState]]  # by analysis path, one state a finding, in order
    stale: list[Stale]

    def state_of(self, result: Analysis) -> list[BaselineState]:
        return self.states.get(result.path) or [BaselineState.NEW] * len(result.findings)

    def only_new(self, results: Sequence[Analysis]) -> list[Analysis]:
        """The analyses with the findings the baseline holds back taken out."""
        return [
            dataclasses.replace(r, findings=[f for f, s in zip(r.findings, self.state_of(r), strict=True)
                                             if s is BaselineState.NEW])
            for r in results
        ]

    def count(self, results: Sequence[Analysis], state: BaselineState) -> int:
        if state is BaselineState.ABSENT:
            return sum(s.count for s in self.stale)
        return sum(self.state_of(r).count(state) for r in results)

    def exit_code(self, results: Sequence[Analysis], strict: bool) -> int:
        """validate's exit code on the new findings; with `strict`, stale entries fail too."""
        code = exit_code(self.only_new(results), strict)
        if code == EXIT_OK and strict and self.stale:
            return EXIT_FINDINGS
        return code


RuleRan = Callable[[Analysis, str], bool]


def compare(baseline: Baseline, analyses: Sequence[Analysis], ran: RuleRan, max_bytes: int) -> Outcome:
    """Which findings are new and which the baseline holds; which of its entries are stale.

    When a key has more findings than the baseline counted, the last ones in the file are the new
    ones (nothing says which is older; the first are held back, as they were there first more often)."""
    left = dict(baseline.counts)
    states: dict[str, list[BaselineState]] = {}
    checked: list[tuple[Analysis, _Keyed]] = []
    for analysis in analyses:
        keyed = _keyed(analysis, baseline.folder, max_bytes)
        if keyed is None:
            continue
        checked.append((analysis, keyed))
        marks = []
        for key in keyed.keys:
            held = left.get(key, 0) > 0
            if held:
                left[key] -= 1
            marks.append(BaselineState.UNCHANGED if held else BaselineState.NEW)
        states[analysis.path] = marks
    return Outcome(baseline.path, states, _stale(baseline, left, checked, ran))


def judged(analyses: Sequence[Analysis], project: Project, *, given: str | None, cwd: str,
           portfolio: bool) -> Outcome | None:
    """The run compared with the baseline named by `given` (--baseline, relative to `cwd`) or by the
    project's `baseline:` (relative to the configuration's folder); None without one. `portfolio`:
    whether the cross-map rules ran in this run."""
    if given is not None:
        loaded = read_baseline(given, cwd)
    elif project.baseline is not None:
        loaded = read_baseline(os.path.relpath(project.baseline, project.root), project.root)
    else:
        return None
    ran = rule_ran(project.rules.enabled, portfolio=portfolio and project.lint, measured=bool(project.measures))
    return compare(loaded, analyses, ran, project.max_bytes)


def _stale(baseline: Baseline, left: Mapping[Key, int], checked: Sequence[tuple[Analysis, _Keyed]],
           ran: RuleRan) -> list[Stale]:
    by_name: dict[str, Analysis] = {}
    for analysis, keyed in checked:
        for name in keyed.names:
            by_name.setdefault(name, analysis)
    stale = []
    for key in sorted(k for k, n in left.items() if n > 0):
        judge = by_name.get(key.map)
        if judge is not None and ran(judge, key.rule):
            stale.append(Stale(key, left[key], baseline.names.get(key, ""), judge.path))
    return stale


def rule_ran(enabled: frozenset[str], *, portfolio: bool, measured: bool) -> RuleRan:
    """Whether a rule ran on a file in this run, so that the absence of its findings means they were
    fixed: the checks before lint on every map that loaded; lint rules only on a valid map, when
    selected (cross-map rules only in a folder run; rules on measured data only with --measures)."""

    core = {rule.id for rule in CORE_RULES}
    cross_map = {rule.info.id for rule in PORTFOLIO_RULES}
    on_data = {rule.info.id for rule in MEASURED_RULES}

    def ran(analysis: Analysis, rule_id: str) -> bool:
        if analysis.state in (State.UNREADABLE, State.NOT_A_MAP):
            return False  # nothing past the YAML was checked: no entry of it can be judged
        if rule_id in core:
            return True
        if not analysis.linted or rule_id not in enabled:
            return False
        return (portfolio or rule_id not in cross_map) and (measured or rule_id not in on_data)

    return ran
