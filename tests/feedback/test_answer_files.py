"""An answer can carry photos of the work done and PDF documents: the photos' public
copies carry no EXIF, the documents download (never render) and both are public only with
a public report; the reporter's own link, the API and Open311 point to them."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.feedback.test_photos import jpeg_with_gps, status
from tests.http import body
from tinhso.core.actors import Actor
from tinhso.feedback import actions
from tinhso.feedback.models import AnswerDocument, Report, Track

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name="Công văn số 12/UBND.pdf", data=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def accepted(new_report, field):
    def make(track=Track.ORDINARY) -> Report:
        report = new_report("Ổ gà sâu giữa đường Hùng Vương, xe máy dễ ngã.", track=track)
        return actions.accept_report(Actor.system("test"), report, field=field)

    return make


def answer(client, report, files, text="Đã vá ổ gà ngày 12/11; ảnh và công văn kèm theo."):
    return client.post(
        f"/feedback/staff/{report.code}/answer/", {"answer": text, "files": files}, follow=True
    )


def test_an_answer_carries_photos_without_exif_and_a_document(client, sxd_handler, accepted):
    report = accepted()
    response = answer(sxd_handler, report, [jpeg_with_gps("sau-khi-va.jpg"), pdf()])
    assert "Đã thực hiện." in response.content.decode()
    report.refresh_from_db()
    assert report.status == "answered"
    shot = report.photos.get(by_agency=True)
    document = report.documents.get()
    assert document.name == "UBND.pdf"  # no folders from the sender's name

    served = client.get(f"/feedback/photo/{shot.pk}/")
    assert served.status_code == 200
    with Image.open(io.BytesIO(body(served))) as image:
        assert not image.getexif()
    download = client.get(f"/feedback/document/{document.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Security-Policy"] == "sandbox"
    assert body(download) == PDF

    page = client.get("/feedback/track/", {"code": report.code}).content.decode()
    assert f"/feedback/photo/{shot.pk}/" in page
    assert f"/feedback/document/{document.pk}/" in page
    assert "Ảnh gửi kèm câu trả lời" in page
    own = client.get(f"/feedback/r/{report.code}/{report.citizen_key}/").content.decode()
    assert f"/feedback/r/{report.code}/{report.citizen_key}/document/{document.pk}/" in own

    api = client.get(f"/api/feedback/reports/{report.code}").json()
    assert api["answer_media"] == [
        f"http://testserver/feedback/photo/{shot.pk}/",
        f"http://testserver/feedback/document/{document.pk}/",
    ]
    updates = json.loads(
        client.get(
            "/open311/v2/servicerequestupdates.json", {"service_request_id": report.code}
        ).content
    )
    answered = [u for u in updates if u["status"] == "CLOSED" and u["media_url"]]
    assert answered and answered[0]["media_url"].endswith(f"/feedback/photo/{shot.pk}/")


def test_a_denunciations_answer_files_stay_private(client, sxd_handler, accepted):
    report = accepted(Track.DENUNCIATION)
    answer(sxd_handler, report, [pdf("ket-luan.pdf")])
    document = AnswerDocument.objects.get(report=report)
    assert status(client, f"/feedback/document/{document.pk}/") == 404
    assert status(client, f"/feedback/staff/document/{document.pk}/") in (302, 404)
    assert status(sxd_handler, f"/feedback/staff/document/{document.pk}/") == 200
    own = f"/feedback/r/{report.code}/{report.citizen_key}/document/{document.pk}/"
    assert status(client, own) == 200
    assert status(client, own.replace(report.citizen_key, "x" * 32)) == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf"),
            "không phải ảnh",
        ),
        (pdf("cut.pdf", PDF[:40]), "không phải tài liệu PDF hoàn chỉnh"),
    ],
)
def test_a_bad_file_refuses_the_answer_with_the_reason(sxd_handler, accepted, upload, message):
    report = accepted()
    response = answer(sxd_handler, report, [upload])
    assert message in response.content.decode()
    report.refresh_from_db()
    assert report.status == "assigned"
    assert not report.documents.exists() and not report.photos.exists()


def test_the_answer_is_audited_with_its_files_counted(sxd_handler, accepted):
    from tinhso.core.models import AuditEntry

    report = accepted()
    answer(sxd_handler, report, [jpeg_with_gps(), pdf("bien-ban.pdf")])
    entry = AuditEntry.objects.filter(action="feedback.answer_attachments").latest("id")
    assert entry.after == {"photos": 1, "documents": ["bien-ban.pdf"]}
