"""The static prior audit: purpose-built games that break one prior each, GVGAI's corpus, our manifest's tags."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from agents.empa.priors import PRIORS
from testbed.audit import AGENT_SIDE, CHECKS, GAME_SIDE, audit_command, audit_game, audit_games, markdown
from testbed.games import select_games
from vgdl.suite import PRIORS as MANIFEST_PRIORS
from vgdl.suite import load_manifest

#: Manifest tags the audit contradicts, each checked by reading the game (the manifest is wrong in each).
# Where the hand tags in games/manifest.toml and the audit disagree, with the reason the tag stands.
# (Empty: the three disagreements found when the audit was written were wrong tags, fixed in the manifest:
# keyring_door_maze's doors are not walls, ricochet_rover_relay's rovers never become avatars, and
# rockfall_ravine's rocks spawn at random.)
KNOWN_DISAGREEMENTS: dict[tuple[str, str], str] = {}

# A small game in which every game-side prior holds; the cases below change it to break exactly one.
BASE = """\
BasicGame square_size=10
    SpriteSet
        floor  > Immovable color=DARKGRAY
        coin   > Immovable color=GOLD
        guard  > Chaser stype=avatar cooldown=2 color=RED
        avatar > MovingAvatar color=WHITE
        wall   > Immovable color=GRAY
    LevelMapping
        . > floor
        c > floor coin
        g > floor guard
        A > floor avatar
        w > floor wall
    InteractionSet
        avatar wall > stepBack
        guard wall > stepBack
        coin avatar > killSprite scoreChange=1
        avatar guard > killSprite scoreChange=-1
    TerminationSet
        SpriteCounter stype=coin limit=0 win=True
        SpriteCounter stype=avatar limit=0 win=False
"""
LEVEL = "wwwwwww\nwA.c.gw\nw..c..w\nwwwwwww\n"

#: (case id, prior it breaks, [(old line text, new lines)], text on the line the reason must name)
CASES = [
    ("wall kills avatar", "walls_known",
     [("avatar wall > stepBack", ["avatar wall > killSprite scoreChange=-1"])], "avatar wall > killSprite"),
    ("destructible wall", "walls_known",
     [("guard wall > stepBack", ["guard wall > stepBack", "wall avatar > killSprite"])], "wall avatar > killSprite"),
    ("pushable wall", "walls_known",
     [("wall   > Immovable color=GRAY", ["wall   > Passive color=GRAY"]),
      ("guard wall > stepBack", ["guard wall > stepBack", "wall avatar > bounceForward"])],
     "wall avatar > bounceForward"),
    ("effect outside library", "interaction_library",
     [("coin avatar > killSprite scoreChange=1", ["coin avatar > killSprite scoreChange=1",
                                                  "avatar coin > addHealthPoints value=1"])], "addHealthPoints"),
    ("control passes", "avatar_known",
     [("avatar > MovingAvatar color=WHITE", ["avatar > color=WHITE", "    walker > MovingAvatar color=WHITE",
                                             "    runner > MovingAvatar color=PINK"]),
      ("A > floor avatar", ["A > floor walker"]),
      ("coin avatar > killSprite scoreChange=1", ["coin avatar > killSprite scoreChange=1",
                                                  "walker coin > transformTo stype=runner"])],
     "walker coin > transformTo"),
    ("ongoing avatar", "avatar_known",
     [("avatar > MovingAvatar color=WHITE", ["avatar > OngoingAvatar color=WHITE"])], "avatar > OngoingAvatar"),
    ("survive a timer", "objective_form",
     [("SpriteCounter stype=coin limit=0 win=True", ["Timeout limit=100 win=True"])], "Timeout limit=100"),
    ("count up", "objective_form",
     [("SpriteCounter stype=coin limit=0 win=True", ["SpriteCounterMore stype=coin limit=5 win=True"])],
     "SpriteCounterMore"),
    ("random spawn point", "deterministic_rules",
     [("coin   > Immovable color=GOLD", ["coin   > Immovable color=GOLD",
                                          "hole   > SpawnPoint stype=guard prob=0.5 cooldown=5 color=BLACK"]),
      ("g > floor guard", ["g > floor guard hole"])], "hole   > SpawnPoint"),
    ("random direction", "deterministic_rules",
     [("guard wall > stepBack", ["guard wall > stepBack", "guard coin > flipDirection"])],
     "guard coin > flipDirection"),
    ("holding kills", "resources_good",
     [("coin   > Immovable color=GOLD", ["coin   > Resource color=GOLD limit=5"]),
      ("coin avatar > killSprite scoreChange=1", ["coin avatar > collectResource scoreChange=1",
                                                  "avatar floor > killIfHasMore resource=coin limit=2"])],
     "killIfHasMore"),
    ("shot bounces off walls", "projectile_rollout",
     [("avatar > MovingAvatar color=WHITE", ["avatar > ShootAvatar stype=bolt color=WHITE",
                                             "bolt   > Missile color=LIGHTBLUE"]),
      ("guard wall > stepBack", ["guard wall > stepBack", "bolt wall > reverseDirection"])],
     "bolt wall > reverseDirection"),
    ("shot hurts shooter", "projectile_rollout",
     [("avatar > MovingAvatar color=WHITE", ["avatar > ShootAvatar stype=bolt color=WHITE",
                                             "bolt   > Missile color=LIGHTBLUE"]),
      ("guard wall > stepBack", ["guard wall > stepBack", "bolt wall > killSprite", "avatar bolt > killSprite"])],
     "avatar bolt > killSprite"),
    ("drawn alike", "color_is_type",
     [("guard  > Chaser stype=avatar cooldown=2 color=RED", ["guard  > Chaser stype=avatar cooldown=2 color=GOLD"])],
     "guard  > Chaser"),
    ("both invisible", "color_is_type",
     [("coin   > Immovable color=GOLD", ["coin   > Immovable color=GOLD invisible=True"]),
      ("floor  > Immovable color=DARKGRAY", ["floor  > Immovable color=DARKGRAY invisible=True"])],
     "floor  > Immovable"),
    ("edge kills", "default_blocking",
     [("guard wall > stepBack", ["guard wall > stepBack", "guard EOS > killSprite"])], "guard EOS > killSprite"),
    ("edge wraps", "default_blocking",
     [("avatar wall > stepBack", ["avatar wall > stepBack", "avatar EOS > wrapAround"])], "avatar EOS > wrapAround"),
    ("path chaser", "movement_library",
     [("guard  > Chaser stype=avatar cooldown=2 color=RED", ["guard  > PathChaser stype=avatar cooldown=2 color=RED"])],
     "guard  > PathChaser"),
    ("chases a coin", "movement_library",
     [("guard  > Chaser stype=avatar cooldown=2 color=RED", ["guard  > Chaser stype=coin cooldown=2 color=RED"])],
     "guard  > Chaser"),
]


def variant(changes: list[tuple[str, list[str]]]) -> str:
    """BASE with each line ending in ``old`` replaced by ``new`` lines at the same indentation."""
    lines = BASE.splitlines()
    for old, new in changes:
        (i,) = [k for k, line in enumerate(lines) if line.strip() == old]
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        lines[i: i + 1] = [indent + n for n in new]
    return "\n".join(lines) + "\n"


def write_game(tmp_path: Path, text: str, level: str = LEVEL) -> Path:
    folder = tmp_path / "g"
    folder.mkdir(exist_ok=True)
    (folder / "game.txt").write_text(text)
    (folder / "level0.txt").write_text(level)
    return folder / "game.txt"


def line_of(text: str, marker: str) -> int:
    (n,) = [k for k, line in enumerate(text.splitlines(), start=1) if marker in line]
    return n


def test_every_prior_is_audited_once() -> None:
    assert set(CHECKS) | set(AGENT_SIDE) == set(PRIORS) and not set(CHECKS) & set(AGENT_SIDE)
    assert set(MANIFEST_PRIORS) <= set(GAME_SIDE)


def test_base_game_satisfies_every_game_side_prior(tmp_path: Path) -> None:
    result = audit_game(write_game(tmp_path, BASE))
    assert list(result) == list(PRIORS)
    for prior, verdict in result.items():
        assert verdict["holds"] is (None if prior in AGENT_SIDE else True), (prior, verdict)
        assert verdict["reason"]


@pytest.mark.parametrize(("case", "prior", "changes", "marker"), CASES, ids=[c[0] for c in CASES])
def test_one_broken_prior(tmp_path: Path, case: str, prior: str, changes: list, marker: str) -> None:
    text = variant(changes)
    result = audit_game(write_game(tmp_path, text))
    broken = [p for p, v in result.items() if v["holds"] is False]
    assert broken == [prior], {p: result[p]["reason"] for p in broken}
    assert re.search(rf"\bline {line_of(text, marker)}\b", result[prior]["reason"]), result[prior]["reason"]


def test_needing_a_resource_is_not_harm(tmp_path: Path) -> None:
    """Dying for *lack* of a resource (killIfHasLess) makes collecting it good, not bad."""
    text = variant([("coin   > Immovable color=GOLD", ["coin   > Resource color=GOLD limit=5"]),
                    ("coin avatar > killSprite scoreChange=1", ["coin avatar > collectResource scoreChange=1",
                                                                "avatar guard > killIfHasLess resource=coin limit=0"])])
    assert audit_game(write_game(tmp_path, text))["resources_good"]["holds"] is True


def test_teleport_exits_counted_in_levels(tmp_path: Path) -> None:
    """A portal with one exit is deterministic; with two, the exit is drawn at random."""
    text = variant([("coin   > Immovable color=GOLD", ["coin   > Immovable color=GOLD",
                                                        "gate   > Portal stype=pad color=BLUE",
                                                        "pad    > Immovable color=LIGHTBLUE"]),
                    ("g > floor guard", ["g > floor guard", "o > floor gate", "p > floor pad"]),
                    ("avatar wall > stepBack", ["avatar wall > stepBack", "avatar gate > teleportToExit"])])
    game = write_game(tmp_path, text, "wwwwwww\nwA.c.ow\nw.p.c.w\nwwwwwww\n")
    assert audit_game(game)["deterministic_rules"]["holds"] is True
    game = write_game(tmp_path, text, "wwwwwww\nwApc.ow\nw.p.c.w\nwwwwwww\n")
    verdict = audit_game(game)["deterministic_rules"]
    assert verdict["holds"] is False and f"line {line_of(text, 'avatar gate > teleportToExit')}" in verdict["reason"]


def test_orientation_variants_are_one_type(tmp_path: Path) -> None:
    """Subtypes that differ only in their starting orientation pool correctly: drawn alike is no break."""
    text = variant([("guard  > Chaser stype=avatar cooldown=2 color=RED",
                     ["rock   > Missile color=RED", "    rockleft > orientation=LEFT color=RED",
                      "    rockright > orientation=RIGHT color=RED"]),
                    ("g > floor guard", ["g > floor rockleft", "h > floor rockright"]),
                    ("guard wall > stepBack", ["rock wall > reverseDirection"]),
                    ("avatar guard > killSprite scoreChange=-1", ["avatar rock > killSprite scoreChange=-1"])])
    result = audit_game(write_game(tmp_path, text, "wwwwwww\nwA.cghw\nw..c..w\nwwwwwww\n"))
    assert result["color_is_type"]["holds"] is True, result["color_is_type"]["reason"]


def test_manifest_tags_agree_with_the_audit() -> None:
    """Our manifest's hand tags against the audit; every disagreement must be a known, justified one."""
    cards = load_manifest()
    results = audit_games(select_games("all"))
    disagree = {(name, prior) for name, card in cards.items() for prior, tag in card.priors.items()
                if results[name][prior]["holds"] is not tag}
    new = {k: results[k[0]][k[1]]["reason"] for k in disagree - set(KNOWN_DISAGREEMENTS)}
    assert not new, f"the audit and games/manifest.toml disagree: {new}"
    assert not set(KNOWN_DISAGREEMENTS) - disagree, "stale KNOWN_DISAGREEMENTS entries"


def test_audit_runs_on_every_gvgai_game(shared_gvgai: Path) -> None:
    refs = select_games(str(shared_gvgai / "games"))
    results = audit_games(refs)
    assert len(results) == len(refs) > 0
    for game, result in results.items():
        assert list(result) == list(PRIORS)
        for prior, verdict in result.items():
            assert verdict["reason"], (game, prior)
            if prior in AGENT_SIDE:
                assert verdict["holds"] is None
            else:
                assert verdict["holds"] in (True, False), (game, prior)
            if verdict["holds"] is False:
                assert re.search(r"line \d+|built-in", verdict["reason"]), (game, prior, verdict["reason"])


def test_markdown_counts_and_table(tmp_path: Path) -> None:
    base = audit_game(write_game(tmp_path, BASE))
    broken = audit_game(write_game(tmp_path, variant(CASES[0][2])))
    md = markdown({"base": base, "broken": broken}, "Audit", command="testbed audit --games x")
    assert md.startswith("# Audit\n") and "`testbed audit --games x`" in md
    assert "| `walls_known` | game | 1 | 1 | 0 |" in md
    assert "| `event_log` | agent | 0 | 0 | 2 |" in md
    assert "**1 of 2 games satisfy all 10 game-side priors** (base)." in md
    rows = [line for line in md.splitlines() if line.startswith("| base |") or line.startswith("| broken |")]
    assert rows[0].count("✓") == len(GAME_SIDE) + 1 and rows[1].count("✗") == 2


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("audit")(audit_command)
    return app


def test_command_writes_json_and_markdown(tmp_path: Path) -> None:
    out_json, out_md = tmp_path / "a.json", tmp_path / "a.md"
    result = CliRunner().invoke(_app(), ["--games", "short_maze,coin_dash", "--json", str(out_json),
                                         "--md", str(out_md)])
    assert result.exit_code == 0, result.output
    assert "walls_known" in result.stdout
    data = json.loads(out_json.read_text())
    assert set(data) == {"short_maze", "coin_dash"}
    assert set(data["coin_dash"]) == set(PRIORS)
    assert data["coin_dash"]["event_log"]["holds"] is None
    assert "| coin_dash |" in out_md.read_text()


@pytest.mark.parametrize("spec", ["no_such_game", "EMPTY_DIR"])
def test_command_rejects_bad_games(tmp_path: Path, spec: str) -> None:
    if spec == "EMPTY_DIR":
        spec = str(tmp_path / "empty")
        Path(spec).mkdir()
    result = CliRunner().invoke(_app(), ["--games", spec, "--json", str(tmp_path / "a.json")])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "testbed:" in result.stderr
    assert not (tmp_path / "a.json").exists()
