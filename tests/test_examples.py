"""The shipped examples are the first maps users read: they must stay clean."""

from __future__ import annotations

from tests.conftest import EXAMPLES, run_cli


def test_there_are_three_realistic_examples():
    names = sorted(p.name for p in EXAMPLES.glob("*.journey.yaml"))
    assert names == ["b2b-saas-trial.journey.yaml", "online-shop.journey.yaml", "passport-renewal.journey.yaml"]


def test_examples_validate_clean_with_default_lint():
    run = run_cli("validate", str(EXAMPLES))
    assert run.exit_code == 0, run.stdout
    assert run.stdout == "All clean: 3 maps checked, no findings.\n"


def test_examples_validate_clean_in_strict_mode():
    assert run_cli("validate", "--strict", str(EXAMPLES)).exit_code == 0
