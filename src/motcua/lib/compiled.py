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
compiled with distinct stand-ins for them (querysets built by ``build``), and each
stand-in's positions among the statement's parameters are recorded; a call puts its
values there, converted the way the ORM converted the stand-in (a UUID stays a UUID,
or becomes its 32 hexadecimal digits on SQLite, or its text). Every other parameter —
constants of the query — stays as compiled. Rows are turned into instances as Django's
``ModelIterable`` does (the compiler's converters, ``Model.from_db``, the related
objects of ``select_related``): the result is what iterating the queryset gives.

Only for querysets whose SQL does not depend on the values (no ``__in`` of a list whose
length varies, no ``None`` that becomes ``IS NULL``, no value out of a column's range that
the ORM answers without a condition): the queryset is compiled with two sets of
stand-ins, and it is refused unless both give the same statement whose parameters differ
exactly where each argument goes, converted in a way this module can repeat (an argument
used in several places is put in each; one transformed by its lookup, as ``iexact``'s
escaping, is refused). A ``values_list()`` queryset gives its rows as tuples; instances
with annotations, ``prefetch_related()`` and querysets of a related manager are refused.
``select_for_update`` querysets must be called inside a transaction, as with the ORM.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators
from django.db.transaction import TransactionManagementError


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


def _stand_in(example: Any, index: int, variant: int) -> Any:
    """A value of ``example``'s type for argument ``index``, one of two ``variant``s.

    Integers stay inside every integer column's range, a positive small integer's
    included: the ORM answers a value outside a column's range with no query or with no
    condition at all (``EmptyResultSet``, ``FullResultSet``)."""
    if isinstance(example, bool):
        raise TypeError("CompiledQuery: a boolean argument cannot be told apart in the SQL")
    if isinstance(example, int):
        return 29_311 + 997 * variant + index
    if isinstance(example, uuid.UUID):
        return uuid.UUID(int=0x5EED_0000_0000_0000_0000_0000_0000_0000 + 4096 * variant + index)
    if isinstance(example, str):
        # LIKE's wildcards: a lookup that escapes them (``iexact`` and the like on some
        # databases) shows it, and is refused.
        return f"compiled-query%stand_in-{variant}-{index}"
    raise TypeError(f"CompiledQuery: unsupported argument type {type(example).__name__}")


def _converter(stand_in: Any, compiled: Any) -> Callable[[Any], Any] | None:
    """How the ORM turned ``stand_in`` into the parameter ``compiled`` (None: it did not)."""
    if type(compiled) is type(stand_in) and compiled == stand_in:
        return _same
    if isinstance(stand_in, uuid.UUID) and compiled == stand_in.hex:
        return _uuid_hex
    if (
        isinstance(stand_in, int)
        and isinstance(compiled, int)
        and not isinstance(compiled, bool)
        and int(compiled) == stand_in
    ):
        return type(compiled)  # a typed integer (psycopg's Int2 for a small column)
    if type(compiled) is str and compiled == str(stand_in):
        return str
    return None


def _same(value: Any) -> Any:
    return value


def _uuid_hex(value: Any) -> str:
    return uuid.UUID(str(value)).hex


class CompiledQuery:
    """``build(*values)``'s queryset, compiled once per connection (see the module)."""

    def __init__(self, build: Callable[..., QuerySet], *examples: Any):
        self._build = build
        self._stand_ins = tuple(
            tuple(_stand_in(example, i, variant) for i, example in enumerate(examples))
            for variant in (0, 1)
        )
        self._arity = len(examples)
        self._alias: str | None = None

    def _compile(self, connection) -> _Compiled:
        """Compile the queryset twice, with two sets of stand-ins: the statement must be
        the same, and its parameters differ exactly where the arguments go (each one
        found, each place converted as the ORM converted the stand-in)."""
        first, second = (self._build(*stand_ins) for stand_ins in self._stand_ins)
        if first._iterable_class not in (ModelIterable, ValuesListIterable):
            raise TypeError("CompiledQuery: a queryset of instances or of values_list() rows")
        if first._prefetch_related_lookups or first._known_related_objects:
            raise TypeError("CompiledQuery: no prefetch_related() and no related manager")
        compiler = first.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        other_sql, other_params = second.query.get_compiler(connection=connection).as_sql()
        if other_sql != sql or len(other_params) != len(params):
            raise ValueError("CompiledQuery: the statement depends on the arguments' values")
        places: dict[int, list[int]] = {}
        converters: dict[int, Callable[[Any], Any]] = {}
        for position, (one, two) in enumerate(zip(params, other_params, strict=True)):
            if one == two and type(one) is type(two):
                continue  # a constant of the query
            for index in range(self._arity):
                convert = _converter(self._stand_ins[0][index], one)
                if convert is not None and convert(self._stand_ins[1][index]) == two:
                    places.setdefault(index, []).append(position)
                    converters.setdefault(index, convert)
                    break
            else:
                raise ValueError(
                    "CompiledQuery: a parameter changes with the arguments in a way that "
                    "cannot be bound (a value transformed by its lookup)"
                )
        if len(places) != self._arity:
            raise ValueError(
                "CompiledQuery: an argument does not appear among the statement's "
                "parameters (its SQL depends on the value)"
            )
        slots = tuple((tuple(places[i]), converters[i]) for i in range(self._arity))
        klass_info, select = compiler.klass_info, compiler.select
        columns = [column[0] for column in select[0 : compiler.col_count]]
        if compiler.col_count != len(select):  # columns added for extra() ordering
            raise TypeError("CompiledQuery: no extra() columns")
        common = dict(
            sql=sql,
            params=tuple(params),
            slots=slots,
            compiler=compiler,
            converters=compiler.get_converters(columns),
            for_update=bool(first.query.select_for_update),
        )
        if first._iterable_class is ValuesListIterable:  # the rows themselves
            return _Compiled(**common, model=None, init_list=(), start=0, end=0, populators=())
        if compiler.annotation_col_map:
            raise TypeError("CompiledQuery: no annotations on instances (use values_list())")
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return _Compiled(
            **common,
            model=klass_info["model"],
            init_list=tuple(f[0].target.attname for f in select[start:end]),
            start=start,
            end=end,
            populators=tuple(get_related_populators(klass_info, select, first.db)),
        )

    def __call__(self, *values: Any) -> list:
        if len(values) != self._arity:
            raise TypeError(f"CompiledQuery takes {self._arity} values")
        if self._alias is None:
            self._alias = self._build(*self._stand_ins[0]).db
        connection = connections[self._alias]
        # Kept on the connection (Django's, one per thread): it goes with it.
        mine = connection.__dict__.setdefault("_motcua_compiled_queries", {})
        compiled = mine.get(self)
        if compiled is None:
            compiled = mine[self] = self._compile(connection)
        elif (
            compiled.for_update
            and connection.features.has_select_for_update
            and connection.get_autocommit()
            and connection.features.supports_transactions
        ):
            # What the ORM raises for select_for_update outside a transaction.
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
