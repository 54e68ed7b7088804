"""Status and reason labels and explanations, in French and English."""

from __future__ import annotations

from app.services.history import message_status as mst


def test_explanations_fr_en() -> None:
    what, todo = mst.explain("hard_bounce", "user_unknown", "en")
    assert what == "The address does not exist." and "spelling" in todo
    what, todo = mst.explain("hard_bounce", None, "fr")
    assert "n'existe pas" in what
    for status in mst.STATUSES:
        for lang in ("en", "fr"):
            what, todo = mst.explain(status, None, lang)
            assert what and todo and mst.status_label(status, lang) != status, (status, lang)


def test_every_reason_has_a_label_in_both_languages() -> None:
    from tests.support.cli_contract import CLASSIFIED

    reasons = set().union(*CLASSIFIED.values())
    assert reasons <= set(mst.REASON_LABELS), reasons - set(mst.REASON_LABELS)
    for reason in reasons:
        assert reason not in (mst.reason_label(reason, "fr"), mst.reason_label(reason, "en"))
