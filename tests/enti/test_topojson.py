"""The TopoJSON decoder: quantized delta-encoded arcs, reversed arcs, shared joints."""

from __future__ import annotations

import pytest

from civico.enti.confini import comuni_della_regione
from civico.enti.topojson import caratteristiche

# Two unit-ish squares sharing the vertical edge x=12 (arc 0). Quantized with scale (0.5, 0.25)
# and translate (10, 40), so every decoded coordinate is an exact float.
TOPOLOGIA = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [10, 40]},
    "objects": {
        "comuni": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "Ovest"}},
                {"type": "Polygon", "arcs": [[2, ~0]], "properties": {"name": "Est"}},
                {"type": "MultiPolygon", "arcs": [[[0, 1]], [[2, -1]]],
                 "properties": {"name": "Entrambi"}},
                {"type": None, "properties": {"name": "Perso"}},
            ],
        }
    },
    "arcs": [
        [[4, 0], [0, 4]],  # (12,40) → (12,41): the shared edge
        [[4, 4], [-4, 0], [0, -4], [4, 0]],  # (12,41) → (10,41) → (10,40) → (12,40)
        [[4, 0], [4, 0], [0, 4], [-4, 0]],  # (12,40) → (14,40) → (14,41) → (12,41)
    ],
}
OVEST = [[[12.0, 40.0], [12.0, 41.0], [10.0, 41.0], [10.0, 40.0], [12.0, 40.0]]]
EST = [[[12.0, 40.0], [14.0, 40.0], [14.0, 41.0], [12.0, 41.0], [12.0, 40.0]]]


def test_polygon_arcs_are_dequantized_delta_decoded_and_joined_without_duplicate_points():
    (proprieta, geometria), *_ = caratteristiche(TOPOLOGIA)
    assert proprieta == {"name": "Ovest"}
    assert geometria == {"type": "Polygon", "coordinates": OVEST}


def test_negative_arc_index_walks_the_arc_backwards():
    geometria = list(caratteristiche(TOPOLOGIA, "comuni"))[1][1]
    assert geometria == {"type": "Polygon", "coordinates": EST}


def test_multipolygon_and_null_geometry():
    decodificati = list(caratteristiche(TOPOLOGIA))
    assert decodificati[2][1] == {"type": "MultiPolygon", "coordinates": [OVEST, EST]}
    assert decodificati[3] == ({"name": "Perso"}, None)


def test_topology_without_transform_uses_absolute_positions():
    topologia = {
        "type": "Topology",
        "objects": {"t": {"type": "Polygon", "arcs": [[~0]]}},
        "arcs": [[[1.5, 2.5], [3.5, 2.5], [3.5, 4.5], [1.5, 2.5]]],
    }
    [(_, geometria)] = caratteristiche(topologia)
    assert geometria["coordinates"] == [[[1.5, 2.5], [3.5, 4.5], [3.5, 2.5], [1.5, 2.5]]]


def test_decimali_rounds_output_coordinates():
    topologia = {**TOPOLOGIA, "transform": {"scale": [1 / 3, 1 / 3], "translate": [0, 0]}}
    (_, geometria), *_ = caratteristiche(topologia, decimali=3)
    assert geometria["coordinates"][0][0] == [1.333, 0.0]


def test_topology_with_several_objects_needs_a_name():
    topologia = {**TOPOLOGIA, "objects": {**TOPOLOGIA["objects"], "altro": {"type": None}}}
    with pytest.raises(ValueError):
        list(caratteristiche(topologia))


def test_shipped_piemonte_decodes_to_1179_comuni_with_istat_properties():
    comuni = comuni_della_regione(1)
    assert len(comuni) == 1179
    per_istat = {c.codice_istat: c for c in comuni}
    alessandria = per_istat["006003"]
    assert (alessandria.nome, alessandria.codice_catastale) == ("Alessandria", "A182")
    assert (alessandria.provincia, alessandria.regione) == ("AL", "Piemonte")
    assert alessandria.confine["type"] in {"Polygon", "MultiPolygon"}
    # Known quirk of the published data: Miagliano (BI) lost its geometry in simplification.
    assert per_istat["096034"].confine is None
    poligoni = [c.confine for c in comuni if c.confine and c.confine["type"] == "Polygon"]
    assert all(anello[0] == anello[-1] for g in poligoni for anello in g["coordinates"])
