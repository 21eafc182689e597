"""Classifier versions: trained from the confirmed reports, stored with their evaluation,
used by the feedback hub, rolled back, audited."""

import pytest

from tinhso.core.models import AuditEntry
from tinhso.feedback.classify import KeywordProposer, ModelProposer, proposer
from tinhso.feedback.training import PURPOSE, NotEnoughExamples, train_from_history
from tinhso.textengine import actions
from tinhso.textengine.models import ClassifierVersion

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_seed_model_in_use():
    seed = ClassifierVersion.objects.get(purpose=PURPOSE, is_active=True)
    assert seed.is_demo
    assert seed.summary["examples"] >= 100
    assert seed.evaluation["macro_f1"] > 0.8
    assert set(seed.evaluation) >= {"accuracy", "macro_f1", "weighted_f1", "per_class"}
    assert isinstance(proposer(), ModelProposer)


def test_proposals_come_from_the_model_with_confidence():
    proposals = proposer().propose("Đèn tín hiệu giao thông ở ngã tư ko hoạt động", k=3)
    assert proposals[0].field.code == "giao-thong"
    assert proposals[0].sure
    assert [p.confidence for p in proposals] == sorted(
        (p.confidence for p in proposals), reverse=True
    )


def test_retraining_stores_a_new_version_and_a_rollback_restores_the_old(system):
    seed = ClassifierVersion.objects.get(purpose=PURPOSE, is_active=True)
    new = train_from_history(system)
    assert new.pk != seed.pk and new.is_active
    seed.refresh_from_db()
    assert not seed.is_active
    assert AuditEntry.objects.filter(
        action="textengine.store_version", object_id=str(new.pk)
    ).exists()
    actions.activate_version(system, seed)
    assert ClassifierVersion.objects.get(purpose=PURPOSE, is_active=True) == seed
    entry = AuditEntry.objects.filter(action="textengine.activate_version").latest("id")
    assert entry.before == {"active": new.pk} and entry.after == {"active": seed.pk}


def test_a_worse_model_is_kept_but_not_used(system):
    from tinhso.textengine.classifier import TextClassifier

    active = ClassifierVersion.objects.get(purpose=PURPOSE, is_active=True)
    model = TextClassifier.train(
        ["ổ gà mặt đường", "ổ gà đường xấu", "rác thải bốc mùi", "rác thải ven đường"],
        ["giao-thong", "giao-thong", "moi-truong", "moi-truong"],
    )
    worse = actions.store_version(system, PURPOSE, model, {"macro_f1": 0.1})
    assert not worse.is_active and worse.note
    assert ClassifierVersion.objects.get(purpose=PURPOSE, is_active=True) == active


def test_without_a_model_the_keyword_baseline_answers():
    ClassifierVersion.objects.update(is_active=False)
    assert isinstance(proposer(), KeywordProposer)


def test_too_little_history_is_refused_with_a_reason(system):
    from tinhso.feedback.models import LabelledExample

    LabelledExample.objects.all().delete()
    with pytest.raises(NotEnoughExamples) as refused:
        train_from_history(system)
    assert "0" in refused.value.message


def test_the_admin_lists_versions_and_rolls_back(admin_client):
    seed = ClassifierVersion.objects.get(purpose=PURPOSE, is_active=True)
    page = admin_client.get("/admin/textengine/classifierversion/")
    assert page.status_code == 200 and str(seed) in page.content.decode()
    admin_client.post(
        "/admin/textengine/classifierversion/",
        {"action": "activate", "_selected_action": [seed.pk]},
    )
    seed.refresh_from_db()
    assert seed.is_active


def test_a_text_the_model_is_unsure_of_says_so_on_the_form(client):
    html = client.get("/feedback/propose/", {"text": "xin chào các anh chị ạ"}).content.decode()
    assert "chưa chắc chắn" in html


def test_scheduled_retraining_waits_for_new_confirmations(system):
    from tinhso.core.actors import Actor
    from tinhso.feedback import actions
    from tinhso.feedback.models import Field
    from tinhso.feedback.tasks import retrain_classifier
    from tinhso.units.models import Commune

    report, _created = actions.submit_report(
        Actor.citizen(),
        actions.ReportDraft(
            text="Rác thải tập kết lâu ngày bốc mùi.",
            channel="web",
            commune=Commune.objects.get(code="27712"),
        ),
    )

    before = ClassifierVersion.objects.count()
    assert retrain_classifier.call() == "no new confirmations since the last version"
    assert ClassifierVersion.objects.count() == before
    actions.accept_report(system, report, field=Field.objects.get(code="moi-truong"))
    assert "version" in retrain_classifier.call()
    assert ClassifierVersion.objects.count() == before + 1
