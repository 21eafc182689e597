"""The demo province's starting catalogue: indicators across sectors over the demo
datasets and the feedback hub, a few entered by hand, targets, alert rules — all marked
demo — computed once so the overview has values."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tinhso.core.actors import Actor
from tinhso.ioc import actions, alerts, export, sources
from tinhso.ioc.computation import compute_all
from tinhso.ioc.models import AlertRule, Indicator

NOTE = "Chỉ tiêu mẫu để dùng thử (demo)."


def _code(column: str) -> str:
    # Commune codes are five digits; a dataset may have read them as numbers.
    return f"lpad(CAST({column} AS VARCHAR), 5, '0')"


def _by_commune(select: str, source: str, where: str = "", period: str = "2025") -> str:
    """A query giving each commune's value and the province's, for one expression."""
    where_sql = f"WHERE {where}" if where else ""
    return (
        f"SELECT {period} AS period, {_code('ma_xa')} AS commune, {select} AS value "
        f"FROM {source} {where_sql} GROUP BY ALL "
        f"UNION ALL SELECT {period} AS period, NULL AS commune, {select} AS value "
        f"FROM {source} {where_sql} GROUP BY ALL"
    )


def _monthly(select: str, source: str, day: str, where: str = "") -> str:
    return _by_commune(select, source, where, f"date_trunc('month', CAST({day} AS DATE))")


TRUE = "CAST({c} AS VARCHAR) = 'true'"
ON_TIME = "100.0 * avg(CASE WHEN " + TRUE.format(c="dung_han") + " THEN 1 ELSE 0 END)"
ONLINE = "100.0 * avg(CASE WHEN kenh_nop = 'Trực tuyến' THEN 1 ELSE 0 END)"
DOSSIERS = '"ho-so-thu-tuc-hanh-chinh"'
PEOPLE = ('SELECT {code} AS ma_xa, sum(dan_so) AS dan_so FROM "dan-so-theo-xa" GROUP BY 1').format(
    code=_code("ma_xa")
)


def _per_10000(points: str, where: str) -> str:
    """Points of a dataset per 10,000 people, by commune and for the province."""
    counted = (
        f"SELECT {_code('ma_xa')} AS ma_xa, count(*) AS n FROM {points} WHERE {where} GROUP BY 1"
    )
    joined = f"({PEOPLE}) p LEFT JOIN ({counted}) c USING (ma_xa)"
    share = "10000.0 * coalesce(c.n, 0) / p.dan_so"
    total = "10000.0 * sum(coalesce(c.n, 0)) / sum(p.dan_so)"
    return (
        f"SELECT 2025 AS period, p.ma_xa AS commune, {share} AS value FROM {joined} "
        f"UNION ALL SELECT 2025, NULL, {total} FROM {joined}"
    )


# (code, vi, en, sector, unit, direction, period, good, bad, source kind, config, key, owner,
#  method, source text)
CATALOGUE = [
    ("pa-dung-han", "Phản ánh trả lời đúng hạn", "Reports answered on time", "feedback", "%",
     "higher", "month", 90, 75, "feedback", {"measure": "on_time_rate", "by_commune": True}, True,
     "VPUBND", "Phản ánh đã trả lời trong hạn ÷ phản ánh đã trả lời, theo tháng tiếp nhận.",
     "Hệ thống phản ánh kiến nghị 1022"),
    ("pa-qua-han", "Phản ánh đang quá hạn", "Reports overdue now", "feedback", "phản ánh",
     "lower", "day", 5, 20, "feedback", {"measure": "overdue", "by_commune": True}, True,
     "VPUBND", "Phản ánh chưa trả lời đã quá hạn xử lý, tại thời điểm tính.",
     "Hệ thống phản ánh kiến nghị 1022"),
    ("pa-tiep-nhan", "Phản ánh tiếp nhận trong ngày", "Reports received per day", "feedback",
     "phản ánh", "lower", "day", None, None, "feedback",
     {"measure": "received", "by_commune": True}, False, "VPUBND",
     "Số phản ánh tiếp nhận (không tính phản ánh bị từ chối và trùng).",
     "Hệ thống phản ánh kiến nghị 1022"),
    ("pa-hai-long", "Mức hài lòng với trả lời", "Satisfaction with answers", "feedback",
     "điểm/5", "higher", "month", 4, 3, "feedback",
     {"measure": "satisfaction", "by_commune": False}, False, "VPUBND",
     "Điểm đánh giá trung bình (1–5) của người dân với trả lời.",
     "Hệ thống phản ánh kiến nghị 1022"),
    ("ho-so-dung-han", "Hồ sơ TTHC giải quyết đúng hạn", "Dossiers handled on time",
     "public-services", "%", "higher", "month", 95, 85, "sql",
     {"sql": _monthly(ON_TIME, DOSSIERS, "ngay_nhan",
                      "CAST(dung_han AS VARCHAR) IN ('true', 'false')")},
     True, "VPUBND", "Hồ sơ đã trả đúng hẹn ÷ hồ sơ đã trả, theo tháng nhận (QĐ 766/QĐ-TTg).",
     "Kho dữ liệu: Hồ sơ thủ tục hành chính"),
    ("ho-so-truc-tuyen", "Hồ sơ nộp trực tuyến", "Dossiers submitted online", "public-services",
     "%", "higher", "month", 80, 50, "sql", {"sql": _monthly(ONLINE, DOSSIERS, "ngay_nhan")},
     False, "VPUBND", "Hồ sơ nộp trực tuyến ÷ tổng hồ sơ nhận, theo tháng.",
     "Kho dữ liệu: Hồ sơ thủ tục hành chính"),
    ("chi-so-766", "Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)", "Public-service index "
     "(Decision 766)", "public-services", "điểm/100", "higher", "month", 80, 60, "services766",
     {"component": "total"}, True, "VPUBND", "Tổng điểm 5 nhóm của Bộ chỉ số 766/QĐ-TTg tính "
     "từ hồ sơ: công khai, minh bạch 18; tiến độ, kết quả 20; dịch vụ trực tuyến 22; mức độ "
     "hài lòng 18; số hóa hồ sơ 22. Nhóm không đo được trong tháng không tính, tổng quy về "
     "thang 100.", "Kho dữ liệu: Hồ sơ thủ tục hành chính"),
    *[(f"chi-so-766-{group}", f"QĐ 766 — {vi}", f"Decision 766 — {en}", "public-services",
       "điểm", "higher", "month", 0.8 * points, 0.6 * points, "services766",
       {"component": group}, False, "VPUBND", f"{vi}: tối đa {points} điểm. {how}",
       "Kho dữ liệu: Hồ sơ thủ tục hành chính")
      for group, vi, en, points, how in [
          ("transparency", "Công khai, minh bạch", "Transparency", 18,
           "Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia × 18."),
          ("progress", "Tiến độ, kết quả giải quyết", "Progress and results", 20,
           "Tỷ lệ hồ sơ đã giải quyết đúng hạn × 20."),
          ("online", "Cung cấp dịch vụ trực tuyến", "Online provision", 22,
           "Tỷ lệ hồ sơ nộp trực tuyến × 11 + tỷ lệ thanh toán trực tuyến (hồ sơ có phí) × 11."),
          ("satisfaction", "Mức độ hài lòng", "Satisfaction", 18,
           "Tỷ lệ đánh giá hài lòng (4–5 trên 5) trong các hồ sơ được đánh giá × 18."),
          ("digitisation", "Số hóa hồ sơ", "Digitisation of dossiers", 22,
           "Tỷ lệ hồ sơ số hóa khi tiếp nhận × 11 + tỷ lệ kết quả được số hóa × 11."),
      ]],
    ("aqi-ngay", "Chỉ số chất lượng không khí (VN_AQI) trung bình ngày", "Daily mean air quality "
     "index (VN_AQI)", "environment", "AQI", "lower", "day", 50, 101, "sql",
     {"sql": _by_commune("avg(aqi)", '"quan-trac-khong-khi"',
                         period="date_trunc('day', CAST(thoi_gian AS TIMESTAMP))")},
     False, "SNNMT", "Trung bình ngày của AQI giờ tại các trạm quan trắc (QĐ 1459/QĐ-TCMT: "
     "0–50 tốt, 51–100 trung bình, từ 101 kém).", "Kho dữ liệu: Quan trắc chất lượng không khí"),
    ("aqi-tram", "VN_AQI ngày cao nhất tại các trạm quan trắc tự động", "Highest daily VN_AQI "
     "at the automatic monitoring stations", "environment", "AQI", "lower", "day", 50, 101,
     "sensors", {"measure": "aqi"}, True, "SNNMT", "VN_AQI ngày của từng trạm từ số liệu giờ "
     "(QĐ 1459/QĐ-TCMT); giá trị của xã và của tỉnh là trạm xấu nhất.",
     "Trạm quan trắc tự động (MQTT, FIWARE AirQualityObserved)"),
    ("tram-y-te-dat-chuan", "Trạm y tế xã đạt chuẩn quốc gia", "Commune health stations meeting "
     "the national standard", "health", "%", "higher", "year", 90, 70, "sql",
     {"sql": _by_commune("100.0 * avg(CASE WHEN " + TRUE.format(c="dat_chuan_quoc_gia")
                         + " THEN 1 ELSE 0 END)", '"tram-y-te"')},
     True, "SYT", "Trạm y tế đạt Bộ tiêu chí quốc gia về y tế xã ÷ tổng số trạm.",
     "Kho dữ liệu: Trạm y tế xã, phường"),
    ("bac-si-tram-y-te", "Bác sĩ trạm y tế trên 10.000 dân", "Health-station doctors per 10,000 "
     "people", "health", "bác sĩ/10.000 dân", "higher", "year", 1.5, 0.8, "sql",
     {"sql": "SELECT 2025 AS period, p.ma_xa AS commune, 10000.0 * t.bs / p.dan_so AS value "
             f"FROM ({PEOPLE}) p JOIN (SELECT {_code('ma_xa')} AS ma_xa, sum(so_bac_si) AS bs "
             'FROM "tram-y-te" GROUP BY 1) t USING (ma_xa) '
             "UNION ALL SELECT 2025, NULL, 10000.0 * (SELECT sum(so_bac_si) FROM \"tram-y-te\") "
             '/ (SELECT sum(dan_so) FROM "dan-so-theo-xa")'},
     False, "SYT", "Số bác sĩ tại trạm y tế ÷ dân số × 10.000.",
     "Kho dữ liệu: Trạm y tế; Dân số theo xã"),
    ("hoc-sinh-giao-vien", "Học sinh trên một giáo viên", "Pupils per teacher", "education",
     "học sinh", "lower", "year", 20, 25, "sql",
     {"sql": _by_commune("sum(so_hoc_sinh) / sum(so_giao_vien)", '"truong-hoc"')},
     True, "SGDDT", "Tổng học sinh ÷ tổng giáo viên các trường công lập.",
     "Kho dữ liệu: Trường học phổ thông"),
    ("hoc-sinh-phong-hoc", "Học sinh trên một phòng học", "Pupils per classroom", "education",
     "học sinh", "lower", "year", 35, 45, "sql",
     {"sql": _by_commune("sum(so_hoc_sinh) / sum(so_phong_hoc)", '"truong-hoc"')},
     False, "SGDDT", "Tổng học sinh ÷ tổng phòng học.", "Kho dữ liệu: Trường học phổ thông"),
    ("tram-dung-mai-che", "Điểm dừng xe buýt có mái che", "Bus stops with a shelter", "traffic",
     "%", "higher", "year", 60, 30, "sql",
     {"sql": _by_commune("100.0 * avg(CASE WHEN " + TRUE.format(c="co_mai_che")
                         + " THEN 1 ELSE 0 END)", '"diem-dung-xe-buyt"')},
     False, "SXD", "Điểm dừng có mái che ÷ tổng điểm dừng.", "Kho dữ liệu: Điểm dừng xe buýt"),
    ("pa-giao-thong", "Phản ánh về giao thông", "Reports about traffic", "traffic", "phản ánh",
     "lower", "month", None, None, "feedback",
     {"measure": "received", "field": "giao-thong", "by_commune": True}, False, "SXD",
     "Phản ánh lĩnh vực giao thông tiếp nhận trong tháng.", "Hệ thống phản ánh kiến nghị 1022"),
    ("pa-an-ninh", "Phản ánh về an ninh trật tự", "Reports about public order", "public-order",
     "phản ánh", "lower", "month", None, None, "feedback",
     {"measure": "received", "field": "an-ninh-trat-tu", "by_commune": True}, False, "CAT",
     "Phản ánh lĩnh vực an ninh trật tự tiếp nhận trong tháng.",
     "Hệ thống phản ánh kiến nghị 1022"),
    ("wifi-10000-dan", "Điểm Wi-Fi công cộng trên 10.000 dân", "Public Wi-Fi points per 10,000 "
     "people", "digital", "điểm/10.000 dân", "higher", "year", 1, 0.3, "sql",
     {"sql": _per_10000('"diem-wifi-cong-cong"', TRUE.format(c="dang_hoat_dong"))},
     False, "SKHCN", "Điểm Wi-Fi đang hoạt động ÷ dân số × 10.000.",
     "Kho dữ liệu: Điểm Wi-Fi công cộng; Dân số theo xã"),
    ("ho-cap-quang", "Hộ gia đình có cáp quang băng rộng", "Households with fibre broadband",
     "digital", "%", "higher", "year", 70, 50, "manual", {}, True, "SKHCN",
     "Thuê bao băng rộng cố định cáp quang ÷ số hộ × 100 (U4SSC EC:ICT:ICT:2C).",
     "Báo cáo của Sở KH&CN theo số liệu doanh nghiệp viễn thông"),
    ("dien-thoai-thong-minh", "Người trưởng thành có điện thoại thông minh", "Adults with a "
     "smartphone", "digital", "%", "higher", "year", 85, 70, "manual", {}, False, "SKHCN",
     "Người từ 15 tuổi có điện thoại thông minh ÷ dân số từ 15 tuổi.",
     "Báo cáo của Sở KH&CN"),
    ("kinh-te-so-grdp", "Tỷ trọng kinh tế số trong GRDP", "Digital economy share of GRDP",
     "digital", "%", "higher", "year", 15, 8, "manual", {}, False, "STC",
     "Giá trị tăng thêm của kinh tế số ÷ GRDP.", "Báo cáo của Cục Thống kê tỉnh"),
    ("su-co-attt", "Sự cố an toàn thông tin", "Information security incidents",
     "information-security", "sự cố", "lower", "month", 1, 5, "manual", {}, False, "SKHCN",
     "Sự cố an toàn thông tin mạng được ghi nhận và xử lý trong tháng.",
     "Báo cáo của Sở KH&CN"),
]  # fmt: skip

# (indicator, target, deadline, baseline, baseline date, basis)
TARGETS = [
    ("ho-cap-quang", 70, dt.date(2025, 12, 31), 52, dt.date(2023, 12, 31),
     "Chỉ tiêu 70% hộ có cáp quang (U4SSC EC:ICT:ICT:2C); Long An báo cáo 88,9%."),
    ("dien-thoai-thong-minh", 85, dt.date(2025, 12, 31), 72, dt.date(2023, 12, 31),
     "Chỉ tiêu 85% người trưởng thành có điện thoại thông minh."),
    ("kinh-te-so-grdp", 15, dt.date(2025, 12, 31), 9, dt.date(2023, 12, 31),
     "Chỉ tiêu kinh tế số 15% GRDP."),
    ("ho-so-dung-han", 98, dt.date(2026, 12, 31), 90, dt.date(2025, 7, 1),
     "Tiến độ, kết quả giải quyết (QĐ 766/QĐ-TTg)."),
    ("chi-so-766", 90, dt.date(2026, 12, 31), 70, dt.date(2025, 7, 1),
     "Chỉ tiêu tỉnh: Bộ chỉ số 766/QĐ-TTg đạt từ 90 điểm."),
    ("ho-so-truc-tuyen", 80, dt.date(2026, 12, 31), 45, dt.date(2025, 7, 1),
     "Cung cấp dịch vụ trực tuyến (QĐ 766/QĐ-TTg)."),
    ("pa-dung-han", 95, dt.date(2026, 12, 31), 85, dt.date(2025, 7, 1),
     "Tỷ lệ xử lý phản ánh đúng hạn của tỉnh."),
]  # fmt: skip

# (indicator, period start, value) entered by the owner agency and approved
ENTRIES = [
    ("ho-cap-quang", dt.date(2023, 1, 1), 52.0),
    ("ho-cap-quang", dt.date(2024, 1, 1), 60.5),
    ("ho-cap-quang", dt.date(2025, 1, 1), 67.8),
    ("dien-thoai-thong-minh", dt.date(2023, 1, 1), 72.0),
    ("dien-thoai-thong-minh", dt.date(2024, 1, 1), 78.4),
    ("dien-thoai-thong-minh", dt.date(2025, 1, 1), 83.1),
    ("kinh-te-so-grdp", dt.date(2023, 1, 1), 9.1),
    ("kinh-te-so-grdp", dt.date(2024, 1, 1), 10.6),
    ("kinh-te-so-grdp", dt.date(2025, 1, 1), 11.9),
    ("su-co-attt", dt.date(2026, 8, 1), 2.0),
    ("su-co-attt", dt.date(2026, 9, 1), 1.0),
    ("su-co-attt", dt.date(2026, 10, 1), 3.0),
]

RULES = [
    ("Không khí ô nhiễm (VN_AQI từ 101)", "threshold", "aqi-ngay", {}, "critical",
     "1. Thông báo UBND xã, phường nơi có trạm; khuyến cáo người dân, nhất là người già, trẻ "
     "em, hạn chế ra ngoài.\n2. Gọi trực ban Sở Nông nghiệp và Môi trường để kiểm tra nguồn "
     "thải.\n3. Đăng khuyến cáo trên cổng thông tin và ứng dụng công dân.", 30, "leader"),
    ("Trạm quan trắc báo không khí kém (VN_AQI ngày từ 101)", "threshold", "aqi-tram", {},
     "critical", "1. Thông báo UBND xã, phường nơi có trạm; khuyến cáo người dân hạn chế ra "
     "ngoài.\n2. Gọi trực ban Sở Nông nghiệp và Môi trường kiểm tra nguồn thải quanh trạm.",
     30, "leader"),
    ("Phản ánh tăng đột biến tại một xã", "feedback_spike", None,
     {"days": 1, "factor": 3, "min_reports": 4}, "warning",
     "1. Xem các phản ánh mới của lĩnh vực tại xã.\n2. Gọi UBND xã xác minh tại chỗ.\n"
     "3. Gộp các phản ánh trùng và giao cơ quan chủ trì.", 60, "supervisor"),
    ("Quá nhiều phản ánh quá hạn", "overdue", None, {"limit": 5}, "warning",
     "1. Lọc hàng đợi phản ánh quá hạn theo cơ quan.\n2. Nhắc lãnh đạo các cơ quan có nhiều "
     "phản ánh quá hạn nhất.", 120, "leader"),
    ("Hộ có cáp quang chậm so với lộ trình", "trajectory", "ho-cap-quang", {"tolerance": 1},
     "info", "Đề nghị Sở KH&CN báo cáo nguyên nhân và giải pháp với các doanh nghiệp viễn thông.",
     24 * 60, "leader"),
    # PM2.5 above 80 µg/m³ is an hourly VN_AQI above 150, "Xấu" (1459/QĐ-TCMT, Bảng 2).
    ("Bụi mịn PM2.5 trên 80 µg/m³ liên tục 60 phút tại trạm (mức Xấu)", "sensor_threshold",
     None, {"device_type": "air_quality", "property": "pm25", "above": 80, "minutes": 60},
     "critical",
     "1. Xem biểu đồ PM2.5 của trạm và các trạm lân cận; loại trừ lỗi thiết bị (so với PM10, "
     "số liệu tăng vọt bất thường).\n2. Báo UBND xã, phường nơi đặt trạm; phát khuyến cáo trên "
     "loa truyền thanh, cổng thông tin và ứng dụng công dân: người già, trẻ em, người bệnh hô "
     "hấp, tim mạch hạn chế ra ngoài, đeo khẩu trang khi ra đường.\n3. Gọi trực ban Sở Nông "
     "nghiệp và Môi trường kiểm tra nguồn thải quanh trạm (đốt rơm rạ, lò gạch, công trình xây "
     "dựng, khu công nghiệp); đề nghị phun nước rửa đường.\n4. Theo dõi đến khi PM2.5 dưới "
     "50 µg/m³ hai giờ liền rồi đóng cảnh báo, ghi lại các biện pháp đã làm.", 30, "leader"),
    ("Mực nước lên nhanh (từ 0,5 m trong 60 phút): nguy cơ lũ, ngập", "sensor_rise", None,
     {"device_type": "water_level", "property": "waterLevel", "rise": 0.5, "minutes": 60},
     "critical",
     "1. Xem biểu đồ mực nước và lượng mưa ở các trạm thượng nguồn; gọi trực ban Ban Chỉ huy "
     "phòng thủ dân sự tỉnh xác nhận.\n2. Báo ngay UBND xã, phường ven sông nơi có trạm: kích "
     "hoạt phương án ứng phó ngập lụt, cử lực lượng xung kích canh các điểm trũng, ngầm, tràn; "
     "cấm người và phương tiện qua ngầm, tràn khi nước chảy xiết.\n3. Thông báo trên loa "
     "truyền thanh, ứng dụng công dân cho người dân vùng trũng; chuẩn bị di dời người già, trẻ "
     "em nếu nước còn lên.\n4. Báo mực nước mỗi 30 phút cho lãnh đạo UBND tỉnh đến khi nước "
     "ngừng lên.", 15, "leader"),
    ("Trạm quan trắc mất kết nối", "sensor_offline", None, {}, "warning",
     "1. Xem thời điểm nhận số liệu cuối cùng và các trạm khác cùng khu vực (mất điện, mất sóng "
     "trên diện rộng?).\n2. Gọi đơn vị quản lý trạm kiểm tra nguồn điện, đường truyền, thiết "
     "bị; ghi số phiếu báo hỏng.\n3. Khi trạm ngừng, không dựa vào số liệu của trạm để cảnh "
     "báo; dùng trạm lân cận.\n4. Đóng cảnh báo khi trạm gửi lại số liệu, ghi nguyên nhân.",
     120, "supervisor"),
]  # fmt: skip


def _period(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def build(actor: Actor, province, out) -> None:
    from tinhso.agencies.models import Agency

    agencies = {a.code: a for a in Agency.objects.all()}
    made = []
    skipped = []
    for (code, vi, en, sector, unit, direction, period, good, bad, kind, config, key, owner,
         method, source) in CATALOGUE:  # fmt: skip
        if Indicator.objects.filter(code=code).exists():
            continue
        try:
            actions.define_indicator(
                actor,
                code=code,
                name_vi=vi,
                name_en=en,
                sector=sector,
                unit=unit,
                direction=direction,
                period=period,
                good=good,
                bad=bad,
                source_kind=kind,
                source_config=config,
                key=key,
                order=len(made) * 10,
                owner=agencies.get(owner),
                method=f"{method} {NOTE}",
                source_text=source,
                is_demo=True,
            )
        except sources.SourceError as exc:  # a demo dataset missing or refused
            skipped.append(f"{code} ({exc.message})")
            continue
        made.append(code)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=made)}
    for code, value, deadline, baseline, since, basis in TARGETS:
        if code in indicators:
            actions.set_target(
                actor,
                indicators[code],
                value=value,
                deadline=deadline,
                baseline=baseline,
                baseline_date=since,
                note=basis,
            )
    for code, day, value in ENTRIES:
        if code in indicators:
            entry = actions.enter_value(
                actor,
                indicators[code],
                period_start=_period(day),
                value=value,
                evidence_link="https://example.org/bao-cao-mau",
                note=NOTE,
            )
            actions.decide_value(actor, entry, approve=True)
    rules = []
    for name, kind, indicator, params, severity, sop, minutes, role in RULES:
        if AlertRule.objects.filter(name=name).exists():
            continue
        if indicator and indicator not in indicators:
            continue
        rules.append(
            AlertRule.objects.create(
                name=name,
                kind=kind,
                indicator=indicators.get(indicator) if indicator else None,
                params=params,
                severity=severity,
                sop=sop,
                escalate_after_minutes=minutes,
                escalate_to_role=role,
                is_demo=True,
            )
        )
    outcomes = compute_all(indicators=list(indicators.values()))
    for outcome in outcomes:
        actions.record_computation(actor, indicators[outcome.indicator], outcome.stored)
    opened = alerts.evaluate(rules=rules) if rules else []
    exported = export.to_warehouse(actor)
    out(
        f"Chỉ số / indicators: {len(made)} mới, {sum(o.stored for o in outcomes)} giá trị; "
        f"cảnh báo / alerts: {len(opened)}; kho dữ liệu / warehouse: {exported}"
        + (f"; bỏ qua / skipped: {', '.join(skipped)}" if skipped else "")
    )
