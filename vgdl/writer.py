"""Write a :class:`~vgdl.description.GameDescription` back out as VGDL text.

Why: variants (renamed or reskinned games) and agents' learned theories are produced as
descriptions and must become ordinary game files that the same parser and engine run.
``parse_game(write_game(d))`` describes the same game as ``d`` (comments are not kept).
"""

from __future__ import annotations

from vgdl.description import GameDescription, Param
from vgdl.parser import BUILTIN_AVATAR, BUILTIN_WALL

INDENT = "    "


def _params(params: dict[str, Param]) -> str:
    return "".join(f" {p.key}={p.raw}" for p in params.values())


def write_game(desc: GameDescription) -> str:
    """VGDL text for ``desc``: BasicGame line, SpriteSet, LevelMapping, InteractionSet, TerminationSet."""
    out = [f"{desc.game_class}{_params(desc.params)}", f"{INDENT}SpriteSet"]
    roots = [t for t in desc.types.values() if t.parent is None and t.line != 0]  # line 0: built-in

    def emit(name: str, depth: int) -> None:
        t = desc.types[name]
        cls = f" {t.declared_class}" if t.declared_class else ""
        out.append(f"{INDENT * (depth + 2)}{name} >{cls}{_params(t.own_params)}")
        for child in t.children:
            emit(child, depth + 1)

    # Definition order matters (draw and update order): keep the built-ins' implicit first place.
    for t in sorted(roots, key=lambda t: t.line):
        emit(t.name, 0)
    out.append(f"{INDENT}LevelMapping")
    for char, entry in desc.level_mapping.items():
        if entry.line == 0 and entry.types in ((BUILTIN_WALL,), (BUILTIN_AVATAR,)):
            continue  # the built-in w and A mappings
        out.append(f"{INDENT * 2}{char} > {' '.join(entry.types)}")
    out.append(f"{INDENT}InteractionSet")
    lines: dict[int, list] = {}
    for rule in desc.interactions:
        lines.setdefault(rule.line, []).append(rule)
    for _, rules in sorted(lines.items()):
        first = rules[0]
        partners = " ".join(r.partner for r in rules)
        out.append(f"{INDENT * 2}{first.actor} {partners} > {first.effect}{_params(first.params)}")
    out.append(f"{INDENT}TerminationSet")
    for term in desc.terminations:
        out.append(f"{INDENT * 2}{term.kind}{_params(term.params)}")
    return "\n".join(out) + "\n"
