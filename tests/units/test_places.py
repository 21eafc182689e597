"""Places named in free text, the 2025 way or the old way, accents or not."""

import pytest

from tinhso.units.places import find_commune

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "old"),
    [
        (
            "Đèn đường hỏng ở xã Lộc Ninh huyện Dương Minh Châu",
            ("Tây Ninh", "huyện Dương Minh Châu", "xã Lộc Ninh"),
        ),
        (
            "den duong hong o xa loc ninh huyen duong minh chau",
            ("Tây Ninh", "huyện Dương Minh Châu", "xã Lộc Ninh"),
        ),
        (
            "Ngập nước trước chợ phường 1 thành phố Tây Ninh",
            ("Tây Ninh", "thành phố Tây Ninh", "phường 1"),
        ),
        ("ngap nuoc o phuong 1 tp tan an", ("Long An", "thành phố Tân An", "phường 1")),
    ],
)
def test_an_old_ward_named_in_text_becomes_its_2025_commune(province, text, old):
    from tinhso.units.lookup import index

    expected = index().convert(*old).default.code
    place = find_commune(text, province)
    assert place is not None, text
    assert place.commune.code == expected


def test_a_2025_commune_is_found_without_accents(province):
    commune = province.communes.order_by("code").first()
    from tinhso.core.text import fold

    place = find_commune(f"rac thai o {fold(commune.name)} lau ngay", province)
    assert place is not None and place.commune == commune and place.old_name == ""


def test_no_place_named_is_no_guess(province):
    assert find_commune("Mất điện từ sáng đến giờ chưa có lại.", province) is None
