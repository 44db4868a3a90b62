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
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Model
from django.db.models.expressions import DatabaseDefault
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery

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
