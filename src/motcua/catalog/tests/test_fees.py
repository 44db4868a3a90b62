"""The fee schedule: online policies, effective dates, agency rules, frozen amounts."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from motcua.catalog.fees import quote
from motcua.catalog.models import FeeRule, OnlineFeePolicy, online_amount
from motcua.dossiers import services
from motcua.dossiers.models import Channel, Status
from tests.factories import AgencyFactory, ApplicantFactory, dossier_in_status, procedure_version

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.parametrize(
    ("fee", "policy", "value", "expected"),
    [
        (100_000, OnlineFeePolicy.NONE, 0, 100_000),
        (100_000, OnlineFeePolicy.PERCENT_DISCOUNT, 50, 50_000),
        (15_000, OnlineFeePolicy.PERCENT_DISCOUNT, 30, 10_500),
        (9_999, OnlineFeePolicy.PERCENT_DISCOUNT, 50, 4_999),  # rounds down to the dong
        (100_000, OnlineFeePolicy.PERCENT_DISCOUNT, 100, 0),
        (100_000, OnlineFeePolicy.EXEMPT, 0, 0),
        (100_000, OnlineFeePolicy.FIXED, 20_000, 20_000),
        (10_000, OnlineFeePolicy.FIXED, 20_000, 10_000),  # never above the counter fee
    ],
)
def test_online_policies(fee, policy, value, expected):
    assert online_amount(fee, policy, value) == expected


def _rule(version, **fields):
    defaults = dict(procedure=version.procedure, fee_vnd=100_000, valid_from=D(2026, 1, 1))
    defaults.update(fields)
    return FeeRule.objects.create(**defaults)


def test_without_a_rule_the_versions_own_fee_applies():
    version = procedure_version(
        fee_vnd=40_000, online_fee_policy=OnlineFeePolicy.PERCENT_DISCOUNT, online_fee_value=25
    )
    fee = quote(version, on=D(2026, 3, 1))
    assert (fee.counter_vnd, fee.online_vnd, fee.rule) == (40_000, 30_000, None)


def test_rules_apply_only_between_their_dates_inclusive():
    version = procedure_version(fee_vnd=80_000)
    _rule(
        version,
        online_policy=OnlineFeePolicy.PERCENT_DISCOUNT,
        online_value=50,
        valid_from=D(2026, 1, 1),
        valid_until=D(2026, 12, 31),
        legal_basis="Thông tư giảm 50% lệ phí nộp trực tuyến",
    )
    _rule(version, fee_vnd=120_000, online_policy=OnlineFeePolicy.EXEMPT, valid_from=D(2027, 1, 1))

    assert quote(version, on=D(2025, 12, 31)).online_vnd == 80_000  # before: the version's
    first_day = quote(version, on=D(2026, 1, 1))
    assert (first_day.counter_vnd, first_day.online_vnd) == (100_000, 50_000)
    assert first_day.legal_basis.startswith("Thông tư")
    assert quote(version, on=D(2026, 12, 31)).online_vnd == 50_000  # last day included
    next_year = quote(version, on=D(2027, 1, 1))
    assert (next_year.counter_vnd, next_year.online_vnd) == (120_000, 0)


def test_a_later_rule_replaces_an_open_ended_one():
    version = procedure_version()
    _rule(version, fee_vnd=50_000, valid_from=D(2025, 1, 1))
    _rule(version, fee_vnd=70_000, valid_from=D(2026, 7, 1))
    assert quote(version, on=D(2026, 6, 30)).counter_vnd == 50_000
    assert quote(version, on=D(2026, 7, 1)).counter_vnd == 70_000


def test_an_agency_rule_beats_the_general_one_and_covers_the_units_below():
    province = AgencyFactory(name="UBND tỉnh A")
    department = AgencyFactory(name="Sở Tư pháp tỉnh A", parent=province)
    elsewhere = AgencyFactory(name="Sở Tư pháp tỉnh B")
    version = procedure_version()
    _rule(version, fee_vnd=100_000)
    _rule(version, fee_vnd=60_000, agency=province, valid_from=D(2025, 1, 1))
    _rule(version, fee_vnd=55_000, agency=department, valid_from=D(2024, 1, 1))

    on = D(2026, 5, 4)
    assert quote(version, department, on).counter_vnd == 55_000  # its own, though older
    assert quote(version, province, on).counter_vnd == 60_000
    assert quote(version, AgencyFactory(parent=province), on).counter_vnd == 60_000
    assert quote(version, elsewhere, on).counter_vnd == 100_000
    assert quote(version, None, on).counter_vnd == 100_000


def test_the_database_refuses_impossible_rules():
    version = procedure_version()
    with pytest.raises(IntegrityError), transaction.atomic():
        _rule(version, online_policy=OnlineFeePolicy.PERCENT_DISCOUNT, online_value=120)
    with pytest.raises(IntegrityError), transaction.atomic():
        _rule(version, valid_from=D(2026, 5, 1), valid_until=D(2026, 4, 30))


def test_the_admin_form_explains_impossible_rules_in_vietnamese():
    version = procedure_version()
    rule = FeeRule(
        procedure=version.procedure,
        fee_vnd=1,
        online_policy=OnlineFeePolicy.PERCENT_DISCOUNT,
        online_value=150,
        valid_from=D(2026, 5, 1),
        valid_until=D(2026, 4, 1),
    )
    with pytest.raises(ValidationError) as raised:
        rule.full_clean()
    assert "100%" in str(raised.value.message_dict["online_value"])
    assert "sau ngày bắt đầu" in str(raised.value.message_dict["valid_until"])


def test_submission_freezes_the_online_amount_of_that_day():
    agency = AgencyFactory()
    version = procedure_version(fee_vnd=100_000)
    _rule(
        version,
        online_policy=OnlineFeePolicy.PERCENT_DISCOUNT,
        online_value=50,
        valid_from=D(2026, 1, 1),
        valid_until=D(2026, 6, 30),
    )
    dossier = dossier_in_status(
        Status.DRAFT, applicant=ApplicantFactory(), procedure_version=version, agency=agency
    )
    services.transition(dossier, "submit", by=None, at=dt.datetime(2026, 6, 30, 9, tzinfo=dt.UTC))
    dossier.refresh_from_db()
    assert dossier.fee_vnd == 50_000

    # The discount ends the next day; the filed dossier keeps what it was quoted.
    later = dossier_in_status(
        Status.DRAFT, applicant=ApplicantFactory(), procedure_version=version, agency=agency
    )
    services.transition(later, "submit", by=None, at=dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC))
    later.refresh_from_db()
    dossier.refresh_from_db()
    assert (dossier.fee_vnd, later.fee_vnd) == (50_000, 100_000)


def test_an_exempt_online_filing_owes_nothing_and_a_counter_dossier_owes_the_counter_fee():
    agency = AgencyFactory()
    version = procedure_version(fee_vnd=30_000)
    _rule(version, fee_vnd=30_000, online_policy=OnlineFeePolicy.EXEMPT, valid_from=D(2020, 1, 1))
    online = dossier_in_status(
        Status.DRAFT, applicant=ApplicantFactory(), procedure_version=version, agency=agency
    )
    services.transition(online, "submit", by=None)
    online.refresh_from_db()
    assert online.fee_vnd == 0

    counter = services.record_counter_dossier(
        applicant=ApplicantFactory(),
        version=version,
        agency=agency,
        channel=Channel.COUNTER,
        by=None,
    )
    assert counter.fee_vnd == 30_000
