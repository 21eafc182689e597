"""The public map of reports, a report's page with its possible duplicates and merging,
and what people who reported the same problem see and hear."""

import re

import pytest

from tinhso.core.models import AuditEntry
from tinhso.feedback.models import Message, Report, Status

pytestmark = pytest.mark.django_db


def accept(operator, report, field):
    operator.post(f"/feedback/staff/{report.code}/accept/", {"field": field.pk})
    report.refresh_from_db()
    return report


def test_the_public_map_has_public_reports_and_nothing_personal(
    client, operator, new_report, commune_field, tan_an
):
    located = new_report(
        text="Rác đổ trộm ở bãi đất trống, gọi 0912345678.",
        lat=10.5361234,
        lon=106.4123456,
        reporter_name="Trần Thị Lan",
        reporter_phone="0912345678",
    )
    unchecked = new_report(text="Chưa kiểm tra", lat=10.53, lon=106.41)
    accept(operator, located, commune_field)
    body = client.get("/feedback/map.geojson").json()
    assert body["type"] == "FeatureCollection" and body["truncated"] is False
    by_code = {f["properties"]["code"]: f for f in body["features"]}
    assert located.code in by_code and unchecked.code not in by_code
    feature = by_code[located.code]
    assert feature["geometry"]["coordinates"] == [106.4123, 10.5361]  # about 10 m
    assert feature["properties"]["url"] == f"/feedback/track/?code={located.code}"
    text = str(body)
    for private in ("Trần Thị Lan", "0912345678", "Rác đổ trộm"):
        assert private not in text
    # Filters: the field, and open / answered.
    other = client.get("/feedback/map.geojson", {"field": "giao-thong"}).json()
    assert located.code not in {f["properties"]["code"] for f in other["features"]}
    answered = client.get("/feedback/map.geojson", {"state": "answered"}).json()
    assert located.code not in {f["properties"]["code"] for f in answered["features"]}


def test_the_public_map_says_when_it_cut(client, monkeypatch):
    from tinhso.feedback.views import citizens

    located = Report.objects.filter(
        status__in=("accepted", "assigned", "in_progress", "answered", "closed"),
        lat__isnull=False,
        duplicate_of__isnull=True,
    ).count()
    assert located > 3  # the demo's reports have places
    monkeypatch.setattr(citizens, "MAP_LIMIT", 3)
    body = client.get("/feedback/map.geojson").json()
    assert len(body["features"]) == 3 and body["truncated"] is True and body["limit"] == 3


def test_the_list_page_carries_the_map(client):
    html = client.get("/feedback/").content.decode()
    assert 'id="reports-map"' in html and "/feedback/map.geojson" in html
    assert "leaflet.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from another site


def test_a_report_page_proposes_duplicates_and_merges(
    client, operator, new_report, commune_field, tan_an
):
    first = new_report(
        text="Rác thải tập kết bên đường Hùng Vương bốc mùi.", lat=10.5361, lon=106.4123
    )
    first = accept(operator, first, commune_field)
    second = new_report(
        text="Đống rác bên đường Hùng Vương bốc mùi hôi thối.",
        lat=10.5362,
        lon=106.4124,
        reporter_email="dan@example.vn",
    )
    second.field = commune_field
    second.save()
    page = operator.get(f"/feedback/staff/{second.code}/").content.decode()
    assert "Có thể trùng" in page and first.code in page
    assert 'id="report-points"' in page  # the map of the report and those near it
    operator.post(f"/feedback/staff/{second.code}/merge/", {"into": first.code})
    second.refresh_from_db()
    assert (second.status, second.resolution, second.duplicate_of) == (
        Status.CLOSED,
        "duplicate",
        first,
    )
    assert AuditEntry.objects.filter(action="feedback.merged", object_id=str(second.pk)).exists()
    # The first report's pages count both reporters.
    assert "2 người" in client.get("/feedback/track/", {"code": first.code}).content.decode()
    staff_page = operator.get(f"/feedback/staff/{first.code}/").content.decode()
    assert second.code in staff_page
    # The merged report's own page leads to the first one.
    own = client.get(f"/feedback/r/{second.code}/{second.citizen_key}/").content.decode()
    assert first.code in own and "Cùng vấn đề đang được theo dõi tại đây" in own


def test_merging_is_for_triage_staff(sxd_handler, new_report):
    first, second = new_report(), new_report()
    sxd_handler.post(f"/feedback/staff/{second.code}/merge/", {"into": first.code})
    second.refresh_from_db()
    assert second.duplicate_of is None


def test_everyone_who_reported_it_hears_of_the_answer(
    system, new_report, commune_field, django_capture_on_commit_callbacks
):
    from tinhso.feedback import actions

    first = new_report(reporter_email="first@example.vn")
    second = new_report(reporter_email="second@example.vn")
    actions.accept_report(system, first, field=commune_field)
    actions.merge_duplicate(system, second, into=first)
    with django_capture_on_commit_callbacks(execute=True):
        actions.answer_report(system, first, answer="Đã thu gom rác xong.")
    to_second = Message.objects.filter(report=second, recipient="second@example.vn").latest("id")
    assert first.code in to_second.body and "Đã thu gom rác xong." in to_second.body
    assert f"/feedback/r/{second.code}/{second.citizen_key}/" in to_second.body
    assert Message.objects.filter(report=first, recipient="first@example.vn").exists()


def test_a_supervisor_sees_the_extension_request_on_the_page(
    operator, supervisor, commune_handler, new_report, commune_field
):
    from tinhso.agencies.models import User

    centre = User.objects.get(username="demo.commune").agency.commune
    report = accept(operator, new_report(commune=centre), commune_field)
    commune_handler.post(
        f"/feedback/staff/{report.code}/extend/",
        {"working_days": "3", "reason": "Chờ đơn vị thi công"},
    )
    page = supervisor.get(f"/feedback/staff/{report.code}/").content.decode()
    assert "Chờ đơn vị thi công" in page
    assert f"/feedback/staff/{report.code}/approve_extension/" in page


def test_a_duplicate_is_near_and_similar_both(new_report, commune_field, tan_an):
    from tinhso.feedback import duplicates

    def report(text, **where):
        made = new_report(text=text, **where)
        made.field = commune_field
        made.save()
        return made

    here = {"lat": 10.5361, "lon": 106.4123}
    same = report("Rác thải tập kết bên đường Hùng Vương bốc mùi.", **here)
    other_problem = report("Đèn chiếu sáng công cộng bị hỏng nhiều ngày.", **here)
    far = report("Rác thải tập kết bên đường Hùng Vương bốc mùi hôi.", lat=10.5661, lon=106.4423)
    commune_only = report("Rác tập kết bên đường Hùng Vương bốc mùi hôi thối.", lat=None, lon=None)
    found = duplicates.find(
        "Đống rác bên đường Hùng Vương bốc mùi hôi thối.",
        field=commune_field,
        commune=tan_an,
        **here,
    )
    codes = {c.report.code for c in found}
    assert same.code in codes and commune_only.code in codes
    assert other_problem.code not in codes  # near, but another problem
    assert far.code not in codes  # similar, but 4 km away
    kept = len(duplicates.VECTORS._rows)
    duplicates.find("Rác bốc mùi bên đường Hùng Vương.", field=commune_field, **here)
    assert len(duplicates.VECTORS._rows) == kept  # the open reports' vectors were kept


def test_every_open_report_near_it_is_compared(new_report, commune_field, tan_an):
    """No cap on the candidates: with 700 other open reports in the commune, the one that
    is the same problem is found wherever it stands among them."""
    import datetime as dt

    from django.utils import timezone

    from tinhso.feedback import duplicates

    now = timezone.now()
    Report.objects.bulk_create(
        Report(
            code=f"PA-TEST-{i:05d}",
            text=f"Đèn đường số {i} ở khu phố {i % 40} không sáng.",
            field=commune_field,
            field_confirmed=True,
            status=Status.IN_PROGRESS,
            commune=tan_an,
            deadline=now + dt.timedelta(days=5),
        )
        for i in range(700)
    )
    same = new_report(text="Cống thoát nước trước trường tiểu học bị nghẹt, nước tràn.")
    same.field = commune_field
    same.commune = tan_an
    same.save()
    duplicates.VECTORS.forget()
    found = duplicates.find(
        "Cống thoát nước trước trường tiểu học bị nghẹt.", field=commune_field, commune=tan_an
    )
    assert [c.report.code for c in found] == [same.code]
    assert found[0].report.commune == tan_an  # a whole report, as the pages use it
