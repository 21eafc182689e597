"""The demo's DTI: published national results to compare against (shipped in
`dti/published/`, each row with its source) and the demo province's 2024 assessment, opened
with a few values entered by the demo agency staff, some approved, and three fed from the
demo's own operations-centre indicators (`DEMO_FEEDS`).

Published files: `2021-63.csv` (the 2021 table on dti.gov.vn, 63 former provinces),
`2024-34.csv` (the 2024 ranking of the 34 merged units) and `2024-63.csv` (the 2024 ranking
of the 63 former provinces, where published). Idempotent: an import of unchanged rows writes
nothing, and the assessment is opened once.
"""

from __future__ import annotations

from decimal import Decimal
from importlib.resources import as_file, files

from tinhso.core.actors import Actor
from tinhso.dti import actions, frameworks
from tinhso.dti.files import read_results
from tinhso.dti.models import Assessment

PUBLISHED = [
    # file, year, units
    ("2021-63.csv", 2021, "old"),
    ("2024-63.csv", 2024, "old"),
    ("2024-34.csv", 2024, "new"),
]
# Illustrative values of the demo province's 2024 assessment (not published figures):
# (main index, value, approved)
DEMO_VALUES = [
    ("nhan_thuc_so", Decimal("0.8500"), True),
    ("the_che_so", Decimal("0.7800"), True),
    ("an_toan_thong_tin_mang", Decimal("0.7150"), False),
]
# Main indices the demo's own indicators measure (illustrative scales, not a national rule):
# (main index, indicator, value scoring nothing, full mark)
DEMO_FEEDS = [
    # households with fibre broadband, 0–100 %
    ("ha_tang_so", "ho-cap-quang", 0.0, 100.0),
    # adults with a smartphone, 0–100 %
    ("hoat_dong_xa_hoi_so", "dien-thoai-thong-minh", 0.0, 100.0),
    # digital economy share of GRDP: the national goal for 2030 is 30 %
    ("hoat_dong_kinh_te_so", "kinh-te-so-grdp", 0.0, 30.0),
]
# Of the fed values, the ones the demo supervisor has already approved.
DEMO_FED_APPROVED = {"ha_tang_so"}
EVIDENCE = "https://dti.gov.vn/"


def build(actor: Actor, province, out) -> None:
    for name, year, units in PUBLISHED:
        framework = frameworks.for_year(year)
        with as_file(files("tinhso.dti") / "published" / name) as path:
            rows, _skipped = read_results(path, frameworks.scheme(framework), units=units)
        outcome = actions.import_results(actor, framework, year, rows)
        if outcome.created or outcome.updated:
            out(f"  DTI {year} ({name}): {outcome.created + outcome.updated}")
    if Assessment.objects.filter(year=2024, province=province).exists():
        return
    _assessment(actor, province, out)


def _assessment(actor: Actor, province, out) -> None:
    from tinhso.agencies.models import User

    users = {u.username: u for u in User.objects.filter(username__startswith="demo.")}
    if "demo.handler" not in users or "demo.supervisor" not in users:
        return
    entering = Actor.for_user(users["demo.handler"])
    reviewing = Actor.for_user(users["demo.supervisor"])
    assessment = actions.open_assessment(actor, province, 2024)
    indices = {i.code: i for i in assessment.framework.main_indices.all()}
    for code, value, approved in DEMO_VALUES:
        entry = actions.enter_value(
            entering,
            assessment,
            indices[code],
            value,
            evidence_link=EVIDENCE,
            note="Giá trị minh họa của bản demo",
        )
        if approved:
            actions.review_value(reviewing, entry, approve=True)
    fed = _feeds(actor, assessment, reviewing)
    out(
        f"  DTI 2024: {province.name}, {len(DEMO_VALUES)} giá trị nhập / entered, "
        f"{len(fed.entered)} từ dữ liệu của nền tảng / from the platform's data"
    )


def _feeds(actor: Actor, assessment, reviewing: Actor) -> actions.Fed:
    from tinhso.ioc.models import Indicator

    indices = {i.code: i for i in assessment.framework.main_indices.all()}
    indicators = Indicator.objects.in_bulk(
        [code for _i, code, _z, _f in DEMO_FEEDS], field_name="code"
    )
    for index, code, zero_at, full_at in DEMO_FEEDS:
        if code in indicators:
            actions.set_feed(
                actor, indices[index], indicators[code], zero_at=zero_at, full_at=full_at,
                note="Thang điểm minh họa của bản demo",
            )  # fmt: skip
    fed = actions.feed_assessment(Actor.system("DTI feed (demo)"), assessment)
    for entry in assessment.values.filter(main_index__code__in=DEMO_FED_APPROVED):
        if entry.fed_from:
            actions.review_value(reviewing, entry, approve=True)
    return fed
