"""Name-keyed registries for the VGDL ontology, and GVGAI's parameter typing.

The three registries (sprite classes, effects, terminations) are the one place
that says which VGDL names this engine understands. Looking a name up never
crashes mid-game: an unknown name is a :class:`VGDLError` at load time, with the
closest known name as a hint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from vgdl.description import Param
from vgdl.errors import VGDLError, closest
from vgdl.values import Field, assign, number_problem

T = TypeVar("T")


class Registry(Generic[T]):
    """A mapping from VGDL names to implementations, filled by decorators."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._entries: dict[str, T] = {}
        #: names GVGAI knows that we deliberately leave out, with the reason (shown in errors)
        self.unsupported: dict[str, str] = {}

    def register(self, *names: str) -> Callable[[T], T]:
        def add(entry: T) -> T:
            for name in names:
                if name in self._entries:
                    raise ValueError(f"{self.what} '{name}' registered twice")
                self._entries[name] = entry
            return entry

        return add

    def lookup(self, name: str, file: str, line: int | None, column: int | None) -> T:
        try:
            return self._entries[name]
        except KeyError:
            if name in self.unsupported:
                raise VGDLError(f"{self.what} '{name}' is not supported: {self.unsupported[name]}",
                                file, line, column) from None
            raise VGDLError(f"unsupported {self.what} '{name}'{closest(name, self._entries)}",
                            file, line, column) from None

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def items(self) -> list[tuple[str, T]]:
        return list(self._entries.items())


def class_fields(cls: type) -> tuple[dict[str, Field], dict[str, Any]]:
    """The ``fields`` and ``defaults`` declared along a class's MRO (subclasses override)."""
    fields: dict[str, Field] = {}
    defaults: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        fields.update(vars(klass).get("fields", {}))
        defaults.update(vars(klass).get("defaults", {}))
    return fields, defaults


def typed_values(fields: dict[str, Field], defaults: dict[str, Any], params: dict[str, Param], file: str,
                 where: str, warnings: list[str]) -> dict[str, Any]:
    """Typed values for every declared field: field defaults, class defaults, then ``params``.

    Unknown keys and misfits are recorded in ``warnings`` (GVGAI logs them and goes on); a number
    that is not finite, out of range or below the field's minimum is a :class:`VGDLError`.
    """
    values = {name: f.default for name, f in fields.items()}
    values.update(defaults)
    for key, param in params.items():
        field = fields.get(key)
        if field is None:
            warnings.append(f"{file}:{param.line}:{param.column}: unknown parameter '{key}={param.raw}' "
                            f"for {where}{closest(key, fields)}; ignored")
            continue
        problem = number_problem(field, param.raw)
        if problem is not None:
            raise VGDLError(f"'{key}={param.raw}' for {where} {problem}", file, param.line, param.column)
        ok, value = assign(field, param)
        if not ok:
            warnings.append(f"{file}:{param.line}:{param.column}: '{key}={param.raw}' does not fit a "
                            f"{field.kind} parameter of {where}; the default is kept")
            continue
        values[key] = value
    return values
