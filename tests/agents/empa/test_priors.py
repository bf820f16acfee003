"""The priors registry: complete, checked, documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agents.empa.priors import PRIORS, PriorSet, markdown_table, resolve_off

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


def test_docs_table_is_the_registry() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "priors.md").read_text()
    assert markdown_table() in doc
