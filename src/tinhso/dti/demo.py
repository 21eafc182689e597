"""The demo's DTI: published national results to compare against (shipped in
`dti/published/`, each row with its source) and the demo province's 2024 assessment, opened
with a few values entered by the demo agency staff, some approved.

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
    ("ha_tang_so", Decimal("0.7150"), False),
]
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
    out(f"  DTI 2024: {province.name}, {len(DEMO_VALUES)} giá trị / values")
