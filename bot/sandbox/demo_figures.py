"""The demo's simulated focal points: plausible figures for the catalogue's data elements, and how a
person types them. Not official statistics: ranges a district, a commune or a department could report,
so that the summary looks like a province's and the ratios stay between 0 and 100 %.
"""

from __future__ import annotations

import math
import random

from bot.domain.models import DataElement, ElementType

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
ADMIN_NAME = "Trịnh Quốc Bảo"  # a family name no focal point has, so the admin stands out
NEWCOMERS = ("Lương Văn Hải", "Mạc Thị Thanh")  # officials who write to the bot before they are invited
GIVEN = (
    "Thị Lan",
    "Văn Minh",
    "Thu Hà",
    "Đức Anh",
    "Thị Hoa",
    "Quang Huy",
    "Ngọc Mai",
    "Văn Tú",
    "Thị Hằng",
    "Minh Châu",
)

# Per reporting agency: a department or a district (2024).
RANGES: dict[str, tuple[float, float]] = {
    "grdp_growth": (7.5, 10.5),
    "grdp_current_prices": (150_000, 165_000),
    "population": (1_950_000, 1_980_000),
    "urban_population": (760_000, 820_000),
    "share_agriculture": (6.5, 8.0),
    "share_industry_construction": (55, 58),
    "share_services": (28, 30),
    "share_product_taxes": (5.5, 6.5),
    "labour_productivity_growth": (6.5, 9.0),
    "tfp_contribution": (40, 48),
    "digital_economy_share": (18, 24),
    "grdp_rank": (11, 13),
    "communes_total": (10, 24),
    "commune_units_total": (12, 26),
    "kindergartens_total": (18, 30),
    "primary_schools_total": (16, 28),
    "lower_secondary_total": (14, 26),
    "households_total": (30_000, 65_000),
    "urban_solid_waste_generated": (20, 120),
    "upper_secondary_total": (50, 55),
    "trained_labour_certified": (30, 36),
    "unemployment_rate": (1.8, 2.6),
    "poverty_rate_reduction": (0.8, 1.6),
    "hospital_beds": (7_000, 7_600),
    "doctors": (2_000, 2_200),
    "health_insured_people": (1_890_000, 1_940_000),
    "industrial_zones_operating": (12, 14),
    "industrial_clusters_operating": (30, 36),
    "hazardous_waste_treated_share": (92, 99),
    "ghg_emission_change": (-4, -1),
    "urban_areas_total": (20, 22),
    "urban_areas_class_1": (1, 1),
    "urban_areas_class_2": (1, 1),
    "urban_areas_class_3": (0, 1),
    "urban_areas_class_4": (3, 5),
    "urban_areas_class_5": (10, 13),
    "budget_spending_total": (25_000, 28_000),
    "science_technology_spending": (300, 450),
}
# A commune or ward (2025) reports for itself: it is one commune, with a few schools.
COMMUNE_RANGES: dict[str, tuple[float, float]] = {
    "communes_total": (1, 1),
    "commune_units_total": (1, 1),
    "kindergartens_total": (2, 5),
    "primary_schools_total": (2, 4),
    "lower_secondary_total": (1, 3),
    "households_total": (4_000, 11_000),
    "urban_solid_waste_generated": (2, 15),
}
# Counts that are a share of another count the same agency reports.
PARTS: dict[str, tuple[str, float, float]] = {
    "communes_ntm_advanced": ("communes_total", 0.3, 0.8),
    "communes_ntm_model": ("communes_total", 0.05, 0.3),
    "commune_units_safe": ("commune_units_total", 0.85, 1.0),
    "kindergartens_standard": ("kindergartens_total", 0.7, 0.95),
    "primary_schools_standard": ("primary_schools_total", 0.85, 1.0),
    "lower_secondary_standard": ("lower_secondary_total", 0.75, 0.95),
    "households_clean_water": ("households_total", 0.9, 1.0),
    "urban_solid_waste_treated": ("urban_solid_waste_generated", 0.85, 1.0),
    "upper_secondary_standard": ("upper_secondary_total", 0.7, 0.85),
    "industrial_zones_wastewater": ("industrial_zones_operating", 0.8, 1.0),
    "industrial_clusters_wastewater": ("industrial_clusters_operating", 0.4, 0.7),
}


def is_commune(code: str) -> bool:
    """A commune-level unit formed on 1 July 2025 (`X-…` commune, `P-…` ward, `D-…` special zone)."""
    return code[:2] in ("X-", "P-", "D-")


def figure(
    rng: random.Random, element: DataElement, answered: dict[str, float], commune: bool, last: dict[str, float]
) -> float:
    """A plausible figure for one element, consistent with what the agency answered before in this report
    (`answered`) and last year (`last`): a year later a figure moves a little, so the bot has no jump to
    question."""
    if element.code in PARTS:
        whole, low, high = PARTS[element.code]
        if element.code in last and last.get(whole):
            share = min(1.0, last[element.code] / last[whole] * rng.uniform(0.98, 1.05))
        else:
            share = rng.uniform(low, high)
        part = answered.get(whole, 20) * share
        # Rounded up with the chance of its fraction: a commune (a whole of 1) meets a standard or not.
        return math.floor(part) + (rng.random() < part - math.floor(part))
    if element.code in last:
        value = last[element.code] * rng.uniform(0.97, 1.06)
    else:
        ranges = COMMUNE_RANGES if commune and element.code in COMMUNE_RANGES else RANGES
        low, high = ranges.get(element.code, (10, 90))
        value = rng.uniform(low, high)
    if element.max_value is not None:
        value = min(value, element.max_value)
    return round(value) if element.type is ElementType.COUNT or abs(value) > 1000 else round(value, 1)


def typed(value: float, lang: str) -> str:
    """How a focal point would type it: Vietnamese grouping and decimal comma, or English."""
    if float(value).is_integer():
        text = f"{int(value):,}"
        return text.replace(",", ".") if lang == "vi" else text
    return f"{value}".replace(".", ",") if lang == "vi" else f"{value}"


def person(index: int) -> str:
    """A Vietnamese name for the index-th simulated person, different for the first hundred."""
    family, turn = index % len(FAMILY), index // len(FAMILY)
    return f"{FAMILY[family]} {GIVEN[(family + turn) % len(GIVEN)]}"
