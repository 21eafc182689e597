"""Demo step: the province's real agency structure (the departments every province has
under Decree 45/2025/NĐ-CP, the provincial police, and a People's Committee for each real
commune) and one demo account per role. Contacts are left empty rather than invented."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from django.conf import settings

from tinhso.agencies import actions
from tinhso.agencies.models import Agency, AgencyKind, Role, User
from tinhso.core.actors import Actor
from tinhso.units.models import Province


def credentials_path() -> Path:
    return Path(settings.DATA_DIR) / "demo-credentials.json"


def demo_password() -> str:
    """The demo accounts' password: generated once per data folder and kept there, so
    running the demo again prints the same one."""
    path = credentials_path()
    if path.exists():
        return json.loads(path.read_text())["password"]
    password = "demo-" + secrets.token_urlsafe(9)
    path.write_text(json.dumps({"password": password}))
    path.chmod(0o600)
    return password


def is_demo_installation() -> bool:
    """True when `tinhso demo` has created agencies here; pages then say so."""
    return Agency.objects.filter(is_demo=True).exists()


# (code, name, kind) — Decree 45/2025/NĐ-CP, art. 9: the specialised agencies of every
# province, plus the provincial police, which receives citizens' reports too.
PROVINCIAL_AGENCIES = [
    ("VPUBND", "Văn phòng Ủy ban nhân dân", AgencyKind.PEOPLES_COMMITTEE_OFFICE),
    ("SNV", "Sở Nội vụ", AgencyKind.DEPARTMENT),
    ("STP", "Sở Tư pháp", AgencyKind.DEPARTMENT),
    ("STC", "Sở Tài chính", AgencyKind.DEPARTMENT),
    ("SCT", "Sở Công Thương", AgencyKind.DEPARTMENT),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", AgencyKind.DEPARTMENT),
    ("SXD", "Sở Xây dựng", AgencyKind.DEPARTMENT),
    ("SKHCN", "Sở Khoa học và Công nghệ", AgencyKind.DEPARTMENT),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", AgencyKind.DEPARTMENT),
    ("SGDDT", "Sở Giáo dục và Đào tạo", AgencyKind.DEPARTMENT),
    ("SYT", "Sở Y tế", AgencyKind.DEPARTMENT),
    ("TTT", "Thanh tra", AgencyKind.INSPECTORATE),
    ("CAT", "Công an", AgencyKind.POLICE),
]

# (user name, full name, agency code or "COMMUNE" for the centre's commune, roles)
DEMO_USERS = [
    ("demo.admin", "Quản trị hệ thống (demo)", "SKHCN", [Role.ADMINISTRATOR]),
    ("demo.operator", "Điện thoại viên 1022 (demo)", "VPUBND", [Role.OPERATOR]),
    ("demo.supervisor", "Giám sát xử lý phản ánh (demo)", "VPUBND", [Role.SUPERVISOR]),
    ("demo.leader", "Lãnh đạo UBND tỉnh (demo)", "VPUBND", [Role.LEADER]),
    ("demo.handler", "Chuyên viên Sở Xây dựng (demo)", "SXD", [Role.HANDLER]),
    ("demo.commune", "Cán bộ UBND cấp xã (demo)", "COMMUNE", [Role.HANDLER]),
    ("demo.steward", "Quản trị dữ liệu Sở KH&CN (demo)", "SKHCN", [Role.DATA_STEWARD]),
]


def _suffix(province: Province) -> str:
    kind = "thành phố" if province.kind == "thanh_pho" else "tỉnh"
    return f" {kind} {province.short_name}"


def build(actor: Actor, province: Province, out) -> None:
    existing = set(Agency.objects.values_list("code", flat=True))
    created = 0
    for code, name, kind in PROVINCIAL_AGENCIES:
        if code in existing:
            continue
        full = name + _suffix(province)
        actions.create_agency(
            actor, code=code, name=full, short_name=name, kind=kind, province=province, is_demo=True
        )
        created += 1
    parent = Agency.objects.get(code="VPUBND")
    for commune in province.communes.order_by("code"):
        code = f"UBND-{commune.code}"
        if code in existing:
            continue
        actions.create_agency(
            actor,
            code=code,
            name=f"Ủy ban nhân dân {commune.name}",
            short_name=f"UBND {commune.short_name}",
            kind=AgencyKind.COMMUNE_COMMITTEE,
            province=province,
            commune=commune,
            is_demo=True,
        )
        created += 1
    out(
        f"Cơ quan / agencies: {created} mới, {Agency.objects.count()} tổng cộng "
        f"(trực thuộc {parent.name})"
    )

    centre = _centre_commune(province)
    password = demo_password()
    made = []
    for username, full_name, agency_code, roles in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        agency_code = f"UBND-{centre.code}" if agency_code == "COMMUNE" else agency_code
        is_admin = Role.ADMINISTRATOR in roles
        actions.create_user(
            actor,
            username=username,
            password=password,
            roles=roles,
            full_name=full_name,
            agency=Agency.objects.get(code=agency_code),
            is_demo=True,
            is_staff=is_admin,
            is_superuser=is_admin,
        )
        made.append(username)
    out(f"Tài khoản demo / demo accounts: {len(made)} mới")


def _centre_commune(province: Province):
    """The commune nearest the province's centre point (its administrative centre)."""
    communes = list(province.communes.exclude(lat=None).exclude(lon=None))
    lat, lon = province.lat, province.lon
    if lat is None or lon is None or not communes:
        return province.communes.order_by("code").first()
    return min(communes, key=lambda c: ((c.lat or 0.0) - lat) ** 2 + ((c.lon or 0.0) - lon) ** 2)
