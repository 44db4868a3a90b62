"""Reads over the agency hierarchy and the model's own rules."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from motcua.agencies.models import Agency, Role
from motcua.agencies.selectors import (
    active_agencies,
    ancestors,
    descendant_ids,
    roles_of,
    rollup_map,
)
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def merger():
    """Two provinces merged into a new one on 1 July 2025, each with a department."""
    new = AgencyFactory(kind=Agency.Kind.PROVINCE, valid_from=dt.date(2025, 7, 1))
    old_a = AgencyFactory(
        kind=Agency.Kind.PROVINCE, valid_until=dt.date(2025, 6, 30), successor=new
    )
    old_b = AgencyFactory(
        kind=Agency.Kind.PROVINCE, valid_until=dt.date(2025, 6, 30), successor=new
    )
    department = AgencyFactory(parent=old_a)
    unit = AgencyFactory(parent=department, kind=Agency.Kind.UNIT)
    new_department = AgencyFactory(parent=new)
    return new, old_a, old_b, department, unit, new_department


def test_active_agencies_respects_both_ends_of_the_validity_period(merger):
    new, old_a, old_b, *_ = merger
    on_last_day = set(active_agencies(dt.date(2025, 6, 30)))
    on_first_day = set(active_agencies(dt.date(2025, 7, 1)))
    assert {old_a, old_b} <= on_last_day and new not in on_last_day
    assert new in on_first_day and not {old_a, old_b} & on_first_day


def test_active_agencies_includes_agencies_without_dates():
    agency = AgencyFactory()
    assert active_agencies(dt.date(1990, 1, 1)).filter(pk=agency.pk).exists()


def test_rollup_map_maps_old_provinces_to_their_successor(merger):
    new, old_a, old_b, *_ = merger
    mapping = rollup_map()
    assert mapping[old_a.pk] == new.pk
    assert mapping[old_b.pk] == new.pk
    assert mapping[new.pk] == new.pk


def test_rollup_map_follows_chains_of_successors():
    newest = AgencyFactory()
    middle = AgencyFactory(successor=newest)
    oldest = AgencyFactory(successor=middle)
    assert rollup_map()[oldest.pk] == newest.pk


def test_rollup_map_survives_a_successor_cycle():
    a = AgencyFactory()
    b = AgencyFactory(successor=a)
    Agency.objects.filter(pk=a.pk).update(successor=b)
    mapping = rollup_map()
    assert mapping[a.pk] in {a.pk, b.pk}
    assert mapping[b.pk] in {a.pk, b.pk}


def test_rollup_map_rolls_units_of_a_merged_province_up_to_its_successor(merger):
    new, _old_a, _old_b, department, unit, _ = merger
    mapping = rollup_map()
    assert mapping[department.pk] == new.pk
    assert mapping[unit.pk] == new.pk


def test_rollup_map_leaves_units_of_a_current_agency_alone(merger):
    *_, new_department = merger
    unit = AgencyFactory(parent=new_department, kind=Agency.Kind.UNIT)
    mapping = rollup_map()
    assert mapping[new_department.pk] == new_department.pk
    assert mapping[unit.pk] == unit.pk


def test_current_successor_follows_the_chain_to_today():
    newest = AgencyFactory()
    middle = AgencyFactory(successor=newest)
    oldest = AgencyFactory(successor=middle)
    assert oldest.current_successor == newest
    assert newest.current_successor == newest


def test_descendant_ids_includes_units_at_any_depth():
    root = AgencyFactory(kind=Agency.Kind.PROVINCE)
    child = AgencyFactory(parent=root)
    grandchild = AgencyFactory(parent=child, kind=Agency.Kind.UNIT)
    great_grandchild = AgencyFactory(parent=grandchild, kind=Agency.Kind.UNIT)
    sibling_tree = AgencyFactory(kind=Agency.Kind.PROVINCE)
    AgencyFactory(parent=sibling_tree)
    assert descendant_ids(root) == {root.pk, child.pk, grandchild.pk, great_grandchild.pk}


def test_descendant_ids_can_leave_out_the_agency_itself():
    root = AgencyFactory()
    child = AgencyFactory(parent=root)
    assert descendant_ids(root, include_self=False) == {child.pk}


def test_descendant_ids_of_a_leaf_is_itself():
    leaf = AgencyFactory()
    assert descendant_ids(leaf) == {leaf.pk}


def test_ancestors_lists_parents_nearest_first():
    root = AgencyFactory()
    child = AgencyFactory(parent=root)
    grandchild = AgencyFactory(parent=child)
    assert ancestors(grandchild) == [child, root]


def test_roles_of_includes_roles_held_directly():
    user = UserFactory()
    agency = AgencyFactory()
    MembershipFactory(user=user, agency=agency, role=Role.SPECIALIST)
    assert roles_of(user, agency) == {Role.SPECIALIST}


def test_roles_of_includes_roles_inherited_from_a_parent_agency():
    user = UserFactory()
    province = AgencyFactory(kind=Agency.Kind.PROVINCE)
    department = AgencyFactory(parent=province)
    unit = AgencyFactory(parent=department, kind=Agency.Kind.UNIT)
    MembershipFactory(user=user, agency=province, role=Role.SUPERVISOR)
    MembershipFactory(user=user, agency=department, role=Role.LEADER)
    assert roles_of(user, unit) == {Role.SUPERVISOR, Role.LEADER}


def test_roles_of_ignores_roles_in_child_and_unrelated_agencies():
    user = UserFactory()
    department = AgencyFactory()
    unit = AgencyFactory(parent=department, kind=Agency.Kind.UNIT)
    MembershipFactory(user=user, agency=unit, role=Role.SPECIALIST)
    MembershipFactory(user=user, agency=AgencyFactory(), role=Role.LEADER)
    assert roles_of(user, department) == set()


def test_roles_of_ignores_other_users_roles():
    agency = AgencyFactory()
    MembershipFactory(agency=agency, role=Role.LEADER)
    assert roles_of(UserFactory(), agency) == set()


def test_clean_rejects_an_agency_that_succeeds_itself():
    agency = AgencyFactory()
    agency.successor = agency
    with pytest.raises(ValidationError) as excinfo:
        agency.clean()
    assert "successor" in excinfo.value.message_dict


def test_clean_rejects_an_agency_under_itself():
    agency = AgencyFactory()
    agency.parent = agency
    with pytest.raises(ValidationError) as excinfo:
        agency.clean()
    assert "parent" in excinfo.value.message_dict


def test_clean_accepts_another_agency_as_successor():
    agency = AgencyFactory()
    agency.successor = AgencyFactory()
    agency.clean()


def test_validity_period_must_not_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyFactory(valid_from=dt.date(2025, 7, 1), valid_until=dt.date(2025, 6, 30))
