"""Staff pages under /backoffice/comunicazioni/: the mayor's office inbox (Scrivi al sindaco),
the compliments an office receives, and the avvisi administration. Thin: parse, call the
services (sindaco.py, avvisi.py), render; every check is asked of accounts.permissions."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from civico.accounts import permissions
from civico.accounts.staff import staff_richiesto
from civico.catalogo.models import Categoria
from civico.comunicazioni import avvisi, sindaco
from civico.comunicazioni.models import Avviso, MessaggioSindaco, StatoAvviso, TipoAvviso, TipoMessaggio
from civico.errors import DomainError, InvalidData


@staff_richiesto
def ingresso(request: HttpRequest) -> HttpResponse:
    """The backoffice menu's entry: the page this person's roles lead to."""
    if permissions.enti_ufficio_del_sindaco(request.user).exists():
        return redirect("comunicazioni:staff_sindaco")
    if permissions.enti_avvisi(request.user).exists():
        return redirect("comunicazioni:staff_avvisi")
    return redirect("comunicazioni:staff_complimenti")


@staff_richiesto
def sindaco_casella(request: HttpRequest) -> HttpResponse:
    if not permissions.enti_ufficio_del_sindaco(request.user).exists():
        raise PermissionDenied
    tipo = request.GET.get("tipo", "")
    da_rispondere = request.GET.get("da_rispondere") == "1"
    return render(request, "comunicazioni/staff/sindaco_casella.html", {
        "voci": sindaco.in_arrivo(request.user, tipo=tipo, da_rispondere=da_rispondere)[:200],
        "tipi": TipoMessaggio.choices, "tipo": tipo, "da_rispondere": da_rispondere,
    })


def _messaggio(request: HttpRequest, pk: int) -> MessaggioSindaco:
    m = get_object_or_404(MessaggioSindaco.objects.select_related("ente", "segnalazione__ufficio"), pk=pk)
    if not permissions.e_ufficio_del_sindaco(request.user, m.ente):
        raise Http404
    return m


@staff_richiesto
@require_http_methods(["GET", "POST"])
def sindaco_messaggio(request: HttpRequest, pk: int) -> HttpResponse:
    m = _messaggio(request, pk)
    errori: dict = {}
    if request.method == "POST":
        try:
            if request.POST.get("azione") == "pubblica":
                sindaco.pubblica(m, request.user)
                messages.success(request, _("Messaggio pubblicato."))
            else:
                sindaco.rispondi(m, request.user, request.POST.get("risposta", ""),
                                 pubblica=request.POST.get("risposta_pubblica") == "1")
                messages.success(request, _("Risposta inviata."))
            return redirect("comunicazioni:staff_sindaco_messaggio", pk=m.pk)
        except InvalidData as exc:
            errori = exc.as_dict()
        except DomainError as exc:
            errori = {"": [str(exc)]}
    return render(request, "comunicazioni/staff/sindaco_messaggio.html",
                  {"m": m, "errori": errori, "dati": request.POST}, status=400 if errori else 200)


@staff_richiesto
def complimenti(request: HttpRequest) -> HttpResponse:
    """What citizens wrote to thank for the reports this person's office resolved."""
    return render(request, "comunicazioni/staff/complimenti.html",
                  {"voci": sindaco.complimenti_visibili(request.user)[:200]})


@staff_richiesto
def avvisi_elenco(request: HttpRequest) -> HttpResponse:
    enti = permissions.enti_avvisi(request.user)
    if not enti.exists():
        raise PermissionDenied
    elenco = Avviso.objects.filter(ente__in=enti).select_related("ente").order_by("-aggiornato_il")[:200]
    return render(request, "comunicazioni/staff/avvisi.html", {"avvisi": elenco, "adesso": timezone.now()})


def _quando(valore: str, campo: str, errori: dict) -> datetime | None:
    valore = (valore or "").strip()
    if not valore:
        return None
    d = parse_datetime(valore) if len(valore) > 10 else parse_datetime(valore + "T00:00")
    if d is None:
        errori[campo] = [_("Data non valida.")]
        return None
    return timezone.make_aware(d) if timezone.is_naive(d) else d


@staff_richiesto
@require_http_methods(["GET", "POST"])
def avviso_modifica(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    enti = permissions.enti_avvisi(request.user)
    avviso = get_object_or_404(Avviso, pk=pk, ente__in=enti) if pk else None
    if not enti.exists():
        raise PermissionDenied
    ente = avviso.ente if avviso else (enti.filter(pk=request.POST.get("ente") or request.GET.get("ente")).first()
                                       or enti.order_by("nome").first())
    errori: dict = {}
    if request.method == "POST":
        p = request.POST
        valido_dal, valido_al = _quando(p.get("valido_dal", ""), "valido_dal", errori), \
            _quando(p.get("valido_al", ""), "valido_al", errori)
        categorie = list(Categoria.objects.filter(ente=ente, pk__in=[c for c in p.getlist("categorie") if c.isdigit()]))
        if not errori:
            try:
                avviso = avvisi.salva(
                    ente, request.user, avviso, titolo=p.get("titolo", ""), testo=p.get("testo", ""),
                    tipo=p.get("tipo", ""), valido_dal=valido_dal, valido_al=valido_al,
                    quartiere=p.get("quartiere", ""), categorie=categorie, area=avviso.area if avviso else None,
                )
                if p.get("azione") == "pubblica":
                    avvisi.metti_online(avviso, request.user)
                    messages.success(request, _("Avviso pubblicato."))
                else:
                    messages.success(request, _("Avviso salvato."))
                return redirect("comunicazioni:staff_avvisi")
            except InvalidData as exc:
                errori = exc.as_dict()
    return render(request, "comunicazioni/staff/avviso.html", {
        "avviso": avviso, "comune": ente, "enti": enti.order_by("nome"), "errori": errori,
        "dati": request.POST if request.method == "POST" else None, "tipi": TipoAvviso.choices,
        "categorie": Categoria.objects.filter(ente=ente).order_by("nome"),
        "scelte": {c.pk for c in avviso.categorie.all()} if avviso else set(),
    }, status=400 if errori else 200)


@staff_richiesto
@require_POST
def avviso_stato(request: HttpRequest, pk: int, azione: str) -> HttpResponse:
    avviso = get_object_or_404(Avviso, pk=pk, ente__in=permissions.enti_avvisi(request.user))
    if azione == "pubblica" and avviso.stato != StatoAvviso.PUBBLICATO:
        avvisi.metti_online(avviso, request.user)
        messages.success(request, _("Avviso pubblicato."))
    elif azione == "ritira" and avviso.stato == StatoAvviso.PUBBLICATO:
        avvisi.ritira(avviso, request.user)
        messages.success(request, _("Avviso ritirato."))
    return redirect("comunicazioni:staff_avvisi")


@staff_richiesto
@require_http_methods(["GET", "POST"])
def avvisi_di_lavoro(request: HttpRequest) -> HttpResponse:
    """Each staff member's own choice, per kind of event: at once, daily digest, never."""
    from civico.comunicazioni import personale
    from civico.comunicazioni.models import ModoAvviso, TipoAvvisoPersonale

    errori: dict = {}
    scelte = personale.modi(request.user)
    if request.method == "POST":
        scelte = {t: request.POST.get(f"modo_{t}", "") for t in TipoAvvisoPersonale.values}
        try:
            personale.salva_modi(request.user, scelte)
        except InvalidData as errore:
            errori = errore.as_dict()
        else:
            messages.success(request, _("Preferenze salvate."))
            return redirect("comunicazioni:staff_preferenze")
    righe = [{"tipo": t, "etichetta": TipoAvvisoPersonale(t).label, "scelto": scelte.get(t, ""),
              "modi": [(m, ModoAvviso(m).label) for m in personale.MODI_AMMESSI[t]],
              "errori": errori.get(f"modo_{t}", [])} for t in TipoAvvisoPersonale.values]
    return render(request, "comunicazioni/staff/avvisi_di_lavoro.html", {"righe": righe, "errori": errori},
                  status=400 if errori else 200)
