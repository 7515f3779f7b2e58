"""Which lint rules run, at which severity, with which options: what the configuration decides
and the lint engine and the portfolio pass obey. Apart from config.py so lint never imports the
configuration; the configuration makes these from its file and flags."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from journeymap.findings import Severity


@dataclass(frozen=True)
class RuleSettings:
    """Which lint rules run, at which severity, with which options."""

    enabled: frozenset[str]
    severity: Mapping[str, Severity] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
