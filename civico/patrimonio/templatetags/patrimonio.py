"""`{% scelta_bene bozza valori errori %}`: the asset picker of the reporting flow's step 3,
so the flow's views need not know about assets."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Prefetch

from civico.catalogo.models import Categoria
from civico.core import mappa
from civico.patrimonio import servizi
from civico.patrimonio.models import TipoBene

register = template.Library()


@register.inclusion_tag("patrimonio/_scelta_bene.html")
def scelta_bene(bozza: Any, valori: dict[str, Any], errori: dict[str, Any]) -> dict[str, Any]:
    luogo = (bozza.dati or {}).get("luogo") or {} if bozza else {}
    categorie = []
    if bozza is not None and bozza.ente_id:
        categorie = list(
            Categoria.objects.filter(ente_id=bozza.ente_id, attiva=True, tipi_bene__isnull=False).distinct()
            .prefetch_related(Prefetch("tipi_bene", queryset=TipoBene.objects.select_related("ente")))
        )
    return {
        "scelte_beni": servizi.scelte(categorie, luogo.get("lat"), luogo.get("lon")),
        "luogo_bozza": luogo, "valori": valori or {}, "errori": errori or {},
        "tile_url": mappa.tile_url(), "tile_attribuzione": mappa.tile_attribuzione(),
    }


@register.inclusion_tag("patrimonio/_bene_segnalato.html")
def bene_segnalato(segnalazione: Any) -> dict[str, Any]:
    """The report's asset as a row of the report's details ("Albero n. 1234 (Platanus…)")."""
    return {"bene": servizi.bene_della_segnalazione(segnalazione)}


@register.inclusion_tag("patrimonio/_storia_bene.html", takes_context=True)
def storia_bene(context: template.Context, segnalazione: Any) -> dict[str, Any]:
    """Backoffice: the asset this report is about and its reports the staff member may see."""
    bene = servizi.bene_della_segnalazione(segnalazione)
    if bene is None:
        return {}
    request = context.get("request")
    return {**servizi.riassunto_storia(bene, getattr(request, "user", None)), "corrente": segnalazione}
