"""Width-based best-first search over the mental simulator toward the current goals.

Why: EMPA's planner (``WBP.py``) mixes IW novelty pruning with a best-first queue on a goal
gradient, and commits to a plan as soon as a target count drops (subgoals). Ours does the same
over :mod:`agents.empa.simulator` games; goals are win candidates (reduce a type's count),
novelty goals (touch a type whose interaction is unknown) and, with priors off, score and
survival. Constants come from ``planner.yml``.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agents.empa.perception import cell_of, cells_of
from vgdl.game import Game

DIRS = {"ACTION_UP": (0, -1), "ACTION_DOWN": (0, 1), "ACTION_LEFT": (-1, 0), "ACTION_RIGHT": (1, 0)}
TYPE, X, Y, IS_AVATAR, ID = 0, 1, 2, 5, 6
#: the widest novelty test: pairs of atoms with the avatar's cell (IW's widths run 1, 2)
MAX_WIDTH = 2


@dataclass
class Goals:
    targets: set[int] = field(default_factory=set)              # reduce these types' counts (win candidates)
    confirmed: set[int] = field(default_factory=set)            # targets known to win when they reach 0
    killers: dict[int, set[int]] = field(default_factory=dict)  # target -> types that remove it
    novelty: set[int] = field(default_factory=set)              # touch these (unknown interaction)
    pair_novelty: set[tuple[int, int]] = field(default_factory=set)  # bring a movable type to another
    movable: set[int] = field(default_factory=set)              # types the avatar can displace
    herded: set[int] = field(default_factory=set)               # types that flee or chase the avatar
    moving: set[int] = field(default_factory=set)               # types that move by themselves (search cost)
    period: int = 1  # ticks after which spawn points repeat: waiting a tick there is a new state
    fatal: set[tuple[int, int]] = field(default_factory=set)    # pairs whose meeting loses the game
    projectile: int | None = None                               # what the avatar shoots, if known
    avatar: int | None = None
    resource_bonus: bool = True
    value_score: bool = False
    #: cells of blocking objects to walk into once each (look-alikes of a wall may let the avatar through)
    probe: set[tuple[int, int]] = field(default_factory=set)
    #: subgoal states an earlier attempt at this level reached and then found nothing left to do from
    #: (a crystal taken in the middle of the lava with no fuel left): (types, state_signature) each
    dead_ends: list[tuple[frozenset[int], frozenset[Any]]] = field(default_factory=list)


def state_signature(types: frozenset[int], avatar: tuple[int, int] | None, inventory: Any,
                    objects: Any) -> frozenset[Any]:
    """A state as far as goals go: the avatar's cell and holdings, and the cells of the objects of
    ``types`` (``objects``: (type, x, y) triples; ``inventory``: (type, amount) pairs)."""
    held = tuple(sorted((int(t), int(n)) for t, n in inventory if n > 0))
    return frozenset([("a", avatar), ("r", held), *((t, x, y) for t, x, y in objects if t in types)])


@dataclass
class Plan:
    actions: list[str]
    predicted: list[tuple[int, int] | None]  # avatar cell after each action
    reason: str  # win | subgoal | novelty | probe | gradient | none
    nodes: int = 0
    work: int = 0  # nodes x objects simulated (each node counted with its own objects, rollouts included)
    herded: list[frozenset[tuple[int, int, int]]] = field(default_factory=list)  # (type, x, y) after each action


@dataclass
class _Node:
    game: Game
    actions: list[str]
    cells: list[tuple[int, int] | None]
    h: float
    table: np.ndarray


class Planner:
    def __init__(self, constants: dict[str, Any], projectile_rollout: bool, rng: np.random.Generator) -> None:
        self.c = constants
        self.rollout = projectile_rollout
        self.rng = rng
        self._work, self._work_cap = 0, float("inf")  # this search's node x objects so far, and its cap
        self._root_resources: dict[Any, int] = {}  # the avatar's inventory at the search's root

    # -------------------------------------------------------------------------------------------
    def _avatar(self, table: np.ndarray) -> tuple[int, int] | None:
        rows = table[table[:, IS_AVATAR] > 0.5]
        if not len(rows):
            return None
        return cell_of(float(rows[0, X])), cell_of(float(rows[0, Y]))

    def _prepare(self, tokens: np.ndarray, goals: Goals) -> None:
        """Per-plan channel masks, so each node's evaluation is plain indexing (no set lookups)."""
        def mask(types: set[int] | list[int]) -> np.ndarray:
            return np.isin(tokens, list(types)) & (tokens >= 0)

        self._targets = [(mask([t]), mask(goals.killers.get(t, set()) - {goals.avatar}),
                          goals.avatar in goals.killers.get(t, set())) for t in sorted(goals.targets)]
        self._any_target = mask(goals.targets)
        self._novel = mask(goals.novelty)
        self._pairs = [(mask([m]), mask([t])) for m, t in sorted(goals.pair_novelty)]
        self._movable = mask(goals.movable)
        self._moving = mask(goals.moving)
        pairs = sorted(goals.pair_novelty)
        remote = goals.herded | ({goals.projectile} if goals.projectile is not None else set())
        self._meet_pairs = [masks for (m, _), masks in zip(pairs, self._pairs, strict=True) if m in remote]
        self._probe = np.array(sorted(goals.probe), dtype=np.int64).reshape(-1, 2)

    def _meets(self, table: np.ndarray) -> bool:
        """A shot, or a thing the avatar herds, is next to a type it never met: a novelty goal reached.

        Why next to and not on: the simulator does not know what happens when they touch.
        """
        if not self._meet_pairs or not len(table):
            return False
        ch = table[:, TYPE].astype(np.intp)
        xy = cells_of(table[:, X:Y + 1])
        for mm_ch, tm_ch in self._meet_pairs:
            mm, tm = mm_ch[ch], tm_ch[ch]
            if mm.any() and tm.any() and np.abs(xy[mm][:, None, :] - xy[tm][None, :, :]).sum(2).min() <= 1:
                return True
        return False

    def _value(self, game: Game, table: np.ndarray, goals: Goals, root_score: float) -> float:
        c = self.c
        ch = table[:, TYPE].astype(np.intp)
        xy = cells_of(table[:, X:Y + 1])
        av = self._avatar(table)
        h = 0.0
        for tmask_ch, kmask_ch, avatar_kills in self._targets:
            mask = tmask_ch[ch]
            n = int(mask.sum())
            if not n:
                continue
            h += c["count_weight"] * n
            if avatar_kills and av is not None:
                h += c["distance_weight"] * int(np.abs(xy[mask] - av).sum(1).min())
            kmask = kmask_ch[ch]
            if kmask.any():
                d = np.abs(xy[mask][:, None, :] - xy[kmask][None, :, :]).sum(2)
                h += c["distance_weight"] * int(d.min())
                if av is not None:
                    h += c["approach_weight"] * int(np.abs(xy[kmask] - av).sum(1).min())
        if av is not None:
            nmask = self._novel[ch]
            if nmask.any():
                h += c["novelty_goal_weight"] * int(np.abs(xy[nmask] - av).sum(1).min())
        if av is not None and len(self._probe):
            h += c["novelty_goal_weight"] * int(np.abs(self._probe - av).sum(1).min())
        for mm_ch, tm_ch in self._pairs:
            mm, tm = mm_ch[ch], tm_ch[ch]
            if mm.any() and tm.any():
                d = np.abs(xy[mm][:, None, :] - xy[tm][None, :, :]).sum(2)
                h += c["novelty_goal_weight"] * int(d.min())
                if av is not None:
                    h += c["approach_weight"] * int(np.abs(xy[mm] - av).sum(1).min())
        if goals.resource_bonus:  # resources gained count; spending what the avatar held is free
            state = game.avatar_state()
            if state:
                held = self._root_resources
                h -= c["resource_bonus"] * sum(max(0, n - held.get(r, 0)) for r, n in state["resources"].items())
        if goals.value_score:
            h -= c["score_weight"] * (game.score - root_score)
        return h

    def _target_count(self, table: np.ndarray) -> int:
        return int(self._any_target[table[:, TYPE].astype(np.intp)].sum())

    def _touches_novelty(self, parent: _Node, action: str, goals: Goals) -> bool:
        d = DIRS.get(action)
        cell = parent.cells[-1] if parent.cells else None
        if d is None or cell is None or not goals.novelty or not len(parent.table):
            return False
        t = parent.table
        xy = cells_of(t[:, X:Y + 1])
        at = (xy[:, 0] == cell[0] + d[0]) & (xy[:, 1] == cell[1] + d[1])
        return bool(self._novel[t[at, TYPE].astype(np.intp)].any())

    # -------------------------------------------------------------------------------------------
    def plan(self, root_game: Game, tokens: np.ndarray, actions: list[str], goals: Goals,
             budget: int, work: float = float("inf")) -> Plan:
        """Best-first search with novelty pruning; returns the first plan that reaches a goal.

        The search stops after ``budget`` nodes or once it has simulated ``work`` node x objects, each
        node counted with its own objects: a theory that fills the mental game (spawners) then gets
        fewer nodes, so the decision's time stays bounded.

        With herded types (fleers, chasers) the plan also carries where the simulation put them after
        each action, so the agent can re-plan when the real ones go elsewhere.
        """
        self._work, self._work_cap = 0, work
        plan = self._search(root_game, tokens, actions, goals, budget)
        plan.work = self._work
        if plan.actions and goals.herded:
            game = root_game.copy()  # same random future as the search's: copies replay identically
            for action in plan.actions:
                game.step(action)
                table = game.object_table()
                types = tokens[table[:, TYPE].astype(np.intp)]
                keep = np.isin(types, list(goals.herded))
                plan.herded.append(frozenset((int(t), cell_of(float(x)), cell_of(float(y)))
                                             for t, x, y in zip(types[keep], table[keep, X], table[keep, Y],
                                                                strict=True)))
        return plan

    def _search(self, root_game: Game, tokens: np.ndarray, actions: list[str], goals: Goals,
                budget: int) -> Plan:
        c = self.c
        table = root_game.object_table()
        root_cell = self._avatar(table)
        if root_cell is None:
            return Plan([], [], "none")
        root_score = root_game.score
        state = root_game.avatar_state()
        self._root_resources = dict(state["resources"]) if state else {}
        self._prepare(tokens, goals)
        self._fatal_pairs = goals.fatal
        self._token_of = {n: int(tokens[i]) for i, n in enumerate(root_game.type_names)}
        root_count = self._target_count(table)
        root_h = self._value(root_game, table, goals, root_score)
        root = _Node(root_game, [], [root_cell], root_h, table)
        first_width = int(c["width"])
        nodes = 0
        best: _Node | None = None
        order = list(actions)
        # IW(k) proper, where things the avatar moves lie about: when the novelty test at width 1 pruned
        # every way on before the budget ran out (a box to be pushed from a cell the avatar already stood
        # on), search again at width 2. (Elsewhere a pruned-dry search is left as it was: revisiting the
        # avatar's cells moves nothing there.)
        pushables = bool(len(table)) and bool(self._movable[table[:, TYPE].astype(np.intp)].any())
        last_width = max(first_width, MAX_WIDTH) if pushables else first_width
        for width in range(first_width, last_width + 1):
            queue: list[tuple[float, int, int, _Node]] = [(root_h, 0, 0, root)]
            plan = self._expand(queue, width, nodes, budget, goals, tokens, root_count, root_score, order)
            if isinstance(plan, Plan):
                return plan
            nodes, found = plan
            if found is not None and (best is None or found.h < best.h):
                best = found
            if queue or nodes >= budget or self._work >= self._work_cap:
                break
        if best is not None and best.h < root_h - 1e-9:
            return Plan(best.actions, best.cells[1:], "gradient", nodes)
        return Plan([], [], "none", nodes)

    def _expand(self, queue: list[tuple[float, int, int, _Node]], width: int, nodes: int,
                budget: int, goals: Goals, tokens: np.ndarray, root_count: int, root_score: float,
                order: list[str]) -> Plan | tuple[int, _Node | None]:
        """Best-first expansion with novelty pruning at ``width``: a plan that reaches a goal, else the
        nodes spent so far and the best node seen (the queue is left as it stopped: empty if pruned dry)."""
        c = self.c
        counter = itertools.count(1)
        seen: set[Any] = set()
        best: _Node | None = None
        while queue and nodes < budget and self._work < self._work_cap:
            _, depth, _, node = heapq.heappop(queue)
            if depth >= c["max_plan_length"]:
                continue
            self.rng.shuffle(order)
            for action in order:
                nodes += 1
                child_game = node.game.copy()
                child_game.step(action)
                if child_game.winner == "LOSE" or child_game.avatar() is None or self._fatal(child_game):
                    self._work += self._cost(node.table)
                    continue
                ctable = child_game.object_table()
                self._work += self._cost(ctable)
                cell = self._avatar(ctable)
                child = _Node(child_game, node.actions + [action], node.cells + [cell], 0.0, ctable)
                count = self._target_count(ctable)
                if count < root_count:
                    if goals.dead_ends and self._is_dead_end(child_game, ctable, tokens, cell, goals):
                        continue  # reached before, and nothing was left to do from there
                    gone = {t for t in goals.targets
                            if not np.isin(tokens[ctable[:, TYPE].astype(np.int64)], [t]).any()}
                    reason = "win" if gone & (goals.confirmed or goals.targets) else "subgoal"
                    return Plan(child.actions, child.cells[1:], reason, nodes)
                if self._touches_novelty(node, action, goals) or self._pushes_into(node, action, tokens, goals) \
                        or self._meets(ctable):
                    return Plan(child.actions, child.cells[1:], "novelty", nodes)
                if goals.probe and self._probes(node, action, goals):
                    return Plan(child.actions, child.cells[1:], "probe", nodes)
                h = self._value(child_game, ctable, goals, root_score)
                if action == "ACTION_USE" and self.rollout:
                    h = min(h, self._rollout_value(child_game, tokens, goals, root_score, root_count))
                child.h = h
                key = self._atoms(cell, ctable, count, child_game)
                if goals.period > 1:
                    key.append(("t", (depth + 1) % goals.period))  # the spawn points' phase
                novel = False
                for atom in key:
                    k = (atom,) if width <= 1 else (cell, atom)
                    if k not in seen:
                        seen.add(k)
                        novel = True
                if not novel:
                    continue
                if best is None or h < best.h:
                    best = child
                heapq.heappush(queue, (h, depth + 1, next(counter), child))
        return nodes, best

    def _is_dead_end(self, game: Game, table: np.ndarray, tokens: np.ndarray, cell: tuple[int, int] | None,
                     goals: Goals) -> bool:
        state = game.avatar_state()
        held = [(self._token_of.get(r, -1), n) for r, n in state["resources"].items()] if state else []
        types = tokens[table[:, TYPE].astype(np.intp)]
        xy = cells_of(table[:, X:Y + 1])
        objects = [(int(t), int(x), int(y)) for t, (x, y) in zip(types, xy, strict=True)]
        return any(state_signature(kinds, cell, held, objects) == sig for kinds, sig in goals.dead_ends)

    def plan_loss(self, root_game: Game, actions: list[str], budget: int) -> Plan:
        """The shortest action sequence after which the simulation loses (breadth first, one node per
        avatar cell and depth): how the agent restarts a level it can no longer win."""
        root = root_game.avatar()
        if root is None:
            return Plan([], [], "none")
        bs = root_game.block_size
        frontier: list[tuple[Game, list[str], list[tuple[int, int] | None]]] = [(root_game, [], [])]
        seen = {(root.x // bs, root.y // bs)}
        nodes = 0
        while frontier and nodes < budget:
            nxt = []
            for game, path, cells in frontier:
                for action in actions:
                    nodes += 1
                    child = game.copy()
                    child.step(action)
                    av = child.avatar()
                    if child.winner == "LOSE" or av is None:
                        return Plan(path + [action], cells + [None], "restart", nodes)
                    if child.ended:
                        continue
                    cell = (av.x // bs, av.y // bs)
                    if cell not in seen:
                        seen.add(cell)
                        nxt.append((child, path + [action], cells + [cell]))
            frontier = nxt
        return Plan([], [], "none", nodes)

    def _cost(self, table: np.ndarray) -> int:
        """A simulated tick's work: its objects, each mover counting ``mover_work`` times (a static
        object is shared between copies; a mover is copied, moved and collision-checked every tick)."""
        movers = int(self._moving[table[:, TYPE].astype(np.intp)].sum()) if len(table) else 0
        return len(table) + int(self.c["mover_work"]) * movers

    def _fatal(self, game: Game) -> bool:
        """Did an effect fire in the simulation that has always lost the real game?"""
        if not self._fatal_pairs:
            return False
        tok = self._token_of
        return any((tok.get(e["type1"], -1), tok.get(e["type2"], -1)) in self._fatal_pairs for e in game.events())

    @staticmethod
    def _probes(parent: _Node, action: str, goals: Goals) -> bool:
        """The move walks into a cell to probe (its blocker may be a look-alike that lets the avatar by)."""
        d = DIRS.get(action)
        cell = parent.cells[-1] if parent.cells else None
        return d is not None and cell is not None and (cell[0] + d[0], cell[1] + d[1]) in goals.probe

    @staticmethod
    def _pushes_into(parent: _Node, action: str, tokens: np.ndarray, goals: Goals) -> bool:
        """The move shoves a movable object into a type it never met (a relational novelty goal)."""
        d = DIRS.get(action)
        cell = parent.cells[-1] if parent.cells else None
        if d is None or cell is None or not goals.pair_novelty or not len(parent.table):
            return False
        t = parent.table
        types = tokens[t[:, TYPE].astype(np.int64)]
        xy = cells_of(t[:, X:Y + 1])
        xs, ys = xy[:, 0], xy[:, 1]
        near = types[(xs == cell[0] + d[0]) & (ys == cell[1] + d[1])]
        far = types[(xs == cell[0] + 2 * d[0]) & (ys == cell[1] + 2 * d[1])]
        return any((int(m), int(f)) in goals.pair_novelty for m in near for f in far)

    def _rollout_value(self, game: Game, tokens: np.ndarray, goals: Goals, root_score: float,
                       root_count: int) -> float:
        """Prior ``projectile_rollout``: let the shot fly with the avatar idle and score where it ends."""
        g = game.copy()
        for _ in range(int(self.c["rollout_ticks"])):
            g.step("ACTION_NIL")
            self._work += self._cost(g.object_table())
            if g.ended or g.avatar() is None:
                break
        if g.winner == "LOSE" or g.avatar() is None:
            return float("inf")
        t = g.object_table()
        bonus = self.c["count_weight"] * (root_count - self._target_count(t))
        return self._value(g, t, goals, root_score) - bonus

    def _atoms(self, cell: tuple[int, int] | None, table: np.ndarray, count: int, game: Game) -> list[Any]:
        """IW atoms: the avatar's cell with what it holds, the target count, the object count, the inventory,
        movable objects. (The cell goes with the inventory: a cell reached holding keys, where water drowns,
        must not hide the same cell reached with none. Width 2 pairs every atom with the cell anyway.)"""
        state = game.avatar_state()
        inventory = tuple(sorted(state["resources"].items())) if state else ()
        atoms: list[Any] = [("a", cell, inventory), ("n", count), ("m", len(table)), ("r", inventory)]
        mask = self._movable[table[:, TYPE].astype(np.intp)]
        if mask.any():
            for row in table[mask]:
                atoms.append(("o", int(row[ID]), cell_of(float(row[X])), cell_of(float(row[Y]))))
        return atoms
