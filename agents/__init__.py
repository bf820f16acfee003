"""Agents for the testbed: every agent sees only what the Gymnasium env gives (see agents/base.py)."""
