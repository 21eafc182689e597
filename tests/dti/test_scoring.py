"""The arithmetic alone: published scores reproduced to the fourth decimal."""

from decimal import Decimal as D

import pytest

from tinhso.dti.scoring import (
    MAIN_INDICES,
    PILLARS,
    Part,
    PillarRule,
    Scheme,
    Score,
    ScoringError,
    merge,
    parse_value,
    places_up,
    published,
    rank_scores,
    score,
    what_if,
)

FOUNDATION = ["nhan_thuc_so", "the_che_so", "ha_tang_so", "nhan_luc_so", "an_toan_thong_tin_mang"]
SCHEME_922 = Scheme(
    "922",
    MAIN_INDICES,
    tuple(Part(code, code, D("0.1")) for code in FOUNDATION)
    + (
        Part("do_thi_thong_minh", "Đô thị thông minh", None, scored=False),
        Part("hoat_dong_chinh_quyen_so", "HĐCQS", D("0.2")),
        Part("hoat_dong_kinh_te_so", "HĐKTS", D("0.15")),
        Part("hoat_dong_xa_hoi_so", "HĐXHS", D("0.15")),
    ),
    (
        PillarRule(
            "CQS",
            "chinh_quyen_so",
            "CQS",
            members=(*FOUNDATION, "do_thi_thong_minh", "hoat_dong_chinh_quyen_so"),
        ),
    ),  # fmt: skip
)


def test_a_score_reproduces_da_nang_2022_under_922():
    # Đà Nẵng 2022, main indices as published at https://dti.gov.vn/xep-hang-2022:
    # 0.1·(1.0000+0.9000+0.8253+0.8487+0.7578) + 0.2·0.8575 + 0.15·0.7836 + 0.15·0.5197 = 0.8002
    foundation = ["1.0000", "0.9000", "0.8253", "0.8487", "0.7578"]
    values = dict(zip(FOUNDATION, map(D, foundation), strict=True))
    values |= {
        "hoat_dong_chinh_quyen_so": D("0.8575"),
        "hoat_dong_kinh_te_so": D("0.7836"),
        "hoat_dong_xa_hoi_so": D("0.5197"),
    }
    result = score(SCHEME_922, "TP. Đà Nẵng", values)
    assert result.dti == D("0.8002")
    # CQS = (100·(five foundation) + 200·HĐCQS) / 700 points; smart city counts 0 points.
    assert result.pillars["CQS"] == published(
        (D("433.18") + D("171.5")) / D("700")
    )  # fmt: skip
    assert result.contributions["hoat_dong_chinh_quyen_so"] == D("0.1715")
    assert "do_thi_thong_minh" not in result.contributions


def test_a_score_reproduces_bac_ninh_2020_under_1726():
    # Bắc Ninh 2020 (1726/QĐ-BTTTT): CQS 0.4449, KTS 0.3668, XHS 0.4052 → DTI 0.4096, from
    # https://en.dangcongsan.vn/bac-ninh-province-integration-and-development/bac-ninh-s-provincial-digital-transformation-index-ranked-third-nationwide-585850.html
    scheme = Scheme(
        "1726",
        PILLARS,
        (),
        (
            PillarRule("CQS", "chinh_quyen_so", "CQS", D("0.4")),
            PillarRule("KTS", "kinh_te_so", "KTS", D("0.3")),
            PillarRule("XHS", "xa_hoi_so", "XHS", D("0.3")),
        ),
    )
    values = {"chinh_quyen_so": D("0.4449"), "kinh_te_so": D("0.3668"), "xa_hoi_so": D("0.4052")}
    result = score(scheme, "Bắc Ninh", values)
    assert result.dti == D("0.4096")
    assert result.pillars == {"CQS": D("0.4449"), "KTS": D("0.3668"), "XHS": D("0.4052")}


def test_rounding_is_half_up_at_the_fourth_decimal():
    assert published(D("0.40955")) == D("0.4096")
    assert published(D("0.800175")) == D("0.8002")
    assert published(D("0.12344999")) == D("0.1234")


def test_missing_weights_are_refused_in_vietnamese():
    scheme = Scheme("405", MAIN_INDICES, (Part("nhan_thuc_so", "Nhận thức số", None),))
    with pytest.raises(ScoringError) as caught:
        score(scheme, "X", {"nhan_thuc_so": D("0.5")})
    # The message names the framework and each index without a weight (in the reader's
    # language; the index names are the framework's Vietnamese data).
    assert "405" in caught.value.message and "Nhận thức số" in caught.value.message


def test_equal_scores_share_a_rank_and_the_next_skips():
    # 2021: Thanh Hóa and Vĩnh Phúc both 12th at 0.4880, Hải Dương 14th (dti.gov.vn).
    ranked = rank_scores(
        [Score("Hải Dương", D("0.4843")), Score("Vĩnh Phúc", D("0.4880")),
         Score("Thanh Hóa", D("0.4880")), Score("Nam Định", D("0.4885"))]
    )  # fmt: skip
    assert [(s.key, s.rank) for s in ranked] == [
        ("Nam Định", 1), ("Thanh Hóa", 2), ("Vĩnh Phúc", 2), ("Hải Dương", 4)
    ]  # fmt: skip


def test_the_merger_rule_is_the_mean_of_the_former_provinces():
    # 2024: former Đà Nẵng 0.8335 and Quảng Nam 0.5803 → merged Đà Nẵng 0.7069, from
    # https://demo1022.hasontech.vn/?p=3843 (copy of an en.baodanang.vn article) and
    # https://vtcnews.vn/ha-noi-dan-dau-ca-nuoc-ve-chuyen-doi-so-cao-bang-dung-cuoi-bang-ar972306.html
    assert published(merge([{"dti": D("0.8335")}, {"dti": D("0.5803")}])["dti"]) == D("0.7069")


def test_merging_main_indices_then_scoring_equals_the_mean_of_the_scores():
    a = {code: D("0.8") for code in FOUNDATION} | {
        "hoat_dong_chinh_quyen_so": D("0.9"),
        "hoat_dong_kinh_te_so": D("0.7"),
        "hoat_dong_xa_hoi_so": D("0.6"),
    }
    b = {code: D("0.4") for code in FOUNDATION} | {
        "hoat_dong_chinh_quyen_so": D("0.5"),
        "hoat_dong_kinh_te_so": D("0.3"),
        "hoat_dong_xa_hoi_so": D("0.2"),
    }
    merged = score(SCHEME_922, "gộp", merge([a, b]))
    separate = (score(SCHEME_922, "a", a).dti + score(SCHEME_922, "b", b).dti) / 2
    assert merged.dti == published(separate) == D("0.5750")
    assert merge([a, b])["hoat_dong_chinh_quyen_so"] == D("0.7")


@pytest.mark.parametrize("raw", ["1.2", "-0.1", "abc", "NaN", ""])
def test_values_outside_zero_to_one_are_refused(raw):
    with pytest.raises(ValueError):
        parse_value(raw)


def test_a_vietnamese_decimal_comma_is_read():
    assert parse_value("0,8575") == D("0.8575")


def _da_nang_2022() -> dict:
    # Published main indices of Đà Nẵng 2022 (https://dti.gov.vn/xep-hang-2022); DTI 0.8002.
    foundation = ["1.0000", "0.9000", "0.8253", "0.8487", "0.7578"]
    return dict(zip(FOUNDATION, map(D, foundation), strict=True)) | {
        "hoat_dong_chinh_quyen_so": D("0.8575"),
        "hoat_dong_kinh_te_so": D("0.7836"),
        "hoat_dong_xa_hoi_so": D("0.5197"),
    }


def test_what_if_raises_the_heaviest_indices_first():
    # From Đà Nẵng's 2022 indices (0.8002) to its 2023 DTI, 0.8340 (baomoi.net.vn, see the
    # reference): digital-government activity (weight 0.2) up to 1, then the rest from the
    # first 0.15-weighted index.
    plan = what_if(SCHEME_922, _da_nang_2022(), D("0.8340"))
    assert plan.raises == {
        "hoat_dong_chinh_quyen_so": D("0.1425"),
        "hoat_dong_kinh_te_so": D("0.0352"),
    }
    assert plan.dti == D("0.8340") and plan.values["hoat_dong_chinh_quyen_so"] == 1
    # One step less on the second index would fall short: the raise is the smallest.
    short = _da_nang_2022() | {
        "hoat_dong_chinh_quyen_so": D("1"),
        "hoat_dong_kinh_te_so": D("0.7836") + D("0.0351"),
    }
    assert score(SCHEME_922, "x", short).dti < D("0.8340")
    # The same gain from a lower-weight foundation index costs more change.
    assert plan.total < D("0.033775") / D("0.1")


def test_what_if_says_when_a_target_is_out_of_reach():
    with pytest.raises(ScoringError):
        what_if(SCHEME_922, _da_nang_2022(), D("1.0001"))
    assert what_if(SCHEME_922, _da_nang_2022(), D("0.8002")).raises == {}


def test_places_up_finds_the_dti_of_the_place_to_reach():
    ranking = [Score("A", D("0.9")), Score("B", D("0.8")), Score("C", D("0.8")),
               Score("D", D("0.7")), Score("us", D("0.6"))]  # fmt: skip
    assert places_up(ranking, "us", 1) == D("0.7")
    assert places_up(ranking, "us", 2) == D("0.8")  # B and C share the 2nd place
    assert places_up(ranking, "us", 10) == D("0.9")
