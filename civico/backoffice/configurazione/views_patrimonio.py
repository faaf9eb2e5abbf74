"""Backoffice: the ente's asset layers, and importing one (preview first, then confirm)."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from civico.backoffice.configurazione.forms import mostra_errori
from civico.backoffice.configurazione.forms_patrimonio import ImportaBeniForm
from civico.backoffice.configurazione.permessi import configuratore_richiesto
from civico.backoffice.configurazione.views import pagina
from civico.enti.models import Ente
from civico.errors import InvalidData
from civico.formati.tabella_csv import ErroreFile
from civico.patrimonio import importa, servizi
from civico.patrimonio.models import TipoBene

CARTELLA = "patrimonio/in-attesa"
CHIAVE_SESSIONE = "patrimonio_in_attesa"
MAX_PROBLEMI_MOSTRATI = 200


class _Anteprima(Exception):
    """Rolls the preview's writes back."""


@configuratore_richiesto
def patrimonio(request: HttpRequest, ente: Ente) -> HttpResponse:
    tipi = (TipoBene.objects.filter(ente=ente).prefetch_related("categorie")
            .annotate(attivi=Count("beni", filter=Q(beni__attivo=True))).order_by("nome"))
    iniziali = {}
    esistente = tipi.filter(codice=request.GET.get("tipo", "")).first()
    if esistente:
        iniziali = {c: getattr(esistente, c) for c in servizi.CAMPI_TIPO} | {
            "codice": esistente.codice, "categorie": list(esistente.categorie.all())}
    form = ImportaBeniForm(request.POST or None, request.FILES or None, ente=ente, initial=iniziali)
    contesto = {"tipi": tipi, "form": form}
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        conferma = request.POST.get("azione") == "conferma"
        try:
            nome_file, dati = _file(request, form, d)
            lettura = importa.leggi(dati, nome_file, ente, importa.Colonne(d["colonna_id"], d["colonna_lat"],
                                                                          d["colonna_lon"]))
            with transaction.atomic():
                tipo = servizi.salva_tipo(ente, d["codice"], categorie=[c.codice for c in d["categorie"]],
                                          **{c: d.get(c) or "" for c in servizi.CAMPI_TIPO})
                riepilogo = importa.applica(tipo, lettura, disattiva_assenti=d["disattiva_assenti"])
                if not conferma:
                    raise _Anteprima
        except _Anteprima:
            contesto |= {"anteprima": riepilogo, "lettura": lettura, "nome_file": nome_file,
                         "problemi": lettura.problemi[:MAX_PROBLEMI_MOSTRATI]}
        except ErroreFile as errore:
            form.add_error("file", str(errore))
        except InvalidData as errore:
            mostra_errori(form, errore)
        else:
            _dimentica(request, d.get("in_attesa"))
            messages.success(request, _(
                "Importazione di «%(tipo)s» completata: %(nuovi)d nuovi, %(aggiornati)d aggiornati, "
                "%(invariati)d invariati, %(disattivati)d disattivati, %(scartati)d righe scartate."
            ) % {"tipo": tipo.nome, "nuovi": riepilogo.nuovi, "aggiornati": riepilogo.aggiornati,
                 "invariati": riepilogo.invariati, "disattivati": riepilogo.disattivati,
                 "scartati": len(lettura.problemi)})
            return redirect("configurazione:patrimonio", ente.slug)
    return pagina(request, ente, "patrimonio.html", "patrimonio", **contesto)


def _file(request: HttpRequest, form: ImportaBeniForm, d: dict) -> tuple[str, bytes]:
    """The uploaded file; kept aside for the confirmation, which then needs no new upload."""
    caricato = d.get("file")
    if caricato:
        if caricato.size > importa.MAX_BYTE:
            raise ErroreFile(_("Il file è troppo grande (più di 50 MB)."))
        dati = caricato.read()
        estensione = "".join(PurePosixPath(caricato.name.lower()).suffixes[-2:])[:12]
        nome = default_storage.save(f"{CARTELLA}/{uuid.uuid4().hex}{estensione}", ContentFile(dati))
        _dimentica(request, d.get("in_attesa"))
        request.session[CHIAVE_SESSIONE] = {"nome": nome, "originale": caricato.name}
        form.data = form.data.copy()
        form.data["in_attesa"] = nome
        return caricato.name, dati
    attesa = request.session.get(CHIAVE_SESSIONE) or {}
    if not attesa or attesa.get("nome") != d.get("in_attesa") or not default_storage.exists(attesa["nome"]):
        raise ErroreFile(_("Scegli il file da importare."))
    with default_storage.open(attesa["nome"], "rb") as f:
        return attesa["originale"], f.read()


def _dimentica(request: HttpRequest, nome: str | None) -> None:
    attesa = request.session.pop(CHIAVE_SESSIONE, None) or {}
    for n in {nome, attesa.get("nome")}:
        if n and n.startswith(CARTELLA + "/") and default_storage.exists(n):
            default_storage.delete(n)
