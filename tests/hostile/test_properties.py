"""Property-based tests (hypothesis): the e-form, the working-day calendar, fee rules and
dossier codes hold their promises for any input, not just the examples we thought of."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from motcua.agencies.models import Agency
from motcua.catalog.eform import legacy_fields, validate_definition
from motcua.catalog.fees import _agency_chain, quote
from motcua.catalog.formschema import default_schema
from motcua.catalog.models import FeeRule, OnlineFeePolicy, online_amount
from motcua.dossiers.models import CodeCounter
from motcua.dossiers.services import next_code
from motcua.portal import eform_pages, eforms
from motcua.workdays import calendar
from motcua.workdays.models import CalendarOverride
from tests.factories import AgencyFactory, procedure_version

from .hypo import FAST

SCHEMA = legacy_fields(default_schema(["dan_cu", "dang_ky_kinh_doanh", "dat_dai"])) + [
    {"name": "so_con", "label": "Số con", "type": "number", "required": False},
    {
        "name": "gioi_tinh",
        "label": "Giới tính",
        "type": "select",
        "required": True,
        "choices": [["nam", "Nam"], ["nu", "Nữ"]],
    },
    {"name": "cam_ket", "label": "Cam kết", "type": "checkbox", "required": True},
]
NAMES = [f["name"] for f in SCHEMA]
REQUIRED = {f["name"] for f in SCHEMA if f.get("required")}
# A stored checkbox is a boolean: any non-empty value counts as ticked.
REQUIRED_TEXT = sorted(n for n in REQUIRED if n != "cam_ket")

# Any text a browser can send: every Unicode category, NUL included, long or empty.
any_text = st.text(max_size=600)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)


# --- The e-form ------------------------------------------------------------------------


DEFINITION = eforms.definition(SCHEMA)


def _label_in(label: str, problems: list[str]) -> bool:
    return any(label in problem for problem in problems)


@FAST
@given(posted=st.dictionaries(st.sampled_from(NAMES), any_text), strict=st.booleans())
def test_the_eform_never_crashes_and_keeps_required_fields(posted, strict):
    parsed = eforms.parse_post(DEFINITION, posted)
    stored, errors = eforms.check(DEFINITION, parsed.data, strict=strict)
    errors = eforms.merge_errors(parsed.errors, errors)
    if errors:
        assert all(isinstance(m, str) for ms in errors.values() for m in ms)
        return
    json.dumps(stored)  # what is stored is JSON
    assert set(stored) <= set(NAMES)
    if strict:
        for name in REQUIRED:
            assert stored.get(name) not in ("", None, False), name
    assert all("\x00" not in str(value) for value in stored.values())


@FAST
@given(
    posted=st.fixed_dictionaries({n: st.text(min_size=1, max_size=30) for n in NAMES}),
    blank=st.sampled_from(REQUIRED_TEXT),
    spaces=st.sampled_from(["", " ", "\t\n", "\u3000"]),
)
def test_a_blank_required_field_is_refused_by_name(posted, blank, spaces):
    posted = {**posted, blank: spaces}
    parsed = eforms.parse_post(DEFINITION, posted)
    _stored, errors = eforms.check(DEFINITION, parsed.data, strict=True)
    errors = eforms.merge_errors(parsed.errors, errors)
    label = next(f["label"] for f in SCHEMA if f["name"] == blank)
    assert blank in errors
    assert _label_in(label, eform_pages.problems(DEFINITION, parsed.data, errors))


@FAST
@given(data=st.dictionaries(st.sampled_from(NAMES) | st.text(max_size=10), json_values))
def test_stored_values_of_any_shape_are_checked_without_crashing(data):
    _stored, errors = eforms.check(DEFINITION, data, strict=True)
    assert all(isinstance(m, str) for ms in errors.values() for m in ms)
    assert all(isinstance(p, str) for p in eform_pages.problems(DEFINITION, data, errors))


@FAST
@given(schema=json_values | st.lists(st.dictionaries(st.text(max_size=8), json_values)))
def test_schema_validation_only_ever_raises_validation_error(schema):
    try:
        validate_definition(schema)
    except ValidationError as error:
        assert all(isinstance(m, str) for m in error.messages)


# --- The working-day calendar ------------------------------------------------------------

days = st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2032, 12, 31))


@pytest.fixture
def overrides(db):
    """A weekday made a day off and a Saturday made a working day, as decisions do."""
    CalendarOverride.objects.create(date=dt.date(2026, 4, 27), kind="day_off", reason="Nghỉ bù")
    CalendarOverride.objects.create(date=dt.date(2026, 5, 9), kind="working_day", reason="Làm bù")
    calendar.clear_cache()


@FAST
@given(start=days, n=st.integers(min_value=1, max_value=400))
def test_adding_working_days_lands_on_a_working_day_that_far_away(overrides, start, n):
    due = calendar.add_working_days(start, n)
    assert calendar.is_working_day(due)
    assert due > start
    assert calendar.working_days_between(start, due) == n
    assert calendar.working_days_between(due, start) == -n


@FAST
@given(start=days, n=st.integers(min_value=1, max_value=400))
def test_going_back_then_forward_returns_to_a_working_day(overrides, start, n):
    assume(calendar.is_working_day(start))
    earlier = calendar.add_working_days(start, -n)
    assert calendar.is_working_day(earlier) and earlier < start
    assert calendar.add_working_days(earlier, n) == start


@FAST
@given(start=days, a=st.integers(0, 300), b=st.integers(0, 300))
def test_more_working_days_never_end_earlier(overrides, start, a, b):
    low, high = sorted((a, b))
    first, second = calendar.add_working_days(start, low), calendar.add_working_days(start, high)
    assert first <= second
    # From a day off, 0 working days (the next working day, as documented) and 1 end on
    # the same day; from a working day, or with at least one day, more is later.
    if calendar.is_working_day(start) or low > 0:
        assert (first == second) == (low == high)


@FAST
@given(start=days)
def test_zero_days_is_the_first_working_day_from_the_start(overrides, start):
    day = calendar.add_working_days(start, 0)
    assert day >= start and calendar.is_working_day(day)
    assert all(
        not calendar.is_working_day(start + dt.timedelta(d)) for d in range((day - start).days)
    )


# --- Fees ----------------------------------------------------------------------------------

fees = st.integers(min_value=0, max_value=2_000_000_000)
policies = st.sampled_from(OnlineFeePolicy.values)


@FAST
@given(fee=fees, policy=policies, value=st.integers(min_value=0, max_value=2_000_000_000))
def test_the_online_fee_is_never_negative_nor_above_the_counter_fee(fee, policy, value):
    online = online_amount(fee, policy, value)
    assert 0 <= online <= fee
    if policy == OnlineFeePolicy.EXEMPT:
        assert online == 0
    if policy == OnlineFeePolicy.PERCENT_DISCOUNT:
        assert online == (0 if value >= 100 else fee * (100 - value) // 100)
    if policy == OnlineFeePolicy.NONE:
        assert online == fee


@FAST
@given(fee=fees, low=st.integers(0, 100), high=st.integers(0, 100))
def test_a_bigger_discount_never_costs_more(fee, low, high):
    low, high = sorted((low, high))
    percent = OnlineFeePolicy.PERCENT_DISCOUNT
    assert online_amount(fee, percent, high) <= online_amount(fee, percent, low)


rule_specs = st.lists(
    st.tuples(
        st.sampled_from([None, "province", "commune", "elsewhere"]),
        st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
        st.one_of(st.none(), st.integers(0, 800)),
        st.integers(0, 5_000_000),
        policies,
        st.integers(0, 100),
    ),
    max_size=6,
)


@pytest.fixture
def fee_world(db):
    province = AgencyFactory(code="Q", kind=Agency.Kind.PROVINCE)
    commune = AgencyFactory(code="Q.X", kind=Agency.Kind.COMMUNE, parent=province)
    elsewhere = AgencyFactory(code="R", kind=Agency.Kind.PROVINCE)
    version = procedure_version("PHI.01", fee_vnd=30000, online_fee_policy="percent")
    agencies = {"province": province, "commune": commune, "elsewhere": elsewhere}
    return version, agencies


@FAST
@given(specs=rule_specs, on=st.dates(dt.date(2024, 1, 1), dt.date(2029, 12, 31)))
def test_the_quote_applies_the_nearest_newest_rule_in_force(fee_world, specs, on):
    version, agencies = fee_world
    FeeRule.objects.all().delete()
    for agency, valid_from, length, fee, policy, value in specs:
        FeeRule.objects.create(
            procedure=version.procedure,
            agency=agencies.get(agency),
            valid_from=valid_from,
            valid_until=None if length is None else valid_from + dt.timedelta(days=length),
            fee_vnd=fee,
            online_policy=policy,
            online_value=value,
        )
    commune = agencies["commune"]
    result = quote(version, commune, on)
    assert 0 <= result.online_vnd <= result.counter_vnd
    chain = _agency_chain(commune)
    in_force = [
        r
        for r in FeeRule.objects.all()
        if r.valid_from <= on
        and (r.valid_until is None or r.valid_until >= on)
        and (r.agency_id is None or r.agency_id in chain)
    ]
    if not in_force:
        assert result.rule is None and result.counter_vnd == version.fee_vnd
        return
    chosen = result.rule
    assert chosen in in_force
    assert result.counter_vnd == chosen.fee_vnd

    def nearness(rule):
        return chain.index(rule.agency_id) if rule.agency_id else len(chain)

    assert all(nearness(chosen) <= nearness(r) for r in in_force)
    assert all(
        chosen.valid_from >= r.valid_from for r in in_force if nearness(r) == nearness(chosen)
    )


# --- Dossier codes -------------------------------------------------------------------------

agency_codes = st.from_regex(r"[A-Z]{1,3}(\.[A-Z0-9]{1,3}){0,2}", fullmatch=True)


@pytest.mark.django_db
@FAST
@given(
    codes=st.lists(agency_codes, min_size=1, max_size=4, unique=True),
    calls=st.lists(
        st.tuples(st.integers(0, 3), st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31))),
        min_size=1,
        max_size=25,
    ),
)
def test_dossier_codes_are_unique_well_formed_and_sequential(codes, calls):
    agencies = [
        Agency.objects.filter(code=code).first() or AgencyFactory(code=code) for code in codes
    ]
    CodeCounter.objects.filter(agency__in=agencies).delete()
    issued, counts = [], {}
    for index, day in calls:
        agency = agencies[index % len(agencies)]
        code = next_code(agency, day)
        counts[(agency.code, day)] = counts.get((agency.code, day), 0) + 1
        expected = f"{agency.code}-{day:%y%m%d}-{counts[(agency.code, day)]:04d}"
        assert code == expected
        assert re.fullmatch(r"[A-Z0-9.]+-\d{6}-\d{4,}", code)
        issued.append(code)
    assert len(issued) == len(set(issued))
