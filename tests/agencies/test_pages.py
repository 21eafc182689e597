"""Sign-in, throttling, password change, tokens and the directory, as pages."""

import re

import pytest
from django.test import Client

from tinhso.agencies.models import ApiToken
from tinhso.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_sign_in_and_out(client, demo_password):
    response = sign_in(client, "demo.handler", demo_password)
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert "Chuyên viên Sở Xây dựng (demo)" in home
    client.post("/accounts/logout/")
    assert "Đăng nhập" in client.get("/").content.decode()


def test_wrong_password_says_so_in_vietnamese(client):
    response = sign_in(client, "demo.handler", "sai-mat-khau")
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()


def test_repeated_failures_lock_the_account(client, demo_password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "demo.leader", "sai-mat-khau")
    locked = sign_in(client, "demo.leader", demo_password)
    assert locked.status_code == 429
    assert "tạm thời bị khóa" in locked.content.decode()
    # Other accounts are unaffected.
    assert sign_in(Client(), "demo.operator", demo_password).status_code == 302


def test_passwords_are_hashed_with_argon2(admin_user):
    assert admin_user.password.startswith("argon2")


def test_password_change_is_audited_and_keeps_the_session(
    handler_client, handler_user, demo_password
):
    response = handler_client.post(
        "/accounts/password/",
        {
            "old_password": demo_password,
            "new_password1": "Cầu-Bến-Lức-2026!",
            "new_password2": "Cầu-Bến-Lức-2026!",
        },
    )
    assert response.status_code == 302
    handler_user.refresh_from_db()
    assert handler_user.check_password("Cầu-Bến-Lức-2026!")
    assert handler_client.get("/accounts/me/").status_code == 200
    entry = AuditEntry.objects.get(action="agencies.set_password", object_id=str(handler_user.pk))
    assert entry.after == {"password_changed": True}


def test_weak_new_password_is_refused_with_reasons(handler_client, demo_password):
    response = handler_client.post(
        "/accounts/password/",
        {
            "old_password": demo_password,
            "new_password1": "123",
            "new_password2": "123",
        },
    )
    assert response.status_code == 200
    assert "quá ngắn" in response.content.decode() or "too short" in response.content.decode()


def test_token_is_shown_once_on_the_account_page(handler_client, handler_user):
    page = handler_client.post("/accounts/me/tokens/", {"label": "đồng bộ"}).content.decode()
    raw = re.search(r'<code id="new-token">([^<]+)</code>', page).group(1)
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    again = handler_client.get("/accounts/me/").content.decode()
    assert raw not in again
    token = ApiToken.objects.get(user=handler_user)
    assert token.prefix in again
    handler_client.post(f"/accounts/me/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_account_pages_need_sign_in(client):
    response = client.get("/accounts/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_directory_search_and_detail(client):
    html = client.get("/agencies/", {"q": "tan an"}).content.decode()
    assert "Ủy ban nhân dân Phường Tân An" in html
    detail = client.get("/agencies/UBND-27712/").content.decode()
    assert "Phường Tân An" in detail
    assert client.get("/agencies/KHONGCO/").status_code == 404


def test_directory_query_count_is_pinned(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get("/agencies/").status_code == 200


def test_admin_creates_a_token_and_shows_it_once(admin_client, handler_user):
    response = admin_client.post(
        "/admin/agencies/apitoken/add/",
        {"user": handler_user.pk, "label": "từ trang quản trị"},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    raw = re.search(r"(tsk_\S+)", " ".join(shown)).group(1)
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    token = ApiToken.objects.get(user=handler_user, label="từ trang quản trị")
    assert raw not in token.digest
    assert (
        AuditEntry.objects.filter(action="agencies.create_token", object_id=str(token.pk)).count()
        == 1
    )
    listing = admin_client.get("/admin/agencies/apitoken/").content.decode()
    assert raw not in listing
