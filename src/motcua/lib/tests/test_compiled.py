"""Querysets compiled once per connection (lib.compiled), on Django's own models."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from motcua.lib.compiled import CompiledQuery

pytestmark = pytest.mark.django_db

_BY_CODENAME = CompiledQuery(
    lambda content_type_id, codename: Permission.objects.filter(
        content_type_id=content_type_id, codename=codename
    ).select_related("content_type"),
    0,
    "",
)


def test_rows_are_the_querysets_with_their_related_objects():
    for permission in Permission.objects.select_related("content_type")[:5]:
        [found] = _BY_CODENAME(permission.content_type_id, permission.codename)
        assert found.pk == permission.pk and found.name == permission.name
        assert found._state.adding is False and found._state.db == "default"
        assert ContentType.objects.get_for_id(permission.content_type_id) == found.content_type
        with CaptureQueriesContext(connection) as queries:
            assert found.content_type.model == permission.content_type.model
        assert len(queries) == 0  # loaded with the row, as select_related does


def test_the_statement_is_compiled_once_and_only_the_values_change():
    first = Permission.objects.order_by("pk").first()
    _BY_CODENAME(first.content_type_id, first.codename)
    compiled = connection._motcua_compiled_queries[_BY_CODENAME]
    with CaptureQueriesContext(connection) as queries:
        assert _BY_CODENAME(first.content_type_id, "no-such-permission") == []
        assert _BY_CODENAME(-1, first.codename) == []
    assert connection._motcua_compiled_queries[_BY_CODENAME] is compiled
    assert [q["sql"] for q in queries][0].count("SELECT") == 1
    assert len(queries) == 2


def test_a_uuid_argument_is_converted_as_the_orm_converts_it(django_user_model):
    # The user model has no UUID: the stand-in's conversion is checked on its own.
    query = CompiledQuery(lambda key: Group.objects.filter(name=str(key)), uuid.UUID(int=0))
    key = uuid.uuid4()
    Group.objects.create(name=str(key))
    [found] = query(key)
    assert found.name == str(key)


def test_a_shape_that_depends_on_the_values_is_refused():
    query = CompiledQuery(lambda pk: Group.objects.filter(pk__in=[7]).filter(name="x"), 0)
    with pytest.raises(ValueError, match="does not appear"):
        query(1)  # the value is not in the statement: it cannot be bound
    flat = CompiledQuery(lambda pk: Group.objects.filter(pk=pk).values_list("pk", flat=True), 0)
    with pytest.raises(TypeError, match="values_list"):
        flat(1)


def test_values_rows_and_an_argument_used_twice():
    first, second = Group.objects.create(name="a"), Group.objects.create(name="b")
    query = CompiledQuery(
        lambda pk: (
            Group.objects.filter(pk__gte=pk).exclude(pk=pk).order_by("pk").values_list("pk", "name")
        ),
        0,
    )
    assert query(first.pk) == [(second.pk, "b")]
    assert query(second.pk) == []


@pytest.mark.django_db(transaction=True)
def test_select_for_update_needs_a_transaction_as_with_the_orm():
    query = CompiledQuery(lambda pk: Group.objects.select_for_update().filter(pk=pk), 0)
    group = Group.objects.create(name="khoá")
    refused = connection.features.has_select_for_update
    if refused:  # compiling outside a transaction: the ORM's own refusal
        with pytest.raises(TransactionManagementError):
            query(group.pk)
    with transaction.atomic():
        assert [g.pk for g in query(group.pk)] == [group.pk]
    if refused:  # compiled already: refused the same
        with pytest.raises(TransactionManagementError):
            query(group.pk)


def test_a_lookup_that_transforms_the_value_is_refused():
    # iexact escapes LIKE's wildcards on some databases, or compares with UPPER(): the
    # value cannot be bound as it was given.
    query = CompiledQuery(lambda name: Group.objects.filter(name__icontains=name), "")
    with pytest.raises(ValueError):
        query("a%b")


def test_a_small_positive_column_keeps_its_conditions(django_user_model):
    # The stand-ins stay inside a positive small integer's range: out of it, the ORM
    # would drop the condition (or the query) and the value could not be bound.
    from django.contrib.admin.models import LogEntry

    user = django_user_model.objects.create(username="nhat-ky")
    entries = {
        flag: LogEntry.objects.create(user=user, object_repr="x", action_flag=flag)
        for flag in (1, 2, 3)
    }
    query = CompiledQuery(
        lambda flag: (
            LogEntry.objects.filter(action_flag__gte=flag)
            .exclude(action_flag=flag)
            .order_by("action_flag")
            .values_list("pk")
        ),
        0,
    )
    assert query(1) == [(entries[2].pk,), (entries[3].pk,)]
    assert query(3) == []
