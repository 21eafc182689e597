"""The units pages."""

import pytest

pytestmark = pytest.mark.django_db


def test_units_page_lists_communes_and_says_cells_are_approximate(client):
    html = client.get("/units/").content.decode()
    assert "Xã, phường của Tỉnh Tây Ninh" in html
    assert "ô gần đúng" in html
    assert "Phường Tân An" in html
    assert 'data-geojson="/api/units/provinces/80/communes.geojson"' in html


def test_units_search_without_accents_returns_the_table_to_htmx(client):
    response = client.get("/units/", {"q": "tan an"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "Phường Tân An" in html
    assert "Xã Hưng Điền" not in html


def test_convert_page_shows_the_new_commune(client):
    html = client.get(
        "/units/convert/", {"province": "Long An", "district": "TP Tân An", "ward": "P.6"}
    ).content.decode()
    assert "Phường Long An" in html
    assert "27694" in html


def test_convert_page_explains_what_was_not_recognised(client):
    html = client.get("/units/convert/", {"province": "Long An", "ward": "P.66"}).content.decode()
    assert 'role="alert"' in html
    assert "Không nhận ra xã, phường “P.66”" in html
    assert 'value="P.66"' in html  # the input is kept


def test_units_page_query_count_is_pinned(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        assert client.get("/units/").status_code == 200
