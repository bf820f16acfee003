"""The priors registry: complete, checked, documented."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from agents.empa.priors import PRIORS, Behaviour, PriorSet, behaviour_owners, markdown_table, resolve_off

REQUIRED = {"object_state", "event_log", "walls_known", "interaction_library", "avatar_known", "objective_form",
            "deterministic_rules", "resources_good", "projectile_rollout", "color_is_type", "default_blocking",
            "movement_library", "single_map_theory", "tuned_planner", "danger_replan"}


def test_registry_holds_every_prior_the_issue_names_with_its_source_and_fallback() -> None:
    assert REQUIRED <= set(PRIORS)
    for p in PRIORS.values():
        assert re.fullmatch(r"P\d{1,2}", p.source), p.name
        assert p.claim and p.when_off and p.default is True


def test_resolve_off_accepts_all_and_lists_and_rejects_unknown_names() -> None:
    assert resolve_off("all") == frozenset(PRIORS)
    assert resolve_off("event_log, walls_known") == {"event_log", "walls_known"}
    assert resolve_off(None) == frozenset()
    with pytest.raises(ValueError, match="unknown priors"):
        resolve_off(["event_logg"])


def test_privileged_channels_open_only_for_priors_that_are_on() -> None:
    assert PriorSet().privileged() == ["avatar", "events", "inventory", "walls"]
    assert "events" not in PriorSet(frozenset({"event_log"})).privileged()
    assert PriorSet(frozenset(PRIORS)).privileged() == []
    assert PriorSet(frozenset({"walls_known"})).walls_known is False
    with pytest.raises(AttributeError):
        PriorSet().not_a_prior  # noqa: B018


def test_every_behaviour_field_has_exactly_one_prior_and_every_prior_sets_one() -> None:
    owners = behaviour_owners()
    assert all(len(v) == 1 for v in owners.values()), owners
    assert set(owners) == set(Behaviour.__dataclass_fields__)
    assert all(p.sets for p in PRIORS.values())
    for p in PRIORS.values():
        for field_name, (on, off) in p.sets.items():
            assert on != off, (p.name, field_name)  # a switch that changes nothing is not a prior
            assert getattr(PriorSet().behaviour(), field_name) == on
            assert getattr(PriorSet(frozenset({p.name})).behaviour(), field_name) == off


def test_dependencies_are_declared_names_and_switch_dependents_off() -> None:
    for p in PRIORS.values():
        assert set(p.requires) <= set(PRIORS) - {p.name}, p.name
    ps = PriorSet(frozenset({"object_state"}))
    assert ps.inactive() == {"event_log", "interaction_library", "resources_good"}  # transitively
    assert ps.event_log is False and ps.interaction_library is False and ps.walls_known is True
    assert ps.behaviour() == PriorSet(frozenset({"object_state", "event_log", "interaction_library",
                                                 "resources_good"})).behaviour()
    assert PriorSet(frozenset({"event_log"})).inactive() == {"interaction_library"}
    assert PriorSet(frozenset({"interaction_library"})).inactive() == frozenset()


def test_agent_code_reads_behaviour_fields_never_prior_names() -> None:
    """Each prior's behaviour has one home (priors.py): agent modules must not branch on prior names."""
    pkg = Path(__file__).resolve().parents[3] / "agents" / "empa"
    for path in sorted(pkg.glob("*.py")):
        if path.name == "priors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in PRIORS:
                raise AssertionError(f"{path.name}:{node.lineno} reads prior {node.attr!r} directly")


def test_docs_table_is_the_registry() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "priors.md").read_text()
    assert markdown_table() in doc
