"""The records system's callback: it answers a report we sent with its protocol number."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from civico.enti.models import Ente
from civico.errors import DomainError
from civico.segnalazioni import protocollo


@csrf_exempt  # a server-to-server call, authenticated by the HMAC signature instead
@require_POST
def callback(request: HttpRequest, ente: str) -> JsonResponse:
    oggetto = get_object_or_404(Ente, slug=ente)
    firma = request.headers.get(protocollo.INTESTAZIONE_FIRMA)
    try:
        s = protocollo.registra_da_callback(oggetto, request.body, firma)
    except DomainError as errore:
        stato = 404 if errore.code == "not_found" else errore.status
        return JsonResponse({"errore": errore.code, "messaggio": str(errore)}, status=stato)
    return JsonResponse({"codice": s.codice, "numero_protocollo": s.numero_protocollo})
