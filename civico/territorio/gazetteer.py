"""Address search and reverse geocoding, on the ente's own stradario (nearby trees and other
assets: civico.patrimonio.servizi.vicini).

Plain ORM filters only (`chiave__contains` per word, latitude/longitude ranges), so the
results are the same on SQLite and PostgreSQL; ranking and exact distances are done here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from django.db import DEFAULT_DB_ALIAS
from django.db.models import ExpressionWrapper, F, FloatField
from django.utils.translation import gettext as _

from civico.core.memoria import Memoria
from civico.enti.models import Ente
from civico.territorio.distanza import distanza_m, nel_riquadro, riquadro
from civico.territorio.dug import separa_dug
from civico.territorio.models import NumeroCivico, Via, testo_civico
from civico.territorio.nomi_strade import chiave, parole_chiave, parole_di_confronto, senza_accenti


@dataclass(frozen=True)
class Indirizzo:
    via_id: int
    civico_id: int | None
    testo: str  # "Piazza della Libertà 41"
    lat: float
    lon: float
    cap: str
    quartiere: str
    distanza_m: float | None = None
    # False when the house number asked for does not exist and this is one of the street's nearest.
    esatto: bool = True
    via: str = ""  # the street's name alone ("Corso Roma")


# A trailing house number: "12", "12a", "12/a", "12 bis", "n. 12", "24/1".
_NUMERO_FINALE = re.compile(
    r"(?:^|[\s,])(?:(?:n|nr|num|civ|civico)\.?\s*)?(?P<numero>\d{1,5})"
    r"(?:\s*[/\-]\s*(?P<esp1>[a-z]{1,6}|\d{1,3})|\s*(?P<esp2>bis|ter|quater|[a-z]))?[\s.]*$"
)
_MAX_CARATTERI = 200
_MAX_VIE_CIVICI = 50  # streets whose house numbers are looked at
_CANDIDATI_PIU_VICINI = 8  # reverse geocoding: measured exactly among the nearest by approximation
_CAMPI_CIVICO = ("id", "via_id", "numero", "esponente", "lat", "lon", "cap", "quartiere")


@dataclass(frozen=True)
class _Richiesta:
    dug: str | None
    parole: list[str]  # words of the name, as in Via.chiave
    confronto: str  # the same for ranking (particles dropped)
    numero: int | None
    esponente: str


def _pulisci(testo: str, ente: Ente) -> str:
    """Lowercase, no accents, no trailing comune or CAP ("… 12, 15121 Alessandria (AL)").

    The comune's name goes only after a comma or a number: "via alessandria" is a street.
    """
    testo = senza_accenti(testo).lower().strip()[:_MAX_CARATTERI]
    nome = re.escape(senza_accenti(getattr(ente, "nome", "")).lower())
    if nome:
        testo = re.sub(
            rf"(?:,\s*|(?<=\d)\s+)(?:\d{{5}}\s+)?{nome}(?:\s*\(\s*[a-z]{{2}}\s*\))?\s*$", "",
            testo,
        )
    return re.sub(r"(?:,\s*|\s+)\d{5}\s*$", "", testo).strip(" ,")


def _analizza(testo: str, con_numero: bool = True) -> _Richiesta:
    numero, esponente = None, ""
    if con_numero and (m := _NUMERO_FINALE.search(testo)):
        numero = int(m.group("numero"))
        esponente = (m.group("esp1") or m.group("esp2") or "").upper()
        testo = testo[: m.start()]
    dug, nome = separa_dug(testo)
    return _Richiesta(
        dug, parole_chiave(nome), " ".join(parole_di_confronto(nome)), numero, esponente
    )


def cerca(ente: Ente, testo: str, limite: int = 10) -> list[Indirizzo]:
    """Streets and house numbers matching what a person typed.

    "via roma 12", "P.ZZA DELLA LIBERTA' 41", "c.so 20 settembre": a trailing number picks
    the house number (or the street's nearest ones if it does not exist); without a number
    the streets themselves come back, pinned at their middle house number.
    """
    if limite <= 0:
        return []
    testo = _pulisci(testo, ente)
    richiesta = _analizza(testo)
    if richiesta.numero is not None:
        # "piazza 11 settembre 2001", "via 1821": the number belongs to the name.
        intera = _analizza(testo, con_numero=False)
        frase = f" {' '.join(intera.parole)} "
        vie = _vie(ente, intera)
        if any(frase in f" {v.chiave} " for v in vie):
            return _come_vie(vie, limite)
        if not richiesta.parole:
            return []
        return _civici(ente, _vie(ente, richiesta), richiesta, limite)
    return _come_vie(_vie(ente, richiesta), limite)


def _vie(ente: Ente, richiesta: _Richiesta) -> list[Via]:
    """Streets whose key contains every word, best first."""
    if not richiesta.parole and not richiesta.dug:
        return []
    qs = Via.objects.filter(ente=ente).order_by().only(
        "id", "dug", "duf", "nome", "chiave", "cap", "quartiere", "lat", "lon"
    )
    for parola in richiesta.parole:
        qs = qs.filter(chiave__contains=parola)
    if not richiesta.parole:
        qs = qs.filter(chiave__startswith=f"{richiesta.dug} ")
    return sorted(qs, key=lambda via: _rango(via, richiesta))


def _rango(via: Via, richiesta: _Richiesta) -> tuple:
    """Exact name, then name prefix, then a word of the name, then a substring; the typed
    DUG breaks ties ("p.zza libertà" → Piazza before Via della Libertà)."""
    q = richiesta.confronto
    livello = min(_livello(nome, q) for nome in _nomi_di_confronto(via.dug, via.duf))
    dug_via = chiave(via.dug)
    # "strada" typed matches "Strada Provinciale" too.
    dug_diverso = richiesta.dug is not None and not (
        dug_via == richiesta.dug or dug_via.startswith(f"{richiesta.dug} ")
    )
    return (livello, dug_diverso, len(via.nome), via.nome)


def _livello(nome: str, q: str) -> int:
    if nome == q:
        return 0
    if nome.startswith(q):
        return 1
    if f" {q}" in f" {nome}":
        return 2
    return 3


@lru_cache(maxsize=8192)
def _nomi_di_confronto(dug: str, duf: str) -> tuple[str, str]:
    """The name without and with its DUG ("Strada Provinciale" is often typed in full)."""
    return " ".join(parole_di_confronto(duf)), " ".join(parole_di_confronto(f"{dug} {duf}"))


def _come_vie(vie: list[Via], limite: int) -> list[Indirizzo]:
    # A street with no house number has no position to offer: it cannot place a report.
    return [
        Indirizzo(via.id, None, via.nome, via.lat, via.lon, via.cap, via.quartiere, via=via.nome)
        for via in vie
        if via.lat is not None and via.lon is not None
    ][:limite]


def _civici(ente: Ente, vie: list[Via], richiesta: _Richiesta, limite: int) -> list[Indirizzo]:
    vie = vie[:_MAX_VIE_CIVICI]
    per_id = {via.id: via for via in vie}
    ordine = {via.id: i for i, via in enumerate(vie)}
    esatti = list(
        NumeroCivico.objects.filter(
            ente=ente, via_id__in=list(per_id), numero=richiesta.numero,
            esponente=richiesta.esponente,
        ).order_by().values(*_CAMPI_CIVICO)
    )
    if esatti:
        esatti.sort(key=lambda c: (ordine[c["via_id"]], c["id"]))
        return [_indirizzo(per_id[c["via_id"]], c) for c in esatti[:limite]]

    # No such number: the nearest numbers of the best street(s), shared out among ties.
    vie = [v for v in vie if v.lat is not None]  # those with house numbers at all
    if not vie:
        return []
    primo = _rango(vie[0], richiesta)[:2]
    migliori = [v for v in vie if _rango(v, richiesta)[:2] == primo][:5]
    quota = math.ceil(limite / len(migliori))
    risultati: list[Indirizzo] = []
    for via in migliori:
        civici = list(
            NumeroCivico.objects.filter(ente=ente, via=via).order_by().values(*_CAMPI_CIVICO)
        )
        civici.sort(key=lambda c: (
            abs(c["numero"] - richiesta.numero), c["esponente"] != richiesta.esponente,
            c["numero"], c["esponente"],
        ))
        risultati += [_indirizzo(via, c, esatto=False) for c in civici[:quota]]
    return risultati[:limite]


def _indirizzo(via: Via, civico: dict, distanza: float | None = None, *, esatto: bool = True) -> Indirizzo:
    return Indirizzo(
        via_id=via.id,
        civico_id=civico["id"],
        testo=f"{via.nome} {testo_civico(civico['numero'], civico['esponente'])}",
        lat=civico["lat"], lon=civico["lon"], cap=civico["cap"], quartiere=civico["quartiere"],
        distanza_m=distanza, esatto=esatto, via=via.nome,
    )


def _nel_riquadro(qs, lat: float, lon: float, raggio_m: float):
    lat_min, lat_max, lon_min, lon_max = riquadro(lat, lon, raggio_m)
    return qs.filter(nel_riquadro(lon_min, lat_min, lon_max, lat_max))


# Every report asks, and most comuni have no stradario loaded: whether an ente has house numbers
# is kept per process (civico.core.memoria; importing or removing any makes it stale).
_memoria = Memoria("stradario", ("territorio.NumeroCivico",), ttl_s=300)


def ha_civici(ente: Ente) -> bool:
    return _memoria.prendi(ente.pk, lambda: NumeroCivico.objects.using(DEFAULT_DB_ALIAS).filter(ente=ente).exists())


def indirizzo_piu_vicino(
    ente: Ente, lat: float, lon: float, raggio_m: float = 250
) -> Indirizzo | None:
    """The house number nearest to a point (reverse geocoding), or None beyond raggio_m."""
    if not (math.isfinite(lat) and math.isfinite(lon)) or raggio_m <= 0 or not ha_civici(ente):
        return None
    # One statement for every report: the box around the circle, nearest first by a flat
    # approximation (within millimetres of the true distance at this range; ties by id), with the
    # street's name. Only the first few are measured exactly: in the centre the box holds a
    # thousand house numbers.
    dlat, dlon = F("lat") - lat, (F("lon") - lon) * math.cos(math.radians(lat))
    vicinanza = ExpressionWrapper(dlat * dlat + dlon * dlon, output_field=FloatField())
    candidati = (
        _nel_riquadro(NumeroCivico.objects.filter(ente=ente), lat, lon, raggio_m)
        .annotate(vicinanza=vicinanza).order_by("vicinanza", "id")
        .values(*_CAMPI_CIVICO, "via__nome")[:_CANDIDATI_PIU_VICINI]
    )
    migliore, distanza = None, math.inf
    for civico in candidati:
        d = distanza_m(lat, lon, civico["lat"], civico["lon"])
        if d < distanza:
            migliore, distanza = civico, d
    if migliore is None or distanza > raggio_m:
        return None
    return _indirizzo(Via(id=migliore["via_id"], nome=migliore["via__nome"]), migliore, distanza)


def la_via(ente: Ente, via_id: int) -> Indirizzo | None:
    """A street itself, placed like a search without number places it (to offer "the street")."""
    vie = Via.objects.filter(ente=ente, pk=via_id).only("id", "nome", "cap", "quartiere", "lat", "lon")
    trovate = _come_vie(list(vie), 1)
    return trovate[0] if trovate else None


# --- Does a typed address agree with a point? ------------------------------------------------

# How far a typed address may lie from the point and still name it: a long frontage, a GPS fix
# in a narrow street. Beyond this the crew would be sent to another place.
SCARTO_MAX_M = 150.0


@dataclass(frozen=True)
class Scarto:
    """A typed address that does not name the point: where it is, how far, what is at the point."""

    indirizzo: Indirizzo  # where the gazetteer places the typed address
    distanza_m: float
    al_punto: Indirizzo | None  # the house number at the point, if any

    def messaggio(self, testo: str) -> str:
        valori = {"indirizzo": testo.strip()[:100], "metri": int(round(self.distanza_m, -1))}
        if self.al_punto:
            return _(
                "L'indirizzo «%(indirizzo)s» è a circa %(metri)s m dal punto segnato sulla mappa, che è vicino "
                "a %(al_punto)s: l'indirizzo e il punto devono indicare lo stesso luogo."
            ) % {**valori, "al_punto": self.al_punto.testo}
        return _(
            "L'indirizzo «%(indirizzo)s» è a circa %(metri)s m dal punto segnato sulla mappa: l'indirizzo e "
            "il punto devono indicare lo stesso luogo."
        ) % valori


def scarto(ente: Ente, testo: str, lat: float, lon: float, soglia_m: float = SCARTO_MAX_M) -> Scarto | None:
    """The disagreement between a typed address and a point, or None when they agree.

    An address the gazetteer does not know ("davanti al bar") is a landmark, not a claim about
    the point: None. A street alone, or a house number that does not exist, is measured to the
    street's nearest house number; an existing house number to itself.
    """
    if not (testo or "").strip() or not (math.isfinite(lat) and math.isfinite(lon)) or not ha_civici(ente):
        return None
    trovati = cerca(ente, testo, limite=1)
    if not trovati:
        return None
    trovato = trovati[0]
    if trovato.civico_id is not None and trovato.esatto:
        distanza = distanza_m(lat, lon, trovato.lat, trovato.lon)
    else:
        distanza = _distanza_dalla_via(ente, trovato.via_id, lat, lon)
    if distanza <= soglia_m:
        return None
    return Scarto(trovato, distanza, indirizzo_piu_vicino(ente, lat, lon))


def _distanza_dalla_via(ente: Ente, via_id: int, lat: float, lon: float) -> float:
    punti = NumeroCivico.objects.filter(ente=ente, via_id=via_id).order_by().values_list("lat", "lon")
    return min((distanza_m(lat, lon, la, lo) for la, lo in punti), default=math.inf)
