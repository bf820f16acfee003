"""``testbed``: run agents on games into a results store, export/import results, write leaderboards.

    testbed run                                   # the default tournament -> leaderboards/default.md
    testbed run --agents random,empa --games heldout --seeds 0-2 --budget 2000 --db runs/study.sqlite
    testbed export --db runs/study.sqlite --out study.jsonl
    testbed import study.jsonl --db runs/merged.sqlite
    testbed leaderboard --db runs/study.sqlite --suite heldout --out leaderboards
    testbed list

Bad input (an unknown agent, game, prior, variant or config field) prints one line with the valid
names and exits with status 2 before anything is written. ``run`` exits 1 when any unit failed.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from agents.registry import AGENTS, IMPORTED, NEURAL, AgentSpec, SpecError, parse
from testbed.audit import audit_command
from testbed.games import GameRef, GameSelectionError, parse_variants, select_games
from testbed.store import DEFAULT_DB, Store, StoreError, read_jsonl, write_jsonl
from testbed.units import Execution

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__.splitlines()[0])
app.command("audit")(audit_command)  # testbed audit: which priors hold in a game (testbed/audit.py)

#: the default tournament: a few dev and held-out games, one seed, finishing in minutes on 2 cores
DEFAULT = {
    "agents": "random,empa,empa-noprior,ppo-grid",
    "games": "short_maze,coin_dash,ember_crossing,rotten_orchard,lantern_relay",
    "seeds": "0",
    "budget": 1000,
    "neural_budget": 25_000,
}


def fail(message: str, code: int = 2) -> None:
    """One line on stderr, then exit (2: bad input; nothing was written)."""
    typer.echo(f"testbed: {message}", err=True)
    raise typer.Exit(code)


def _command() -> str:
    return "testbed " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def parse_seeds(text: str) -> list[int]:
    """``"0,1,2"``, ``"0-3"`` (inclusive) or a mix."""
    seeds: list[int] = []
    try:
        for part in (p.strip() for p in text.split(",") if p.strip()):
            if "-" in part[1:]:
                lo, hi = part.split("-", 1) if not part.startswith("-") else (part, part)
                seeds += range(int(lo), int(hi) + 1)
            else:
                seeds.append(int(part))
    except ValueError:
        raise SpecError(f"seeds must be integers like 0,1,2 or 0-4, got {text!r}") from None
    if not seeds or any(s < 0 for s in seeds):
        raise SpecError(f"seeds must be non-negative integers like 0,1,2 or 0-4, got {text!r}")
    return list(dict.fromkeys(seeds))


def _check_torch_device(device: str) -> None:
    """Refuse, before any unit runs, a torch device this machine does not have (SpecError)."""
    import torch

    try:
        torch.empty(1, device=device)
    except (RuntimeError, AssertionError) as exc:
        raise SpecError(f"--torch-device {device!r} is not usable here: {str(exc).splitlines()[0]}") from None


def _specs(text: str) -> list[AgentSpec]:
    specs = [parse(s) for s in _split_specs(text)]
    for spec in specs:
        if spec.kind == IMPORTED:
            raise SpecError(f"agent {spec.base!r} is not run by the tournament; use `testbed import-plays`")
    if not specs:
        raise SpecError(f"no agents given; valid agents: {', '.join(AGENTS)}")
    return list({s.name: s for s in specs}.values())


def _split_specs(text: str) -> list[str]:
    """Agents are comma-separated, but so are a spec's overrides: ``empa:-a,-b,random`` -> 2 specs."""
    out: list[str] = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        base = part.split(":", 1)[0]
        if out and ":" in out[-1] and base not in AGENTS:
            out[-1] += "," + part  # an override of the previous spec
        else:
            out.append(part)
    return out


@app.command()
def run(
    agents: Annotated[str | None, typer.Option(help="agent specs, e.g. random,empa,empa:-walls_known")] = None,
    games: Annotated[str | None, typer.Option(help="dev | heldout | all | names,... | a directory of games")] = None,
    variants: Annotated[str, typer.Option(help="none and/or reskin,rename,shuffle-levels")] = "",
    seeds: Annotated[str | None, typer.Option(help="e.g. 0,1,2 or 0-4")] = None,
    budget: Annotated[int | None, typer.Option(help="steps per level (online agents)")] = None,
    neural_budget: Annotated[int | None, typer.Option(help="env steps per game (neural agents)")] = None,
    db: Annotated[Path, typer.Option(help="results store (SQLite)")] = DEFAULT_DB,
    backend: Annotated[str, typer.Option(help="local (process pool) or ray")] = "local",
    workers: Annotated[int, typer.Option(help="parallel units (default: CPU cores)")] = 0,
    ray_address: Annotated[str | None, typer.Option(help="join this Ray cluster (default: start a local one)")] = None,
    retry_failed: Annotated[bool, typer.Option(help="run units stored as failed again")] = False,
    leaderboard: Annotated[Path | None, typer.Option(help="also write <dir>/<suite>.md and .csv")] = None,
    suite: Annotated[str, typer.Option(help="leaderboard name")] = "tournament",
    unit_timeout: Annotated[float | None, typer.Option(help="wall seconds a unit may take; past it: failed")] = None,
    torch_device: Annotated[str, typer.Option(help="where neural agents train: cpu, cuda or cuda:N (recorded per "
                                                   "unit; not part of its key)")] = "cpu",
    quiet: Annotated[bool, typer.Option(help="no progress bar")] = False,
) -> None:
    """Run every agent on every game and seed; units already in the store are skipped."""
    is_default = all(v is None for v in (agents, games, seeds, budget, neural_budget))
    if is_default:
        leaderboard, suite = leaderboard or Path("leaderboards"), "default"
    _tournament(agents or DEFAULT["agents"], games or DEFAULT["games"], variants, seeds or DEFAULT["seeds"],
                budget if budget is not None else int(DEFAULT["budget"]),
                neural_budget if neural_budget is not None else int(DEFAULT["neural_budget"]), db, backend, workers,
                ray_address, retry_failed, leaderboard, suite, quiet, Execution(unit_timeout, torch_device))


def _tournament(agents: str, games: str, variants: str, seeds: str, budget: int, neural_budget: int, db: Path,
                backend: str, workers: int, ray_address: str | None, retry_failed: bool, leaderboard: Path | None,
                suite: str, quiet: bool, execution: Execution | None = None) -> None:
    """Check every argument (exit 2 before writing anything), run the units, print the leaderboard."""
    import os

    from testbed import leaderboard as lb
    from testbed.backends import BACKENDS
    from testbed.tournament import run_tournament
    from testbed.units import make_units

    try:
        specs = _specs(agents)
        refs = select_games(games)
        variant_list = parse_variants(variants)
        seed_list = parse_seeds(seeds)
        if backend not in BACKENDS:
            raise SpecError(f"unknown backend {backend!r}; valid: {', '.join(BACKENDS)}")
        if budget <= 0 or neural_budget <= 0:
            raise SpecError("budgets must be positive")
        execution = execution or Execution()
        if execution.torch_device != "cpu" and any(s.kind == NEURAL for s in specs):
            _check_torch_device(execution.torch_device)
    except (SpecError, GameSelectionError) as exc:
        fail(str(exc))
    units = make_units(specs, refs, variant_list, seed_list, budget, neural_budget)
    n_workers = workers or os.cpu_count() or 1
    try:
        store = Store(db)
        store.lock()
    except StoreError as exc:
        fail(str(exc))
    with store:
        typer.echo(f"{len(units)} units ({len(specs)} agents x {len(refs)} games x {len(variant_list)} variants x "
                   f"{len(seed_list)} seeds) -> {db}; backend {backend}, {n_workers} workers", err=True)
        report = run_tournament(units, store, backend=backend, workers=n_workers, ray_address=ray_address,
                                retry_failed=retry_failed, command=_command(), show_progress=not quiet,
                                execution=execution)
        keys = {u.key for u in units}
        records = [r for r in store.records(status=None, details=False, decisions=True) if r["key"] in keys]
    typer.echo(f"ran {report.ran}, skipped {report.skipped} already stored, failed {len(report.failed)}; "
               f"{report.wall_seconds:.0f} s", err=True)
    typer.echo(lb.summary_text(records))
    if leaderboard is not None:
        md, _ = lb.write(records, suite, leaderboard, _command())
        typer.echo(f"wrote {md}", err=True)
    for label in report.failed:
        typer.echo(f"FAILED: {label} (`testbed failures --db {db}` shows the traceback)", err=True)
    if report.failed:
        raise typer.Exit(1)


@app.command()
def ablate(
    games: Annotated[str, typer.Option(help="dev | heldout | all | names,... | a directory of games")] = "dev",
    seeds: Annotated[str, typer.Option(help="e.g. 0,1,2 or 0-4")] = "0,1,2",
    budget: Annotated[int, typer.Option(help="steps per level")] = 1000,
    priors: Annotated[str, typer.Option(help="priors to switch off one at a time (default: every prior)")] = "",
    db: Annotated[Path, typer.Option(help="results store (SQLite)")] = Path("runs/ablation.sqlite"),
    backend: Annotated[str, typer.Option(help="local (process pool) or ray")] = "local",
    workers: Annotated[int, typer.Option(help="parallel units (default: CPU cores)")] = 0,
    ray_address: Annotated[str | None, typer.Option(help="join this Ray cluster")] = None,
    retry_failed: Annotated[bool, typer.Option(help="run units stored as failed again")] = False,
    quiet: Annotated[bool, typer.Option(help="no progress bar")] = False,
) -> None:
    """The prior ablation: random, the symbolic agent with all priors on, each prior off alone, and all off."""
    from agents.empa.priors import PRIORS

    try:
        names = [p.strip() for p in priors.split(",") if p.strip()] or list(PRIORS)
        unknown = [p for p in names if p not in PRIORS]
        if unknown:
            raise SpecError(f"unknown prior(s) {', '.join(unknown)}; valid priors: {', '.join(PRIORS)}")
    except SpecError as exc:
        fail(str(exc))
    specs = ",".join(["random", "empa", *[f"empa:-{p}" for p in names], "empa-noprior"])
    _tournament(specs, games, "", seeds, budget, 1, db, backend, workers, ray_address, retry_failed, None,
                "ablation", quiet)


@app.command()
def report(
    out: Annotated[Path, typer.Option(help="output directory: report.md, index.html, figures/")],
    db: Annotated[Path | None, typer.Option(help="results store")] = None,
    source: Annotated[Path | None, typer.Option("--from", help="an export (JSON Lines) instead of a store")] = None,
    gifs: Annotated[int, typer.Option(help="how many replays to render as GIFs")] = 3,
    neural_from: Annotated[Path | None, typer.Option(help="add the neural agents' units of this export "
                                                     "(learning curves, profiles)")] = None,
) -> None:
    """The prior-ablation report (Markdown + static HTML with figures) from a store or an export."""
    from testbed.report import build_report

    records = _records(db, source)
    if not records:
        fail("no finished units to report on")
    if neural_from is not None:
        neural = [r for r in _records(None, neural_from) if r["kind"] == NEURAL]
        if not neural:
            fail(f"{neural_from} holds no neural agents' units")
        known = {r["key"] for r in records}
        records += [r for r in neural if r["key"] not in known]
    try:
        page = build_report(records, out, _command(), gifs=gifs)
    except GameSelectionError as exc:
        fail(f"the report needs the games' files: {exc}")
    typer.echo(f"wrote {page} and {out / 'report.md'}", err=True)


def _records(db: Path | None, source: Path | None) -> list[dict[str, Any]]:
    if (db is None) == (source is None):
        fail("give exactly one of --db PATH or --from FILE.jsonl")
    try:
        if source is not None:
            return read_jsonl(source)
        with Store(db, create=False) as store:  # type: ignore[arg-type]
            return list(store.records(status=None))
    except (StoreError, OSError) as exc:
        fail(str(exc))
    return []


def _filter(records: list[dict[str, Any]], agents: str | None, games: str | None) -> list[dict[str, Any]]:
    try:
        if agents:
            wanted = {parse(s).name for s in _split_specs(agents)}
            records = [r for r in records if r["agent"] in wanted]
        if games:
            refs: list[GameRef] = select_games(games)
            names = {(g.name, g.files_hash) for g in refs}
            records = [r for r in records if (r["game"], r["game_hash"]) in names]
    except (SpecError, GameSelectionError) as exc:
        fail(str(exc))
    return records


@app.command("leaderboard")
def leaderboard_cmd(
    suite: Annotated[str, typer.Option(help="the table's name: writes <out>/<suite>.md and .csv")],
    out: Annotated[Path, typer.Option(help="output directory")] = Path("leaderboards"),
    db: Annotated[Path | None, typer.Option(help="results store")] = None,
    source: Annotated[Path | None, typer.Option("--from", help="an export (JSON Lines) instead of a store")] = None,
    agents: Annotated[str | None, typer.Option(help="only these agent specs")] = None,
    games: Annotated[str | None, typer.Option(help="only these games (same forms as run --games)")] = None,
) -> None:
    """Write a leaderboard (Markdown + CSV) from a store or an export."""
    from testbed import leaderboard as lb

    records = _filter(_records(db, source), agents, games)
    if not records:
        fail("no finished units match")
    md, csv_path = lb.write(records, suite, out, _command())
    typer.echo(lb.summary_text(records))
    typer.echo(f"wrote {md} and {csv_path}", err=True)


@app.command("misses")
def misses_cmd(
    games: Annotated[str, typer.Option(help="where the units' game files are (same forms as run --games)")],
    out: Annotated[Path, typer.Option(help="Markdown file to write")],
    agent: Annotated[str, typer.Option(help="the agent spec whose lost levels are explained")] = "empa",
    db: Annotated[Path | None, typer.Option(help="results store")] = None,
    source: Annotated[Path | None, typer.Option("--from", help="an export (JSON Lines) instead of a store")] = None,
    audit: Annotated[Path | None, typer.Option(help="a `testbed audit --json` file: the priors each game breaks")]
    = None,
) -> None:
    """Explain lost levels: replay every stored attempt at them to the tick that ended it."""
    import json

    from testbed import misses

    try:
        refs = {(g.name, g.files_hash): g for g in select_games(games)}
    except GameSelectionError as exc:
        fail(str(exc))
    try:
        wanted = parse(agent).name
    except SpecError as exc:
        fail(str(exc))
    records = [r for r in _records(db, source) if r["agent"] == wanted]
    if not records:
        fail(f"no units of agent {wanted!r}")
    try:
        table = json.loads(audit.read_text()) if audit is not None else None
    except (OSError, ValueError) as exc:
        fail(f"{audit}: {exc}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(misses.markdown(records, refs, wanted, table, _command()))
    typer.echo(f"wrote {out}", err=True)


@app.command("export")
def export_cmd(
    db: Annotated[Path, typer.Option(help="results store")],
    out: Annotated[Path, typer.Option(help="FILE.jsonl (or .jsonl.gz)")],
    agents: Annotated[str | None, typer.Option(help="only these agent specs")] = None,
    games: Annotated[str | None, typer.Option(help="only these games")] = None,
    newest_only: Annotated[bool, typer.Option(
        "--newest", help="only what a leaderboard counts: per agent spec, game, variant and seed the newest "
        "finished unit (older configurations and budgets left out; failed units kept)")] = False,
) -> None:
    """Write one JSON object per finished unit (everything the store holds about it)."""
    records = _filter(_records(db, None), agents, games)
    if newest_only:
        from testbed.leaderboard import newest

        records, _ = newest(records)
    n = write_jsonl(records, out)
    typer.echo(f"exported {n} units to {out}", err=True)


@app.command("import")
def import_cmd(
    source: Annotated[Path, typer.Argument(help="an export (JSON Lines)")],
    db: Annotated[Path, typer.Option(help="results store to merge into")] = DEFAULT_DB,
) -> None:
    """Merge an export into a store (idempotent: units already present are kept)."""
    try:
        records = read_jsonl(source)
        with Store(db) as store:
            store.lock()
            added = sum(store.put(r) for r in records)
    except (StoreError, OSError) as exc:
        fail(str(exc))
    typer.echo(f"imported {added} new units, {len(records) - added} already present -> {db}", err=True)


@app.command("import-plays")
def import_plays_cmd(
    folder: Annotated[Path, typer.Argument(help="folder of plays saved by `vgdl play` (e.g. runs/play/)")],
    db: Annotated[Path, typer.Option(help="results store")] = DEFAULT_DB,
    player: Annotated[str, typer.Option(help="who played (part of the unit's config)")] = "human",
) -> None:
    """Store a person's plays as agent ``human`` (each file is replayed and checked first)."""
    from testbed.plays import PlayImportError, play_records

    try:
        records = play_records(folder, player, _command())
        with Store(db) as store:
            store.lock()
            added = sum(store.put(r, replace=True) for r in records)
    except (PlayImportError, StoreError, GameSelectionError) as exc:
        fail(str(exc))
    typer.echo(f"stored {added} games played by {player} -> {db}", err=True)


@app.command("trajectory")
def trajectory_cmd(
    key: Annotated[str, typer.Option(help="the unit's key (see `testbed export`)")],
    level: Annotated[int, typer.Option(help="level index")],
    out: Annotated[Path, typer.Option(help="trajectory file to write (for `vgdl replay`)")],
    attempt: Annotated[int, typer.Option(help="attempt number on that level, from 1")] = 1,
    db: Annotated[Path | None, typer.Option(help="results store")] = None,
    source: Annotated[Path | None, typer.Option("--from", help="an export instead of a store")] = None,
) -> None:
    """Write one stored attempt as a trajectory file that `vgdl replay` plays (and turns into a GIF)."""
    from testbed.plays import PlayImportError, trajectory_of

    records = [r for r in _records(db, source) if r["key"] == key]
    if not records:
        fail(f"no finished unit with key {key!r}")
    try:
        traj = trajectory_of(records[0], level, attempt)
    except (PlayImportError, GameSelectionError) as exc:
        fail(str(exc))
    traj.save(out)
    typer.echo(f"wrote {out}: level {level}, attempt {attempt}, {len(traj.actions)} actions, {traj.winner}; "
               f"vgdl replay {out} --gif replay.gif", err=True)


@app.command("status")
def status_cmd(db: Annotated[Path, typer.Option(help="results store")] = DEFAULT_DB) -> None:
    """What a store holds: per agent spec and budget, units done and failed, games, seeds, CPU hours."""
    try:
        with Store(db, create=False) as store:
            rows = store.db.execute(
                "SELECT agent, budget, budget_unit, SUM(status = 'done'), SUM(status = 'failed'), "
                "COUNT(DISTINCT game), GROUP_CONCAT(DISTINCT seed), SUM(cpu_seconds) FROM units "
                "GROUP BY agent, budget, budget_unit ORDER BY MIN(id)").fetchall()
    except StoreError as exc:
        fail(str(exc))
    typer.echo(f"{'agent':<36}{'budget':>22}{'done':>6}{'failed':>7}{'games':>6}  {'seeds':<12}{'CPU h':>7}")
    for agent, budget, unit, done, failed, games, seeds, cpu in rows:
        typer.echo(f"{agent:<36}{f'{budget} {unit}':>22}{done:>6}{failed:>7}{games:>6}  {seeds:<12}"
                   f"{(cpu or 0) / 3600:>7.2f}")


@app.command("failures")
def failures_cmd(db: Annotated[Path, typer.Option(help="results store")] = DEFAULT_DB) -> None:
    """Print every failed unit with its traceback."""
    try:
        with Store(db, create=False) as store:
            rows = store.failures()
    except StoreError as exc:
        fail(str(exc))
    for key, label, error in rows:
        typer.echo(f"== {label} ({key})\n{error}")
    typer.echo(f"{len(rows)} failed units", err=True)


@app.command("list")
def list_cmd() -> None:
    """Print the registered agents, the priors and our games (split, family, broken prior tags)."""
    from rich.console import Console
    from rich.table import Table

    from agents.empa.priors import PRIORS
    from vgdl.suite import load_manifest

    console = Console()

    def show(title: str, columns: tuple[str, ...], rows: Any) -> None:
        table = Table(title=title)
        for col in columns:
            table.add_column(col)
        for row in rows:
            table.add_row(*row)
        console.print(table)

    show("agents (spec: name[:-prior,+prior,field=value,...])", ("agent", "kind", "description"),
         ((e.name, e.kind, e.description) for e in AGENTS.values()))
    show("priors (switch off with empa:-name)", ("prior", "EMPA", "claim"),
         ((p.name, p.source, p.claim) for p in PRIORS.values()))
    show("games (games/manifest.toml)", ("game", "split", "family", "priors it breaks"),
         ((c.name, c.split, c.family, ", ".join(c.broken_priors()) or "-") for c in load_manifest().values()))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
