"""Demo step: a few published reuses of the demo datasets and two dataset requests (one
answered with a dataset, one open), marked as demo, sent and decided through the
portal's actions as the public and the demo steward would."""

from __future__ import annotations

from tinhso.agencies.models import Agency
from tinhso.core.actors import Actor
from tinhso.warehouse.models import Access, Dataset

from . import actions
from .models import DataRequest, Reuse, ReuseKind

EXAMPLE = "https://example.org/demo/"

# (dataset slug, title, kind, path, description)
REUSES = [
    ("truong-hoc", "Bản đồ trường học gần nhà (demo)", ReuseKind.APP, "ban-do-truong-hoc",
     "Ứng dụng trên điện thoại tìm trường tiểu học và trung học gần nhà, theo xã, phường."),
    ("tram-y-te", "Trạm y tế nào đạt chuẩn? (demo)", ReuseKind.ARTICLE, "tram-y-te-dat-chuan",
     "Bài báo phân tích số trạm y tế xã đạt chuẩn quốc gia và số bác sĩ trên mỗi trạm."),
    ("diem-wifi-cong-cong", "Wi-Fi miễn phí quanh tôi (demo)", ReuseKind.VISUALISATION,
     "wifi-quanh-toi", "Bản đồ tương tác các điểm Wi-Fi công cộng đang hoạt động."),
]  # fmt: skip

ANSWERED = (
    "Danh sách điểm Wi-Fi công cộng miễn phí (demo)",
    "Tôi cần vị trí các điểm Wi-Fi miễn phí để làm bản đồ cho khách du lịch.",
    "SKHCN",
    "Sở Khoa học và Công nghệ đã công bố tập dữ liệu các điểm Wi-Fi công cộng, cập nhật "
    "hằng tháng.",
    "diem-wifi-cong-cong",
)
OPEN = (
    "Lịch thu gom rác theo tuyến đường (demo)",
    "Xin công bố lịch và giờ thu gom rác của từng tuyến đường, để người dân để rác đúng giờ.",
    "SXD",
)
SUBMITTER = ("Người dùng demo", "demo@example.org")


def build(actor: Actor, province, out) -> None:
    if (
        Reuse.objects.filter(is_demo=True).exists()
        or DataRequest.objects.filter(is_demo=True).exists()
    ):
        return
    public = Actor.citizen()
    made = 0
    for slug, title, kind, path, description in REUSES:
        dataset = Dataset.objects.filter(slug=slug, access=Access.OPEN).first()
        if dataset is None:
            continue
        draft = actions.ReuseDraft(title, kind, EXAMPLE + path, description, *SUBMITTER, True)
        reuse = actions.submit_reuse(public, [dataset], draft)
        actions.decide_reuse(actor, reuse, publish=True, note="Dữ liệu mẫu.")
        made += 1
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[ANSWERED[2], OPEN[2]])}
    title, description, code, answer, slug = ANSWERED
    answered = actions.submit_request(
        public, actions.RequestDraft(title, description, agencies.get(code), *SUBMITTER, True)
    )
    dataset = Dataset.objects.filter(slug=slug, access=Access.OPEN).first()
    actions.answer_request(actor, answered, answer=answer, dataset=dataset)
    title, description, code = OPEN
    actions.submit_request(
        public, actions.RequestDraft(title, description, agencies.get(code), *SUBMITTER, True)
    )
    out(f"Cổng dữ liệu mở / open data portal: {made} reuses, 2 dataset requests (demo)")
