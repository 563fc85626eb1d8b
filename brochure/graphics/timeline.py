"""The treatment plan drawn as an SVG timeline, from a protocol's phases and milestones."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from ..models.content import Protocol

WIDTH = 680.0
LEFT, RIGHT = 8.0, 16.0
BAND_TOP, BAND_HEIGHT = 34.0, 26.0
AXIS_Y = 76.0
ROW_HEIGHT = 25.0
WEEKS_PER_MONTH = 52 / 12
CHAR_WIDTH = 5.3
"""Average width of a character at the milestone font size, to keep labels inside."""


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


def timeline_svg(protocol: Protocol, colors: Colors, font_family: str) -> Markup:
    """Return the timeline as inline SVG markup, sized to the width of its container."""
    sessions, bands = plan_sessions(protocol)
    end = max([sessions[-1].week + 1] + [m.at.weeks[1] for m in protocol.milestones])
    months = int(end / WEEKS_PER_MONTH) + 1
    scale = (WIDTH - LEFT - RIGHT) / (months * WEEKS_PER_MONTH)

    def x(week: float) -> float:
        return round(LEFT + week * scale, 2)

    rows = _stack([(x(m.at.weeks[0]), x(m.at.weeks[1])) for m in protocol.milestones])
    height = AXIS_Y + 26 + ROW_HEIGHT * (max(rows, default=-1) + 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:g} {height:g}" '
        f'class="timeline" role="img" font-family="{escape(font_family)}" font-size="11" '
        f'fill="{colors.ink}">',
        f"<title>{escape(protocol.name)}: treatment timeline</title>",
    ]
    for band in bands:
        left, right = x(band.start) - 9, x(band.end) + 9
        parts.append(f'<rect x="{left}" y="{BAND_TOP}" width="{round(right - left, 2)}" '
                     f'height="{BAND_HEIGHT}" rx="13" fill="{colors.band}"/>')
        parts.append(f'<text x="{left + 2}" y="{BAND_TOP - 18}" font-weight="700">'
                     f"{escape(band.title)}</text>")
        parts.append(f'<text x="{left + 2}" y="{BAND_TOP - 5}" fill="{colors.muted}">'
                     f"{escape(band.cadence)}</text>")
    middle = BAND_TOP + BAND_HEIGHT / 2
    for session in sessions:
        fill = "none" if session.optional else colors.accent
        dash = ' stroke-dasharray="2 1.5"' if session.optional else ""
        parts.append(f'<circle cx="{x(session.week)}" cy="{middle}" r="6" fill="{fill}" '
                     f'stroke="{colors.accent}" stroke-width="1.6"{dash}/>')
    parts.append(f'<line x1="{LEFT}" y1="{AXIS_Y}" x2="{WIDTH - RIGHT}" y2="{AXIS_Y}" '
                 f'stroke="{colors.muted}" stroke-width="1"/>')
    for month in range(months + 1):
        tick = x(month * WEEKS_PER_MONTH)
        parts.append(f'<line x1="{tick}" y1="{AXIS_Y - 4}" x2="{tick}" y2="{AXIS_Y + 4}" '
                     f'stroke="{colors.muted}" stroke-width="1"/>')
        label = "Start" if month == 0 else f"Month {month}"
        anchor = "start" if month == 0 else "end" if month == months else "middle"
        parts.append(f'<text x="{tick}" y="{AXIS_Y + 17}" text-anchor="{anchor}" '
                     f'font-size="9.5" fill="{colors.muted}">{label}</text>')
    for milestone, row in zip(protocol.milestones, rows, strict=True):
        left, right = x(milestone.at.weeks[0]), x(milestone.at.weeks[1])
        top = AXIS_Y + 26 + ROW_HEIGHT * row
        parts.append(f'<rect x="{left}" y="{top}" width="{max(round(right - left, 2), 4)}" '
                     f'height="6" rx="3" fill="{colors.accent}"/>')
        label = f"{milestone.at}: {milestone.label}"
        text_x = max(LEFT, min(left, WIDTH - RIGHT - len(label) * CHAR_WIDTH))
        parts.append(f'<text x="{round(text_x, 2)}" y="{top + 19}" font-size="10">'
                     f'<tspan font-weight="700">{escape(str(milestone.at))}:</tspan> '
                     f"{escape(milestone.label)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))


def _stack(spans: list[tuple[float, float]], label_width: float = 250.0) -> list[int]:
    """Give each milestone the first row where its label does not overlap another."""
    ends: list[float] = []
    rows = []
    for left, _right in spans:
        for row, end in enumerate(ends):
            if left > end:
                ends[row] = left + label_width
                rows.append(row)
                break
        else:
            ends.append(left + label_width)
            rows.append(len(ends) - 1)
    return rows

