"""The catalogue of an ente: its offices, its categories (Open311 services) with their extra
questions (Open311 attributes), and the routing rules that send a category in a zone to an office."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from civico.enti.models import Ente
from civico.stati import Stato


class Ufficio(models.Model):
    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="uffici")
    nome = models.CharField(_("nome"), max_length=160)
    email = models.EmailField(_("e-mail"), blank=True)
    telefono = models.CharField(_("telefono"), max_length=40, blank=True)
    orari = models.TextField(_("orari di apertura"), blank=True)
    attivo = models.BooleanField(_("attivo"), default=True)

    class Meta:
        verbose_name = _("ufficio")
        verbose_name_plural = _("uffici")
        ordering = ["ente", "nome"]
        constraints = [
            models.UniqueConstraint(fields=["ente", "nome"], name="ufficio_nome_unico_per_ente")
        ]

    def __str__(self) -> str:
        return self.nome


class Categoria(models.Model):
    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="categorie")
    codice = models.SlugField(_("codice"), max_length=60)
    nome = models.CharField(_("nome"), max_length=120)
    descrizione = models.TextField(_("descrizione"), blank=True)
    gruppo = models.CharField(_("gruppo"), max_length=120, blank=True)
    # English for the English site; empty: the Italian is shown.
    nome_en = models.CharField(_("nome in inglese"), max_length=120, blank=True)
    descrizione_en = models.TextField(_("descrizione in inglese"), blank=True)
    gruppo_en = models.CharField(_("gruppo in inglese"), max_length=120, blank=True)
    parole_chiave = models.JSONField(_("parole chiave"), default=list, blank=True)
    ufficio_predefinito = models.ForeignKey(
        Ufficio, on_delete=models.PROTECT, related_name="categorie", null=True, blank=True,
        verbose_name=_("ufficio competente"),
    )
    giorni_risposta = models.PositiveIntegerField(
        _("tempo massimo di risposta (giorni)"), default=30, validators=[MinValueValidator(1)]
    )
    giorni_lavorativi = models.BooleanField(
        _("conta solo i giorni lavorativi"), default=False,
        help_text=_("Se no, i giorni sono di calendario (L. 241/1990); se sì, si saltano sabati, domeniche e festivi."),
    )
    foto_obbligatoria = models.BooleanField(_("foto obbligatoria"), default=False)
    contatti_obbligatori = models.BooleanField(_("contatti del segnalante obbligatori"), default=False)
    pubblica = models.BooleanField(
        _("segnalazioni pubbliche"), default=True,
        help_text=_("Se no, le segnalazioni di questa categoria non compaiono nelle pagine pubbliche."),
    )
    attiva = models.BooleanField(_("attiva"), default=True)
    ordine = models.PositiveIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("categoria")
        verbose_name_plural = _("categorie")
        ordering = ["ente", "ordine", "nome"]
        constraints = [
            models.UniqueConstraint(fields=["ente", "codice"], name="categoria_codice_unico_per_ente")
        ]

    def __str__(self) -> str:
        return self.nome

    # What a citizen reads, in the page's language (Italian when no English is given).
    @property
    def nome_locale(self) -> str:
        return nella_lingua(self.nome, self.nome_en)

    @property
    def descrizione_locale(self) -> str:
        return nella_lingua(self.descrizione, self.descrizione_en)

    @property
    def gruppo_locale(self) -> str:
        return nella_lingua(self.gruppo, self.gruppo_en)


def nella_lingua(italiano: str, inglese: str) -> str:
    """The English text on the English site when there is one; otherwise the Italian."""
    lingua = (get_language() or "").split("-")[0]
    return inglese if lingua == "en" and (inglese or "").strip() else italiano


class TipoDomanda(models.TextChoices):
    """Datatypes of an extra question; values are Open311's attribute datatypes."""

    STRING = "string", _("Testo breve")
    NUMBER = "number", _("Numero")
    DATETIME = "datetime", _("Data e ora")
    TEXT = "text", _("Testo lungo")
    SINGLE = "singlevaluelist", _("Scelta singola")
    MULTI = "multivaluelist", _("Scelta multipla")


class Domanda(models.Model):
    """An extra question of a category (Open311: attribute)."""

    categoria = models.ForeignKey(Categoria, on_delete=models.CASCADE, related_name="domande")
    codice = models.SlugField(_("codice"), max_length=60)
    testo = models.CharField(_("domanda"), max_length=300)
    testo_en = models.CharField(_("domanda in inglese"), max_length=300, blank=True)
    tipo = models.CharField(_("tipo"), max_length=20, choices=TipoDomanda.choices)
    obbligatoria = models.BooleanField(_("obbligatoria"), default=False)
    ordine = models.PositiveIntegerField(_("ordine"), default=1, validators=[MinValueValidator(1)])
    # For the list types: [{"key": "1", "name": "Uno", "name_en": "One"}, …] ("name_en" optional)
    valori = models.JSONField(_("valori ammessi"), default=list, blank=True)

    class Meta:
        verbose_name = _("domanda aggiuntiva")
        verbose_name_plural = _("domande aggiuntive")
        ordering = ["categoria", "ordine"]
        constraints = [
            models.UniqueConstraint(fields=["categoria", "codice"], name="domanda_codice_unico"),
            models.UniqueConstraint(fields=["categoria", "ordine"], name="domanda_ordine_unico"),
        ]

    def __str__(self) -> str:
        return self.testo

    @property
    def testo_locale(self) -> str:
        return nella_lingua(self.testo, self.testo_en)

    @property
    def valori_locali(self) -> list[dict]:
        """The allowed values with `name` in the page's language (the key never changes)."""
        return [{**v, "name": nella_lingua(v.get("name", ""), v.get("name_en", ""))} for v in self.valori]

    def chiavi_ammesse(self) -> set[str]:
        return {str(v["key"]) for v in self.valori}


class RegolaInstradamento(models.Model):
    """Category (or any category) in a zone → office, overriding the category's default office.

    The zone is a GeoJSON polygon, or a list of H3 cells (any resolution), or both.
    Rules are tried by `priorita`, then by id; the first that matches wins.
    """

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="regole")
    nome = models.CharField(_("nome"), max_length=160)
    categoria = models.ForeignKey(
        Categoria, on_delete=models.CASCADE, related_name="regole", null=True, blank=True,
        help_text=_("Vuota: vale per ogni categoria."),
    )
    zona = models.JSONField(_("zona (poligono GeoJSON)"), null=True, blank=True)
    celle_h3 = models.JSONField(_("zona (celle H3)"), default=list, blank=True)
    ufficio = models.ForeignKey(Ufficio, on_delete=models.CASCADE, related_name="regole")
    priorita = models.PositiveIntegerField(_("priorità (più bassa prima)"), default=100)
    attiva = models.BooleanField(_("attiva"), default=True)

    class Meta:
        verbose_name = _("regola di instradamento")
        verbose_name_plural = _("regole di instradamento")
        ordering = ["ente", "priorita", "id"]

    def __str__(self) -> str:
        return self.nome


class ModelloRisposta(models.Model):
    """A ready answer staff pick and adapt: for a category (or any) and a state (or any)."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="modelli_risposta")
    categoria = models.ForeignKey(
        Categoria, on_delete=models.CASCADE, related_name="modelli_risposta", null=True, blank=True,
        help_text=_("Vuota: vale per ogni categoria."),
    )
    stato = models.CharField(
        _("stato"), max_length=20, choices=Stato.choices, blank=True,
        help_text=_("Vuoto: vale in ogni stato."),
    )
    titolo = models.CharField(_("titolo"), max_length=160)
    testo = models.TextField(_("testo"))

    class Meta:
        verbose_name = _("modello di risposta")
        verbose_name_plural = _("modelli di risposta")
        ordering = ["ente", "titolo"]

    def __str__(self) -> str:
        return self.titolo
