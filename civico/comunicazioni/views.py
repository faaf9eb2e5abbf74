"""Thin views: parse, call the service, render."""

from __future__ import annotations

import hmac
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from civico.accounts.permissions import Attore
from civico.comunicazioni import abbonamenti, collegamenti, iscrizioni, sindaco
from civico.comunicazioni.impostazioni import impostazione
from civico.comunicazioni.inbound import sms
from civico.comunicazioni.models import TipoMessaggio
from civico.enti.models import Ente
from civico.errors import DomainError, InvalidData
from civico.segnalazioni import interazioni
from civico.stati import Stato


@csrf_exempt  # the signed link is the credential; mail clients POST it (RFC 8058) without a form
@require_http_methods(["GET", "POST"])
def disiscriviti(request: HttpRequest, firmato: str) -> HttpResponse:
    letto = collegamenti.leggi_disiscrizione(firmato)
    if letto is None:
        return render(request, "comunicazioni/pagine/disiscriviti.html", {"non_valido": True}, status=404)
    cosa = iscrizioni.descrivi_disiscrizione(*letto)
    if request.method == "POST":
        iscrizioni.disiscrivi(*letto)
        return render(request, "comunicazioni/pagine/disiscriviti.html", {"fatto": True, "cosa": cosa})
    return render(request, "comunicazioni/pagine/disiscriviti.html", {"cosa": cosa, "gia": not cosa})


@require_http_methods(["GET", "POST"])
def risolto(request: HttpRequest, firmato: str) -> HttpResponse:
    """The reporter's answer to "Il problema è stato risolto?". The link opens a one-button
    page: mail scanners follow links, and must not close or reopen reports by doing so."""
    letto = collegamenti.leggi_risoluzione(firmato)
    if letto is None:
        return render(request, "comunicazioni/pagine/risolto.html", {"non_valido": True}, status=404)
    s, si = letto
    contesto = {"s": s, "si": si, "link": collegamenti.pagina_privata(s)}
    if request.method == "POST":
        if s.stato != Stato.RESOLVED:
            return render(request, "comunicazioni/pagine/risolto.html", {**contesto, "gia": True})
        try:
            interazioni.conferma_risoluzione(
                s, Attore.del_segnalante(s.segnalante), risolto=si, testo=request.POST.get("testo", "")
            )
        except DomainError as exc:
            return render(request, "comunicazioni/pagine/risolto.html", {**contesto, "errore": exc}, status=400)
        return render(request, "comunicazioni/pagine/risolto.html", {**contesto, "fatto": True})
    return render(request, "comunicazioni/pagine/risolto.html", {**contesto, "gia": s.stato != Stato.RESOLVED})


@require_http_methods(["GET", "POST"])
def conferma_segui(request: HttpRequest, firmato: str) -> HttpResponse:
    """The double opt-in link of "Anche io" / "Segui" without an account. It opens a one-button
    page: mail scanners follow links, and must not subscribe anyone by doing so."""
    try:
        s, email, _lingua = iscrizioni.leggi_conferma(firmato)
    except iscrizioni.ConfermaNonValida:
        return render(request, "comunicazioni/pagine/conferma_segui.html", {"non_valido": True}, status=404)
    contesto = {"s": s, "email": email, "link": collegamenti.pagina_pubblica(s)}
    if request.method == "POST":
        _s, nuova = iscrizioni.conferma_di_seguire(firmato)
        contesto.update(fatto=True, nuova=nuova, persone=iscrizioni.seguaci(s))
    return render(request, "comunicazioni/pagine/conferma_segui.html", contesto)


@csrf_exempt  # called by the SMS provider, authenticated by the shared secret
@require_POST
def sms_in_arrivo(request: HttpRequest) -> HttpResponse:
    segreto = impostazione("SMS_SEGRETO_IN_ARRIVO")
    dato = request.headers.get("X-Civico-Segreto", "")
    if not segreto or not hmac.compare_digest(segreto.encode(), dato.encode()):
        return JsonResponse({"errore": "non autorizzato"}, status=403)
    try:
        dati = json.loads(request.body or b"{}") if request.content_type == "application/json" else request.POST
    except ValueError:
        return JsonResponse({"errore": "JSON non valido"}, status=400)
    if not isinstance(dati, dict) and not hasattr(dati, "get"):
        return JsonResponse({"errore": "JSON non valido"}, status=400)
    esito = sms.ricevi(
        str(dati.get("from", "")), str(dati.get("to", "")), str(dati.get("text", "")), str(dati.get("id", ""))
    )
    return JsonResponse({"esito": esito.azione, "risposta": esito.risposta,
                         "codice": esito.segnalazione.codice if esito.segnalazione else None})


@require_GET
def chiave_push(request: HttpRequest) -> HttpResponse:
    """The VAPID public key for pushManager.subscribe(); empty when push is not configured."""
    return JsonResponse({"chiave": abbonamenti.chiave_pubblica()})


def _json_della_stessa_origine(request: HttpRequest) -> bool:
    """The CSRF check of the push endpoints, which the service worker calls without a token: a
    JSON body cannot come from another site's form, and a cross-site fetch carries its Origin."""
    origine = request.headers.get("Origin")
    return request.content_type == "application/json" and (
        origine is None or origine == f"{request.scheme}://{request.get_host()}"
    )


@csrf_exempt  # see _json_della_stessa_origine
@require_POST
def abbonamento_push(request: HttpRequest) -> HttpResponse:
    """Save the browser's PushSubscription.toJSON() for the signed-in citizen."""
    if not _json_della_stessa_origine(request):
        return JsonResponse({"errore": _("Richiesta non valida.")}, status=403)
    if not request.user.is_authenticated:
        return JsonResponse({"errore": _("Accedi all'area personale per attivare le notifiche.")}, status=401)
    try:
        abbonamenti.salva(request.user, json.loads(request.body or b"null"))
    except InvalidData as exc:  # the reason, e.g. an endpoint that is no known push service
        return JsonResponse({"errore": str(exc.errors["abbonamento"][0])}, status=400)
    except ValueError:
        return JsonResponse({"errore": _("Abbonamento alle notifiche non valido.")}, status=400)
    return JsonResponse({"ok": True}, status=201)


@csrf_exempt  # see _json_della_stessa_origine
@require_POST
def elimina_abbonamento_push(request: HttpRequest) -> HttpResponse:
    if not _json_della_stessa_origine(request):
        return JsonResponse({"errore": _("Richiesta non valida.")}, status=403)
    if not request.user.is_authenticated:
        return JsonResponse({"errore": _("Accedi all'area personale per attivare le notifiche.")}, status=401)
    try:
        endpoint = str(json.loads(request.body or b"null")["endpoint"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"errore": _("Abbonamento alle notifiche non valido.")}, status=400)
    return JsonResponse({"eliminato": abbonamenti.elimina(request.user, endpoint)})


@require_http_methods(["GET", "POST"])
def scrivi_al_sindaco(request: HttpRequest, ente: str) -> HttpResponse:
    ente_obj = get_object_or_404(Ente, slug=ente, attivo=True)
    contesto = {"ente": ente_obj, "tipi": TipoMessaggio.choices, "pubblicati": sindaco.pubblicati(ente_obj)[:20],
                "dati": {}, "errori": {}}
    if request.method == "POST":
        p = request.POST
        try:
            sindaco.scrivi(
                ente_obj, tipo=p.get("tipo", ""), testo=p.get("testo", ""), nome=p.get("nome", ""),
                email=p.get("email", ""), utente=request.user, consenso_pubblicazione=p.get("consenso") == "1",
                codice_segnalazione=p.get("codice_segnalazione", ""), lingua=request.LANGUAGE_CODE,
            )
        except InvalidData as exc:
            contesto.update(dati=p, errori=exc.as_dict())
            return render(request, "comunicazioni/pagine/scrivi_al_sindaco.html", contesto, status=400)
        return redirect(f"{request.path}?inviato=1")
    contesto["inviato"] = request.GET.get("inviato") == "1"
    return render(request, "comunicazioni/pagine/scrivi_al_sindaco.html", contesto)
