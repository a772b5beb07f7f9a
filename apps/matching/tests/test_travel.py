"""The travel model: estimates from coordinates and the region's transit links, replaceable by a matrix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from apps.matching.selectors import travel_model
from apps.matching.travel import Place, TravelModel, haversine_km

OOSTENDE = (51.2303, 2.9203)
ICHTEGEM = Place("ichtegem", "ichtegem", 51.0874, 3.0296)
BREDENE = Place("bredene", "bredene", 51.2389, 2.9726)


def test_haversine_matches_the_reference_distances() -> None:
    # region reference (bpost/OpenStreetMap centres): Bredene 3.8 km, Ichtegem 17.6 km from Oostende (straight line)
    assert abs(haversine_km(BREDENE.latitude, BREDENE.longitude, *OOSTENDE) - 3.8) < 0.2
    assert abs(haversine_km(ICHTEGEM.latitude, ICHTEGEM.longitude, *OOSTENDE) - 17.6) < 0.3


def test_public_transport_needs_a_transfer_without_a_direct_link() -> None:
    linked = TravelModel.from_links([("bus", ["oostende", "ichtegem"])])
    unlinked = TravelModel.from_links([("on_demand", ["oostende", "ichtegem"])])  # booking ahead: not direct
    a = linked.minutes(ICHTEGEM, "oostende", *OOSTENDE)
    b = unlinked.minutes(ICHTEGEM, "oostende", *OOSTENDE)
    assert 45 < a < 90 and b - a == 15
    assert linked.minutes(ICHTEGEM, "oostende", *OOSTENDE, mode="bike") > 80  # 23 km at 15 km/h


def test_the_region_file_links_ichtegem_by_bus_but_not_de_haan(oostende: Any) -> None:
    model = travel_model(region_id=oostende.pk)
    assert frozenset({"oostende", "ichtegem"}) in model.direct
    assert frozenset({"de-haan", "ichtegem"}) not in model.direct


def test_a_measured_matrix_replaces_the_estimate(oostende: Any, tmp_path: Path, settings: Any) -> None:
    matrix = tmp_path / "matrix.csv"
    matrix.write_text("from,to,mode,minutes\nichtegem,oostende,pt,38\n", encoding="utf-8")
    settings.TRAVEL_MATRIX_FILE = str(matrix)
    model = travel_model(region_id=oostende.pk)
    assert model.minutes(ICHTEGEM, "oostende", *OOSTENDE) == 38
    assert model.minutes(BREDENE, "oostende", *OOSTENDE) != 38  # others keep the estimate
