"""The access matrix: every route (pages, Open311 and the API) × every actor (anonymous
and each demo role, signed in on pages and by token on the API) × the objects a route
acts on (reports in each state and track; datasets open, shared, shared with one agency,
private) — each cell's outcome asserted exactly.

Outcomes: `ok` (2xx, or a redirect that is not to the sign-in page), `login` (to the
sign-in page, or 401), `denied` (403), `missing` (404: not found, or not shown to this
actor), `refused` (400). A route with no row here fails `test_every_route_has_a_row`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image

from tests.basemaps import make_mbtiles, png
from tests.http import close
from tinhso.agencies.models import Agency, ApiToken, User
from tinhso.core.actors import Actor
from tinhso.feedback import actions as feedback_actions
from tinhso.feedback.models import Field, Track
from tinhso.feedback.photos import check_all, check_document, store, store_documents
from tinhso.sensors import actions as sensor_actions
from tinhso.units.models import Commune
from tinhso.warehouse import actions as warehouse_actions
from tinhso.warehouse.models import Access, IngestJob

pytestmark = pytest.mark.django_db

ACTORS = {
    "anonymous": None,
    "operator": "demo.operator",
    "supervisor": "demo.supervisor",
    "leader": "demo.leader",
    "handler": "demo.handler",  # Sở Xây dựng
    "commune": "demo.commune",  # a commune People's Committee
    "steward": "demo.steward",  # Sở KH&CN
    "admin": "demo.admin",
}
ROLES = {
    "anonymous": set(),
    "operator": {"operator"},
    "supervisor": {"supervisor"},
    "leader": {"leader"},
    "handler": {"handler"},
    "commune": {"handler"},
    "steward": {"data_steward"},
    "admin": {"administrator"},
}


def has(actor: str, *roles: str) -> bool:
    return actor == "admin" or bool(ROLES[actor] & set(roles))


def guarded(actor: str, allowed: bool) -> str:
    """A page or operation for some roles: anonymous must sign in, others are refused."""
    if allowed:
        return "ok"
    return "login" if actor == "anonymous" else "denied"


# --- the objects ------------------------------------------------------------------------


@dataclass
class World:
    reports: dict = field(default_factory=dict)
    datasets: dict = field(default_factory=dict)
    agency_of: dict = field(default_factory=dict)
    photos: dict = field(default_factory=dict)
    documents: dict = field(default_factory=dict)
    jobs: dict = field(default_factory=dict)
    leader_token_id: int = 0
    device: str = ""
    ioc: dict = field(default_factory=dict)
    dti: dict = field(default_factory=dict)


def _png():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "PNG")
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("a.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def world(db, tmp_path, token_for, settings) -> World:
    system = Actor.system("access matrix")
    settings.TINHSO_BASEMAP = str(make_mbtiles(tmp_path / "basemap.mbtiles", {(1, 1, 0): png()}))
    sxd = Agency.objects.get(code="SXD")
    skhcn = Agency.objects.get(code="SKHCN")
    commune = Commune.objects.get(code="27712")
    roads = Field.objects.get(code="giao-thong")

    def report(text, track=Track.ORDINARY):
        draft = feedback_actions.ReportDraft(text=text, channel="web", commune=commune, track=track)
        return feedback_actions.submit_report(Actor.citizen(), draft)[0]

    w = World()
    w.reports["received"] = report("Đèn đường hỏng trước cổng trường tiểu học.")
    w.reports["assigned"] = feedback_actions.accept_report(
        system, report("Ổ gà lớn giữa đường trước chợ."), field=roads, agency=sxd
    )
    answered = feedback_actions.accept_report(
        system, report("Cống thoát nước bị nghẹt gây ngập."), field=roads, agency=sxd
    )
    w.reports["answered"] = feedback_actions.answer_report(
        system, answered, answer="Đã nạo vét cống."
    )
    w.reports["refused"] = feedback_actions.refuse_report(
        system, report("Nội dung không rõ ràng."), reason="Không đủ thông tin."
    )
    w.reports["denunciation"] = feedback_actions.accept_report(
        system,
        report("Tố cáo cán bộ thu tiền sai quy định.", Track.DENUNCIATION),
        field=roads,
        agency=sxd,
    )
    for name in ("received", "assigned"):
        store(w.reports[name], check_all([_png()]))
        w.photos[name] = w.reports[name].photos.get()
    for name in ("answered", "denunciation"):
        pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
        store_documents(w.reports[name], [check_document("Công văn trả lời.pdf", pdf)])
        w.documents[name] = w.reports[name].documents.get()

    def dataset(slug, access, owner, shared_with=None):
        made = warehouse_actions.create_dataset(
            system, slug=slug, title=slug, owner=owner, access=access
        )
        if shared_with:
            made.shared_with.set(shared_with)
        source = tmp_path / f"{slug}.csv"
        source.write_text("ma,ten\nA1,một\nA2,hai\n", encoding="utf-8")
        warehouse_actions.add_version(system, made, source)
        w.jobs[slug] = IngestJob.objects.create(dataset=made, staged="x", source_name="x.csv")
        return made

    w.datasets["open"] = dataset("m-open", Access.OPEN, skhcn)
    w.datasets["shared"] = dataset("m-shared", Access.SHARED, skhcn)
    w.datasets["shared-with-sxd"] = dataset("m-shared-sxd", Access.SHARED, skhcn, [sxd])
    w.datasets["private"] = dataset("m-private", Access.PRIVATE, skhcn)
    w.datasets["private-of-sxd"] = dataset("m-private-sxd", Access.PRIVATE, sxd)
    for actor, username in ACTORS.items():
        if username:
            w.agency_of[actor] = User.objects.get(username=username).agency_id
    w.device = sensor_actions.register_device(
        system,
        sensor_actions.DeviceDraft(
            device_id="matrix-aq",
            kind="air_quality",
            name="Trạm không khí",
            lat=10.54,
            lon=106.41,
            owner=skhcn,
        ),
    )[0].device_id
    w.ioc = ioc_world(system, skhcn, commune)
    w.roadmap = roadmap_world(system, sxd, commune)
    w.dti = dti_world()
    w.portal = portal_world(system, w.datasets["open"], skhcn)
    token_for("demo.leader", "a token of the leader's")
    w.leader_token_id = ApiToken.objects.filter(user__username="demo.leader").latest("id").pk
    return w


def ioc_world(system, agency, commune) -> dict:
    """An indicator with an approved value, one waiting for approval, and an open alert."""
    import datetime as dt

    from tinhso.ioc import actions as ioc_actions
    from tinhso.ioc.models import AlertRule

    indicator = ioc_actions.define_indicator(
        system,
        code="m-indicator",
        name_vi="Chỉ số",
        sector="health",
        period="month",
        owner=agency,
        source_kind="manual",
        key=True,
    )
    steward = Actor.for_user(User.objects.get(username="demo.steward"))
    link = {"evidence_link": "https://example.org/bao-cao", "value": 1, "commune": commune}
    approved = ioc_actions.enter_value(
        steward, indicator, period_start=dt.datetime(2026, 10, 1, tzinfo=dt.UTC), **link
    )
    ioc_actions.decide_value(system, approved, approve=True)
    pending = ioc_actions.enter_value(
        steward, indicator, period_start=dt.datetime(2026, 11, 1, tzinfo=dt.UTC), **link
    )
    rule = AlertRule.objects.create(name="m-rule", kind="overdue", params={"limit": 0})
    alert = ioc_actions.raise_alert(system, rule, title="m-alert", evidence={})[0]
    report = ioc_actions.generate_report(system, "health", "week", dt.date(2026, 10, 5))[0]
    return {
        "value": indicator.values.get().pk,
        "entry": pending.pk,
        "alert": alert.pk,
        "report": report.pk,
    }


def roadmap_world(system, agency, commune) -> dict:
    """A task of the Sở Xây dựng (demo.handler's agency) with a report waiting."""
    import datetime as dt

    from tinhso.roadmap import actions as roadmap_actions

    plan = roadmap_actions.create_plan(
        system, name="m-plan", period_start=dt.date(2024, 1, 1), period_end=dt.date(2030, 12, 31)
    )
    task = roadmap_actions.create_task(
        system,
        plan,
        title="m-task",
        owner=agency,
        communes=[commune],
        start=dt.date(2024, 1, 1),
        due=dt.date(2030, 12, 31),
    )
    report = roadmap_actions.submit_report(
        system, task, month=dt.date(2024, 3, 1), progress=10, text="m-report"
    )
    return {"plan": plan.pk, "task": task.pk, "report": report.pk}


def dti_world() -> dict:
    """The demo province's 2024 assessment (opened by `tinhso demo`) with a value that
    demo.handler entered, waiting for review."""
    from tinhso.dti.models import AssessmentValue

    pending = AssessmentValue.objects.get(
        assessment__year=2024, status="pending", entered_by__username="demo.handler"
    )
    index = pending.assessment.framework.main_indices.get(code="nhan_luc_so")
    return {"value": pending.pk, "index": index.pk}


def dti_viewer(actor: str) -> str:
    return guarded(actor, has(actor, "leader", "supervisor", "operator", "handler", "data_steward"))


def portal_world(system, dataset, agency) -> dict:
    """A reuse of an open dataset of SKHCN waiting; requests naming SKHCN, naming no
    agency, and one declined."""
    from tinhso.portal import actions as portal_actions

    public = Actor.citizen()
    contact = ("m-name", "m@example.org")
    reuse = portal_actions.submit_reuse(
        public,
        [dataset],
        portal_actions.ReuseDraft("m-reuse", "app", "https://example.org/m", "", *contact),
    )

    def request(title, agency):
        draft = portal_actions.RequestDraft(title, "m-description", agency, *contact)
        return portal_actions.submit_request(public, draft)

    declined = portal_actions.answer_request(
        system, request("m-declined", None), answer="", decline=True
    )
    return {
        "reuse": reuse.pk,
        "skhcn": request("m-request", agency).pk,
        "none": request("m-request-none", None).pk,
        "declined": declined.pk,
    }


def portal_moderator(w: World, actor: str, agency_named: bool = True) -> str:
    """The data stewards of the agency concerned (SKHCN), and administrators; a request
    naming no agency is the administrators' alone."""
    skhcn = Agency.objects.get(code="SKHCN").pk
    steward = has(actor, "data_steward") and w.agency_of.get(actor) == skhcn
    return guarded(actor, actor == "admin" or (agency_named and steward))


def roadmap_editor(w: World, actor: str) -> str:
    """The task's owner agency (the Sở Xây dựng) and the secretariat (supervisors)."""
    sxd = Agency.objects.get(code="SXD").pk
    return guarded(actor, w.agency_of.get(actor) == sxd or has(actor, "supervisor"))


# --- who may see what -------------------------------------------------------------------

PUBLIC_REPORTS = {"assigned", "answered"}  # accepted by staff, not a denunciation


def sees_report(w: World, actor: str, name: str) -> bool:
    """reports_for_staff: province-wide roles see all; a handler their agency's."""
    if has(actor, "operator", "supervisor", "leader"):
        return True
    report = w.reports[name]
    return has(actor, "handler") and report.agency_id == w.agency_of[actor]


def staff_report(w: World, actor: str, name: str) -> str:
    if actor == "anonymous":
        return "login"
    if not has(actor, "operator", "supervisor", "leader", "handler"):
        return "denied"
    return "ok" if sees_report(w, actor, name) else "missing"


def tracked(w: World, actor: str, name: str) -> str:
    if name in PUBLIC_REPORTS:
        return "ok"
    staff = actor != "anonymous" and has(actor, "operator", "supervisor", "leader", "handler")
    return "ok" if staff and sees_report(w, actor, name) else "missing"


def reads(w: World, actor: str, name: str) -> bool:
    dataset = w.datasets[name]
    if actor == "admin" or dataset.access == Access.OPEN:
        return True
    if actor == "anonymous":
        return False
    agency = w.agency_of[actor]
    if dataset.owner_id == agency:
        return True
    shared = set(dataset.shared_with.values_list("pk", flat=True))
    return dataset.access == Access.SHARED and (not shared or agency in shared)


def writes(w: World, actor: str, name: str) -> bool:
    dataset = w.datasets[name]
    return actor == "admin" or (
        has(actor, "data_steward") and w.agency_of[actor] == dataset.owner_id
    )


def dataset_to_write(w: World, actor: str, name: str) -> str:
    if not reads(w, actor, name):
        return "missing"
    return guarded(actor, writes(w, actor, name))


# --- the rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One route: how to call it for an object, and what each actor gets."""

    method: str
    url: Callable[[World, str], str]
    expect: Callable[[World, str, str], str]
    objects: tuple[str, ...] = ("-",)
    data: Callable[[World, str], dict] | None = None
    api: bool = False
    fresh: bool = False  # changes the client itself (signs out, sets the language)


def everyone(w, a, o):
    return "ok"


def signed_in(w, a, o):
    return guarded(a, a != "anonymous")


def fixed(url):
    return lambda w, o: url


REPORTS = ("received", "assigned", "answered", "refused", "denunciation")
DATASETS = ("open", "shared", "shared-with-sxd", "private", "private-of-sxd")


def code(w, o):
    return w.reports[o].code


def slug(w, o):
    return w.datasets[o].slug


PAGES: dict[str, Row] = {
    "home": Row("GET", fixed("/"), everyone),
    "healthz": Row("GET", fixed("/healthz"), everyone),
    "work": Row("GET", fixed("/work/"), signed_in),
    "manifest": Row("GET", fixed("/manifest.webmanifest"), everyone),
    "service_worker": Row("GET", fixed("/sw.js"), everyone),
    "login": Row("GET", fixed("/accounts/login/"), everyone),
    "logout": Row("POST", fixed("/accounts/logout/"), everyone, fresh=True),
    "password_change": Row("GET", fixed("/accounts/password/"), signed_in),
    "account": Row("GET", fixed("/accounts/me/"), signed_in),
    "token_create": Row(
        "POST", fixed("/accounts/me/tokens/"), signed_in, data=lambda w, o: {"label": "x"}
    ),
    "token_revoke": Row(
        "POST",
        lambda w, o: f"/accounts/me/tokens/{w.leader_token_id}/revoke/",
        lambda w, a, o: (
            "login" if a == "anonymous" else ("ok" if a in {"leader", "admin"} else "missing")
        ),
    ),
    "agency_list": Row("GET", fixed("/agencies/"), everyone),
    "agency_detail": Row("GET", fixed("/agencies/SXD/"), everyone),
    "units": Row("GET", fixed("/units/"), everyone),
    "units_convert": Row("GET", fixed("/units/convert/"), everyone),
    "basemap_tile": Row("GET", fixed("/tiles/1/1/0"), everyone),
    "units_boundaries": Row(
        "GET", fixed("/units/boundaries/"), lambda w, a, o: guarded(a, has(a, "administrator"))
    ),
    "set_language": Row(
        "POST", fixed("/i18n/setlang/"), everyone, data=lambda w, o: {"language": "en"}, fresh=True
    ),
    "feedback_list": Row("GET", fixed("/feedback/"), everyone),
    "feedback_map": Row("GET", fixed("/feedback/map.geojson"), everyone),
    "feedback_new": Row("GET", fixed("/feedback/new/"), everyone),
    "feedback_propose": Row("GET", fixed("/feedback/propose/?text=đèn+đường+hỏng"), everyone),
    "feedback_track": Row(
        "GET", lambda w, o: f"/feedback/track/?code={code(w, o)}", tracked, REPORTS
    ),
    "feedback_own": Row(
        "GET",
        lambda w, o: f"/feedback/r/{code(w, o)}/{w.reports[o].citizen_key}/",
        everyone,
        REPORTS,
    ),
    "feedback_rate": Row(
        "POST",
        lambda w, o: f"/feedback/r/{code(w, o)}/{w.reports[o].citizen_key}/rate/",
        everyone,
        ("answered",),
        data=lambda w, o: {"rating": "5"},
    ),
    "feedback_reopen": Row(
        "POST",
        lambda w, o: f"/feedback/r/{code(w, o)}/wrong-key/reopen/",
        lambda w, a, o: "missing",
        ("answered",),
        data=lambda w, o: {"reason": "Chưa sửa."},
    ),
    "feedback_photo": Row(
        "GET",
        lambda w, o: f"/feedback/photo/{w.photos[o].pk}/",
        lambda w, a, o: "ok" if o in PUBLIC_REPORTS else "missing",
        ("received", "assigned"),
    ),
    "feedback_own_photo": Row(
        "GET",
        lambda w, o: f"/feedback/r/{code(w, o)}/{w.reports[o].citizen_key}/photo/{w.photos[o].pk}/",
        everyone,  # the key of the reporter's link is the permission
        ("received", "assigned"),
    ),
    "feedback_staff_photo": Row(
        "GET",
        lambda w, o: f"/feedback/staff/photo/{w.photos[o].pk}/",
        staff_report,
        ("received", "assigned"),
    ),
    "feedback_document": Row(
        "GET",
        lambda w, o: f"/feedback/document/{w.documents[o].pk}/",
        lambda w, a, o: "ok" if o in PUBLIC_REPORTS else "missing",
        ("answered", "denunciation"),
    ),
    "feedback_own_document": Row(
        "GET",
        lambda w, o: (
            f"/feedback/r/{code(w, o)}/{w.reports[o].citizen_key}/document/{w.documents[o].pk}/"
        ),
        everyone,  # the key of the reporter's link is the permission
        ("answered", "denunciation"),
    ),
    "feedback_staff_document": Row(
        "GET",
        lambda w, o: f"/feedback/staff/document/{w.documents[o].pk}/",
        staff_report,
        ("answered", "denunciation"),
    ),
    "feedback_queue": Row(
        "GET",
        fixed("/feedback/queue/"),
        lambda w, a, o: guarded(a, has(a, "operator", "supervisor", "leader", "handler")),
    ),
    "feedback_messages": Row(
        "GET",
        fixed("/feedback/messages/"),
        lambda w, a, o: guarded(a, has(a, "supervisor", "leader")),
    ),
    "feedback_scorecards": Row(
        "GET",
        fixed("/feedback/scorecards/"),
        lambda w, a, o: guarded(a, has(a, "supervisor", "leader")),
    ),
    "feedback_hotline": Row(
        "GET",
        fixed("/feedback/hotline/"),
        lambda w, a, o: guarded(a, has(a, "operator", "supervisor")),
    ),
    "feedback_hotline_assist": Row(
        "GET",
        fixed("/feedback/hotline/assist/?text=ổ+gà+trước+chợ"),
        lambda w, a, o: guarded(a, has(a, "operator", "supervisor")),
    ),
    "feedback_staff_report": Row(
        "GET", lambda w, o: f"/feedback/staff/{code(w, o)}/", staff_report, REPORTS
    ),
    "feedback_staff_action": Row(
        "POST",
        lambda w, o: f"/feedback/staff/{code(w, o)}/start/",
        lambda w, a, o: (
            staff_report(w, a, o)
            if staff_report(w, a, o) != "ok"
            else guarded(a, has(a, "supervisor") or (has(a, "handler") and sees_report(w, a, o)))
        ),
        ("assigned", "received"),
    ),
    "roadmap_plan": Row("GET", fixed("/roadmap/"), signed_in),
    "roadmap_plan_xlsx": Row("GET", fixed("/roadmap/plan.xlsx"), signed_in),
    "roadmap_import": Row(
        "GET", fixed("/roadmap/import/"), lambda w, a, o: guarded(a, has(a, "supervisor"))
    ),
    "roadmap_monthly_report": Row("GET", fixed("/roadmap/report/2024-03.xlsx"), signed_in),
    "roadmap_task": Row("GET", lambda w, o: f"/roadmap/tasks/{w.roadmap['task']}/", signed_in),
    "roadmap_task_update": Row(
        "POST",
        lambda w, o: f"/roadmap/tasks/{w.roadmap['task']}/update/",
        lambda w, a, o: roadmap_editor(w, a),
        data=lambda w, o: {"status": "in_progress", "due": "2030-12-31"},
    ),
    "roadmap_report_submit": Row(
        "POST",
        lambda w, o: f"/roadmap/tasks/{w.roadmap['task']}/report/",
        lambda w, a, o: roadmap_editor(w, a),
        data=lambda w, o: {"month": "2024-04", "progress": "20", "text": "x"},
    ),
    "roadmap_report_decide": Row(
        "POST",
        lambda w, o: f"/roadmap/reports/{w.roadmap['report']}/decide/",
        lambda w, a, o: guarded(a, has(a, "supervisor")),
        data=lambda w, o: {"decision": "approve"},
    ),
    "dti_overview": Row("GET", fixed("/dti/"), lambda w, a, o: dti_viewer(a)),
    "dti_assessment": Row("GET", fixed("/dti/assessments/2024/"), lambda w, a, o: dti_viewer(a)),
    "dti_value_enter": Row(
        "POST",
        fixed("/dti/assessments/2024/enter/"),
        lambda w, a, o: guarded(a, has(a, "handler", "data_steward", "supervisor")),
        data=lambda w, o: {
            "main_index": w.dti["index"],
            "value": "0.5",
            "evidence_link": "https://example.vn/x",
        },
    ),
    "dti_assessment_feed": Row(
        "POST",
        fixed("/dti/assessments/2024/feed/"),
        lambda w, a, o: guarded(a, has(a, "handler", "data_steward", "supervisor")),
    ),
    "dti_value_review": Row(
        "POST",
        lambda w, o: f"/dti/values/{w.dti['value']}/review/",
        lambda w, a, o: guarded(a, has(a, "supervisor")),
        data=lambda w, o: {"decision": "approve"},
    ),
    "dti_results": Row("GET", fixed("/dti/results/2024/"), lambda w, a, o: dti_viewer(a)),
    "dti_results_csv": Row(
        "GET", fixed("/dti/results/2024/dti.csv"), lambda w, a, o: dti_viewer(a)
    ),
    "dti_results_xlsx": Row(
        "GET", fixed("/dti/results/2024/dti.xlsx"), lambda w, a, o: dti_viewer(a)
    ),
    "ioc_overview": Row("GET", fixed("/ioc/"), lambda w, a, o: ioc_viewer(a)),
    "ioc_live": Row("GET", fixed("/ioc/live/"), lambda w, a, o: ioc_viewer(a)),
    "ioc_sector": Row("GET", fixed("/ioc/sector/health/"), lambda w, a, o: ioc_viewer(a)),
    "ioc_commune": Row("GET", fixed("/ioc/commune/27712/"), lambda w, a, o: ioc_viewer(a)),
    "ioc_value": Row(
        "GET", lambda w, o: f"/ioc/value/{w.ioc['value']}/", lambda w, a, o: ioc_viewer(a)
    ),
    "ioc_alerts": Row("GET", fixed("/ioc/alerts/"), lambda w, a, o: ioc_viewer(a)),
    "ioc_alert": Row(
        "GET", lambda w, o: f"/ioc/alerts/{w.ioc['alert']}/", lambda w, a, o: ioc_viewer(a)
    ),
    "ioc_alert_acknowledge": Row(
        "POST",
        lambda w, o: f"/ioc/alerts/{w.ioc['alert']}/acknowledge/",
        lambda w, a, o: guarded(a, has(a, "operator", "supervisor")),
    ),
    "ioc_alert_resolve": Row(
        "POST",
        lambda w, o: f"/ioc/alerts/{w.ioc['alert']}/resolve/",
        lambda w, a, o: guarded(a, has(a, "operator", "supervisor")),
        data=lambda w, o: {"resolution": "x"},
    ),
    "ioc_entries": Row(
        "GET",
        fixed("/ioc/values/"),
        lambda w, a, o: guarded(a, has(a, "handler", "data_steward", "supervisor")),
    ),
    "ioc_entry_decide": Row(
        "POST",
        lambda w, o: f"/ioc/values/{w.ioc['entry']}/decide/",
        lambda w, a, o: guarded(a, has(a, "supervisor")),
        data=lambda w, o: {"decision": "approve"},
    ),
    "ioc_reports": Row("GET", fixed("/ioc/reports/"), lambda w, a, o: ioc_viewer(a)),
    "ioc_report_generate": Row(
        "POST",
        fixed("/ioc/reports/generate/"),
        lambda w, a, o: guarded(a, has(a, "supervisor")),
        data=lambda w, o: {"scope": "health", "frequency": "week", "day": "2026-10-07"},
    ),
    "ioc_report_file": Row(
        "GET",
        lambda w, o: f"/ioc/reports/{w.ioc['report']}/{o}/",
        lambda w, a, o: ioc_viewer(a),
        ("pdf", "xlsx"),
    ),
    "warehouse_catalogue": Row("GET", fixed("/data/"), everyone),
    "warehouse_mine": Row(
        "GET", fixed("/data/mine/"), lambda w, a, o: guarded(a, has(a, "data_steward"))
    ),
    "warehouse_create": Row(
        "GET", fixed("/data/new/"), lambda w, a, o: guarded(a, has(a, "data_steward"))
    ),
    "warehouse_dataset": Row(
        "GET",
        lambda w, o: f"/data/{slug(w, o)}/",
        lambda w, a, o: "ok" if reads(w, a, o) else "missing",
        DATASETS,
    ),
    "warehouse_version": Row(
        "GET",
        lambda w, o: f"/data/{slug(w, o)}/versions/1/",
        lambda w, a, o: "ok" if reads(w, a, o) else "missing",
        DATASETS,
    ),
    "warehouse_edit": Row(
        "GET", lambda w, o: f"/data/{slug(w, o)}/edit/", dataset_to_write, DATASETS
    ),
    "warehouse_schema": Row(
        "GET", lambda w, o: f"/data/{slug(w, o)}/schema/", dataset_to_write, DATASETS
    ),
    "warehouse_upload": Row(
        "GET", lambda w, o: f"/data/{slug(w, o)}/upload/", dataset_to_write, DATASETS
    ),
    "warehouse_job": Row(
        "GET",
        lambda w, o: f"/data/{slug(w, o)}/uploads/{w.jobs[slug(w, o)].pk}/",
        dataset_to_write,
        DATASETS,
    ),
    # CKAN's Action API (tests/portal): a dataset one may not read is not found, as on the
    # warehouse's own routes (CKAN itself would refuse it).
    "ckan_version": Row("GET", fixed("/api/3"), everyone),
    "ckan_action": Row(
        "GET",
        lambda w, o: f"/api/3/action/package_show?id={slug(w, o)}",
        lambda w, a, o: "ok" if reads(w, a, o) else "missing",
        DATASETS,
    ),
    "ckan_action_legacy": Row(
        "POST",
        fixed("/api/action/datastore_search"),
        lambda w, a, o: "ok" if reads(w, a, o) else "missing",
        DATASETS,
        data=lambda w, o: {"id": slug(w, o)},
    ),
    # DCAT (tests/portal/test_dcat.py): the public catalogue, whoever asks; a dataset that
    # is not open is not described, even to those who may read it.
    "dcat_catalog": Row("GET", fixed("/catalog.ttl"), everyone),
    "dcat_dataset": Row(
        "GET",
        lambda w, o: f"/dataset/{slug(w, o)}.jsonld",
        lambda w, a, o: "ok" if o == "open" else "missing",
        DATASETS,
    ),
    # The portal's public pages show open datasets only, to anyone (tests/portal).
    "portal_home": Row("GET", fixed("/opendata/"), everyone),
    "portal_search": Row("GET", fixed("/dataset/?q=du+lieu"), everyone),
    "portal_dataset": Row(
        "GET",
        lambda w, o: f"/dataset/{slug(w, o)}",
        lambda w, a, o: "ok" if o == "open" else "missing",
        DATASETS,
    ),
    "portal_organizations": Row("GET", fixed("/organization/"), everyone),
    "portal_organization": Row(
        "GET",
        lambda w, o: f"/organization/{w.datasets['open'].owner.code.lower()}",
        everyone,
    ),
    "portal_groups": Row("GET", fixed("/group/"), everyone),
    "portal_group": Row("GET", fixed("/group/educ"), everyone),
    "portal_list": Row("GET", fixed("/opendata/list/"), everyone),
    "portal_list_file": Row("GET", lambda w, o: f"/opendata/list.{o}", everyone, ("xlsx", "pdf")),
    "portal_list_review": Row(
        "POST",
        fixed("/opendata/list/review/"),
        lambda w, a, o: guarded(a, has(a, "data_steward")),
        data=lambda w, o: {"reviewed_on": "2026-01-02"},
    ),
    # Reuses and dataset requests (tests/portal/test_reuses.py): sent by anyone, moderated
    # by the owner agency's data stewards and administrators.
    "portal_reuse_new": Row(
        "POST",
        lambda w, o: f"/dataset/{slug(w, o)}/reuses/new",
        lambda w, a, o: "ok" if o == "open" else "missing",
        DATASETS,
        data=lambda w, o: {
            "title": "m-title",
            "kind": "article",
            "url": "https://example.org/m2",
            "submitter_name": "m",
            "submitter_email": "m@example.org",
        },
    ),
    "portal_requests": Row("GET", fixed("/opendata/requests/"), everyone),
    "portal_request_new": Row(
        "POST",
        fixed("/opendata/requests/new"),
        everyone,
        data=lambda w, o: {
            "title": "m-title",
            "description": "m-description",
            "submitter_name": "m",
            "submitter_email": "m@example.org",
        },
    ),
    "portal_request": Row(
        "GET",
        lambda w, o: f"/opendata/requests/{w.portal[o]}/",
        lambda w, a, o: "missing" if o == "declined" else "ok",
        ("skhcn", "none", "declined"),
    ),
    "portal_moderation": Row(
        "GET", fixed("/opendata/moderation/"), lambda w, a, o: guarded(a, has(a, "data_steward"))
    ),
    "portal_reuse_decide": Row(
        "POST",
        lambda w, o: f"/opendata/moderation/reuses/{w.portal['reuse']}/",
        lambda w, a, o: portal_moderator(w, a),
        data=lambda w, o: {"decision": "publish"},
    ),
    "portal_request_answer": Row(
        "POST",
        lambda w, o: f"/opendata/moderation/requests/{w.portal[o]}/",
        lambda w, a, o: portal_moderator(w, a, agency_named=o == "skhcn"),
        ("skhcn", "none"),
        data=lambda w, o: {"decision": "answer", "answer": "m-answer"},
    ),
    "open311_discovery": Row("GET", fixed("/open311/v2/discovery.json"), everyone),
    "open311_services": Row("GET", fixed("/open311/v2/services.json"), everyone),
    "open311_service": Row("GET", fixed("/open311/v2/services/giao-thong.json"), everyone),
    "open311_requests": Row("GET", fixed("/open311/v2/requests.json"), everyone),
    "open311_request": Row(
        "GET",
        lambda w, o: f"/open311/v2/requests/{code(w, o)}.json",
        lambda w, a, o: "ok" if o in PUBLIC_REPORTS else "missing",
        REPORTS,
    ),
    "open311_token": Row(
        "GET",
        lambda w, o: f"/open311/v2/tokens/{code(w, o)}.json",
        lambda w, a, o: "ok" if o in PUBLIC_REPORTS else "missing",
        REPORTS,
    ),
    "open311_updates": Row("GET", fixed("/open311/v2/servicerequestupdates.json"), everyone),
}


def ioc_viewer(a):
    return guarded(a, has(a, "leader", "supervisor", "operator"))


def token_holder(w, a, o):
    return guarded(a, a != "anonymous")


def api_report(w, a, o):
    return tracked(w, a, o)


API: dict[str, Row] = {
    "GET /api/ioc/kpi": Row("GET", fixed("/api/ioc/kpi"), lambda w, a, o: ioc_viewer(a)),
    "GET /api/units/provinces": Row("GET", fixed("/api/units/provinces"), everyone),
    "GET /api/units/provinces/{code}": Row("GET", fixed("/api/units/provinces/80"), everyone),
    "GET /api/units/communes": Row("GET", fixed("/api/units/communes?province=80"), everyone),
    "GET /api/units/communes/{code}": Row("GET", fixed("/api/units/communes/27712"), everyone),
    "GET /api/units/convert": Row(
        "GET", fixed("/api/units/convert?province=Long An&district=TP Tân An&ward=P.6"), everyone
    ),
    "GET /api/units/locate": Row("GET", fixed("/api/units/locate?lat=10.54&lon=106.41"), everyone),
    "GET /api/units/provinces/{code}/communes.geojson": Row(
        "GET", fixed("/api/units/provinces/80/communes.geojson"), everyone
    ),
    "GET /api/agencies": Row("GET", fixed("/api/agencies"), everyone),
    "POST /api/agencies": Row(
        "POST",
        fixed("/api/agencies"),
        lambda w, a, o: guarded(a, has(a, "administrator")),
        data=lambda w, o: {"code": "MATRIX", "name": "Cơ quan thử", "kind": "department"},
    ),
    "GET /api/agencies/{code}": Row("GET", fixed("/api/agencies/SXD"), everyone),
    "PATCH /api/agencies/{code}": Row(
        "PATCH",
        fixed("/api/agencies/SXD"),
        lambda w, a, o: guarded(a, has(a, "administrator")),
        data=lambda w, o: {"phone": "0276 3822 000"},
    ),
    "GET /api/feedback/fields": Row("GET", fixed("/api/feedback/fields"), everyone),
    "POST /api/feedback/propose": Row(
        "POST", fixed("/api/feedback/propose"), everyone, data=lambda w, o: {"text": "ổ gà"}
    ),
    "POST /api/feedback/reports": Row(
        "POST",
        fixed("/api/feedback/reports"),
        everyone,
        data=lambda w, o: {"text": "Cây đổ chắn đường.", "commune": "27712"},
    ),
    "GET /api/feedback/reports/{code}": Row(
        "GET", lambda w, o: f"/api/feedback/reports/{code(w, o)}", api_report, REPORTS
    ),
    # Nobody gets in without the gateway's secret (tests/feedback test the signed path).
    "POST /api/feedback/inbound/{channel}": Row(
        "POST",
        fixed("/api/feedback/inbound/sms"),
        lambda w, a, o: "missing",
        data=lambda w, o: {"message_id": "1", "text": "x"},
    ),
    "GET /api/data/datasets": Row("GET", fixed("/api/data/datasets"), everyone),
    "GET /api/data/datasets/{slug}": Row(
        "GET",
        lambda w, o: f"/api/data/datasets/{slug(w, o)}",
        lambda w, a, o: "ok" if reads(w, a, o) else "missing",
        DATASETS,
    ),
    "GET /api/data/datasets/{slug}/rows": Row(
        "GET",
        lambda w, o: f"/api/data/datasets/{slug(w, o)}/rows",
        lambda w, a, o: "ok" if reads(w, a, o) else "missing",
        DATASETS,
    ),
    "GET /api/data/datasets/{slug}/chart": Row(
        "GET",
        lambda w, o: f"/api/data/datasets/{slug(w, o)}/chart",
        lambda w, a, o: "ok" if reads(w, a, o) else "missing",
        DATASETS,
    ),
    "GET /api/data/datasets/{slug}/download/{fmt}": Row(
        "GET",
        lambda w, o: f"/api/data/datasets/{slug(w, o)}/download/csv",
        lambda w, a, o: "ok" if reads(w, a, o) else "missing",
        DATASETS,
    ),
    "GET /api/data/datasets/{slug}/versions/{number}/diff": Row(
        "GET",
        lambda w, o: f"/api/data/datasets/{slug(w, o)}/versions/1/diff",
        lambda w, a, o: "ok" if reads(w, a, o) else "missing",
        DATASETS,
    ),
    "POST /api/data/sql": Row(
        "POST",
        fixed("/api/data/sql"),
        lambda w, a, o: "ok" if reads(w, a, o) else "refused",
        DATASETS,
        data=lambda w, o: {"sql": f'SELECT count(*) FROM "{slug(w, o)}"'},
    ),
    "POST /api/data/datasets/{slug}/versions": Row(
        "POST",
        lambda w, o: f"/api/data/datasets/{slug(w, o)}/versions?filename=v.csv",
        lambda w, a, o: "login" if a == "anonymous" else dataset_to_write(w, a, o),
        DATASETS,
        data=lambda w, o: "raw:ma,ten\nA3,ba\n",
    ),
    # Readings come with the device's own token: a person's token is not one.
    "POST /api/sensors/observations": Row(
        "POST",
        fixed("/api/sensors/observations"),
        lambda w, a, o: "login",
        data=lambda w, o: {
            "type": "AirQualityObserved",
            "refDevice": w.device,
            "dateObserved": "2026-01-01T00:00:00Z",
            "pm25": 12.5,
        },
    ),
    "GET /api/sensors/devices": Row("GET", fixed("/api/sensors/devices"), everyone),
    "POST /api/sensors/devices": Row(
        "POST",
        fixed("/api/sensors/devices"),
        # For SKHCN's devices: its data steward and administrators.
        lambda w, a, o: guarded(a, has(a, "administrator") or a == "steward"),
        data=lambda w, o: {
            "device_id": "matrix-new",
            "kind": "noise",
            "name": "Máy đo tiếng ồn",
            "lat": 10.54,
            "lon": 106.41,
            "owner": "SKHCN",
        },
    ),
    "GET /api/sensors/devices/{device_id}": Row(
        "GET", lambda w, o: f"/api/sensors/devices/{w.device}", everyone
    ),
    "GET /api/sensors/devices/{device_id}/series": Row(
        "GET", lambda w, o: f"/api/sensors/devices/{w.device}/series?property=pm25", everyone
    ),
    "GET /api/sensors/aqi": Row("GET", fixed("/api/sensors/aqi"), everyone),
    "GET /api/tokens": Row("GET", fixed("/api/tokens"), token_holder),
    "POST /api/tokens": Row(
        "POST",
        fixed("/api/tokens"),
        # A token cannot create tokens (sessions can: tests/agencies).
        lambda w, a, o: guarded(a, False),
        data=lambda w, o: {"label": "x"},
    ),
    "DELETE /api/tokens/{token_id}": Row(
        "DELETE",
        lambda w, o: f"/api/tokens/{w.leader_token_id}",
        lambda w, a, o: (
            "login" if a == "anonymous" else ("ok" if a in {"leader", "admin"} else "missing")
        ),
    ),
    "GET /api/me": Row("GET", fixed("/api/me"), token_holder),
    "GET /api/audit": Row(
        "GET", fixed("/api/audit"), lambda w, a, o: guarded(a, has(a, "administrator"))
    ),
}
for row in API.values():
    object.__setattr__(row, "api", True)


# --- running it -------------------------------------------------------------------------


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303):
        return "login" if "/accounts/login/" in response["Location"] else "ok"
    return {401: "login", 403: "denied", 404: "missing", 400: "refused"}.get(
        status, "ok" if 200 <= status < 300 or status == 422 else str(status)
    )


def call(client: Client, row: Row, w: World, obj: str, headers: dict):
    url = row.url(w, obj)
    data = row.data(w, obj) if row.data else None
    with transaction.atomic():  # every call starts from the same world
        if row.api and isinstance(data, str) and data.startswith("raw:"):
            response = client.generic(
                row.method, url, data[4:].encode(), content_type="text/csv", **headers
            )
        elif row.api and data is not None:
            import json

            response = client.generic(
                row.method, url, json.dumps(data), content_type="application/json", **headers
            )
        elif row.method == "GET":
            response = client.get(url, **headers)
        else:
            response = client.generic(
                row.method,
                url,
                "&".join(f"{k}={v}" for k, v in (data or {}).items()),
                content_type="application/x-www-form-urlencoded",
                **headers,
            )
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        close(response)  # without ending the test's database connection
        transaction.set_rollback(True)
    return response


def walk(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in ("admin", "api"):
                continue
            yield from walk(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield pattern.name


def api_operations() -> set[str]:
    from tinhso.site.api import api

    return {
        f"{method.upper()} {path}"
        for path, item in api.get_openapi_schema()["paths"].items()
        for method in item
    }


def test_every_route_has_a_row():
    assert set(walk()) == set(PAGES), "pages without a row in the access matrix (or rows left)"
    assert api_operations() == set(API), "API operations without a row (or rows left)"


def test_the_access_matrix(world, settings):
    settings.TINHSO_API_ANON_PER_MINUTE = 0
    cells = wrong = 0
    mismatches = []
    tokens = {}
    for actor, username in ACTORS.items():
        page_client, api_client = Client(), Client()
        if username:
            page_client.force_login(User.objects.get(username=username))
            from tinhso.agencies import actions as agency_actions

            user = User.objects.get(username=username)
            tokens[actor] = agency_actions.create_token(Actor.system("matrix"), user, label="m")[1]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[actor]}"} if username else {}
        for name, row in {**PAGES, **API}.items():
            client = api_client if row.api else page_client
            if row.fresh:
                client = Client()
                if username:
                    client.force_login(User.objects.get(username=username))
            for obj in row.objects:
                expected = row.expect(world, actor, obj)
                got = outcome(call(client, row, world, obj, headers if row.api else {}))
                cells += 1
                if got != expected:
                    wrong += 1
                    mismatches.append(f"{name} [{obj}] as {actor}: expected {expected}, got {got}")
    print(f"access matrix: {cells} cells, {wrong} wrong")
    assert mismatches == [], "\n".join(mismatches)
