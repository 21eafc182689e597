"""The warehouse in a real browser: a dataset's preview and quick chart, a steward's
upload with its progress, and a rejected version's report."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot

pytestmark = pytest.mark.browser


def _sign_in(page, password, next_url):
    page.goto(page.base + "/accounts/login/?next=" + next_url)
    page.get_by_label("Tên đăng nhập").fill("demo.steward")
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_a_dataset_previews_filters_and_charts(page, demo):
    page.goto(page.base + "/data/")
    expect(page.get_by_role("heading", name="Kho dữ liệu dùng chung")).to_be_visible()
    shot(page, "data-catalogue")
    page.get_by_role("link", name=re.compile("Trường học phổ thông")).click()
    preview = page.locator("#preview")
    expect(preview.locator(".pv-table tbody tr")).to_have_count(25)
    expect(preview.locator(".pv-status")).to_contain_text("222 dòng (chính xác)")
    # Headers read the schema's titles; the column's name is on hover.
    header = preview.locator("thead button[title=cap_hoc]")
    expect(header).to_have_text("Cấp học")
    page.locator("#pv-col").select_option("cap_hoc")
    page.locator("#pv-value").fill("không có cấp này")
    preview.get_by_role("button", name="Thêm bộ lọc").click()
    expect(preview.locator(".pv-status")).to_have_text("0 dòng")  # not "1–0 / 0"
    page.locator("#pv-col").select_option("cap_hoc")
    page.locator("#pv-value").fill("THPT")
    preview.get_by_role("button", name="Thêm bộ lọc").click()
    expect(preview.locator(".pv-status")).not_to_contain_text("222 dòng")
    expect(preview.locator(".pv-table tbody tr").first).to_contain_text("THPT")

    csv_link = preview.locator(".pv-download[data-format=csv]")
    expect(csv_link).to_have_attribute("href", re.compile(r"cap_hoc=THPT"))
    # The quick chart follows the filters: only THPT schools are left to count.
    chart = page.locator("#quick-chart")
    expect(chart.locator("#qc-col")).to_have_value("cap_hoc")  # not ma_truong, the key
    expect(chart.locator(".qc-caption")).to_contain_text("Cấp học")
    expect(chart.locator("#qc-plot svg.main-svg").first).to_be_attached()
    expect(chart.locator("#qc-plot .bars .point")).to_have_count(1)
    chart.scroll_into_view_if_needed()
    shot(page, "data-dataset")


def _plotted(page) -> dict:
    return page.evaluate(
        "() => { const d = document.getElementById('qc-plot').data;"
        " return d ? {type: d[0].type, n: d[0].x.length} : null; }"
    )


def test_the_quick_chart_draws_each_kind_and_fits_a_phone(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/data/truong-hoc/")
    chart = page.locator("#quick-chart")
    expect(chart.locator("#qc-col")).to_have_value("cap_hoc")
    expect(chart.locator("#qc-plot svg.main-svg").first).to_be_attached()
    expect(chart.locator(".qc-caption")).to_contain_text("Cấp học")
    assert _plotted(page) == {"type": "bar", "n": 3}
    # Another column redraws: the number of pupils as a histogram, summing is not offered.
    chart.locator("#qc-col").select_option("so_hoc_sinh")
    expect(chart.locator(".qc-caption")).to_contain_text("Số học sinh")
    page.wait_for_function("document.getElementById('qc-plot').data[0].width !== undefined")
    assert _plotted(page)["n"] > 5
    expect(chart.locator(".qc-measure-field")).to_be_hidden()
    # The map: the schools' points on Leaflet, and nothing wider than the phone.
    chart.locator("#qc-col").select_option("_map")
    expect(chart.locator("#qc-map")).to_be_visible()
    expect(chart.locator("#qc-map path.leaflet-interactive").first).to_be_attached()
    expect(chart.locator("#qc-plot")).to_be_hidden()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the dataset page scrolls sideways at 390 px ({width} px)"
    # A date column is the default where there is one: hourly air readings, per day.
    page.goto(live_server.url + "/data/quan-trac-khong-khi/")
    expect(chart.locator(".qc-caption")).to_contain_text("—")
    expect(chart.locator("#qc-plot svg.main-svg").first).to_be_attached()
    expect(chart.locator("#qc-col option:checked")).to_have_attribute("data-kind", "timeseries")
    assert _plotted(page) == {"type": "bar", "n": 30}
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_a_steward_uploads_and_follows_the_reading(page, demo, tmp_path):
    from tinhso.warehouse.models import IngestJob
    from tinhso.warehouse.tasks import run_ingest_job

    _sign_in(page, demo, "/data/mine/")
    expect(page.get_by_role("heading", name="Dữ liệu của cơ quan")).to_be_visible()
    path = tmp_path / "wifi.csv"
    path.write_text(
        "ma,ten,ma_xa,ten_xa,dia_diem,toc_do_mbps,dang_hoat_dong,kinh_do,vi_do\n"
        "WF9001,Wi-Fi mới,27694,Phường Long An,Chợ,100,true,106.4,10.5\n",
        encoding="utf-8",
    )
    page.goto(page.base + "/data/diem-wifi-cong-cong/upload/")
    page.get_by_label("Tệp", exact=True).set_input_files(str(path))
    page.get_by_label("Thêm các dòng vào phiên bản hiện hành").check()
    page.get_by_role("button", name="Tải lên").click()
    expect(page.locator(".job")).to_be_visible()
    job = IngestJob.objects.get()
    run_ingest_job.call(job.pk)  # the task worker's part
    expect(page.get_by_role("heading", name=re.compile("Phiên bản 3"))).to_be_visible()
    expect(page.locator(".counters")).to_contain_text("Dòng thêm: 1")
    shot(page, "data-version")


def test_a_rejected_version_shows_its_report(page, demo):
    _sign_in(page, demo, "/data/diem-wifi-cong-cong/versions/2/")
    expect(page.get_by_role("heading", name="Báo cáo kiểm tra")).to_be_visible()
    table = page.locator("table.report-table")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text("mười")
    expect(table).to_contain_text("primary-key")
    shot(page, "data-report")


def test_the_new_dataset_form_finds_communes_by_typing(page, demo):
    _sign_in(page, demo, "/data/new/")
    expect(page.get_by_role("heading", name="Bộ dữ liệu mới")).to_be_visible()
    communes = page.locator("#group-communes")
    labels = communes.locator(".choice-list label")
    total = labels.count()
    assert total > 50
    search = page.get_by_label("Tìm trong danh sách: Các xã, phường")
    search.fill("tan an")  # without accents
    expect(communes.locator(".choice-list label:visible")).to_have_count(1)
    communes.get_by_label("Phường Tân An").check()
    expect(communes.locator(".picker-count")).to_contain_text(f"Đã chọn 1 · đang hiện 1/{total}")
    search.fill("")
    communes.get_by_label("Chỉ hiện mục đã chọn").check()
    expect(communes.locator(".choice-list label:visible")).to_have_text(["Phường Tân An"])
    # The themes line up in columns: every checkbox of a row at the same height.
    tops = page.eval_on_selector_all(
        "#group-themes .choice-list input", "els => els.map(e => e.getBoundingClientRect().left)"
    )
    assert len(set(round(x) for x in tops)) <= 4
    shot(page, "dataset-new")
