"""Travel time from where a client lives to where an offer takes place.

The default model is derived from coordinates (see docs/decisions/0006-matching.md):

- distance: haversine between the client's deelgemeente (or municipality) centre and the offer's
  location, times ROAD_FACTOR for the road network;
- bike: road km at BIKE_KMH, plus BIKE_OVERHEAD_MIN;
- public transport: PT_ACCESS_MIN (walk to the stop and wait) plus road km at PT_KMH; when no
  direct link of the region's ``transit_links`` joins the two municipalities, PT_TRANSFER_MIN more;
  on-demand only links count as a transfer (booking ahead);
- outreach and online offers: no travel burden (0 minutes).

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


@dataclass
class TravelModel:
    """``direct`` holds the pairs of municipality codes joined by a (non on-demand) link."""

    direct: set[frozenset[str]] = field(default_factory=set)
    matrix: dict[tuple[str, str, str], float] = field(default_factory=dict)

    @classmethod
    def from_links(cls, links: list[tuple[str, list[str]]]) -> TravelModel:
        direct: set[frozenset[str]] = set()
        for mode, municipalities in links:
            if mode == "on_demand":
                continue
            for a in municipalities:
                for b in municipalities:
                    if a != b:
                        direct.add(frozenset((a, b)))
        return cls(direct=direct)

    def with_matrix(self, path: Path) -> TravelModel:
        matrix = dict(self.matrix)
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                matrix[(row["from"], row["to"], row["mode"])] = float(row["minutes"])
        return TravelModel(direct=self.direct, matrix=matrix)

    def road_km(self, origin: Place, lat: float, lon: float) -> float:
        return haversine_km(origin.latitude, origin.longitude, lat, lon) * ROAD_FACTOR

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
        minutes = PT_ACCESS_MIN + km / PT_KMH * 60
        same = origin.municipality == destination_municipality
        if not same and frozenset((origin.municipality, destination_municipality)) not in self.direct:
            minutes += PT_TRANSFER_MIN
        return minutes
