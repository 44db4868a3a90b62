"""A queryset of fixed shape compiled to SQL once per database connection.

On the API's filing path, the ORM spent more CPU compiling some reads than the database
spent running them (issue #21; ``SQLCompiler.as_sql`` was half of the dossier's locked
read): the same statement, with ~100 columns, was compiled again on every call, only its
values differing. ``CompiledQuery`` compiles it once per connection (per thread, as
Django's connections are) and then only binds the new values::

    _OWN = CompiledQuery(
        lambda applicant_id, public_id: Dossier.objects.filter(
            applicant_id=applicant_id, public_id=public_id
        ).select_related("applicant")[:1],
        0,  # an int argument
        uuid.UUID(int=0),  # a UUID argument
    )
    rows = _OWN(applicant.pk, public_id)  # model instances, as the queryset gives them

The values given at construction are examples of each argument's type. The statement is
compiled with a distinct stand-in for each (a queryset built by ``build``), and each
stand-in's positions among the statement's parameters are recorded; a call puts its
values there, converted the way the ORM converted the stand-in (a UUID stays a UUID,
or becomes its 32 hexadecimal digits on SQLite, or its text). Every other parameter —
constants of the query — stays as compiled. Rows are turned into instances as Django's
``ModelIterable`` does (the compiler's converters, ``Model.from_db``, the related
objects of ``select_related``): the result is what iterating the queryset gives.

Only for querysets whose SQL does not depend on the values (no ``__in`` of a list whose
length varies, no ``None`` that becomes ``IS NULL``): a stand-in that does not appear
among the parameters is refused when compiling (one that appears in several places is
put in each). A ``values_list()`` queryset gives its rows as tuples. ``select_for_update``
querysets must be called inside a transaction, as with the ORM.
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple[tuple[tuple[int, ...], Callable[[Any], Any]], ...]  # (positions, converter)
    compiler: Any
    converters: dict
    model: type | None  # None: rows as tuples (``values_list``)
    init_list: tuple[str, ...]
    start: int
    end: int
    populators: tuple
    for_update: bool


def _stand_in(example: Any, index: int) -> Any:
    if isinstance(example, bool):
        raise TypeError("CompiledQuery: a boolean argument cannot be told apart in the SQL")
    if isinstance(example, int):
        # Inside a 32-bit integer column's range: the ORM answers a value outside it
        # with no query at all (EmptyResultSet).
        return -2_100_000_000 - index
    if isinstance(example, uuid.UUID):
        return uuid.UUID(int=0x5EED_0000_0000_0000_0000_0000_0000_0000 + index)
    if isinstance(example, str):
        return f"\x1fcompiled-query-stand-in-{index}\x1f"
    raise TypeError(f"CompiledQuery: unsupported argument type {type(example).__name__}")


def _converter(stand_in: Any, compiled: Any) -> Callable[[Any], Any] | None:
    """How the ORM turned ``stand_in`` into the parameter ``compiled`` (None: it did not)."""
    if type(compiled) is type(stand_in) and compiled == stand_in:
        return lambda value: value
    if isinstance(stand_in, uuid.UUID) and compiled == stand_in.hex:
        return lambda value: uuid.UUID(str(value)).hex
    if compiled == str(stand_in):
        return str
    return None


class CompiledQuery:
    """``build(*values)``'s queryset, compiled once per connection (see the module)."""

    def __init__(self, build: Callable[..., QuerySet], *examples: Any):
        self._build = build
        self._stand_ins = tuple(_stand_in(example, i) for i, example in enumerate(examples))
        self._alias: str | None = None
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _compile(self, connection, queryset: QuerySet) -> _Compiled:
        if queryset._iterable_class not in (ModelIterable, ValuesListIterable):
            raise TypeError("CompiledQuery: a queryset of instances or of values_list() rows")
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = []
        for stand_in in self._stand_ins:
            found = [
                (position, convert)
                for position, param in enumerate(params)
                if (convert := _converter(stand_in, param)) is not None
            ]
            if not found:
                raise ValueError(
                    "CompiledQuery: an argument does not appear among the statement's "
                    "parameters (its SQL depends on the value)"
                )
            slots.append((tuple(position for position, _ in found), found[0][1]))
        klass_info, select = compiler.klass_info, compiler.select
        columns = [column[0] for column in select[0 : compiler.col_count]]
        common = dict(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            compiler=compiler,
            converters=compiler.get_converters(columns),
            for_update=bool(queryset.query.select_for_update),
        )
        if queryset._iterable_class is ValuesListIterable:  # the rows themselves
            return _Compiled(**common, model=None, init_list=(), start=0, end=0, populators=())
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return _Compiled(
            **common,
            model=klass_info["model"],
            init_list=tuple(f[0].target.attname for f in select[start:end]),
            start=start,
            end=end,
            populators=tuple(get_related_populators(klass_info, select, queryset.db)),
        )

    def __call__(self, *values: Any) -> list:
        if len(values) != len(self._stand_ins):
            raise TypeError(f"CompiledQuery takes {len(self._stand_ins)} values")
        if self._alias is None:
            self._alias = self._build(*self._stand_ins).db
        connection = connections[self._alias]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compile(connection, self._build(*self._stand_ins))
            self._compiled[connection] = compiled
        elif compiled.for_update and not transaction.get_connection(self._alias).in_atomic_block:
            # What the ORM raises for select_for_update outside a transaction.
            from django.db.transaction import TransactionManagementError

            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(compiled.params)
        for (positions, convert), value in zip(compiled.slots, values, strict=True):
            converted = convert(value)
            for position in positions:
                params[position] = converted
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if not rows:
            return []
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        if compiled.model is None:
            return [tuple(row) for row in rows]
        objects = []
        for row in rows:
            obj = compiled.model.from_db(
                self._alias, list(compiled.init_list), row[compiled.start : compiled.end]
            )
            for populator in compiled.populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects
