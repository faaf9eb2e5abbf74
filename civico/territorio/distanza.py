"""Distances on the Earth's surface, in metres, for the short ranges of a comune."""

from __future__ import annotations

import math

from django.db.models import Q

RAGGIO_TERRA_M = 6_371_008.8  # mean radius (IUGG)


def distanza_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance between two WGS84 points, in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * RAGGIO_TERRA_M * math.asin(min(1.0, math.sqrt(a)))


def riquadro(lat: float, lon: float, raggio_m: float) -> tuple[float, float, float, float]:
    """(lat_min, lat_max, lon_min, lon_max) of a box that contains the circle: the cheap
    index-friendly pre-filter before the exact distance."""
    dlat = math.degrees(raggio_m / RAGGIO_TERRA_M)
    # Widest at the box's poleward edge; clamped so the box stays finite near the poles.
    coseno = max(math.cos(math.radians(min(90.0, abs(lat) + dlat))), 1e-6)
    dlon = min(180.0, dlat / coseno)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def nel_riquadro(ovest: float, sud: float, est: float, nord: float) -> Q:
    """The rows (with `lat` and `lon` columns) inside the box, edges included."""
    return Q(lat__gte=sud, lat__lte=nord, lon__gte=ovest, lon__lte=est)
