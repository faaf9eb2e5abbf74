"""A small TopoJSON decoder (https://github.com/topojson/topojson-specification).

TopoJSON stores each shared border once, as an "arc"; geometries list the arcs they are made of.
We decode to plain GeoJSON geometry dicts so the rest of the code only ever sees GeoJSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Posizione = list[float]
Arco = list[Posizione]


def decodifica_archi(topologia: dict[str, Any], decimali: int | None = None) -> list[Arco]:
    """All arcs as absolute [x, y] positions (quantized and delta-encoded when `transform`)."""
    transform = topologia.get("transform")
    archi: list[Arco] = []
    for arco in topologia.get("arcs", []):
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            punti = []
            for pos in arco:
                # Each position is a delta from the previous one, in quantized integer units.
                x += pos[0]
                y += pos[1]
                punti.append([x * sx + tx, y * sy + ty])
        else:
            punti = [[pos[0], pos[1]] for pos in arco]
        if decimali is not None:
            punti = [[round(px, decimali), round(py, decimali)] for px, py in punti]
        archi.append(punti)
    return archi


def _posizione(pos: list[float], transform: dict | None, decimali: int | None) -> Posizione:
    # Point coordinates are quantized but never delta-encoded.
    x, y = pos[0], pos[1]
    if transform:
        x = x * transform["scale"][0] + transform["translate"][0]
        y = y * transform["scale"][1] + transform["translate"][1]
    if decimali is not None:
        x, y = round(x, decimali), round(y, decimali)
    return [x, y]


def _linea(indici: list[int], archi: list[Arco]) -> list[Posizione]:
    punti: list[Posizione] = []
    for i in indici:
        # A negative index ~i means arc i walked backwards.
        arco = archi[i] if i >= 0 else archi[~i][::-1]
        # Consecutive arcs share their joint point: keep it once.
        punti.extend(arco[1:] if punti else arco)
    # Positions are shared with other geometries using the same arc: treat them as read-only.
    return punti


def geometria(
    oggetto: dict[str, Any],
    archi: list[Arco],
    transform: dict | None = None,
    decimali: int | None = None,
) -> dict[str, Any] | None:
    """One TopoJSON geometry object as a GeoJSON geometry dict (None for a null geometry)."""
    tipo = oggetto.get("type")
    if tipo is None:
        return None
    if tipo == "GeometryCollection":
        figli = (geometria(g, archi, transform, decimali) for g in oggetto.get("geometries", []))
        return {"type": tipo, "geometries": [g for g in figli if g is not None]}
    if tipo == "Point":
        coord = _posizione(oggetto["coordinates"], transform, decimali)
        return {"type": tipo, "coordinates": coord}
    if tipo == "MultiPoint":
        coords = [_posizione(p, transform, decimali) for p in oggetto["coordinates"]]
        return {"type": tipo, "coordinates": coords}
    a = oggetto["arcs"]
    if tipo == "LineString":
        return {"type": tipo, "coordinates": _linea(a, archi)}
    if tipo == "MultiLineString":
        return {"type": tipo, "coordinates": [_linea(linea, archi) for linea in a]}
    if tipo == "Polygon":
        return {"type": tipo, "coordinates": [_linea(anello, archi) for anello in a]}
    if tipo == "MultiPolygon":
        poligoni = [[_linea(anello, archi) for anello in poligono] for poligono in a]
        return {"type": tipo, "coordinates": poligoni}
    raise ValueError(f"Tipo di geometria TopoJSON sconosciuto: {tipo!r}")


def caratteristiche(
    topologia: dict[str, Any], nome_oggetto: str | None = None, *, decimali: int | None = None
) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Yield (properties, GeoJSON geometry or None) for each geometry of a named object.

    `nome_oggetto` defaults to the only object of the topology. `decimali` rounds the output
    coordinates (useful when the quantization step is far coarser than the float digits).
    """
    oggetti = topologia["objects"]
    if nome_oggetto is None:
        if len(oggetti) != 1:
            raise ValueError(f"La topologia ha più oggetti, indicane uno: {sorted(oggetti)}")
        nome_oggetto = next(iter(oggetti))
    oggetto = oggetti[nome_oggetto]
    archi = decodifica_archi(topologia, decimali)
    transform = topologia.get("transform")
    membri = oggetto["geometries"] if oggetto.get("type") == "GeometryCollection" else [oggetto]
    for membro in membri:
        yield dict(membro.get("properties") or {}), geometria(membro, archi, transform, decimali)
