"""The ente's assets a report can point at: trees, street lamps, bins, benches…

One general layer: a kind of asset per ente (with the categories it applies to and the
licence of its source) and the assets themselves (external id, point, attributes). Points are
WGS84 floats, indexed per kind, so "nearest within r metres" is a box filter plus exact
distances, the same on SQLite and PostgreSQL (as the gazetteer does).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from civico.catalogo.models import Categoria, nella_lingua
from civico.enti.models import Ente


class TipoBene(models.Model):
    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="tipi_bene")
    codice = models.SlugField(_("codice"), max_length=40)
    nome = models.CharField(_("nome"), max_length=80, help_text=_("Al singolare: «Albero», «Lampione»."))
    nome_en = models.CharField(_("nome in inglese"), max_length=80, blank=True)
    categorie = models.ManyToManyField(
        Categoria, related_name="tipi_bene", blank=True, verbose_name=_("categorie"),
        help_text=_("Chi segnala in queste categorie può scegliere il bene sulla mappa."),
    )
    # The attribute that names one asset after its number: "Albero n. 1234 (Platanus…)".
    attributo_descrittivo = models.CharField(_("attributo descrittivo"), max_length=60, blank=True)
    fonte = models.CharField(_("fonte"), max_length=300)
    licenza = models.CharField(_("licenza"), max_length=120)
    attribuzione = models.CharField(_("attribuzione"), max_length=300, blank=True)
    aggiornato_il = models.DateTimeField(_("ultimo aggiornamento"), auto_now=True)

    class Meta:
        verbose_name = _("tipo di bene")
        verbose_name_plural = _("tipi di bene")
        ordering = ["ente_id", "nome"]
        constraints = [
            models.UniqueConstraint(fields=["ente", "codice"], name="patrimonio_tipo_unico"),
        ]

    def __str__(self) -> str:
        return self.nome

    @property
    def nome_locale(self) -> str:
        return nella_lingua(self.nome, self.nome_en)


class Bene(models.Model):
    ente = models.ForeignKey(Ente, on_delete=models.CASCADE, related_name="beni")
    tipo = models.ForeignKey(TipoBene, on_delete=models.CASCADE, related_name="beni")
    identificativo = models.CharField(_("identificativo"), max_length=64)
    lat = models.FloatField(_("latitudine"))
    lon = models.FloatField(_("longitudine"))
    attributi = models.JSONField(_("attributi"), default=dict, blank=True)
    # A re-import without the asset switches it off: reports that name it keep their link.
    attivo = models.BooleanField(_("attivo"), default=True)

    class Meta:
        verbose_name = _("bene")
        verbose_name_plural = _("beni")
        ordering = ["tipo_id", "identificativo"]
        constraints = [
            models.UniqueConstraint(fields=["tipo", "identificativo"], name="patrimonio_bene_unico"),
        ]
        indexes = [models.Index(fields=["tipo", "lat", "lon"], name="patrimonio_bene_pos")]

    def __str__(self) -> str:
        return descrizione(self)


def descrizione(bene: Bene) -> str:
    """«Albero n. 3116 (Fraxinus Excelsior)», in the page's language."""
    from django.utils.translation import gettext

    testo = gettext("%(tipo)s n. %(id)s") % {"tipo": bene.tipo.nome_locale, "id": bene.identificativo}
    dettaglio = str(bene.attributi.get(bene.tipo.attributo_descrittivo) or "").strip()
    return f"{testo} ({dettaglio})" if dettaglio else testo


class BeneSegnalato(models.Model):
    """The asset a report is about (one per report). Kept in this app so the reports' own
    tables do not change; PROTECT: assets are switched off, never deleted under a report."""

    segnalazione = models.OneToOneField(
        "segnalazioni.Segnalazione", on_delete=models.CASCADE, related_name="bene_segnalato"
    )
    bene = models.ForeignKey(Bene, on_delete=models.PROTECT, related_name="segnalazioni")

    class Meta:
        verbose_name = _("bene segnalato")
        verbose_name_plural = _("beni segnalati")

    def __str__(self) -> str:
        return f"{self.segnalazione_id} → {self.bene_id}"
