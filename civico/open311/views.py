"""Open311 GeoReport v2 (and mySociety's updates feed). Thin: parse, call the services, render.

Every endpoint answers in the format of its suffix (.xml or .json); every refusal is the spec's
list of errors with the right HTTP status, never an HTML page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from civico.accounts.chiavi import applicazione_per_chiave
from civico.accounts.models import ApplicazioneClient
from civico.catalogo.services import trova_categoria
from civico.core.limiti import consuma, ip_di, verifica
from civico.enti import geo
from civico.enti.models import Ente
from civico.errors import DomainError
from civico.open311 import invio, parametri, rappresentazione, ricerca
from civico.open311.giurisdizione import ente_richiesto
from civico.open311.risposte import FORMATO_PREDEFINITO, TIPI, Errore, risposta, risposta_errore
from civico.segnalazioni import intake
from civico.segnalazioni.workflow import stato_open311

Vista = Callable[..., HttpResponse]


def api(*metodi: str) -> Callable[[Vista], Vista]:
    """Format from the suffix, allowed methods, and every refusal rendered as Open311 errors."""
    consentiti = {*metodi, "HEAD"} if "GET" in metodi else set(metodi)

    def decora(vista: Vista) -> Vista:
        @csrf_exempt
        @wraps(vista)
        def involucro(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
            if fmt not in TIPI:
                errore = Errore(404, _("Formato «%(fmt)s» sconosciuto: usa .xml o .json.") % {"fmt": fmt[:20]})
                return risposta_errore(errore, FORMATO_PREDEFINITO)
            if request.method not in consentiti:
                errore = Errore(405, _("Metodo %(m)s non ammesso qui.") % {"m": request.method},
                                headers={"Allow": ", ".join(sorted(consentiti))})
                return risposta_errore(errore, fmt)
            try:
                _leggi_corpo(request)
                r = vista(request, fmt, **kwargs)
            except Errore as e:
                r = risposta_errore(e, fmt)
            except DomainError as e:
                r = risposta_errore(invio.errori_di_dominio(e), fmt)
            if request.method != "POST":
                r["Access-Control-Allow-Origin"] = "*"  # public data, readable from any web page
            return r

        return involucro

    return decora


def _leggi_corpo(request: HttpRequest) -> None:
    """Parse a POST body now, so a malformed or oversized one is a 400 like any other."""
    if request.method != "POST":
        return
    try:
        request.POST, request.FILES  # noqa: B018
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
        raise Errore(400, _("La richiesta è troppo grande o ha troppi campi.")) from None
    except MultiPartParserError:
        raise Errore(400, _("Il corpo multipart/form-data della richiesta non è leggibile.")) from None


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _senza_nul(valore: str, errore: Errore) -> str:
    if "\x00" in valore:
        raise errore
    return valore


@api("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    dati = rappresentazione.discovery(
        url_api=request.build_absolute_uri(reverse("open311:radice")).rstrip("/"),
        url_guida=request.build_absolute_uri(reverse("open311:guida")),
        contatto=settings.DEFAULT_FROM_EMAIL,
    )
    return risposta(dati, fmt, "discovery")


@api("GET")
def servizi(request: HttpRequest, fmt: str) -> HttpResponse:
    ente = ente_richiesto(request)
    return risposta([rappresentazione.servizio(c) for c in ricerca.categorie(ente)], fmt, "services")


@api("GET")
def definizione_servizio(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    ente = ente_richiesto(request)
    non_trovato = Errore(404, _("service_code «%(codice)s» non trovato per il comune di %(ente)s.")
                         % {"codice": service_code[:60], "ente": ente.nome})
    categoria = trova_categoria(ente, _senza_nul(service_code, non_trovato))
    if categoria is None:
        raise non_trovato
    return risposta(rappresentazione.definizione(categoria), fmt, "service_definition")


@api("GET", "POST")
def richieste(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _crea(request, fmt)
    ente = ente_richiesto(request)
    filtri = parametri.filtri_richieste(request.GET, timezone.now())
    righe = ricerca.richieste(ente, filtri)
    cronologie = ricerca.cronologie(righe) if filtri.estensioni else None
    return risposta(rappresentazione.richieste(righe, ente, _base(request), cronologie), fmt, "service_requests")


def _crea(request: HttpRequest, fmt: str) -> HttpResponse:
    ente = ente_richiesto(request)
    app = _applicazione(request, ente)
    attesa = consuma(f"open311:{app.pk}", app.limite_al_minuto, 60) or verifica("open311_invio", ip=ip_di(request))
    if attesa is not None:
        raise Errore(429, _("Troppe richieste da questa applicazione: riprova tra %(s)d secondi.") % {"s": attesa},
                     headers={"Retry-After": str(attesa)})
    codice = request.POST.get("service_code", "").strip()
    if not codice:
        raise Errore(400, _("service_code: obbligatorio (vedi services.%(fmt)s).") % {"fmt": fmt})
    categoria = trova_categoria(ente, codice) if "\x00" not in codice else None
    if categoria is None:
        raise Errore(400, _("service_code: «%(codice)s» non è un servizio del comune di %(ente)s.")
                     % {"codice": codice[:60], "ente": ente.nome})
    dati = invio.nuova_segnalazione(request.POST, ente, categoria, lingue=(
        request.GET.get("lang"), request.GET.get("locale"), request.LANGUAGE_CODE))
    if dati.lat is not None and dati.lon is not None:
        geo.ente_per_punto(dati.lat, dati.lon)  # a point outside Italy or in an inactive comune: say so
    chiave = request.headers.get("Idempotency-Key", "").strip()
    if "\x00" in chiave:
        raise Errore(400, _("Idempotency-Key: contiene caratteri non ammessi."))
    ricevuta = intake.submit(
        dati, invio.allegati(request.FILES), applicazione=app,
        chiave_idempotenza=f"open311:{app.pk}:{chiave}" if chiave else None,
    )
    return risposta([rappresentazione.ricevuta(ricevuta.segnalazione, _base(request))], fmt, "service_requests")


def _applicazione(request: HttpRequest, ente: Ente) -> ApplicazioneClient:
    chiave = (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()
    if not chiave:
        raise Errore(403, _("api_key mancante: per inviare segnalazioni serve una chiave API."))
    app = applicazione_per_chiave(chiave)
    if app is None:
        raise Errore(403, _("api_key non valida o revocata."))
    if app.ente_id is not None and app.ente_id != ente.pk:
        raise Errore(403, _("Questa api_key vale solo per il comune di %(nome)s.") % {"nome": app.ente.nome})
    return app


@api("GET")
def richiesta(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    ente = ente_richiesto(request)
    non_trovata = Errore(404, _("service_request_id «%(codice)s» non trovato per il comune di %(ente)s.")
                         % {"codice": service_request_id[:40], "ente": ente.nome})
    estensioni = parametri.valore(request.GET, "extensions").lower() in ("true", "1")
    riga = ricerca.richiesta(ente, _senza_nul(service_request_id, non_trovata))
    if riga is None:
        raise non_trovata
    cronologie = ricerca.cronologie([riga]) if estensioni else None
    return risposta(rappresentazione.richieste([riga], ente, _base(request), cronologie), fmt, "service_requests")


@api("GET")
def da_token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    ente = ente_richiesto(request)
    codice = ricerca.codice_per_token(ente, token)
    if codice is None:
        raise Errore(404, _("token «%(token)s» non trovato per il comune di %(ente)s.")
                     % {"token": token[:40], "ente": ente.nome})
    return risposta([{"service_request_id": codice, "token": token}], fmt, "service_requests")


@api("GET")
def aggiornamenti(request: HttpRequest, fmt: str) -> HttpResponse:
    ente = ente_richiesto(request)
    finestra = parametri.finestra_aggiornamenti(request.GET, timezone.now())
    eventi = ricerca.aggiornamenti(ente, finestra, parametri.pagina_richiesta(request.GET))
    stati = ricerca.stati_prima(eventi)
    base = _base(request)
    dati = []
    for e in eventi:
        stati[e.segnalazione_id] = e.stato_a or stati[e.segnalazione_id]
        dati.append(rappresentazione.aggiornamento(e, stato_open311(stati[e.segnalazione_id]), base))
    return risposta(dati, fmt, "service_request_updates")


def sconosciuto(request: HttpRequest, resto: str = "") -> HttpResponse:
    """Any other path under v2/: the spec's 404, not Django's HTML page."""
    fmt = "json" if resto.endswith(".json") else FORMATO_PREDEFINITO
    return risposta_errore(Errore(404, _("Risorsa Open311 sconosciuta: vedi discovery.xml.")), fmt)


def guida(request: HttpRequest) -> HttpResponse:
    """Our documentation page: endpoints, jurisdiction ids, keys, extensions, curl examples."""
    enti = Ente.objects.filter(attivo=True).only("nome", "codice_istat", "provincia").order_by("nome")
    radice = request.build_absolute_uri(reverse("open311:radice")).rstrip("/")
    esempio = enti.first()
    return render(request, "open311/guida.html", {
        "enti": enti,
        "radice": radice,
        "giurisdizione": esempio.codice_istat if esempio else "006003",
        "pagina_massima": parametri.PAGINA_MASSIMA,
        "raggio_massimo": parametri.RAGGIO_MASSIMO_M,
    })
