"""Public statistics: the dashboard's figures as JSON, for one comune or the whole platform.

The same dictionary the dashboard pages draw (civico.analisi.cruscotto), read through the same
snapshots and cache: the page and the API cannot disagree.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from pydantic import Field

from civico.analisi import filtri as F
from civico.analisi import istantanee
from civico.analisi.views import categorie
from civico.api.errori import errori
from civico.api.filtri import ente_da_riferimento
from civico.api.schemi import CODICE_ENTE
from civico.errors import InvalidData

router = Router(tags=["Statistiche"])


class EnteBreve(Schema):
    nome: str
    slug: str
    codice_istat: str


class FiltriApplicati(Schema):
    dal: date
    al: date
    categoria: str | None


class Totali(Schema):
    ricevute: int = Field(description="Segnalazioni create nel periodo.")
    risolte: int = Field(description="Segnalazioni risolte o chiuse nel periodo (per data di chiusura).")
    aperte: int = Field(description="Segnalazioni aperte oggi, qualunque sia il periodo (senza l'arretrato ereditato).")
    pregresse: int = Field(0, description="Aperte importate dalla piattaforma precedente e più vecchie dell'età "
                                          "scelta dal comune (arretrato ereditato): contate a parte.")
    senza_posizione: int = Field(description="Ricevute nel periodo senza posizione (importate): fuori dalla mappa.")


class Mese(Schema):
    mese: str = Field(description="Mese, `AAAA-MM`.")
    ricevute: int
    risolte: int


class RicevuteCategoria(Schema):
    codice: str = Field(description="Codice della categoria.")
    nome: str
    ricevute: int


class Tempi(Schema):
    codice: str = Field(description="Codice della categoria o nome dell'ufficio.")
    nome: str
    risolte: int
    mediana_giorni: float | None = Field(description="Mediana dei giorni dall'arrivo alla risoluzione.")
    p90_giorni: float | None = Field(description="90° percentile dei giorni dall'arrivo alla risoluzione.")


class Fascia(Schema):
    fascia: str = Field(description="Da quanti giorni è aperta: `0-7`, `8-30`, `31-90`, `91-365`, `oltre-365`.")
    n: int


class Scadenza(Schema):
    con_scadenza: int = Field(description="Risolte nel periodo che avevano una data prevista.")
    entro: int = Field(description="Di queste, risolte entro la data prevista.")
    quota: float | None = Field(description="`entro / con_scadenza`, da 0 a 1.")


class CanaleConto(Schema):
    canale: str = Field(description="`web`, `app`, `open311`, `api`, `email`, `sms`, `phone`, `post`, `counter`.")
    n: int


class Soddisfazione(Schema):
    si: int = Field(description="Segnalanti che hanno confermato la risoluzione.")
    no: int = Field(description="Segnalanti che hanno detto che il problema non era risolto.")
    quota_si: float | None


class Cella(Schema):
    cella: str = Field(description="Indice H3 dell'esagono.")
    n: int


class Mappa(Schema):
    risoluzione: int = Field(description="Risoluzione H3 degli esagoni (8 per un comune, 5 per la piattaforma).")
    celle: list[Cella]
    senza_posizione: int


class Cruscotto(Schema):
    ente: EnteBreve | None = Field(description="Il comune; `null` per l'intera piattaforma.")
    filtri: FiltriApplicati
    totali: Totali
    mensile: list[Mese]
    per_categoria: list[RicevuteCategoria] = Field(description="Ricevute nel periodo, per categoria.")
    tempi_categoria: list[Tempi]
    tempi_ufficio: list[Tempi]
    arretrato: list[Fascia]
    scadenza: Scadenza
    canali: list[CanaleConto]
    soddisfazione: Soddisfazione
    mappa: Mappa
    calcolato_il: str = Field(description="Quando sono stati calcolati i numeri (ISO 8601).")


class FiltriStatistiche(Schema):
    dal: date | None = Field(None, description="Inizio del periodo (compreso). Predefinito: ultimi 12 mesi.")
    al: date | None = Field(None, description="Fine del periodo (compresa). Predefinito: oggi.")
    anno: int | None = Field(None, ge=2000, le=2100, description="Un anno intero, al posto di `dal`/`al`.")
    categoria: str | None = Field(None, max_length=60, description="Codice di una categoria, es. `buche`.")


def _filtri(q: FiltriStatistiche, codici: set[str]) -> F.Filtri:
    parametri = {k: ("" if v is None else str(v)) for k, v in q.dict().items()}
    letti = F.leggi(parametri, categorie=codici)
    if letti.errori:  # the API refuses what the page would only warn about
        raise InvalidData({"filtri": list(letti.errori)})
    return letti


@router.get(
    "/statistiche/cruscotto", response={200: Cruscotto, **errori(400)}, url_name="cruscotto_piattaforma",
    summary="I numeri del cruscotto di tutti i comuni",
)
def cruscotto_piattaforma(request: HttpRequest, q: Query[FiltriStatistiche]):
    """Le stesse cifre della pagina `/cruscotto/`: solo segnalazioni pubbliche dei comuni attivi."""
    return istantanee.figure(None, _filtri(q, {c for c, _n in categorie(None)}))


@router.get(
    "/enti/{ente}/statistiche/cruscotto", response={200: Cruscotto, **errori(400, 404)},
    url_name="cruscotto_ente", summary="I numeri del cruscotto di un comune",
)
def cruscotto_ente(
    request: HttpRequest, q: Query[FiltriStatistiche], ente: str = Path(..., description=CODICE_ENTE, example="006003")
):
    """Le stesse cifre della pagina `/<comune>/cruscotto/`."""
    trovato = ente_da_riferimento(ente)
    if not trovato.attivo:
        from civico.api.errori import NonTrovato

        raise NonTrovato(_("Il comune «%(nome)s» non usa Civico.") % {"nome": trovato.nome})
    return istantanee.figure(trovato, _filtri(q, {c for c, _n in categorie(trovato)}))
