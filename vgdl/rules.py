"""Compile a parsed :class:`~vgdl.description.GameDescription` into runtime rules.

The compiled rules are immutable and shared by every copy of a game: sprite
kinds (one per sprite type, with its class behaviour and typed parameters),
the effect tables in GVGAI's execution order, and the terminations. All name
checks happen here, so an unsupported name fails at load time, never mid-game.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vgdl.description import GameDescription, InteractionRule, Param
from vgdl.errors import VGDLError, closest
from vgdl.ontology.avatars import AvatarClass
from vgdl.ontology.effects import EFFECTS, EffectSpec
from vgdl.ontology.registry import class_fields, typed_values
from vgdl.ontology.sprites import SPRITE_CLASSES, SpriteClass
from vgdl.ontology.terminations import TERMINATIONS, Termination
from vgdl.values import MAX_MAGNITUDE, NONE, Field

#: GVGAI's CompetitionParameters.MAX_TIMESTEPS: the game is lost at this tick.
MAX_TICKS = 2000
#: GVGAI's Game.MAX_SPRITES: creations beyond this are refused.
MAX_SPRITES = 10000


class SpriteKind:
    """One sprite type at run time: its class behaviour and the parameters the engine reads often."""

    def __init__(self, name: str, itype: int, rules: GameRules) -> None:
        self.name = name
        self.itype = itype
        self._rules = rules
        self.behaviour: SpriteClass | None = None
        self.values: dict[str, Any] = {}
        self.ancestry: tuple[int, ...] = ()
        self.ancestry_names: tuple[str, ...] = ()
        self.subtypes: tuple[int, ...] = ()  # GVGAI's iSubTypes: ancestors, itself, descendants
        self.concrete_subtypes: tuple[int, ...] = ()  # those of them with a class (that can hold sprites)
        self.update_rank = 1 << 30  # position in the update order; huge = never updated
        self.singleton = False
        self.abstract = False  # a parent type without a class: GVGAI cannot create its sprites

    def configure(self, behaviour: SpriteClass, values: dict[str, Any]) -> None:
        self.behaviour = behaviour
        self.values = values
        v = values
        self.speed = float(v["speed"])
        self.cooldown = max(1, int(v["cooldown"]))
        self.orientation = v["orientation"]
        self.is_oriented = bool(v["is_oriented"]) or self.orientation != NONE
        self.rotate_in_place = bool(v["rotateInPlace"])
        self.is_static = bool(v["is_static"])
        self.only_active = bool(v["only_active"])
        self.stationary = bool(v["stationary"])
        self.ttl = int(v["timeToLive"])
        hp = int(v["healthPoints"])
        max_hp = int(v["maxHealthPoints"]) or hp
        self.hp = min(hp, max_hp)
        self.max_hp = max_hp
        self.limit_hp = int(v["limitHealthPoints"])
        self.is_avatar = isinstance(behaviour, AvatarClass)
        self.is_resource = behaviour.is_resource
        self.is_npc = bool(v["is_npc"])
        self.portal = bool(v["portal"])
        self.color = v["color"]
        self.img = v["img"]
        self.shrink = float(v["shrinkfactor"])
        self.invisible = str(v["invisible"]).split(",")[0].lower() == "true"
        self.hidden = str(v["hidden"]).split(",")[0].lower() == "true"

    def resolve(self, name: str | None) -> int:
        """The type id of ``name`` (-1 when unknown, as GVGAI's registry answers)."""
        return self._rules.itype_of.get(name, -1) if name is not None else -1

    def __repr__(self) -> str:
        return f"SpriteKind({self.name})"


@dataclass
class EffectRule:
    """One interaction line's effect: GVGAI shares one instance among all partners of the line."""

    index: int
    spec: EffectSpec
    values: dict[str, Any]
    score: int
    line: int
    text: str
    repeat: int = 1
    enabled: bool = True
    extra: dict[str, Any] = field(default_factory=dict)  # resolved type ids etc.

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass(frozen=True)
class PairEffects:
    """The effects of one (type1, type2) pair, in line order; pairs run in order of first appearance."""

    actor: int
    partner: int
    effects: list[EffectRule]
    first_types: tuple[int, ...]  # iSubTypes of the actor that can hold sprites
    second_types: tuple[int, ...]
    disjoint: bool  # no type is on both sides
    all_types: tuple[int, ...] = ()
    single_first: bool = False
    single_second: bool = False
    index: int = 0
    effects_enabled: tuple[EffectRule, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "all_types", self.first_types + self.second_types)
        object.__setattr__(self, "single_first", len(self.first_types) == 1)
        object.__setattr__(self, "single_second", len(self.second_types) == 1)


@dataclass(frozen=True)
class TimedRule:
    """A ``TIME`` interaction (or a timer made by ``addTimer``): runs ``rule`` every ``timer`` ticks."""

    rule: EffectRule
    itype: int  # -1: run with no sprites
    timer: int
    repeating: bool
    score: int
    first: int = -1  # the tick of the first run


class GameRules:
    """Everything fixed about a game once its file is loaded; shared by all copies."""

    def __init__(self, desc: GameDescription) -> None:
        self.desc = desc
        self.file = desc.file
        self.warnings: list[str] = list(desc.warnings)
        self.itype_of: dict[str, int] = {name: i for i, name in enumerate(desc.types)}
        self.kinds: list[SpriteKind] = [SpriteKind(name, i, self) for i, name in enumerate(desc.types)]
        self.square_size = self._game_int("square_size", -1)
        obs = desc.params.get("obs")
        self.path_obstacles: tuple[int, ...] | None = (
            tuple(self.itype_of.get(n, -1) for n in obs.raw.split(",")) if obs else None)
        self._compile_kinds()
        self.sprite_order: tuple[int, ...] = tuple(self.itype_of[n] for n in desc.sprite_order)
        self.channel_of = {itype: i for i, itype in enumerate(self.sprite_order)}
        for rank, itype in enumerate(reversed(self.sprite_order)):
            self.kinds[itype].update_rank = rank
        self.update_order: tuple[int, ...] = tuple(
            i for i in reversed(self.sprite_order)
            if not self.kinds[i].is_avatar and self.kinds[i].behaviour.needs_update())  # type: ignore[union-attr]
        # GVGAI reads limits only from types whose class is exactly Resource (ResourcePack: limit 0).
        self.resource_limits = {self.itype_of[t.name]: int(self.kinds[self.itype_of[t.name]].values["limit"])
                                for t in desc.types.values() if t.vgdl_class == "Resource"}
        self.effect_rules: list[EffectRule] = []
        self.pair_effects: list[PairEffects] = []
        self.eos_order: list[int] = []
        self.eos_effects: dict[int, list[EffectRule]] = {}
        self.time_effects: list[TimedRule] = []
        self._compile_interactions()
        self.terminations: list[Termination] = self._compile_terminations()
        self.char_map = {c: e for c, e in desc.level_mapping.items()}
        # Actions when a level has no avatar: those of the first avatar type with a level character.
        self.actions: tuple[str, ...] = ()
        mapped = {n for e in desc.level_mapping.values() for n in e.types}
        for kind in self.kinds:
            if kind.is_avatar and kind.name in mapped:
                self.actions = kind.behaviour.actions  # type: ignore[union-attr]
                break

    # ---------------------------------------------------------------------------------------------
    def _game_int(self, key: str, default: int) -> int:
        p = self.desc.params.get(key)
        if p is None:
            return default
        try:
            return int(p.raw)
        except ValueError:
            raise VGDLError(f"{key}={p.raw}: expected an integer", self.file, p.line, p.column) from None

    def _compile_kinds(self) -> None:
        desc = self.desc
        names = list(desc.types)
        for t in desc.types.values():
            kind = self.kinds[self.itype_of[t.name]]
            kind.ancestry = tuple(self.itype_of[a] for a in t.ancestry)
            kind.ancestry_names = t.ancestry
            descendants = [self.itype_of[n] for n in names
                           if n != t.name and t.name in desc.types[n].ancestry]
            kind.subtypes = tuple(dict.fromkeys(kind.ancestry + tuple(descendants)))
            kind.concrete_subtypes = tuple(i for i in kind.subtypes if desc.types[names[i]].vgdl_class)
            kind.singleton = _is_true(t.own_params.get("singleton"))
            kind.abstract = t.vgdl_class is None
            cls = SpriteClass if kind.abstract else SPRITE_CLASSES.lookup(t.vgdl_class, self.file, t.line, None)
            fields, defaults = class_fields(cls)
            values = typed_values(fields, defaults, {} if kind.abstract else t.params, self.file,
                                  f"sprite type '{t.name}' ({t.vgdl_class})", self.warnings)
            kind.configure(cls(kind, values), values)
        for kind in self.kinds:
            if kind.behaviour is not None:
                kind.behaviour.compile(self)

    def _compile_interactions(self) -> None:
        pair_index: dict[tuple[int, int], list[EffectRule]] = {}
        by_line: dict[int, EffectRule] = {}
        for ir in self.desc.interactions:
            rule = by_line.get(ir.line)
            if rule is None:
                rule = self.add_effect_rule(ir)
                by_line[ir.line] = rule
            a, b = ir.actor, ir.partner
            if a == "TIME" or b == "TIME":
                other = b if a == "TIME" else a
                itype = self.itype_of.get(other, -1)
                v = rule.values
                timer = int(v.get("timer", -1))
                if bool(v.get("repeating", False)) and timer <= 0:
                    raise VGDLError("a repeating TIME effect needs timer > 0 (GVGAI would hang)",
                                    self.file, ir.line, ir.column)
                # GVGAI: without nextExecution the first run is at tick 0; with it, at tick ``timer``.
                first = timer if int(v.get("nextExecution", -1)) != -1 else -1
                self.time_effects.append(TimedRule(rule, itype, timer, bool(v.get("repeating", False)),
                                                   rule.score, first))
                continue
            if b == "EOS" or a == "EOS":
                itype = self.itype_of[b if a == "EOS" else a]
                self.eos_order.append(itype)
                self.eos_effects.setdefault(itype, []).append(rule)
                continue
            key = (self.itype_of[a], self.itype_of[b])
            if key not in pair_index:
                pair_index[key] = []
                first, second = self.kinds[key[0]].concrete_subtypes, self.kinds[key[1]].concrete_subtypes
                self.pair_effects.append(PairEffects(key[0], key[1], pair_index[key], first, second,
                                                     not set(first) & set(second)))
            pair_index[key].extend([rule] * max(1, rule.repeat))
        for i, pair in enumerate(self.pair_effects):
            object.__setattr__(pair, "index", i)
            object.__setattr__(pair, "effects_enabled", tuple(e for e in pair.effects if e.enabled))

    def add_effect_rule(self, ir: InteractionRule, quiet: bool = False) -> EffectRule:
        """Compile one interaction line's effect; each gets its own index for per-game state."""
        spec = EFFECTS.lookup(ir.effect, self.file, ir.line, ir.column)
        index = len(self.effect_rules)
        is_time = ir.actor == "TIME" or ir.partner == "TIME"
        fields = dict(spec.fields)
        if is_time:
            fields.update(TIME_FIELDS)
        where = f"effect '{ir.effect}'"
        collected: list[str] = []
        values = typed_values(fields, {}, ir.params, self.file, where, collected)
        if not (quiet or is_time or spec.name == "addTimer"):  # GVGAI does not warn about these
            self.warnings.extend(collected)
        score = _score_value(ir.params.get("scoreChange"), self.file, self.warnings)
        rule = EffectRule(index=index, spec=spec, values=values, score=score, line=ir.line,
                          text=f"{ir.actor} {ir.partner} > {ir.effect}",
                          repeat=int(values.get("repeat", 1)), enabled=bool(values.get("enabled", True)))
        self.effect_rules.append(rule)
        spec.compile(self, rule, ir)
        return rule

    def _compile_terminations(self) -> list[Termination]:
        out = []
        for tr in self.desc.terminations:
            cls = TERMINATIONS.lookup(tr.kind, self.file, tr.line, tr.column)
            fields, defaults = class_fields(cls)
            values = typed_values(fields, defaults, tr.params, self.file, f"termination '{tr.kind}'",
                                  self.warnings)
            out.append(cls(self, values, tr))
        return out

    def resolve_type(self, name: str | None, param: Param | None, where: str, required: bool = True) -> int:
        """A type id for a parameter that names a sprite type; unknown names are load-time errors."""
        if name is None:
            if required:
                raise VGDLError(f"{where} needs a sprite type parameter", self.file,
                                param.line if param else None, param.column if param else None)
            return -1
        if name not in self.itype_of:
            raise VGDLError(f"{where}: unknown sprite type '{name}'{closest(name, self.itype_of)}",
                            self.file, param.line if param else None, param.column if param else None)
        return self.itype_of[name]


TIME_FIELDS = {"timer": Field("int", -1), "nextExecution": Field("int", -1), "repeating": Field("bool", False)}


def _is_true(p: Param | None) -> bool:
    return p is not None and p.raw.lower() == "true"


def _score_value(p: Param | None, file: str, warnings: list[str]) -> int:
    """GVGAI's getScoreChange: the first entry of the comma list as an int; else 0."""
    if p is None:
        return 0
    first = p.raw.split(",")[0]
    try:
        value = int(first)
    except ValueError:
        warnings.append(f"{file}:{p.line}:{p.column}: scoreChange={p.raw} is not an integer; "
                        "GVGAI scores 0 for it")
        return 0
    if abs(value) >= MAX_MAGNITUDE:
        raise VGDLError(f"scoreChange={p.raw} is out of range (32-bit integers only)", file, p.line, p.column)
    return value
