"""Reuses and dataset requests, uData-style: sent by anyone without signing in, moderated
by the data stewards of the owner agency (administrators for requests naming none), and
the sender's name and e-mail never on a public page nor in the audit log."""

from __future__ import annotations

import json

import pytest
from django.core.cache import caches
from django.test import Client

from tinhso.agencies import actions as agency_actions
from tinhso.agencies.models import Agency, User
from tinhso.core.actors import Actor
from tinhso.core.models import AuditEntry
from tinhso.portal.models import DataRequest, RequestState, Reuse, ReuseState

pytestmark = pytest.mark.django_db

EMAIL = "nguoi.gui.bi.mat@example.vn"
NAME = "Trần Thị Bí Mật"


def _reuse(**changes) -> dict:
    return {
        "title": "Bản đồ trường học quanh tôi",
        "kind": "app",
        "url": "https://example.org/ban-do-truong",
        "description": "Ứng dụng tìm trường gần nhà.",
        "submitter_name": NAME,
        "submitter_email": EMAIL,
        **changes,
    }


def _request(**changes) -> dict:
    return {
        "title": "Lịch thu gom rác từng tuyến đường",
        "description": "Cần lịch và giờ thu gom rác để làm ứng dụng nhắc lịch.",
        "agency": str(Agency.objects.get(code="SKHCN").pk),
        "submitter_name": NAME,
        "submitter_email": EMAIL,
        **changes,
    }


def _signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def other_steward(db):
    """A data steward of Sở Xây dựng, which owns none of the reused dataset."""
    agency_actions.create_user(
        Actor.system("tests"),
        username="sxd.steward",
        password=None,
        roles=["data_steward"],
        agency=Agency.objects.get(code="SXD"),
    )
    return _signed_in("sxd.steward")


@pytest.fixture(autouse=True)
def _fresh_throttle():
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


def _audit_text(*objects) -> str:
    entries = AuditEntry.objects.filter(
        object_type__in=[o._meta.label_lower for o in objects],
        object_id__in=[str(o.pk) for o in objects],
    )
    assert entries.exists()
    return json.dumps(
        [[e.action, e.object_repr, e.before, e.after] for e in entries], ensure_ascii=False
    )


def test_a_reuse_is_shown_once_a_steward_of_the_owner_agency_publishes_it(
    client, portal_data, other_steward
):
    response = client.post("/dataset/truong-ckan/reuses/new", _reuse())
    assert response.status_code == 302
    assert response["Location"] == "/dataset/truong-ckan"
    reuse = Reuse.objects.get(url="https://example.org/ban-do-truong")
    assert reuse.state == ReuseState.PENDING
    assert list(reuse.datasets.values_list("slug", flat=True)) == ["truong-ckan"]
    page = client.get("/dataset/truong-ckan").content.decode()
    assert f'data-reuse="{reuse.pk}"' not in page  # pending: not shown
    home_before = client.get("/opendata/").context["reuse_count"]

    # A steward of another agency neither sees it waiting nor decides on it.
    queue = other_steward.get("/opendata/moderation/")
    assert queue.status_code == 200
    assert f'data-reuse="{reuse.pk}"' not in queue.content.decode()
    refused = other_steward.post(
        f"/opendata/moderation/reuses/{reuse.pk}/", {"decision": "publish"}
    )
    assert refused.status_code == 403
    reuse.refresh_from_db()
    assert reuse.state == ReuseState.PENDING

    # The owner agency's steward (SKHCN) sees it, with who sent it, and publishes it.
    steward = _signed_in("demo.steward")
    queue = steward.get("/opendata/moderation/").content.decode()
    assert f'data-reuse="{reuse.pk}"' in queue
    assert EMAIL in queue  # the steward may reply to the sender
    decided = steward.post(
        f"/opendata/moderation/reuses/{reuse.pk}/", {"decision": "publish", "note": "Tốt."}
    )
    assert decided.status_code == 302
    reuse.refresh_from_db()
    assert reuse.state == ReuseState.PUBLISHED
    assert reuse.decided_by.username == "demo.steward"
    assert reuse.decided_at is not None

    page = client.get("/dataset/truong-ckan").content.decode()
    assert f'data-reuse="{reuse.pk}"' in page
    assert 'href="https://example.org/ban-do-truong"' in page
    assert EMAIL not in page and NAME not in page
    assert client.get("/opendata/").context["reuse_count"] == home_before + 1
    # Another dataset's page does not show it.
    other = client.get("/dataset/ngan-sach-ckan").content.decode()
    assert f'data-reuse="{reuse.pk}"' not in other

    actions = set(
        AuditEntry.objects.filter(object_type="portal.reuse", object_id=str(reuse.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == {"portal.submit_reuse", "portal.publish_reuse"}
    audit = _audit_text(reuse)
    assert EMAIL not in audit and NAME not in audit


def test_a_rejected_reuse_stays_hidden_and_an_administrator_may_decide(client, portal_data):
    client.post("/dataset/truong-ckan/reuses/new", _reuse(url="https://example.org/quang-cao"))
    reuse = Reuse.objects.get(url="https://example.org/quang-cao")
    admin = _signed_in("demo.admin")
    admin.post(f"/opendata/moderation/reuses/{reuse.pk}/", {"decision": "reject"})
    reuse.refresh_from_db()
    assert reuse.state == ReuseState.REJECTED
    assert f'data-reuse="{reuse.pk}"' not in client.get("/dataset/truong-ckan").content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"url": "javascript:alert(1)"}, "id_url"),
        ({"url": "ftp://example.org/tep"}, "id_url"),
        ({"url": "trang web của tôi"}, "id_url"),
        ({"url": ""}, "id_url"),
        ({"title": "   "}, "id_title"),
        ({"submitter_name": ""}, "id_submitter_name"),
        ({"submitter_email": "khong-phai-email"}, "id_submitter_email"),
        ({"kind": "virus"}, "id_kind"),
    ],
)
def test_a_bad_reuse_is_refused_with_its_message_and_the_input_kept(
    client, portal_data, changes, field
):
    sent = _reuse(**changes)
    response = client.post("/dataset/truong-ckan/reuses/new", sent)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="{field}-error"' in page
    assert str(response.context["form"].errors[field.removeprefix("id_")][0])
    assert 'value="Ứng dụng tìm trường gần nhà.' not in page  # a textarea, not a value
    assert "Ứng dụng tìm trường gần nhà." in page  # what was typed is kept
    assert not Reuse.objects.filter(title=sent["title"].strip() or "x").exists()


def test_a_reuse_of_a_dataset_that_is_not_open_is_not_found(client, portal_data):
    for slug in ("rieng-ckan", "chia-se-ckan", "khong-co"):
        assert client.post(f"/dataset/{slug}/reuses/new", _reuse()).status_code == 404
    assert not Reuse.objects.filter(url=_reuse()["url"]).exists()


def test_the_honeypot_drops_a_robot_s_reuse(client, portal_data):
    response = client.post("/dataset/truong-ckan/reuses/new", _reuse(website="http://spam"))
    assert response.status_code == 302
    assert not Reuse.objects.filter(url=_reuse()["url"]).exists()


def test_the_public_forms_are_rate_limited_per_address(client, portal_data, settings):
    settings.TINHSO_API_ANON_PER_MINUTE = 3
    codes = [
        client.post(
            "/dataset/truong-ckan/reuses/new", _reuse(url=f"https://example.org/r{i}")
        ).status_code
        for i in range(5)
    ]
    assert codes == [302, 302, 302, 429, 429]
    assert Reuse.objects.filter(url__startswith="https://example.org/r").count() == 3
    refused = client.post("/opendata/requests/new", _request())
    assert refused.status_code == 429  # the two forms share the window
    assert int(refused["Retry-After"]) >= 1
    assert 'id="too-many"' in refused.content.decode()
    # Another address is not held back.
    other = client.post("/opendata/requests/new", _request(), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_a_request_is_public_at_once_and_answered_publicly(client, portal_data, other_steward):
    response = client.post("/opendata/requests/new", _request())
    found = DataRequest.objects.get(title=_request()["title"])
    assert response.status_code == 302
    assert response["Location"] == f"/opendata/requests/{found.pk}/"
    assert found.state == RequestState.OPEN
    listing = client.get("/opendata/requests/").content.decode()
    assert f'data-request="{found.pk}"' in listing
    page = client.get(f"/opendata/requests/{found.pk}/").content.decode()
    assert "Cần lịch và giờ thu gom rác" in page
    for public in (listing, page):
        assert EMAIL not in public and NAME not in public

    # Sở Xây dựng's steward does not answer what was asked of SKHCN.
    refused = other_steward.post(f"/opendata/moderation/requests/{found.pk}/", {"answer": "Không."})
    assert refused.status_code == 403
    assert (
        f'data-request="{found.pk}"'
        not in other_steward.get("/opendata/moderation/").content.decode()
    )

    steward = _signed_in("demo.steward")
    empty = steward.post(f"/opendata/moderation/requests/{found.pk}/", {"answer": "  "})
    assert empty.status_code == 302
    found.refresh_from_db()
    assert found.state == RequestState.OPEN  # an empty answer is refused
    steward.post(
        f"/opendata/moderation/requests/{found.pk}/",
        {"decision": "answer", "answer": "Đã công bố tập dữ liệu.", "dataset": "truong-ckan"},
    )
    found.refresh_from_db()
    assert found.state == RequestState.ANSWERED
    assert found.dataset.slug == "truong-ckan"
    assert found.answered_by.username == "demo.steward"
    page = client.get(f"/opendata/requests/{found.pk}/").content.decode()
    assert "Đã công bố tập dữ liệu." in page
    assert 'href="/dataset/truong-ckan"' in page
    assert EMAIL not in page and NAME not in page
    audit = _audit_text(found)
    assert "portal.answer_request" in audit
    assert EMAIL not in audit and NAME not in audit


def test_a_request_naming_no_agency_is_answered_by_administrators(client, portal_data):
    client.post("/opendata/requests/new", _request(agency="", title="Giá đất từng xã"))
    found = DataRequest.objects.get(title="Giá đất từng xã")
    assert found.agency is None
    steward = _signed_in("demo.steward")
    assert (
        steward.post(f"/opendata/moderation/requests/{found.pk}/", {"answer": "x"}).status_code
        == 403
    )
    admin = _signed_in("demo.admin")
    admin.post(f"/opendata/moderation/requests/{found.pk}/", {"decision": "decline"})
    found.refresh_from_db()
    assert found.state == RequestState.DECLINED
    # Declined (spam, abuse): off the public list and page.
    assert f'data-request="{found.pk}"' not in client.get("/opendata/requests/").content.decode()
    assert client.get(f"/opendata/requests/{found.pk}/").status_code == 404


def test_an_empty_request_is_refused_with_messages(client, portal_data):
    response = client.post(
        "/opendata/requests/new", _request(title="", description="", submitter_email="")
    )
    assert response.status_code == 400
    page = response.content.decode()
    for field in ("id_title", "id_description", "id_submitter_email"):
        assert f'id="{field}-error"' in page
    assert NAME in page  # the name typed is kept


def test_moderation_is_for_stewards_and_administrators(handler_client):
    anonymous = Client()
    response = anonymous.get("/opendata/moderation/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert handler_client.get("/opendata/moderation/").status_code == 403
    # The way to it is shown to those it is for.
    for url in ("/opendata/", "/opendata/requests/"):
        assert 'id="moderation-link"' not in anonymous.get(url).content.decode()
        assert 'id="moderation-link"' not in handler_client.get(url).content.decode()
        assert 'id="moderation-link"' in _signed_in("demo.steward").get(url).content.decode()


def test_the_demo_has_published_reuses_and_an_answered_and_an_open_request(client):
    demo = Reuse.objects.filter(is_demo=True, state=ReuseState.PUBLISHED)
    assert demo.count() >= 2
    states = set(DataRequest.objects.filter(is_demo=True).values_list("state", flat=True))
    assert states == {RequestState.ANSWERED, RequestState.OPEN}
    slug = demo.first().datasets.get().slug
    assert f'data-reuse="{demo.first().pk}"' in client.get(f"/dataset/{slug}").content.decode()
    assert client.get("/opendata/").context["reuse_count"] >= demo.count()


def test_the_moderation_page_reads_as_many_queries_for_more_reuses(client, portal_data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    steward = _signed_in("demo.steward")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert steward.get("/opendata/moderation/").status_code == 200
        return len(captured)

    client.post("/dataset/truong-ckan/reuses/new", _reuse(url="https://example.org/q0"))
    client.post("/opendata/requests/new", _request(title="q0"))
    queries()  # the first page of a session reads what later ones keep
    few = queries()
    for i in range(1, 6):
        client.post("/dataset/truong-ckan/reuses/new", _reuse(url=f"https://example.org/q{i}"))
        client.post("/opendata/requests/new", _request(title=f"q{i}"))
    assert queries() == few
