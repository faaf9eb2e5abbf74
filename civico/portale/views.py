"""Public pages. Thin: parse, call a service, render."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from civico.enti.models import Ente


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
