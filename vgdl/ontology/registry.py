"""Name-keyed registries for the VGDL ontology, and GVGAI's parameter typing.

The three registries (sprite classes, effects, terminations) are the one place
that says which VGDL names this engine understands. Looking a name up never
crashes mid-game: an unknown name is a :class:`VGDLError` at load time, with the
closest known name as a hint.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from vgdl.description import Param
from vgdl.errors import VGDLError, closest
from vgdl.values import COLORS, DIRECTIONS

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


# ---------------------------------------------------------------------------------------------
# Parameter typing, as GVGAI's VGDLFactory.parseParameters does it:
# a value is a Types constant, else an int, else a double, else a boolean, else a string; the
# value is then assigned to the declared field only if its type fits (an int widens to float).
# A misfit keeps the field's default: GVGAI does that silently, we record a warning.
# ---------------------------------------------------------------------------------------------

_INT = re.compile(r"^[-+]?\d+$")
_FLOAT = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_HEX_COLOR = re.compile(r"^[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Field:
    """A declared parameter: its kind (int, float, bool, str, names, dir, color) and default."""

    kind: str
    default: Any = None


def read_value(raw: str) -> tuple[str, Any]:
    """Type a raw value the GVGAI way: ``(kind, value)`` with kind in dir/color/int/float/bool/str."""
    if raw in DIRECTIONS:
        return "dir", DIRECTIONS[raw]
    if raw in COLORS:
        return "color", COLORS[raw]
    if _INT.match(raw):
        try:
            value = int(raw)
        except ValueError:  # pragma: no cover - regex guarantees digits
            return "str", raw
        if -(1 << 31) <= value < (1 << 31):
            return "int", value
    if _FLOAT.match(raw):
        return "float", float(raw)
    if raw.lower() in ("true", "false"):
        return "bool", raw.lower() == "true"
    return "str", raw


def assign(field: Field, param: Param) -> tuple[bool, Any]:
    """Convert ``param`` for ``field``; ``(False, None)`` when GVGAI would leave the default."""
    kind, value = read_value(param.raw)
    want = field.kind
    if want == "int":
        return (kind == "int"), value
    if want == "float":
        return (kind in ("int", "float")), (float(value) if kind in ("int", "float") else None)
    if want == "bool":
        return (kind == "bool"), value
    if want == "dir":
        return (kind == "dir"), value
    if want == "color":
        if kind == "str" and _HEX_COLOR.match(value):  # our extension (GVGAI knows named colours only)
            return True, (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))
        return (kind == "color"), value
    if want in ("str", "names"):
        if kind != "str":
            return False, None
        if want == "names":
            return True, tuple(n for n in value.split(",") if n)
        return True, value
    if want == "raw":  # keeps the text whatever it looks like (GVGAI: scoreChange, win, hidden)
        return True, param.raw
    raise ValueError(f"unknown field kind {want}")


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

    Unknown keys and misfits are recorded in ``warnings`` (GVGAI logs them and goes on).
    """
    values = {name: f.default for name, f in fields.items()}
    values.update(defaults)
    for key, param in params.items():
        field = fields.get(key)
        if field is None:
            warnings.append(f"{file}:{param.line}:{param.column}: unknown parameter '{key}={param.raw}' "
                            f"for {where}{closest(key, fields)}; ignored")
            continue
        ok, value = assign(field, param)
        if not ok:
            warnings.append(f"{file}:{param.line}:{param.column}: '{key}={param.raw}' does not fit a "
                            f"{field.kind} parameter of {where}; the default is kept")
            continue
        values[key] = value
    return values
