"""What triage learns from each comune: labelled examples and the per-comune models trained on them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from civico.catalogo.models import Categoria
from civico.enti.models import Ente
from civico.segnalazioni.models import Priorita


class FonteEsempio(models.TextChoices):
    CONFERMA = "conferma", _("Categoria confermata")
    RICLASSIFICAZIONE = "riclassificazione", _("Categoria corretta")


class EsempioTriage(models.Model):
    """A report whose category an operator confirmed or corrected: its words, masked of personal
    data, labelled with the category. One per report: the last decision wins. Goes with the report
    (erasing a report erases what was learnt from its words)."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="esempi_triage")
    segnalazione = models.OneToOneField(
        "segnalazioni.Segnalazione", on_delete=models.CASCADE, related_name="esempio_triage"
    )
    categoria = models.ForeignKey(Categoria, on_delete=models.CASCADE, related_name="esempi_triage")
    testo = models.TextField(_("testo (mascherato)"))
    fonte = models.CharField(_("fonte"), max_length=20, choices=FonteEsempio.choices)
    aggiornato_il = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("esempio di triage")
        verbose_name_plural = _("esempi di triage")
        indexes = [models.Index(fields=["ente", "aggiornato_il"])]

    def __str__(self) -> str:
        return f"{self.categoria} ← {self.testo[:60]}"


class ModelloTriage(models.Model):
    """A per-comune model, versioned: the newest is used, older ones stay for comparison.
    `dati` is a NumPy .npz of plain arrays (n-grams, idf, weights), loaded without pickle."""

    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="modelli_triage")
    versione = models.PositiveIntegerField(_("versione"))
    esempi = models.PositiveIntegerField(_("esempi usati"))
    addestrato_il = models.DateTimeField(_("addestrato il"), auto_now_add=True)
    durata_ms = models.PositiveIntegerField(_("durata dell'addestramento (ms)"), default=0)
    dati = models.BinaryField(_("pesi"))

    class Meta:
        verbose_name = _("modello di triage")
        verbose_name_plural = _("modelli di triage")
        ordering = ["ente", "-versione"]
        constraints = [models.UniqueConstraint(fields=["ente", "versione"], name="modello_triage_versione_unica")]

    def __str__(self) -> str:
        return f"{self.ente} v{self.versione}"


class SuggerimentoTriage(models.Model):
    """What triage suggested when the report arrived: its category (with probability and the
    other choices) and its priority (with the reasons). For the staff only, never public: the
    backoffice shows it, the analytics compare it with the category operators settled on."""

    segnalazione = models.OneToOneField(
        "segnalazioni.Segnalazione", on_delete=models.CASCADE, related_name="triage"
    )
    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="suggerimenti_triage")
    categoria = models.ForeignKey(
        Categoria, on_delete=models.SET_NULL, null=True, blank=True, related_name="suggerimenti_triage",
        verbose_name=_("categoria suggerita"),
    )
    probabilita = models.FloatField(_("probabilità"), default=0.0)
    # The top choices as [[category id, probability], …], most likely first.
    scelte = models.JSONField(_("altre scelte"), default=list, blank=True)
    # The category came from the words (no one chose it): routed by itself above the comune's
    # threshold (`automatica`), else waiting for an operator to confirm it.
    dal_testo = models.BooleanField(_("categoria scelta dal testo"), default=False)
    automatica = models.BooleanField(_("classificata automaticamente"), default=False)
    confermata = models.BooleanField(_("categoria confermata o corretta da un operatore"), default=False)
    priorita = models.CharField(_("priorità suggerita"), max_length=10, choices=Priorita.choices, blank=True)
    motivi = models.JSONField(_("motivi della priorità"), default=list, blank=True)
    creato_il = models.DateTimeField(_("creato il"))

    class Meta:
        verbose_name = _("suggerimento di triage")
        verbose_name_plural = _("suggerimenti di triage")
        indexes = [models.Index(fields=["ente", "creato_il"], name="sugg_triage_ente_data")]

    def __str__(self) -> str:
        return f"{self.segnalazione_id}: {self.categoria_id} ({self.probabilita:.2f})"

    @property
    def priorita_da_proporre(self) -> bool:
        """A sign of danger asks for more than the report's priority now."""
        from civico.triage.priorita import piu_urgente

        return bool(self.motivi) and piu_urgente(self.priorita, self.segnalazione.priorita)

    @property
    def etichette(self) -> list[str]:
        """The priority's reasons as the operator reads them."""
        from civico.triage.priorita import etichette

        return etichette(self.motivi)

    @property
    def da_confermare(self) -> bool:
        """Its category came from the words, below the comune's threshold: an operator confirms it."""
        return self.dal_testo and not self.automatica and not self.confermata


class ImpostazioniTriage(models.Model):
    """A comune's choices about triage. `soglia_automatica`: from this probability up, a report
    whose category comes from its words is routed without waiting for an operator; empty: never
    (the default)."""

    ente = models.OneToOneField(Ente, on_delete=models.CASCADE, related_name="impostazioni_triage")
    soglia_automatica = models.FloatField(_("soglia per la classificazione automatica"), null=True, blank=True)

    class Meta:
        verbose_name = _("impostazioni di triage")
        verbose_name_plural = _("impostazioni di triage")

    def __str__(self) -> str:
        return f"{self.ente}: {self.soglia_automatica}"
