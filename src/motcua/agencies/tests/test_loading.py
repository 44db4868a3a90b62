"""load_agencies: ministries and the 63 → 34 provinces of 2025 from the shared provinces.csv."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from motcua.agencies.loading import province_code
from motcua.agencies.models import Agency
from motcua.agencies.selectors import active_agencies

pytestmark = pytest.mark.django_db

PROVINCIAL = (Agency.Kind.PROVINCE, Agency.Kind.CITY)
TODAY = dt.date(2026, 11, 23)  # a fixed day after the merger
LAST_DAY_OF_63 = dt.date(2025, 6, 30)
FIRST_DAY_OF_34 = dt.date(2025, 7, 1)


def load() -> str:
    out = io.StringIO()
    call_command("load_agencies", stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded():
    load()


def provincial_on(day: dt.date):
    return active_agencies(day).filter(kind__in=PROVINCIAL)


def by_name(name: str, on: dt.date) -> Agency:
    return provincial_on(on).get(name=name)


def test_there_are_34_provinces_and_cities_today(loaded):
    assert provincial_on(TODAY).count() == 34
    assert provincial_on(dt.date.today()).count() == 34


def test_command_reports_the_counts():
    assert "63 provinces before 1 July 2025 → 34 after" in load()


def test_there_are_34_provinces_and_cities_from_1_july_2025(loaded):
    assert provincial_on(FIRST_DAY_OF_34).count() == 34


def test_there_were_63_provinces_and_cities_on_30_june_2025(loaded):
    assert provincial_on(LAST_DAY_OF_63).count() == 63


def test_provincial_names_are_distinct_on_each_day(loaded):
    for day in (LAST_DAY_OF_63, FIRST_DAY_OF_34):
        names = list(provincial_on(day).values_list("name", flat=True))
        assert len(names) == len(set(names))


def test_reloading_is_idempotent(loaded):
    total = Agency.objects.count()
    snapshot = set(
        Agency.objects.values_list(
            "code", "name", "kind", "valid_from", "valid_until", "successor__code"
        )
    )
    load()
    assert Agency.objects.count() == total
    assert provincial_on(TODAY).count() == 34
    assert provincial_on(LAST_DAY_OF_63).count() == 63
    assert (
        set(
            Agency.objects.values_list(
                "code", "name", "kind", "valid_from", "valid_until", "successor__code"
            )
        )
        == snapshot
    )


def test_reloading_creates_no_duplicate_names(loaded):
    load()
    names = list(Agency.objects.values_list("name", "valid_until"))
    assert len(names) == len(set(names))


def test_kien_giang_ends_on_30_june_2025(loaded):
    kien_giang = Agency.objects.get(name="Tỉnh Kiên Giang")
    assert kien_giang.valid_until == LAST_DAY_OF_63
    assert kien_giang.is_valid_on(LAST_DAY_OF_63)
    assert not kien_giang.is_valid_on(FIRST_DAY_OF_34)


def test_kien_giang_current_successor_is_the_new_an_giang(loaded):
    kien_giang = Agency.objects.get(name="Tỉnh Kiên Giang")
    new_an_giang = by_name("Tỉnh An Giang", TODAY)
    assert kien_giang.current_successor == new_an_giang
    assert new_an_giang.valid_from == FIRST_DAY_OF_34
    assert new_an_giang.valid_until is None


def test_old_an_giang_is_a_different_agency_succeeded_by_the_new_one(loaded):
    old_an_giang = by_name("Tỉnh An Giang", LAST_DAY_OF_63)
    new_an_giang = by_name("Tỉnh An Giang", TODAY)
    assert old_an_giang.pk != new_an_giang.pk
    assert old_an_giang.valid_until == LAST_DAY_OF_63
    assert old_an_giang.current_successor == new_an_giang


def test_thua_thien_hue_ends_on_31_december_2024(loaded):
    thua_thien_hue = Agency.objects.get(name="Tỉnh Thừa Thiên Huế")
    assert thua_thien_hue.kind == Agency.Kind.PROVINCE
    assert thua_thien_hue.valid_until == dt.date(2024, 12, 31)


def test_hue_is_a_city_from_1_january_2025(loaded):
    hue = Agency.objects.get(name="Thành phố Huế")
    assert hue.kind == Agency.Kind.CITY
    assert hue.valid_from == dt.date(2025, 1, 1)
    assert hue.valid_until is None
    assert Agency.objects.get(name="Tỉnh Thừa Thiên Huế").current_successor == hue


def test_hue_is_among_the_63_and_the_34(loaded):
    hue = Agency.objects.get(name="Thành phố Huế")
    assert provincial_on(LAST_DAY_OF_63).filter(pk=hue.pk).exists()
    assert provincial_on(TODAY).filter(pk=hue.pk).exists()
    assert not provincial_on(LAST_DAY_OF_63).filter(name="Tỉnh Thừa Thiên Huế").exists()


def test_ha_noi_is_unchanged(loaded):
    ha_noi = Agency.objects.get(name="Thành phố Hà Nội")
    assert ha_noi.kind == Agency.Kind.CITY
    assert ha_noi.successor is None
    assert ha_noi.valid_from is None
    assert ha_noi.valid_until is None
    assert ha_noi.current_successor == ha_noi
    assert Agency.objects.filter(name="Thành phố Hà Nội").count() == 1


def test_province_absorbed_into_a_city_keeps_its_own_kind(loaded):
    hau_giang = Agency.objects.get(name="Tỉnh Hậu Giang")
    assert hau_giang.kind == Agency.Kind.PROVINCE
    assert hau_giang.current_successor == by_name("Thành phố Cần Thơ", TODAY)


def test_every_province_of_the_63_rolls_up_to_one_of_the_34(loaded):
    today = set(provincial_on(TODAY))
    for agency in provincial_on(LAST_DAY_OF_63):
        assert agency.current_successor in today, agency


def test_merged_ministry_ends_with_a_successor(loaded):
    bkhdt = Agency.objects.get(name="Bộ Kế hoạch và Đầu tư")
    btc = Agency.objects.get(name="Bộ Tài chính")
    assert bkhdt.kind == Agency.Kind.MINISTRY
    assert bkhdt.valid_until == dt.date(2025, 2, 28)
    assert bkhdt.current_successor == btc
    assert not active_agencies(TODAY).filter(pk=bkhdt.pk).exists()
    assert active_agencies(TODAY).filter(pk=btc.pk).exists()


def test_ministries_merged_into_a_new_ministry_point_to_it(loaded):
    new = Agency.objects.get(code="BNNMT")
    assert new.valid_from == dt.date(2025, 3, 1)
    assert {a.code for a in new.predecessors.all()} == {"BNNPTNT", "BTNMT"}


def test_province_code_is_upper_case_ascii_without_spaces():
    assert province_code("Bà Rịa - Vũng Tàu") == "BARIAVUNGTAU"
    assert province_code("Hồ Chí Minh") == "HOCHIMINH"
