"""`journeymap import mermaid`: messy real-world diagrams import and validate, or are refused clearly."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import EXAMPLES, FIXTURES, journey_from_text, run_cli

from journeymap.convert.actors import is_system, opposites
from journeymap.convert.mermaid_in import import_mermaid
from journeymap.render.mermaid import mermaid_source

MERMAID = FIXTURES / "mermaid"


def imported(name: str, *args: str):
    run = run_cli("import", "mermaid", str(MERMAID / name), *args)
    data = yaml.safe_load(run.stdout) if run.exit_code == 0 else None
    return run, data


def test_messy_diagram_imports_and_validates(tmp_path):
    run, data = imported("messy.mmd")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("# yaml-language-server: $schema=")
    assert data["title"] == 'Morning coffee ☕ at Café Zoë: "the usual"'
    assert data["description"] == "A customer's morning coffee, from queue to loyalty card"
    assert [p["name"] for p in data["personas"]] == ["Léa", "Marc"]
    assert [p["id"] for p in data["personas"]] == ["lea", "marc"]
    assert [s["name"] for s in data["stages"]] == ["Arrive 🚶", "Pay & leave"]
    first, second = data["stages"][0]["touchpoints"]
    assert (first["name"], first["emotion"], first["personas"]) == ("Finds the café", 2, ["lea", "marc"])
    assert (second["name"], second["emotion"]) == ("Queues; orders", -1)
    path = tmp_path / "coffee.journey.yaml"
    path.write_text(run.stdout, encoding="utf-8")
    assert run_cli("validate", "--no-lint", str(path)).exit_code == 0


def test_warnings_never_lose_data_silently():
    run, data = imported("warnings.mmd")
    assert run.exit_code == 0
    lines = run.stderr.splitlines()
    assert any(":4: warning: score 3.6 of 'Decimal score' is not a whole number; rounded to 4" in x for x in lines)
    assert any(":5: warning: score 'great' of 'Word score' is not a number" in x for x in lines)
    assert any(":6: warning: an empty actor name" in x for x in lines)
    assert any(":7: warning: 'Extra fields' has extra `:` fields" in x for x in lines)
    tasks = data["stages"][0]["touchpoints"]
    assert tasks[0]["emotion"] == 1 and "emotion" not in tasks[1]
    assert tasks[2]["personas"] == ["ann", "bob"]
    assert tasks[3]["description"] == "note here"


def test_scores_outside_one_to_five_are_an_error_unless_rescaled():
    run, _ = imported("out-of-range.mmd")
    assert run.exit_code == 1
    assert "out-of-range.mmd:4: score 10 of 'Signs up' is outside Mermaid's 1..5 (3 such tasks)" in run.stderr
    assert "--rescale" in run.stderr
    run, data = imported("out-of-range.mmd", "--rescale")
    assert run.exit_code == 0
    assert [t["emotion"] for t in data["stages"][0]["touchpoints"]] == [2, -2, 1]
    assert "actors 'User' and 'Users' look like the same person" in run.stderr


def test_not_a_journey_or_empty_exits_2():
    for name, words in [("flowchart.mmd", "not a Mermaid journey diagram (it starts with 'graph TD')"),
                        ("empty.mmd", "the file is empty"), ("comment-only.mmd", "the file is empty")]:
        run, _ = imported(name)
        assert run.exit_code == 2, name
        assert words in run.stderr and "`journey`" in run.stderr


def test_out_file_written_once_then_refused_without_force(tmp_path):
    out = tmp_path / "day.journey.yaml"
    first = run_cli("import", "mermaid", str(MERMAID / "messy.mmd"), "--out", str(out))
    assert first.exit_code == 0 and "Wrote" in first.stderr
    again = run_cli("import", "mermaid", str(MERMAID / "messy.mmd"), "--out", str(out))
    assert again.exit_code == 2 and "already exists; pass --force" in again.stderr
    assert run_cli("import", "mermaid", str(MERMAID / "messy.mmd"), "--out", str(out), "--force").exit_code == 0


def test_duplicate_names_get_unique_ids():
    result = import_mermaid("journey\nsection A\n  Pay: 3: X\n  Pay: 4: X\nsection A\n  😀: 5: X\n")
    stages = result.data["stages"]
    assert [s["id"] for s in stages] == ["a", "a-2"]
    assert [t["id"] for t in stages[0]["touchpoints"]] == ["pay", "pay-2"]
    assert stages[1]["touchpoints"][0]["id"] == "touchpoint-2-1"


def test_round_trip_map_to_mermaid_to_map_keeps_the_journey():
    for path in sorted(EXAMPLES.glob("*.journey.yaml")):
        original = journey_from_text(path.read_bytes(), str(path))
        back = import_mermaid(mermaid_source(original)).data
        again = journey_from_text(yaml.safe_dump(back, allow_unicode=True, sort_keys=False), "back.journey.yaml")
        assert [s.name for s in again.stages] == [s.name for s in original.stages], path.name
        assert [t.name for t in again.touchpoints()] == [t.name for t in original.touchpoints()]
        assert [t.emotion for t in again.touchpoints()] == [t.emotion for t in original.touchpoints()]
        assert sorted(p.name for p in again.personas) == sorted(p.name for p in original.personas)


def test_numbered_sections_lose_their_number_and_systems_are_not_personas(tmp_path):
    out = tmp_path / "sign-in.journey.yaml"
    run = run_cli("import", "mermaid", str(MERMAID / "sign-in.mmd"), "--rescale", "--out", str(out))
    assert run.exit_code == 0, run.stderr
    data = yaml.safe_load(out.read_text())
    assert [s["name"] for s in data["stages"]] == ["La galère", "Done"]  # not "1 · 1. La galère"
    assert [p["name"] for p in data["personas"]] == ["Unauthenticated Users", "Authenticated Users"]
    first = data["stages"][0]["touchpoints"][0]
    assert first["personas"] == ["unauthenticated-users"] and first["support"] == ["App"]
    assert "'App', 'Booking system' look like a system, not a person" in run.stderr
    assert "look like the same person" not in run.stderr  # opposites, not spelling variants
    assert f"Wrote {out}: 2 stages, 3 touchpoints." in run.stderr


def test_one_stage_is_not_called_stages(tmp_path):
    out = tmp_path / "one.journey.yaml"
    run = run_cli("import", "mermaid", "-", "--out", str(out), input="journey\nsection Only\n  Pays: 3: Me\n")
    assert f"Wrote {out}: 1 stage, 1 touchpoint." in run.stderr


def test_rescale_says_what_each_score_became_and_midpoint_keeps_the_middle_neutral():
    run, data = imported("sign-in.mmd", "--rescale")
    assert "Each score became: 4 → −2, 6 → 0, 9 → +2" in run.stderr
    assert "pass --midpoint to keep it neutral" in run.stderr
    run, data = imported("sign-in.mmd", "--midpoint", "5.5")
    assert run.exit_code == 0, run.stderr
    assert [t["emotion"] for s in data["stages"] for t in s["touchpoints"]] == [-1, 0, 2]
    assert "score 5.5 became neutral (0)" in run.stderr and "4 → −1" in run.stderr


def test_opposites_and_spelling_variants_are_told_apart():
    result = import_mermaid("journey\nsection S\n  A: 3: Customer, Custmer\n  B: 3: Members, Non-members\n")
    said = " ".join(result.warnings)
    assert "'Customer' and 'Custmer' look like the same person" in said
    assert "Non-members" not in said


OPPOSITE_NAMES = [
    ("Unauthenticated Users", "Authenticated User"),  # a prefix, and a plural that is no difference
    ("Unauthenticated Users", "Authenticated Users"),
    ("Members", "Non-members"),
    ("Not signed in", "Signed in"),
    ("Anonymous visitors", "Signed-in visitors"),
    ("Anonymous", "Signed in users"),
    ("Guest", "Member"),
    ("Logged out user", "Logged in user"),
    ("New customer", "Returning customers"),
    ("Usuario no registrado", "Usuario registrado"),
    ("Nicht-Mitglieder", "Mitglieder"),
    ("Client non connecté", "Client connecté"),
    ("未登録ユーザー", "登録ユーザー"),
]
SAME_PEOPLE = [("Customer", "Customers"), ("User", "Users"), ("Customer", "Custmer"), ("Admin", "Admins"),
               ("Léa", "Lea"), ("Anonymous visitor", "Anonymous visitors")]


@pytest.mark.parametrize(("a", "b"), OPPOSITE_NAMES)
def test_names_that_say_the_opposite_are_two_people_never_one(a, b):
    assert opposites(a, b) and opposites(b, a)
    result = import_mermaid(f"journey\nsection S\n  Task: 3: {a}\n  Other: 4: {b}\n")
    assert not [w for w in result.warnings if "same person" in w], result.warnings
    assert [p["name"] for p in result.data["personas"]] == [a, b]
    assert len({p["id"] for p in result.data["personas"]}) == 2


@pytest.mark.parametrize(("a", "b"), SAME_PEOPLE)
def test_spelling_variants_are_not_opposites(a, b):
    assert not opposites(a, b)


SYSTEMS = ["App", "Apps", "App Banque", "Mobile App", "Banking app", "Web site", "Site web", "CRM", "Chatbot",
           "Booking system", "Payment API", "Customer portal", "Application mobile", "Sistema de reservas",
           "Portal do cliente", "Fahrkarten-App", "Webseite", "Correo", "Email newsletter", "銀行アプリ",
           "チャットボット"]
PEOPLE = ["Me", "Léa", "Busy parent", "Customer", "Happy customer", "App users", "Site manager", "Email marketer",
          "Web developer", "Systems engineer", "Support agent", "Service client", "Kunde", "Unauthenticated Users",
          "アプリ利用者", "サポート担当"]


@pytest.mark.parametrize("actor", SYSTEMS)
def test_systems_are_known_by_what_they_are(actor):
    assert is_system(actor)


@pytest.mark.parametrize("actor", PEOPLE)
def test_people_are_not_systems_even_beside_a_system_word(actor):
    assert not is_system(actor)


_WORD = st.from_regex(r"[A-Z][a-z]{3,9}", fullmatch=True)


@given(st.lists(_WORD, min_size=1, max_size=3))
def test_a_name_and_its_negation_are_opposites_but_never_a_name_and_its_plural(words):
    name = " ".join(words)
    negated = " ".join([f"Non-{words[0].lower()}", *words[1:]])
    assert opposites(name, negated) and opposites(negated, name)
    assert not opposites(name, name) and not opposites(name, f"{name}s")


@given(st.sampled_from(["App", "Website", "Booking system", "Chatbot", "CRM", "Portal"]), _WORD)
def test_a_system_word_makes_a_system_unless_a_word_for_people_ends_the_name(system, word):
    assert is_system(f"{word} {system}")  # "Banking app": the head word is last
    assert not is_system(f"{system} users") and not is_system(f"{system} manager")


# the import of each journey, as its team would check it: who the personas are, what goes to support
JOURNEYS = {
    "desk-booking.en.mmd": (["Unauthenticated Users", "Authenticated User", "Facilities manager"],
                            ["Web site", "Mobile App", "Booking system", "Chatbot", "CRM"]),
    "support.en.mmd": (["Anonymous visitors", "Signed-in visitors", "Support agent", "Email marketer"],
                       ["Customer portal", "Chatbot", "Banking app", "Email"]),
    "ouvrir-un-compte.fr.mmd": (["Prospect", "Conseillère", "Client"],
                                ["Site web", "App Banque", "Application mobile"]),
    "zugticket.de.mmd": (["Kunde", "Mitglieder", "Nicht-Mitglieder", "Zugbegleiter"],
                         ["Webseite", "Fahrkarten-App", "Automat"]),
    "reservar-mesa.es.mmd": (["Usuario no registrado", "Usuario registrado"],
                             ["Aplicación móvil", "Sistema de reservas", "Correo"]),
    "netto-chumon.ja.mmd": (["未登録ユーザー", "登録ユーザー", "サポート担当"],
                            ["ショッピングアプリ", "ウェブサイト", "決済システム", "チャットボット"]),
}


@pytest.mark.parametrize("name", sorted(JOURNEYS))
def test_real_journeys_put_people_in_personas_and_systems_in_support(name, tmp_path):
    personas, systems = JOURNEYS[name]
    out = tmp_path / "imported.journey.yaml"
    run = run_cli("import", "mermaid", str(MERMAID / "journeys" / name), "--out", str(out))
    assert run.exit_code == 0, run.stderr
    assert "same person" not in run.stderr
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert [p["name"] for p in data["personas"]] == personas
    touchpoints = [t for s in data["stages"] for t in s["touchpoints"]]
    supported = list(dict.fromkeys(x for t in touchpoints for x in t.get("support", [])))
    assert supported == systems
    assert ", ".join(f"'{s}'" for s in systems) + " look like a system, not a person" in run.stderr
    assert run_cli("validate", "--no-lint", str(out)).exit_code == 0


def test_a_front_matter_title_is_the_map_title_and_an_unclosed_one_is_refused():
    run, data = imported("journeys/desk-booking.en.mmd")
    assert data["title"] == "Booking a desk for the day"  # the diagram's own title wins
    result = import_mermaid("---\ntitle: 'Onboarding: week one'\nconfig:\n  title: not this\n---\n"
                            "journey\nsection A\n  Signs: 3: Me\n")
    assert result.data["title"] == "Onboarding: week one"
    run = run_cli("import", "mermaid", "-", input="---\ntitle: x\njourney\nsection A\n  Signs: 3: Me\n")
    assert run.exit_code == 2
    assert "<stdin>:1: the front matter that starts with `---` is never closed with `---`" in run.stderr
    run = run_cli("import", "mermaid", "-", input="---\ntitle: x\n---\n")
    assert run.exit_code == 2 and "nothing follows the front matter" in run.stderr


# names as people type them, without what a Mermaid task line cannot hold as written (`:`, and `,`
# among actors; `#`, `;`, `%` and backticks start entities, statements, comments and fences)
_NAME = st.text(st.characters(blacklist_categories=["Cc", "Cs", "Zl", "Zp"], blacklist_characters=":#;,%`~"),
                min_size=1, max_size=30).filter(lambda x: x.strip() and not re.match(
                    r"(?i)\s*(journey|title|section|acc)", x))
_ACTORS = st.lists(st.sampled_from(["Me", "Léa", "App", "Unauthenticated Users", "Authenticated User", "App Banque",
                                    "Agent", "未登録ユーザー"]), max_size=3, unique=True)


@st.composite
def diagrams(draw: st.DrawFn) -> str:
    lines = ["journey", f"  title {draw(_NAME)}"]
    for _ in range(draw(st.integers(1, 4))):
        lines.append(f"  section {draw(_NAME)}")
        for _ in range(draw(st.integers(0, 4))):
            actors = draw(_ACTORS)
            lines.append(f"    {draw(_NAME)}: {draw(st.integers(1, 5))}" + (f": {', '.join(actors)}" if actors else ""))
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(diagrams())
def test_importing_then_exporting_to_mermaid_keeps_every_section_and_task(diagram: str):
    first = import_mermaid(diagram).data
    journey = journey_from_text(yaml.safe_dump(first, allow_unicode=True, sort_keys=False))
    again = import_mermaid(mermaid_source(journey)).data

    def tasks(data: dict) -> list[tuple[str, list[tuple[str, int]]]]:
        # pictures and exports write text on one line, with runs of spaces (no-break ones too) as one
        def folded(text: str) -> str:
            return " ".join(text.split())

        return [(folded(s["name"]), [(folded(t["name"]), t["emotion"]) for t in s["touchpoints"]])
                for s in data["stages"]]

    assert tasks(again) == tasks(first)
    assert len(first["stages"]) == diagram.count("\n  section ")


def test_the_schemastore_catalog_entry_matches_journey_files():
    import json

    from journeymap.schema import SCHEMA_ID

    entry = json.loads((EXAMPLES.parent / "schemas" / "catalog-entry.json").read_text())
    assert entry["fileMatch"] == ["*.journey.yaml", "*.journey.yml"]
    assert entry["url"] == SCHEMA_ID and entry["name"] == "journeymap"
