"""Indicators from each kind of source, their values with provenance, recomputation when
a dataset gets a new version, thresholds and targets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.ioc.conftest import FIBRE_SQL, other_commune
from tinhso.agencies.models import Agency, User
from tinhso.core.access import AccessDenied
from tinhso.core.actors import Actor
from tinhso.core.models import AuditEntry
from tinhso.feedback import actions as feedback_actions
from tinhso.feedback.models import Field
from tinhso.ioc import actions, periods, sources
from tinhso.ioc.computation import compute, reading
from tinhso.ioc.models import EntryStatus, IndicatorValue, Status
from tinhso.ioc.tasks import recompute_for_dataset
from tinhso.units.models import Commune
from tinhso.warehouse import actions as warehouse_actions

pytestmark = pytest.mark.django_db


def values(indicator):
    return {
        (timezone.localtime(v.period_start).year, v.commune.code if v.commune else None): v.value
        for v in IndicatorValue.objects.filter(indicator=indicator).select_related("commune")
    }


# --- SQL over the warehouse -------------------------------------------------------------


def test_a_query_over_a_dataset_gives_values_per_commune_and_province(fibre_indicator):
    outcome = compute(fibre_indicator)
    assert outcome.error == "" and outcome.stored == 5
    got = values(fibre_indicator)
    other = other_commune().code
    assert got[(2025, "27712")] == 72.0
    assert got[(2025, other)] == 50.0
    assert got[(2024, "27712")] == 55.0
    assert got[(2025, None)] == pytest.approx(100 * 1120 / 1800)


def test_the_provenance_names_the_query_and_the_dataset_version(fibre_indicator, fibre):
    compute(fibre_indicator)
    value = IndicatorValue.objects.get(
        indicator=fibre_indicator, commune__code="27712", period_start__year=2025
    )
    provenance = value.provenance
    assert provenance["kind"] == "sql"
    assert provenance["sql"] == FIBRE_SQL
    assert provenance["datasets"]["cap-quang"]["version"] == 1
    assert provenance["commune"] == "27712"


def test_a_query_is_checked_when_the_indicator_is_saved(system, fibre):
    base = {
        "name_vi": "x",
        "sector": "digital",
        "period": "year",
        "source_kind": "sql",
    }
    with pytest.raises(sources.SourceError, match="period, commune"):
        actions.define_indicator(
            system, code="x", **base, source_config={"sql": 'SELECT nam FROM "cap-quang"'}
        )
    with pytest.raises(sources.SourceError):
        actions.define_indicator(
            system, code="x", **base, source_config={"sql": 'DROP TABLE "cap-quang"'}
        )
    with pytest.raises(sources.SourceError):
        actions.define_indicator(
            system,
            code="x",
            **base,
            source_config={"sql": "SELECT 1 AS period, NULL AS commune, 2 AS value"},
        )


def test_only_administrators_define_indicators(fibre):
    leader = Actor.for_user(User.objects.get(username="demo.leader"))
    with pytest.raises(AccessDenied):
        actions.define_indicator(
            leader,
            code="x",
            name_vi="x",
            sector="digital",
            period="year",
            source_kind="manual",
        )


def test_a_new_version_of_the_dataset_recomputes_its_indicators(
    system, fibre, fibre_indicator, tmp_path, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    compute(fibre_indicator)
    assert reading("cap-quang") == [fibre_indicator]
    path = tmp_path / "v2.csv"
    path.write_text("ma_xa,nam,so_ho,so_ho_cap_quang\n27712,2025,1000,810\n", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        warehouse_actions.add_version(system, fibre, path)
    queued = DBTaskResult.objects.filter(task_path="tinhso.ioc.tasks.recompute_for_dataset")
    assert queued.exists()
    recompute_for_dataset.call(fibre.pk)
    value = IndicatorValue.objects.get(
        indicator=fibre_indicator, commune__code="27712", period_start__year=2025
    )
    assert value.value == 81.0
    assert value.provenance["datasets"]["cap-quang"]["version"] == 2
    assert value.provenance["previous"]["value"] == 72.0
    assert AuditEntry.objects.filter(action="ioc.compute", object_id=str(fibre_indicator.pk))


def test_computing_twice_keeps_one_value_per_period_and_place(fibre_indicator):
    compute(fibre_indicator)
    again = compute(fibre_indicator)
    assert again.stored == 0
    assert IndicatorValue.objects.filter(indicator=fibre_indicator).count() == 5


# --- thresholds and targets -------------------------------------------------------------


def test_status_by_thresholds_in_both_directions(fibre_indicator):
    assert fibre_indicator.status(75) == Status.GOOD
    assert fibre_indicator.status(60) == Status.WATCH
    assert fibre_indicator.status(50) == Status.BAD
    assert fibre_indicator.status(None) == Status.NONE
    fibre_indicator.direction, fibre_indicator.good, fibre_indicator.bad = "lower", 10, 20
    assert fibre_indicator.status(5) == Status.GOOD
    assert fibre_indicator.status(15) == Status.WATCH
    assert fibre_indicator.status(25) == Status.BAD


def test_a_target_gives_the_expected_path(system, fibre_indicator):
    target = actions.set_target(
        system,
        fibre_indicator,
        value=70,
        deadline=dt.date(2025, 12, 31),
        baseline=50,
        baseline_date=dt.date(2023, 12, 31),
    )
    assert target.expected(dt.date(2024, 12, 31)) == pytest.approx(60, abs=0.1)
    assert target.expected(dt.date(2026, 6, 1)) == 70


# --- the feedback hub -------------------------------------------------------------------


def _report(system, commune, field, *, answer=False, rating=None):
    draft = feedback_actions.ReportDraft(
        text="Rác thải tồn đọng nhiều ngày trên đường.", channel="web", commune=commune
    )
    report = feedback_actions.submit_report(Actor.citizen(), draft)[0]
    report = feedback_actions.accept_report(system, report, field=field)
    if answer:
        report = feedback_actions.answer_report(system, report, answer="Đã thu gom.")
    if rating:
        report = feedback_actions.rate_report(Actor.citizen(), report, rating=rating)
    return report


@pytest.mark.parametrize(
    ("measure", "expected"),
    [("received", 3.0), ("on_time_rate", 100.0), ("satisfaction", 4.0), ("overdue", 1.0)],
)
def test_feedback_built_ins(system, no_reports, measure, expected):
    commune = Commune.objects.get(code="27712")
    field = Field.objects.get(code="giao-thong")
    _report(system, commune, field, answer=True, rating=5)
    _report(system, commune, field, answer=True, rating=3)
    late = _report(system, commune, field)
    type(late).objects.filter(pk=late.pk).update(deadline=timezone.now() - dt.timedelta(days=1))
    indicator = actions.define_indicator(
        system,
        code=f"pa-{measure}".replace("_", "-"),
        name_vi=measure,
        sector="feedback",
        period="day",
        source_kind="feedback",
        source_config={"measure": measure, "field": "giao-thong", "by_commune": True},
    )
    assert compute(indicator).error == ""
    today = periods.floor(timezone.now(), "day")
    province = IndicatorValue.objects.get(
        indicator=indicator, commune__isnull=True, period_start=today
    )
    assert province.value == expected
    assert (
        IndicatorValue.objects.get(
            indicator=indicator, commune__code="27712", period_start=today
        ).value
        == expected
    )
    assert province.provenance["filters"] == {"field": "giao-thong"}


def test_a_feedback_source_needs_a_measure(system):
    with pytest.raises(sources.SourceError):
        actions.define_indicator(
            system,
            code="x",
            name_vi="x",
            sector="feedback",
            period="day",
            source_kind="feedback",
            source_config={"measure": "happiness"},
        )


# --- entered by hand, approved by a supervisor ------------------------------------------


@pytest.fixture
def manual_indicator(system):
    return actions.define_indicator(
        system,
        code="t-su-co",
        name_vi="Sự cố an toàn thông tin",
        sector="information-security",
        unit="sự cố",
        direction="lower",
        period="month",
        owner=Agency.objects.get(code="SKHCN"),
        source_kind="manual",
    )


def test_a_manual_value_counts_once_approved(manual_indicator):
    steward = Actor.for_user(User.objects.get(username="demo.steward"))  # Sở KH&CN
    supervisor = Actor.for_user(User.objects.get(username="demo.supervisor"))
    period = periods.floor(dt.date(2026, 10, 1), "month")
    with pytest.raises(ValueError, match="minh chứng"):
        actions.enter_value(steward, manual_indicator, period_start=period, value=3)
    entry = actions.enter_value(
        steward,
        manual_indicator,
        period_start=period,
        value=3,
        evidence_file=SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 report"),
    )
    compute(manual_indicator)
    assert not IndicatorValue.objects.filter(indicator=manual_indicator).exists()
    with pytest.raises(AccessDenied):
        actions.decide_value(steward, entry, approve=True)
    actions.decide_value(supervisor, entry, approve=True)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED and entry.decided_by.username == "demo.supervisor"
    value = IndicatorValue.objects.get(indicator=manual_indicator)
    assert value.value == 3
    assert value.provenance["entries"][0]["id"] == entry.pk
    assert value.provenance["entries"][0]["evidence_file"].endswith(".pdf")
    assert AuditEntry.objects.filter(action="ioc.enter_value").exists()
    assert AuditEntry.objects.filter(action="ioc.decide_value").exists()


def test_other_agencies_cannot_enter_values(manual_indicator):
    handler = Actor.for_user(User.objects.get(username="demo.handler"))  # Sở Xây dựng
    with pytest.raises(AccessDenied):
        actions.enter_value(
            handler,
            manual_indicator,
            period_start=periods.floor(dt.date(2026, 10, 1), "month"),
            value=1,
            evidence_link="https://example.org/bao-cao",
        )


def test_a_rejected_value_never_counts(manual_indicator):
    steward = Actor.for_user(User.objects.get(username="demo.steward"))
    supervisor = Actor.for_user(User.objects.get(username="demo.supervisor"))
    entry = actions.enter_value(
        steward,
        manual_indicator,
        period_start=periods.floor(dt.date(2026, 10, 1), "month"),
        value=9,
        evidence_link="https://example.org/bao-cao",
    )
    actions.decide_value(supervisor, entry, approve=False, reason="Thiếu số liệu")
    compute(manual_indicator)
    assert not IndicatorValue.objects.filter(indicator=manual_indicator).exists()
    with pytest.raises(ValueError):
        actions.decide_value(supervisor, entry, approve=True)


def test_a_sensor_source_is_not_connected_yet(system):
    with pytest.raises(sources.SourceError):
        sources.validate("sensors", {})


def test_a_communes_feedback_value_drills_to_that_communes_reports(client, system, no_reports):
    from tinhso.agencies.models import User

    commune = Commune.objects.get(code="27712")
    field = Field.objects.get(code="giao-thong")
    late = _report(system, commune, field)
    type(late).objects.filter(pk=late.pk).update(deadline=timezone.now() - dt.timedelta(days=1))
    overdue = actions.define_indicator(
        system,
        code="pa-qua-han-gt",
        name_vi="Quá hạn",
        sector="feedback",
        period="day",
        source_kind="feedback",
        source_config={"measure": "overdue", "field": "giao-thong", "by_commune": True},
    )
    compute(overdue)
    value = IndicatorValue.objects.get(indicator=overdue, commune=commune)
    client.force_login(User.objects.get(username="demo.leader"))
    page = client.get(f"/ioc/value/{value.pk}/").content.decode()
    link = "/feedback/queue/?state=overdue&amp;scope=all&amp;field=giao-thong&amp;commune=27712"
    assert link in page
    queue = client.get(link.replace("&amp;", "&")).content.decode()
    assert late.code in queue
