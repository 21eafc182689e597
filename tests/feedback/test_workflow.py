"""The workflow through the staff and citizen pages: accept, refuse, handle, answer,
transfer, close, rate, reopen — each audited, each refused to the wrong person."""

import pytest

from tinhso.agencies.models import Agency, User
from tinhso.core.models import AuditEntry
from tinhso.feedback.models import LabelledExample, Report, Status

pytestmark = pytest.mark.django_db


def act(client, report, action, **data):
    return client.post(f"/feedback/staff/{report.code}/{action}/", data, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def centre_commune(db):
    return User.objects.get(username="demo.commune").agency.commune


def test_the_whole_loop(
    client, operator, commune_handler, new_report, commune_field, centre_commune
):
    report = new_report(commune=centre_commune)
    # The operator confirms the field: it goes to the commune's People's Committee.
    act(operator, report, "accept", field=commune_field.pk)
    report.refresh_from_db()
    assert report.status == Status.ASSIGNED
    assert report.agency.code == f"UBND-{centre_commune.code}"
    assert LabelledExample.objects.filter(report=report, field=commune_field).exists()
    # The commune's handler sees it in the queue, starts and answers.
    queue = commune_handler.get("/feedback/queue/").content.decode()
    assert report.code in queue
    act(commune_handler, report, "start")
    act(commune_handler, report, "answer", answer="Đã thu gom rác, vệ sinh khu vực.")
    act(commune_handler, report, "close", resolution="fixed")
    report.refresh_from_db()
    assert (report.status, report.resolution) == (Status.CLOSED, "fixed")
    # The citizen reads the answer and rates it through the own link.
    own = f"/feedback/r/{report.code}/{report.citizen_key}/"
    assert "Đã thu gom rác" in client.get(own).content.decode()
    client.post(own + "rate/", {"rating": "4"})
    report.refresh_from_db()
    assert report.rating == 4
    actions = list(
        AuditEntry.objects.filter(object_type="feedback.report", object_id=str(report.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "feedback.submit_report",
        "feedback.accepted",
        "feedback.started",
        "feedback.answered",
        "feedback.closed",
        "feedback.rated",
    ]


def test_citizen_reopens_a_bad_fix_to_the_same_agency(
    client, operator, commune_handler, new_report, commune_field, centre_commune
):
    report = new_report(commune=centre_commune)
    act(operator, report, "accept", field=commune_field.pk)
    act(commune_handler, report, "answer", answer="Đã xử lý.")
    own = f"/feedback/r/{report.code}/{report.citizen_key}/"
    client.post(own + "reopen/", {"reason": "Rác vẫn còn nguyên, chưa ai dọn."})
    report.refresh_from_db()
    assert report.status == Status.ASSIGNED
    assert report.agency.code == f"UBND-{centre_commune.code}"
    assert "Rác vẫn còn nguyên" in client.get(own).content.decode()


def test_the_own_link_needs_its_key(client, new_report):
    report = new_report()
    assert client.get(f"/feedback/r/{report.code}/wrong-key/").status_code == 404
    assert (
        client.post(f"/feedback/r/{report.code}/wrong-key/rate/", {"rating": "1"}).status_code
        == 404
    )


def test_refusal_reason_is_shown_to_the_citizen(client, operator, new_report):
    report = new_report()
    act(operator, report, "refuse", reason="Nội dung không đủ để xác minh.")
    report.refresh_from_db()
    assert report.status == Status.REFUSED
    page = client.get(f"/feedback/r/{report.code}/{report.citizen_key}/").content.decode()
    assert "Nội dung không đủ để xác minh." in page
    # A refused report is not public: its code alone shows nothing.
    public = client.get("/feedback/track/", {"code": report.code}).content.decode()
    assert "Nội dung không đủ để xác minh." not in public


def test_refusing_without_a_reason_is_refused(operator, new_report):
    report = new_report()
    response = act(operator, report, "refuse", reason="  ")
    assert "lý do" in " ".join(messages_of(response))
    report.refresh_from_db()
    assert report.status == Status.RECEIVED


def test_not_ours_transfers_instead_of_closing(
    operator, commune_handler, new_report, commune_field, centre_commune
):
    report = new_report(commune=centre_commune)
    act(operator, report, "accept", field=commune_field.pk)
    sxd = Agency.objects.get(code="SXD")
    act(commune_handler, report, "transfer", agency=sxd.pk, reason="Thuộc đường tỉnh.")
    report.refresh_from_db()
    assert report.agency == sxd and report.status == Status.ASSIGNED


def test_handlers_of_another_agency_cannot_act(
    operator, sxd_handler, new_report, commune_field, centre_commune
):
    report = new_report(commune=centre_commune)
    act(operator, report, "accept", field=commune_field.pk)
    # demo.handler (Sở Xây dựng) does not even see the commune's report.
    assert sxd_handler.get(f"/feedback/staff/{report.code}/").status_code == 404
    assert act(sxd_handler, report, "start").status_code == 404


def test_a_handler_cannot_triage(
    commune_handler, new_report, commune_field, centre_commune, system
):
    from tinhso.feedback.actions import apply_processing

    report = apply_processing(
        system, new_report(commune=centre_commune, field=commune_field), proposed=None
    )
    assert report.agency.commune == centre_commune  # routed to the handler's committee
    response = commune_handler.post(
        f"/feedback/staff/{report.code}/accept/", {"field": commune_field.pk}
    )
    assert response.status_code == 403


def test_changing_the_field_reroutes(operator, new_report, commune_field, field, centre_commune):
    report = new_report(commune=centre_commune)
    act(operator, report, "accept", field=commune_field.pk)
    act(operator, report, "field", field=field.pk)  # roads: Sở Xây dựng
    report.refresh_from_db()
    assert report.agency.code == "SXD"
    assert LabelledExample.objects.filter(report=report).count() == 2


def test_queue_shows_overdue_first_and_needs_sign_in(client, supervisor):
    assert client.get("/feedback/queue/").status_code == 302
    html = supervisor.get("/feedback/queue/", {"state": "overdue"}).content.decode()
    overdue = Report.objects.filter(
        status__in=["received", "accepted", "assigned", "in_progress"],
        deadline__lt=__import__("django.utils.timezone", fromlist=["now"]).now(),
    ).count()
    assert overdue > 0  # the demo has late reports
    assert html.count('class="badge overdue"') == min(overdue, 50)


def test_queue_query_count_is_pinned(supervisor, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert supervisor.get("/feedback/queue/").status_code == 200


def test_public_list_masks_and_hides_unchecked_reports(client, new_report):
    fresh = new_report(text="Gọi tôi 0912345678 về việc rác thải ùn ứ.")
    html = client.get("/feedback/").content.decode()
    assert fresh.code not in html  # not yet checked by an operator
    assert "0912345678" not in html


def test_extension_requested_by_handler_approved_by_supervisor(
    operator, commune_handler, supervisor, new_report, commune_field, centre_commune
):
    from tinhso.feedback.calendar import WorkingCalendar

    report = new_report(commune=centre_commune)
    act(operator, report, "accept", field=commune_field.pk)
    report.refresh_from_db()
    before = report.deadline
    act(commune_handler, report, "extend", working_days="3", reason="Chờ vật tư sửa chữa.")
    assert act(commune_handler, report, "approve_extension").status_code == 403
    waiting = supervisor.get("/feedback/queue/", {"state": "extensions"}).content.decode()
    assert report.code in waiting
    act(supervisor, report, "approve_extension")
    report.refresh_from_db()
    assert report.deadline == WorkingCalendar().add_working_days(before, 3)
    assert report.events.filter(kind="extended").exists()


def test_extension_needs_a_reason_and_sensible_days(
    operator, commune_handler, new_report, commune_field, centre_commune
):
    report = new_report(commune=centre_commune)
    act(operator, report, "accept", field=commune_field.pk)
    response = act(commune_handler, report, "extend", working_days="99", reason="x")
    assert "1 đến 30" in " ".join(messages_of(response))
    assert not report.extensions.exists()


def test_a_complaints_decision_counts_from_acceptance(system, new_report, settings):
    import datetime as dt

    from django.utils import timezone

    from tinhso.feedback import actions
    from tinhso.feedback.models import Field, Track

    report = new_report(text="Khiếu nại quyết định thu hồi đất.", track=Track.COMPLAINT)
    report.received_at = timezone.now() - dt.timedelta(days=8)  # accepted late, on day 8
    report.save(update_fields=["received_at"])
    accepted = actions.accept_report(system, report, field=Field.objects.get(code="moi-truong"))
    today = timezone.localdate()
    assert timezone.localtime(accepted.deadline).date() == today + dt.timedelta(days=30)
    with pytest.raises(actions.WorkflowError):
        actions.set_complexity(system, accepted, complexity="complex", reason="  ")
    longer = actions.set_complexity(
        system, accepted, complexity="complex", reason="Nhiều bên liên quan.", remote=True
    )
    assert timezone.localtime(longer.deadline).date() == today + dt.timedelta(days=60)
    event = longer.events.get(kind="period_set")
    assert event.public and "Nhiều bên liên quan." in event.message
    ordinary = new_report()
    with pytest.raises(actions.WorkflowError):
        actions.set_complexity(system, ordinary, complexity="complex", reason="x")


def test_the_queue_counts_what_it_lists_for_every_role(admin_client, supervisor, sxd_handler):
    import re as regex

    for client in (admin_client, supervisor, sxd_handler):
        page = client.get("/feedback/queue/")
        assert page.status_code == 200
        html = page.content.decode()
        shown = len(regex.findall(r'<td [^>]*class="nowrap"><span><a href="/feedback/staff/', html))
        counted = int(regex.search(r"Đang mở: <strong>(\d+)</strong>", html).group(1))
        assert shown == min(counted, 50), (shown, counted)


def test_the_queue_finds_a_report_by_code_words_or_phone(supervisor, new_report):
    report = new_report(text="Cột điện nghiêng sát mái nhà dân.", reporter_phone="0988777666")
    for q in (report.code, "cột điện nghiêng", "0988777"):
        html = supervisor.get("/feedback/queue/", {"q": q}).content.decode()
        assert report.code in html, q
    html = supervisor.get("/feedback/queue/", {"q": "không có gì như thế"}).content.decode()
    assert report.code not in html


def test_timelines_speak_vietnamese(operator, new_report, client):
    report = new_report()
    accepted = act(operator, report, "accept", field=report_field_pk())
    assert accepted.status_code == 200
    staff = operator.get(f"/feedback/staff/{report.code}/").content.decode()
    assert "Đã tiếp nhận" in staff and "(người dân" in staff
    for english in ("<strong>received</strong>", "<strong>accepted</strong>", "(citizen"):
        assert english not in staff
    report.refresh_from_db()
    own = client.get(f"/feedback/r/{report.code}/{report.citizen_key}/").content.decode()
    assert "Đã tiếp nhận" in own and "<strong>received</strong>" not in own


def report_field_pk():
    from tinhso.feedback.models import Field

    return Field.objects.get(code="moi-truong").pk


def test_closing_as_not_within_competence_is_said_to_staff_and_citizen(
    system, new_report, client, supervisor
):
    from tinhso.feedback import actions
    from tinhso.feedback.models import Field

    report = new_report()
    report = actions.accept_report(system, report, field=Field.objects.get(code="moi-truong"))
    report = actions.answer_report(system, report, answer="Việc này thuộc thẩm quyền của tòa án.")
    with pytest.raises(actions.WorkflowError):
        actions.close_report(system, report, resolution="not_competent")
    closed = actions.close_report(
        system, report, resolution="not_competent", reason="Tranh chấp dân sự, thuộc tòa án."
    )
    assert closed.resolution == "not_competent"
    own = client.get(f"/feedback/r/{report.code}/{report.citizen_key}/").content.decode()
    assert "Không thuộc thẩm quyền" in own
    assert (
        "Không thuộc thẩm quyền"
        in supervisor.get(f"/feedback/staff/{report.code}/").content.decode()
    )


def test_a_handler_who_cannot_act_yet_is_told_who_can(sxd_handler, new_report, supervisor):
    from tinhso.agencies.models import Agency

    report = new_report()
    report.agency = Agency.objects.get(code="SXD")  # proposed by the processing, not checked
    report.save()
    page = sxd_handler.get(f"/feedback/staff/{report.code}/").content.decode()
    assert "kiểm tra phản ánh này và chuyển" in page
    assert "kiểm tra phản ánh này và chuyển" not in (
        supervisor.get(f"/feedback/staff/{report.code}/").content.decode()
    )


def test_a_report_is_assigned_to_a_named_officer_of_its_agency(
    system, new_report, supervisor, sxd_handler
):
    from tinhso.agencies.models import Agency, User
    from tinhso.feedback import actions
    from tinhso.feedback.models import Field

    sxd = Agency.objects.get(code="SXD")
    report = actions.accept_report(
        system, new_report(), field=Field.objects.get(code="moi-truong"), agency=sxd
    )
    officer = User.objects.get(username="demo.handler")
    page = supervisor.get(f"/feedback/staff/{report.code}/").content.decode()
    assert f'<option value="{officer.pk}"' in page
    done = supervisor.post(
        f"/feedback/staff/{report.code}/assign/", {"officer": officer.pk}, follow=True
    )
    assert done.status_code == 200
    report.refresh_from_db()
    assert report.assignee == officer
    assert report.code in sxd_handler.get("/feedback/queue/", {"scope": "mine"}).content.decode()
    outsider = User.objects.get(username="demo.commune")
    with pytest.raises(actions.WorkflowError):
        actions.assign_report(system, report, officer=outsider)
