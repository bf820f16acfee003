"""EMPA-like theory-based agent: every built-in assumption is a switchable prior (see priors.py)."""

from agents.empa.agent import EMPAAgent, EMPAConfig
from agents.empa.priors import PRIORS, PriorSet

__all__ = ["PRIORS", "EMPAAgent", "EMPAConfig", "PriorSet"]
