"""Termination conditions: when a game ends, and whether the player won.

GVGAI checks them in file order after each tick's effects and removals; the
first one that holds decides. Counts exclude disabled (dead) avatars and
include every subtype of the named type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vgdl.ontology.registry import Registry
from vgdl.values import Field

if TYPE_CHECKING:
    from vgdl.description import TerminationRule
    from vgdl.game import Game
    from vgdl.rules import GameRules


class Termination:
    """Base termination: ``win`` (GVGAI reads the first entry of a per-player comma list)."""

    fields = {"win": Field("raw", "False"), "limit": Field("int", 0), "count_score": Field("bool", False)}
    #: whether a StopCounter's gate applies to this termination
    gated = True

    def __init__(self, rules: GameRules, values: dict[str, Any], rule: TerminationRule) -> None:
        self.values = values
        self.limit = int(values["limit"])
        self.win = str(values["win"]).split(",")[0].lower() == "true"
        self.count_score = bool(values["count_score"])
        self.compile(rules, rule)

    def compile(self, rules: GameRules, rule: TerminationRule) -> None:
        """Resolve type names (unknown ones are load-time errors, as GVGAI's constructors throw)."""

    def done(self, g: Game) -> bool:
        raise NotImplementedError

    def winner(self, g: Game) -> bool:
        if self.count_score:
            # GVGAI rebuilds the win string from the scores; with every score 0 it appends, so it loses.
            return g.raw_score != 0
        return self.win

    @staticmethod
    def _type(rules: GameRules, rule: TerminationRule, key: str, required: bool = True) -> int:
        param = rule.params.get(key)
        name = param.raw if param is not None else None
        return rules.resolve_type(name, param, f"{rule.kind} {key}", required)


TERMINATIONS: Registry[type[Termination]] = Registry("termination")


@TERMINATIONS.register("SpriteCounter")
class SpriteCounter(Termination):
    """Ends when the live count of ``stype`` (with subtypes) is at most ``limit``."""

    fields = {"stype": Field("str", None)}

    def compile(self, rules: GameRules, rule: TerminationRule) -> None:
        self.itype = self._type(rules, rule, "stype")

    def done(self, g: Game) -> bool:
        return g.store.live_count(self.itype) <= self.limit and g.can_end


@TERMINATIONS.register("SpriteCounterMore")
class SpriteCounterMore(SpriteCounter):
    """Ends when the live count of ``stype`` is at least ``limit``."""

    def done(self, g: Game) -> bool:
        return g.store.live_count(self.itype) >= self.limit and g.can_end


class _MultiCounter(Termination):
    fields = {"stype1": Field("str", None), "stype2": Field("str", None), "stype3": Field("str", None),
              "min": Field("bool", False)}

    def compile(self, rules: GameRules, rule: TerminationRule) -> None:
        self.itypes = [self._type(rules, rule, k) for k in ("stype1", "stype2", "stype3")
                       if rule.params.get(k) is not None]

    def total(self, g: Game) -> int:
        return sum(g.store.live_count(t) for t in self.itypes)


@TERMINATIONS.register("MultiSpriteCounter")
class MultiSpriteCounter(_MultiCounter):
    """Ends when the summed live counts equal ``limit`` (or, with ``min``, exceed it)."""

    def done(self, g: Game) -> bool:
        acc = self.total(g)
        return g.can_end and (acc == self.limit or (self.values["min"] and acc > self.limit))


@TERMINATIONS.register("MultiSpriteCounterSubTypes")
class MultiSpriteCounterSubTypes(Termination):
    """Ends when ``stype1``'s count equals ``limit`` and exactly ``subTypesNum`` of its types have sprites."""

    fields = {"stype1": Field("str", None), "subTypesNum": Field("int", -1)}

    def compile(self, rules: GameRules, rule: TerminationRule) -> None:
        self.itype = self._type(rules, rule, "stype1", required=False)
        self.rules = rules

    def done(self, g: Game) -> bool:
        acc = g.store.live_count(self.itype) if self.itype >= 0 else 0
        if not (acc == self.limit and g.can_end):
            return False
        subs = self.rules.kinds[self.itype].subtypes if self.itype >= 0 else ()
        present = sum(1 for t in subs if g.store.live_count(t) > 0 and g.store.group(t))
        return present == self.values["subTypesNum"]


@TERMINATIONS.register("StopCounter")
class StopCounter(_MultiCounter):
    """Never ends the game; opens or closes the gate of the counters listed after it."""

    def done(self, g: Game) -> bool:
        acc = self.total(g)
        g.can_end = acc <= self.limit if self.values["min"] else acc != self.limit
        return False


@TERMINATIONS.register("Timeout")
class Timeout(Termination):
    """Ends at tick ``limit`` (GVGAI's tick counter, which starts at 0 on the first step)."""

    fields = {"use_counter": Field("bool", False), "compare": Field("bool", False), "limits": Field("raw", "0")}
    gated = False

    def done(self, g: Game) -> bool:
        return g.game_tick >= self.limit
