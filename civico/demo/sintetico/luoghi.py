"""Positions for synthetic reports: Alessandria's real house numbers, carried into each ente.

Alessandria's own reports sit on its house numbers (a few metres of jitter). For any other ente
the same cloud of house numbers is moved onto the ente's centre and scaled by the square root of
the area ratio, so a small comune gets a small dense town and a large one a sprawling one; points
that fall outside the boundary are dropped, and if too few remain the rest are drawn uniformly
inside the boundary. Every returned point lies inside the ente's boundary.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import shape

from civico.demo.sintetico.modello import Modello

ALESSANDRIA = "006003"
JITTER_CIVICO = 0.00004  # ≈ 4 m: the pavement in front of the house number
JITTER_ALTROVE = 0.0003  # ≈ 30 m: the carried cloud should not repeat the same pattern exactly


def geometria(confine: dict) -> shapely.Geometry:
    g = shape(confine)
    if not g.is_valid:
        g = shapely.make_valid(g)
    shapely.prepare(g)
    return g


def punti(
    istat: str, confine: dict, n: int, m: Modello, rng: np.random.Generator, area_alessandria: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lat, lon, index into m.indirizzi) of n points inside the ente's boundary."""
    g = geometria(confine)
    lat_c, lon_c = float(np.mean(m.lat)), float(np.mean(m.lon))
    if istat == ALESSANDRIA:
        scala, centro, jitter = 1.0, (lat_c, lon_c), JITTER_CIVICO
    else:
        scala = float(np.clip(np.sqrt(g.area / area_alessandria), 0.1, 1.5))
        c = g.centroid if g.contains(g.centroid) else g.representative_point()
        centro, jitter = (c.y, c.x), JITTER_ALTROVE
    lat_out = np.empty(0)
    lon_out = np.empty(0)
    idx_out = np.empty(0, dtype=np.int64)
    for _giro in range(4):
        manca = n - len(lat_out)
        if manca <= 0:
            break
        k = max(manca * 2, 256)
        idx = rng.integers(0, len(m.lat), k)
        lat = centro[0] + (m.lat[idx] - lat_c) * scala + rng.normal(0, jitter, k)
        lon = centro[1] + (m.lon[idx] - lon_c) * scala + rng.normal(0, jitter, k)
        dentro = shapely.contains_xy(g, lon, lat)
        lat_out = np.concatenate([lat_out, lat[dentro]])
        lon_out = np.concatenate([lon_out, lon[dentro]])
        idx_out = np.concatenate([idx_out, idx[dentro]])
    ovest, sud, est, nord = g.bounds
    while len(lat_out) < n:  # odd shapes: the rest anywhere in the territory
        k = max((n - len(lat_out)) * 4, 256)
        lat = rng.uniform(sud, nord, k)
        lon = rng.uniform(ovest, est, k)
        dentro = shapely.contains_xy(g, lon, lat)
        lat_out = np.concatenate([lat_out, lat[dentro]])
        lon_out = np.concatenate([lon_out, lon[dentro]])
        idx_out = np.concatenate([idx_out, rng.integers(0, len(m.lat), int(dentro.sum()))])
    return lat_out[:n], lon_out[:n], idx_out[:n]
