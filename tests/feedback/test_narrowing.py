"""Drilling from a figure to the reports behind it: the public list and the staff queue
narrowed to a commune (and a field), said as chips that can be removed."""

import pytest

from tinhso.agencies.models import User
from tinhso.core.actors import Actor
from tinhso.feedback import actions
from tinhso.feedback.models import Field
from tinhso.units.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_communes(new_report, tan_an):
    """Accepted (public) reports: two in Tân An about traffic, one elsewhere about the
    environment."""
    operator = Actor.for_user(User.objects.get(username="demo.operator"))
    other = Commune.objects.exclude(pk=tan_an.pk).order_by("code").first()
    traffic = Field.objects.get(code="giao-thong")
    environment = Field.objects.get(code="moi-truong")
    made = []
    for commune, field, text in [
        (tan_an, traffic, "Đèn tín hiệu giao thông ở ngã tư bị hỏng từ hôm qua, rất nguy hiểm."),
        (tan_an, traffic, "Ổ gà lớn giữa đường gây tai nạn cho người đi xe máy ban đêm."),
        (other, environment, "Rác thải tập kết bên đường lâu ngày bốc mùi hôi thối."),
    ]:
        # a location near the province's centre: the commune given wins for the filter
        report = new_report(text=text, commune=commune, lat=10.54, lon=106.41)
        agency = User.objects.get(username="demo.handler").agency  # whoever: not the point
        made.append(actions.accept_report(operator, report, field=field, agency=agency))
    return made, other


def codes(html: str, reports) -> set[str]:
    return {r.code for r in reports if r.code in html}


def test_the_public_list_narrows_to_a_commune(client, two_communes, tan_an):
    made, other = two_communes
    html = client.get(f"/feedback/?commune={tan_an.code}").content.decode()
    assert codes(html, made) == {made[0].code, made[1].code}
    # the chip names the commune and its link drops only the commune
    assert 'class="chip"' in html and tan_an.name in html
    assert f'name="commune" value="{tan_an.code}"' in html  # kept by the field/state form
    everything = client.get("/feedback/").content.decode()
    assert codes(everything, made) == {r.code for r in made}
    assert 'class="chip"' not in everything


def test_the_public_map_narrows_with_the_list(client, two_communes, tan_an):
    made, other = two_communes
    features = client.get(f"/feedback/map.geojson?commune={other.code}").json()["features"]
    shown = {f["properties"]["code"] for f in features}
    assert shown == {made[2].code}


def test_the_staff_queue_narrows_to_a_commune_and_a_field(supervisor, two_communes, tan_an):
    made, other = two_communes
    page = supervisor.get(f"/feedback/queue/?scope=all&commune={other.code}").content.decode()
    assert codes(page, made) == {made[2].code}
    page = supervisor.get(
        f"/feedback/queue/?scope=all&commune={tan_an.code}&field=moi-truong"
    ).content.decode()
    assert codes(page, made) == set()
    page = supervisor.get(
        f"/feedback/queue/?scope=all&commune={tan_an.code}&field=giao-thong"
    ).content.decode()
    assert codes(page, made) == {made[0].code, made[1].code}
    assert page.count('class="chip"') == 2


def test_an_unknown_commune_shows_nothing_and_says_so(client, two_communes):
    made, _other = two_communes
    html = client.get("/feedback/?commune=99999").content.decode()
    assert codes(html, made) == set()
    assert "99999" in html
