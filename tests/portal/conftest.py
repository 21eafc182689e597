"""Datasets the portal's tests read: open ones with data (one with a place), one shared
and one private, beside the demo province's own."""

from __future__ import annotations

import pytest

from tinhso.agencies.models import Agency
from tinhso.warehouse import actions
from tinhso.warehouse.models import Access

SCHOOLS = (
    "ma,ten,xa,so_hoc_sinh,kinh_do,vi_do\n"
    "TH001,Tiểu học Tân An,Phường Tân An,812,106.10,11.30\n"
    "TH002,Tiểu học Bến Cầu,Xã Bến Cầu,455,106.20,11.20\n"
    "TH003,Tiểu học Hòa Thành,Phường Tân An,120,106.15,11.31\n"
    "TH004,THCS Hòa Thành,Phường Hòa Thành,1204,,\n"
)
BUDGET = "nam,khoan_chi,so_tien\n2024,Giáo dục,1200\n2025,Y tế,900\n"


@pytest.fixture
def portal_data(system, tmp_path):
    """{name: Dataset}: `truong-ckan` (open, with a place), `ngan-sach-ckan` (open, no
    place), `chia-se-ckan` (shared with every agency), `rieng-ckan` (private to SKHCN)."""
    skhcn = Agency.objects.get(code="SKHCN")
    sxd = Agency.objects.get(code="SXD")
    specs = [
        (
            "truong-ckan",
            "Trường học phổ thông",
            skhcn,
            Access.OPEN,
            ["giáo dục", "trường"],
            ["EDUC"],
            SCHOOLS,
        ),
        ("ngan-sach-ckan", "Chi ngân sách tỉnh", sxd, Access.OPEN, ["ngân sách"], ["ECON"], BUDGET),
        ("chia-se-ckan", "Dữ liệu chia sẻ", sxd, Access.SHARED, [], ["GOVE"], BUDGET),
        ("rieng-ckan", "Dữ liệu riêng", skhcn, Access.PRIVATE, [], [], BUDGET),
    ]
    found = {}
    for slug, title, owner, level, tags, themes, table in specs:
        dataset = actions.create_dataset(
            system,
            slug=slug,
            title=title,
            owner=owner,
            access=level,
            tags=tags,
            themes=themes,
            description=f"Mô tả của {title.lower()}.",
        )
        path = tmp_path / f"{slug}.csv"
        path.write_text(table, encoding="utf-8")
        actions.add_version(system, dataset, path)
        found[slug] = dataset
    return found


@pytest.fixture(autouse=True)
def _fresh_search_entries():
    """A rolled-back test leaves this process believing its entries are fresh."""
    from tinhso.portal import index

    index.forget()
    yield
    index.forget()
