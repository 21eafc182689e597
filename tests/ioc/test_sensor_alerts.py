"""Alert rules over live sensor readings (a value held beyond a limit, a fast rise, a
station gone quiet) on real stored readings; the alert's chart on the console; and the
people of the rule's role told by e-mail when an alert opens or is escalated."""

from __future__ import annotations

import datetime as dt
import re
import socket
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from tests.feedback.test_notify import Gateway, gateway  # noqa: F401 - a real SMS gateway
from tinhso.agencies import actions as agency_actions
from tinhso.agencies.models import Agency, AgencyKind, User
from tinhso.core.actors import Actor
from tinhso.core.models import AuditEntry
from tinhso.ioc import actions, alerts
from tinhso.ioc.models import Alert, AlertNotice, AlertRule, NoticeStatus
from tinhso.ioc.tasks import deliver_notice
from tinhso.sensors import actions as sensor_actions
from tinhso.sensors.models import Device
from tinhso.units.models import Commune

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")


@pytest.fixture(autouse=True)
def quiet_demo_stations(db):
    """The demo's stations out of the way (rolled back with the test): each test places
    its own."""
    Device.objects.filter(is_demo=True).update(is_active=False)


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0) - dt.timedelta(minutes=1)


def station(kind="air_quality", interval=600, commune=None):
    commune = commune or Commune.objects.get(code="27712")
    draft = sensor_actions.DeviceDraft(
        device_id=f"t-{uuid.uuid4().hex[:8]}",
        kind=kind,
        name=f"Trạm thử {kind}",
        lat=commune.lat,
        lon=commune.lon,
        owner=Agency.objects.get(code="SNNMT"),
        expected_interval=interval,
    )
    device = sensor_actions.register_device(SYSTEM, draft)[0]
    assert device.commune_id == commune.pk
    return device


ENTITY = {"air_quality": "AirQualityObserved", "water_level": "WaterObserved"}


def send(device, prop, at, value):
    body = {"type": ENTITY[device.kind], "refDevice": device.device_id, prop: value,
            "dateObserved": at.isoformat()}  # fmt: skip
    sensor_actions.receive(body, device=device)


def send_series(device, prop, now, minutes_and_values):
    for minutes_ago, value in minutes_and_values:
        send(device, prop, now - dt.timedelta(minutes=minutes_ago), value)


def make_rule(kind, severity="critical", **params):
    alerts.validate(kind, params)
    return AlertRule.objects.create(
        name=f"rule {kind}",
        kind=kind,
        params=params,
        severity=severity,
        sop="Gọi trực ban Sở Nông nghiệp và Môi trường.",
        escalate_after_minutes=15,
        escalate_to_role="leader",
    )


def smog_rule(**more):
    params = {"device_type": "air_quality", "property": "pm25", "above": 80, "minutes": 60}
    return make_rule("sensor_threshold", **(params | more))


# --- beyond a value, continuously ----------------------------------------------------------


def test_a_reading_held_above_the_limit_for_the_window_opens_an_alert(now):
    device = station()
    # Every 10 minutes for 80 minutes: the reading in effect an hour ago, and all since.
    send_series(device, "pm25", now, [(m, 95.0 + m / 10) for m in range(80, -1, -10)])
    opened = alerts.evaluate(now=now, rules=[smog_rule()])
    assert len(opened) == 1
    alert = opened[0]
    assert alert.commune.code == "27712"
    assert alert.evidence["devices"] == [device.device_id]
    assert alert.evidence["latest"] == 95.0 and alert.evidence["limit"] == 80
    (series,) = alert.evidence["series"]
    assert series["device"] == device.device_id
    assert series["v"][-1] == 95.0 and len(series["t"]) == len(series["v"]) >= 7


@pytest.mark.parametrize(
    "readings",
    [
        # one reading under the limit within the hour
        [(m, 40.0 if m == 30 else 95.0) for m in range(80, -1, -10)],
        # above only for the last 40 minutes
        [(m, 95.0 if m <= 40 else 60.0) for m in range(80, -1, -10)],
        # a hole of 30 minutes (1.5 expected intervals is 15): not known to be continuous
        [(m, 95.0) for m in (80, 70, 60, 50, 20, 10, 0)],
        # the station's first reading came after the window began
        [(m, 95.0) for m in (50, 40, 30, 20, 10, 0)],
        # nothing for the last 20 minutes: not current
        [(m, 95.0) for m in range(80, 19, -10)],
    ],
    ids=["dip", "too-short", "hole", "starts-late", "stale"],
)
def test_no_alert_unless_every_reading_of_the_window_is_beyond(now, readings):
    device = station()
    send_series(device, "pm25", now, readings)
    assert alerts.evaluate(now=now, rules=[smog_rule()]) == []


def test_below_a_value_and_one_named_station(now):
    watched, other = station(), station()
    for device in (watched, other):
        send_series(device, "pm25", now, [(m, 5.0) for m in range(80, -1, -10)])
    rule = make_rule(
        "sensor_threshold",
        device_type="air_quality",
        device=watched.device_id,
        property="pm25",
        below=8,
        minutes=60,
    )
    (alert,) = alerts.evaluate(now=now, rules=[rule])
    assert alert.evidence["devices"] == [watched.device_id] and alert.evidence["below"] == 8


def test_stations_of_one_commune_make_one_alert_kept_live_once(now):
    first, second = station(), station()
    for device in (first, second):
        send_series(device, "pm25", now, [(m, 120.0) for m in range(80, -1, -10)])
    rule = smog_rule()
    (alert,) = alerts.evaluate(now=now, rules=[rule])
    assert sorted(alert.evidence["devices"]) == sorted([first.device_id, second.device_id])
    assert len(alert.evidence["series"]) == 2
    # Ten minutes later it still holds: the same alert, refreshed.
    send(first, "pm25", now + dt.timedelta(seconds=30), 130.0)
    later = now + dt.timedelta(minutes=1)
    assert alerts.evaluate(now=later, rules=[rule]) == []
    alert.refresh_from_db()
    assert Alert.objects.filter(rule=rule).count() == 1
    assert alert.last_seen_at == later and alert.evidence["latest"] == 130.0


def test_the_evidence_keeps_a_sensible_number_of_points(now):
    device = station(interval=60)
    send_series(device, "pm25", now, [(m, 100.0 + m) for m in range(300, -1, -1)])
    rule = smog_rule(minutes=300)
    (alert,) = alerts.evaluate(now=now, rules=[rule])
    (series,) = alert.evidence["series"]
    assert len(series["v"]) <= 121 and series["v"][-1] == 100.0


# --- a fast rise -----------------------------------------------------------------------


def flood_rule():
    params = {"device_type": "water_level", "property": "waterLevel", "rise": 0.5}
    return make_rule("sensor_rise", minutes=60, **params)


def test_a_river_up_half_a_metre_within_the_hour_opens_a_flood_alert(now):
    gauge = station("water_level")
    send_series(
        gauge, "waterLevel", now, [(90, 1.05), (60, 1.30), (40, 1.45), (20, 1.62), (0, 1.9)]
    )
    (alert,) = alerts.evaluate(now=now, rules=[flood_rule()])
    assert alert.evidence["devices"] == [gauge.device_id]
    assert alert.evidence["rise"] == pytest.approx(0.6)
    assert alert.evidence["series"][0]["v"][-1] == 1.9


def test_a_slow_rise_or_an_old_one_opens_nothing(now):
    slow, old = station("water_level"), station("water_level")
    # 0.8 m in 2 hours: 0.4 m in any hour
    send_series(
        slow, "waterLevel", now, [(m, 1.0 + 0.8 * (120 - m) / 120) for m in range(120, -1, -20)]
    )
    # a fast rise that ended 40 minutes ago (nothing since: not current for 10-minute readings)
    send_series(old, "waterLevel", now, [(100, 1.0), (70, 1.7), (40, 1.8)])
    assert alerts.evaluate(now=now, rules=[flood_rule()]) == []


# --- a station gone quiet --------------------------------------------------------------


def test_a_station_silent_for_three_intervals_opens_an_offline_alert(now):
    quiet = station(interval=600)
    hourly = station(interval=3600, commune=other_commune())
    for device in (quiet, hourly):
        send(device, "pm25", now, 20.0)
    rule = make_rule("sensor_offline", severity="warning", device_type="air_quality")
    received = Device.objects.get(pk=quiet.pk).last_seen_at
    assert alerts.evaluate(now=received + dt.timedelta(minutes=30), rules=[rule]) == []
    later = received + dt.timedelta(minutes=31)  # three 10-minute intervals missed
    (alert,) = alerts.evaluate(now=later, rules=[rule])
    assert alert.commune.code == "27712"
    assert alert.evidence["devices"] == [quiet.device_id]  # the hourly one is not late yet
    assert alert.evidence["last_seen"][quiet.device_id] == received.isoformat()
    assert alerts.evaluate(now=later, rules=[rule]) == []  # still the one live alert


def other_commune() -> Commune:
    return (
        Commune.objects.filter(province__code="80", lat__isnull=False)
        .exclude(code="27712")
        .order_by("code")[3]
    )


# --- parameters checked ------------------------------------------------------------------


AQ = {"device_type": "air_quality", "property": "pm25", "minutes": 60}
WL = {"device_type": "water_level", "property": "waterLevel", "minutes": 60}


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("sensor_threshold", AQ | {"device_type": "", "above": 80}),
        ("sensor_threshold", AQ | {"device_type": "volcano", "above": 8}),
        ("sensor_threshold", AQ | {"property": "waterLevel", "above": 8}),
        ("sensor_threshold", AQ),
        ("sensor_threshold", AQ | {"above": 9, "below": 1}),
        ("sensor_threshold", AQ | {"above": "high"}),
        ("sensor_threshold", AQ | {"above": 80, "minutes": 2}),
        ("sensor_threshold", AQ | {"above": 80, "minutes": 1.5}),
        ("sensor_threshold", AQ | {"above": 80, "device": "nowhere"}),
        ("sensor_rise", WL | {"rise": -1}),
        ("sensor_rise", WL | {"rise": 0.5, "minutes": None}),
        ("sensor_offline", {"device_type": "volcano"}),
    ],
)
def test_a_rule_that_cannot_be_evaluated_is_refused_with_its_field(kind, params):
    with pytest.raises(alerts.RuleError) as refused:
        alerts.validate(kind, params)
    assert refused.value.field == "params" and refused.value.message
    rule = AlertRule(name="x", kind=kind, params=params)
    with pytest.raises(ValidationError) as invalid:
        rule.full_clean()
    assert "params" in invalid.value.message_dict


def test_the_admin_form_says_what_is_wrong_and_keeps_the_input(admin_client):
    data = {
        "name": "Bụi mịn",
        "kind": "sensor_threshold",
        "params": '{"device_type": "air_quality", "property": "pm25", "minutes": 60}',
        "severity": "critical",
        "sop": "",
        "escalate_after_minutes": 30,
        "escalate_to_role": "leader",
        "notify_on_open": "critical",
        "is_active": "on",
    }
    response = admin_client.post("/admin/ioc/alertrule/add/", data, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert "params" in response.context["adminform"].form.errors
    assert not AlertRule.objects.filter(name="Bụi mịn").exists()
    response = admin_client.post("/admin/ioc/alertrule/add/", data | {"escalate_to_role": "boss"})
    assert "escalate_to_role" in response.context["adminform"].form.errors
    good = data | {"params": data["params"].replace('"minutes"', '"above": 80, "minutes"')}
    assert admin_client.post("/admin/ioc/alertrule/add/", good).status_code == 302
    assert AlertRule.objects.get(name="Bụi mịn").params["above"] == 80


# --- the demo ----------------------------------------------------------------------------


def test_the_demo_history_makes_each_demo_sensor_rule_fire():
    # The session's `tinhso demo` evaluated its rules as its history ended.
    fired = {
        a.rule.kind: a.evidence["devices"]
        for a in Alert.objects.filter(rule__is_demo=True, rule__kind__startswith="sensor_")
    }
    assert "demo-aq-03" in fired["sensor_threshold"]
    assert "demo-wl-02" in fired["sensor_rise"]
    assert "demo-rf-02" in fired["sensor_offline"]


# --- the console shows the readings ----------------------------------------------------------


def test_the_console_and_the_alert_page_draw_the_readings(now):
    device = station()
    send_series(device, "pm25", now, [(m, 90.0 + m / 10) for m in range(80, -1, -10)])
    (alert,) = alerts.evaluate(now=now, rules=[smog_rule()])
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(User.objects.get(username="demo.operator"))
    console = client.get("/ioc/alerts/").content.decode()
    item = console[console.index(f'id="alert-{alert.pk}"') :]
    item = item[: item.index("</li>")]
    assert '<polyline class="series"' in item and 'class="limit"' in item
    points = item.split('<polyline class="series" points="')[1].split('"')[0].split()
    assert len(points) == len(alert.evidence["series"][0]["v"])
    # Coordinates stay SVG numbers on a Vietnamese page (no decimal comma), and the limit
    # (80) sits below readings of 90 and more: lower on screen, a larger y.
    limit_y = float(re.search(r'class="limit" x1="[\d.]+" y1="([^"]+)"', item).group(1))
    assert all(float(p.split(",")[1]) < limit_y for p in points)
    page = client.get(f"/ioc/alerts/{alert.pk}/")
    assert page.status_code == 200
    assert '<polyline class="series"' in page.content.decode()


# --- people told ---------------------------------------------------------------------------


@pytest.fixture
def leaders(db):
    """The demo's leader with an e-mail, and two leaders of commune People's Committees:
    one of the alerts' commune, one elsewhere."""
    leader = User.objects.get(username="demo.leader")
    leader.email = "lanhdao@example.gov.vn"
    leader.save()
    people = {"province": leader}
    for code, commune in (("here", Commune.objects.get(code="27712")), ("there", other_commune())):
        agency = agency_actions.create_agency(
            SYSTEM,
            code=f"T-UBND-{code}",
            name=f"UBND {commune.name}",
            kind=AgencyKind.COMMUNE_COMMITTEE,
            province=commune.province,
            commune=commune,
        )
        people[code] = User.objects.create(
            username=f"t.{code}", email=f"{code}@example.gov.vn", agency=agency
        )
        people[code].role_assignments.create(role="leader")
    return people


def test_an_escalated_alert_reaches_the_roles_people_by_email(
    now, leaders, mailoutbox, django_capture_on_commit_callbacks
):
    device = station()
    send_series(device, "pm25", now, [(m, 95.0) for m in range(80, -1, -10)])
    rule = smog_rule()
    rule.notify_on_open = "never"
    rule.save()
    (alert,) = alerts.evaluate(now=now, rules=[rule])
    assert not alert.notices.exists()
    with django_capture_on_commit_callbacks(execute=True):
        alerts.escalate(now + dt.timedelta(minutes=16))
    notices = list(alert.notices.order_by("recipient"))
    assert {n.user.username for n in notices} == {"demo.leader", "t.here"}  # not t.there
    assert {(n.reason, n.channel, n.status) for n in notices} == {
        ("escalated", "email", NoticeStatus.PENDING)
    }
    for notice in notices:
        assert deliver_notice.call(notice.pk) == "sent"
    assert sorted(m.to[0] for m in mailoutbox) == ["here@example.gov.vn", "lanhdao@example.gov.vn"]
    mail = mailoutbox[0]
    assert alert.title in mail.subject and alert.title in mail.body
    assert f"/ioc/alerts/{alert.pk}/" in mail.body and alert.commune.name in mail.body
    assert alert.rule.sop in mail.body
    assert all(n.status == NoticeStatus.SENT for n in AlertNotice.objects.filter(alert=alert))
    # Recorded without the addresses; escalating again tells nobody twice.
    entry = AuditEntry.objects.get(action="ioc.notify_role", object_id=str(alert.pk))
    assert entry.after["notices"] == 2 and "example.gov.vn" not in str(entry.after)
    actions.notify_role(SYSTEM, alert, reason="escalated")
    assert alert.notices.count() == 2


def test_a_critical_alert_tells_the_role_as_it_opens_and_a_warning_waits(now, leaders):
    device = station()
    send_series(device, "pm25", now, [(m, 95.0) for m in range(80, -1, -10)])
    critical = smog_rule()
    (alert,) = alerts.evaluate(now=now, rules=[critical])
    assert {(n.user.username, n.reason) for n in alert.notices.all()} == {
        ("demo.leader", "opened"),
        ("t.here", "opened"),
    }
    warning = smog_rule(above=70)
    warning.severity = "warning"
    warning.save()
    (quiet,) = alerts.evaluate(now=now, rules=[warning])
    assert not quiet.notices.exists()


def test_a_failed_send_is_kept_and_retried(now, leaders, settings):
    # A real SMTP connection to a port nobody listens on.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    device = station()
    send_series(device, "pm25", now, [(m, 95.0) for m in range(80, -1, -10)])
    (alert,) = alerts.evaluate(now=now, rules=[smog_rule()])
    notice = alert.notices.get(user__username="demo.leader")
    assert deliver_notice.call(notice.pk) == "retry in 1 min"
    notice.refresh_from_db()
    assert notice.attempts == 1 and notice.status == NoticeStatus.PENDING
    assert notice.last_error.startswith("ConnectionRefusedError")


@pytest.mark.usefixtures("gateway")
def test_a_leader_with_a_phone_hears_by_sms_through_the_provinces_gateway(now, leaders):
    leaders["province"].phone = "0912345678"
    leaders["province"].save()
    gauge = station("water_level")
    levels = [(90, 1.0), (60, 1.1), (30, 1.5), (0, 1.9)]
    send_series(gauge, "waterLevel", now, levels)
    (alert,) = alerts.evaluate(now=now, rules=[flood_rule()])
    sms = alert.notices.get(channel="sms")
    assert sms.user == leaders["province"] and sms.reason == "opened"
    assert deliver_notice.call(sms.pk) == "sent"
    ((signed, payload),) = Gateway.received
    assert signed and payload == {"to": "0912345678", "text": sms.body, "id": f"ioc-{sms.pk}"}
    assert alert.title in sms.body and f"/ioc/alerts/{alert.pk}/" in sms.body
