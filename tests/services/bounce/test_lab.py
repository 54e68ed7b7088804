"""The bounce lab: real Postfix, Exim and OpenSMTPD write bounces for scripted refusals; the
classifier
must read each one right (recipient, category, reason, status). See tests/support/mta_lab.py.

One module-scoped run per MTA sends one message per scenario, waits for every bounce
(the temporary refusals until the MTA gives up), and indexes them by the original
Message-ID; each (MTA, scenario) pair is then its own test.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator

import pytest

from app.services.bounce import Report, parse
from tests.conftest import IN_CI, require_root, require_tool
from tests.support.mta_lab import (
    SCENARIOS,
    EximLab,
    LabMX,
    OpenSmtpdLab,
    Scenario,
    message,
)

pytestmark = pytest.mark.rig


def _index(raws: list[bytes]) -> dict[str, Report]:
    reports = {}
    for raw in raws:
        report = parse(raw)
        if report.original_message_id:
            reports[report.original_message_id] = report
    return reports


@pytest.fixture(scope="module")
def lab_mx() -> Iterator[LabMX]:
    mx = LabMX().start()
    yield mx
    mx.stop()


@pytest.fixture(scope="module")
def postfix_bounces(lab_mx: LabMX) -> Iterator[dict[str, Report]]:
    require_tool("postfix")
    require_root()
    from tests.support.rig import Rig

    rig = Rig.start()
    try:
        rig.set_postfix(relayhost=f"[127.0.0.1]:{lab_mx.port}")
        sender = "alice@example.test"
        host, port = rig.smtp_inject
        with smtplib.SMTP(host, port, timeout=10) as smtp:
            for scenario in SCENARIOS:
                rcpt, text = message(sender, scenario)
                smtp.sendmail(sender, [rcpt], text.encode("utf-8"))
        # the rig's Postfix returns a temporary refusal after maximal_queue_lifetime (10 s)
        found = rig.wait_for_mail(sender, count=len(SCENARIOS), timeout=40)
        yield _index([p.read_bytes() for p in found])
    finally:
        rig.stop()


def _unpacked(lab_class: type[EximLab] | type[OpenSmtpdLab], mx: LabMX,
              name: str) -> Iterator[dict[str, Report]]:
    """Run one MTA unpacked by scripts/lab-mtas.sh: every scenario, then its bounces."""
    require_root()
    if not lab_class.available():
        text = f"{name} is not set up (run scripts/lab-mtas.sh, as the test command does)"
        if IN_CI:
            pytest.fail(text)
        pytest.skip(text)
    mta = lab_class(mx).start()
    try:
        for scenario in SCENARIOS:
            mta.send(scenario)
        yield _index(mta.bounces(len(SCENARIOS), timeout=40))
    finally:
        mta.stop()


@pytest.fixture(scope="module")
def exim_bounces(lab_mx: LabMX) -> Iterator[dict[str, Report]]:
    yield from _unpacked(EximLab, lab_mx, "Exim")


@pytest.fixture(scope="module")
def opensmtpd_bounces(lab_mx: LabMX) -> Iterator[dict[str, Report]]:
    yield from _unpacked(OpenSmtpdLab, lab_mx, "OpenSMTPD")


def _check(reports: dict[str, Report], scenario: Scenario) -> None:
    report = reports.get(f"<lab-{scenario.name}@sender.example>")
    assert report is not None, f"no bounce for {scenario.name} (got {sorted(reports)})"
    assert report.is_bounce
    got = [(r.address, r.category, r.reason) for r in report.recipients]
    assert got == [(f"{scenario.name}@lab.test", scenario.category, scenario.reason)], (
        report.recipients[0].diagnostic if report.recipients else None)
    if scenario.status:
        assert report.recipients[0].status == scenario.status


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_postfix_bounce(postfix_bounces: dict[str, Report], scenario: Scenario) -> None:
    _check(postfix_bounces, scenario)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_exim_bounce(exim_bounces: dict[str, Report], scenario: Scenario) -> None:
    _check(exim_bounces, scenario)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_opensmtpd_bounce(opensmtpd_bounces: dict[str, Report], scenario: Scenario) -> None:
    _check(opensmtpd_bounces, scenario)
