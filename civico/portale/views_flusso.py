"""Pages of the reporting flow `/segnala/`. Thin: parse the form, call `flusso`, render."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from civico.accounts import identita_digitale
from civico.catalogo import services as catalogo
from civico.comunicazioni import iscrizioni
from civico.core import limiti, mappa
from civico.errors import InvalidData
from civico.portale import flusso, flusso_file, flusso_luogo, flusso_riepilogo
from civico.portale.flusso_pagine import categorie_con_domande, contesto, limiti_file, simili
from civico.portale.forms_flusso import (
    AutoreForm,
    DisservizioForm,
    LuogoForm,
    PrivacyForm,
    ValutazioneForm,
    risposte_dal_post,
)
from civico.portale.models import Bozza
from civico.segnalazioni import consultazione
from civico.triage import servizi as triage

BOZZE_ALL_ORA = 60  # per address: far more than a person, far fewer than a script
URL_PASSO = {p: f"portale:flusso_{p}" for p in flusso.DA_COMPILARE + [flusso.RIEPILOGO]}


def _sessione(request: HttpRequest, *, crea: bool = False) -> str:
    if crea and not request.session.session_key:
        request.session.save()
    return request.session.session_key or ""


def _url(passo: str, bozza: Bozza) -> str:
    return reverse(URL_PASSO[passo], args=[bozza.uuid])


def _stato(request: HttpRequest, errori: dict) -> int:
    return 400 if errori and request.method == "POST" else 200


def _errori_form(form) -> dict[str, list[str]]:
    return {campo: [str(m) for m in elenco] for campo, elenco in form.errors.items()}


def _privati(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex"
    # The uuid is in the URL: never sent to other sites. Not "no-referrer": browsers then send
    # `Origin: null` with the step's POST, which Django's CSRF check refuses.
    response["Referrer-Policy"] = "same-origin"
    return response


def _bozza(request: HttpRequest, uuid) -> Bozza | HttpResponse:
    bozza = flusso.trova(uuid, utente=request.user)
    if bozza is None:
        raise Http404(_("Bozza non trovata"))
    if flusso.scaduta(bozza):
        return render(request, "portale/flusso/scaduta.html", {"ente": bozza.ente}, status=410)
    flusso.collega(bozza, sessione=_sessione(request), utente=request.user)
    return bozza


def _bozza_viva(request: HttpRequest, uuid) -> Bozza | None:
    """For the small JSON and image answers: the draft, if it exists and has not expired."""
    bozza = flusso.trova(uuid, utente=request.user)
    return None if bozza is None or flusso.scaduta(bozza) else bozza


# --- Step 1: privacy (also the entrance) -------------------------------------------------------


@never_cache
def inizio(request: HttpRequest) -> HttpResponse:
    ente = flusso_luogo.ente_attivo(request.GET.get("ente") or request.POST.get("ente"))
    form = PrivacyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if limiti.consuma(f"bozze:{request.META.get('REMOTE_ADDR', '')}", BOZZE_ALL_ORA, 3600):
            return HttpResponse(_("Troppe segnalazioni iniziate: riprova più tardi."), status=429)
        bozza = flusso.nuova(sessione=_sessione(request, crea=True), utente=request.user, ente=ente)
        flusso.salva_privacy(bozza)
        return redirect(_url(flusso.LUOGO, bozza))
    riprendi = flusso.da_riprendere(sessione=_sessione(request), utente=request.user)
    ctx = contesto(request, None, flusso.PRIVACY, ente=ente, errori=_errori_form(form), riprendi=riprendi)
    return render(request, "portale/flusso/privacy.html", ctx, status=400 if form.errors else 200)


@never_cache
def passo(request: HttpRequest, uuid, passo: str) -> HttpResponse:
    bozza = _bozza(request, uuid)
    if isinstance(bozza, HttpResponse):
        return bozza
    if bozza.segnalazione_id:
        return redirect("portale:flusso_inviata", bozza.uuid)
    if not flusso.accessibile(bozza, passo):
        return redirect(_url(flusso.primo_mancante(bozza), bozza))
    vista = {
        flusso.PRIVACY: _privacy, flusso.LUOGO: _luogo, flusso.DISSERVIZIO: _disservizio,
        flusso.AUTORE: _autore, flusso.RIEPILOGO: _riepilogo,
    }[passo]
    return _privati(vista(request, bozza))


def _privacy(request: HttpRequest, bozza: Bozza) -> HttpResponse:
    form = PrivacyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        flusso.salva_privacy(bozza)
        return redirect(_url(flusso.LUOGO, bozza))
    ctx = contesto(request, bozza, flusso.PRIVACY, errori=_errori_form(form))
    return render(request, "portale/flusso/privacy.html", ctx, status=400 if form.errors else 200)


# --- Step 2: place -----------------------------------------------------------------------------


def _luogo(request: HttpRequest, bozza: Bozza) -> HttpResponse:
    valori = flusso.valori(bozza, flusso.LUOGO)
    errori = flusso.errori_salvati(bozza, flusso.LUOGO)
    lontano = None
    if request.method == "POST":
        form = LuogoForm(request.POST)
        form.is_valid()
        d = form.cleaned_data
        try:
            luogo = flusso_luogo.risolvi(
                flusso_luogo.ente_attivo(d.get("ente")) or bozza.ente, d.get("indirizzo", ""),
                d.get("lat"), d.get("lon"), d.get("scelta", ""),
            )
        except InvalidData as exc:
            valori, errori = {**valori, **d}, exc.as_dict()
            lontano = exc.scarto if isinstance(exc, flusso_luogo.IndirizzoLontano) else None
        else:
            flusso.salva_luogo(bozza, luogo)
            return redirect(_url(flusso.DISSERVIZIO, bozza))
    ctx = contesto(
        request, bozza, flusso.LUOGO, valori=valori, errori=errori, enti=flusso_luogo.enti_attivi(), lontano=lontano,
        riquadro_json=json.dumps(flusso_luogo.riquadro(bozza.ente)),
        tile_url=mappa.tile_url(), tile_attribuzione=mappa.tile_attribuzione(),
    )
    return render(request, "portale/flusso/luogo.html", ctx, status=_stato(request, errori))




@require_GET
def indirizzi(request: HttpRequest) -> JsonResponse:
    ente = flusso_luogo.ente_attivo(request.GET.get("ente"))
    return JsonResponse(flusso_luogo.cerca_indirizzi(ente, request.GET.get("q", "")))


@require_GET
def punto(request: HttpRequest) -> JsonResponse:
    return JsonResponse(flusso_luogo.descrivi_punto(request.GET.get("lat"), request.GET.get("lon")))


# --- Step 3: the problem -----------------------------------------------------------------------


def _disservizio(request: HttpRequest, bozza: Bozza) -> HttpResponse:
    valori = flusso.valori(bozza, flusso.DISSERVIZIO)
    errori = flusso.errori_salvati(bozza, flusso.DISSERVIZIO)
    if request.method == "POST":
        form = DisservizioForm(request.POST)
        form.is_valid()
        d = form.cleaned_data
        categoria = catalogo.trova_categoria(bozza.ente, d["categoria"]) if d.get("categoria") else None
        risposte = risposte_dal_post(categoria, request.POST) if categoria else {}
        errori = _carica(bozza, request.FILES.getlist("foto") + request.FILES.getlist("documenti"))
        try:
            flusso.salva_disservizio(bozza, risposte=risposte, **d)
        except InvalidData as exc:
            errori = {**exc.as_dict(), **errori}
        valori = {**d, "risposte": risposte}
        if not errori and request.POST.get("azione") != "carica":
            return redirect(_url(flusso.AUTORE, bozza))
    ctx = contesto(request, bozza, flusso.DISSERVIZIO, valori=valori, errori=errori,
                   **_ctx_disservizio(bozza, valori, errori))
    return render(request, "portale/flusso/disservizio.html", ctx, status=_stato(request, errori))


def _carica(bozza: Bozza, file: list) -> dict[str, list[str]]:
    errori: list[str] = []
    for f in file:
        try:
            flusso_file.aggiungi(bozza, f.name, f)
        except InvalidData as exc:
            errori += exc.as_dict().get("allegati", [])
    return {"allegati": errori} if errori else {}


def _ctx_disservizio(bozza: Bozza, valori: dict[str, Any], errori: dict[str, list[str]]) -> dict[str, Any]:
    elenco = flusso.categorie(bozza.ente)
    scelta = next((c for c in elenco if c.codice == valori.get("categoria")), None)
    return {
        "gruppi": flusso.per_gruppo(elenco),
        "domande": categorie_con_domande(elenco, scelta, valori.get("risposte", {}), errori),
        "file": flusso_file.elenco(bozza),
        "proposta": flusso_file.proposta_di_luogo(bozza),
        "simili": simili(bozza, scelta, f"{valori.get('titolo') or ''}\n{valori.get('descrizione') or ''}"),
        "limiti": limiti_file(),
    }


@require_POST
def allegati(request: HttpRequest, uuid) -> HttpResponse:
    bozza = _bozza(request, uuid)
    if isinstance(bozza, HttpResponse):
        return bozza
    nuovi, errori = [], []
    for f in request.FILES.getlist("file"):
        try:
            nuovi.append(flusso_file.aggiungi(bozza, f.name, f))
        except InvalidData as exc:
            errori += exc.as_dict().get("allegati", [])
    if not request.headers.get("Accept", "").startswith("application/json"):
        for e in errori:
            messages.error(request, e, extra_tags="campo-allegati")
        return redirect(_url(flusso.DISSERVIZIO, bozza))
    proposta = flusso_file.proposta_di_luogo(bozza)
    return JsonResponse({
        "file": [render_to_string("portale/flusso/_file.html", {"f": f, "bozza": bozza}, request) for f in nuovi],
        "errori": errori,
        "proposta": render_to_string("portale/flusso/_proposta.html", {"proposta": proposta, "bozza": bozza}, request),
    }, status=400 if errori and not nuovi else 200)


@require_GET
def anteprima(request: HttpRequest, uuid, pk: int) -> FileResponse:
    bozza = _bozza_viva(request, uuid)
    f = flusso_file.trova(bozza, pk) if bozza else None
    if f is None or not f.miniatura:
        raise Http404(_("File non trovato"))
    response = FileResponse(f.miniatura.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
def rimuovi(request: HttpRequest, uuid, pk: int) -> HttpResponse:
    bozza = _bozza(request, uuid)
    if isinstance(bozza, HttpResponse):
        return bozza
    rimosso = flusso_file.rimuovi(bozza, pk)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"rimosso": rimosso})
    if rimosso:
        messages.success(request, _("File rimosso."))
    return redirect(_url(flusso.DISSERVIZIO, bozza))


@require_POST
def luogo_dalla_foto(request: HttpRequest, uuid, pk: int) -> HttpResponse:
    bozza = _bozza(request, uuid)
    if isinstance(bozza, HttpResponse):
        return bozza
    f = flusso_file.trova(bozza, pk)
    if f is None or f.lat is None:
        raise Http404(_("File non trovato"))
    try:
        flusso.salva_luogo(bozza, flusso_luogo.risolvi(None, "", f.lat, f.lon))
    except InvalidData as exc:
        messages.error(request, exc.as_dict()["posizione"][0])
    else:
        messages.success(request, _("Abbiamo usato il luogo in cui è stata scattata la foto."))
    # The button is in the step-3 form: what was typed there comes along and is kept here.
    form = DisservizioForm(request.POST)
    form.is_valid()
    d = form.cleaned_data
    if any(d.values()):
        categoria = catalogo.trova_categoria(bozza.ente, d["categoria"]) if bozza.ente and d.get("categoria") else None
        risposte = risposte_dal_post(categoria, request.POST) if categoria else {}
        flusso.conserva_disservizio(bozza, risposte=risposte, **d)
    return redirect(_url(flusso.DISSERVIZIO, bozza))


@require_GET
def suggerimenti(request: HttpRequest, uuid) -> JsonResponse:
    """While the citizen types: the category their words suggest, and similar reports nearby."""
    bozza = _bozza_viva(request, uuid)
    if bozza is None or bozza.ente is None:
        raise Http404(_("Bozza non trovata"))
    categoria = catalogo.trova_categoria(bozza.ente, request.GET.get("categoria", "")) if request.GET.get(
        "categoria") else None
    candidate = []
    testo = request.GET.get("testo", "")[:500]
    if categoria is None and testo.strip():
        candidate = triage.suggerisci(bozza.ente, testo)
    suggerita = candidate[0].categoria if candidate else None
    elenco = simili(bozza, categoria or suggerita, testo)
    html = render_to_string("portale/flusso/_duplicati.html", {"simili": elenco, "bozza": bozza}, request)
    return JsonResponse({
        "categoria_suggerita": {"codice": suggerita.codice, "nome": suggerita.nome_locale} if suggerita else None,
        "suggerimenti": [
            {"codice": s.categoria.codice, "nome": s.categoria.nome_locale, "probabilita": s.probabilita}
            for s in candidate
        ],
        "duplicati": len(elenco.elenco) if elenco else 0,
        "html": html,
    })


@require_POST
def anche_io(request: HttpRequest, uuid, codice: str) -> HttpResponse:
    """Support an existing report instead of sending another: follow it (signed in) or open it."""
    bozza = _bozza(request, uuid)
    if isinstance(bozza, HttpResponse):
        return bozza
    s = consultazione.pubblica(codice)
    if s is None:
        raise Http404(_("Segnalazione non trovata"))
    if not request.user.is_authenticated:
        return redirect("portale:segnalazione", s.codice)
    iscrizioni.segui(s, request.user)
    messages.success(request, _(
        "Ora segui la segnalazione %(codice)s: riceverai i suoi aggiornamenti. Se non hai altro da "
        "aggiungere, non serve inviarne una nuova."
    ) % {"codice": s.codice})
    return redirect(_url(flusso.DISSERVIZIO, bozza))


# --- Step 4: author ----------------------------------------------------------------------------


def _autore(request: HttpRequest, bozza: Bozza) -> HttpResponse:
    valori = flusso.valori(bozza, flusso.AUTORE)
    if not valori and request.user.is_authenticated:
        # Once-only: what the account knows (from SPID/CIE: proved by the identity) is not asked again.
        valori = {"email": request.user.email, "nome": request.user.get_full_name(), "telefono": request.user.telefono}
    # The certified name is the identity's: shown read-only, and a POST cannot change it.
    certificati = identita_digitale.dati_certificati(request.user)
    if certificati:
        valori = {**valori, "nome": certificati["nome"]}
    errori = flusso.errori_salvati(bozza, flusso.AUTORE)
    if request.method == "POST":
        form = AutoreForm(request.POST)
        form.is_valid()
        d = {**form.cleaned_data, "anonimo": form.cleaned_data.get("anonimo") == "si"}
        if certificati:
            d["nome"] = certificati["nome"]
        try:
            flusso.salva_autore(bozza, **d)
        except InvalidData as exc:
            valori, errori = d, exc.as_dict()
        else:
            return redirect(_url(flusso.RIEPILOGO, bozza))
    categoria = flusso.categoria_della_bozza(bozza)
    ctx = contesto(request, bozza, flusso.AUTORE, valori=valori, errori=errori, certificati=certificati,
                   contatti_obbligatori=bool(categoria and categoria.contatti_obbligatori), categoria=categoria)
    return render(request, "portale/flusso/autore.html", ctx, status=_stato(request, errori))


# --- Step 5: summary and submission ------------------------------------------------------------


def _riepilogo(request: HttpRequest, bozza: Bozza) -> HttpResponse:
    ctx = contesto(request, bozza, flusso.RIEPILOGO, sezioni=flusso_riepilogo.sezioni(bozza),
                   errori=flusso.errori_salvati(bozza, flusso.RIEPILOGO))
    return render(request, "portale/flusso/riepilogo.html", ctx)


@never_cache
@require_POST
def invia(request: HttpRequest, uuid) -> HttpResponse:
    bozza = _bozza(request, uuid)
    if isinstance(bozza, HttpResponse):
        return bozza
    if request.POST.get("chiave", bozza.chiave) != bozza.chiave:
        return HttpResponse(status=400)
    try:
        flusso.invia(bozza, flusso.attore_per(request.user))
    except flusso.ErroreInvio as exc:
        messages.error(request, _("La segnalazione non è stata inviata: correggi i dati indicati e riprova."))
        return redirect(_url(exc.passo, bozza) + "#errori")
    return redirect("portale:flusso_inviata", bozza.uuid)


# --- Step 6: confirmation ----------------------------------------------------------------------


@never_cache
def inviata(request: HttpRequest, uuid) -> HttpResponse:
    bozza = _bozza(request, uuid)
    if isinstance(bozza, HttpResponse):
        return bozza
    if not bozza.segnalazione_id:
        return redirect(_url(flusso.primo_mancante(bozza) or flusso.RIEPILOGO, bozza))
    s = bozza.segnalazione
    ctx = contesto(
        request, bozza, flusso.CONFERMA, s=s, valutata=flusso.valutata(bozza),
        link_privato=request.build_absolute_uri(reverse("portale:segnalazione_privata", args=[s.token])),
        errori=_errori_form_valutazione(request),
    )
    return _privati(render(request, "portale/flusso/inviata.html", ctx))


def _errori_form_valutazione(request: HttpRequest) -> dict[str, list[str]]:
    return {"voto": [m.message for m in messages.get_messages(request) if "campo-voto" in m.extra_tags]}


@require_POST
def valutazione(request: HttpRequest, uuid) -> HttpResponse:
    bozza = _bozza(request, uuid)
    if isinstance(bozza, HttpResponse):
        return bozza
    form = ValutazioneForm(request.POST)
    if not form.is_valid():
        for m in form.errors.get("voto", []):
            messages.error(request, m, extra_tags="campo-voto")
    elif bozza.segnalazione_id:
        flusso.valuta(bozza, form.cleaned_data["voto"], form.cleaned_data.get("commento", ""))
        messages.success(request, _("Grazie per la tua valutazione."))
    return redirect(reverse("portale:flusso_inviata", args=[bozza.uuid]) + "#valutazione")


def offline(request: HttpRequest) -> HttpResponse:
    """The page the service worker shows when the network is gone."""
    return render(request, "portale/flusso/offline.html", contesto(request, None, None))
