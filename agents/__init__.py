"""Agents for the testbed: every agent sees only what the Gymnasium env gives (see agents/base.py).

``agents.make("empa:-walls_known")`` builds any registered configuration (see agents/registry.py).
"""

from agents.registry import AGENTS, AgentSpec, SpecError, make, parse

__all__ = ["AGENTS", "AgentSpec", "SpecError", "make", "parse"]
