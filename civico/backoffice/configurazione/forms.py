"""Forms: they parse what the page sends; the services in `civico.catalogo.configurazione` and
`civico.segnalazioni.interventi` decide what is allowed."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civico.accounts.models import ScopoToken, Utente
from civico.catalogo import configurazione
from civico.catalogo.configurazione import RUOLI_ASSEGNABILI
from civico.catalogo.models import Categoria, Domanda, ModelloRisposta, TipoDomanda, Ufficio
from civico.enti.models import Ente
from civico.errors import InvalidData

MESI = [
    (1, _("gennaio")), (2, _("febbraio")), (3, _("marzo")), (4, _("aprile")), (5, _("maggio")), (6, _("giugno")),
    (7, _("luglio")), (8, _("agosto")), (9, _("settembre")), (10, _("ottobre")), (11, _("novembre")),
    (12, _("dicembre")),
]


def mostra_errori(form: forms.Form, errore: InvalidData) -> None:
    """A service's field errors on the form's fields (or on top of it)."""
    for campo, messaggi in errore.as_dict().items():
        form.add_error(campo if campo in form.fields else None, messaggi)


def codici(testo: str) -> list[str]:
    """Tracking codes typed or pasted: separated by spaces, commas or new lines."""
    return [c.upper() for c in re.split(r"[\s,;]+", testo or "") if c]


class Stile:
    """Bootstrap Italia's classes on every widget, so the templates stay one loop."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for campo in self.fields.values():
            w = campo.widget
            classe = ("form-check-input" if isinstance(w, forms.CheckboxInput)
                      else "form-select" if isinstance(w, forms.Select) else "form-control")
            w.attrs["class"] = f"{w.attrs.get('class', '')} {classe}".strip()


class EnteForm(Stile, forms.Form):
    santo_patrono_giorno = forms.IntegerField(label=_("Santo patrono: giorno"), min_value=1, max_value=31,
                                              required=False)
    santo_patrono_mese = forms.TypedChoiceField(label=_("mese"), choices=[("", "—"), *MESI], coerce=int,
                                                empty_value=None, required=False)
    protocollo_webhook_url = forms.URLField(label=_("Indirizzo del servizio di protocollo"), required=False,
                                            assume_scheme="https")
    nuovo_segreto = forms.BooleanField(label=_("Genera un nuovo segreto condiviso"), required=False)
    # The inherited backlog (segnalazioni.pregresso): imported open reports older than this.
    pregresso_giorni = forms.IntegerField(label=_("Età dell'arretrato ereditato (giorni)"), min_value=1,
                                          max_value=3650, required=False)
    pregresso_nei_ritardi = forms.BooleanField(label=_("Conta l'arretrato ereditato nei ritardi e nei cruscotti"),
                                               required=False)
    segna_pregresso = forms.BooleanField(
        label=_("Segna ora come arretrato ereditato le segnalazioni importate aperte più vecchie di così"),
        required=False)
    url_dichiarazione_accessibilita = forms.URLField(
        label=_("Indirizzo della dichiarazione di accessibilità"), required=False, assume_scheme="https",
        help_text=_("La dichiarazione del comune pubblicata su form.agid.gov.it: il piè di pagina la collega. "
                    "Vuoto: quella della piattaforma."))


class UfficioForm(Stile, forms.ModelForm):
    class Meta:
        model = Ufficio
        fields = ["nome", "email", "telefono", "orari"]
        widgets = {"orari": forms.Textarea(attrs={"rows": 2})}


class DisattivaUfficioForm(Stile, forms.Form):
    sposta_in = forms.ModelChoiceField(label=_("Sposta segnalazioni e categorie all'ufficio"),
                                       queryset=Ufficio.objects.none(), required=False)
    motivo = forms.CharField(label=_("Motivo (resta come nota interna su ogni segnalazione)"),
                             widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, ufficio: Ufficio, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sposta_in"].queryset = Ufficio.objects.filter(ente_id=ufficio.ente_id, attivo=True).exclude(
            pk=ufficio.pk
        )


class _ElencoParole(forms.CharField):
    """A JSON list shown as words separated by commas."""

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        return [p.strip() for p in (value or "").split(",") if p.strip()]


class CategoriaForm(Stile, forms.ModelForm):
    parole_chiave = _ElencoParole(label=_("Parole chiave (separate da virgole)"), required=False)

    class Meta:
        model = Categoria
        fields = [
            "nome", "codice", "gruppo", "descrizione", "parole_chiave", "ufficio_predefinito", "giorni_risposta",
            "giorni_lavorativi", "foto_obbligatoria", "contatti_obbligatori", "pubblica", "attiva", "ordine",
        ]
        widgets = {"descrizione": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, ente: Ente, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ufficio_predefinito"].queryset = Ufficio.objects.filter(ente=ente, attivo=True)


class _Valori(forms.CharField):
    """The answers of a choice question, one per line: «chiave | Nome»."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(f"{v['key']} | {v['name']}" for v in value)
        return value

    def to_python(self, value: Any) -> list[dict[str, str]]:
        valori = []
        for riga in (value or "").splitlines():
            if not riga.strip():
                continue
            chiave, _sep, nome = riga.partition("|")
            chiave, nome = chiave.strip(), nome.strip() or chiave.strip()
            if not re.fullmatch(r"[\w-]{1,60}", chiave):
                raise forms.ValidationError(_("Ogni riga è «chiave | testo»; la chiave senza spazi."))
            valori.append({"key": chiave, "name": nome})
        return valori


class DomandaForm(Stile, forms.ModelForm):
    valori = _Valori(label=_("Risposte possibili (una per riga: chiave | testo)"), required=False)

    class Meta:
        model = Domanda
        fields = ["testo", "codice", "tipo", "obbligatoria", "ordine", "valori"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tipo"].choices = TipoDomanda.choices


class _Celle(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value: Any) -> Any:
        return " ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        return [c for c in re.split(r"[\s,;]+", value or "") if c]


class RegolaForm(Stile, forms.Form):
    nome = forms.CharField(label=_("Nome"), max_length=160)
    categoria = forms.ModelChoiceField(label=_("Categoria"), queryset=Categoria.objects.none(), required=False,
                                       empty_label=_("Tutte le categorie"))
    ufficio = forms.ModelChoiceField(label=_("Ufficio"), queryset=Ufficio.objects.none())
    zona = forms.CharField(
        label=_("Zona (GeoJSON)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Clicca sulla mappa per aggiungere i vertici; il testo si aggiorna da solo."),
    )
    celle_h3 = _Celle(label=_("Oppure celle H3 (separate da spazi)"), required=False)
    priorita = forms.IntegerField(label=_("Priorità (più bassa prima)"), min_value=0, initial=100)
    attiva = forms.BooleanField(label=_("Attiva"), required=False, initial=True)

    def __init__(self, *args, ente: Ente, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categoria"].queryset = Categoria.objects.filter(ente=ente)
        self.fields["ufficio"].queryset = Ufficio.objects.filter(ente=ente, attivo=True)


class ModelloForm(Stile, forms.ModelForm):
    class Meta:
        model = ModelloRisposta
        fields = ["titolo", "categoria", "stato", "testo"]
        widgets = {"testo": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, ente: Ente, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categoria"].queryset = Categoria.objects.filter(ente=ente)
        self.fields["categoria"].empty_label = _("Tutte le categorie")


class IncaricoForm(Stile, forms.Form):
    username = forms.CharField(label=_("Nome utente"), max_length=150)
    email = forms.EmailField(label=_("E-mail (per un nuovo account)"), required=False)
    nome = forms.CharField(label=_("Nome"), max_length=150, required=False)
    cognome = forms.CharField(label=_("Cognome"), max_length=150, required=False)
    ruolo = forms.ChoiceField(label=_("Ruolo"), choices=[(r.value, r.label) for r in RUOLI_ASSEGNABILI])
    ufficio = forms.ModelChoiceField(label=_("Limitato all'ufficio"), queryset=Ufficio.objects.none(),
                                     required=False, empty_label=_("Tutto il comune"))

    def __init__(self, *args, ente: Ente, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ufficio"].queryset = Ufficio.objects.filter(ente=ente, attivo=True)


class ApplicazioneForm(Stile, forms.Form):
    nome = forms.CharField(label=_("Nome dell'applicazione"), max_length=120)
    contatto = forms.EmailField(label=_("E-mail dello sviluppatore"), required=False)
    limite_al_minuto = forms.IntegerField(label=_("Richieste di scrittura al minuto"), min_value=1,
                                          max_value=10000, initial=60)


class TokenForm(Stile, forms.Form):
    """A staff API token to issue; the service (`emetti_token`) checks the person, scopes and expiry."""

    nome = forms.CharField(label=_("Nome del token"), max_length=120,
                           help_text=_("Per riconoscerlo: ad esempio il programma o l'integrazione che lo usa."),
                           error_messages={"required": configurazione.NOME_TOKEN_MANCANTE})
    titolare = forms.ModelChoiceField(label=_("Persona dello staff"), queryset=Utente.objects.none(),
                                      help_text=_("Il token agisce con i ruoli di questa persona nel comune."))
    scopi = forms.MultipleChoiceField(label=_("Permessi"), choices=ScopoToken.choices,
                                      widget=forms.CheckboxSelectMultiple, initial=[ScopoToken.LETTURA])
    scade_il = forms.DateField(label=_("Scade il"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               help_text=_("Al massimo fra un anno. Da quel giorno il token non funziona più."))

    def __init__(self, *args, ente: Ente, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault(
            "scade_il", timezone.localdate() + timedelta(days=configurazione.GIORNI_TOKEN_PREDEFINITI))
        super().__init__(*args, **kwargs)
        self.fields["titolare"].queryset = configurazione.staff_dell_ente(ente)
        self.fields["titolare"].label_from_instance = lambda u: f"{u.get_full_name() or u.username} ({u.username})"
        self.fields["scopi"].widget.attrs["class"] = "form-check-input"

    def dati(self) -> dict[str, Any]:
        """What `emetti_token` takes: the expiry day becomes the instant the token stops working."""
        c = self.cleaned_data
        return {"nome": c["nome"], "titolare": c["titolare"], "scopi": c["scopi"],
                "scade_il": configurazione.scadenza_del_giorno(c["scade_il"])}


class InterventoForm(Stile, forms.Form):
    titolo = forms.CharField(label=_("Titolo"), max_length=200)
    squadra_o_ditta = forms.CharField(label=_("Squadra o ditta"), max_length=200, required=False)
    data_prevista = forms.DateField(label=_("Data prevista"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    costo_stimato = forms.DecimalField(label=_("Costo stimato (€)"), max_digits=12, decimal_places=2,
                                       min_value=0, required=False)
    codici = forms.CharField(label=_("Codici delle segnalazioni"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Ad esempio AL-2026-000123, separati da spazi o virgole."))


class AggiungiForm(Stile, forms.Form):
    codici = forms.CharField(label=_("Codici delle segnalazioni da aggiungere"),
                             widget=forms.Textarea(attrs={"rows": 2}))


class ModificaInterventoForm(Stile, forms.Form):
    """What an order's page can change; the service decides what a closed order still allows."""

    squadra_o_ditta = forms.CharField(label=_("Squadra o ditta"), max_length=200, required=False)
    data_prevista = forms.DateField(label=_("Data prevista"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                    help_text=_("Chi segue le segnalazioni riceve un avviso se cambia."))
    costo_stimato = forms.DecimalField(label=_("Costo stimato (€)"), max_digits=12, decimal_places=2,
                                       min_value=0, required=False)
    costo_effettivo = forms.DecimalField(label=_("Costo effettivo (€)"), max_digits=12, decimal_places=2,
                                         min_value=0, required=False)
    note = forms.CharField(label=_("Note interne"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    SOLO_DA_CHIUSO = ("costo_effettivo", "note")


class AnnullaInterventoForm(Stile, forms.Form):
    motivo = forms.CharField(label=_("Motivo dell'annullamento"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RimuoviSegnalazioneForm(Stile, forms.Form):
    codice = forms.CharField(label=_("Codice"), max_length=40, widget=forms.HiddenInput)
    motivo = forms.CharField(label=_("Motivo"), max_length=1000, required=False)


class ChiudiForm(Stile, forms.Form):
    messaggio_pubblico = forms.CharField(
        label=_("Messaggio pubblico"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Compare su ogni segnalazione dell'intervento, che diventa risolta."),
    )
    costo_effettivo = forms.DecimalField(label=_("Costo effettivo (€)"), max_digits=12, decimal_places=2,
                                         min_value=0, required=False)
