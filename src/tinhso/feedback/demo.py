"""Demo step: the fields (lĩnh vực) with their routing, and a few hundred demo reports
spread over the province's real communes and the last two months, at every stage of the
workflow. Every report is marked demo; texts are written for the demo, not real
complaints."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from tinhso.agencies.models import Agency
from tinhso.core.actors import Actor
from tinhso.feedback import actions
from tinhso.feedback.calendar import deadline_for
from tinhso.feedback.models import Channel, Field, Report, Routing, Tier, TierDeadline
from tinhso.feedback.routing import responsible_agency
from tinhso.textengine.models import ClassifierVersion
from tinhso.units.models import Province

# (code, name, English name, parent code, tier, routing, agency code, requires contact,
#  keywords)
FIELDS = [
    (
        "trat-tu-do-thi",
        "Trật tự đô thị",
        "Urban order",
        None,
        Tier.SIMPLE,
        Routing.COMMUNE,
        None,
        False,
        "lấn chiếm, vỉa hè, lòng đường, buôn bán, bán hàng rong, quảng cáo, "
        "biển quảng cáo, tập kết vật liệu, đậu xe, trông giữ xe",
    ),
    (
        "giao-thong",
        "Giao thông, đường sá",
        "Traffic and roads",
        None,
        Tier.SIMPLE,
        Routing.AGENCY,
        "SXD",
        False,
        "ổ gà, ổ voi, mặt đường, hư hỏng, sụt lún, cầu, đèn tín "
        "hiệu, đèn giao thông, biển báo, ùn tắc, kẹt xe, đường",
    ),
    (
        "moi-truong",
        "Môi trường, rác thải",
        "Environment and waste",
        None,
        Tier.SIMPLE,
        Routing.COMMUNE,
        None,
        False,
        "rác, rác thải, xả rác, ô nhiễm, mùi hôi, hôi thối, khói, nước thải, kênh, mương, bụi",
    ),
    (
        "dien-nuoc",
        "Điện, nước",
        "Water and power supply",
        None,
        Tier.STANDARD,
        Routing.AGENCY,
        "SCT",
        False,
        "",
    ),
    (
        "cap-dien",
        "Cấp điện, chiếu sáng",
        "Power supply and lighting",
        "dien-nuoc",
        Tier.SIMPLE,
        Routing.AGENCY,
        "SCT",
        False,
        "mất điện, cúp điện, điện, trụ điện, dây điện, đèn đường, chiếu sáng",
    ),
    (
        "cap-thoat-nuoc",
        "Cấp, thoát nước",
        "Water supply and drainage",
        "dien-nuoc",
        Tier.SIMPLE,
        Routing.AGENCY,
        "SXD",
        False,
        "mất nước, cúp nước, nước sạch, vỡ ống, ngập, ngập nước, cống, thoát nước",
    ),
    (
        "an-ninh-trat-tu",
        "An ninh trật tự",
        "Public security",
        None,
        Tier.EMERGENCY,
        Routing.AGENCY,
        "CAT",
        False,
        "trộm, cướp, đánh nhau, gây rối, tụ tập, đua xe, cờ bạc, ma túy, tiếng ồn, karaoke",
    ),
    (
        "dat-dai-xay-dung",
        "Đất đai, xây dựng",
        "Land and construction",
        None,
        Tier.STANDARD,
        Routing.COMMUNE,
        None,
        False,
        "xây dựng trái phép, xây dựng, giấy phép xây dựng, "
        "lấn chiếm đất, đất, tranh chấp, sổ đỏ, quy hoạch",
    ),
    (
        "y-te",
        "Y tế",
        "Health",
        None,
        Tier.STANDARD,
        Routing.AGENCY,
        "SYT",
        False,
        "bệnh viện, trạm y tế, khám bệnh, thuốc, dịch bệnh, sốt xuất huyết, an toàn thực phẩm",
    ),
    (
        "giao-duc",
        "Giáo dục",
        "Education",
        None,
        Tier.STANDARD,
        Routing.AGENCY,
        "SGDDT",
        False,
        "trường, trường học, học sinh, giáo viên, học phí, lớp học",
    ),
    (
        "thu-tuc-hanh-chinh",
        "Thủ tục hành chính",
        "Administrative procedures",
        None,
        Tier.STANDARD,
        Routing.AGENCY,
        "VPUBND",
        True,
        "hồ sơ, thủ tục, giấy tờ, chứng thực, một cửa, trễ hẹn, cán bộ, dịch vụ công",
    ),
    ("khac", "Khác", "Other", None, Tier.STANDARD, Routing.COMMUNE, None, False, ""),
]

TEXTS = {
    "trat-tu-do-thi": [
        "Quán cà phê lấn chiếm vỉa hè {place}, người đi bộ phải xuống lòng đường.",
        "Xe tải tập kết vật liệu xây dựng chiếm lòng đường {place} nhiều ngày.",
        "Biển quảng cáo treo trái phép trên trụ điện {place}.",
    ],
    "giao-thong": [
        "Mặt đường {place} có ổ gà lớn, trời mưa đọng nước rất nguy hiểm.",
        "Đèn tín hiệu giao thông tại ngã tư {place} không hoạt động từ sáng.",
        "Đoạn đường {place} bị sụt lún, xe máy đi qua dễ té ngã.",
    ],
    "moi-truong": [
        "Rác thải tập kết bên đường {place} lâu ngày bốc mùi hôi thối.",
        "Người dân xả rác xuống kênh {place}, nước đen và ô nhiễm.",
        "Cơ sở sản xuất {place} xả khói bụi ra khu dân cư vào ban đêm.",
    ],
    "cap-dien": [
        "Đèn đường {place} không sáng hơn một tuần, buổi tối rất tối.",
        "Dây điện võng thấp qua đường {place}, xe tải dễ vướng.",
    ],
    "cap-thoat-nuoc": [
        "Khu vực {place} mất nước sạch hai ngày nay.",
        "Cống thoát nước {place} bị nghẹt, mưa xuống là ngập nước.",
    ],
    "an-ninh-trat-tu": [
        "Nhóm thanh niên tụ tập đua xe gây rối trên đường {place} lúc nửa đêm.",
        "Quán karaoke {place} hát lớn tiếng ồn quá khuya.",
    ],
    "dat-dai-xay-dung": [
        "Công trình xây dựng trái phép trên đất nông nghiệp {place}.",
        "Hộ dân lấn chiếm đất hành lang kênh {place} để xây dựng.",
    ],
    "y-te": [
        "Trạm y tế {place} thường đóng cửa sớm, người dân không khám bệnh được.",
        "Nhiều ca sốt xuất huyết ở {place}, đề nghị phun thuốc diệt muỗi.",
    ],
    "giao-duc": [
        "Trường học {place} thu thêm các khoản ngoài học phí không rõ ràng.",
        "Phòng học trường {place} xuống cấp, mái tôn bị dột.",
    ],
    "thu-tuc-hanh-chinh": [
        "Hồ sơ chứng thực của tôi nộp tại bộ phận một cửa {place} trễ hẹn hai tuần chưa có kết quả."
    ],
}
PLACES = [
    "gần chợ",
    "trước trường tiểu học",
    "đầu hẻm 12",
    "cạnh ủy ban",
    "khu phố 3",
    "ấp 2",
    "gần cầu",
    "đường tỉnh lộ",
    "khu dân cư mới",
    "gần bến xe",
]
ANSWERS = {
    "fixed": "Đơn vị đã kiểm tra thực tế và khắc phục xong. Cảm ơn người dân đã phản ánh.",
    "progress": "Đã cử cán bộ kiểm tra hiện trường, đang phối hợp xử lý.",
}
DEMO_REPORTS = 240
DEMO_DAYS = 150  # about five months of reports
# How often each agency answers on time, so that scorecards differ as they do in a real
# province; commune committees (UBND-…) and agencies not listed share the default.
PUNCTUALITY = {"CAT": 0.95, "SYT": 0.9, "SXD": 0.8, "SNNMT": 0.72, "SCT": 0.85, "STC": 0.88}
COMMUNE_PUNCTUALITY = 0.68
DEFAULT_PUNCTUALITY = 0.8
REOPEN_SHARE = 0.07
STALLED_SHARE = 0.03  # handled, then forgotten: open past their deadline


def build(actor: Actor, province: Province, out) -> None:
    agencies = {a.code: a for a in Agency.objects.all()}
    created = 0
    fields: dict[str, Field] = {f.code: f for f in Field.objects.all()}
    for order, (code, name, name_en, parent, tier, routing, agency, contact, keywords) in enumerate(
        FIELDS, start=1
    ):
        if code in fields:
            continue
        fields[code] = Field.objects.create(
            code=code,
            name=name,
            name_en=name_en,
            parent=fields.get(parent) if parent else None,
            tier=tier,
            routing=routing,
            agency=agencies.get(agency) if agency else None,
            requires_contact=contact,
            keywords=keywords,
            order=order * 10,
            is_demo=True,
        )
        created += 1
    for tier, days in ((Tier.EMERGENCY, 1), (Tier.SIMPLE, 3), (Tier.STANDARD, 5)):
        TierDeadline.objects.get_or_create(tier=tier, defaults={"working_days": days})
    out(f"Lĩnh vực / fields: {created} mới, {len(fields)} tổng cộng")

    if Report.objects.filter(is_demo=True).exists():
        out("Phản ánh mẫu / demo reports: đã có / already there")
        return
    rng = random.Random(80)  # noqa: S311 - demo data, not security
    communes = list(province.communes.exclude(lat=None))
    staff = Actor.system("demo")
    now = timezone.now()
    for i in range(DEMO_REPORTS):
        code = rng.choice(list(TEXTS))
        field = fields[code]
        commune = rng.choice(communes)
        place = f"{rng.choice(PLACES)}, {commune.name}"
        text = rng.choice(TEXTS[code]).format(place=place)
        # More reports lately than five months ago, as a new channel catches on.
        received = now - dt.timedelta(
            days=DEMO_DAYS * (1 - rng.random() ** 0.7), hours=rng.uniform(0, 8)
        )
        draft = actions.ReportDraft(
            text=text + " (dữ liệu mẫu)",
            channel=rng.choice(
                [Channel.WEB, Channel.WEB, Channel.HOTLINE, Channel.ZALO, Channel.OPEN311]
            ),
            field=field if rng.random() < 0.6 else None,
            commune=commune,
            lat=commune.lat + rng.uniform(-0.005, 0.005),
            lon=commune.lon + rng.uniform(-0.005, 0.005),
            place=place,
            reporter_phone=f"0900{i:06d}" if field.requires_contact or rng.random() < 0.5 else "",
            is_demo=True,
            received_at=received,
        )
        report, _ = actions.submit_report(staff, draft)
        _advance(staff, report, field, rng, age=now - received)
    out(f"Phản ánh mẫu / demo reports: {DEMO_REPORTS}")


def _advance(
    actor: Actor, report: Report, field: Field, rng: random.Random, age: dt.timedelta
) -> None:
    """Move a demo report along the workflow as far as its age allows, then date each step
    when it would have happened: accepted within a working day, answered on time or late
    as its agency tends to be, closed a few days later, now and then reopened."""
    now = timezone.now()
    received = report.received_at
    steps: list[tuple[str, dt.datetime]] = []
    if age < dt.timedelta(days=2) and rng.random() < 0.6:
        return  # still waiting for an operator
    checked = received + dt.timedelta(hours=rng.uniform(1, 20))
    if rng.random() < 0.04:
        actions.refuse_report(
            actor, report, reason="Nội dung chưa đủ thông tin để xác minh (dữ liệu mẫu)."
        )
        _date(report, [("refused", checked)])
        return
    if responsible_agency(field, report.commune) is None:
        return
    actions.accept_report(actor, report, field=field)
    steps.append(("accepted", checked))
    started = checked + dt.timedelta(hours=rng.uniform(2, 30))
    if started > now:
        _date(report, steps)
        return
    actions.start_report(actor, report)
    steps.append(("started", started))
    answered = _answer_time(report, rng, received)
    if answered > now or rng.random() < STALLED_SHARE:
        _date(report, steps)
        return
    actions.answer_report(actor, report, answer=ANSWERS["fixed"])
    steps.append(("answered", answered))
    closed = answered + dt.timedelta(days=rng.uniform(0.5, 4))
    if closed > now:
        _date(report, steps)
        return
    actions.close_report(actor, report, resolution="fixed")
    steps.append(("closed", closed))
    reopened = closed + dt.timedelta(days=rng.uniform(1, 6))
    if rng.random() < REOPEN_SHARE and reopened < now:
        actions.reopen_report(
            actor, report, reason="Đã sửa nhưng hư hỏng lại sau mấy ngày (dữ liệu mẫu)."
        )
        steps.append(("reopened", reopened))
        report.deadline = deadline_for(
            report.track, field.tier, reopened, accepted=True, complexity=report.complexity
        )
        again = _answer_time(report, rng, reopened)
        if again < now:
            actions.answer_report(
                actor, report, answer="Đã khắc phục lại và kiểm tra sau 3 ngày (dữ liệu mẫu)."
            )
            steps.append(("answered", again))
        _date(report, steps)
        return
    if rng.random() < 0.6:
        # Citizens rate a late answer lower.
        late = report.deadline is not None and answered > report.deadline
        rating = rng.choice([1, 2, 3, 3, 4] if late else [3, 4, 4, 5, 5, 5])
        actions.rate_report(actor, report, rating=rating)
        steps.append(("rated", closed + dt.timedelta(hours=rng.uniform(1, 48))))
    _date(report, steps)


def _answer_time(report: Report, rng: random.Random, start: dt.datetime) -> dt.datetime:
    """When the agency answers: within the deadline as often as it usually manages."""
    code = report.agency.code if report.agency else ""
    share = (
        COMMUNE_PUNCTUALITY
        if code.startswith("UBND-")
        else PUNCTUALITY.get(code, DEFAULT_PUNCTUALITY)
    )
    span = (report.deadline or start + dt.timedelta(days=5)) - start
    if rng.random() < share:
        return start + span * rng.uniform(0.3, 0.95)
    return start + span * rng.uniform(1.1, 2.5)


def _date(report: Report, steps: list[tuple[str, dt.datetime]]) -> None:
    """Put the demo report's steps at the times chosen for them (the actions stamp them
    with the moment the demo is built): its events, in order, and its own dates."""
    from tinhso.feedback.models import ReportEvent

    pending = list(steps)
    for event in ReportEvent.objects.filter(report=report).order_by("id"):
        match = next((i for i, (kind, _at) in enumerate(pending) if kind == event.kind), None)
        if match is not None:
            at = pending.pop(match)[1]
        elif event.kind == "received":
            at = report.received_at
        else:
            at = report.received_at + dt.timedelta(minutes=1)
        ReportEvent.objects.filter(pk=event.pk).update(at=at)
    times = dict(steps)  # the last of each kind
    Report.objects.filter(pk=report.pk).update(
        accepted_at=times.get("accepted"),
        answered_at=times.get("answered") if report.answered_at else None,
        closed_at=times.get("closed") if report.closed_at else None,
        deadline=report.deadline,
    )


def seed_classifier(actor: Actor, province: Province, out) -> None:
    """Demo step: a seed field classifier, trained on the demo reports that the demo's
    operators confirmed (demo texts, labelled as demo)."""
    from tinhso.feedback.training import PURPOSE, NotEnoughExamples, train_from_history

    if ClassifierVersion.objects.filter(purpose=PURPOSE).exists():
        out("Bộ phân loại / classifier: đã có / already there")
        return
    try:
        version = train_from_history(actor, is_demo=True)
    except NotEnoughExamples as exc:
        out(exc.message)
        return
    out(
        f"Bộ phân loại mẫu / seed classifier: {version.summary['examples']} ví dụ / examples, "
        f"macro-F1 {version.macro_f1}"
    )
