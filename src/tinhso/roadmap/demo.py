"""Demo step: a roadmap of digital transformation (marked as demo) with tasks across the
demo agencies and communes, dated around today so that some are overdue, some done, and
monthly progress reports sent, approved, returned and waiting."""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import timezone

from tinhso.agencies.models import Agency, User
from tinhso.core.actors import Actor
from tinhso.dti.models import MainIndex
from tinhso.ioc.models import Indicator
from tinhso.roadmap import actions
from tinhso.roadmap.models import Plan, TaskStatus

PLAN_NAME = "Kế hoạch chuyển đổi số của tỉnh (demo)"

# (title, goal, owner, co-operating, communes (how many, from which), start and due
#  (months from this month), budget in million VND, status, progress, indicators,
#  evidence of completion)
TASKS = [
    ("Phủ cáp quang băng rộng đến hộ gia đình các xã vùng sâu",
     "Đưa tỷ lệ hộ có cáp quang lên 70% cùng các doanh nghiệp viễn thông.",
     "SKHCN", ["SXD"], (0, 3), -10, 8, 12_500, TaskStatus.IN_PROGRESS, 30, ["ho-cap-quang"], ""),
    ("Phổ cập điện thoại thông minh qua Tổ công nghệ số cộng đồng",
     "Hỗ trợ người dân, nhất là người cao tuổi, sở hữu và sử dụng điện thoại thông minh.",
     "SKHCN", ["SNV"], (2, 4), -12, -1, 3_000, TaskStatus.IN_PROGRESS, 70,
     ["dien-thoai-thong-minh"], ""),
    ("Nâng tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến toàn trình",
     "Hồ sơ trực tuyến đạt 80% (QĐ 766/QĐ-TTg).",
     "VPUBND", ["SNV", "STP"], (0, 0), -8, 6, 1_800, TaskStatus.IN_PROGRESS, 55,
     ["ho-so-truc-tuyen"], ""),
    ("Xây dựng đề án phát triển kinh tế số của tỉnh",
     "Kinh tế số đạt 15% GRDP; trình UBND tỉnh phê duyệt đề án.",
     "STC", ["SCT", "SKHCN"], (0, 0), -6, -2, 900, TaskStatus.NOT_STARTED, 0,
     ["kinh-te-so-grdp"], ""),
    ("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực",
     "Số hóa 100% kết quả giải quyết TTHC còn hiệu lực để tái sử dụng dữ liệu.",
     "SNV", ["STP"], (0, 0), -14, -3, 2_400, TaskStatus.DONE, 100, ["ho-so-truc-tuyen"],
     "Báo cáo kết quả số hóa của Sở Nội vụ"),
    ("Lắp camera giám sát giao thông tại các nút giao trọng điểm",
     "Kết nối hình ảnh camera về Trung tâm điều hành thông minh.",
     "CAT", ["SXD"], (1, 2), -5, 4, 8_700, TaskStatus.IN_PROGRESS, 20, [], ""),
    ("Phủ sóng Wi-Fi công cộng tại trung tâm các xã",
     "Mỗi trung tâm xã có điểm Wi-Fi công cộng miễn phí.",
     "SKHCN", [], (0, 4), -3, 9, 1_200, TaskStatus.IN_PROGRESS, 15, [], ""),
    ("Triển khai học bạ số tại các trường trung học",
     "Học bạ số cho 100% trường trung học phổ thông.",
     "SGDDT", ["SKHCN"], (0, 0), -9, 3, 650, TaskStatus.PAUSED, 40, [], ""),
    ("Hồ sơ sức khỏe điện tử cho người dân",
     "Hồ sơ sức khỏe điện tử kết nối với ứng dụng VNeID.",
     "SYT", ["CAT"], (3, 2), -7, 5, 4_100, TaskStatus.IN_PROGRESS, 35, [], ""),
    ("Thanh toán không dùng tiền mặt tại các chợ truyền thống",
     "Mỗi chợ có ít nhất một nửa tiểu thương nhận thanh toán qua mã QR.",
     "SCT", ["STC"], (1, 3), -4, -1, None, TaskStatus.NOT_STARTED, 0, ["kinh-te-so-grdp"], ""),
]  # fmt: skip

# The 405/QĐ-BKHCN main indices each demo task should move, by task number.
MAIN_INDICES = {
    0: ["ha_tang_so"],
    1: ["nhan_luc_so", "hoat_dong_xa_hoi_so"],
    2: ["hoat_dong_chinh_quyen_so"],
    3: ["the_che_so", "hoat_dong_kinh_te_so"],
    4: ["hoat_dong_chinh_quyen_so"],
    5: ["ha_tang_so"],
    6: ["ha_tang_so", "hoat_dong_xa_hoi_so"],
    7: ["hoat_dong_xa_hoi_so"],
    8: ["hoat_dong_xa_hoi_so"],
    9: ["hoat_dong_kinh_te_so"],
}
DTI_FRAMEWORK = "405"

# (task number, months from this month, progress, text, decision: approve/return/None)
REPORTS = [
    (0, -2, 25, "Kéo cáp quang đến 1.200 hộ tại hai xã.", "approve"),
    (0, -1, 30, "Thêm 400 hộ; một doanh nghiệp chậm tiến độ.", "approve"),
    (1, -1, 70, "Tổ công nghệ số cộng đồng hướng dẫn 3.500 người.", "approve"),
    (2, -1, 55, "Rà soát và đưa thêm 120 thủ tục lên Cổng dịch vụ công.", "approve"),
    (5, -1, 20, "Đã khảo sát vị trí lắp đặt.", "return"),
    (8, -1, 35, "Đã cấp hồ sơ sức khỏe điện tử cho 40% dân số.", None),
    (6, 0, 15, "Lắp đặt xong điểm Wi-Fi tại hai trung tâm xã.", None),
]


def _month(offset: int, today: dt.date) -> dt.date:
    index = today.year * 12 + today.month - 1 + offset
    return dt.date(index // 12, index % 12 + 1, 1)


def _end_of_month(offset: int, today: dt.date) -> dt.date:
    first = _month(offset, today)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _reporter(actor: Actor, owner: Agency) -> Actor:
    """A demo account of the owner agency sends its reports, when there is one."""
    user = (
        User.objects.filter(agency=owner, is_demo=True, is_active=True)
        .exclude(role_assignments__role="administrator")
        .first()
    )
    return Actor.for_user(user) if user else actor


def build(actor: Actor, province, out) -> None:
    if Plan.objects.filter(is_demo=True).exists():
        return
    today = timezone.localdate()
    agencies = {a.code: a for a in Agency.objects.filter(province=province)}
    communes = list(province.communes.order_by("code"))
    indicators = {i.code: i for i in Indicator.objects.all()}
    main_indices = {m.code: m for m in MainIndex.objects.filter(framework__code=DTI_FRAMEWORK)}
    plan = actions.create_plan(
        actor,
        name=PLAN_NAME,
        period_start=dt.date(today.year - 1, 1, 1),
        period_end=dt.date(today.year + 4, 12, 31),
        is_demo=True,
    )
    tasks = []
    for number, (title, goal, owner, co, (first, count), start, due, budget, status, progress,
                 codes, evidence) in enumerate(TASKS):  # fmt: skip
        if owner not in agencies:
            continue
        tasks.append(
            actions.create_task(
                actor,
                plan,
                title=title,
                goal=goal,
                owner=agencies[owner],
                co_agencies=[agencies[c] for c in co if c in agencies],
                communes=communes[first : first + count],
                indicators=[indicators[c] for c in codes if c in indicators],
                main_indices=[
                    main_indices[c] for c in MAIN_INDICES.get(number, []) if c in main_indices
                ],
                start=_month(start, today),
                due=_end_of_month(due, today),
                budget=budget * 1_000_000 if budget is not None else None,
                status=status,
                progress=progress,
                evidence_text=evidence,
                evidence_url="https://example.org/bao-cao-mau" if evidence else "",
                is_demo=True,
            )
        )
    secretariat = User.objects.filter(username="demo.supervisor").first()
    decider = Actor.for_user(secretariat) if secretariat else actor
    reports = 0
    for number, month, progress, text, decision in REPORTS:
        if number >= len(tasks):
            continue
        task = tasks[number]
        report = actions.submit_report(
            _reporter(actor, task.owner),
            task,
            month=_month(month, today),
            progress=progress,
            text=text,
            evidence_link="https://example.org/bao-cao-mau",
        )
        reports += 1
        if decision:
            note = "" if decision == "approve" else "Bổ sung ảnh chụp hiện trường làm minh chứng."
            actions.decide_report(decider, report, approve=decision == "approve", note=note)
    out(f"Lộ trình / roadmap: {len(tasks)} nhiệm vụ / tasks, {reports} báo cáo tiến độ / reports")
