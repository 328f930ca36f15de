"""Synthetic populations, agency extracts with their own styles and errors, and ground truth.

- ``generate_population(n, seed)``: people, one row each (see population.py).
- ``make_extracts(population, agencies, overlap, profile, seed)``: (extracts, truth).
- ``generate_extracts(...)``: the same, plus record-to-person keys and an error log.
- ``PROFILES`` / ``Profile``: the clean, moderate and heavy error rates.
- ``make_register(population, seed)``: a plaintext public register for the privacy audit.
"""

from .extracts import SyntheticExtracts, agency_sizes, generate_extracts, make_extracts
from .population import generate_population
from .profiles import PROFILES, Profile, get_profile
from .register import make_register
from .styles import id_column

__all__ = [
    "PROFILES",
    "Profile",
    "SyntheticExtracts",
    "agency_sizes",
    "generate_extracts",
    "generate_population",
    "get_profile",
    "id_column",
    "make_extracts",
    "make_register",
]
