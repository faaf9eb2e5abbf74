"""Query parameters of the report lists, and finding an ente by ISTAT code or slug."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Literal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, field_validator

from civico.api.errori import NonTrovato
from civico.api.paginazione import LIMITE_MASSIMO, LIMITE_PREDEFINITO
from civico.api.schemi import CODICE_ENTE
from civico.enti.models import Ente
from civico.enti.riferimento import trova_ente
from civico.segnalazioni.models import Segnalazione
from civico.stati import Stato
from civico.territorio.distanza import nel_riquadro


def ente_da_riferimento(riferimento: str) -> Ente:
    ente = trova_ente(riferimento)
    if ente is None:
        raise NonTrovato(_("Comune «%(rif)s» non trovato.") % {"rif": riferimento.strip()[:40]})
    return ente


class FiltriSegnalazioni(Schema):
    ente: str | None = Field(None, max_length=140, description=CODICE_ENTE)
    categoria: str | None = Field(None, max_length=60, description="Codice della categoria, es. `buche`.")
    stato: list[Stato] = Field(default_factory=list, description="Uno o più stati (ripetere il parametro).")
    q: str | None = Field(None, max_length=200, description="Testo da cercare nel titolo o nella descrizione.")
    dal: date | None = Field(None, description="Create da questo giorno (compreso), es. `2026-01-01`.")
    al: date | None = Field(None, description="Create fino a questo giorno (compreso).")
    aggiornate_dal: datetime | None = Field(
        None, description="Solo quelle cambiate da questo istante (ISO 8601): utile per aggiornarsi a intervalli."
    )
    bbox: str | None = Field(
        None, max_length=200,
        description="Riquadro `lon_min,lat_min,lon_max,lat_max` (WGS84), es. `8.6,44.9,8.63,44.92`.",
    )
    cursor: str | None = Field(None, max_length=200, description="Il `cursore_successivo` della pagina precedente.")
    limit: int = Field(LIMITE_PREDEFINITO, ge=1, le=LIMITE_MASSIMO, description="Quante per pagina (massimo 200).")

    @field_validator("bbox")
    @classmethod
    def _bbox(cls, valore: str | None) -> str | None:
        if valore is not None:
            riquadro(valore)
        return valore

    def applica(self, qs: QuerySet[Segnalazione]) -> QuerySet[Segnalazione]:
        if self.ente:
            qs = qs.filter(ente=ente_da_riferimento(self.ente))
        if self.categoria:
            qs = qs.filter(categoria__codice=self.categoria.strip())
        if self.stato:
            qs = qs.filter(stato__in=self.stato)
        if self.q and self.q.strip():
            testo = self.q.strip()
            qs = qs.filter(Q(titolo__icontains=testo) | Q(descrizione__icontains=testo))
        if self.dal:
            qs = qs.filter(creata_il__date__gte=self.dal)
        if self.al:
            qs = qs.filter(creata_il__date__lte=self.al)
        if self.aggiornate_dal:
            qs = qs.filter(aggiornata_il__gte=self.aggiornate_dal)
        if self.bbox:
            qs = qs.filter(nel_riquadro(*riquadro(self.bbox)))
        return qs


class FiltriPubblici(FiltriSegnalazioni):
    formato: Literal["json", "geojson"] = Field(
        "json", alias="format", description="`geojson` restituisce una FeatureCollection (application/geo+json)."
    )


class FiltriGestione(FiltriSegnalazioni):
    ufficio: int | None = Field(None, ge=1, description="L'id dell'ufficio.")
    assegnatario: str | None = Field(
        None, max_length=150,
        description="Username dell'operatore; `io` per le proprie, `nessuno` per le non assegnate.",
    )


def riquadro(valore: str) -> tuple[float, float, float, float]:
    try:
        numeri = [float(parte) for parte in valore.split(",")]
    except ValueError:
        numeri = []
    if (
        len(numeri) != 4
        or not all(math.isfinite(n) for n in numeri)
        or not (-180 <= numeri[0] <= numeri[2] <= 180 and -90 <= numeri[1] <= numeri[3] <= 90)
    ):
        raise ValueError(_("Il riquadro va scritto lon_min,lat_min,lon_max,lat_max con coordinate valide."))
    return numeri[0], numeri[1], numeri[2], numeri[3]
