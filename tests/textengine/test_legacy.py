"""Legacy Vietnamese encodings: samples encoded here, read back, detected; text that a
legacy font left as Windows-1252 characters repaired."""

import pytest

from tinhso.textengine import legacy

SAMPLE = (
    "Người dân phường Tân An phản ánh: ĐƯỜNG HÙNG VƯƠNG ngập nước, ổ gà lớn; Ủy ban xử lý "
    "chậm. Quý, Thủy, Ỷ, ỵ, ậ, Ẫ, khuya, thuyền, nghiêng, Đắk Lắk."
)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "viscii", "cp1258"])
def test_each_legacy_encoding_is_detected_and_read(encoding):
    data = legacy.encode_as(SAMPLE, encoding)
    assert data != SAMPLE.encode("utf-8")
    text, detected = legacy.decode(data)
    assert detected == encoding
    assert text == SAMPLE


def test_utf8_stays_utf8_with_or_without_a_bom():
    assert legacy.decode(SAMPLE.encode("utf-8")) == (SAMPLE, "utf-8")
    assert legacy.decode(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"))[0] == SAMPLE


def test_known_spellings_of_the_old_fonts():
    # How "Tiếng Việt rất hay" looks in a VNI and in a TCVN3 (.VnTime) document.
    assert legacy.encode_as("Tiếng Việt rất hay", "vni") == "Tieáng Vieät raát hay".encode("cp1252")
    assert legacy.encode_as("Tiếng Việt rất hay", "tcvn3") == "TiÕng ViÖt rÊt hay".encode("cp1252")


@pytest.mark.parametrize(
    ("seen", "meant"),
    [
        ("Tieáng Vieät raát hay", "Tiếng Việt rất hay"),
        ("Xin chaøo caùc baïn", "Xin chào các bạn"),
        ("TiÕng ViÖt rÊt hay", "Tiếng Việt rất hay"),
        ("Ng\xadêi d©n ph¶n ¸nh", "Người dân phản ánh"),
        ("Ngöôøi daân phaûn aùnh", "Người dân phản ánh"),
    ],
)
def test_text_left_in_a_legacy_font_is_repaired(seen, meant):
    assert legacy.fix_text(seen) == meant


@pytest.mark.parametrize("text", ["Người dân phản ánh", "Café Paris", "Quốc lộ 22", "ABC 123"])
def test_good_text_is_left_alone(text):
    assert legacy.fix_text(text) == text


def test_characters_an_encoding_lacks_are_refused():
    with pytest.raises(UnicodeEncodeError):
        legacy.encode_as("東京", "tcvn3")
