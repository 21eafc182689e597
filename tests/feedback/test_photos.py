"""Photos sent with a report: real images only, within limits; the public copy carries no
EXIF (no GPS position, no camera); the original is for the staff who may see the report."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from tests.http import body, close
from tinhso.feedback.models import Report, ReportPhoto

pytestmark = pytest.mark.django_db

GPS = {1: "N", 2: (10.0, 32.0, 15.0), 3: "E", 4: (106.0, 24.0, 5.0)}


def jpeg_with_gps(name="pho.jpg", size=(2400, 1800)) -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.IFD.GPSInfo] = GPS
    out = io.BytesIO()
    Image.new("RGB", size, (180, 90, 40)).save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def png(name="so-do.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 120, 200)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def status(client, url) -> int:
    """The status of a GET, closing the file a photo response streams."""
    response = client.get(url)
    close(response)
    return response.status_code


def submit(client, commune, files, key):
    data = {
        "text": "Cây đổ chắn ngang đường sau cơn mưa lớn, xe không qua được.",
        "commune": commune.pk,
        "place": "đường Hùng Vương",
        "track": "ordinary",
        "idempotency_key": key,
        "photos": files,
    }
    return client.post("/feedback/new/", data)


def test_photos_are_stored_with_a_public_copy_without_exif(client, tan_an, operator, commune_field):
    response = submit(client, tan_an, [jpeg_with_gps(), png()], "photo-1")
    assert response.status_code == 302
    code = re.search(r"PA-\d{4}-\d{6}", response["Location"]).group(0)
    report = Report.objects.get(code=code)
    first, second = report.photos.all()
    # The public copy: re-encoded, at most 1600 px, no EXIF at all.
    with first.public.open("rb") as fh, Image.open(fh) as public:
        assert max(public.size) == 1600
        assert not public.getexif()
        assert "exif" not in public.info
    # The original keeps what the phone wrote, for staff.
    with first.original.open("rb") as fh, Image.open(fh) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)[2] == GPS[2]
    assert second.original.name.endswith(".png")

    # Not public until staff accept the report.
    assert status(client, f"/feedback/photo/{first.pk}/") == 404
    operator.post(f"/feedback/staff/{code}/accept/", {"field": commune_field.pk})
    report.refresh_from_db()
    public = client.get(f"/feedback/photo/{first.pk}/")
    assert public.status_code == 200
    assert public["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(body(public))) as served:
        assert not served.getexif()
    page = client.get("/feedback/track/", {"code": code}).content.decode()
    assert f"/feedback/photo/{first.pk}/" in page
    assert "/feedback/staff/photo/" not in page


def test_the_original_is_for_staff_only(client, tan_an, operator):
    submit(client, tan_an, [png()], "photo-2")
    photo = ReportPhoto.objects.latest("id")
    assert status(client, f"/feedback/staff/photo/{photo.pk}/") in (302, 403, 404)
    staff = operator.get(f"/feedback/staff/photo/{photo.pk}/")
    assert staff.status_code == 200
    assert staff["Content-Type"] == "image/png"
    close(staff)


def test_a_file_that_is_not_a_photo_is_refused_and_the_text_kept(client, tan_an):
    fake = SimpleUploadedFile("anh.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    before = Report.objects.count()
    response = submit(client, tan_an, [fake], "photo-3")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Không đọc được ảnh “anh.jpg”" in html
    assert "Cây đổ chắn ngang đường" in html  # nothing typed is lost
    assert Report.objects.count() == before


def test_at_most_five_photos(client, tan_an):
    response = submit(client, tan_an, [png(f"{i}.png") for i in range(6)], "photo-4")
    assert response.status_code == 200
    assert "tối đa 5 ảnh" in response.content.decode()


def test_staff_hide_a_photo_from_the_public_pages(
    client, tan_an, operator, sxd_handler, commune_field
):
    from tinhso.core.models import AuditEntry

    submit(client, tan_an, [png()], "photo-5")
    photo = ReportPhoto.objects.latest("id")
    code = photo.report.code
    operator.post(f"/feedback/staff/{code}/accept/", {"field": commune_field.pk})
    assert status(client, f"/feedback/photo/{photo.pk}/") == 200
    # A reason is required; a handler of another agency may not moderate.
    operator.post(f"/feedback/staff/{code}/hide_photo/", {"photo": photo.pk, "reason": " "})
    sxd_handler.post(f"/feedback/staff/{code}/hide_photo/", {"photo": photo.pk, "reason": "x"})
    photo.refresh_from_db()
    assert photo.hidden is False

    reason = "Ảnh có biển số xe của người khác"
    operator.post(f"/feedback/staff/{code}/hide_photo/", {"photo": photo.pk, "reason": reason})
    photo.refresh_from_db()
    assert photo.hidden is True
    assert status(client, f"/feedback/photo/{photo.pk}/") == 404
    assert (
        f"/feedback/photo/{photo.pk}/"
        not in client.get("/feedback/track/", {"code": code}).content.decode()
    )
    assert status(operator, f"/feedback/staff/photo/{photo.pk}/") == 200
    entry = AuditEntry.objects.get(action="feedback.photo_hidden", object_id=str(photo.pk))
    assert entry.after == {"hidden": True}

    operator.post(f"/feedback/staff/{code}/show_photo/", {"photo": photo.pk})
    assert status(client, f"/feedback/photo/{photo.pk}/") == 200


def test_the_reporters_page_shows_the_photo_and_the_address_at_once(client, tan_an):
    response = submit(client, tan_an, [png()], "own-photo-1")
    own = response["Location"]
    page = client.get(own).content.decode()
    report = Report.objects.get(code=re.search(r"PA-\d{4}-\d{6}", own).group(0))
    url = f"{own}photo/{report.photos.get().pk}/"
    assert f'src="{url}"' in page
    assert "đường Hùng Vương" in page and tan_an.name in page
    assert "sau khi cán bộ kiểm tra" in page  # no deadline that would move
    assert status(client, url) == 200
    assert status(client, url.replace(report.citizen_key, "wrong-key")) == 404
    # Not public yet: the public copy is not served to anyone else.
    assert status(client, f"/feedback/photo/{report.photos.get().pk}/") == 404
