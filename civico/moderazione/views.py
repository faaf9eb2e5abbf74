"""Moderation pages. Thin: parse, call `servizi`, render.

Public: the "Segnala contenuto inappropriato" form on a report's page. Staff (password + TOTP,
like every backoffice page): the queue, a report's moderation sheet, the bans.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from civico.accounts.permissions import e_amministratore_piattaforma, enti_configurabili, puo_vedere
from civico.accounts.staff import staff_richiesto
from civico.core import limiti
from civico.enti.models import Ente
from civico.errors import DomainError, InvalidData
from civico.moderazione import servizi
from civico.moderazione.models import Divieto, SegnalazioneContenuto, TipoDivieto
from civico.segnalazioni import consultazione
from civico.segnalazioni.models import Segnalazione


@require_POST  # rate limited as "segnala_contenuto" by civico.core.limiti.LimitiMiddleware
def segnala(request: HttpRequest, codice: str) -> HttpResponse:
    s = consultazione.pubblica(codice)
    if s is None:
        raise Http404(_("Segnalazione non trovata"))
    try:
        nuova = servizi.segnala_contenuto(
            s, request.POST.get("motivo", ""), request.POST.get("testo", ""),
            ip=limiti.ip_di(request), utente=request.user,
        )
    except InvalidData as exc:
        messages.error(request, str(exc), extra_tags="moderazione")
    else:
        if nuova:
            messages.success(request, _("Grazie: la redazione del comune esaminerà il contenuto che hai segnalato."),
                             extra_tags="moderazione")
        else:
            messages.info(request, _("Avevi già segnalato questo contenuto: lo stiamo esaminando."),
                          extra_tags="moderazione")
    return redirect(reverse("portale:segnalazione", args=[s.codice]) + "#segnala-contenuto")


# --- Staff ----------------------------------------------------------------------------------------


@staff_richiesto
def coda(request: HttpRequest) -> HttpResponse:
    return render(request, "moderazione/coda.html", {
        "coda": servizi.coda(request.user)[:200],
        "nascoste": servizi.nascoste(request.user)[:200],
        "gestisce_divieti": e_amministratore_piattaforma(request.user) or enti_configurabili(request.user).exists(),
    })


def _segnalazione_visibile(request: HttpRequest, codice: str) -> Segnalazione:
    s = Segnalazione.objects.select_related("ente", "categoria", "ufficio").filter(codice=codice.upper()).first()
    if s is None or not puo_vedere(request.user, s):
        raise Http404(_("Segnalazione non trovata"))
    return s


@staff_richiesto
def scheda(request: HttpRequest, codice: str) -> HttpResponse:
    s = _segnalazione_visibile(request, codice)
    return render(request, "moderazione/scheda.html", _contesto_scheda(request, s))


def _contesto_scheda(request: HttpRequest, s: Segnalazione, **altro) -> dict:
    return {
        "s": s,
        "originali": servizi.originali(s, request.user),
        "segnalazioni": SegnalazioneContenuto.objects.filter(segnalazione=s).order_by("-creata_il"),
        "nascosta": servizi.nascosta_da_moderazione(s),
        **altro,
    }


AZIONI = {"nascondi": servizi.nascondi, "ripristina": servizi.ripristina, "respingi": servizi.respingi}


@staff_richiesto
@require_POST
def azione(request: HttpRequest, codice: str, nome: str) -> HttpResponse:
    s = _segnalazione_visibile(request, codice)
    fai = AZIONI.get(nome)
    if fai is None:
        raise Http404(_("Azione sconosciuta"))
    try:
        fai(s, request.user, request.POST.get("motivo", ""))
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied(str(exc)) from exc
        return render(request, "moderazione/scheda.html", _contesto_scheda(request, s, errore=str(exc)), status=400)
    messages.success(request, {
        "nascondi": _("Segnalazione nascosta al pubblico."),
        "ripristina": _("Segnalazione di nuovo visibile al pubblico."),
        "respingi": _("Segnalazioni di contenuto respinte: la segnalazione resta pubblica."),
    }[nome])
    return redirect("moderazione:scheda", s.codice)


@staff_richiesto
@require_http_methods(["GET", "POST"])
def divieti(request: HttpRequest) -> HttpResponse:
    enti = enti_configurabili(request.user).order_by("nome")
    globale = e_amministratore_piattaforma(request.user)
    if not globale and not enti.exists():
        raise PermissionDenied(_("Solo gli amministratori del comune gestiscono i divieti."))
    contesto = {"divieti": servizi.divieti_gestibili(request.user)[:500], "enti": enti, "globale": globale,
                "tipi": TipoDivieto.choices, "dati": {}, "errori": {}}
    if request.method == "POST":
        p = request.POST
        ente = None
        if p.get("ente"):
            ente = Ente.objects.filter(pk=p.get("ente")).first() if p.get("ente", "").isdigit() else None
            if ente is None:
                contesto.update(dati=p, errori={"ente": [_("Comune sconosciuto.")]})
                return render(request, "moderazione/divieti.html", contesto, status=400)
        try:
            servizi.vieta(request.user, p.get("tipo", ""), p.get("valore", ""), p.get("motivo", ""), ente)
        except InvalidData as exc:
            contesto.update(dati=p, errori=exc.as_dict())
            return render(request, "moderazione/divieti.html", contesto, status=400)
        except DomainError as exc:
            raise PermissionDenied(str(exc)) from exc
        messages.success(request, _("Divieto registrato: quel recapito non potrà più inviare segnalazioni."))
        return redirect("moderazione:divieti")
    return render(request, "moderazione/divieti.html", contesto)


@staff_richiesto
@require_POST
def revoca_divieto(request: HttpRequest, pk: int) -> HttpResponse:
    divieto = get_object_or_404(Divieto, pk=pk, attivo=True)
    try:
        servizi.revoca(request.user, divieto)
    except DomainError as exc:
        raise Http404(_("Divieto non trovato")) from exc
    messages.success(request, _("Divieto revocato."))
    return redirect("moderazione:divieti")



