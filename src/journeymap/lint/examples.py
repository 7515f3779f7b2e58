"""Each rule's example maps: a "flagged" map the rule reports and a "clean" one, kept as data files.

They live in `lint/rules/examples/<ID>.yaml` (packaged with journeymap), one file a rule, the
built-in checks' too, so a map reads as a map, not as a Python string, and a test can run every
one of them (tests/lint/test_rule_examples.py). They are read only by what shows them:
`journeymap rules`, docs/rules.md (`make docs`) and the SARIF rule help, never by a check.
A rule without a file (its trigger cannot be written as map text) has no examples.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

import yaml

KEYS = ("flagged", "clean")


@dataclass(frozen=True)
class RuleExamples:
    flagged: str = ""  # a map (or several files, each after a `# file: NAME` line) the rule reports
    clean: str = ""  # the map put right: no finding at all


class BrokenExamples(Exception):
    """An examples file that journeymap itself ships is not what this module expects (a bug)."""


@functools.cache
def _folder() -> Traversable:
    # looked up once: each lookup costs about a millisecond, and SARIF output shows every rule's examples
    return resources.files("journeymap.lint.rules").joinpath("examples")


@functools.cache
def examples_of(rule_id: str) -> RuleExamples:
    file = _folder().joinpath(f"{rule_id}.yaml")
    if not file.is_file():
        return RuleExamples()
    data = yaml.load(file.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict) or set(data) - set(KEYS) or not all(isinstance(v, str) for v in data.values()):
        raise BrokenExamples(f"examples/{rule_id}.yaml: expected the keys {', '.join(KEYS)}, each a block of text")
    return RuleExamples(**data)
