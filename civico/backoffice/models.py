"""The backoffice's own data: what a staff member keeps for themselves, the bulk actions, and the
queue of likely duplicate pairs with what staff decided about each."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VistaSalvata(models.Model):
    """A named inbox filter ("Buche in ritardo del centro"): the inbox's query string, kept as is
    so a saved view opens exactly the page it was saved from."""

    utente = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="viste_salvate")
    nome = models.CharField(_("nome"), max_length=80)
    querystring = models.CharField(_("filtri"), max_length=2000, blank=True)
    creata_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vista salvata")
        verbose_name_plural = _("viste salvate")
        ordering = ["nome"]
        constraints = [models.UniqueConstraint(fields=["utente", "nome"], name="vista_nome_unico_per_utente")]

    def __str__(self) -> str:
        return self.nome


class StatoLavoro(models.TextChoices):
    IN_CODA = "in_coda", _("In coda")
    IN_CORSO = "in_corso", _("In corso")
    FINITO = "finito", _("Finito")


class LavoroInBlocco(models.Model):
    """A bulk action from the inbox, done by the worker (backoffice.blocco): who asked, which
    reports, which action with which fields; its progress is the count of its outcomes."""

    utente = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lavori_in_blocco")
    azione = models.CharField(max_length=40)
    dati = models.JSONField(default=dict)  # the form's fields (azioni.Dati), one for every report
    codici = models.JSONField(default=list)
    totale = models.PositiveIntegerField(default=0)
    stato = models.CharField(max_length=20, choices=StatoLavoro.choices, default=StatoLavoro.IN_CODA)
    ritorno = models.CharField(max_length=2000, blank=True)  # the inbox's query string, to go back to
    creato_il = models.DateTimeField()
    finito_il = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("operazione in blocco")
        verbose_name_plural = _("operazioni in blocco")

    def __str__(self) -> str:
        return f"{self.azione} × {self.totale}"


class EsitoInBlocco(models.Model):
    """One report's outcome in a bulk action, written in the same transaction as the action
    itself: a retried task skips what is here, so nothing is done twice."""

    lavoro = models.ForeignKey(LavoroInBlocco, on_delete=models.CASCADE, related_name="esiti")
    codice = models.CharField(max_length=40)
    riuscita = models.BooleanField(default=False)
    motivo = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lavoro", "codice"], name="esito_unico_per_lavoro")]

    def __str__(self) -> str:
        return self.codice


class EsitoCoppia(models.TextChoices):
    DA_DECIDERE = "da_decidere", _("Da decidere")
    UNITE = "unite", _("Unite")
    NON_DUPLICATI = "non_duplicati", _("Non sono duplicati")


class CoppiaDuplicati(models.Model):
    """Two reports the duplicate score (triage.duplicati) found likely the same problem, and what
    staff decided. `prima` is the older one: merging keeps it. A pair decided "non sono duplicati"
    stays, so the search never proposes it again."""

    ente = models.ForeignKey("enti.Ente", on_delete=models.CASCADE, related_name="+")
    prima = models.ForeignKey("segnalazioni.Segnalazione", on_delete=models.CASCADE, related_name="+")
    seconda = models.ForeignKey("segnalazioni.Segnalazione", on_delete=models.CASCADE, related_name="+")
    punteggio = models.FloatField(_("punteggio"))
    esito = models.CharField(_("esito"), max_length=20, choices=EsitoCoppia.choices, default=EsitoCoppia.DA_DECIDERE)
    deciso_da = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deciso_il = models.DateTimeField(null=True, blank=True)
    trovata_il = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coppia di possibili duplicati")
        verbose_name_plural = _("coppie di possibili duplicati")
        constraints = [models.UniqueConstraint(fields=["prima", "seconda"], name="coppia_duplicati_unica")]
        indexes = [models.Index(fields=["ente", "esito", "-punteggio"], name="coppia_ente_esito_punteggio")]

    def __str__(self) -> str:
        return f"{self.prima_id} ~ {self.seconda_id} ({self.punteggio:.2f})"
