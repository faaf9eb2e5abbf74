"""The form of Configurazione → Identità digitale: what the administrator types. The rules
(what an own relying party needs, IPA code, VAT number…) are `accounts.identita_ente.valida`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civico.accounts import identita_ente
from civico.accounts.models import LivelloSpid
from civico.backoffice.configurazione.forms import Stile
from civico.enti.models import Ente


class IdentitaForm(Stile, forms.Form):
    modalita = forms.ChoiceField(label=_("Come accedono i cittadini con SPID e CIE"), choices=identita_ente.MODALITA,
                                 widget=forms.RadioSelect)
    client_id = forms.CharField(
        label=_("Identificativo del comune (entity id / client_id)"), required=False, max_length=300,
        help_text=_("L'indirizzo https con cui il comune è registrato come service provider SPID e relying party CIE."))
    livello = forms.ChoiceField(label=_("Livello SPID richiesto"), choices=LivelloSpid.choices)
    nome_organizzazione = forms.CharField(label=_("Nome dell'ente"), required=False, max_length=200)
    codice_ipa = forms.CharField(label=_("Codice IPA"), required=False, max_length=20,
                                 help_text=_("Il codice dell'ente nell'Indice dei domicili digitali della PA (IPA)."))
    partita_iva = forms.CharField(label=_("Partita IVA"), required=False, max_length=16)
    codice_fiscale_ente = forms.CharField(label=_("Codice fiscale dell'ente"), required=False, max_length=16)
    email_contatto = forms.CharField(label=_("E-mail di contatto tecnico"), required=False, max_length=254)
    telefono_contatto = forms.CharField(label=_("Telefono di contatto tecnico"), required=False, max_length=20)
    attributi = forms.MultipleChoiceField(label=_("Dati chiesti al gestore dell'identità"), required=False,
                                          choices=identita_ente.ATTRIBUTI, widget=forms.CheckboxSelectMultiple)
    authority_hints = forms.CharField(
        label=_("Superiori nella federazione OpenID (authority hints)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Uno per riga: l'entity id del soggetto che ha registrato il comune nella federazione "
                    "(AgID, il Ministero dell'Interno o un aggregatore)."))
    trust_mark = forms.CharField(
        label=_("Nuovo trust mark"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Il trust mark ricevuto all'iscrizione nella federazione: viene verificato prima di "
                    "essere pubblicato nell'entity configuration del comune."))
    provider = forms.MultipleChoiceField(label=_("Gestori di identità offerti"), required=False,
                                         widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, ente: Ente, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [
            (p.issuer, f"{p.get_tipo_display()} · {p.nome}") for p in identita_ente.provider_offribili(ente)
        ]
        for nome in ("modalita", "attributi", "provider"):
            self.fields[nome].widget.attrs["class"] = "form-check-input"

    @staticmethod
    def iniziali(stato: identita_ente.Stato, ente: Ente) -> dict[str, Any]:
        """What the page shows before any change: the comune's relying party, or sensible defaults."""
        rp = stato.rp
        if rp is None:
            return {"modalita": identita_ente.PIATTAFORMA, "livello": LivelloSpid.L2,
                    "nome_organizzazione": f"Comune di {ente.nome}",
                    "codice_ipa": f"c_{ente.codice_catastale.lower()}",  # the usual IPA code of a comune
                    "attributi": identita_ente.ATTRIBUTI_PREDEFINITI}
        campi = ("client_id", "livello", "nome_organizzazione", "codice_ipa", "partita_iva", "codice_fiscale_ente",
                 "email_contatto", "telefono_contatto", "attributi")
        return {"modalita": stato.modalita, "provider": identita_ente.provider_offerti(ente),
                "authority_hints": "\n".join(rp.authority_hints), **{c: getattr(rp, c) for c in campi}}
