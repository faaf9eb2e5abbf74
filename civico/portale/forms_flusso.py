"""Parsing what the flow's and the private page's forms send. Domain rules stay in the services:
these only read and type the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from civico.catalogo.models import Categoria, TipoDomanda


class PrivacyForm(forms.Form):
    privacy = forms.BooleanField(
        error_messages={"required": _("Per continuare dichiara di aver letto l'informativa sulla privacy.")}
    )


class LuogoForm(forms.Form):
    ente = forms.SlugField(required=False, max_length=140)
    indirizzo = forms.CharField(required=False, strip=True)
    lat = forms.CharField(required=False, max_length=40)
    lon = forms.CharField(required=False, max_length=40)
    # When the typed address and the point disagree, which one the citizen says is right.
    scelta = forms.ChoiceField(choices=[("punto", "punto"), ("indirizzo", "indirizzo")], required=False)


class DisservizioForm(forms.Form):
    categoria = forms.CharField(required=False, max_length=60)
    titolo = forms.CharField(required=False, strip=True)
    descrizione = forms.CharField(required=False, strip=True)
    bene = forms.CharField(required=False, max_length=20)  # the asset picked (civico.patrimonio), if any


class AutoreForm(forms.Form):
    anonimo = forms.ChoiceField(choices=[("no", "no"), ("si", "si")], required=False)
    nome = forms.CharField(required=False)
    email = forms.CharField(required=False)
    telefono = forms.CharField(required=False)


class ValutazioneForm(forms.Form):
    voto = forms.TypedChoiceField(
        choices=[(str(i), str(i)) for i in range(1, 6)], coerce=int,
        error_messages={"required": _("Scegli un voto da 1 a 5."), "invalid_choice": _("Scegli un voto da 1 a 5.")},
    )
    commento = forms.CharField(required=False, max_length=500)


class CommentoForm(forms.Form):
    testo = forms.CharField(required=False)


class RisoltoForm(forms.Form):
    risolto = forms.ChoiceField(choices=[("si", "si"), ("no", "no")])
    testo = forms.CharField(required=False)


class AccessoEmailForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": _("Scrivi il tuo indirizzo e-mail."), "invalid": _("L'indirizzo e-mail non è valido."),
        },
    )
    next = forms.CharField(required=False, max_length=500)


class IndirizzoForm(forms.Form):
    """Another address of the signed-in citizen, to confirm by a link."""

    email = forms.EmailField(
        label=_("Indirizzo e-mail"), max_length=254,
        error_messages={
            "required": _("Scrivi il tuo indirizzo e-mail."), "invalid": _("L'indirizzo e-mail non è valido."),
        },
    )


def nome_risposta(categoria: Categoria, codice: str) -> str:
    """The input name of a question: per category, since two may share a question's code."""
    return f"risposta__{categoria.codice}__{codice}"


def risposte_dal_post(categoria: Categoria, dati: QueryDict) -> dict[str, Any]:
    risposte: dict[str, Any] = {}
    for d in categoria.domande.all():
        nome = nome_risposta(categoria, d.codice)
        if d.tipo == TipoDomanda.MULTI:
            risposte[d.codice] = [v for v in dati.getlist(nome) if v]
        else:
            risposte[d.codice] = (dati.get(nome) or "").strip()
    return risposte
