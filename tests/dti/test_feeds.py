"""The assessment fed from the platform's own data: an operations-centre indicator's
province value for the year, scaled to the index's 0–1, entered as a value waiting for
review with the indicators it came from; staff's values kept; nothing formed from part of
its inputs; the same answer from the page's button and the daily task."""

import datetime as dt
import re
from decimal import Decimal as D

import pytest

from tinhso.agencies.models import Agency, User
from tinhso.core.access import AccessDenied
from tinhso.core.actors import Actor
from tinhso.core.models import AuditEntry
from tinhso.dti import actions, feeds, sheet, tasks
from tinhso.dti.actions import AssessmentError
from tinhso.dti.models import Feed
from tinhso.ioc import actions as ioc_actions
from tinhso.ioc.computation import compute
from tinhso.ioc.models import Indicator
from tinhso.ioc.periods import floor

pytestmark = pytest.mark.django_db
LINK = "https://example.vn/bao-cao.pdf"
YEAR = 2023  # the demo opens 2024; 922 covers 2023


def as_user(username: str) -> Actor:
    return Actor.for_user(User.objects.get(username=username))


def indicator(system, code: str, period: str = "year") -> Indicator:
    return ioc_actions.define_indicator(
        system,
        code=code,
        name_vi=f"Chỉ tiêu {code}",
        name_en=f"Indicator {code}",
        sector="digital",
        unit="%",
        direction="higher",
        period=period,
        source_kind="manual",
        source_config={},
        owner=Agency.objects.get(code="SKHCN"),
    )


def value(system, made: Indicator, day: dt.date, amount: float, commune=None) -> None:
    """An approved value of the owner agency, computed into the indicator's values."""
    entry = ioc_actions.enter_value(
        system, made, period_start=floor(day, made.period), value=amount, commune=commune,
        evidence_link=LINK,
    )  # fmt: skip
    ioc_actions.decide_value(system, entry, approve=True)
    compute(made, since=floor(dt.date(YEAR, 1, 1), made.period))


@pytest.fixture
def assessment(province):
    return actions.open_assessment(as_user("demo.supervisor"), province, YEAR)


@pytest.fixture
def index(assessment):
    return lambda code: assessment.framework.main_indices.get(code=code)


def test_a_yearly_value_is_scaled_and_entered_for_review(system, assessment, index):
    fibre = indicator(system, "t-fibre")
    value(system, fibre, dt.date(YEAR, 1, 1), 62.5)
    value(system, fibre, dt.date(YEAR + 1, 1, 1), 99.0)  # another year: not read
    actions.set_feed(system, index("ha_tang_so"), fibre, zero_at=0, full_at=100)

    fed = actions.feed_assessment(system, assessment)

    assert fed.entered == ["ha_tang_so"] and not fed.missing
    entry = assessment.values.get(main_index__code="ha_tang_so")
    assert (entry.value, entry.status, entry.entered_by) == (D("0.6250"), "pending", None)
    assert entry.fed_from[0]["indicator"] == "t-fibre" and entry.fed_from[0]["value"] == 62.5
    assert entry.evidence_link == f"/ioc/value/{entry.fed_from[0]['value_id']}/"
    assert "Chỉ tiêu t-fibre = 62,5 %" in entry.note
    # It counts once someone reviews it, like any other value.
    assert "ha_tang_so" not in sheet.build(assessment).main_indices
    actions.review_value(as_user("demo.supervisor"), entry, approve=True)
    assert sheet.build(assessment).main_indices["ha_tang_so"] == D("0.6250")


def test_a_monthly_indicator_gives_the_mean_of_the_year_and_communes_are_not_read(
    system, assessment, index, province
):
    online = indicator(system, "t-online", period="month")
    for month, amount in ((1, 40.0), (2, 50.0), (3, 66.0)):
        value(system, online, dt.date(YEAR, month, 1), amount)
    commune = province.communes.first()
    value(system, online, dt.date(YEAR, 4, 1), 100.0, commune=commune)
    actions.set_feed(system, index("hoat_dong_chinh_quyen_so"), online, zero_at=20, full_at=80)

    [proposal] = feeds.proposals(assessment)
    [part] = proposal.parts
    assert (part.value, part.periods) == (pytest.approx(52.0), 3)
    assert proposal.value == D("0.5333")  # (52 − 20) / (80 − 20)


def test_scales_clip_and_can_run_downwards():
    assert feeds.scale(150, 0, 100) == D(1) and feeds.scale(-5, 0, 100) == D(0)
    # Lower is better: 5 incidents or more score nothing, none the full mark.
    assert feeds.scale(1, 5, 0) == D("0.8000")
    assert feeds.scale(7, 5, 0) == D(0)


def test_weighted_feeds_wait_for_every_input(system, assessment, index):
    fibre, phones = indicator(system, "t-fibre"), indicator(system, "t-phones")
    target = index("hoat_dong_xa_hoi_so")
    actions.set_feed(system, target, fibre, zero_at=0, full_at=100, weight=D(1))
    actions.set_feed(system, target, phones, zero_at=0, full_at=100, weight=D(3))
    value(system, fibre, dt.date(YEAR, 1, 1), 40.0)

    fed = actions.feed_assessment(system, assessment)
    assert fed.entered == [] and fed.missing == {"hoat_dong_xa_hoi_so": ["t-phones"]}
    assert not assessment.values.exists()

    value(system, phones, dt.date(YEAR, 1, 1), 80.0)
    assert actions.feed_assessment(system, assessment).entered == ["hoat_dong_xa_hoi_so"]
    # (1 × 0.40 + 3 × 0.80) / 4
    assert assessment.values.get().value == D("0.7000")


def test_staff_values_are_kept_and_an_unchanged_feed_keeps_its_review(system, assessment, index):
    fibre, phones = indicator(system, "t-fibre"), indicator(system, "t-phones")
    actions.set_feed(system, index("ha_tang_so"), fibre, zero_at=0, full_at=100)
    actions.set_feed(system, index("hoat_dong_xa_hoi_so"), phones, zero_at=0, full_at=100)
    value(system, fibre, dt.date(YEAR, 1, 1), 70.0)
    value(system, phones, dt.date(YEAR, 1, 1), 50.0)
    by_hand = actions.enter_value(
        as_user("demo.handler"), assessment, index("hoat_dong_xa_hoi_so"), D("0.9"),
        evidence_link=LINK,
    )  # fmt: skip

    fed = actions.feed_assessment(system, assessment)
    assert (fed.entered, fed.kept) == (["ha_tang_so"], ["hoat_dong_xa_hoi_so"])
    by_hand.refresh_from_db()
    assert by_hand.value == D("0.9000") and by_hand.fed_from == []

    entry = assessment.values.get(main_index__code="ha_tang_so")
    actions.review_value(as_user("demo.supervisor"), entry, approve=True)
    audited = AuditEntry.objects.count()
    assert actions.feed_assessment(system, assessment).unchanged == ["ha_tang_so"]
    entry.refresh_from_db()
    assert entry.status == "approved" and AuditEntry.objects.count() == audited

    # A corrected source value is entered again and waits for a new review.
    correction = ioc_actions.enter_value(
        system, fibre, period_start=floor(dt.date(YEAR, 1, 1), "year"), value=75.0,
        evidence_link=LINK,
    )  # fmt: skip
    ioc_actions.decide_value(system, correction, approve=True)
    compute(fibre, since=floor(dt.date(YEAR, 1, 1), "year"))
    assert actions.feed_assessment(system, assessment).entered == ["ha_tang_so"]
    entry.refresh_from_db()
    assert (entry.value, entry.status) == (D("0.7500"), "pending")
    assert AuditEntry.objects.filter(action="dti.value.correct", object_id=str(entry.pk)).exists()


def test_who_may_set_feeds_and_feed(system, assessment, index):
    fibre = indicator(system, "t-fibre")
    with pytest.raises(AccessDenied):
        actions.set_feed(as_user("demo.supervisor"), index("ha_tang_so"), fibre, zero_at=0,
                         full_at=100)  # fmt: skip
    with pytest.raises(AssessmentError):
        actions.set_feed(system, index("ha_tang_so"), fibre, zero_at=5, full_at=5)
    feed = actions.set_feed(as_user("demo.admin"), index("ha_tang_so"), fibre, zero_at=0,
                            full_at=100)  # fmt: skip
    assert AuditEntry.objects.filter(action="dti.feed.set", object_id=str(feed.pk)).exists()
    again = actions.set_feed(system, index("ha_tang_so"), fibre, zero_at=10, full_at=100)
    assert (
        again.pk == feed.pk
        and Feed.objects.count() == 1 + Feed.objects.exclude(framework=assessment.framework).count()
    )
    with pytest.raises(AccessDenied):
        actions.feed_assessment(as_user("demo.leader"), assessment)


def test_the_page_shows_the_feeds_and_its_button_enters_them(client, system, assessment, index):
    fibre = indicator(system, "t-fibre")
    value(system, fibre, dt.date(YEAR, 1, 1), 62.5)
    actions.set_feed(system, index("ha_tang_so"), fibre, zero_at=0, full_at=100)
    client.force_login(User.objects.get(username="demo.handler"))
    page = client.get(f"/dti/assessments/{YEAR}/").content.decode()
    table = re.search(r'<table class="dti-feeds">(.*?)</table>', page, re.S).group(1)
    assert "Chỉ tiêu t-fibre" in table and "0,6250" in table
    answer = client.post(f"/dti/assessments/{YEAR}/feed/", follow=True)
    page = answer.content.decode()
    assert answer.status_code == 200 and 'class="badge fed"' in page
    assert assessment.values.get().fed_from[0]["indicator"] == "t-fibre"


def test_the_daily_task_feeds_this_year_s_and_last_year_s_assessments(
    system, province, index, assessment
):
    fibre = indicator(system, "t-fibre")
    value(system, fibre, dt.date(YEAR, 1, 1), 62.5)
    actions.set_feed(system, index("ha_tang_so"), fibre, zero_at=0, full_at=100)
    # YEAR is long past: the task leaves its assessment alone.
    assert tasks.feed_assessments.call() == "0 values entered"
    assert not assessment.values.exists()
