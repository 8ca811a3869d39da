"""Fixed reference data for the synthetic generator: places, carriers, plans, vocabularies.

Plain tuples, so generation is deterministic without consulting Faker for anything
the files must spell consistently. California places feed CalHEERS households; places
in federal-marketplace states (two with a leading-zero ZIP, to exercise ZIP recovery)
feed HealthSherpa-only households.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Place:
    city: str
    state: str
    zip_code: str
    county: str


@dataclass(frozen=True, slots=True)
class Plan:
    carrier: str
    name: str
    metal_tier: str
    plan_type: str
    hios_id: str
    base_rate: Decimal
    csr_level: str | None


CALIFORNIA = (
    Place("Sacramento", "CA", "95815", "Sacramento"),
    Place("Rancho Cordova", "CA", "95670", "Sacramento"),
    Place("Elk Grove", "CA", "95624", "Sacramento"),
    Place("Los Angeles", "CA", "90012", "Los Angeles"),
    Place("Long Beach", "CA", "90802", "Los Angeles"),
    Place("Pasadena", "CA", "91101", "Los Angeles"),
    Place("San Diego", "CA", "92101", "San Diego"),
    Place("Chula Vista", "CA", "91910", "San Diego"),
    Place("Fresno", "CA", "93721", "Fresno"),
    Place("Bakersfield", "CA", "93301", "Kern"),
    Place("Oakland", "CA", "94612", "Alameda"),
    Place("San Jose", "CA", "95112", "Santa Clara"),
    Place("Riverside", "CA", "92501", "Riverside"),
    Place("San Bernardino", "CA", "92401", "San Bernardino"),
    Place("Redding", "CA", "96001", "Shasta"),
    Place("San Luis Obispo", "CA", "93401", "San Luis Obispo"),
    Place("Stockton", "CA", "95202", "San Joaquin"),
    Place("Santa Rosa", "CA", "95401", "Sonoma"),
)

MARKETPLACE_STATES = (
    Place("Houston", "TX", "77002", "Harris"),
    Place("Dallas", "TX", "75201", "Dallas"),
    Place("Miami", "FL", "33130", "Miami-Dade"),
    Place("Orlando", "FL", "32801", "Orange"),
    Place("Atlanta", "GA", "30303", "Fulton"),
    Place("Phoenix", "AZ", "85004", "Maricopa"),
    Place("Charlotte", "NC", "28202", "Mecklenburg"),
    Place("Newark", "NJ", "07102", "Essex"),
    Place("Portland", "ME", "04101", "Cumberland"),
)

_CALIFORNIA_CARRIERS = (
    ("Anthem Blue Cross", "PPO", "27603"),
    ("Blue Shield of California", "PPO", "70285"),
    ("Health Net", "HMO", "67138"),
    ("Kaiser Permanente", "HMO", "40513"),
    ("Molina Healthcare", "HMO", "18126"),
    ("Oscar Health", "EPO", "93689"),
    ("Sharp Health Plan", "HMO", "92815"),
    ("Valley Health Plan", "HMO", "84014"),
)
_MARKETPLACE_CARRIERS = (
    ("Ambetter from Superior HealthPlan", "EPO", "45786"),
    ("Oscar Insurance Company", "EPO", "40220"),
    ("Blue Cross and Blue Shield", "PPO", "33602"),
    ("UnitedHealthcare", "HMO", "20069"),
    ("Aetna CVS Health", "HMO", "72034"),
    ("Cigna Healthcare", "EPO", "29418"),
)
_TIERS = (
    ("Bronze 60", Decimal("380.00"), None, "01"),
    ("Bronze HDHP", Decimal("365.00"), None, "01"),
    ("Silver 70", Decimal("470.00"), None, "01"),
    ("Enhanced Silver 73", Decimal("470.00"), "73%", "04"),
    ("Enhanced Silver 87", Decimal("470.00"), "87%", "05"),
    ("Enhanced Silver 94", Decimal("470.00"), "94%", "06"),
    ("Gold 80", Decimal("560.00"), None, "01"),
    ("Platinum 90", Decimal("650.00"), None, "01"),
    ("Minimum Coverage", Decimal("290.00"), None, "01"),
)


def _plans(carriers: tuple[tuple[str, str, str], ...], state: str) -> tuple[Plan, ...]:
    plans = []
    for carrier_index, (carrier, plan_type, issuer_id) in enumerate(carriers):
        for tier_index, (tier, rate, csr, variant) in enumerate(_TIERS):
            hios = f"{issuer_id}{state}{carrier_index + 1:03d}{tier_index + 1:04d}-{variant}"
            adjusted = rate * (Decimal(95) + carrier_index * 3) / 100
            plans.append(
                Plan(carrier, f"{carrier} {tier} {plan_type}", tier, plan_type, hios, adjusted, csr)
            )
    return tuple(plans)


CALIFORNIA_PLANS = _plans(_CALIFORNIA_CARRIERS, "CA")
MARKETPLACE_PLANS = _plans(_MARKETPLACE_CARRIERS, "TX")
DENTAL_PLANS = (
    ("Delta Dental of California", "Delta Dental PPO"),
    ("Blue Shield of California", "Blue Shield Dental HMO"),
    ("Anthem Blue Cross", "Anthem Dental Family"),
)

LANGUAGES = ("English", "English", "English", "English", "Spanish", "Spanish", "Chinese")
RELATIONSHIPS = ("Spouse", "Child", "Child", "Child", "Parent", "Other Relative")
DMI_TYPES = (
    "Household income",
    "Citizenship",
    "Immigration status",
    "Minimum essential coverage",
    "Social Security Number",
    "Incarceration",
)
SVI_TYPES = (
    "Loss of minimum essential coverage",
    "Permanent move",
    "Marriage",
    "Birth or adoption",
)
CANCEL_NOTES = (
    "Canceled at member's request",
    "Non-payment of binder, carrier cancelled",
    'Member said: "switching to employer plan, thanks"',
    "Duplicate application,\nkept the newer one",
)
