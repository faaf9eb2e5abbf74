"""Public pages. Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from civico.comunicazioni import iscrizioni
from civico.comunicazioni.avvisi import avvisi_attivi
from civico.core import mappa
from civico.enti import geo
from civico.errors import DomainError, InvalidData
from civico.portale import esplora, live, pagine
from civico.segnalazioni import consultazione, eventi, media, workflow


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = {"status": "ok", "vendor": connection.vendor}
        status = 200
    except Exception as exc:  # any failure means "not healthy"; say which
        db = {"status": "error", "vendor": connection.vendor, "error": exc.__class__.__name__}
        status = 503
    return JsonResponse({"status": "ok" if status == 200 else "error", "database": db}, status=status)


# --- The national home and "find your comune" -------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    return render(request, "portale/home.html", {
        "enti": pagine.enti_attivi(),
        "q": q,
        "risultati": pagine.cerca_comuni(q) if q else None,
    })


@require_GET
def comune_vicino(request: HttpRequest) -> JsonResponse:
    try:
        ente = geo.comune_per_punto(request.GET.get("lat"), request.GET.get("lon"))
    except DomainError as e:
        return JsonResponse({"errore": {"codice": e.code, "messaggio": str(e)}}, status=400)
    if ente is None:
        return JsonResponse({"comune": None, "messaggio": _("Il punto non si trova in nessun comune italiano.")})
    return JsonResponse({"comune": {
        "nome": ente.nome, "provincia": ente.provincia, "slug": ente.slug, "attivo": ente.attivo,
        "url": reverse("portale:ente", args=[ente.slug]),
    }})


# --- An ente's pages ----------------------------------------------------------------------------


def _ente_attivo(request: HttpRequest, slug: str):
    """The active ente of the URL; an inactive one gets a page saying so, with status 404."""
    ente = pagine.ente(slug)
    if ente is None:
        raise Http404("Comune non trovato")
    if not ente.attivo:
        return None, render(request, "portale/ente_non_attivo.html", {"comune": ente}, status=404)
    return ente, None


def ente_home(request: HttpRequest, ente: str) -> HttpResponse:
    ente, risposta = _ente_attivo(request, ente)
    if risposta:
        return risposta
    recenti = [consultazione.scheda_pubblica(s, _base(request)) for s in pagine.recenti(ente)]
    return render(request, "portale/ente.html", {
        "ente": ente,
        "recenti": recenti,
        "punti": [_punto(s) for s in recenti if s["lat"] is not None],  # imported ones may have no place
        "riquadro": pagine.riquadro(ente),
        "risolte": pagine.risolte_ultimi_12_mesi(ente),
        "categorie": pagine.categorie(ente),
        "avvisi": list(avvisi_attivi(ente)[:5]),
        "tile_url": mappa.tile_url(),
        "tile_attribuzione": mappa.tile_attribuzione(),
    })


def scheda_servizio(request: HttpRequest, ente: str) -> HttpResponse:
    """The reporting service described as the Designers Italia model's service page: who, how,
    what it takes, what one gets, each category's response time, costs, terms, contacts."""
    ente, risposta = _ente_attivo(request, ente)
    if risposta:
        return risposta
    return render(request, "portale/scheda_servizio.html", {"ente": ente, "categorie": pagine.categorie(ente)})


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _punto(scheda: dict) -> dict:
    """What the map needs of a report: a subset of its public representation."""
    return {k: scheda[k] for k in ("codice", "titolo", "stato", "stato_etichetta", "lat", "lon")}


def esplora_segnalazioni(request: HttpRequest, ente: str) -> HttpResponse:
    """The list and the map of the same results: side by side on a desktop, stacked on a phone."""
    ente, risposta = _ente_attivo(request, ente)
    if risposta:
        return risposta
    categorie = esplora.categorie_pubbliche(ente)
    filtri = esplora.leggi_filtri(request.GET, categorie)
    qs = esplora.filtra(ente, filtri)
    pagina = esplora.pagina(qs, request.GET.get("pagina"))
    return render(request, "portale/esplora.html", {
        "ente": ente, "filtri": filtri, "categorie": categorie,
        "stati": esplora.opzioni_stato(), "periodi": [(k, v[1]) for k, v in esplora.PERIODI.items()],
        "pagina": pagina, "schede": [consultazione.scheda_pubblica(s, _base(request)) for s in pagina],
        "conteggi": esplora.conteggi(qs, pagina.paginator.count),
        "riquadro": pagine.riquadro(ente), "tile_url": mappa.tile_url(),
        "tile_attribuzione": mappa.tile_attribuzione(),
    })


@require_GET
def mappa_json(request: HttpRequest, ente: str) -> JsonResponse:
    ente = pagine.ente(ente)
    if ente is None or not ente.attivo:
        raise Http404("Comune non trovato")
    bbox = esplora.leggi_bbox(request.GET.get("bbox", ""))
    try:
        zoom = int(request.GET.get("zoom", ""))
    except ValueError:
        zoom = -1
    if bbox is None or not 0 <= zoom <= 22:
        messaggio = _("Indica bbox=ovest,sud,est,nord e zoom tra 0 e 22.")
        return JsonResponse({"errore": {"codice": "parametri", "messaggio": messaggio}}, status=400)
    filtri = esplora.leggi_filtri(request.GET, esplora.categorie_pubbliche(ente))
    risposta = JsonResponse(esplora.mappa(esplora.filtra(ente, filtri), bbox, zoom))
    risposta["Cache-Control"] = "public, max-age=30"
    return risposta


# --- A report's public page and its live updates ------------------------------------------------


def segnalazione(request: HttpRequest, codice: str) -> HttpResponse:
    s = consultazione.pubblica(codice)
    if s is None:
        raise Http404("Segnalazione non trovata")
    return _pagina(request, s, privata=False)


def segnalazione_privata(request: HttpRequest, token: str) -> HttpResponse:
    s = consultazione.per_token(token)
    if s is None:
        raise Http404("Segnalazione non trovata")
    response = _pagina(request, s, privata=True)
    # The token is in the URL: never send it to other sites. (Not "no-referrer": Chromium then
    # sends `Origin: null` on the page's own forms and Django's CSRF check refuses them.)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
def anche_io(request: HttpRequest, codice: str) -> HttpResponse:
    """"Anche io" on a public report: follow it and count one more person. Signed in: at once;
    otherwise the e-mail given gets a confirmation link first (double opt-in)."""
    s = consultazione.pubblica(codice)
    if s is None:
        raise Http404("Segnalazione non trovata")
    if request.user.is_authenticated:
        if iscrizioni.segui(s, request.user):
            messages.success(request, _("Fatto: segui la segnalazione %(codice)s e ne riceverai gli aggiornamenti.")
                             % {"codice": s.codice})
        else:
            messages.info(request, _("Segui già questa segnalazione."))
        return redirect("portale:segnalazione", s.codice)
    try:
        email = iscrizioni.chiedi_di_seguire(s, request.POST.get("email", ""), translation.get_language() or "it")
    except InvalidData as exc:
        return _pagina(request, s, privata=False, errori_anche_io=exc.as_dict().get("email", []),
                       email=request.POST.get("email", "")[:254], status=400)
    messages.success(request, _(
        "Ti abbiamo scritto a %(email)s: apri il link nel messaggio per confermare. Senza conferma non "
        "riceverai nulla."
    ) % {"email": email})
    return redirect("portale:segnalazione", s.codice)


def _pagina(request: HttpRequest, s, *, privata: bool, status: int = 200, **extra) -> HttpResponse:
    # The reporter (private link) also sees their messages with the office.
    righe = eventi.cronologia_del_segnalante(s) if privata else eventi.cronologia_pubblica(s)
    cronologia = [pagine.voce_cronologia(e) for e in righe]
    # Live updates follow the public timeline, so only for reports the public may see.
    in_diretta = s.pubblica and s.ente.attivo
    return render(
        request,
        "portale/segnalazione.html",
        {
            **extra,
            "persone": iscrizioni.seguaci(s),
            "segue": request.user.is_authenticated and iscrizioni.segue(s, request.user),
            # Its place on a map, as the ente's home draws reports (mappa.js); no point, no map.
            "punti": [_punto(consultazione.scheda_pubblica(s, _base(request)))] if s.lat is not None else [],
            "tile_url": mappa.tile_url(),
            "tile_attribuzione": mappa.tile_attribuzione(),
            "s": s,
            "ente": s.ente,
            "cronologia": cronologia,
            "stato_open311": workflow.stato_open311(s.stato),
            "privata": privata,
            "foto": consultazione.foto_della_pagina(s),
            "url_eventi": reverse("portale:segnalazione_eventi", args=[s.codice]) if in_diretta else "",
            "ultimo_evento": cronologia[-1]["evento"].pk if cronologia else 0,
        },
        status=status,
    )


async def segnalazione_eventi(request: HttpRequest, codice: str) -> HttpResponse:
    """Server-Sent Events of a public report's timeline (see civico.portale.live)."""
    dopo = live.posizione(request.headers.get("Last-Event-ID"), request.GET.get("dopo"))
    segnalazione_id = await live.una_volta(live.id_pubblico, codice)
    if segnalazione_id is None:
        raise Http404("Segnalazione non trovata")
    lingua = translation.get_language()
    intestazioni = {"Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no"}
    if not isinstance(request, ASGIRequest):
        corpo = await live.subito(segnalazione_id, dopo, lingua)
        return HttpResponse(corpo, content_type="text/event-stream; charset=utf-8", headers=intestazioni)
    return StreamingHttpResponse(
        live.flusso(segnalazione_id, dopo, lingua), content_type="text/event-stream; charset=utf-8",
        headers=intestazioni,
    )


# A photo can be redacted or hidden at any moment, so no shared cache keeps one: the versioned
# URL (`?v=` the content's hash, what pages and APIs link) may stay a year in the viewer's own
# cache, since a redaction gives a new URL; the bare URL is revalidated on every use.
CACHE_VERSIONATA = "private, max-age=31536000, immutable"
CACHE_SENZA_VERSIONE = "private, no-cache"


def allegato(request: HttpRequest, pk: int, miniatura: bool = False) -> HttpResponse:
    a = consultazione.allegato_visibile(pk)
    chiesta = request.GET.get("v")
    if a is not None and chiesta is not None and consultazione.versione_caricata(a, chiesta):
        # Linked while the photo was being processed: on to its current URL, a redirect nobody keeps.
        risposta = HttpResponseRedirect(consultazione.url_foto(a, "", miniatura=miniatura))
        risposta["Cache-Control"] = "no-store"
        return risposta
    if a is None or (chiesta is not None and chiesta != consultazione.versione(a.sha256)):
        # Hidden, removed, or bytes since redacted: gone at once, and nothing may keep this answer.
        risposta = HttpResponse(_("Foto non disponibile."), status=404, content_type="text/plain; charset=utf-8")
        risposta["Cache-Control"] = "no-store"
        return risposta
    if a.in_elaborazione:  # not re-encoded yet: a placeholder, never the bytes as sent, never cached
        risposta = HttpResponse(media.segnaposto_in_elaborazione(), content_type="image/svg+xml")
        risposta["Cache-Control"] = "no-store"
        return risposta
    etichetta = f'"{consultazione.versione(a.sha256)}{"-m" if miniatura else ""}"'
    cache = CACHE_VERSIONATA if chiesta else CACHE_SENZA_VERSIONE
    if etichetta in request.headers.get("If-None-Match", ""):
        risposta = HttpResponseNotModified()
    else:
        f = a.miniatura if miniatura and a.miniatura else a.file
        risposta = FileResponse(f.open("rb"), content_type="image/jpeg" if miniatura else a.content_type)
    risposta["ETag"] = etichetta
    risposta["Cache-Control"] = cache
    return risposta


# --- Static pages and the satisfaction rating ---------------------------------------------------


def pagina_statica(request: HttpRequest, modello: str) -> HttpResponse:
    return render(request, f"portale/pagine/{modello}.html")


@require_POST
def valutazione(request: HttpRequest) -> HttpResponse:
    pagina = request.POST.get("pagina", "")
    registrata = pagine.registra_valutazione(pagina, request.POST.get("voto"), request.META.get("REMOTE_ADDR", ""),
                                             request.POST.get("aspetto"), request.POST.get("dettaglio"))
    if request.headers.get("X-Civico-Valutazione"):  # the page's script: a fragment, no reload
        return render(request, "includes/valutazione_esito.html", {"registrata": registrata},
                      status=200 if registrata else 400)
    # Shown inside the rating box (the page comes back scrolled to it), not at the top.
    if registrata:
        messages.success(request, _("Grazie: la tua valutazione ci aiuta a migliorare il servizio."),
                         extra_tags="valutazione")
    else:
        messages.error(request, _("Non è stato possibile registrare la valutazione: scegli da 1 a 5 stelle."),
                       extra_tags="valutazione")
    if not url_has_allowed_host_and_scheme(pagina, allowed_hosts={request.get_host()}) or not pagina.startswith("/"):
        pagina = "/"
    return HttpResponseRedirect(pagina + "#valutazione")
