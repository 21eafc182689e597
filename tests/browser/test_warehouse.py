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
    chart = page.locator(".quick-chart")
    chart.locator("#qc-col").select_option("cap_hoc")
    chart.get_by_role("button", name="Vẽ").click()
    expect(chart.locator(".qc-row")).to_have_count(3)
    expect(chart.locator(".qc-caption")).to_contain_text("Cấp học")
    chart.scroll_into_view_if_needed()
    shot(page, "data-dataset")


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
