"""The plan's timeline (Gantt), drawn on the server as SVG: one row a task with its title
above a bar from start to due day, the part done filled in, overdue tasks in red, and a
line for today. No script, so it prints and shows with JavaScript off; the viewBox is
narrow enough that a phone of 390 px shows it without sideways scrolling."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tinhso.roadmap.models import Task, TaskStatus

WIDTH = 400
LEFT, RIGHT, TOP = 4, 4, 18  # room for the years' labels at the top
ROW = 26  # a row: the title (11 px), the bar (9 px) and a gap
LABEL_CHARS = 64
COLOURS = {
    TaskStatus.NOT_STARTED: "#64748b",
    TaskStatus.IN_PROGRESS: "#0b5cad",
    TaskStatus.DONE: "#15803d",
    TaskStatus.PAUSED: "#a16207",
}
OVERDUE = "#b91c1c"


@dataclass(frozen=True)
class Bar:
    task_id: int
    label: str
    label_y: int
    x: str  # preformatted with a dot: a localized "12,5" would break the SVG
    y: int
    width: str
    done_width: str
    colour: str
    overdue: bool
    title: str  # the tooltip: dates and progress


@dataclass(frozen=True)
class Tick:
    x: str
    label: str


@dataclass(frozen=True)
class Gantt:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    today_x: str | None
    first: dt.date
    last: dt.date


def _f(value: float) -> str:
    return f"{value:.1f}"


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def gantt(tasks: Sequence[Task], today: dt.date) -> Gantt | None:
    """The timeline of `tasks` (in their order), or None when there are none."""
    if not tasks:
        return None
    first = min(t.start for t in tasks).replace(month=1, day=1)
    last = max(t.due for t in tasks).replace(month=12, day=31)
    days = (last - first).days + 1
    x0, x1 = LEFT, WIDTH - RIGHT

    def x(day: dt.date) -> float:
        return x0 + (x1 - x0) * (day - first).days / days

    bars = []
    for i, task in enumerate(tasks):
        top = TOP + i * ROW
        start, end = x(task.start), x(task.due + dt.timedelta(days=1))
        width = max(end - start, 2.0)
        late = task.is_overdue(today)
        bars.append(
            Bar(
                task_id=task.pk,
                label=_short(task.title),
                label_y=top + 10,
                x=_f(start),
                y=top + 13,
                width=_f(width),
                done_width=_f(width * task.progress / 100),
                colour=OVERDUE if late else COLOURS.get(task.status, COLOURS["not_started"]),
                overdue=late,
                title=f"{task.start:%d/%m/%Y} – {task.due:%d/%m/%Y} · {task.progress}%",
            )
        )
    ticks = [
        Tick(_f(x(dt.date(year, 1, 1))), str(year)) for year in range(first.year, last.year + 1)
    ]
    return Gantt(
        width=WIDTH,
        height=TOP + len(tasks) * ROW + 4,
        bars=bars,
        ticks=ticks,
        today_x=_f(x(today)) if first <= today <= last else None,
        first=first,
        last=last,
    )
