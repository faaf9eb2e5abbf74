"""Public pages. Thin: parse, call a service, render."""

from __future__ import annotations

from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from civico.enti.models import Ente
from civico.segnalazioni import consultazione, eventi, workflow


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


def home(request: HttpRequest) -> HttpResponse:
    enti = Ente.objects.filter(attivo=True).order_by("nome")
    return render(request, "portale/home.html", {"enti": enti})


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
    response["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    response["X-Robots-Tag"] = "noindex"
    return response


def _pagina(request: HttpRequest, s, *, privata: bool) -> HttpResponse:
    cronologia = [
        {"evento": e, "testo": eventi.descrizione(e), "chi": eventi.chi(e)} for e in eventi.cronologia_pubblica(s)
    ]
    return render(
        request,
        "portale/segnalazione.html",
        {
            "s": s,
            "cronologia": cronologia,
            "stato_open311": workflow.stato_open311(s.stato),
            "privata": privata,
        },
    )


def allegato(request: HttpRequest, pk: int, miniatura: bool = False) -> FileResponse:
    a = consultazione.allegato_visibile(pk)
    if a is None:
        raise Http404("Allegato non trovato")
    f = a.miniatura if miniatura and a.miniatura else a.file
    response = FileResponse(f.open("rb"), content_type="image/jpeg" if miniatura else a.content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
