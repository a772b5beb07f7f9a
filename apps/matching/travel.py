"""Travel time from where a client lives to where an offer takes place.

The default model is derived from coordinates (see docs/decisions/0006-matching.md):

- distance: haversine between the client's deelgemeente (or municipality) centre and the offer's
  location, times ROAD_FACTOR for the road network;
- bike: road km at BIKE_KMH, plus BIKE_OVERHEAD_MIN;
- public transport: PT_ACCESS_MIN (walk to the stop and wait) plus road km at PT_KMH; when no
  direct link of the region's ``transit_links`` joins the client's place and the offer's
  municipality, PT_TRANSFER_MIN more; on-demand only links count as a transfer (booking ahead);
- per village (region format 1.4, ``deelgemeenten[].public_transport``): a village reached only by
  the links that name it (``listed``) is direct only to where those links go; a village with no
  regular stop first takes its on-demand bus to the municipality centre (PT_TRANSFER_MIN) or, with
  no public transport at all (``none``), walks there (road km at WALK_KMH; NO_STOP_MIN without
  coordinates), then travels on from the centre's links;
- outreach and online offers: no travel burden (0 minutes).

Destinations are municipalities (an offer's location municipality, an opportunity's municipality).

A measured matrix (CSV: ``from,to,mode,minutes`` with deelgemeente or municipality codes and an
offer-location municipality code) can replace the estimates: ``TravelModel.with_matrix(path)``.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

ROAD_FACTOR = 1.3
BIKE_KMH = 15.0
BIKE_OVERHEAD_MIN = 2.0
PT_KMH = 22.0
PT_ACCESS_MIN = 12.0
PT_TRANSFER_MIN = 15.0
SAME_PLACE_KM = 0.5
WALK_KMH = 4.5
NO_STOP_MIN = 20.0  # walk to a stop from a village without public transport, when its distance is unknown


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Place:
    code: str  # deelgemeente or municipality code
    municipality: str  # municipality code
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Village:
    """How public transport reaches one deelgemeente, when not simply by its municipality's links (format 1.4).

    ``links``: codes of the regular (not on-demand) links stopping in the village; ``on_demand``: an
    on-demand link serves it; ``listed_only``: the municipality's links do not stop here
    (``public_transport`` ``listed`` or ``none``); ``walk_minutes``: the walk to the municipality centre.
    """

    links: frozenset[str] = frozenset()
    on_demand: bool = False
    listed_only: bool = False
    walk_minutes: float = NO_STOP_MIN


@dataclass(frozen=True)
class Link:
    """A public-transport link of the region file: code, mode, municipality codes, deelgemeente codes."""

    code: str
    mode: str
    municipalities: tuple[str, ...]
    deelgemeenten: tuple[str, ...] = ()


@dataclass(frozen=True)
class VillageAccess:
    """A deelgemeente as the region file gives it: its municipality, code, ``public_transport`` and place."""

    municipality: str
    code: str
    public_transport: str = "municipality"
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class TravelModel:
    """``direct``: pairs of municipality codes joined by a (non on-demand) link; ``stops``: municipality code ->
    the regular links stopping there; ``villages``: (municipality code, deelgemeente code) -> its own access."""

    direct: set[frozenset[str]] = field(default_factory=set)
    matrix: dict[tuple[str, str, str], float] = field(default_factory=dict)
    stops: dict[str, frozenset[str]] = field(default_factory=dict)
    villages: dict[tuple[str, str], Village] = field(default_factory=dict)

    @classmethod
    def from_links(cls, links: list[tuple[str, list[str]]]) -> TravelModel:
        """From ``(mode, [municipality code, ...])`` pairs (no per-village access)."""
        return cls.from_region([Link(f"link-{i}", mode, tuple(towns)) for i, (mode, towns) in enumerate(links)], [])

    @classmethod
    def from_region(
        cls,
        links: list[Link],
        villages: list[VillageAccess],
        centres: dict[str, tuple[float, float]] | None = None,
    ) -> TravelModel:
        """From the region's links and its deelgemeenten (``centres``: municipality code -> (lat, lon), for the
        walk from a village without a stop to its municipality centre)."""
        stops: dict[str, set[str]] = {}
        village_links: dict[str, set[str]] = {}
        village_on_demand: set[str] = set()
        for link in links:
            if link.mode == "on_demand":
                village_on_demand.update(link.deelgemeenten)
                continue
            for town in link.municipalities:
                stops.setdefault(town, set()).add(link.code)
            for village in link.deelgemeenten:
                village_links.setdefault(village, set()).add(link.code)
        direct: set[frozenset[str]] = set()
        for a, a_links in stops.items():
            for b, b_links in stops.items():
                if a != b and a_links & b_links:
                    direct.add(frozenset((a, b)))
        own: dict[tuple[str, str], Village] = {}
        for v in villages:
            listed_only = v.public_transport in {"listed", "none"}
            if not (listed_only or v.code in village_links or v.code in village_on_demand):
                continue
            walk = NO_STOP_MIN
            centre = (centres or {}).get(v.municipality)
            if centre is not None and v.latitude is not None and v.longitude is not None:
                walk = haversine_km(v.latitude, v.longitude, *centre) * ROAD_FACTOR / WALK_KMH * 60
            own[(v.municipality, v.code)] = Village(
                links=frozenset(village_links.get(v.code, ())),
                on_demand=v.code in village_on_demand,
                listed_only=listed_only,
                walk_minutes=walk,
            )
        return cls(direct=direct, stops={k: frozenset(v) for k, v in stops.items()}, villages=own)

    def with_matrix(self, path: Path) -> TravelModel:
        matrix = dict(self.matrix)
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                matrix[(row["from"], row["to"], row["mode"])] = float(row["minutes"])
        return TravelModel(direct=self.direct, matrix=matrix, stops=self.stops, villages=self.villages)

    def road_km(self, origin: Place, lat: float, lon: float) -> float:
        return haversine_km(origin.latitude, origin.longitude, lat, lon) * ROAD_FACTOR

    def access_minutes(self, origin: Place, destination_municipality: str) -> float:
        """Minutes public transport adds for transfers and for reaching a stop (module docstring), 0 when direct."""
        village = self.villages.get((origin.municipality, origin.code))
        same = origin.municipality == destination_municipality
        home = self.stops.get(origin.municipality, frozenset())
        there = self.stops.get(destination_municipality, frozenset())
        if village is None or not village.listed_only:
            mine = home | village.links if village is not None else home
            return 0.0 if same or mine & there else PT_TRANSFER_MIN
        if village.links:  # stops only for the links naming it
            return 0.0 if village.links & there else PT_TRANSFER_MIN
        # no regular stop in the village: to the municipality centre first, then on from there
        extra = PT_TRANSFER_MIN if village.on_demand else village.walk_minutes
        return extra if same or home & there else extra + PT_TRANSFER_MIN

    def minutes(self, origin: Place, destination_municipality: str, lat: float, lon: float, mode: str = "pt") -> float:
        for key in (
            (origin.code, destination_municipality, mode),
            (origin.municipality, destination_municipality, mode),
        ):
            if key in self.matrix:
                return self.matrix[key]
        km = self.road_km(origin, lat, lon)
        if mode == "bike":
            return BIKE_OVERHEAD_MIN + km / BIKE_KMH * 60
        if km <= SAME_PLACE_KM:
            return 5.0  # a short walk
        return PT_ACCESS_MIN + km / PT_KMH * 60 + self.access_minutes(origin, destination_municipality)
