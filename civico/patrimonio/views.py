"""Public: the assets of a kind in a map's box, as GeoJSON (open data: id, point, description)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from civico.enti.models import Ente
from civico.errors import InvalidData
from civico.patrimonio import servizi
from civico.patrimonio.models import TipoBene, descrizione


@require_GET
def beni(request: HttpRequest, ente: str, tipo: str) -> JsonResponse:
    oggetto = get_object_or_404(TipoBene.objects.select_related("ente"), ente__slug=ente, codice=tipo)
    if not Ente.objects.filter(pk=oggetto.ente_id, attivo=True).exists():
        raise Http404
    try:
        ovest, sud, est, nord = (float(v) for v in request.GET.get("bbox", "").split(","))
        elenco = servizi.nel_riquadro(oggetto, sud, ovest, nord, est)
    except (ValueError, InvalidData):
        return JsonResponse({"errore": _("Riquadro non valido: bbox=ovest,sud,est,nord in gradi WGS84.")},
                            status=400)
    risposta = JsonResponse({
        "type": "FeatureCollection",
        "licenza": oggetto.licenza, "fonte": oggetto.fonte, "attribuzione": oggetto.attribuzione,
        "features": [{
            "type": "Feature", "geometry": {"type": "Point", "coordinates": [b.lon, b.lat]},
            "properties": {"id": b.pk, "identificativo": b.identificativo, "descrizione": descrizione(b)},
        } for b in elenco],
    }, content_type="application/geo+json")
    risposta["Cache-Control"] = "public, max-age=300"
    return risposta
