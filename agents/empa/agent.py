"""The EMPA-like agent: perceive, learn a theory, simulate it, plan, act; every shortcut a prior.

Life cycle (``agents.base.Agent``): the runner calls ``reset`` at each episode start, then ``act``
and ``observe`` each step. Knowledge (the theory) persists across episodes and levels; plans do
not. Re-plans happen when the theory changes, the avatar is not where the plan predicted, a
harmful object comes close unexpectedly (prior ``danger_replan``), or the plan runs out.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import yaml

from agents.base import Agent, AgentConfig
from agents.empa.learner import Learner
from agents.empa.lookalikes import LookAlikes
from agents.empa.outcomes import displaces
from agents.empa.perception import (
    MOVES,
    ContingencyTracker,
    Frame,
    avatar_orientation,
    cell_of,
    frame_from_table,
    privileged,
)
from agents.empa.planner import Goals, Plan, Planner, state_signature
from agents.empa.priors import PriorSet, resolve_off
from agents.empa.simulator import channel_tokens, compile_theory, mental_game
from agents.empa.theory import Theory
from vgdl.ontology.avatars import turns_in_place

PLANNER_FILE = Path(__file__).with_name("planner.yml")


@dataclass
class EMPAConfig(AgentConfig):
    """Which priors are off, where the planner constants live, and the exploration mode."""

    priors_off: list[str] = field(default_factory=list)
    planner_file: str = str(PLANNER_FILE)
    exploration: str = "novelty"  # novelty (intrinsic goals) | epsilon (epsilon-greedy fallback)
    pixel_tile_size: int = 4  # cell size of pixel observations when object_state is off
    pixel_layers: bool = False  # pixels: read a small sprite over a ground as two objects (PixelPerceiver)
    #: pixels: ask the env for GVGAI's status bars and read what the avatar holds from them (BarInventory;
    #: with a tile of 8 pixels or more, so that one unit of a small limit shows)
    pixel_status_bars: bool = False
    #: pixels without status bars: what the avatar took (an object gone from under it) is held, by memory,
    #: until the attempt ends (``Learner.took``); off: the inventory is unseen
    pixel_pickup_memory: bool = True

    def priors(self) -> PriorSet:
        return PriorSet(resolve_off(self.priors_off))

    def constants(self) -> dict[str, Any]:
        blocks = yaml.safe_load(Path(self.planner_file).read_text())
        return dict(blocks[self.priors().behaviour().planner_block])


@dataclass
class Decision:
    """One planning decision's cost, with what it was planning over (for the compute-scaling plot)."""

    nodes: int
    seconds: float
    reason: str
    objects: int
    level: int | None = None
    cells: int = 0  # the level's area in cells


@dataclass
class _Work:
    """One decision's search allowance in node x object units (so its time scales with neither)."""

    left: int
    objects: int
    minimum: int

    def nodes(self, wanted: int) -> int:
        """Nodes the next search may expand: up to ``wanted``; 0 when fewer than the minimum are left."""
        n = min(wanted, self.left // self.objects)
        return n if n >= self.minimum else 0

    def spend(self, plan: Plan) -> int:
        """Charge a finished search its measured work (node x objects); returns its nodes."""
        self.left -= plan.work
        return plan.nodes


class EMPAAgent(Agent):
    name = "empa"
    config_class = EMPAConfig
    #: raised whenever a code change alters what the agent does (its results are then new units);
    #: 2: objects between cells are perceived, learned (speed) and simulated where they are;
    #: 3: a straight mover moving away from the avatar is no longer taken for a fleer;
    #: 4: spawn points are learned (agents/empa/spawns.py) and simulated;
    #: 5: a decision's work bound counts each node's own objects (rollouts included); no type spawns its
    #: own kind; a spawn point's products are not taken for the objective; wraps need edge-to-edge jumps;
    #: 6: movers cost ``mover_work`` in the work bound; unreachable goals are retried after a change;
    #: spawn points spawn in the mental game on the real one's ticks (their learned phase) and the
    #: search tells their phases apart (waiting for a gap); a missile that passes the avatar is not
    #: met; random steps avoid cells a harmful mover is about to enter;
    #: 7: the avatar's shot is simulated as a moving leaf type (it never moved before); a new shot flies
    #: the way the avatar faces; random steps are checked in the mental game (``safety_ticks``)
    #: 8: a resource's limit is learned (a pick-up left in place) and simulated; spawnIfHasMore is learned
    #: with what it makes and spends and simulated; spending held resources costs no resource value in
    #: the search; a novelty goal's tries drop only the novel types the plan reached
    #: 9: killIfHasMore is simulated with the resource and least amount held when it fired; a falsified
    #: objective guess waits while novelty is left; picking something up is a contact of the avatar's
    #: 10: after ``restart_after`` decisions in a row with nothing to do (objective_form on), the level
    #: is restarted by the quickest loss the theory knows instead of waiting out its time limit
    #: 11: a condition on what the avatar holds is learned with the amount held as the engine checked
    #: it (the tick's earlier pick-ups counted), and the mental game picks up before it checks
    #: 12: in the mental game a contact only guessed to block (default_blocking) runs after the rules
    #: seen, so it no longer shields the avatar from a kill it knows (a truck on an untouched road)
    #: 13: two things of one type meet in the mental game by the rule seen between them (crate crate >
    #: undoAll); before, every same-type contact was left out, so a push into a second crate "worked"
    #: 14 (object_state or color_is_type off only): what a mover covers stays perceived, hidden, and a
    #: contact with it is judged when its cell shows again (or by a win: the exit door stepped on); a
    #: token unique in two frames is one object however far it went (a teleport, not a death); with
    #: color_is_type off, the avatar's contacts count the objects it met as evidence (before, the avatar
    #: being one object, no type ever stopped being novel). With both on nothing differs from 13
    #: 15: pixel object permanence off (PixelPerceiver(permanence=False)): every prior off, dev at
    #: 5,000 steps, revision 14 won 70 of 130 levels with it, 77 without
    #: 16 (color_is_type off only): an object that killed the avatar where its look-alikes are safe (a
    #: death no type explains) becomes a kind of its own, known again by its start cell on the level's
    #: next attempts (agents/empa/lookalikes.py); before, the agent walked into it on every attempt
    #: 17 (object_state off only): a black tile inside the level is an object of the black appearance
    #: (PixelPerceiver(dark=True)); before, a sprite drawn black (chasm, pit, tar) was empty space
    #: 18 (color_is_type off only): only a culprit that stayed where the avatar takes its look-alikes is
    #: split off (a mimic among coins); before, a death from a count or an unlearned mover split an
    #: innocent object (a curse, a lava cell, a boar) that was then feared on every attempt
    #: 19, 20, 22 (object_state off only; taken back in 23, in git history at b67a3de): a covered
    #: object shown again was not taken, and a learned inventory (what vanished under the avatar and
    #: did not show again, counted per type, no spending). Dev at 5,000 steps with every prior off: 75
    #: of 130 against 81 on 18 (mimic_coin_hoard 5 -> 2: a coin look-alike moving onto a cell the
    #: avatar left made a covered floor look taken; a death under a holding never seen before blamed
    #: the floor; cursed_gem_vault 3 -> 1: the fountain's reset is spending it could not see)
    #: 21 (objective_form on): a subgoal state from which an attempt found nothing left to do (and so
    #: restarted) is a dead end the planner skips on the level's later attempts; before, every attempt
    #: took the same greedy first subgoal into the same dead end (lava_fuel_crossing level 4: 76 times)
    #: 23: 21 alone: plays as 21 with every prior on and as 18 with object_state off and objective_form
    #: off (every prior off)
    #: 24 (object_state on only): a door that opened and took what the avatar held (the key it lost in
    #: that tick, read from the event log or the state difference, the door gone while the avatar was
    #: stepped back) takes it in the mental game too, and runs before the avatar's stepBack; before, the
    #: mental door kept the key. With objective_form on, a gradient plan made from a state already
    #: decided from in the attempt counted toward restarting the level (it circles back toward the cell
    #: nearest a goal out of reach). With object_state off and objective_form off it plays as 23
    #: 25: such a circling gradient plan adds to that count only where the theory has nothing moving or
    #: appearing by itself; elsewhere it only keeps the count (24 added to it everywhere: on beam_breaker,
    #: dev, 5,000 steps, levels 1-4 took 626, 2,511, 276 and 5,000+ steps against 23's 331, 582, 144 and
    #: 2,167, restarting while it waited for its moment between darts)
    #: 26 (state differences: event_log, interaction_library or object_state off): what the avatar lost of
    #: one resource entering a cell is a ``drain`` by what it met there (simulated as changeResource,
    #: with "deadly unless holding it" as killIfHasLess), and is no longer also a price the met thing took
    #: to vanish; before, lava crossed with fuel cost nothing in the mental game. With every prior on (event
    #: log) and with every prior off (pixels: no inventory unless ``pixel_status_bars``) it plays as 25
    #: 27 (state differences): a death seen only while holding a resource is suspected to need that load
    #: (``killIfHasMore`` at the least amount held) until a death with less refutes it; before, the first
    #: death in water under two keys made water deadly for good (sinking_key_ferry, 5,000 steps:
    #: ``empa:-broken`` 4 -> 5 of 5, ``empa-noprior`` with status bars 0 -> 5). With every prior on and with
    #: every prior off (no inventory on pixels) it plays as 26
    #: 28 (pixels): a teleport's exit the avatar covers on arrival is what the frame before showed in that
    #: cell; before, it was unknown on pixels, so no learned teleport was simulated (random_warp_scavenger,
    #: empa-noprior, 5,000 steps: 3 -> 5 of 5 levels, median 569 -> 70 steps). With object state it plays
    #: as 27 (same action hashes: empa and empa:-deterministic_rules on random_warp_scavenger, empa on
    #: burrow_mouse_hunt, 1,500 steps)
    #: 29 (pixels; color_is_type off): floors no longer look like movers. The perceiver gives a tile a
    #: mover uncovers its own id back (``PixelPerceiver(reclaim=True)``); before, it took the id of a floor
    #: tile just covered nearby, a floor "moved", and the floor type became a random walker in the mental
    #: game (boomerang_beetle_garden, coin_dash). An object counts as evidence of a mover from its second
    #: move (``min_object_moves``). With object state and color_is_type on it plays as 28
    #: 30 (pixels): an avatar that turns in place (ShootAvatar) faces the last direction pressed; before,
    #: a press that only turned it read as whatever stood ahead blocking it (beam_breaker, every prior off:
    #: a deadly beam tied 'block' against 'kill'; level 0 took 12 attempts, now 3). Told on pixels
    #: (avatar_known on, object_state off), the avatar's class is the told one (was MovingAvatar always)
    #: and its shot's look is learned
    #: 31 (pixels without status bars): what the avatar took is held by memory (``Learner.took``); what a
    #: mover covers is judged when its cell shows again (before, every floor tile the avatar stepped on
    #: was "killed" by it). 32 (objective_form off): once an attempt was lost with the avatar alive and
    #: nothing removed, a level with nothing left to do is restarted. 33 (width 1): the avatar's cell atom
    #: goes with its inventory. 34 (resources_good off): a type never met holding a resource now held is
    #: a novelty goal again; remembering pick-ups, an avatar found mid-attempt gives no evidence until the
    #: next attempt (its earlier pick-ups were missed). With object state and every prior on it plays as 29
    #: 35 (remembering pick-ups): a door that opens for a held resource it once stood shut without takes
    #: one of it (sinking_key_ferry, every prior off, levels 1-2 now won). With object state it plays as 34
    #: 36 (pixels): a mover may step into the cell another mover leaves when its own old cell was surely
    #: left (empty, or showing what it hid) or its look was seen move before (``PixelPerceiver._track``);
    #: before, a train following the avatar was taken for a new train and the rail under the avatar for
    #: a pick-up (runaway_minecart, every prior off). With object state it plays as 35
    #: 37: a mover is tracked across the level's edge (a wrap-around, pixels); movement_library off: a
    #: mover whose heading held over ``heading_pairs`` pairs goes on as it went (was: random, always);
    #: per object, the type follows its most mobile object seen move most, and each object's first
    #: heading is known again on the next attempt; a death as a mover comes in blames the mover alone; a
    #: mover that goes its own way as the avatar steps in was never met (no push, no harmless meeting);
    #: avatar_known off: an avatar that goes on by itself is learned as an OngoingAvatar
    #: 38 (pixels): the shot is a kind not in the attempt's first frame (beam_breaker's was the floor, shown
    #: where shot beams vanished); a look is a mover's (36) only once its objects were tracked moving in
    #: 3 and 5% of their sightings (a floor mis-tracked once is not). With object state it plays as 37
    #: 39: without the event log a new object of a still kind is a reveal, not a killer (the floor shown
    #: where a beam vanished "killed" it); projectile_rollout off: the shot's moves count from its first
    #: tick, and (library off) a type's heading is judged on all its objects' pairs when its chosen one has
    #: too few (a shot flies a few cells: it stayed a still thing in the mental game); pixels: a new object
    #: of a mover's look hides what it appeared on; per object, a mover's moves are 2% of its sightings
    #: too (a floor in a dart's lane). With object state and every prior on it plays as 38
    #: 40: without effect names, a mover that vanished was killed by what lay ahead of it (by its last
    #: move, whatever moved it), both ways when that went too (a shot and its target), and a type gone
    #: wholly at that contact was cleared by it (a "clear" outcome: killAll); not by what it crossed
    #: unharmed, nor, on pixels, by a floor a new look covered. With every prior on it plays as 39
    #: 41: a gradient plan (no route to the objective) from a state decided from before is no progress:
    #: the agent tries something untried instead, when it can (a switch to shoot before the beam it faces)
    #: 42 (pixels, remembering pick-ups): a death on a kind stood on safely, only ever holding one resource,
    #: for as many ticks as was held, is a hidden drain (lava burning fuel): those contacts spent one a tick,
    #: and it kills with none left; the memory spends it a tick at a time. Object state plays as 41
    #: 43 (state differences): what the avatar moved on (pushed) never shared its cell, so it is no floor
    #: when the avatar dies stepping into it (a hornet that flew on as the avatar came looked pushed, and
    #: was never blamed for the deaths after); a known missile heading the avatar's way flew on by itself
    #: 44: 41's fallback only where the objective set novelty aside (searching the same novelty goals again
    #: changed nothing but the random draws: sinking_key_ferry level 0 was lost); 42's drain only where the
    #: avatar died on a kind it also stood on the tick before, and never a floor (a quarter of the level)
    #: 45 (pixels, remembering pick-ups): a death on a kind met safely before, but only ever holding less
    #: of a resource than now, is that load's (water that bears one key and sinks under two): the rule
    #: learns the threshold; before, such deaths stayed unexplained. Object state plays as 44
    #: 46 (look-alikes split by behaviour: color_is_type off): with the objective out of reach and no
    #: new way toward it, the agent walks into the blocking objects at the edge of where it can go, each
    #: once per level (one brick among bricks may be an illusion); before, only random steps found one
    #: 47 (pixels): a known look drawn between two cells is read as itself or as what it partly covers
    #: (``PixelPerceiver(transit=True)``); before, a guard of speed 0.5 became a new look at every half
    #: step, so no movement was learned for it and the planner took it for a still killer
    #: 48 (look-alikes split: color_is_type off): a death where an object of a kind the avatar takes, met
    #: unharmed before, stayed in place is not blamed on the kind but left to split that object off
    #: (``Learner._odd_lookalikes``); before, once the kind had killed (a mimic met before any coin was
    #: taken) every later mimic death was one more kill for all coins and no mimic was split again
    #: 49 (event_log off): a missile that turns back where something lies ahead of it is stepped back and
    #: reversed by that thing (``Learner._turned_back``); before, nothing learned it, and the mental spark ran
    #: on through the wall and out of the room it guards (illusory_brick_vault level 3: 87 deaths)
    #: 50 (movement_library off): a type whose moves (all its objects' together) went toward or away from
    #: the avatar beyond what a random walker could, by a binomial test, approaches or avoids it; before,
    #: without the library every mover that kept no heading was a random walker (a fleeing sheep, a boar)
    #: 51 (movement_library off): such a chaser whose moves shortened its walkable route to the avatar (round
    #: what blocks the avatar) more often than the straight-line distance follows routes (a PathChaser
    #: round the game's ``obs`` types in the mental game); before, a hunter that goes round walls was a
    #: greedy chaser stuck at them in the mental game, so the planner waited where it was caught
    #: 53 (planner width 1, tuned_planner off; event_log off): a search whose width-1 novelty test pruned
    #: every way on before its budget ran out, with things the avatar moves in the level, searches again at
    #: width 2 (IW(1) then IW(2), as IW is defined); and a thing the avatar pushes that vanished as it was
    #: shoved met what lay beyond it (``Learner._shoved_into``); before, a crate smashed into a cracked wall
    #: was "picked up" by the avatar, and no search from a cell already stood on pushed a second crate
    #: (brittle_wall_breakers)
    #: 54: a thing whose touch is believed to kill the avatar is no tool to shove about (pair novelty, the
    #: width-2 search); and (event_log and color_is_type off) a mover that steps on as the avatar walks into
    #: it, before its first move of an attempt, goes the way it first went from that start on earlier
    #: attempts: not pushed by the avatar (a hornet was, then sought out to push: cellar_stockpile)
    #: 55 (pixels): what the avatar stands on, remembered out of the table, has not reached a count of 0; a
    #: vault stepped on shut was falsified as the objective, and the real one lost (cursed_gem_vault)
    #: 56: with more than three forms of the avatar known, the mental game's "no form left" loss counts them
    #: through a parent type (a MultiSpriteCounter counts three); a change into a 4th form lost every plan
    #: 57: after an attempt that ended in a death no rule explains, a confirmed objective does not stop the
    #: search for untried things (on pixels, a fountain that lifts curses acts unseen: cursed_gem_vault)
    #: 58: ... for kinds never touched only, not pairs never brought together (boomerang_beetle_garden)
    #: 59: a contact seen to take health (subtractHealthPoints, event log) takes it in the mental game, from
    #: the avatar's observed health (object table), as much as it took; before, it did nothing there
    REVISION = 59
    config: EMPAConfig

    def __init__(self, config: EMPAConfig | None = None) -> None:
        super().__init__(config)
        self.priors = self.config.priors()
        self.b = self.priors.behaviour()  # what the priors make the agent do
        self.c = self.config.constants()
        if self.config.exploration not in ("novelty", "epsilon"):
            raise ValueError(f"exploration must be 'novelty' or 'epsilon', got {self.config.exploration!r}")
        self.rng = np.random.default_rng(self.config.seed)
        self.theory = Theory(precondition_tolerance=float(self.c["precondition_tolerance"]))
        self.learner = Learner(self.theory, self.b, self.c, remember_pickups=not self.b.perceive_objects
                               and self.config.pixel_pickup_memory and not self.config.pixel_status_bars)
        self.contingency = ContingencyTracker()
        self.planner = Planner(self.c, self.b.rollout_shots, self.rng)
        self.lookalikes = LookAlikes() if self.b.split_lookalikes else None
        self.pixels: Any = None
        self.bar_inventory: Any = None
        if not self.b.perceive_objects:
            from agents.empa.pixels import BarInventory, PixelPerceiver

            self.pixels = PixelPerceiver(self.config.pixel_tile_size, dark=True, layers=self.config.pixel_layers,
                                         reclaim=True, transit=True,
                                         status_bars=self.config.pixel_status_bars)
            self.bar_inventory = BarInventory(self.pixels) if self.config.pixel_status_bars else None
        self.decisions: list[Decision] = []
        self._info: dict[str, Any] = {}
        self._prev: Frame | None = None
        self._plan: Plan | None = None
        self._step_in_plan = 0
        self._replan = True
        self._random_steps = 0
        self._avatar_id: int | None = None
        #: pixels show no facing: an avatar that turns in place faces the last direction pressed this episode
        self._facing: tuple[int, int] = (0, 0)
        self._unreachable: set[int] = set()
        self._unreachable_pairs: set[tuple[int, int]] = set()
        #: (theory version, types present, resources held if load_novelty): what the unreachable sets hold for
        self._unreachable_since: tuple[int, frozenset[int], frozenset[int]] | None = None
        self._long_failed_at = -1
        self._novelty_tries: dict[Any, int] = {}
        self._novelty_goal: tuple[int, set[int], set[tuple[int, int]]] | None = None  # of the plan in force
        self._stale = 0  # decisions since the last progress (theory change, reward, new level)
        self._dead_end = 0  # decisions in a row that found nothing to do this episode
        self._decided_from: set[frozenset[Any]] = set()  # goal states of this episode's decisions
        self._level: int | None = None
        self._act_mark = 0
        #: the last attempt ended in a death no rule explains: its route is not "known", so novelty is sought
        self._puzzled = False
        #: per level, subgoal states from which an attempt found nothing left to do (planner skips them)
        self._dead_ends: dict[int | None, list[tuple[frozenset[int], frozenset[Any]]]] = {}
        self._subgoal_state: tuple[frozenset[int], frozenset[Any]] | None = None  # this attempt's latest
        #: per level, cells the avatar walked into or tried to (look-alikes split by behaviour: probed)
        self._probed: dict[int | None, set[tuple[int, int]]] = {}

    def env_kwargs(self, env_id: str | None = None) -> dict[str, Any]:
        """The env arguments this configuration needs: observation type and privileged channels."""
        kwargs: dict[str, Any] = {"privileged": self.priors.privileged(), "avatar_flag": self.b.told_avatar}
        if self.b.perceive_objects:
            kwargs["obs_type"] = "objects"
        else:
            kwargs.update(obs_type="pixels", tile_size=self.config.pixel_tile_size)
            if self.config.pixel_status_bars:
                kwargs["status_bars"] = True
        return kwargs

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        out["revision"] = self.REVISION
        out["priors_off"] = sorted(self.priors.off)
        out["privileged"] = self.priors.privileged()
        out["priors_inactive"] = sorted(self.priors.inactive())
        out["planner_constants"] = self.c
        return out

    # -------------------------------------------------------------------------------------------
    def reset(self, action_names: list[str], observation_space: gym.Space, observation: Any = None,
              info: dict[str, Any] | None = None) -> None:
        super().reset(action_names, observation_space, observation, info)
        if info is not None:  # the first decision perceives with this episode's info
            self._info = info
        self._prev = None
        self._plan = None
        self._replan = True
        self._facing = (0, 0)
        self._dead_end = 0
        self._decided_from = set()
        self._subgoal_state = None
        self._unreachable = set()
        self._unreachable_pairs = set()
        if self.pixels is not None:
            self.pixels.reset_episode()

    def _perceive(self, obs: Any, info: dict[str, Any]) -> Frame:
        th = self.theory
        if self.pixels is not None:
            table = self.pixels.perceive(obs)
            frame = frame_from_table(table, use_avatar_flag=False)
            frame.hidden = self.pixels.hidden_ids
            av = privileged(info, "avatar")
            if av and self.b.told_avatar and "x" in av:
                ids = frame.cells.get((cell_of(av["x"]), cell_of(av["y"])), [])
                if ids:
                    th.avatar_type = frame.objects[ids[-1]][0]
                    th.avatar_class = av.get("class", th.avatar_class)  # told (its shot's look is learned)
                    th.avatar_classes[th.avatar_type] = th.avatar_class
            if turns_in_place(th.avatar_class):
                frame.avatar_orientation = self._facing
        else:
            frame = frame_from_table(obs, self.b.told_avatar, privileged(info, "inventory", {}), read_health=True)
            av = privileged(info, "avatar")
            if av and self.b.told_avatar:
                th.avatar_type = av["channel"]
                th.avatar_class = av["class"]
                th.avatar_classes[th.avatar_type] = th.avatar_class
                if av["shoot_channels"]:
                    th.projectile = av["shoot_channels"][0]
            walls = privileged(info, "walls")
            if walls is not None and self.b.told_walls:
                th.walls = set(walls)
            if frame.avatar is not None and th.avatar_type is None:
                th.avatar_type = frame.objects[frame.avatar][0]
        if frame.avatar is None:
            if th.avatar_type is None:
                th.avatar_type = self.contingency.avatar_type()
                if th.avatar_type is not None:
                    th.avatar_class = self._guess_avatar_class()
                    th.avatar_classes[th.avatar_type] = th.avatar_class
                    th.version += 1
            self._avatar_id = ContingencyTracker.avatar_id(frame, th.avatar_type, self._avatar_id)
            frame.avatar = self._avatar_id
            if self.pixels is None:
                frame.avatar_orientation = avatar_orientation(obs, frame.avatar)
        if self.learner.remember_pickups and self._prev is not None:
            frame.inventory = {r: n for r, n in self.learner.took.items() if n > 0}
        if self.bar_inventory is not None:
            frame.inventory = self.bar_inventory.held(frame.objects, frame.avatar,
                                                      self._prev.objects if self._prev is not None else None)
            for token, most in self.bar_inventory.full.items():  # a full bar: the resource's limit
                if th.resource_limits.get(token) != most:
                    th.resource_limits[token] = most
                    th.version += 1
        if self.lookalikes is not None:
            if self._prev is None:  # an attempt's first frame: where everything starts
                self.lookalikes.start_episode(frame, info.get("level"))
            else:
                self.lookalikes.relabel(frame)
        return frame

    def _guess_avatar_class(self) -> str:
        names = set(self.action_names)
        moves = {"ACTION_UP", "ACTION_DOWN", "ACTION_LEFT", "ACTION_RIGHT"}
        if moves <= names:
            return "ShootAvatar" if "ACTION_USE" in names else "MovingAvatar"
        if "ACTION_USE" in names:
            return "FlakAvatar"
        return "HorizontalAvatar"

    # -------------------------------------------------------------------------------------------
    def act(self, observation: Any) -> int:
        self._act_mark = len(self.decisions)  # decisions of this step: labelled with its level in observe
        frame = self._perceive(observation, self._info) if self._prev is None else self._prev
        if self._prev is None:
            self._prev = frame
            self.learner.start_episode(frame, self._info.get("level") if self._info else None)
        if self.config.exploration == "epsilon" and self.rng.random() < self.c["epsilon"]:
            return int(self.rng.integers(len(self.action_names)))
        if self._random_steps > 0 or self.theory.avatar_type is None or frame.avatar is None:
            self._random_steps = max(0, self._random_steps - 1)
            return self._random_move()
        if self._needs_plan():
            self._novelty_tried()
            self._stale += 1
            if self._stale > self.c["stagnation_decisions"] and self._stale % 2 == 0:
                # No progress for a while: alternate plans with random walks (cheap, and may find news).
                self._plan, self._replan = None, False
                self._random_steps = int(self.c["stagnation_random_steps"]) - 1
                return self._random_move()
            self._make_plan(frame)
            if self._dead_end >= self.c["restart_after"] and (not self.b.score_objective or
                                                              self.theory.waiting_loses):
                self._plan_restart(frame)
            if self._plan is None or not self._plan.actions:
                self._random_steps = int(self.c["random_steps_on_failure"])
                return self._random_move()
        assert self._plan is not None
        action = self._plan.actions[self._step_in_plan]
        self._step_in_plan += 1
        return self.action_names.index(action) if action in self.action_names else self._random_move()

    def _novelty_tried(self) -> None:
        """A novelty goal "reached" again and again without anything learned is not informative: after
        ``novelty_retries`` plans to it were followed to their end with the theory unchanged, drop it.
        (Plans cut short by a re-plan do not count: in busy levels that happens nearly every step.)"""
        plan, goal = self._plan, self._novelty_goal
        self._novelty_goal = None
        if goal is None or plan is None or self._step_in_plan < len(plan.actions) or goal[0] != self.theory.version:
            return
        version, novelty, pairs = goal
        # the novel types the plan brought the avatar to (not the others of its goal: they were not tried)
        frame, reached = self._prev, set(novelty)
        cell = frame.avatar_cell() if frame is not None else None
        if cell is not None:
            near = set().union(*(frame.types_at((cell[0] + dx, cell[1] + dy))
                                 for dx, dy in ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1))))
            reached = (novelty & near) or reached
        key = (version, frozenset(reached), frozenset(pairs))
        self._novelty_tries[key] = self._novelty_tries.get(key, 0) + 1
        if self._novelty_tries[key] >= self.c["novelty_retries"]:
            self._unreachable |= reached
            self._unreachable_pairs |= pairs

    def _random_move(self) -> int:
        """A random action, but not onto a cell where something harmful is or is about to arrive (EMPA
        walked safely): a harmful mover is expected one step further along its last move."""
        choices = list(range(len(self.action_names)))
        frame = self._prev
        cell = frame.avatar_cell() if frame is not None else None
        if cell is not None and self.theory.avatar_type is not None:
            harmful = self.theory.harmful(self.b.deterministic, frame.inventory_key())
            arriving = set()  # cells a harmful mover reaches next if it goes on as it went
            headings = self.learner.headings()
            for oid, (t, x, y) in frame.objects.items():
                if t in harmful and oid in headings:
                    d = headings[oid]
                    arriving.add((x + d[0], y + d[1]))

            def safe_at(c: tuple[int, int]) -> bool:
                return c not in arriving and not frame.types_overlapping(c) & harmful

            safe = [i for i in choices
                    if safe_at((cell[0] + d[0], cell[1] + d[1]) if (d := MOVES.get(self.action_names[i])) else cell)]
            choices = safe or choices
            if frame.avatar is not None and len(choices) > 1:
                choices = self._survivable(frame, choices) or choices
        return choices[int(self.rng.integers(len(choices)))]

    def _survivable(self, frame: Frame, choices: list[int]) -> list[int]:
        """The actions after which the theory's simulation keeps the avatar alive for ``safety_ticks``
        ticks with some follow-up move: a random step should not throw a boomerang at the wall in
        front of it or wait where a bouncing shot comes back."""
        ticks = int(self.c["safety_ticks"])
        if ticks <= 0:
            return choices
        _, game = self._mental(frame, seed=0)
        names = [a for a in self.action_names if a in game.actions]

        def alive(g: Any) -> bool:
            return g.winner != "LOSE" and g.avatar() is not None

        def cell(g: Any) -> tuple[int, int]:
            av = g.avatar()
            return av.x // g.block_size, av.y // g.block_size

        out = []
        for i in choices:
            first = game.copy()
            name = self.action_names[i]
            first.step(name if name in game.actions else "ACTION_NIL")
            if not alive(first):
                continue
            for follow in names:  # one follow-up that survives the rest is enough: waiting, or a real move
                # (bumping into a wall and staying put "survives" only by the mental game's effect order)
                g = first.copy()
                for _ in range(ticks - 1):
                    g.step(follow)
                if alive(g) and (follow == "ACTION_NIL" or cell(g) != cell(first)):
                    out.append(i)
                    break
        return out

    def _mental(self, frame: Frame, seed: int) -> tuple[Any, Any]:
        """The theory compiled into a game holding the frame's objects."""
        compiled = compile_theory(self.theory, frame, self.learner.headings(), self.b.deterministic,
                                  self.b.unknown_blocks, self._floors(), self.learner.moved,
                                  self.learner.spawns.next_spawns())
        return compiled, mental_game(compiled, frame, frame.avatar_orientation, seed=seed)

    def _needs_plan(self) -> bool:
        return self._replan or self._plan is None or self._step_in_plan >= len(self._plan.actions)

    def _goals(self, frame: Frame, exploit: bool = True) -> Goals:
        th = self.theory
        counts = frame.counts()
        present = {t for t, n in counts.items() if n > 0}
        candidates = (th.win_types & present) or ((th.destroyable() - th.falsified) & present)
        guessing_again = not candidates
        if guessing_again:
            # EMPA's MultiSpriteCounter: once every single-type win is falsified, aim to clear them together.
            candidates = th.destroyable() & th.falsified & present
        candidates -= {th.avatar_type, th.projectile}
        candidates = (candidates & self.learner.initial) or candidates  # spawned things (shots, darts) come back
        if not th.win_types & present:
            # A spawn point's products keep coming: clearing them is not a guess worth planning for.
            candidates -= {s.makes for s in th.spawners.values()}
        novelty: set[int] = set()
        if self.config.exploration == "novelty" and th.avatar_type is not None:
            need = self.b.evidence_objects
            novelty = {t for t in present if t != th.avatar_type and t not in th.walls
                       and not th.known(th.avatar_type, t, need) and t not in self._unreachable}
            held = {r for r, n in frame.inventory.items() if n > 0}
            if self.b.load_novelty and held:  # what might a resource in hand do here? (resources_good off)
                novelty |= {t for t in present if t != th.avatar_type and t not in th.walls
                            and t not in self._unreachable and th.untried_holding(th.avatar_type, t, held)}
        # (not a thing whose touch is believed to kill the avatar: no tool to shove about, whatever once
        # seemed pushed; a hornet that flew on as the avatar came was sought out to push, 500 stings)
        movable = {a for (a, b), r in th.rules.items()
                   if b == th.avatar_type and any(displaces(o.outcome) for o in r.seen)} \
            - th.harmful(self.b.deterministic, frame.inventory_key())
        # EMPA's relational novelty: bring things the avatar moves, herds or lures (or shoots) to types
        # they never met.
        herded = self._herded_types()
        movers = set(movable) | herded | ({th.projectile} if th.projectile is not None else set())
        pair_novelty = {(m, t) for m in movers for t in present if m != t and t != th.avatar_type
                        and not th.known(m, t) and (m, t) not in self._unreachable_pairs}
        if exploit and th.win_types & present and all(th.killers_of(t) for t in th.win_types & present):
            # A confirmed objective we know how to reach: exploit. After a death nothing explains, a kind
            # never touched is still worth a try (a fountain that lifts the curses seen to kill); bringing
            # things together is not (a boomerang steered at the floor after each unexplained catch).
            pair_novelty = set()
            if not self._puzzled:
                novelty = set()
        elif guessing_again and (novelty or pair_novelty):
            candidates = set()  # a falsified guess waits until nothing new is left to try (it may be a trap)
        return Goals(targets=candidates, confirmed=th.win_types, killers={t: th.killers_of(t) for t in candidates},
                     novelty=novelty, pair_novelty=pair_novelty, movable=movable, herded=herded, fatal=th.fatal(),
                     avatar=th.avatar_type,
                     projectile=th.projectile,
                     moving={t for t, m in th.movement.items() if m.kind != "static"}
                     | {s.makes for s in th.spawners.values()} | ({th.projectile} - {None}),
                     period=self._spawn_period(),
                     resource_bonus=self.b.resource_bonus, value_score=self.b.score_objective)

    def _forget_unreachable(self, frame: Frame) -> None:
        """What was out of reach is tried again once the theory or the world changed (a new rule, a
        type cleared or arrived, with ``load_novelty`` a resource now held or no longer): a door that was
        shut may be open now."""
        held = frozenset(r for r, n in frame.inventory.items() if n > 0) if self.b.load_novelty else frozenset()
        since = (self.theory.version, frozenset(t for t, n in frame.counts().items() if n > 0), held)
        if since != self._unreachable_since:
            self._unreachable_since = since
            self._unreachable, self._unreachable_pairs = set(), set()

    def _spawn_period(self) -> int:
        """Ticks after which the spawn points repeat (their cooldowns' lcm, else the longest cooldown
        when that is over ``max_spawn_period``): the planner's clock for waiting for a gap."""
        cooldowns = {s.cooldown for s in self.theory.spawners.values()} or {1}
        period = math.lcm(*cooldowns)
        cap = int(self.c["max_spawn_period"])
        return period if period <= cap else min(max(cooldowns), cap)

    def _herded_types(self) -> set[int]:
        """Types believed to flee or chase the avatar: it can steer them without touching them."""
        th = self.theory
        return {t for t, m in th.movement.items() if m.kind in ("fleer", "chaser")} - {th.avatar_type}

    def _make_plan(self, frame: Frame) -> None:
        start = time.process_time()
        th = self.theory
        compiled, game = self._mental(frame, seed=int(self.rng.integers(2**31)))
        tokens = channel_tokens(game, compiled)
        self._forget_unreachable(frame)
        goals = self._goals(frame)
        # this state as far as goals go (exploring goals, swapped in below, have the same targets)
        kinds = frozenset(goals.targets | th.resources)
        here = state_signature(kinds, frame.avatar_cell(), frame.inventory_key(), frame.objects.values())
        done = self._plan
        if done is not None and done.reason == "subgoal" and self._step_in_plan >= len(done.actions):
            self._subgoal_state = kinds, here  # where the last subgoal plan led
        goals.dead_ends = self._dead_ends.get(self._level, [])
        if not (goals.targets or goals.novelty or goals.pair_novelty or goals.value_score):
            # Nothing to seek: wander (EMPA took random steps when it had no plan).
            self._plan, self._replan = None, False
            self._dead_end += 1
            self.decisions.append(Decision(0, time.process_time() - start, "idle", len(frame.objects),
                                           self._level, frame.size()[0] * frame.size()[1]))
            return
        actions = [a for a in self.action_names if a in game.actions] or list(game.actions)
        # The decision's work bound (nodes x objects, deterministic): large levels get fewer nodes, so a
        # decision's time stays bounded; with too little left, no search (the caller takes a cheap action).
        work = _Work(int(self.c["decision_work"]), max(1, len(frame.objects)), int(self.c["min_search_nodes"]))

        def search(goals: Goals, budget: str) -> Plan:
            return self.planner.plan(game, tokens, actions, goals, work.nodes(int(self.c[budget])), work.left)

        plan = search(goals, "node_budget")
        nodes = work.spend(plan)
        if not plan.actions and self._long_failed_at != th.version and work.nodes(int(self.c["long_node_budget"])):
            plan = search(goals, "long_node_budget")
            nodes += work.spend(plan)
            if not plan.actions:
                self._long_failed_at = th.version  # not again until the theory changes
                self._unreachable |= goals.novelty
                self._unreachable_pairs |= goals.pair_novelty
                explore = self._goals(frame, exploit=False)
                if (explore.novelty or explore.pair_novelty) and work.nodes(int(self.c["long_node_budget"])):
                    # The objective is known but out of reach in the theory: something must be learned first.
                    goals = explore
                    plan = search(goals, "long_node_budget")
                    nodes += work.spend(plan)
        if plan.reason == "gradient" and here in self._decided_from and not (goals.novelty or goals.pair_novelty):
            # No route to the objective, and its gradient led back to a state decided from before: a step
            # nearer it is no progress. Something untried (a switch not yet shot) may open the way (what
            # exploiting a known objective set aside: with novelty already sought, nothing new to try).
            explore = self._goals(frame, exploit=False)
            if explore.novelty or explore.pair_novelty:
                tried = search(explore, "node_budget")
                nodes += work.spend(tried)
                if tried.reason == "novelty" and tried.actions:
                    plan, goals = tried, explore
        if self.lookalikes is not None and goals.targets and (
                not plan.actions or (plan.reason == "gradient" and here in self._decided_from)):
            # The objective is out of reach and its gradient leads nowhere new: a blocker of a wall's look
            # may be no wall (one brick among bricks an illusion). Walk into one not yet tried.
            probe = self._probe_cells(frame)
            if probe:
                trial = replace(goals, probe=probe)
                tried = search(trial, "node_budget")
                nodes += work.spend(tried)
                if tried.reason in ("win", "subgoal", "probe") and tried.actions:
                    plan, goals = tried, trial
        # (a novelty plan counts as a try once it has been followed to its end: see _novelty_tried)
        self._novelty_goal = (th.version, goals.novelty, goals.pair_novelty) if plan.reason == "novelty" else None
        if plan.actions and self.b.check_runner_up and not self._safe_in_runner_up(frame, plan):
            plan = Plan([], [], "rejected", nodes)
        self._plan, self._step_in_plan, self._replan = plan, 0, False
        # A gradient plan from a state decided from before in this episode goes round in circles (back
        # toward the cell nearest a goal out of reach). Where nothing moves or appears by itself, coming
        # back changes nothing: it is no more progress than no plan at all. Where something does, it may
        # be waiting for a gap in traffic: it then only keeps the count of decisions with nothing to do.
        circling = plan.reason == "gradient" and here in self._decided_from
        self._decided_from.add(here)
        still_world = not goals.moving and goals.period <= 1
        if plan.reason in ("none", "rejected") or (circling and still_world):
            self._dead_end += 1
        elif not circling:
            self._dead_end = 0
        self.decisions.append(Decision(nodes, time.process_time() - start, plan.reason, len(frame.objects),
                                       self._level, frame.size()[0] * frame.size()[1]))

    def _probe_cells(self, frame: Frame) -> set[tuple[int, int]]:
        """Look-alikes split by behaviour (``color_is_type`` off): cells of blocking objects at the edge of
        where the avatar can walk, not yet walked into on this level.

        Why: a rule pools everything of one look, so it says a look "blocks" once most of its objects
        did; only walking into each one says which of them let the avatar by."""
        th = self.theory
        start = frame.avatar_cell()
        if start is None or frame.avatar not in frame.objects:
            return set()
        at = frame.objects[frame.avatar][0]
        inv = frame.inventory_key()
        harmful = th.harmful(self.b.deterministic, inv)

        def blocks(t: int) -> bool:
            rule = th.rules.get((at, t))
            return rule is not None and bool(rule.seen) and rule.outcome(inv, self.b.deterministic)[0] == "block"

        width, height = frame.size()
        tried = self._probed.get(self._level, set())
        seen, queue, edge = {start}, [start], set()
        while queue:
            x, y = queue.pop()
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                c = (x + dx, y + dy)
                if c in seen or not (0 <= c[0] < width and 0 <= c[1] < height):
                    continue
                seen.add(c)
                types = frame.types_at(c, exclude=frame.avatar)
                if types & th.walls:
                    continue
                if any(blocks(t) for t in types):  # (believed to block even if once blamed for a death)
                    if c not in tried:
                        edge.add(c)
                elif not types & harmful:
                    queue.append(c)
        return edge

    def _note_probed(self, prev: Frame, name: str, nxt: Frame, facing: tuple[int, int]) -> None:
        """The cell the avatar walked into, or pushed against facing it, is probed on this level."""
        d = MOVES.get(name)
        cell = prev.avatar_cell()
        if d is None or cell is None:
            return
        target = (cell[0] + d[0], cell[1] + d[1])
        if nxt.avatar_cell() == target or (nxt.avatar_cell() == cell and facing == d):
            self._probed.setdefault(self._level, set()).add(target)

    def _plan_restart(self, frame: Frame) -> None:
        """A level the theory says cannot be won from here (``restart_after`` decisions in a row found
        nothing to do: a crate stuck in a corner, the keys spent) is restarted by the quickest loss the
        theory knows, instead of waiting out its time limit. Only while wins are believed to come from
        counts (prior ``objective_form``), or once an attempt was seen lost with the avatar alive and nothing
        removed (``Theory.waiting_loses``): waiting is then no way to win."""
        start = time.process_time()
        _, game = self._mental(frame, seed=int(self.rng.integers(2**31)))
        actions = [a for a in self.action_names if a in game.actions] or list(game.actions)
        work = _Work(int(self.c["decision_work"]), max(1, len(frame.objects)), int(self.c["min_search_nodes"]))
        if self._subgoal_state is not None:  # the last subgoal led here: not again on this level
            self._dead_ends.setdefault(self._level, []).append(self._subgoal_state)
            self._subgoal_state = None
        plan = self.planner.plan_loss(game, actions, work.nodes(int(self.c["node_budget"])))
        if plan.actions:
            self._plan, self._step_in_plan, self._replan = plan, 0, False
            self._dead_end = 0
        self.decisions.append(Decision(plan.nodes, time.process_time() - start, plan.reason, len(frame.objects),
                                       self._level, frame.size()[0] * frame.size()[1]))

    def _floors(self) -> tuple[float, float]:
        return float(self.c["harmful_outcome_floor"]), float(self.c["outcome_floor"])

    def _safe_in_runner_up(self, frame: Frame, plan: Plan) -> bool:
        """Prior ``single_map_theory`` off: the plan must also survive the pessimistic theory."""
        compiled = compile_theory(self.theory, frame, self.learner.headings(), deterministic=False,
                                  default_blocking=self.b.unknown_blocks, floors=self._floors(),
                                  moving=self.learner.moved, spawn_due=self.learner.spawns.next_spawns())
        game = mental_game(compiled, frame, None, seed=int(self.rng.integers(2**31)))
        for a in plan.actions:
            game.step(a)
            if game.winner == "LOSE" or game.avatar() is None:
                return False
        return True

    # -------------------------------------------------------------------------------------------
    def observe(self, action: int, reward: float, next_observation: Any, terminated: bool, truncated: bool,
                info: dict[str, Any]) -> None:
        self._info = info
        prev = self._prev
        name = self.action_names[int(action)]
        facing = self._facing
        if name in MOVES:
            self._facing = MOVES[name]
        nxt = self._perceive(next_observation, info)
        if prev is not None:
            if not self.b.told_avatar or self.theory.avatar_type is None:
                self.contingency.update(prev, name, nxt)
            events = privileged(info, "events") if self.b.read_events else None
            if self.learner.update(prev, name, nxt, reward, terminated, info.get("winner"), events):
                self._replan = True
                self._stale = 0
            if self.lookalikes is not None:
                self._note_probed(prev, name, nxt, facing)
            if self.lookalikes is not None and self.learner.unexplained:
                taker = prev.objects[prev.avatar][0] if prev.avatar in prev.objects else None
                kinds = self.lookalikes.split(prev, self.learner.unexplained, nxt,
                                              lambda t: taker in self.theory.killers_of(t))
                if kinds:
                    self.learner.blame(prev, kinds)
                    self._replan = True
            if terminated or truncated:
                self._puzzled = info.get("winner") == "LOSE" and bool(self.learner.unexplained)
            if reward > 0 or info.get("level") != self._level:
                self._stale = 0
                self._level = info.get("level")
                for d in self.decisions[self._act_mark:]:  # made on the new level's first frame
                    d.level = self._level
            self._check_prediction(prev, nxt)
        self._prev = nxt

    def _check_prediction(self, prev: Frame, nxt: Frame) -> None:
        plan = self._plan
        if plan is None or self._step_in_plan == 0 or self._step_in_plan > len(plan.predicted):
            return
        predicted = plan.predicted[self._step_in_plan - 1]
        cell = nxt.avatar_cell()
        if cell != predicted:
            self._replan = True
            return
        if plan.herded:
            herded = self._herded_types()
            seen = frozenset((t, x, y) for t, x, y in nxt.objects.values() if t in herded)
            if seen != plan.herded[self._step_in_plan - 1]:
                self._replan = True
                return
        if self.b.replan_on_danger and cell is not None:
            harmful = self.theory.harmful(self.b.deterministic, nxt.inventory_key())
            safe = int(self.c["safe_distance"])
            for oid, (t, x, y) in nxt.objects.items():
                if t in harmful and abs(x - cell[0]) + abs(y - cell[1]) <= safe:
                    before = prev.objects.get(oid)
                    if before is None or (before[1], before[2]) != (x, y):
                        self._replan = True
                        return

    # -------------------------------------------------------------------------------------------
    def cost_by_level(self) -> dict[int | None, dict[str, float]]:
        """Per level: decisions, nodes expanded and planning CPU seconds."""
        out: dict[int | None, dict[str, float]] = {}
        for d in self.decisions:
            row = out.setdefault(d.level, {"decisions": 0, "nodes": 0, "cpu_seconds": 0.0})
            row["decisions"] += 1
            row["nodes"] += d.nodes
            row["cpu_seconds"] += d.seconds
        return out

    def cost_summary(self) -> dict[str, float]:
        """Planning cost so far: decisions, nodes and CPU seconds (for the compute-scaling plot)."""
        if not self.decisions:
            return {"decisions": 0, "nodes": 0, "cpu_seconds": 0.0, "median_decision_seconds": 0.0}
        secs = [d.seconds for d in self.decisions]
        return {"decisions": len(self.decisions), "nodes": sum(d.nodes for d in self.decisions),
                "cpu_seconds": float(sum(secs)), "median_decision_seconds": float(np.median(secs))}


__all__ = ["EMPAAgent", "EMPAConfig"]
