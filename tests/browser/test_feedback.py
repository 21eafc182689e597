"""The citizen form in a real browser: proposals while typing, a tracking code at the end."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot

pytestmark = pytest.mark.browser


def test_citizen_reports_from_a_phone(browser, live_server, demo):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="vi-VN", device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/feedback/new/")
    page.get_by_label("Sự việc là gì?").fill(
        "Mặt đường trước chợ có ổ gà lớn, trời mưa đọng nước rất nguy hiểm."
    )
    chip = page.locator(".chip", has_text="Giao thông, đường sá")
    expect(chip).to_be_visible()
    chip.click()
    expect(page.get_by_label("Lĩnh vực (không bắt buộc — hệ thống sẽ đề xuất)")).to_have_value(
        re.compile(r"\d+")
    )
    page.get_by_label("Xã, phường").select_option(label="Phường Tân An")
    page.get_by_label("Địa chỉ hoặc điểm mốc").fill("trước chợ Tân An")
    shot(page, "report-form-phone")
    page.get_by_role("button", name="Gửi phản ánh").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"PA-\d{4}-\d{6}"))
    expect(page.get_by_text("Đã tiếp nhận").first).to_be_visible()
    shot(page, "report-tracking-phone")
    context.close()


def test_operator_queue_and_accept(page, demo):
    page.goto(page.base + "/accounts/login/?next=/feedback/queue/")
    page.get_by_label("Tên đăng nhập").fill("demo.operator")
    page.get_by_label("Mật khẩu").fill(demo)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Hàng đợi phản ánh")).to_be_visible()
    page.get_by_label("Loại").select_option("received")
    page.get_by_role("button", name="Xem").click()
    shot(page, "queue")
    first = page.locator("table.queue tbody tr a").first
    code = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    page.locator("#id_field").select_option(label="Môi trường, rác thải")
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.locator(".messages")).to_contain_text("Đã thực hiện")
    expect(page.locator("h1 .status")).to_have_text("Đã chuyển xử lý")
    shot(page, "report-staff")


def test_operator_takes_a_call(page, demo):
    page.goto(page.base + "/accounts/login/?next=/feedback/hotline/")
    page.get_by_label("Tên đăng nhập").fill("demo.operator")
    page.get_by_label("Mật khẩu").fill(demo)
    page.get_by_role("button", name="Đăng nhập").click()
    page.locator("#id_text").fill(
        "Đèn tín hiệu giao thông ở phường Tân An không hoạt động từ sáng, xe cộ lộn xộn."
    )
    field_chip = page.locator("#assist .chip", has_text="Giao thông, đường sá")
    expect(field_chip).to_be_visible()
    field_chip.click()
    page.locator("#assist .chip", has_text="Phường Tân An").click()
    expect(page.locator("#assist")).to_contain_text("Sở Xây dựng")
    shot(page, "hotline")
    page.get_by_role("button", name="Xác nhận và gửi (Alt+S)").click()
    expect(page.locator(".messages")).to_contain_text("Đã chuyển xử lý")


def _photo(tmp_path):
    import io

    from PIL import Image

    path = tmp_path / "cay-do.jpg"
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 40)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


def _queued(page) -> list:
    return page.evaluate(
        "() => TinhSoQueue.all().then(items => items.map(i => [i.state, i.files.length]))"
    )


def test_a_report_typed_offline_is_sent_with_its_photo_when_the_network_returns(
    browser, live_server, demo, tmp_path
):
    from tinhso.feedback.models import Report

    text = "Cây đổ chắn ngang đường sau cơn mưa lớn, xe không qua được."
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/feedback/new/")
    page.wait_for_function("window.TinhSoQueue !== undefined")
    context.set_offline(True)
    page.get_by_label("Sự việc là gì?").fill(text)
    page.get_by_label("Xã, phường").select_option(label="Phường Tân An")
    page.set_input_files("input[name=photos]", _photo(tmp_path))
    page.get_by_role("button", name="Gửi phản ánh").click()
    expect(page.locator("#offline-status")).to_contain_text("đang lưu trên máy")
    expect(page.locator("#offline-status li[data-state=waiting]")).to_contain_text("1 ảnh")
    assert _queued(page) == [["waiting", 1]]
    assert page.input_value("textarea[name=text]") == ""  # ready for the next one
    shot(page, "report-queued-phone")
    context.set_offline(False)
    expect(page.locator("#offline-status li[data-state=sent] a")).to_have_text(
        re.compile(r"PA-\d{4}-\d{6}")
    )
    code = page.locator("#offline-status li[data-state=sent] a").inner_text()
    assert Report.objects.filter(text=text).count() == 1
    report = Report.objects.get(code=code)
    assert report.text == text and report.photos.count() == 1
    page.locator("#offline-status li[data-state=sent] button").click()
    expect(page.locator("#offline-status li")).to_have_count(0)
    context.close()


def test_a_submit_that_fails_on_the_way_is_kept_and_sent_once(browser, live_server, demo, tmp_path):
    from tinhso.feedback.models import Report

    text = "Đèn tín hiệu giao thông ở ngã tư chợ bị tắt từ tối qua."
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="vi-VN", service_workers="block"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/feedback/new/")
    page.wait_for_function("window.TinhSoQueue !== undefined")

    def drop_posts(route):
        if route.request.method == "POST":
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/feedback/new/", drop_posts)
    page.get_by_label("Sự việc là gì?").fill(text)
    page.get_by_label("Xã, phường").select_option(label="Phường Tân An")
    page.set_input_files("input[name=photos]", _photo(tmp_path))
    page.get_by_role("button", name="Gửi phản ánh").click()
    expect(page.locator("#offline-status li[data-state=waiting]")).to_be_visible()
    assert _queued(page) == [["waiting", 1]]
    page.evaluate("() => TinhSoQueue.all().then(items => { window.kept = items[0]; })")
    page.unroute("**/feedback/new/")
    page.get_by_role("button", name="Gửi ngay").click()
    sent = page.locator("#offline-status li[data-state=sent] a")
    expect(sent).to_be_visible()
    # The same item sent again (as after an answer lost on the way): the same report.
    again = page.evaluate("() => TinhSoQueue.send(window.kept).then(i => [i.state, i.code])")
    assert again == ["sent", sent.inner_text()]
    assert Report.objects.filter(text=text).count() == 1
    assert Report.objects.get(text=text).photos.count() == 1
    context.close()


def test_a_refused_item_says_why_and_is_not_retried(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/feedback/new/")
    page.wait_for_function("window.TinhSoQueue !== undefined")
    context.set_offline(True)
    page.get_by_label("Sự việc là gì?").fill("Nước thải chảy tràn ra đường.")
    page.get_by_label("Điện thoại").fill("12")  # not a phone number: the server refuses it
    page.get_by_role("button", name="Gửi phản ánh").click()
    expect(page.locator("#offline-status li[data-state=waiting]")).to_be_visible()
    context.set_offline(False)
    expect(page.locator("#offline-status li[data-state=refused]")).to_be_visible()
    expect(page.locator("#offline-status li[data-state=refused]")).to_contain_text(
        "Hãy nhập số điện thoại"
    )
    assert _queued(page) == [["refused", 0]]
    page.get_by_role("button", name="Xoá").click()
    expect(page.locator("#offline-status li")).to_have_count(0)
    context.close()


def test_a_tap_on_the_map_places_the_report_and_finds_the_commune(browser, live_server, demo):
    from tinhso.units.models import Commune

    tan_an = Commune.objects.get(code="27712")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/feedback/new/")
    expect(page.locator("#pin-map path").first).to_be_attached()
    # A tap at the commune's centre (fired on the map itself, so that the test does not
    # depend on where the map's fitting animation leaves the view).
    page.evaluate(
        "([lat, lon]) => document.getElementById('pin-map').tinhsoMap"
        ".fire('click', {latlng: L.latLng(lat, lon)})",
        [tan_an.lat, tan_an.lon],
    )
    expect(page.locator("#location-status")).to_contain_text("Phường Tân An")
    assert page.get_by_label("Xã, phường").input_value() == str(tan_an.pk)
    lat = float(page.locator("input[name=lat]").input_value())
    assert abs(lat - tan_an.lat) < 0.01
    context.close()


def test_the_public_map_shows_the_reports(page, demo):
    page.goto(page.base + "/feedback/")
    markers = page.locator("#reports-map path.leaflet-interactive")
    expect(page.locator("#reports-map")).to_have_attribute("data-count", re.compile(r"[1-9]\d*"))
    count = int(page.locator("#reports-map").get_attribute("data-count"))
    assert markers.count() >= count
    shot(page, "reports-map")


def test_a_handler_answers_with_a_photo_and_a_document(page, demo, tmp_path):
    from tests.browser.test_phone import sign_in
    from tinhso.feedback.models import Report

    report = Report.objects.filter(
        status__in=["assigned", "in_progress"], agency__code="SXD", track="ordinary"
    ).first()
    letter = tmp_path / "cong-van-tra-loi.pdf"
    letter.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF\n")
    sign_in(page, page.base, "demo.handler", demo)
    page.goto(page.base + f"/feedback/staff/{report.code}/")
    page.get_by_label("Trả lời người dân").fill("Đã vá mặt đường; ảnh và công văn kèm theo.")
    page.get_by_label("Ảnh kết quả xử lý và tài liệu (PDF), tối đa 5 tệp mỗi loại").set_input_files(
        [_photo(tmp_path), letter]
    )
    page.get_by_role("button", name="Công bố trả lời").click()
    expect(page.locator(".messages")).to_contain_text("Đã thực hiện")
    expect(page.get_by_text("cong-van-tra-loi.pdf")).to_be_visible()
    page.goto(page.base + f"/feedback/track/?code={report.code}")
    photo = page.get_by_role("img", name="Ảnh gửi kèm câu trả lời")
    expect(photo).to_be_visible()
    # Its pixels arrived (waiting for the image to finish loading; 0 if it failed to).
    loaded = photo.evaluate(
        "img => img.complete ? img.naturalWidth : new Promise(done => {"
        " img.onload = () => done(img.naturalWidth); img.onerror = () => done(0); })"
    )
    assert loaded > 0
    expect(page.get_by_role("link", name="cong-van-tra-loi.pdf")).to_be_visible()
    shot(page, "report-answer-with-files")
