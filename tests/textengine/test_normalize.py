"""Normalisation: real strings as people type them."""

import pytest

from tinhso.textengine.normalize import expand_abbreviations, fold, normalize, unify_tones


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoà", "hòa"),
        ("Hoà Bình", "Hòa Bình"),
        ("thuý", "thúy"),
        ("khoẻ", "khỏe"),
        ("THUỶ LỢI", "THỦY LỢI"),
        ("hoạ sĩ", "họa sĩ"),
        ("tuỳ", "tùy"),
    ],
)
def test_old_tone_placement_becomes_the_new_one(old, new):
    assert unify_tones(old) == new


@pytest.mark.parametrize("word", ["quý", "quả", "hoàng", "khuya", "thuyền", "hòa", "Quý"])
def test_words_where_both_styles_agree_are_left_alone(word):
    assert unify_tones(word) == word


def test_decomposed_input_comes_out_composed():
    decomposed = "Ho\u0300a"  # "Hoà" typed with a combining grave accent
    assert unify_tones(decomposed) == "Hòa"
    assert normalize("Tân An") == normalize("Ta\u0302n An") == "tân an"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("đèn ko sáng", "đèn không sáng"),
        ("k dc", "không được"),
        ("đc chưa", "được chưa"),
        ("UBND phường", "ủy ban nhân dân phường"),
        ("CSGT ko có mặt", "cảnh sát giao thông không có mặt"),
        ("P.6 TP Tân An", "phường 6 thành phố tân an"),
        ("q. 1", "quận 1"),
        ("tp. hcm", "thành phố. hcm"),
    ],
)
def test_abbreviations_and_teen_code_are_written_out(typed, meant):
    assert expand_abbreviations(typed) == meant


def test_words_that_only_contain_an_abbreviation_are_kept():
    # "kho" and "tpa" are not "k" or "tp"; "ca" alone is "công an".
    assert normalize("kho hàng tpa") == "kho hàng tpa"


def test_normalize_drops_punctuation_and_spaces():
    assert normalize("  Mặt đường… có ổ gà!!!  (rất nguy hiểm) ") == (
        "mặt đường có ổ gà rất nguy hiểm"
    )


def test_fold_is_the_accent_free_search_key():
    assert fold("Tân An") == "tan an"
    assert fold("ĐƯỜNG Hùng Vương") == "duong hung vuong"
