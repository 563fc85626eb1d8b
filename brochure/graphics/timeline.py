"""The treatment plan drawn as an SVG timeline: the phases' sessions and the clinic's reviews.

The SVG's unit is the typographic point (its width is given in ``pt``), so its
text prints at the size written here: :data:`FONT`, the body size.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape

from ..models.base import Duration
from ..models.content import Protocol

WIDTH = 440.0
LEFT, RIGHT = 10.0, 56.0
FONT = 12.0
CHAR_WIDTH = 0.56
"""Average width of a character, in ems, to keep labels apart and inside the picture."""
LABEL_ROW = 17.0
DOT_RADIUS = 5.0
"""A session's dot, made smaller only where sessions sit closer than its width."""
BAND_HEIGHT = 22.0
WEEKS_PER_MONTH = 52 / 12


@dataclass(frozen=True)
class Colors:
    ink: str
    accent: str
    band: str
    muted: str


@dataclass(frozen=True)
class _Session:
    week: float
    optional: bool


@dataclass(frozen=True)
class _Band:
    start: float
    end: float
    title: str
    cadence: str


def plan_sessions(protocol: Protocol) -> tuple[list[_Session], list[_Band]]:
    """Place every session on a week axis: a phase's sessions one interval apart."""
    sessions: list[_Session] = []
    bands: list[_Band] = []
    week = 0.0
    for index, phase in enumerate(protocol.phases):
        low, high = phase.interval.weeks
        step = (low + high) / 2
        if index:
            week += step
        start = week
        for number in range(phase.sessions.high):
            sessions.append(_Session(week, optional=number >= phase.sessions.low))
            if number < phase.sessions.high - 1:
                week += step
        cadence = f"{phase.sessions} sessions, every {phase.interval.cadence}"
        bands.append(_Band(start, week, phase.name, cadence))
    return sessions, bands


def _width(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


def _rows(spans: list[tuple[float, float]], gap: float = 8.0) -> list[int]:
    """The first row where each label (left, right) overlaps no earlier one."""
    ends: list[float] = []
    rows = []
    for left, right in spans:
        for row, end in enumerate(ends):
            if left >= end + gap:
                ends[row] = right
                rows.append(row)
                break
        else:
            ends.append(right)
            rows.append(len(ends) - 1)
    return rows


def _fit(left: float, width: float) -> float:
    """A label's left edge, moved inside the picture."""
    return round(max(LEFT, min(left, WIDTH - 4 - width)), 2)


def timeline_svg(protocol: Protocol, reviews: list[Duration], colors: Colors,
                 font_family: str) -> Markup:
    """The timeline as inline SVG: phases above the sessions, reviews below the months."""
    sessions, bands = plan_sessions(protocol)
    end = max([sessions[-1].week + 1] + [review.weeks[1] for review in reviews])
    months = int(end / WEEKS_PER_MONTH) + 1
    scale = (WIDTH - LEFT - RIGHT) / (months * WEEKS_PER_MONTH)

    def x(week: float) -> float:
        return round(LEFT + week * scale, 2)

    titles = [f"{band.title}: {band.cadence}" for band in bands]
    band_spans = []
    for band, title in zip(bands, titles, strict=True):
        left = _fit(x(band.start) - 8, _width(title, FONT))
        band_spans.append((left, left + _width(title, FONT)))
    band_rows = _rows(band_spans)
    band_top = 6 + LABEL_ROW * (max(band_rows) + 1)
    axis = band_top + BAND_HEIGHT + 16
    review_labels = [("Last check: go on, or stop" if index == len(reviews) - 1
                      else "Progress check") + f" ({review})"
                     for index, review in enumerate(reviews)]
    review_spans = []
    for review, label in zip(reviews, review_labels, strict=True):
        left = _fit(x(review.weeks[0]) - 6, _width(label, FONT))
        review_spans.append((left, left + _width(label, FONT)))
    review_rows = _rows(review_spans)
    reviews_top = axis + 40
    height = reviews_top + LABEL_ROW * (max(review_rows, default=-1) + 1) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:g}pt" height="{height:g}pt" '
        f'viewBox="0 0 {WIDTH:g} {height:g}" class="timeline" role="img" '
        f'aria-label="{escape(protocol.name)}: your sessions and reviews" '
        f'font-family="{escape(font_family)}" font-size="{FONT}" fill="{colors.ink}">',
        f"<title>{escape(protocol.name)}: your sessions and reviews</title>",
    ]
    for band, title, (left, _), row in zip(bands, titles, band_spans, band_rows, strict=True):
        start, stop = x(band.start) - 8, x(band.end) + 8
        parts.append(f'<rect x="{start}" y="{band_top}" width="{round(stop - start, 2)}" '
                     f'height="{BAND_HEIGHT}" rx="11" fill="{colors.band}"/>')
        name, _, cadence = title.partition(": ")
        parts.append(f'<text x="{left}" y="{6 + LABEL_ROW * row + 12}">'
                     f'<tspan font-weight="700">{escape(name)}:</tspan> {escape(cadence)}</text>')
    middle = band_top + BAND_HEIGHT / 2
    gaps = [x(b.week) - x(a.week) for a, b in pairwise(sessions)]
    radius = round(min(DOT_RADIUS, (min(gaps, default=2 * DOT_RADIUS + 6) - 6) / 2), 2)
    for session in sessions:
        fill = "#ffffff" if session.optional else colors.accent
        parts.append(f'<circle cx="{x(session.week)}" cy="{middle}" r="{radius}" fill="{fill}" '
                     f'stroke="{colors.accent}" stroke-width="2"/>')
    parts.append(f'<line x1="{LEFT}" y1="{axis}" x2="{WIDTH - RIGHT}" y2="{axis}" '
                 f'stroke="{colors.muted}" stroke-width="1"/>')
    for month in range(months + 1):
        tick = x(month * WEEKS_PER_MONTH)
        parts.append(f'<line x1="{tick}" y1="{axis - 4}" x2="{tick}" y2="{axis + 4}" '
                     f'stroke="{colors.muted}" stroke-width="1"/>')
        label = "Start" if month == 0 else f"{month} months" if month == months else str(month)
        anchor = "start" if month == 0 else "middle"
        if month == months:
            tick += _width(" months", FONT) / 2
        parts.append(f'<text x="{tick}" y="{axis + 19}" text-anchor="{anchor}" '
                     f'font-size="{FONT}" fill="{colors.muted}">{label}</text>')
    for review, label, (left, _), row in zip(reviews, review_labels, review_spans, review_rows,
                                             strict=True):
        at = x(review.weeks[0])
        top = reviews_top + LABEL_ROW * row
        parts.append(f'<path d="M{at} {axis - 7} l6 7 l-6 7 l-6 -7 z" fill="{colors.ink}"/>')
        parts.append(f'<line x1="{at}" y1="{axis + 22}" x2="{at}" y2="{top - 10}" '
                     f'stroke="{colors.ink}" stroke-width="0.8" stroke-dasharray="2 2"/>')
        parts.append(f'<text x="{left}" y="{top}" font-weight="700">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
