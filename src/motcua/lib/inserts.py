"""A new row inserted with its INSERT compiled once per connection.

``Model.save()`` of a new instance compiles its INSERT on every call: the column list,
the placeholders and the RETURNING clause are built again through the query compiler,
only the values differing. On the API's filing path (issue #21) that was about 0.1 ms of
CPU of each of its ~9 inserts, as much as the database round trip itself. ``insert(obj)``
does what ``obj.save(force_insert=True)`` does for a new row of a plain model, with the
statement kept on the connection (Django's, one per thread) per model and per *shape*
(which columns take their database default, ``db_default``): each value is prepared as
the compiler prepares it (``Field.pre_save(obj, add=True)``, then
``get_db_prep_save``), the returned columns (the primary key, the database defaults)
are converted as the compiler converts them and set on the instance, which is then
marked saved.

Whatever ``save()`` would do more goes through ``save()`` itself: a model that overrides
``save()`` (unless it says ``SAVE_ONLY_GUARDS_CHANGES = True``: its override only refuses
updates, which a new row is not), a model with parents (multi-table inheritance),
``order_with_respect_to``, a field with its own placeholder,
pre_save or post_save receivers (checked on every call: a receiver connected later is
honoured), a primary key already set, a value that is an expression. The statement is
the compiler's own (``SQLInsertCompiler.as_sql``), compiled from the first instance.

``update(obj, fields)`` does the same for ``obj.save(update_fields=fields)`` of a saved
row (a dossier's transition): the compiler's UPDATE kept per connection, model and
field list, each value prepared as the compiler prepares it (``Field.pre_save(obj,
add=False)``, then ``get_db_prep_save``), ``DatabaseError`` when no row was updated,
and ``save()`` itself under the same conditions as ``insert`` (or an unknown field
name, whose error ``save()`` gives).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import DatabaseError, connections, router, transaction
from django.db.models import Model
from django.db.models.expressions import DatabaseDefault
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery, UpdateQuery

_UNSEEN = object()


@dataclass(frozen=True)
class _Statement:
    sql: str
    fields: tuple  # the columns given a value, in the statement's order
    returning: tuple  # the fields RETURNING gives back
    returning_params: tuple
    compiler: Any
    converters: dict


@functools.cache
def _plain(model: type[Model]) -> bool:
    """Whether the model's save() adds nothing to an INSERT of a new row (its class
    says it: known once per model)."""
    meta = model._meta
    return (
        (model.save is Model.save or getattr(model, "SAVE_ONLY_GUARDS_CHANGES", False))
        and not meta.parents
        and meta.order_with_respect_to is None
        and meta.auto_field is not None
        and not any(hasattr(f, "get_placeholder") for f in meta.local_concrete_fields)
    )


def insert(obj: Model, *, using: str | None = None) -> Model:
    """Insert the new ``obj`` as ``obj.save(force_insert=True, using=using)`` would,
    with a statement compiled once per connection; returns ``obj``, saved."""
    model = type(obj)
    using = using or router.db_for_write(model, instance=obj)
    meta = model._meta
    if (
        obj.pk is not None
        or not _plain(model)
        or pre_save.has_listeners(model)
        or post_save.has_listeners(model)
    ):
        obj.save(force_insert=True, using=using)
        return obj
    obj._prepare_related_fields_for_save(operation_name="save")
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
    values, shape = [], []
    for field in fields:
        value = field.pre_save(obj, add=True)
        if isinstance(value, DatabaseDefault):
            shape.append(False)
            continue
        if hasattr(value, "resolve_expression"):
            obj.save(force_insert=True, using=using)
            return obj
        shape.append(True)
        values.append(value)
    connection = connections[using]
    kept = connection.__dict__.setdefault("_motcua_compiled_inserts", {})
    key = (model, tuple(shape))
    statement = kept.get(key, _UNSEEN)
    if statement is _UNSEEN:
        statement = kept[key] = _compile(model, fields, obj, connection, len(values))
    if statement is None:  # a shape that cannot be kept
        obj.save(force_insert=True, using=using)
        return obj
    given = [f for f, has_value in zip(fields, shape, strict=True) if has_value]
    params = [
        field.get_db_prep_save(value, connection=connection)
        for field, value in zip(given, values, strict=True)
    ]
    # As save() does: a failed INSERT inside an atomic block marks it for rollback.
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        row = connection.ops.fetch_returned_insert_columns(cursor, statement.returning_params)
    if statement.converters:
        row = next(iter(statement.compiler.apply_converters([row], statement.converters)))
    for value, field in zip(row, statement.returning, strict=True):
        setattr(obj, field.attname, value)
    obj._state.adding = False
    obj._state.db = using
    return obj


def _compile(model, fields, obj, connection, values: int) -> _Statement | None:
    """The compiler's INSERT of ``obj`` (None when its shape cannot be kept: a backend
    that returns no columns from an INSERT, an INSERT of several statements, or one
    whose parameters are not exactly the ``values`` given, as a database default
    written out as a parameter where the backend has no DEFAULT keyword)."""
    if not connection.features.can_return_columns_from_insert:
        return None
    query = InsertQuery(model)
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(connection=connection)
    returning = tuple(model._meta.db_returning_fields)
    compiler.returning_fields = list(returning)
    statements = compiler.as_sql()
    if len(statements) != 1:
        return None
    sql, params = statements[0]
    if len(params) != values:
        return None
    columns = [field.get_col(model._meta.db_table) for field in returning]
    return _Statement(
        sql=sql,
        fields=tuple(fields),
        returning=returning,
        returning_params=tuple(compiler.returning_params),
        compiler=compiler,
        converters=compiler.get_converters(columns),
    )


def insert_rows(model: type[Model], rows: list[Model]) -> list[Model]:
    """``rows`` of ``model`` in one INSERT: one row through :func:`insert` (its statement
    kept), several through ``bulk_create``; returns ``rows``, saved."""
    if len(rows) == 1:
        insert(rows[0])
    elif rows:
        model.objects.bulk_create(rows)
    return rows


@functools.cache
def _update_fields(model: type[Model], names: tuple[str, ...]) -> tuple | None:
    """The concrete, non-primary-key fields ``names`` (names or attnames) point at, as
    ``save(update_fields=...)`` accepts them; None when one is not such a field."""
    meta = model._meta
    fields = []
    for name in names:
        try:
            field = meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if not field.concrete or field.primary_key or field.generated:
            return None
        fields.append(field)
    return tuple(fields)


def update(obj: Model, update_fields, *, using: str | None = None) -> Model:
    """Write ``update_fields`` of the saved ``obj`` as ``obj.save(update_fields=...,
    using=using)`` would, with the UPDATE compiled once per connection; returns ``obj``."""
    model = type(obj)
    names = tuple(update_fields)
    using = using or router.db_for_write(model, instance=obj)
    fields = _update_fields(model, names) if names else None
    if (
        fields is None
        or obj.pk is None
        or obj._state.adding
        or not _plain(model)
        or pre_save.has_listeners(model)
        or post_save.has_listeners(model)
    ):
        obj.save(update_fields=names, using=using)
        return obj
    obj._prepare_related_fields_for_save(operation_name="save")  # as save() checks
    values = [field.pre_save(obj, add=False) for field in fields]
    if any(
        hasattr(value, "resolve_expression") or hasattr(value, "prepare_database_save")
        for value in values
    ):
        obj.save(update_fields=names, using=using)
        return obj
    connection = connections[using]
    prepared = [
        field.get_db_prep_save(value, connection=connection)
        for field, value in zip(fields, values, strict=True)
    ]
    # The compiler writes NULL for None instead of a parameter: a shape of its own.
    shape = tuple(value is None for value in prepared)
    kept = connection.__dict__.setdefault("_motcua_compiled_updates", {})
    key = (model, fields, shape)
    sql = kept.get(key)
    if sql is None:
        sql = kept[key] = _compile_update(model, fields, values, obj.pk, connection, shape)
    params = [value for value in prepared if value is not None]
    params.append(model._meta.pk.get_db_prep_value(obj.pk, connection))
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
        cursor.execute(sql, params)
        updated = cursor.rowcount
    if not updated:
        raise DatabaseError("Save with update_fields did not affect any rows.")
    obj._state.db = using
    return obj


def _compile_update(model, fields, values, pk, connection, shape) -> str:
    """The compiler's UPDATE of ``fields`` of the row ``pk`` (its parameters: one per
    field that is not NULL, then the primary key)."""
    query = UpdateQuery(model)
    query.add_update_fields(
        [(field, None, value) for field, value in zip(fields, values, strict=True)]
    )
    query.add_filter("pk", pk)
    sql, params = query.get_compiler(connection=connection).as_sql()
    if len(params) != shape.count(False) + 1:  # pragma: no cover (plain fields only)
        raise ValueError(f"unexpected UPDATE of {model._meta.label}: {sql}")
    return sql
