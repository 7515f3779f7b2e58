"""The header band of poster and page: title, description, owner and review date, persona cards,
what the map holds at a glance, and the emotion legend."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from journeymap.model import Journey, Persona
from journeymap.render.grid import Grid, emotion_class
from journeymap.render.palette import EMOTION, SEVERITY, STATUS, emotion_score, emotion_swatch
from journeymap.render.text import clean, direction_attrs, html_text


def header_band(
    journey: Journey, photos: Mapping[str, str], *, max_personas: int | None = None, empty_lanes: Sequence[str] = (),
    logo: str = "",
) -> str:
    """`photos` maps persona id to an image URL that journeymap built (never map text);
    `max_personas` the cards that fit (default: four with details, twelve with only a name; a
    "+ 1 more" card never hides a single persona); `empty_lanes` names the lanes left out of the
    grid because they hold nothing yet; `logo` is the brand's logo element (render.theme.logo_html),
    shown above the title."""
    meta = []
    if journey.owner:
        meta.append(("Owner", html_text(journey.owner)))
    if journey.last_reviewed:
        meta.append(("Last reviewed", html_text(journey.last_reviewed)))
    touchpoints = sum(len(s.touchpoints) for s in journey.stages)
    meta.append(("Scope", f"{_count(len(journey.stages), 'stage')} · {_count(touchpoints, 'touchpoint')}"))
    if journey.tags:
        meta.append(("Tags", " · ".join(html_text(t) for t in journey.tags)))
    meta_html = "".join(f"<div><dt>{k}</dt><dd>{v}</dd></div>" for k, v in meta)
    description = f'<p class="description">{html_text(journey.description)}</p>' if journey.description else ""
    # cards that hold only a name are small: they flow in rows, so many short personas all show
    compact = not any(_has_details(p) for p in journey.personas)
    limit = max_personas if max_personas is not None else 12 if compact else 4
    shown = journey.personas if len(journey.personas) <= limit + 1 else journey.personas[:limit]
    more = len(journey.personas) - len(shown)
    cards = "".join(persona_card(p, photos.get(p.id)) for p in shown)
    if more:
        # the hidden personas are still named, so no one disappears from the poster
        hidden = html_text(", ".join(p.name for p in journey.personas[len(shown):]))
        cards += f'<div class="persona more"><h2>+ {_count(more, "more persona")}</h2><p class="who">{hidden}</p></div>'
    compact_class = " compact" if compact else ""
    personas = f'<div class="personas"><div class="persona-row{compact_class}">{cards}</div></div>' if cards else ""
    return (
        '<header class="band">'
        f'<div class="titles">{logo}<p class="kicker">Customer journey map</p><h1{direction_attrs(journey.title)}>'
        f"{html_text(journey.title)}</h1>"
        f'{description}<dl class="meta">{meta_html}</dl></div>'
        f"{personas}{side_panel(journey, empty_lanes)}</header>"
    )


def persona_card(persona: Persona, photo_url: str | None) -> str:
    if photo_url:
        picture = f'<img class="photo" src="{html_text(photo_url)}" alt="{html_text(persona.name)}">'
    else:
        initial = clean(persona.name)[:1].upper() or "?"
        picture = f'<span class="avatar" aria-hidden="true">{html_text(initial)}</span>'
    # picture and name side by side in two cells: a name that wraps stays beside the picture
    parts = [
        f'<div class="persona-head"><span class="pic">{picture}</span>'
        f"<h2{direction_attrs(persona.name)}>{hyphenated(persona.name)}</h2></div>"
    ]
    if persona.description:
        parts.append(f'<p class="who">{html_text(persona.description)}</p>')
    if persona.quote:
        parts.append(f'<p class="quote"{direction_attrs(persona.quote)}>{html_text(persona.quote)}</p>')
    needs = []
    if persona.goals:
        needs.append(f"<div><h3>Wants</h3>{_bullets(persona.goals)}</div>")
    if persona.frustrations:
        needs.append(f"<div><h3>Frustrated by</h3>{_bullets(persona.frustrations)}</div>")
    if needs:
        parts.append(f'<div class="needs">{"".join(needs)}</div>')
    return f'<div class="persona">{"".join(parts)}</div>'


def _has_details(persona: Persona) -> bool:
    return bool(persona.description or persona.quote or persona.goals or persona.frustrations)


def side_panel(journey: Journey, empty_lanes: Sequence[str] = ()) -> str:
    swatches = "".join(
        f'<span class="swatch {emotion_class(e)}">{emotion_score(e)} {emotion_swatch(e).word}</span>'
        for e in [*EMOTION, None]
    )
    severities = Counter(p.severity for p in journey.pain_points())
    statuses = Counter(o.status for o in journey.opportunities)
    pains = "".join(
        f'<span class="pain-count sev-{s}"><span class="sev">{severities[s]} {s}</span></span>'
        for s in SEVERITY
        if severities[s]
    ) or '<span class="none">none recorded</span>'
    opportunities = "".join(
        f'<span class="st-{s}"><span class="status">{statuses[s]} {STATUS[s].word}</span></span>'
        for s in STATUS
        if statuses[s]
    ) or '<span class="none">none yet</span>'
    return (
        '<aside class="side">'
        f'<section><h3>Feeling</h3><div class="swatches">{swatches}</div></section>'
        f'<section><h3>Pain points</h3><div class="counts">{pains}</div></section>'
        f'<section><h3>Opportunities</h3><div class="counts">{opportunities}</div></section>'
        f"{_empty_lanes(empty_lanes)}</aside>"
    )


def unlinked_band(grid: Grid) -> str:
    if not grid.unlinked:
        return ""
    cards = "".join(grid.opportunity_card(o) for o in grid.unlinked)
    return (
        '<section class="unlinked"><h2>Opportunities not linked to a pain point</h2>'
        f'<div class="opps">{cards}</div></section>'
    )


def _empty_lanes(titles: Sequence[str]) -> str:
    if not titles:
        return ""
    return (
        '<section class="empty-lanes"><h3>Not on this map yet</h3>'
        f'<p class="none">{html_text(", ".join(titles))}: nothing recorded, so left out</p></section>'
    )


# words longer than this may break at a syllable (with a hyphen); shorter ones ("Unauthenticated") never do
LONG_WORD = 15


def hyphenated(text: str) -> str:
    """Escaped text with soft hyphens at the syllables of its long words only: with CSS
    `hyphens: manual`, a name breaks inside a word only where it is too long for its line, and
    never a short word ("Ma-gasin")."""
    words = re.split(r"(\s+)", text)
    if not any(len(word) > LONG_WORD for word in words):
        return html_text(text)
    import pyphen  # type: ignore[import-untyped]  # WeasyPrint's own hyphenation dictionaries; needed only for long words  # noqa: PLC0415

    dictionary = pyphen.Pyphen(lang="en_US")
    return "".join(
        "&shy;".join(html_text(piece) for piece in dictionary.inserted(word, hyphen="\x00").split("\x00"))
        if len(word) > LONG_WORD and word.isalpha() else word if word.isspace() else html_text(word)
        for word in words
    )


def _bullets(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{html_text(i)}</li>" for i in items) + "</ul>"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
