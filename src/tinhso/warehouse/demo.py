"""Demo step: the shared code tables, and a dozen demo datasets of the kinds a province's
agencies keep — schools, health stations, population by commune, public service dossiers,
air quality, markets, public Wi-Fi, bus stops, heritage sites listed under the old units,
waste collection points, poor households, building permits. Every value is generated
(seeded, so the demo is the same each time) and every dataset is marked as demo data.

One dataset shows the steward's tools at work: the public Wi-Fi points (kept by the demo
data steward's department) carry a steward's schema, and a second upload with mistakes is
kept as a rejected version with its report.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tinhso.core.actors import Actor
from tinhso.units.models import Commune, LegacyWard, Province
from tinhso.warehouse import actions
from tinhso.warehouse.codetables import publish
from tinhso.warehouse.models import Access, Dataset, Frequency, Importance, Spatial

SEED = 2025
NOTE = " Dữ liệu mẫu (demo), sinh tự động để dùng thử nền tảng — không phải số liệu thật."


@dataclass
class Demo:
    slug: str
    title: str
    owner: str
    description: str
    themes: list[str]
    tags: list[str]
    access: str = Access.OPEN
    importance: str = Importance.IMPORTANT
    frequency: str = Frequency.ANNUAL
    extension: str = ".csv"
    titles: dict[str, str] = field(default_factory=dict)  # column → title, for the schema
    build: Callable | None = None


def _point(rng: random.Random, commune: Commune) -> tuple[float, float]:
    lon = (commune.lon or 106.1) + rng.uniform(-0.02, 0.02)
    lat = (commune.lat or 11.3) + rng.uniform(-0.02, 0.02)
    return round(lon, 6), round(lat, 6)


def _schools(rng, communes):
    header = ["ma_truong", "ten_truong", "cap_hoc", "loai_hinh", "ma_xa", "ten_xa",
              "so_hoc_sinh", "so_giao_vien", "so_phong_hoc", "kinh_do", "vi_do"]  # fmt: skip
    rows, n = [], 0
    for commune in communes:
        for level, size in (("Tiểu học", 600), ("THCS", 800)):
            n += 1
            students = int(rng.gauss(size, size / 4))
            lon, lat = _point(rng, commune)
            rows.append([f"TS{n:04d}", f"Trường {level} {commune.short_name}", level,
                         "Công lập", commune.code, commune.name, max(students, 80),
                         max(students // 22, 6), max(students // 35, 4), lon, lat])  # fmt: skip
        if rng.random() < 0.25:
            n += 1
            lon, lat = _point(rng, commune)
            students = int(rng.gauss(1200, 200))
            rows.append([f"TS{n:04d}", f"Trường THPT {commune.short_name}", "THPT", "Công lập",
                         commune.code, commune.name, students, students // 20, students // 40,
                         lon, lat])  # fmt: skip
    return header, rows


def _stations(rng, communes):
    header = ["ma_tram", "ten_tram", "ma_xa", "ten_xa", "so_giuong", "so_bac_si",
              "so_nhan_vien", "dat_chuan_quoc_gia", "kinh_do", "vi_do"]  # fmt: skip
    rows = []
    for i, commune in enumerate(communes, start=1):
        lon, lat = _point(rng, commune)
        rows.append([f"TYT{i:03d}", f"Trạm Y tế {commune.name}", commune.code, commune.name,
                     rng.randint(4, 12), rng.randint(1, 3), rng.randint(5, 14),
                     "true" if rng.random() < 0.8 else "false", lon, lat])  # fmt: skip
    return header, rows


def _population(rng, communes):
    header = ["ma_xa", "ten_xa", "nam", "dan_so", "nam_gioi", "nu_gioi", "so_ho",
              "dien_tich_km2", "mat_do_nguoi_km2"]  # fmt: skip
    rows = []
    for commune in communes:
        area = commune.area_km2 if getattr(commune, "area_km2", None) else rng.uniform(15, 90)
        people = int(rng.gauss(28000 if commune.kind == "ward" else 16000, 5000))
        men = int(people * rng.uniform(0.48, 0.51))
        rows.append([commune.code, commune.name, 2025, people, men, people - men,
                     int(people / rng.uniform(3.2, 3.9)), round(area, 2),
                     round(people / area, 1)])  # fmt: skip
    return header, rows


PROCEDURES = [
    ("Cấp giấy phép xây dựng", "Xây dựng", "SXD", 15),
    ("Đăng ký khai sinh", "Hộ tịch", "UBND", 1),
    ("Chứng thực bản sao", "Chứng thực", "UBND", 1),
    ("Cấp giấy chứng nhận quyền sử dụng đất", "Đất đai", "SNNMT", 30),
    ("Đăng ký kinh doanh hộ cá thể", "Thành lập và hoạt động của hộ kinh doanh", "UBND", 3),
    ("Cấp phiếu lý lịch tư pháp", "Lý lịch tư pháp", "STP", 10),
    ("Cấp giấy phép lái xe", "Đường bộ", "SXD", 10),
]


def _dossiers(rng, communes):
    header = ["ma_ho_so", "thu_tuc", "linh_vuc", "co_quan_giai_quyet", "ma_xa", "kenh_nop",
              "ngay_nhan", "ngay_hen_tra", "ngay_tra", "dung_han",
              "dong_bo_quoc_gia", "thanh_toan_truc_tuyen", "so_hoa_ho_so", "so_hoa_ket_qua",
              "danh_gia"]  # fmt: skip
    rows = []
    start = dt.date(2025, 7, 1)
    # The columns of the public-service index (766/QĐ-TTg) draw on their own generator, so
    # the dossiers' other columns stay what they were; they improve month by month.
    more = random.Random(766)
    for i in range(1, 5001):
        name, domain, agency, days = rng.choice(PROCEDURES)
        commune = rng.choice(communes)
        received = start + dt.timedelta(days=rng.randint(0, 480))
        due = received + dt.timedelta(days=round(days * 7 / 5))
        late = rng.random() < 0.07
        done = (
            due + dt.timedelta(days=rng.randint(1, 9))
            if late
            else (
                received
                + dt.timedelta(days=rng.randint(0, max(due.toordinal() - received.toordinal(), 0)))
            )
        )
        finished = done if done <= dt.date(2026, 11, 1) else None
        office = f"UBND {commune.name}" if agency == "UBND" else agency
        channel = rng.choice(["Trực tuyến", "Trực tuyến", "Trực tiếp", "Bưu chính"])
        rows.append([f"HS{received:%Y%m}{i:05d}", name, domain, office, commune.code, channel,
                     received.isoformat(), due.isoformat(),
                     finished.isoformat() if finished else "",
                     "" if finished is None else ("false" if late else "true"),
                     *_index_columns(more, received, channel == "Trực tuyến",
                                     finished)])  # fmt: skip
    return header, rows


def _yes(rng, chance: float) -> str:
    return "true" if rng.random() < chance else "false"


def _index_columns(rng, received: dt.date, online: bool, finished: dt.date | None) -> list:
    """Synchronised to the national portal, fee paid online (when there is a fee),
    digitised when received and the result digitised (when finished), the citizen's
    rating (when given): shares that rise over the months, as a province catching up."""
    months = (received.year - 2025) * 12 + received.month - 7  # 0 in July 2025
    progress = min(months / 16, 1.0)
    has_fee = rng.random() < 0.6
    rated = finished is not None and rng.random() < 0.4
    rating = min(5, max(1, round(rng.gauss(3.6 + 0.8 * progress, 0.9))))
    return [
        _yes(rng, 0.80 + 0.17 * progress),
        "" if not has_fee else _yes(rng, 0.50 + 0.30 * progress + 0.15 * online),
        _yes(rng, 0.45 + 0.40 * progress),
        "" if finished is None else _yes(rng, 0.40 + 0.45 * progress),
        rating if rated else "",
    ]


def _air(rng, communes):
    header = ["tram", "ma_xa", "thoi_gian", "pm25", "pm10", "no2", "o3", "aqi"]
    stations = communes[:4]
    rows = []
    start = dt.datetime(2026, 10, 1)
    for commune in stations:
        base = rng.uniform(18, 35)
        for hour in range(30 * 24):
            moment = start + dt.timedelta(hours=hour)
            rush = 1.4 if moment.hour in (6, 7, 8, 17, 18, 19) else 1.0
            pm25 = max(3.0, rng.gauss(base * rush, 6))
            aqi = round(pm25 * 2.2 + rng.uniform(-5, 5))
            rows.append([f"Trạm quan trắc {commune.short_name}", commune.code,
                         moment.isoformat(sep=" "), round(pm25, 1), round(pm25 * 1.7, 1),
                         round(rng.uniform(8, 40), 1), round(rng.uniform(20, 90), 1),
                         max(aqi, 5)])  # fmt: skip
    return header, rows


def _points(kind: str, prefix: str, per_commune: float, extra: Callable):
    def build(rng, communes):
        header = ["ma", "ten", "ma_xa", "ten_xa", *extra(None)[0], "kinh_do", "vi_do"]
        rows, n = [], 0
        for commune in communes:
            for _i in range(int(per_commune) + (rng.random() < per_commune % 1)):
                n += 1
                lon, lat = _point(rng, commune)
                rows.append([f"{prefix}{n:04d}", f"{kind} {commune.short_name} {n}", commune.code,
                             commune.name, *extra(rng)[1], lon, lat])  # fmt: skip
        return header, rows

    return build


def _market(rng):
    if rng is None:
        return ["hang_cho", "so_ho_kinh_doanh"], []
    return [], [rng.choice(["Hạng 1", "Hạng 2", "Hạng 3"]), rng.randint(30, 400)]


def _wifi(rng):
    if rng is None:
        return ["dia_diem", "toc_do_mbps", "dang_hoat_dong"], []
    return [], [rng.choice(["Nhà văn hóa", "Chợ", "Công viên", "Bưu điện"]),
                rng.choice([50, 100, 200]), "true" if rng.random() < 0.9 else "false"]  # fmt: skip


def _bus(rng):
    if rng is None:
        return ["tuyen", "co_mai_che"], []
    return [], [
        rng.choice(["01", "03", "05", "07", "12"]),
        "true" if rng.random() < 0.5 else "false",
    ]


def _heritage(rng, communes):
    """Heritage sites as the old records list them: old province, district and ward —
    the warehouse adds the 2025 communes."""
    province = communes[0].province
    wards = list(
        LegacyWard.objects.filter(district__province__new_province=province)
        .select_related("district__province")
        .order_by("code")
    )
    header = ["ma_di_tich", "ten_di_tich", "cap_xep_hang", "tinh", "huyen", "xa", "nam_xep_hang"]
    rows = []
    for i, ward in enumerate(rng.sample(wards, min(40, len(wards))), start=1):
        rows.append([f"DT{i:03d}", f"Di tích {rng.choice(['đình', 'chùa', 'miếu', 'nhà cổ'])} "
                     f"{ward.name}", rng.choice(["Quốc gia", "Cấp tỉnh", "Cấp tỉnh"]),
                     ward.district.province.name, ward.district.name, ward.name,
                     rng.randint(1990, 2024)])  # fmt: skip
    return header, rows


def _waste_geojson(rng, communes):
    features = []
    for i, commune in enumerate(communes[:60], start=1):
        lon, lat = _point(rng, commune)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "ma": f"RAC{i:03d}",
                    "ten": f"Điểm tập kết rác {commune.short_name}",
                    "ma_xa": commune.code,
                    "cong_suat_tan_ngay": round(rng.uniform(2, 25), 1),
                    "phan_loai_tai_nguon": rng.random() < 0.4,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _poor(rng, communes):
    header = ["ma_xa", "ten_xa", "nam", "so_ho_ngheo", "so_ho_can_ngheo", "ty_le_ho_ngheo_pct"]
    rows = []
    for commune in communes:
        households = rng.randint(3000, 9000)
        poor = rng.randint(10, 180)
        rows.append([commune.code, commune.name, 2025, poor, rng.randint(20, 260),
                     round(100 * poor / households, 2)])  # fmt: skip
    return header, rows


def _permits(rng, communes):
    header = ["so_giay_phep", "ngay_cap", "loai_cong_trinh", "ma_xa", "dien_tich_san_m2", "so_tang"]
    rows = []
    for i in range(1, 1201):
        commune = rng.choice(communes)
        day = dt.date(2025, 7, 1) + dt.timedelta(days=rng.randint(0, 480))
        rows.append([f"{i:04d}/GPXD", day.isoformat(),
                     rng.choice(["Nhà ở riêng lẻ", "Nhà ở riêng lẻ", "Công trình thương mại",
                                 "Nhà xưởng"]),
                     commune.code, round(rng.uniform(60, 900), 1), rng.randint(1, 6)])  # fmt: skip
    return header, rows


DEMOS = [
    Demo(
        "truong-hoc",
        "Trường học phổ thông",
        "SGDDT",
        "Các trường tiểu học, trung học cơ sở và trung học phổ thông công lập: mã trường, "
        "cấp học, xã/phường, số học sinh, giáo viên, phòng học và vị trí.",
        ["EDUC"],
        ["giáo dục", "trường học"],
        build=_schools,
        titles={
            "ma_truong": "Mã trường",
            "ten_truong": "Tên trường",
            "cap_hoc": "Cấp học",
            "loai_hinh": "Loại hình",
            "ma_xa": "Mã xã",
            "ten_xa": "Xã/phường",
            "so_hoc_sinh": "Số học sinh",
            "so_giao_vien": "Số giáo viên",
            "so_phong_hoc": "Số phòng học",
            "kinh_do": "Kinh độ",
            "vi_do": "Vĩ độ",
        },
    ),
    Demo(
        "tram-y-te",
        "Trạm y tế xã, phường",
        "SYT",
        "Trạm y tế của từng xã, phường: số giường bệnh, bác sĩ, nhân viên, đạt chuẩn quốc gia "
        "về y tế xã hay chưa, và vị trí.",
        ["HEAL"],
        ["y tế", "trạm y tế"],
        build=_stations,
        importance=Importance.CORE,
    ),
    Demo(
        "dan-so-theo-xa",
        "Dân số theo xã, phường năm 2025",
        "STC",
        "Dân số, số hộ, diện tích và mật độ dân số của từng xã, phường sau sắp xếp đơn vị "
        "hành chính ngày 1/7/2025.",
        ["SOCI", "REGI"],
        ["dân số", "thống kê"],
        build=_population,
        importance=Importance.CORE,
    ),
    Demo(
        "ho-so-thu-tuc-hanh-chinh",
        "Hồ sơ thủ tục hành chính",
        "VPUBND",
        "Hồ sơ thủ tục hành chính tiếp nhận tại Trung tâm Phục vụ hành chính công và UBND cấp "
        "xã: thủ tục, kênh nộp, ngày nhận, hẹn trả, trả kết quả và đúng hạn; đồng bộ lên Cổng "
        "Dịch vụ công quốc gia, thanh toán trực tuyến, số hóa hồ sơ và kết quả, đánh giá của "
        "người dân (các cột của Bộ chỉ số 766/QĐ-TTg).",
        ["GOVE"],
        ["thủ tục hành chính", "dịch vụ công"],
        access=Access.SHARED,
        frequency=Frequency.DAILY,
        build=_dossiers,
    ),
    Demo(
        "quan-trac-khong-khi",
        "Quan trắc chất lượng không khí (theo giờ)",
        "SNNMT",
        "Kết quả quan trắc tự động PM2.5, PM10, NO2, O3 và chỉ số AQI theo giờ tại các trạm "
        "quan trắc không khí.",
        ["ENVI"],
        ["môi trường", "không khí", "AQI"],
        frequency=Frequency.DAILY,
        build=_air,
    ),
    Demo(
        "cho-truyen-thong",
        "Chợ truyền thống",
        "SCT",
        "Các chợ truyền thống: hạng chợ, số hộ kinh doanh và vị trí.",
        ["ECON"],
        ["chợ", "thương mại"],
        build=_points("Chợ", "CHO", 0.6, _market),
    ),
    Demo(
        "diem-wifi-cong-cong",
        "Điểm Wi-Fi công cộng miễn phí",
        "SKHCN",
        "Điểm truy cập Wi-Fi công cộng miễn phí: địa điểm, tốc độ và tình trạng hoạt động.",
        ["TECH"],
        ["wifi", "chuyển đổi số"],
        frequency=Frequency.QUARTERLY,
        build=_points("Wi-Fi", "WF", 1.2, _wifi),
    ),
    Demo(
        "diem-dung-xe-buyt",
        "Điểm dừng xe buýt",
        "SXD",
        "Điểm dừng đón trả khách của các tuyến xe buýt nội tỉnh.",
        ["TRAN"],
        ["xe buýt", "giao thông"],
        build=_points("Trạm dừng", "BUS", 0.8, _bus),
    ),
    Demo(
        "di-tich-lich-su",
        "Di tích lịch sử - văn hóa (theo hồ sơ cũ)",
        "SVHTTDL",
        "Di tích đã xếp hạng, ghi theo tỉnh, huyện, xã trước sắp xếp; kho dữ liệu tự thêm xã, "
        "phường mới theo đơn vị hành chính năm 2025.",
        ["EDUC"],
        ["di tích", "văn hóa"],
        build=_heritage,
    ),
    Demo(
        "diem-tap-ket-rac",
        "Điểm tập kết rác thải sinh hoạt",
        "SNNMT",
        "Điểm tập kết rác thải sinh hoạt: công suất và việc phân loại tại nguồn (GeoJSON).",
        ["ENVI"],
        ["rác thải", "môi trường"],
        extension=".geojson",
        build=_waste_geojson,
    ),
    Demo(
        "ho-ngheo-theo-xa",
        "Hộ nghèo, cận nghèo theo xã",
        "SNV",
        "Số hộ nghèo, cận nghèo và tỷ lệ hộ nghèo của từng xã, phường (tổng hợp, không có "
        "thông tin cá nhân).",
        ["SOCI"],
        ["giảm nghèo", "an sinh"],
        access=Access.SHARED,
        build=_poor,
    ),
    Demo(
        "giay-phep-xay-dung",
        "Giấy phép xây dựng đã cấp",
        "SXD",
        "Giấy phép xây dựng đã cấp: ngày cấp, loại công trình, xã, diện tích sàn, số tầng.",
        ["REGI"],
        ["xây dựng", "giấy phép"],
        access=Access.PRIVATE,
        frequency=Frequency.MONTHLY,
        build=_permits,
    ),
]


def _write(demo: Demo, folder: Path, data) -> Path:
    path = folder / f"{demo.slug}{demo.extension}"
    if demo.extension == ".geojson":
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        header, rows = data
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows(rows)
    return path


def _rejected_upload(actor: Actor, dataset: Dataset, folder: Path) -> None:
    """The steward's tools at work: a data dictionary with a key and a minimum, then a
    second upload with the mistakes spreadsheets carry (a repeated code, a number written
    in words, a negative count), kept as a rejected version with its report while the
    first version stays live."""
    import duckdb

    schema = dataset.current.schema
    fields = [{k: v for k, v in f.items() if k != "storage"} for f in schema["fields"]]
    key = fields[0]["name"]
    number = next(f["name"] for f in fields if f["type"] == "integer")
    for item in fields:
        item["title"] = DEMO_TITLES.get(item["name"], item["name"])
        if item["name"] == number:
            item["constraints"] = {"required": True, "minimum": 0}
    actions.set_schema(actor, dataset, {"fields": fields, "primaryKey": [key]})
    first = duckdb.sql(f"SELECT * FROM read_parquet('{dataset.current.path}') LIMIT 4").fetchall()  # noqa: S608
    names = [f["name"] for f in fields]
    rows = [list(r) for r in first]
    rows[1][0] = rows[0][0]  # the same code twice
    rows[2][names.index(number)] = "mười"  # a number in words
    rows[3][names.index(number)] = -2  # a negative count
    path = folder / f"{dataset.slug}-cap-nhat.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(names)
        writer.writerows(rows)
    actions.add_version(actor, dataset, path, source_name=path.name)


DEMO_TITLES = {
    "ma": "Mã",
    "ten": "Tên",
    "ma_xa": "Mã xã, phường",
    "ten_xa": "Xã, phường",
    "dia_diem": "Địa điểm",
    "toc_do_mbps": "Tốc độ (Mbps)",
    "dang_hoat_dong": "Đang hoạt động",
    "kinh_do": "Kinh độ",
    "vi_do": "Vĩ độ",
}


def build(actor: Actor, province: Province, out) -> None:
    from tinhso.agencies.models import Agency

    changed = publish(actor)
    out(f"Bảng mã dùng chung / shared code tables: {', '.join(changed) or 'đã có / already there'}")
    communes = list(Commune.objects.filter(province=province).order_by("code"))
    if not communes:
        return
    rng = random.Random(SEED)
    added = []
    with tempfile.TemporaryDirectory(prefix="tinhso-demo-data-") as folder:
        folder = Path(folder)
        for demo in DEMOS:
            data = demo.build(rng, communes)
            if Dataset.objects.filter(slug=demo.slug).exists():
                continue
            owner = Agency.objects.filter(code=demo.owner).first()
            if owner is None:
                continue
            dataset = actions.create_dataset(
                actor,
                slug=demo.slug,
                title=demo.title + " (dữ liệu mẫu)",
                owner=owner,
                description=demo.description + NOTE,
                access=demo.access,
                importance=demo.importance,
                themes=demo.themes,
                tags=demo.tags,
                frequency=demo.frequency,
                spatial=Spatial.PROVINCE,
                temporal_start=dt.date(2025, 7, 1),
                contact_name=f"Bộ phận dữ liệu, {owner.short_name or owner.name}",
                is_demo=True,
            )
            version = actions.add_version(actor, dataset, _write(demo, folder, data))
            if demo.titles and version.status == "accepted":
                fields = [
                    {
                        **{k: v for k, v in f.items() if k != "storage"},
                        "title": demo.titles.get(f["name"], f["name"]),
                    }  # fmt: skip
                    for f in version.schema["fields"]
                ]
                actions.set_schema(
                    actor,
                    dataset,
                    {"fields": fields, "primaryKey": version.schema.get("primaryKey", [])},
                )
            if demo.slug == "diem-wifi-cong-cong" and version.status == "accepted":
                _rejected_upload(actor, dataset, folder)
            added.append(demo.slug)
    out(f"Bộ dữ liệu mẫu / demo datasets: {len(added)} {'mới / new' if added else ''}")
