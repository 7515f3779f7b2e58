"""The model's derived facts that several commands rely on."""

from __future__ import annotations

from journeymap.model import is_resolved
from tests.conftest import journey_from_text

MAP = """\
journeymap: 1
title: Returns
stages:
  - id: send
    name: Send back
    touchpoints:
      - id: prints-label
        name: Prints a label
        pain_points:
          - {id: no-printer, description: Has no printer, severity: high}
          - {id: label-fee, description: The label costs money}
          - {id: lost-parcel, description: The parcel is lost}
opportunities:
  - {id: qr-code, description: A QR code at the post office, addresses: [no-printer], status: done}
  - {id: free-label, description: Free labels, addresses: [label-fee, no-printer], status: planned}
  - {id: tracked, description: Tracked returns, addresses: [label-fee], status: done}
"""


def test_addressing_lists_each_pain_points_opportunities_in_map_order():
    addressing = journey_from_text(MAP).addressing()
    assert {k: [o.id for o in v] for k, v in addressing.items()} == {
        "no-printer": ["qr-code", "free-label"],
        "label-fee": ["free-label", "tracked"],
    }


def test_a_pain_point_is_open_until_every_opportunity_addressing_it_is_done():
    journey = journey_from_text(MAP)
    assert [p.id for p in journey.open_pain_points()] == ["no-printer", "label-fee", "lost-parcel"]
    done = MAP.replace("addresses: [label-fee, no-printer], status: planned", "addresses: [label-fee, no-printer], "
                       "status: done")
    assert [p.id for p in journey_from_text(done).open_pain_points()] == ["lost-parcel"]


def test_no_opportunity_is_not_resolved():
    assert not is_resolved(None) and not is_resolved([])
