"""What triage learns from each comune: labelled examples and the per-comune models trained on them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from civico.catalogo.models import Categoria
from civico.enti.models import Ente


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
