"""A damaged event log is refused in one line naming the file and the row, whichever engine
reads it (tests/measure/test_spark.py runs the same files through Spark)."""

from __future__ import annotations

import dataclasses

import pytest

from journeymap.errors import JourneymapError
from journeymap.measure import synthetic
from tests.measure.damaged import damaged_logs
from tests.measure.helpers import Shop, journey_at, shop


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Shop:
    return shop(tmp_path_factory.mktemp("shop"), synthetic.Plan(users=120))


@pytest.mark.parametrize("kind", ["early", "late", "empty", "gzip"])
def test_a_damaged_log_is_one_line_naming_file_and_row(small: Shop, kind: str) -> None:
    path, start = damaged_logs(small.folder / "events.csv")[kind]
    with pytest.raises(JourneymapError) as raised:
        small.measured(events=str(path))
    message = str(raised.value)
    assert message.startswith(start), message
    assert "\n" not in message and "column0" not in message and "sniff" not in message


def test_the_gzip_message_says_what_to_do(small: Shop) -> None:
    path, _ = damaged_logs(small.folder / "events.csv")["gzip"]
    with pytest.raises(JourneymapError, match=r"gzip data is damaged.*compress the file again"):
        small.measured(events=str(path))


def test_a_ragged_row_exits_2_through_the_command(small: Shop, cli) -> None:
    path, start = damaged_logs(small.folder / "events.csv")["late"]
    result = cli("measure", str(small.map), "--events", str(path))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"journeymap: error: {start}; fix or remove the row"]


def test_a_tab_separated_log_reads_as_the_same_numbers(small: Shop) -> None:
    tsv = small.folder / "events.tsv"
    tsv.write_text((small.folder / "events.csv").read_text(encoding="utf-8").replace(",", "\t"), encoding="utf-8")
    assert small.measured(events=str(tsv)).funnel == small.measured().funnel


def test_a_misspelt_signal_gets_a_did_you_mean_from_the_log_s_event_names(small: Shop, cli) -> None:
    source = small.map.read_text(encoding="utf-8")
    misspelt = source.replace("signals: [payment_done]", "signals: [paymnet_done]")
    assert misspelt != source
    target = small.folder / "misspelt.journey.yaml"
    target.write_text(misspelt, encoding="utf-8")
    snapshot = dataclasses.replace(small, map=target, journey=journey_at(target)).measured()
    expected = {"touchpoint": "pays", "signal": "paymnet_done", "did_you_mean": "payment_done"}
    assert expected in snapshot.unmatched_signals
    result = cli("measure", str(target))
    assert "signal 'paymnet_done' of touchpoint 'pays' matches no event in events.csv; did you mean 'payment_done'?" \
        in result.stderr
    assert "Signal matches no event: paymnet_done (touchpoint pays); did you mean payment_done?" in result.stdout


def test_a_pattern_or_a_name_far_from_every_event_gets_no_suggestion() -> None:
    from journeymap.measure.classify import closest

    names = ["payment_done", "basket_add", "ad_impression"]
    assert closest("paymnet_done", names) == "payment_done"
    assert closest("payment_*", names) is None
    assert closest("newsletter_signup", names) is None

