from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import importlib.util
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

import cjlib
from cjlib.errors import DataError
from cjlib.map import (
    JourneyMap,
    Objective,
    Opportunity,
    PainPoint,
    Persona,
    Stage,
    Touchpoint,
    render_map,
)
from cjlib.plot._style import PALETTE, SEVERITY_COLORS


def _energy_map() -> JourneyMap:
    path = Path(__file__).resolve().parents[1] / "map" / "energy_map.py"
    spec = importlib.util.spec_from_file_location("energy_map_fixture", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_energy_map()


@pytest.fixture(scope="module")
def energy_map() -> JourneyMap:
    return _energy_map()


@pytest.fixture(scope="module")
def page(energy_map) -> str:
    return render_map(energy_map)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.starts: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.ends: Counter[str] = Counter()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.starts.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.starts.append((tag, attrs))
        self.ends[tag] += 1

    def handle_endtag(self, tag):
        self.ends[tag] += 1

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


# -- every piece of user text is escaped ------------------------------------------------------
def _payload(n: int) -> str:
    return (
        f"<script>alert({n})</script><img src=x onerror=alert({n})>"
        f"\"><svg onload=alert({n})>' onmouseover='alert({n})"
    )


def _poisoned_map() -> tuple[JourneyMap, list[str]]:
    counter = iter(range(10**6))
    used: list[str] = []

    def p() -> str:
        used.append(_payload(next(counter)))
        return used[-1]

    persona_a, persona_b = p(), p()
    pain = PainPoint(text=p(), severity=p(), id=p(), personas=(persona_a,))
    known_pain = PainPoint(text=p(), severity="critical", id=p())
    opportunity = Opportunity(
        text=p(), effort=p(), owner=p(), expected_effect=0.3, id=p(), addresses=(pain.id,)
    )
    touchpoints = tuple(
        Touchpoint(
            id=p(),
            name=p(),
            channel=p(),
            owner=p(),
            ownership=p(),
            actions=(p(), p()),
            thoughts=(p(),),
            expectation=p(),
            emotion={persona_a: -1.0, persona_b: 1.5},
            pain_points=(pain, known_pain),
            opportunities=(opportunity,),
            events=(p(), p()),
        )
        for _ in range(2)
    )
    jm = JourneyMap(
        id=p(),
        name=p(),
        description=p(),
        personas=tuple(
            Persona(
                id=pid,
                name=p(),
                description=p(),
                goals=(p(),),
                frustrations=(p(),),
                share=0.4,
                segment=p(),
            )
            for pid in (persona_a, persona_b)
        ),
        stages=(
            Stage(id=p(), name=p(), description=p(), owner=p(), touchpoints=touchpoints),
            Stage(id=p(), name=p(), description=p(), owner=p(), touchpoints=touchpoints),
        ),
        objectives=(
            Objective(
                id=p(),
                kpi=p(),
                target=3.0,
                deadline=dt.date(2027, 1, 1),
                owner=p(),
                baseline=1.0,
                direction=p(),
                unit=p(),
                description=p(),
            ),
        ),
        metadata={p(): p()},
    )
    return jm, used


@pytest.mark.parametrize("standalone", [True, False])
def test_no_user_text_survives_as_markup(standalone):
    jm, payloads = _poisoned_map()
    html = render_map(jm, standalone=standalone)
    parsed = _parse(html)
    tags = {tag for tag, _ in parsed.starts}
    assert "script" not in tags
    assert "img" not in tags
    assert not [tag for tag, _ in parsed.starts if tag == "svg"][1:]  # only our curve's svg
    handlers = [
        (tag, name)
        for tag, attrs in parsed.starts
        for name, _ in attrs
        if name.lower().startswith("on")
    ]
    assert handlers == []
    # user text is shown, as text: every rendered field comes back verbatim from the parser
    text = "".join(parsed.text)
    shown = [p for p in payloads if p in text]
    tp = jm.stages[0].touchpoints[0]
    not_shown = {
        jm.id,
        jm.stages[0].id,
        jm.stages[1].id,
        jm.objectives[0].id,
        tp.id,
        jm.stages[0].touchpoints[1].id,
        jm.personas[0].id,
        jm.personas[1].id,
        tp.pain_points[0].id,
        tp.pain_points[1].id,
        tp.opportunities[0].id,
        # an unknown ownership is drawn as the default badge, a direction as an arrow
        tp.ownership,
        jm.stages[0].touchpoints[1].ownership,
        jm.objectives[0].direction,
    }
    assert set(payloads) - set(shown) <= not_shown  # ids are keys, not shown on the canvas


def test_the_payload_fields_really_are_rendered():
    # the check above would be empty if the canvas showed nothing: make sure it shows all this
    jm, _ = _poisoned_map()
    text = "".join(_parse(render_map(jm)).text)
    for value in (
        jm.name,
        jm.description,
        jm.personas[0].segment,
        jm.objectives[0].unit,
        jm.stages[0].touchpoints[0].events[1],
        jm.stages[1].owner,
        jm.stages[0].touchpoints[0].opportunities[0].owner,
        next(iter(jm.metadata.values())),
    ):
        assert value in text


# -- structure ---------------------------------------------------------------------------------
def test_standalone_page_and_fragment(energy_map, page):
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Switching to GreenVolt energy · journey map</title>" in page
    fragment = render_map(energy_map, standalone=False)
    assert fragment.startswith('<div class="cj-map" id="cjmap-')
    assert energy_map._repr_html_().startswith('<div class="cj-map"')
    assert cjlib.render_map is render_map


def test_heading_level_nests_the_canvas_under_a_page_outline(energy_map, page):
    def headings(html):
        return re.findall(r"<(h[1-6])\b[^>]*>([^<]*)</\1>", html)

    assert headings(page)[0] == ("h1", energy_map.name)  # default unchanged
    assert {tag for tag, _ in headings(page)[1:]} == {"h2"}
    nested = render_map(energy_map, standalone=False, heading_level=3)
    found = headings(nested)
    assert found[0] == ("h3", energy_map.name)
    assert {text for _, text in found[1:]} == {"Personas", "Objectives", "Legend"}
    assert {tag for tag, _ in found[1:]} == {"h4"}
    assert "<h1" not in nested and "<h2" not in nested
    # the look does not depend on the level: the style targets classes, not tags
    assert re.search(r"\bh[1-6]\s*\{", nested) is None
    for bad in (0, 6, 2.0, True, "2"):
        with pytest.raises(DataError, match=r"heading_level must be an integer from 1 to 5"):
            render_map(energy_map, heading_level=bad)


def test_html_is_balanced(page):
    parsed = _parse(page)
    opened = Counter(tag for tag, _ in parsed.starts)
    for tag in ("div", "svg", "ul", "li", "section", "header", "span", "code"):
        assert opened[tag] == parsed.ends[tag], tag


def test_self_contained_no_script_no_network(page):
    assert "<script" not in page
    assert re.findall(r"https?://[^\"' )]+", page) == ["http://www.w3.org/2000/svg"]
    assert " src=" not in page and "href=" not in page and "@import" not in page


def test_stages_are_columns_spanning_their_touchpoints(energy_map, page):
    assert "grid-template-columns:132px repeat(20, 210px)" in page
    spans = re.findall(r'class="cj-stage cj-s\d" style="grid-column: span (\d+)"', page)
    assert [int(s) for s in spans] == [3, 4, 3, 3, 3, 4]
    names = re.findall(r'<div class="cj-stagename">([^<]*)</div>', page)
    assert names == [s.name for s in energy_map.stages]


def test_lanes(page):
    labels = re.findall(r'<div class="cj-label(?: cj-corner)?">([^<]*)', page)
    assert labels == [
        "Stage",
        "Doing",
        "Touchpoints",
        "Thinking &amp; expecting",
        "Feeling",
        "Pain points",
        "Opportunities",
        "Backstage",
    ]
    assert page.count('<div class="cj-tp cj-tp-') == 20


def test_touchpoint_cards_show_channel_owner_and_ownership_badge(page):
    card = re.search(r'<div class="cj-tp cj-tp-external">.*?</div></div>', page).group(0)
    assert "Tip from a friend" in page
    badges = re.findall(r'<span class="cj-badge cj-(owned|partner|external)" ', page)
    # 3 in the legend + one per touchpoint
    # 3 partner (comparison site, credit check, direct debit), 3 external, 14 owned
    assert Counter(badges) == Counter({"owned": 1 + 14, "partner": 1 + 3, "external": 1 + 3})
    assert "cj-badge cj-external" in card


def test_emotion_curve_is_inline_svg_with_one_dot_per_score(energy_map, page):
    svg = re.search(r"<svg class=\"cj-curve\".*?</svg>", page).group(0)
    assert svg.count("<circle") == 40
    paths = re.findall(r'<path d="[^"]+" fill="none" stroke="(#[0-9A-Fa-f]{6})"', svg)
    assert paths == [PALETTE[0], PALETTE[1]]
    assert ">\u22122.0</text>" in svg  # the call-centre low of the saver


def test_curve_stays_within_the_scale():
    """The monotone curve never swings past a score it connects (no overshoot at plateaus)."""
    from cjlib.plot._canvas import _smooth_path

    points = [(0.0, 10.0), (100.0, 10.0), (200.0, 160.0), (300.0, 160.0), (400.0, 20.0)]
    numbers = [float(v) for v in re.findall(r"-?\d+\.?\d*", _smooth_path(points))]
    ys = numbers[1::2]
    assert min(ys) >= 10.0 and max(ys) <= 160.0


def test_personas_option_draws_only_those_curves(energy_map):
    html = render_map(energy_map, personas=["eco"])
    svg = re.search(r"<svg class=\"cj-curve\".*?</svg>", html).group(0)
    assert svg.count("<circle") == 20
    assert re.findall(r'fill="none" stroke="(#[0-9A-Fa-f]{6})"', svg) == [PALETTE[1]]
    with pytest.raises(DataError, match=r"personas: unknown persona id\(s\) \['kid'\]"):
        render_map(energy_map, personas=["kid"])


def test_pain_points_are_post_its_coloured_by_severity(energy_map, page):
    colours = re.findall(r'<div class="cj-postit" style="background:(#[0-9a-f]{6});', page)
    by_colour = Counter(colours)
    assert by_colour[SEVERITY_COLORS["critical"]] == 3
    assert by_colour[SEVERITY_COLORS["high"]] == 5
    assert by_colour[SEVERITY_COLORS["medium"]] == 3
    assert by_colour[SEVERITY_COLORS["low"]] == 2
    # on one touchpoint the worst post-it comes first
    call = page.index("35-minute hold time")
    assert call < page.index("Has to repeat the story")
    assert "Green homeowner" in page[page.index("Green certificates") :][:200]


def test_opportunities_show_effort_owner_and_effect(page):
    assert page.count('<div class="cj-opp">') == 10
    chunk = page[page.index("Photo-scan the meter") :][:300]
    assert "effort L · −40% expected" in chunk and "Digital" in chunk


def test_backstage_marks_every_change_of_owner(page):
    # owners along the journey (touchpoint owner, else the stage's): 12 changes of hands
    assert page.count("\u21c4 from ") == 12
    stage_handoffs = re.findall(r'<span class="cj-handoff">\u21c4 ([^<]* → [^<]*)</span>', page)
    assert stage_handoffs == [
        "Marketing → Sales",
        "Sales → Operations",
        "Operations → Billing",
        "Billing → Customer care",
    ]
    assert "<code>complaint_*</code>" in page


def test_header_shows_personas_and_objectives(page):
    assert "62% of customers" in page and "<code>price_sensitive</code>" in page
    assert "Lowest monthly cost" in page and "Greenwashing" in page
    assert "0.88\u2009share \u2192 <b>0.92\u2009share</b>" in page
    assert "41% \u2192 <b>25%</b>" in page
    assert "by 2027-03-31 · Customer care" in page
    assert "author: CX team" in page


def test_render_does_not_change_the_map(energy_map):
    before = copy.deepcopy(energy_map)
    render_map(energy_map)
    assert energy_map == before


def test_empty_and_invalid_maps_still_render():
    empty = render_map(JourneyMap(id="m", name="Draft"))
    assert "This map has no touchpoints yet." in empty
    odd = JourneyMap(
        id="m",
        name="M",
        personas=(Persona("a", "A"),),
        stages=(
            Stage(
                "s",
                "S",
                touchpoints=(
                    Touchpoint(
                        "t",
                        "T",
                        ownership="nobody",
                        emotion={"a": "bad", "ghost": 1.0},
                        pain_points=(PainPoint("x", "severe"),),
                    ),
                ),
            ),
        ),
    )
    html = render_map(odd)
    assert "<circle" not in html  # a non-numeric score is not drawn
    assert "severe" in html


def test_non_map_is_a_clear_error():
    with pytest.raises(DataError, match="journey_map: expected a JourneyMap, got dict"):
        render_map({"id": "m"})


def test_every_dataclass_text_field_is_covered_by_the_xss_map():
    """If someone adds a text field to the model, the payload map above must cover it."""
    jm, _ = _poisoned_map()
    objects = [
        jm,
        *jm.personas,
        *jm.stages,
        *jm.objectives,
        *jm.touchpoints,
        *jm.touchpoints[0].pain_points[:1],
        *jm.touchpoints[0].opportunities,
    ]
    for obj in objects:
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, str):
                assert "<script>" in value, (type(obj).__name__, f.name)
