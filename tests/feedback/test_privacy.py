"""Citizens' privacy on every public surface: nothing unchecked, refused or denounced is
public; a tracking code alone proves nothing; only the reporter updates a report through
Open311; personal data in free text is masked."""

import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own responses

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.feedback.test_photos import png
from tests.http import close
from tinhso.feedback import actions
from tinhso.feedback.models import Field, Report, Status, Track
from tinhso.feedback.privacy import mask_personal_data

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"


def accept(operator, report):
    operator.post(f"/feedback/staff/{report.code}/accept/", {"field": report_field().pk})
    report.refresh_from_db()
    assert report.status == Status.ASSIGNED
    return report


def report_field():
    return Field.objects.get(code="moi-truong")


def public_surfaces(client, report) -> dict[str, str]:
    """Every place the public reads reports, as text."""
    map_ = client.get("/feedback/map.geojson")
    close(map_)
    return {
        "track page": client.get("/feedback/track/", {"code": report.code}).content.decode(),
        "api": client.get(f"/api/feedback/reports/{report.code}").content.decode(),
        "public list": client.get("/feedback/").content.decode(),
        "map": b"".join(map_.streaming_content).decode()
        if map_.streaming
        else map_.content.decode(),
        "open311 requests": client.get(
            f"{BASE}/requests.json", {"service_request_id": report.code}
        ).content.decode(),
        "open311 request": client.get(f"{BASE}/requests/{report.code}.json").content.decode(),
        "open311 updates": client.get(f"{BASE}/servicerequestupdates.json").content.decode(),
        "open311 token": client.get(f"{BASE}/tokens/{report.code}.json").content.decode(),
    }


def test_a_denunciation_is_never_public_even_accepted(client, operator, new_report):
    report = new_report(
        text="Tố cáo cán bộ địa chính thu tiền trái phép khi làm sổ đỏ.",
        track=Track.DENUNCIATION,
    )
    accept(operator, report)
    for surface, text in public_surfaces(client, report).items():
        assert "thu tiền trái phép" not in text, surface
        # Only the answers to a direct question may repeat the code asked for.
        assert report.code not in text or surface in {"track page", "api", "open311 request"}, (
            surface
        )
    own = client.get(f"/feedback/r/{report.code}/{report.citizen_key}/").content.decode()
    assert "thu tiền trái phép" in own


def test_an_unchecked_report_is_public_only_once_accepted(client, operator, new_report):
    report = new_report(text="Nước thải chảy tràn ra đường Nguyễn Huệ gây hôi thối.")
    for surface, text in public_surfaces(client, report).items():
        assert "Nước thải chảy tràn" not in text, surface
    accept(operator, report)
    surfaces = public_surfaces(client, report)
    for surface in ("track page", "api", "public list", "open311 request"):
        assert "Nước thải chảy tràn" in surfaces[surface], surface


def test_staff_find_any_report_they_handle_by_its_code(operator, new_report):
    report = new_report(text="Đèn đường tắt cả tuần ở khu phố 3.")
    page = operator.get("/feedback/track/", {"code": report.code}).content.decode()
    assert "Đèn đường tắt" in page


def test_open311_updates_only_from_the_client_that_sent_the_request(client, operator, token_for):
    sender = token_for("demo.steward", "partner app")
    other = token_for("demo.leader", "another app")
    created = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": sender,
            "service_code": "moi-truong",
            "address_id": "27712",
            "description": "Rác thải đổ trộm ở bãi đất trống cạnh trường học.",
        },
    ).json()[0]
    report = Report.objects.get(code=created["service_request_id"])
    assert f"/feedback/r/{report.code}/{report.citizen_key}/" in created["service_notice"]
    accept(operator, report)
    comment = {
        "service_request_id": report.code,
        "status": "OPEN",
        "description": "Hôm nay lại có người đổ thêm.",
    }
    refused = client.post(f"{BASE}/servicerequestupdates.xml", {**comment, "api_key": other})
    assert refused.status_code == 403
    root = ET.fromstring(refused.content)  # noqa: S314
    assert root.tag == "errors" and root.find("error/code").text == "403"
    assert not report.events.filter(kind="commented").exists()

    done = client.post(f"{BASE}/servicerequestupdates.xml", {**comment, "api_key": sender})
    assert done.status_code == 200, done.content
    root = ET.fromstring(done.content)  # noqa: S314
    assert root.tag == "service_requests_updates"
    assert root.find("request_update/description").text == "Hôm nay lại có người đổ thêm."
    report.refresh_from_db()
    assert report.status == Status.ASSIGNED  # a comment changes nothing else
    listed = client.get(
        f"{BASE}/servicerequestupdates.json", {"service_request_id": report.code}
    ).json()
    assert {u["service_request_id"] for u in listed} == {report.code}
    assert "Hôm nay lại có người đổ thêm." in [u["description"] for u in listed]


def test_open311_carries_the_public_photo(client, operator, tan_an):
    photo = png()
    response = client.post(
        "/feedback/new/",
        {
            "text": "Cây đổ chắn ngang đường sau cơn mưa lớn, xe không qua được.",
            "commune": tan_an.pk,
            "place": "đường Hùng Vương",
            "track": "ordinary",
            "idempotency_key": "privacy-photo",
            "photos": [SimpleUploadedFile(photo.name, photo.read(), content_type="image/png")],
        },
    )
    code = re.search(r"PA-\d{4}-\d{6}", response["Location"]).group(0)
    report = accept(operator, Report.objects.get(code=code))
    body = client.get(f"{BASE}/requests/{report.code}.json").json()[0]
    url = body["media_url"]
    assert url and url.endswith(f"/feedback/photo/{report.photos.get().pk}/")
    image = client.get(url.replace("http://testserver", ""))
    close(image)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("text", "kept", "masked"),
    [
        (
            "Tôi là Nguyễn Văn An, nhà số 12 đường Lê Lợi, phường 1, gọi 0903 123 456.",
            ["đường Lê Lợi", "phường 1"],
            ["Nguyễn Văn An", "12", "0903 123 456"],
        ),
        (
            "Chị Lan bán hàng chiếm vỉa hè trước nhà 34/5 Trần Hưng Đạo.",
            ["Trần Hưng Đạo", "vỉa hè"],
            ["Lan", "34/5"],
        ),
        (
            "Ổ gà lớn trên quốc lộ 22 đoạn qua ấp 3, xã Lộc Ninh; bà con lo lắng.",
            ["quốc lộ 22", "ấp 3", "bà con"],
            [],
        ),
        (
            "Rác ở 15A hẻm 3, liên hệ a.b@example.vn, CCCD 079123456789, CMND 123456789.",
            ["Rác ở"],
            ["15A", "a.b@example.vn", "079123456789", "123456789"],
        ),
    ],
)
def test_personal_data_in_text_is_masked(text, kept, masked):
    public = mask_personal_data(text)
    for part in kept:
        assert part in public
    for part in masked:
        assert part not in public.replace("•••", " ")


def test_the_reporters_own_name_is_masked_unless_shown(client, operator, new_report):
    report = new_report(
        text="Nhà bà Hoa ở cuối hẻm bị ngập, Trần Thị Hoa báo.",
        reporter_name="Trần Thị Hoa",
    )
    accept(operator, report)
    body = json.loads(client.get(f"/api/feedback/reports/{report.code}").content)
    assert "Trần Thị Hoa" not in body["text"] and "Hoa" not in body["text"]


def test_a_comment_needs_words_and_a_followed_report(system, new_report):
    report = new_report()
    with pytest.raises(actions.WorkflowError):
        actions.comment_report(system, report, comment="   ")
    actions.refuse_report(system, report, reason="Không đủ thông tin.")
    with pytest.raises(actions.WorkflowError):
        actions.comment_report(system, report, comment="Bổ sung thông tin.")


def test_open311_updates_do_not_tell_a_hidden_report_from_a_missing_one(
    client, token_for, new_report
):
    hidden = new_report(text="Chưa được kiểm tra: đèn đường hỏng.")
    key = token_for("demo.handler", "another client")
    answers = [
        client.post(
            f"{BASE}/servicerequestupdates.json",
            {"api_key": key, "service_request_id": code, "status": "REOPEN", "description": "x"},
        )
        for code in (hidden.code, "PA-2026-999999")
    ]
    assert [a.status_code for a in answers] == [404, 404]


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("A: ông Đỗ Văn Minh, C: Bà Đặng Thị Hoa cãi nhau", ["Đỗ Văn Minh", "Đặng Thị Hoa"]),
        ("gọi (+84)912-345-678 hoặc 0912 345 678", ["912-345-678", "0912 345 678"]),
        ("CCCD 0791 2345 6789, CMND 123-456-789.", ["0791 2345 6789", "123-456-789"]),
        ("nhà 123 Lê Lợi và 45B Nguyễn Huệ bị ngập", ["123 Lê", "45B"]),
    ],
)
def test_what_the_first_walk_found_unmasked_is_masked(text, hidden):
    public = mask_personal_data(text)
    for part in hidden:
        assert part not in public, (part, public)


def test_open311_masks_the_place_too(client, operator, new_report):
    report = new_report(
        text="Ngập nước trước nhà.", place="số 45 đường Lê Lợi, gọi 0912345678 ông Trần Văn Bảy"
    )
    accept(operator, report)
    body = client.get(f"{BASE}/requests/{report.code}.json").json()[0]
    for part in ("45", "0912345678", "Trần Văn Bảy"):
        assert part not in body["address"], body["address"]
    assert "đường Lê Lợi" in body["address"]
