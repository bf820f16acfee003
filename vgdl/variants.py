"""Held-out variants of a game, generated from its VGDL text and deterministic from a seed.

- ``reskin``: every sprite type gets a different colour (a seeded permutation of a palette) and
  no image name, so appearance carries no meaning learned elsewhere.
- ``rename``: every sprite type name becomes an opaque token (``t0``, ``t1``, ...), so names
  such as ``avatar`` or ``wall`` tell an agent that reads type names nothing. (One exception: a
  game that defines ``avatar`` as a parent type keeps that name, which GVGAI treats specially.)
- ``shuffle-levels``: the levels come in a seeded random order.

A variant is an ordinary VGDL game and plays identically under the same actions (the tests
replay the suite's solutions on every variant).
"""

from __future__ import annotations

import random
from dataclasses import replace

from vgdl.description import GameDescription, InteractionRule, LevelMappingEntry, Param, SpriteType, TerminationRule
from vgdl.parser import BUILTIN_AVATAR, BUILTIN_WALL, PSEUDO_SPRITES, parse_game
from vgdl.values import COLORS
from vgdl.writer import write_game

VARIANTS = ("reskin", "rename", "shuffle-levels")

#: parameters whose values name sprite types (comma lists allowed)
TYPE_PARAMS = frozenset({
    "stype", "stype1", "stype2", "stype3", "stypes", "stypeTo", "stypeCount", "estype", "stype_other",
    "stypeMissile", "spawnBehind", "ammo", "resource", "heldResource", "spawnPoint", "notStype", "obs",
})
# Distinct, mutually distinguishable colours for reskins (named GVGAI colours and a few extra hex ones).
_PALETTE = [c for c in COLORS if c not in ("DARKGRAY",)] + [
    "8A2BE2", "00CED1", "FF1493", "7FFF00", "D2691E", "4682B4", "9ACD32", "FF4500", "DA70D6", "2E8B57",
    "B8860B", "5F9EA0", "DC143C", "00FA9A", "8B4513", "6A5ACD", "FFD700", "20B2AA", "C71585", "A9A9F5",
]


def make_variant(game_text: str, levels: list[str], variant: str, seed: int = 0,
                 file: str = "<variant>") -> tuple[str, list[str]]:
    """``(game text, level texts)`` of the ``variant`` of a game; raises ValueError for an unknown one."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; expected one of {VARIANTS}")
    rng = random.Random(f"{variant}:{seed}")
    if variant == "shuffle-levels":
        order = list(range(len(levels)))
        rng.shuffle(order)
        return game_text, [levels[i] for i in order]
    desc = parse_game(game_text, file)
    desc = _reskin(desc, rng) if variant == "reskin" else _rename(desc, rng)
    return write_game(desc), list(levels)


def _with_builtins_explicit(desc: GameDescription) -> GameDescription:
    """Write the built-in wall (and avatar) as ordinary definitions, keeping their places in the order."""
    types = dict(desc.types)
    for name, line in ((BUILTIN_WALL, -2), (BUILTIN_AVATAR, -1)):
        t = types[name]
        if t.line == 0:
            types[name] = replace(t, line=line, declared_class=t.vgdl_class, own_params=dict(t.params))
    return replace(desc, types=types)


def _reskin(desc: GameDescription, rng: random.Random) -> GameDescription:
    desc = _with_builtins_explicit(desc)
    palette = list(_PALETTE)
    rng.shuffle(palette)
    types = {}
    for i, (name, t) in enumerate(desc.types.items()):
        own = {k: p for k, p in t.own_params.items() if k not in ("color", "img")}
        own["color"] = Param("color", palette[i % len(palette)], t.line, 0)
        params = {k: p for k, p in t.params.items() if k not in ("color", "img")}
        params["color"] = own["color"]
        types[name] = replace(t, own_params=own, params=params)
    return replace(desc, types=types)


def _rename(desc: GameDescription, rng: random.Random) -> GameDescription:
    desc = _with_builtins_explicit(desc)
    names = list(desc.types)
    tokens = [f"t{i}" for i in range(len(names))]
    rng.shuffle(tokens)
    new = dict(zip(names, tokens, strict=True))
    if not desc.types[BUILTIN_AVATAR].is_leaf:
        # GVGAI draws and updates the type *named* avatar even when it is a parent type (its sprites are the
        # player's): that behaviour hangs on the name, so this one name has to stay.
        new[BUILTIN_AVATAR] = BUILTIN_AVATAR

    def rename(name: str) -> str:
        return name if name in PSEUDO_SPRITES else new.get(name, name)

    def params(ps: dict[str, Param]) -> dict[str, Param]:
        out = {}
        for k, p in ps.items():
            if k in TYPE_PARAMS:
                p = Param(k, ",".join(rename(n) for n in p.raw.split(",")), p.line, p.column)
            out[k] = p
        return out

    types = {}
    for name, t in desc.types.items():
        line = t.line
        if name == BUILTIN_AVATAR and t.line > 0 and t.parent is None and t.is_leaf:
            line = 1 << 30  # GVGAI draws "avatar" last: keep the renamed avatar last by defining it last
        types[new[name]] = SpriteType(
            name=new[name], vgdl_class=t.vgdl_class, declared_class=t.declared_class, params=params(t.params),
            own_params=params(t.own_params), ancestry=tuple(new[a] for a in t.ancestry),
            children=tuple(new[c] for c in t.children), line=line, column=t.column)
    mapping = {}
    for char, entry in desc.level_mapping.items():
        # the defaults w -> wall and A -> avatar must be written out: the names no longer exist
        mapping[char] = LevelMappingEntry(char, tuple(rename(n) for n in entry.types), entry.line or -1, entry.column)
    interactions = tuple(InteractionRule(rename(r.actor), rename(r.partner), r.effect, params(r.params), r.line,
                                         r.column) for r in desc.interactions)
    terminations = tuple(TerminationRule(t.kind, params(t.params), t.line, t.column) for t in desc.terminations)
    return replace(desc, types=types, level_mapping=mapping, interactions=interactions, terminations=terminations,
                   params=params(desc.params), sprite_order=tuple(new[n] for n in desc.sprite_order))
