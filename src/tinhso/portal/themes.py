"""The DCAT-AP data themes as the portal shows them: each with a small icon drawn inline
(SVG paths on a 24-unit grid, stroked in the text's colour — nothing fetched from
elsewhere) and the number of open datasets in it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe

from tinhso.warehouse.models import Dataset, Theme

ICONS = {
    "AGRI": "M12 21V9M12 13c-4 0-6-3-6-7 4 0 6 3 6 7zM12 11c0-4 2-7 6-7 0 4-2 7-6 7zM5 21h14",
    "ECON": "M4 20h16M6 16v-5M10 16V8M14 16v-3M18 16V5",
    "EDUC": "M2 9l10-5 10 5-10 5zM6 11v5c3 2 9 2 12 0v-5M22 9v6",
    "ENER": "M13 2L4 14h7l-1 8 9-12h-7z",
    "ENVI": "M5 19c0-8 6-14 15-14 0 9-6 15-14 15zM5 19l8-8",
    "GOVE": "M3 21h18M4 10h16M12 3l9 5H3zM6 10v8M10 10v8M14 10v8M18 10v8",
    "HEAL": "M9 3h6v6h6v6h-6v6H9v-6H3V9h6z",
    "INTR": "M12 3a9 9 0 100 18 9 9 0 000-18zM3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18",
    "JUST": "M12 3v18M5 21h14M4 7h16M7 7l-3 7h6zM17 7l-3 7h6z",
    "REGI": "M4 21V9l5-3v15M9 21V4l6 3v14M15 21v-9l5 2v7M2 21h20",
    "SOCI": (
        "M8 11a3 3 0 100-6 3 3 0 000 6zM16 11a3 3 0 100-6 3 3 0 000 6z"
        "M2 20c0-4 3-6 6-6s6 2 6 6M12 20c0-4 2-6 4-6 3 0 6 2 6 6"
    ),
    "TECH": "M9 3v3M15 3v3M9 18v3M15 18v3M3 9h3M3 15h3M18 9h3M18 15h3M6 6h12v12H6zM10 10h4v4h-4z",
    "TRAN": "M5 17h14M6 17V7a2 2 0 012-2h8a2 2 0 012 2v10M6 12h12M8 20v-3M16 20v-3",
}


def icon(code: str) -> SafeString:
    path = ICONS.get(code, "M4 4h16v16H4z")
    return mark_safe(  # noqa: S308 (the paths are this module's constants)
        '<svg class="theme-icon" viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" '
        'focusable="false" fill="none" stroke="currentColor" stroke-width="1.7" '
        f'stroke-linecap="round" stroke-linejoin="round"><path d="{path}"/></svg>'
    )


@dataclass
class ThemeCard:
    code: str
    name: str  # CKAN's group name: the code in lower case
    label: str
    icon: SafeString
    count: int | None


def counts(datasets: QuerySet[Dataset]) -> dict[str, int]:
    found = {code: 0 for code in Theme.values}
    for codes in datasets.values_list("themes", flat=True):
        for code in codes:
            if code in found:
                found[code] += 1
    return found


def card(code: str, count: int | None) -> ThemeCard:
    return ThemeCard(code, code.lower(), str(dict(Theme.choices)[code]), icon(code), count)


def cards(found: dict[str, int]) -> list[ThemeCard]:
    """Every theme, those with the most datasets first."""
    return sorted(
        (card(code, n) for code, n in found.items()), key=lambda c: (-(c.count or 0), c.label)
    )
