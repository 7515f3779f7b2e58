"""A measured shop: the fixture map, generated data with a planted truth, and the snapshot."""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path

from journeymap.config import default_project
from journeymap.io.sources import Target
from journeymap.measure import synthetic
from journeymap.measure.compute import measure_journey
from journeymap.measure.engine import Engine
from journeymap.measure.engines import make_engine
from journeymap.measure.spec import Options, spec_for
from journeymap.measures import MeasuresSnapshot
from journeymap.model import Journey
from journeymap.pipeline import analyse
from tests.conftest import FIXTURES

SHOP = FIXTURES / "measure" / "shop.journey.yaml"


@dataclass
class Shop:
    folder: Path
    map: Path
    journey: Journey
    plan: synthetic.Plan
    truth: synthetic.Truth

    def rows(self) -> list[dict[str, str]]:
        with (self.folder / "events.csv").open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def measured(self, engine: Engine | None = None, **options: str) -> MeasuresSnapshot:
        spec = spec_for(self.journey, {}, str(self.folder), Options(**options))
        made = engine or make_engine(spec.engine, spec.files(), database=spec.database())
        try:
            return measure_journey(self.journey, spec, made)
        finally:
            if engine is None:
                made.close()


def journey_at(path: Path) -> Journey:
    analysis = analyse(Target(str(path)), default_project().with_options(lint=False))
    assert analysis.valid and analysis.journey is not None, analysis.findings
    return analysis.journey


def shop(folder: Path, plan: synthetic.Plan | None = None, source: Path = SHOP) -> Shop:
    plan = plan or synthetic.Plan(users=600)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".git").mkdir(exist_ok=True)  # the repository the map's data paths stay inside
    target = folder / "shop.journey.yaml"
    shutil.copy(source, target)
    journey = journey_at(target)
    synthetic.write_csv(folder / "events.csv", synthetic.EVENT_COLUMNS, synthetic.events(journey, plan))
    synthetic.write_csv(folder / "surveys.csv", synthetic.SURVEY_COLUMNS, synthetic.surveys(journey, plan))
    return Shop(folder, target, journey, plan, synthetic.truth_of(journey, plan))
