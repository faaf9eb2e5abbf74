"""Staff insight pages (/backoffice/analisi/…): for planning, not for the public.

Protected like every backoffice page (password + TOTP, at least one role), then limited to the
comuni and offices the person may see, through the permission module.
"""

from __future__ import annotations

from datetime import timedelta

import h3
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civico.accounts.permissions import Attore, enti_visibili, filtro_visibili, puo_lavorare
from civico.analisi import approfondimenti as A
from civico.analisi import grafici
from civico.backoffice.accesso import staff_richiesto
from civico.catalogo.models import Categoria
from civico.enti.models import Ente
from civico.errors import DomainError, InvalidData
from civico.segnalazioni import interventi
from civico.segnalazioni.models import Segnalazione

SCELTE_MESI = (3, 6, 12, 24)


def _comune(request: HttpRequest, slug: str) -> Ente:
    ente = Ente.objects.filter(slug=slug).defer("confine").first()
    if ente is None:
        raise Http404("Comune non trovato")
    if not enti_visibili(request.user).filter(pk=ente.pk).exists():
        raise PermissionDenied("Comune non visibile")
    return ente


def _visibili(request: HttpRequest, ente: Ente):
    return Segnalazione.objects.filter(filtro_visibili(request.user), ente=ente)


def _intero(valore: str | None, ammessi: tuple[int, ...], predefinito: int) -> int:
    try:
        n = int(valore or predefinito)
    except ValueError:
        return predefinito
    return n if n in ammessi else predefinito


@staff_richiesto
def indice(request: HttpRequest) -> HttpResponse:
    enti = list(enti_visibili(request.user).defer("confine").order_by("nome"))
    if len(enti) == 1:
        return redirect("analisi_staff:comune", enti[0].slug)
    return render(request, "analisi/staff_indice.html", {"enti": enti})


@staff_richiesto
def comune(request: HttpRequest, ente: str) -> HttpResponse:
    trovato = _comune(request, ente)
    visibili = _visibili(request, trovato)
    mesi = _intero(request.GET.get("mesi"), SCELTE_MESI, 6)
    minimo = _intero(request.GET.get("minimo"), tuple(range(2, 21)), 3)
    categorie = list(Categoria.objects.filter(ente=trovato).order_by("nome").values_list("pk", "nome"))
    categoria_id = _intero(request.GET.get("categoria"), tuple(pk for pk, _n in categorie), 0) or None
    storia = A.settimanale(visibili, categoria_id)
    stima = A.previsione(storia)
    recenti = storia[-26:]
    oggi = timezone.localdate()
    costi = A.costi(trovato.pk, visibili, dal=oggi - timedelta(days=365), al=oggi)
    etichette = [d.strftime("%d/%m") for d, _n in recenti]
    etichette += [s["settimana"].strftime("%d/%m") for s in stima["settimane"]]
    grafico = grafici.colonne(
        etichette,
        [(_("Ricevute"), grafici.PRIMARIO, [n for _d, n in recenti] + [0] * len(stima["settimane"])),
         (_("Previsione"), grafici.SECONDARIO, [0] * len(recenti) + [s["stima"] for s in stima["settimane"]])],
        titolo=_("Segnalazioni ricevute per settimana e previsione"),
        descrizione=_("Grafico a colonne; i valori sono nella tabella accanto."),
    )
    return render(request, "analisi/staff_comune.html", {
        "comune": trovato,
        "mesi": mesi, "scelte_mesi": SCELTE_MESI, "minimo": minimo,
        "hotspot": A.hotspot(visibili, mesi=mesi, minimo=minimo),
        "ricorrenti": A.ricorrenti(visibili, mesi=max(mesi, 12)),
        "categorie": categorie, "categoria_id": categoria_id,
        "recenti": recenti, "stima": stima, "grafico_settimane": grafico,
        "uffici": A.carico_uffici(visibili),
        "costi": costi,
    })


@require_POST
@staff_richiesto
def intervento_da_hotspot(request: HttpRequest, ente: str) -> HttpResponse:
    """One click: a work order holding the open reports of that place and category."""
    trovato = _comune(request, ente)
    torna = redirect("analisi_staff:comune", trovato.slug)
    cella = (request.POST.get("cella") or "").strip()[:16]
    try:
        categoria = Categoria.objects.get(pk=int(request.POST.get("categoria") or 0), ente=trovato)
        figlie = A.celle_figlie(cella)
    except (ValueError, TypeError, Categoria.DoesNotExist, h3.H3BaseException):
        messages.error(request, _("Zona o categoria non valida."))
        return torna
    aperte = [
        s for s in A.aperte_nel_hotspot(_visibili(request, trovato), cella, categoria.pk).select_related("ente")
        if puo_lavorare(request.user, s)
    ]
    if not figlie or not aperte:
        messages.error(request, _("In questa zona non ci sono segnalazioni aperte su cui lavori."))
        return torna
    luogo = next((s.indirizzo for s in aperte if s.indirizzo), "") or _("zona %(cella)s") % {"cella": cella}
    titolo = _("%(categoria)s · %(luogo)s") % {"categoria": categoria.nome, "luogo": luogo}
    try:
        nuovo = interventi.crea_intervento(trovato, Attore.staff(request.user), titolo[:200], aperte)
    except InvalidData as exc:
        messages.error(request, " ".join(str(m) for elenco in exc.errors.values() for m in elenco))
        return torna
    except DomainError as exc:
        messages.error(request, str(exc))
        return torna
    messages.success(request, _("Intervento creato con %(n)s segnalazioni.") % {"n": len(aperte)})
    return redirect("interventi:intervento", trovato.slug, nuovo.pk)
