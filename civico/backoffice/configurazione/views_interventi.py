"""Work order pages: the list, a new work order, its reports and history, editing, cancelling,
taking a report out, closing it. Each action is one call to `segnalazioni.interventi`."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civico.accounts.permissions import Attore
from civico.accounts.staff import staff_richiesto
from civico.backoffice.configurazione.forms import (
    AggiungiForm,
    AnnullaInterventoForm,
    ChiudiForm,
    InterventoForm,
    ModificaInterventoForm,
    RimuoviSegnalazioneForm,
    codici,
    mostra_errori,
)
from civico.backoffice.configurazione.permessi import operativo_richiesto
from civico.enti.models import Ente
from civico.errors import Conflict, InvalidData
from civico.segnalazioni import interventi as servizi
from civico.segnalazioni.models import EventoIntervento, Intervento, Segnalazione, StatoIntervento

T = "backoffice/configurazione/"


def _pagina(request: HttpRequest, ente: Ente, template: str, **contesto) -> HttpResponse:
    return render(request, T + template, {"comune": ente, **contesto})


def _segnalazioni(ente: Ente, testo: str) -> list[Segnalazione]:
    """The reports named by their tracking codes; an unknown code is an error, not a skip."""
    richiesti = codici(testo)
    trovate = list(Segnalazione.objects.filter(ente=ente, codice__in=richiesti))
    mancanti = sorted(set(richiesti) - {s.codice for s in trovate})
    if mancanti:
        raise InvalidData({"codici": [_("Codici sconosciuti in questo comune: %(c)s.") % {"c": ", ".join(mancanti)}]})
    return trovate


@staff_richiesto
def indice(request: HttpRequest) -> HttpResponse:
    attore = Attore.staff(request.user)
    enti = [e for e in Ente.objects.filter(attivo=True).order_by("nome") if servizi.lavora_nell_ente(attore, e)]
    if len(enti) == 1:
        return redirect("interventi:elenco", enti[0].slug)
    return render(request, T + "interventi_indice.html", {"enti": enti}, status=200 if enti else 403)


@operativo_richiesto
def elenco(request: HttpRequest, ente: Ente) -> HttpResponse:
    tutti = Intervento.objects.filter(ente=ente).annotate(n=Count("segnalazioni")).order_by("stato", "-creato_il")
    # The inbox may link here with ?codici=… to start a work order from selected reports.
    form = InterventoForm(initial={"codici": request.GET.get("codici", "")})
    return _pagina(request, ente, "interventi.html", interventi=tutti, form=form)


@require_POST
@operativo_richiesto
def nuovo(request: HttpRequest, ente: Ente) -> HttpResponse:
    form = InterventoForm(request.POST)
    if form.is_valid():
        dati = dict(form.cleaned_data)
        testo = dati.pop("codici")
        try:
            creato = servizi.crea_intervento(ente, Attore.staff(request.user), segnalazioni=_segnalazioni(ente, testo),
                                             **dati)
        except InvalidData as errore:
            mostra_errori(form, errore)
        else:
            messages.success(request, _("Intervento creato."))
            return redirect("interventi:intervento", ente.slug, creato.pk)
    tutti = Intervento.objects.filter(ente=ente).annotate(n=Count("segnalazioni")).order_by("stato", "-creato_il")
    return _pagina(request, ente, "interventi.html", interventi=tutti, form=form)


@operativo_richiesto
def intervento(request: HttpRequest, ente: Ente, pk: int) -> HttpResponse:
    return _dettaglio(request, ente, get_object_or_404(Intervento, pk=pk, ente=ente))


def _dettaglio(request: HttpRequest, ente: Ente, oggetto: Intervento, **contesto) -> HttpResponse:
    contesto.setdefault("aggiungi", AggiungiForm())
    contesto.setdefault("chiudi", ChiudiForm())
    contesto.setdefault("annulla", AnnullaInterventoForm())
    if "modifica" not in contesto:
        contesto["modifica"] = ModificaInterventoForm(initial={
            campo: getattr(oggetto, campo) for campo in ModificaInterventoForm.base_fields})
    if oggetto.stato == StatoIntervento.CHIUSO:  # the bill and notes can still come
        for campo in list(contesto["modifica"].fields):
            if campo not in ModificaInterventoForm.SOLO_DA_CHIUSO:
                del contesto["modifica"].fields[campo]
    return _pagina(
        request, ente, "intervento.html", intervento=oggetto,
        segnalazioni=oggetto.segnalazioni.select_related("categoria", "ufficio").order_by("codice"),
        storia=[_voce_storia(e) for e in oggetto.eventi.select_related("attore").order_by("creato_il", "id")],
        **contesto,
    )


def _etichette() -> dict[str, str]:
    return {"titolo": _("Titolo"), "squadra_o_ditta": _("Squadra o ditta"), "data_prevista": _("Data prevista"),
            "costo_stimato": _("Costo stimato (€)"), "costo_effettivo": _("Costo effettivo (€)"),
            "note": _("Note interne")}


def _voce_storia(e: EventoIntervento) -> dict:
    """One history line: who, when, what, and each field as before → after."""
    etichette = _etichette()
    cambi = [(etichette.get(k, k), prima, dopo) for k, (prima, dopo) in e.dati.get("campi", {}).items()]
    return {"quando": e.creato_il, "chi": e.attore.get_username() if e.attore else "—", "tipo": e.get_tipo_display(),
            "cambi": cambi, "codici": e.dati.get("codici", []), "testo": e.testo}


@require_POST
@operativo_richiesto
def aggiungi(request: HttpRequest, ente: Ente, pk: int) -> HttpResponse:
    oggetto = get_object_or_404(Intervento, pk=pk, ente=ente)
    form = AggiungiForm(request.POST)
    if form.is_valid():
        try:
            servizi.aggiungi(oggetto, Attore.staff(request.user), _segnalazioni(ente, form.cleaned_data["codici"]))
        except InvalidData as errore:
            mostra_errori(form, errore)
        except Conflict as errore:
            messages.error(request, str(errore))
        else:
            messages.success(request, _("Segnalazioni aggiunte."))
            return redirect("interventi:intervento", ente.slug, oggetto.pk)
    return _dettaglio(request, ente, oggetto, aggiungi=form)


@require_POST
@operativo_richiesto
def chiudi(request: HttpRequest, ente: Ente, pk: int) -> HttpResponse:
    oggetto = get_object_or_404(Intervento, pk=pk, ente=ente)
    form = ChiudiForm(request.POST)
    esito = None
    if form.is_valid():
        try:
            esito = servizi.chiudi_intervento(oggetto, Attore.staff(request.user), **form.cleaned_data)
        except InvalidData as errore:
            mostra_errori(form, errore)
        except Conflict as errore:
            messages.error(request, str(errore))
    if esito and not esito.non_risolte:
        messages.success(request, _("Intervento chiuso: segnalazioni risolte %(n)d.") % {"n": len(esito.risolte)})
        return redirect("interventi:intervento", ente.slug, oggetto.pk)
    # Reports that could not be resolved are listed on this very page, each with its reason.
    oggetto.refresh_from_db()
    return _dettaglio(request, ente, oggetto, chiudi=form, esito=esito)


@require_POST
@operativo_richiesto
def modifica(request: HttpRequest, ente: Ente, pk: int) -> HttpResponse:
    oggetto = get_object_or_404(Intervento, pk=pk, ente=ente)
    form = ModificaInterventoForm(request.POST)
    if oggetto.stato == StatoIntervento.CHIUSO:
        for campo in list(form.fields):
            if campo not in ModificaInterventoForm.SOLO_DA_CHIUSO:
                del form.fields[campo]
    if _esegui(request, form, lambda: servizi.modifica_intervento(
            oggetto, Attore.staff(request.user), **form.cleaned_data), _("Intervento aggiornato.")):
        return redirect("interventi:intervento", ente.slug, oggetto.pk)
    return _dettaglio(request, ente, oggetto, modifica=form)


@require_POST
@operativo_richiesto
def annulla(request: HttpRequest, ente: Ente, pk: int) -> HttpResponse:
    oggetto = get_object_or_404(Intervento, pk=pk, ente=ente)
    form = AnnullaInterventoForm(request.POST)
    if _esegui(request, form, lambda: servizi.annulla_intervento(
            oggetto, Attore.staff(request.user), form.cleaned_data["motivo"]), _("Intervento annullato.")):
        return redirect("interventi:intervento", ente.slug, oggetto.pk)
    return _dettaglio(request, ente, oggetto, annulla=form)


def _esegui(request: HttpRequest, form, azione, successo: str) -> bool:
    """A valid form's change through its service: True when done (with `successo` said), else the
    reason is on the form or in the messages and the page is shown again."""
    if not form.is_valid():
        return False
    try:
        azione()
    except InvalidData as errore:
        mostra_errori(form, errore)
        return False
    except Conflict as errore:
        messages.error(request, str(errore))
        return False
    messages.success(request, successo)
    return True


@require_POST
@operativo_richiesto
def rimuovi(request: HttpRequest, ente: Ente, pk: int) -> HttpResponse:
    oggetto = get_object_or_404(Intervento, pk=pk, ente=ente)
    form = RimuoviSegnalazioneForm(request.POST)
    if form.is_valid():
        s = oggetto.segnalazioni.filter(codice=form.cleaned_data["codice"].strip().upper()).first()
        try:
            if s is None:
                raise InvalidData({"codice": [_("La segnalazione non è in questo intervento.")]})
            servizi.rimuovi_segnalazione(oggetto, Attore.staff(request.user), s, form.cleaned_data["motivo"])
        except InvalidData as errore:
            messages.error(request, " ".join(str(m) for elenco in errore.as_dict().values() for m in elenco))
        except Conflict as errore:
            messages.error(request, str(errore))
        else:
            messages.success(request, _("Segnalazione %(codice)s tolta dall'intervento.") % {"codice": s.codice})
    else:
        messages.error(request, _("Richiesta non valida."))
    return redirect("interventi:intervento", ente.slug, oggetto.pk)
