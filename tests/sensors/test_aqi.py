"""VN_AQI per Decision 1459/QĐ-TCMT, with the decision's own worked samples."""

from __future__ import annotations

import pytest

from tinhso.sensors import aqi


def test_pm25_nowcast_of_the_decisions_sample():
    # Section 2.3.a: hourly PM2.5 from 09:00 to 20:00, newest first.
    hours = [20.6, 19.6, 22.4, 20.3, 16.5, 19.0, 16.5, 19.5, 23.5, 20.5, 24.7, 26.9]
    # w* = Cmin/Cmax = 16.5/26.9 = 0.6134 > 1/2, so w = 0.6134.
    # NowCast = Σ w^(i-1)·c_i / Σ w^(i-1) = 52.2695 / 2.5792 = 20.27 µg/m³ (printed 20.3).
    assert aqi.nowcast(hours) == pytest.approx(20.266, abs=0.001)
    # Segment 0–25 µg/m³ → 0–50: AQI = 50/25 × 20.27 = 40.53 → 41.
    result = aqi.hourly({}, {"pm25": hours})
    assert (result.value, result.pollutant, result.band.level) == (41, "pm25", "good")


def test_nowcast_weight_is_clamped_at_one_half():
    # c1 = 80, then eleven hours of 20: w* = 20/80 = 0.25 ≤ 1/2, so w = 1/2.
    # NowCast = (80 + 20·(1/2 + … + (1/2)^11)) / (1 + 1/2 + … + (1/2)^11)
    #         = 99.990 / 1.9995 = 50.007 µg/m³.
    hours = [80.0] + [20.0] * 11
    assert aqi.nowcast(hours) == pytest.approx(50.007, abs=0.001)
    # Segment 50–80 → 100–150: 100 + 50/30 × 0.007 = 100.01 → 100, "Trung bình".
    assert aqi.hourly({}, {"pm25": hours}).value == 100
    assert aqi.hourly({}, {"pm25": hours}).band.colour == "#ffff00"


def test_nowcast_needs_two_of_the_three_latest_hours():
    assert aqi.nowcast([None, None, 30.0] + [30.0] * 9) is None
    # A missing older hour weighs nothing: the rest stay normalised.
    assert aqi.nowcast([30.0, None, 30.0] + [None] * 9) == pytest.approx(30.0)


def test_hourly_aqi_of_the_decisions_sample_is_the_largest_sub_index():
    # Section 2.3.b: O3 136.1 → 50/160 × 136.1 = 42.53 → 43;
    # NO2 118.7 → 50 + 50/100 × 18.7 = 59.35 → 59 (the decision prints 60, an erratum);
    # PM2.5 NowCast 20.3 → 40.6 → 41.
    result = aqi.combine(
        {
            "o3": aqi.sub_index("o3_1h", 136.1),
            "no2": aqi.sub_index("no2", 118.7),
            "pm25": aqi.sub_index("pm25", 20.3),
        }
    )
    assert result.sub_indices == {"o3": 43, "no2": 59, "pm25": 41}
    assert (result.value, result.pollutant) == (59, "no2")


def test_daily_aqi_of_the_decisions_sample():
    # Section 2.3.c: O3 8 h 89.3 → 44.65 → 45, O3 1 h 114.6 → 35.81 → 36: O3 = 45;
    # NO2 130.8 → 50 + 0.5 × 30.8 = 65.4 → 65; PM2.5 55.7 → 100 + 50/30 × 5.7 = 109.5 → 110.
    result = aqi.daily(
        pm_means={"pm25": 55.7}, max_hourly={"o3": 114.6, "no2": 130.8}, o3_max_8h=89.3
    )
    assert result.sub_indices == {"pm25": 110, "no2": 65, "o3": 45}
    assert (result.value, result.band.level, result.band.colour) == (
        110,
        "unhealthyForSensitiveGroups",
        "#ff7e00",
    )


def test_no_aqi_without_particulate_matter():
    assert aqi.hourly({"o3": 100.0, "no2": 50.0}, {}) is None


@pytest.mark.parametrize(
    ("value", "level", "colour"),
    [
        (0, "good", "#00e400"),
        (50, "good", "#00e400"),
        (51, "moderate", "#ffff00"),
        (150, "unhealthyForSensitiveGroups", "#ff7e00"),
        (151, "unhealthy", "#ff0000"),
        (201, "veryUnhealthy", "#8f3f97"),
        (301, "hazardous", "#7e0023"),
        (500, "hazardous", "#7e0023"),
    ],
)
def test_bands_and_colours(value, level, colour):
    band = aqi.band_of(value)
    assert (band.level, band.colour) == (level, colour)


def test_above_the_table_the_index_is_capped_and_8h_ozone_is_not_computed():
    assert aqi.sub_index("pm25", 800) == 500
    assert aqi.sub_index("o3_8h", 450) is None
    # Rounded half up, not to even: 112.5 → 113 (PM2.5 at 57.5 µg/m³).
    assert aqi.combine({"pm25": aqi.sub_index("pm25", 57.5)}).value == 113
