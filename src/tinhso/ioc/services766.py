"""The public-service index of Decision 766/QĐ-TTg (23 June 2022) from a dossiers dataset.

The decision scores how well a province serves people and businesses in administrative
procedures on 100 points, in five component groups: transparency (18), progress and
results (20), online provision (22), satisfaction (18) and digitisation of dossiers (22).
The national portal scores them from its own feeds; a province wants the same figures
every day, per commune, from the dossiers its one-stop system already exports.

Each group is its points × the share of dossiers that meet its criteria (two criteria
share a group's points equally):

| group | criteria (a dossier column each) |
|---|---|
| transparency, 18 | synchronised to the National Public Service Portal |
| progress, 20 | finished on time (of the finished dossiers) |
| online, 22 | submitted online; fee paid online (of those with a fee) |
| satisfaction, 18 | rated satisfied — 4 or 5 of 5 (of the rated dossiers) |
| digitisation, 22 | digitised when received; result digitised (of the finished) |

A share with no dossiers to measure (nothing finished this month) is left out, and the
total is scaled to 100 over the groups that could be measured — so a quiet month is not
scored as a failure. This is the index's structure with each group measured by its main
criteria; the decision's finer sub-criteria (the portal's own checks) are not in a
dossiers export and are not guessed.

The index is computed as SQL over the warehouse (the same sandbox, the same provenance as
a query written by hand): the value page shows the generated query and dataset version.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

DEFAULT_DATASET = "ho-so-thu-tuc-hanh-chinh"

# The dossiers dataset's columns, by role; a province maps its own names in the source's
# configuration ({"columns": {"synced": "da_dong_bo", ...}}).
COLUMNS = {
    "commune": "ma_xa",  # the commune code of the dossier
    "received": "ngay_nhan",  # the day it was received
    "channel": "kenh_nop",  # how it was submitted
    "on_time": "dung_han",  # true / false; empty while not finished
    "synced": "dong_bo_quoc_gia",  # true / false
    "paid_online": "thanh_toan_truc_tuyen",  # true / false; empty when there is no fee
    "digitised_in": "so_hoa_ho_so",  # true / false
    "digitised_out": "so_hoa_ket_qua",  # true / false; empty while not finished
    "rating": "danh_gia",  # 1–5; empty when not rated
}
ONLINE_CHANNEL = "Trực tuyến"

# (group, points, criteria): each criterion is a (role, SQL test) pair; the test is true,
# false or NULL (not measurable for that dossier).
GROUPS = {
    "transparency": (18, [("synced", "{c} = 'true'")]),
    "progress": (20, [("on_time", "{c} = 'true'")]),
    "online": (
        22,
        [("channel", "{c} = '" + ONLINE_CHANNEL + "'"), ("paid_online", "{c} = 'true'")],
    ),
    "satisfaction": (18, [("rating", "TRY_CAST({c} AS DOUBLE) >= 4")]),
    "digitisation": (22, [("digitised_in", "{c} = 'true'"), ("digitised_out", "{c} = 'true'")]),
}
COMPONENTS = (*GROUPS, "total")


def group_names() -> dict[str, str]:
    return {
        "transparency": _("Transparency"),
        "progress": _("Progress and results"),
        "online": _("Online provision"),
        "satisfaction": _("Satisfaction"),
        "digitisation": _("Digitisation of dossiers"),
        "total": _("Public-service index (100 points)"),
    }


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def columns(config: dict) -> dict[str, str]:
    chosen = {**COLUMNS, **(config.get("columns") or {})}
    unknown = set(chosen) - set(COLUMNS)
    if unknown:
        from tinhso.ioc.sources import SourceError

        raise SourceError(
            _("Unknown column roles: %(roles)s (known: %(known)s)")
            % {"roles": ", ".join(sorted(unknown)), "known": ", ".join(COLUMNS)}
        )
    return chosen


BOOLEAN_ROLES = {"on_time", "synced", "paid_online", "digitised_in", "digitised_out"}


def _cell(role: str, cols: dict[str, str]) -> str:
    """A dossier's cell for a role as text; empty cells are "not measurable", whatever
    type the dataset read the column as."""
    cell = f"NULLIF(CAST({_quote(cols[role])} AS VARCHAR), '')"
    return f"lower({cell})" if role in BOOLEAN_ROLES else cell


def _share(role: str, test: str, cols: dict[str, str]) -> str:
    """The share (0–1) of dossiers whose criterion can be measured that meet it."""
    cell = _cell(role, cols)
    return (
        f"avg(CASE WHEN {cell} IS NULL THEN NULL WHEN {test.format(c=cell)} THEN 1.0 ELSE 0.0 END)"
    )


def _group(name: str, cols: dict[str, str]) -> tuple[str, str]:
    """(score, points measured) of one group: each criterion's share × its points."""
    points, criteria = GROUPS[name]
    each = points / len(criteria)
    scores = [f"coalesce({_share(role, test, cols)} * {each}, 0)" for role, test in criteria]
    measured = [
        f"CASE WHEN {_share(role, test, cols)} IS NULL THEN 0 ELSE {each} END"
        for role, test in criteria
    ]
    return " + ".join(scores), " + ".join(measured)


def expression(component: str, cols: dict[str, str]) -> str:
    """The SQL of one group's score (points), or of the total scaled to 100 over the
    groups that could be measured."""
    if component != "total":
        score, measured = _group(component, cols)
        return f"CASE WHEN ({measured}) = 0 THEN NULL ELSE {score} END"
    parts = [_group(name, cols) for name in GROUPS]
    score = " + ".join(f"({s})" for s, _m in parts)
    measured = " + ".join(f"({m})" for _s, m in parts)
    return f"CASE WHEN ({measured}) = 0 THEN NULL ELSE 100.0 * ({score}) / ({measured}) END"


def query(config: dict) -> str:
    """Monthly values per commune and for the province, by the month dossiers were
    received."""
    cols = columns(config)
    component = config.get("component", "total")
    dataset = _quote(config.get("dataset") or DEFAULT_DATASET)
    value = expression(component, cols)
    month = f"date_trunc('month', CAST({_quote(cols['received'])} AS DATE))"
    commune = f"lpad(CAST({_quote(cols['commune'])} AS VARCHAR), 5, '0')"
    # identifiers quoted; the query runs in the warehouse's read-only sandbox
    by_commune = f"SELECT {month} AS period, {commune} AS commune, {value} AS value"
    province = f"SELECT {month} AS period, NULL AS commune, {value} AS value"
    return (
        f"{by_commune} FROM {dataset} GROUP BY ALL UNION ALL {province} FROM {dataset} GROUP BY ALL"
    )
