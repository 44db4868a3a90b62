"""The agency hierarchy as the figures see it: merged agencies folded into their successors.

Every agency's figures are credited to ``rollup_map()[agency]`` (itself, or the agency
that took over its work in the 2025 reorganisation) and then to each agency above that
one. A node's figures are those of every agency whose chain passes through it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from motcua.agencies.models import Agency
from motcua.agencies.selectors import rollup_map


@dataclass(frozen=True)
class AgencyRow:
    pk: int
    code: str
    name: str
    kind: str
    parent_id: int | None


class AgencyTree:
    """A snapshot of the agency table for one request (a few thousand rows at most)."""

    def __init__(self, rows: dict[int, AgencyRow], effective: dict[int, int]):
        self.rows = rows
        self.effective = effective
        self._chains: dict[int, tuple[int, ...]] = {}

    @classmethod
    def load(cls) -> AgencyTree:
        rows = {
            pk: AgencyRow(pk, code, name, kind, parent)
            for pk, code, name, kind, parent in Agency.objects.values_list(
                "pk", "code", "name", "kind", "parent_id"
            )
        }
        return cls(rows, rollup_map())

    def chain(self, pk: int) -> tuple[int, ...]:
        """The agency its figures go to, then every agency above that one (nearest first)."""
        cached = self._chains.get(pk)
        if cached is not None:
            return cached
        result: list[int] = []
        current: int | None = self.effective.get(pk, pk)
        while current is not None and current not in result:
            result.append(current)
            parent = self.rows[current].parent_id if current in self.rows else None
            current = self.effective.get(parent, parent) if parent is not None else None
        chain = self._chains[pk] = tuple(result)
        return chain

    def is_current(self, pk: int) -> bool:
        return self.effective.get(pk, pk) == pk

    def members(self, node: int | None) -> set[int] | None:
        """Ids of the agencies whose figures count for ``node`` (None: every agency)."""
        if node is None:
            return None
        return {pk for pk in self.rows if node in self.chain(pk)}

    @cached_property
    def _children(self) -> dict[int | None, list[int]]:
        children: dict[int | None, list[int]] = defaultdict(list)
        for row in self.rows.values():
            if self.is_current(row.pk) and row.kind != Agency.Kind.UNIT:
                parent = row.parent_id
                children[self.effective.get(parent, parent) if parent else None].append(row.pk)
        for ids in children.values():
            ids.sort(key=lambda pk: self.rows[pk].name)
        return children

    def children(self, node: int | None) -> list[int]:
        """The current, non-unit agencies directly below ``node`` (None: the top level)."""
        return list(self._children.get(node, []))

    def block(self, pk: int) -> str | None:
        """ "ministry" or "province" after the agency at the top of the chain (None otherwise)."""
        top = self.rows.get(self.chain(pk)[-1])
        if top is None:
            return None
        if top.kind == Agency.Kind.MINISTRY:
            return "ministry"
        if top.kind in (Agency.Kind.PROVINCE, Agency.Kind.CITY):
            return "province"
        return None

    def name(self, node: int | None) -> str:
        from django.utils.translation import gettext as _

        return self.rows[node].name if node is not None else _("Toàn hệ thống")
