"""The backoffice form that imports an asset layer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civico.backoffice.configurazione.forms import Stile
from civico.catalogo.models import Categoria
from civico.enti.models import Ente


class ImportaBeniForm(Stile, forms.Form):
    codice = forms.SlugField(label=_("Codice del tipo di bene"), max_length=40,
                             help_text=_("Es. «lampioni»: lo stesso codice aggiorna lo stesso strato."))
    nome = forms.CharField(label=_("Nome, al singolare"), max_length=80, help_text=_("Es. «Lampione»."))
    nome_en = forms.CharField(label=_("Nome in inglese"), max_length=80, required=False)
    fonte = forms.CharField(label=_("Fonte dei dati"), max_length=300)
    licenza = forms.CharField(label=_("Licenza dei dati"), max_length=120, help_text=_("Es. «CC BY 4.0»."))
    attribuzione = forms.CharField(label=_("Attribuzione"), max_length=300, required=False)
    attributo_descrittivo = forms.CharField(
        label=_("Colonna che descrive un bene"), max_length=60, required=False,
        help_text=_("Es. «specie»: «Albero n. 1234 (Platanus…)»."))
    categorie = forms.ModelMultipleChoiceField(
        label=_("Categorie in cui si può scegliere il bene"), queryset=Categoria.objects.none(),
        to_field_name="codice", required=False, widget=forms.CheckboxSelectMultiple)
    file = forms.FileField(label=_("File CSV o GeoJSON"), required=False,
                           help_text=_("CSV: una riga per bene, con le colonne indicate sotto; le altre colonne "
                                       "diventano attributi. GeoJSON: punti in WGS84."))
    colonna_id = forms.CharField(label=_("Colonna dell'identificativo"), max_length=60, initial="id")
    colonna_lat = forms.CharField(label=_("Colonna della latitudine"), max_length=60, initial="lat")
    colonna_lon = forms.CharField(label=_("Colonna della longitudine"), max_length=60, initial="lon")
    disattiva_assenti = forms.BooleanField(label=_("Disattiva i beni che il file non contiene più"), required=False)
    in_attesa = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, ente: Ente, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categorie"].queryset = Categoria.objects.filter(ente=ente, attiva=True).order_by("nome")
        self.fields["categorie"].widget.attrs["class"] = ""
