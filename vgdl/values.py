"""Typed parameter values, read from text without ``eval``.

A game file's ``key=value`` is untrusted text. Each sprite class, effect and
termination declares its parameters as :class:`Field` s; :func:`assign` types a
value the way GVGAI does (constant name, int, float, boolean, else string) and
says whether it fits. The constants (directions, colour names) are GVGAI's
``ontology.Types``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from vgdl.description import Param

Direction = tuple[int, int]

NONE: Direction = (0, 0)
UP: Direction = (0, -1)
DOWN: Direction = (0, 1)
LEFT: Direction = (-1, 0)
RIGHT: Direction = (1, 0)
#: GVGAI's base directions, in its order (used wherever it iterates directions).
BASE_DIRECTIONS: tuple[Direction, ...] = (UP, LEFT, DOWN, RIGHT)
DIRECTIONS: dict[str, Direction] = {"UP": UP, "DOWN": DOWN, "LEFT": LEFT, "RIGHT": RIGHT, "NONE": NONE}

#: GVGAI's named colours (RGB).
COLORS: dict[str, tuple[int, int, int]] = {
    "GREEN": (0, 200, 0),
    "BLUE": (0, 0, 200),
    "RED": (200, 0, 0),
    "GRAY": (90, 90, 90),
    "WHITE": (250, 250, 250),
    "BROWN": (140, 120, 100),
    "BLACK": (0, 0, 0),
    "ORANGE": (250, 160, 0),
    "YELLOW": (250, 250, 0),
    "PINK": (250, 200, 200),
    "GOLD": (250, 212, 0),
    "LIGHTRED": (250, 50, 50),
    "LIGHTORANGE": (250, 200, 100),
    "LIGHTBLUE": (50, 100, 250),
    "LIGHTGREEN": (50, 250, 50),
    "DARKGREEN": (35, 117, 29),
    "LIGHTYELLOW": (255, 250, 128),
    "LIGHTGRAY": (238, 238, 238),
    "DARKGRAY": (30, 30, 30),
    "DARKBLUE": (20, 20, 100),
}

# ---------------------------------------------------------------------------------------------
# Parameter typing, as GVGAI's VGDLFactory.parseParameters does it:
# a value is a Types constant, else an int, else a double, else a boolean, else a string; the
# value is then assigned to the declared field only if its type fits (an int widens to float).
# A misfit keeps the field's default: GVGAI does that silently, we record a warning.
# ---------------------------------------------------------------------------------------------

_INT = re.compile(r"^[-+]?\d+$")
_FLOAT = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_HEX_COLOR = re.compile(r"^[0-9a-fA-F]{6}$")


#: The largest magnitude a numeric parameter may have. GVGAI's ints are 32-bit; a larger double
#: (``speed=1e308``) would overflow once it becomes a pixel offset, mid-game.
MAX_MAGNITUDE = float(1 << 31)

_NOT_FINITE = {"nan", "inf", "infinity"}


@dataclass(frozen=True)
class Field:
    """A declared parameter: its kind (int, float, bool, str, names, dir, color) and default.

    ``minimum`` bounds a numeric parameter from below (a negative speed or cooldown is a load
    error, not a surprise mid-game).
    """

    kind: str
    default: Any = None
    minimum: float | None = None


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


def number_problem(field: Field, raw: str) -> str | None:
    """Why ``raw`` cannot be the value of a numeric ``field`` (None when it can, or is not a number).

    GVGAI keeps the default for a value of the wrong type, and so do we (with a warning); but a
    number that is not finite, out of range, not whole where a whole number is needed, or below the
    field's minimum is an error: it would crash or silently misbehave mid-game.
    """
    if field.kind not in ("int", "float"):
        return None
    if raw.lower().lstrip("+-") in _NOT_FINITE:
        return "is not a finite number"
    if _INT.match(raw):
        value: float = int(raw)
        if abs(value) >= MAX_MAGNITUDE:
            return "is out of range (32-bit integers only)"
    elif _FLOAT.match(raw):
        value = float(raw)
        if not math.isfinite(value):
            return "is not a finite number"
        if abs(value) > MAX_MAGNITUDE:
            return f"is out of range (magnitude at most {MAX_MAGNITUDE:.0f})"
        if field.kind == "int":
            return "must be a whole number"
    else:
        return None  # not a number at all: a type misfit (warned, default kept)
    if field.minimum is not None and value < field.minimum:
        return f"must be at least {field.minimum:g}"
    return None


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


