"""The parsed, immutable description of a VGDL game.

The parser turns text into these plain records; the engine compiles them into
runtime rules. Keeping them free of behaviour means a game description can be
inspected, printed back as VGDL (agents do this to build mental simulators) and
compared without running anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Param:
    """One ``key=value`` token, kept as text with its location for error messages."""

    key: str
    raw: str
    line: int
    column: int


@dataclass(frozen=True)
class SpriteType:
    """A node of the SpriteSet tree (a sprite type).

    ``vgdl_class`` is the class GVGAI would use (an ancestor's declared class
    wins over the node's own, see ``docs/semantics.md``); ``params`` are the
    merged parameters (ancestors' first, overridden by the node's own).
    """

    name: str
    vgdl_class: str | None
    declared_class: str | None
    params: dict[str, Param]
    own_params: dict[str, Param]
    ancestry: tuple[str, ...]  # root first, ending with this type's name
    children: tuple[str, ...]
    line: int
    column: int

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def parent(self) -> str | None:
        return self.ancestry[-2] if len(self.ancestry) > 1 else None


@dataclass(frozen=True)
class InteractionRule:
    """``actor partner > effect params``: one (actor, partner) pair of a line.

    A line with several partners becomes several rules sharing ``line``.
    ``partner`` may be the pseudo-sprites ``EOS`` or ``TIME``.
    """

    actor: str
    partner: str
    effect: str
    params: dict[str, Param]
    line: int
    column: int


@dataclass(frozen=True)
class TerminationRule:
    """``Kind params``: one line of the TerminationSet."""

    kind: str
    params: dict[str, Param]
    line: int
    column: int


@dataclass(frozen=True)
class LevelMappingEntry:
    char: str
    types: tuple[str, ...]
    line: int
    column: int


@dataclass(frozen=True)
class GameDescription:
    """Everything a VGDL game file says, resolved but not yet compiled."""

    file: str
    game_class: str
    params: dict[str, Param]
    types: dict[str, SpriteType]  # every node, in definition order (built-ins first)
    sprite_order: tuple[str, ...]  # leaf types in draw order; update order is its reverse
    level_mapping: dict[str, LevelMappingEntry]
    interactions: tuple[InteractionRule, ...]
    terminations: tuple[TerminationRule, ...]
    warnings: tuple[str, ...] = field(default=())

    def leaves_of(self, name: str) -> tuple[str, ...]:
        """Leaf types at or under ``name``, in definition order."""
        return tuple(t.name for t in self.types.values() if t.is_leaf and name in t.ancestry)
