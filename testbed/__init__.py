"""The tournament harness: run agents on games into a results store, and write leaderboards.

Imports run one way: the engine (``vgdl``) <- agents (``agents``) <- this harness.
"""
