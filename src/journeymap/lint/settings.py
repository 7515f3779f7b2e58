"""Which lint rules run, at which severity, with which options: what the configuration decides
and the lint engine and the portfolio pass obey. Apart from config.py so lint never imports the
configuration; the configuration makes these from its file and flags."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from journeymap.findings import Severity
from journeymap.lint.registry import lint_rule_ids


@dataclass(frozen=True)
class RuleSettings:
    """Which lint rules run, at which severity, with which options. `chosen` None is the default,
    every lint rule: looked up in the registry only when lint asks (`enabled`), so a command that
    draws a map under a configuration that names no rule never loads the rules."""

    chosen: frozenset[str] | None = None
    severity: Mapping[str, Severity] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def enabled(self) -> frozenset[str]:
        """The ids of the lint rules that run."""
        return lint_rule_ids() if self.chosen is None else self.chosen
