"""The health check, the pages' shell, languages."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] in {"sqlite", "postgresql"}
    assert body["version"]


def test_home_is_vietnamese_by_default(client):
    html = client.get("/").content.decode()
    assert 'lang="vi"' in html
    assert "Tỉnh Tây Ninh" in html
    assert "Đăng nhập" in html
    assert "Chuyển đổi địa chỉ cũ" in html


def test_english_is_one_switch_away(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert 'lang="en"' in html
    assert "Sign in" in html
    assert "Convert an old address" in html


def test_api_errors_follow_the_language(client):
    vi = client.get("/api/units/provinces/99").json()["detail"]
    en = client.get("/api/units/provinces/99", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert vi == "Không có tỉnh nào có mã “99”."
    assert en == "No province has the code “99”."


def test_navigation_depends_on_role(client, admin_user, handler_user):
    anonymous = client.get("/").content.decode()
    assert "/admin/" not in anonymous
    assert "/units/boundaries/" not in anonymous
    client.force_login(handler_user)
    handler = client.get("/").content.decode()
    assert "/units/boundaries/" not in handler
    assert "/accounts/me/" in handler
    client.force_login(admin_user)
    admin = client.get("/").content.decode()
    assert "/admin/" in admin
    assert "/units/boundaries/" in admin


def test_demo_data_is_labelled_on_screen(client):
    html = client.get("/agencies/").content.decode()
    assert "Bản cài đặt thử nghiệm" in html
    assert 'class="badge demo"' in html


def test_openapi_docs_are_served_offline(client):
    html = client.get("/api/docs").content.decode()
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from another site
    assert "cdn." not in html.lower()
    assert "/static/ninja/" in html
    schema = client.get("/api/openapi.json").json()
    assert "/api/units/convert" in schema["paths"]


def test_vietnamese_translation_is_complete_and_compiled():
    import gettext
    from pathlib import Path

    import polib

    import tinhso

    folder = Path(tinhso.__file__).parent / "locale" / "vi" / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    assert po.percent_translated() == 100
    assert not [e.msgid for e in po if "fuzzy" in e.flags]
    with (folder / "django.mo").open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog
    for entry in po:
        if not entry.msgid_plural:
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            assert catalog.get(key) == entry.msgstr, entry.msgid


def test_public_api_is_rate_limited_per_address(client, settings):
    from django.core.cache import caches

    cache = caches["throttle"]

    cache.clear()
    settings.TINHSO_API_ANON_PER_MINUTE = 3
    codes = [client.get("/api/units/provinces/80").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/units/provinces/80")
    assert "thử lại" in refused.json()["detail"]
    assert int(refused["Retry-After"]) >= 1
    cache.clear()


@pytest.mark.parametrize(
    ("username", "lands"),
    [
        ("demo.operator", "/feedback/queue/?state=received"),
        ("demo.handler", "/feedback/queue/"),
        ("demo.steward", "/data/mine/"),
        ("demo.leader", "/ioc/"),
        ("demo.admin", "/"),
    ],
)
def test_each_role_lands_on_its_work_after_signing_in(client, demo_password, username, lands):
    response = client.post(
        "/accounts/login/", {"username": username, "password": demo_password}, follow=True
    )
    assert response.redirect_chain[-1][0] == lands
    assert response.status_code == 200


def test_a_first_time_citizen_sees_what_to_do(client):
    html = client.get("/").content.decode()
    for link in ("/feedback/new/", "/feedback/track/", "/feedback/", "/data/"):
        assert f'href="{link}"' in html
