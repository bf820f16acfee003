"""Typed parameter values, read from text without ``eval``.

A game file's ``key=value`` is untrusted text. Each sprite class, effect and
termination declares its parameters with one of the converters below; a value
that does not fit raises :class:`VGDLError` at the parameter's line and column.
The constants (directions, colour names) are GVGAI's ``ontology.Types``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from vgdl.description import Param
from vgdl.errors import VGDLError, closest

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

_INT = re.compile(r"^[-+]?\d+$")
_FLOAT = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_HEX = re.compile(r"^#?[0-9a-fA-F]{6}$")

Converter = Callable[[Param, str], Any]


def _fail(p: Param, file: str, what: str) -> VGDLError:
    return VGDLError(f"{p.key}={p.raw}: expected {what}", file, p.line or None, p.column or None)


def to_int(p: Param, file: str) -> int:
    if _INT.match(p.raw):
        return int(p.raw)
    if _FLOAT.match(p.raw):  # GVGAI reads "2.0" into an int field by truncation
        return int(float(p.raw))
    raise _fail(p, file, "an integer")


def to_float(p: Param, file: str) -> float:
    if _FLOAT.match(p.raw):
        return float(p.raw)
    raise _fail(p, file, "a number")


def to_bool(p: Param, file: str) -> bool:
    low = p.raw.lower()
    if low in ("true", "1"):
        return True
    if low in ("false", "0"):
        return False
    raise _fail(p, file, "True or False")


def to_direction(p: Param, file: str) -> Direction:
    if p.raw.upper() in DIRECTIONS:
        return DIRECTIONS[p.raw.upper()]
    raise VGDLError(f"{p.key}={p.raw}: expected a direction (UP, DOWN, LEFT, RIGHT, NONE)"
                    f"{closest(p.raw, DIRECTIONS)}", file, p.line or None, p.column or None)


def to_color(p: Param, file: str) -> tuple[int, int, int]:
    if p.raw.upper() in COLORS:
        return COLORS[p.raw.upper()]
    if _HEX.match(p.raw):
        h = p.raw.lstrip("#")
        return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))
    raise VGDLError(f"{p.key}={p.raw}: unknown colour{closest(p.raw.upper(), COLORS)}", file,
                    p.line or None, p.column or None)


def to_str(p: Param, file: str) -> str:
    return p.raw


def to_names(p: Param, file: str) -> tuple[str, ...]:
    """A comma list of names, e.g. ``stype=sword,arrow``."""
    names = tuple(n for n in p.raw.split(",") if n)
    if not names:
        raise _fail(p, file, "one or more names")
    return names


def to_first_float(p: Param, file: str) -> float:
    """A per-player comma list (``scoreChange=1,0``): single-player games read the first entry."""
    first = p.raw.split(",")[0]
    return to_float(Param(p.key, first, p.line, p.column), file)


def to_first_bool(p: Param, file: str) -> bool:
    first = p.raw.split(",")[0]
    return to_bool(Param(p.key, first, p.line, p.column), file)
