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


# --- per village (region format 1.4) ---------------------------------------------------------------

VEURNE = (51.0722, 2.6622)
ALVERINGEM = (51.012, 2.711)


def _example_model() -> Any:
    from conftest import ROOT, load

    region = load(ROOT / "regions" / "examples" / "westhoek-dorpen.json")
    return travel_model(region_id=region.pk)


def test_the_example_region_is_read_with_its_villages(db: Any, django_assert_num_queries: Any) -> None:
    from conftest import ROOT, load

    region = load(ROOT / "regions" / "examples" / "westhoek-dorpen.json")
    with django_assert_num_queries(2):
        model = travel_model(region_id=region.pk)
    assert frozenset({"veurne", "alveringem"}) in model.direct
    assert model.villages[("veurne", "houtem")].listed_only and not model.villages[("veurne", "houtem")].links
    assert model.villages[("alveringem", "hoogstade")].on_demand


def test_a_village_without_a_bus_walks_to_the_centre_first(db: Any) -> None:
    """Houtem (no public transport, 7.7 km from Veurne's centre in a straight line, 10 km on the road) against
    Bulskamp (reached by Veurne's bus): to Alveringem, Bulskamp is direct; Houtem first walks to Veurne's stop,
    over two hours at 4.5 km/h, so the model sends a client there by bike or outreach rather than by bus."""
    model = _example_model()
    bulskamp = Place("bulskamp", "veurne", 51.0435, 2.648)
    houtem = Place("houtem", "veurne", 51.0167, 2.596)
    assert model.access_minutes(bulskamp, "alveringem") == 0
    walk = model.villages[("veurne", "houtem")].walk_minutes
    assert 120 < walk < 150
    assert model.access_minutes(houtem, "alveringem") == walk
    assert model.minutes(houtem, "alveringem", *ALVERINGEM) > model.minutes(bulskamp, "alveringem", *ALVERINGEM) + 80
    # by bike the village is as near as its distance
    assert model.minutes(houtem, "alveringem", *ALVERINGEM, mode="bike") < 60


def test_a_village_with_only_the_on_demand_bus_books_it_to_the_centre(db: Any) -> None:
    """Hoogstade is reached only by the Belbus (on demand): to Veurne, one change at Alveringem's centre (15
    minutes for booking and the change), then the direct bus; to its own centre the Belbus alone (15)."""
    model = _example_model()
    hoogstade = Place("hoogstade", "alveringem", 50.977, 2.693)
    centre = Place("alveringem", "alveringem", *ALVERINGEM)
    assert model.access_minutes(centre, "veurne") == 0
    assert model.access_minutes(hoogstade, "veurne") == 15
    assert model.access_minutes(hoogstade, "alveringem") == 15


def test_a_listed_village_is_direct_only_where_its_own_links_go() -> None:
    from apps.matching.travel import Link, VillageAccess

    model = TravelModel.from_region(
        [Link("bus-1", "bus", ("a", "b")), Link("bus-2", "bus", ("c",), ("v",))],
        [VillageAccess("a", "v", "listed", 1.0, 1.0), VillageAccess("a", "w", "municipality", 1.0, 1.0)],
        {"a": (1.0, 1.0)},
    )
    v, w = Place("v", "a", 1.0, 1.0), Place("w", "a", 1.0, 1.0)
    assert model.access_minutes(v, "c") == 0 and model.access_minutes(v, "b") == 15
    assert model.access_minutes(w, "b") == 0 and model.access_minutes(w, "c") == 15


def test_bekegem_is_reached_by_its_flexbus_and_eernegem_by_the_ichtegem_buses(oostende: Any) -> None:
    model = travel_model(region_id=oostende.pk)
    bekegem = Place("bekegem", "ichtegem", 51.1489, 3.0582)
    eernegem = Place("eernegem", "ichtegem", 51.1282, 3.0231)
    assert model.access_minutes(eernegem, "oostende") == 0
    assert model.access_minutes(bekegem, "oostende") == 15
