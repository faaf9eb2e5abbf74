"""Scrivi al sindaco: citizens write to the mayor's office; the office reviews, publishes (only
with the author's consent) and answers, privately or publicly."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civico.accounts import permissions
from civico.accounts.models import Utente
from civico.catalogo.models import Ufficio
from civico.comunicazioni.destinatari import Destinatario
from civico.comunicazioni.messaggi import componi
from civico.comunicazioni.models import MessaggioSindaco, Notifica, TipoMessaggio
from civico.enti.models import Ente
from civico.errors import InvalidData, NotAllowed
from civico.segnalazioni.intake import scegli_lingua
from civico.segnalazioni.models import Segnalazione
from civico.segnalazioni.workflow import RISOLTI
from civico.testo import valida_testo

MAX_TESTO = 4000


def scrivi(
    ente: Ente, *, tipo: str, testo: str, nome: str = "", email: str = "", utente: Utente | None = None,
    consenso_pubblicazione: bool = False, codice_segnalazione: str = "", lingua: str = "",
) -> MessaggioSindaco:
    """Receive a letter; its writer is acknowledged (in `lingua`, the page's) through the outbox."""
    errori: dict = {}
    if tipo not in TipoMessaggio.values:
        errori["tipo"] = [gettext_lazy("Scegli il tipo di messaggio.")]
    testo = valida_testo(testo, "testo", MAX_TESTO, errori, obbligatorio=True)
    nome = valida_testo(nome, "nome", 160, errori)
    email = (email or "").strip()
    if email:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            errori["email"] = [gettext_lazy("L'indirizzo e-mail non è valido.")]
    segnalazione = None
    codice = (codice_segnalazione or "").strip().upper()
    if codice:
        segnalazione = Segnalazione.objects.filter(ente=ente, codice=codice).first()
        if tipo != TipoMessaggio.COMPLIMENTO:
            errori["codice_segnalazione"] = [gettext_lazy("Solo un complimento può riferirsi a una segnalazione.")]
        elif segnalazione is None or segnalazione.stato not in RISOLTI:
            errori["codice_segnalazione"] = [
                gettext_lazy("Indica il codice di una segnalazione risolta di questo comune.")
            ]
    if errori:
        raise InvalidData(errori)
    from civico.comunicazioni import personale
    from civico.comunicazioni.consegna import accoda_dopo_il_commit
    from civico.comunicazioni.outbox import salva

    with transaction.atomic():
        messaggio = MessaggioSindaco.objects.create(
            ente=ente, tipo=tipo, testo=testo, nome=nome, email=email,
            utente=utente if utente is not None and utente.is_authenticated else None,
            consenso_pubblicazione=consenso_pubblicazione, segnalazione=segnalazione, creato_il=timezone.now(),
            lingua=scegli_lingua(lingua),
        )
        # The mayor's office hears of it, each as they chose (at once, in the digest, never);
        # the writer, that it arrived.
        righe = personale.su_messaggio_sindaco(messaggio) + _ricevuta(messaggio)
        accoda_dopo_il_commit([n.pk for n in salva(righe)])
    return messaggio


def _ricevuta(messaggio: MessaggioSindaco) -> list[Notifica]:
    """The acknowledgement to whoever wrote, if they left an address (or wrote signed in)."""
    from civico.comunicazioni.outbox import Origine, righe_per

    d = Destinatario(utente=messaggio.utente, email=messaggio.email, lingua=messaggio.lingua)
    contesto = {"ente": messaggio.ente, "messaggio": messaggio}

    def oggetto() -> str:
        return _("Abbiamo ricevuto il tuo messaggio al sindaco") + f" · {messaggio.ente.nome}"

    origine = Origine(f"sindaco-ricevuto:{messaggio.pk}", "sindaco_ricevuto")
    return righe_per(d, messaggio.ente, origine, lambda lingua: componi(
        "sindaco_ricevuto", contesto, lingua, oggetto=oggetto, breve=oggetto),
        dati={"filo": filo(messaggio)}, solo_email=True)


def filo(messaggio: MessaggioSindaco) -> str:
    """The letter's thread root (as outbox.filo for a report): acknowledgement and answer thread together."""
    return f"sindaco.{messaggio.pk}.{messaggio.ente.slug}"


def _ufficio_del_sindaco(utente: Utente | None, ente: Ente) -> None:
    if not permissions.e_ufficio_del_sindaco(utente, ente):
        raise NotAllowed(gettext_lazy("Solo l'ufficio del sindaco può farlo."))


def in_arrivo(utente: Utente, *, tipo: str = "", da_rispondere: bool = False) -> QuerySet[MessaggioSindaco]:
    """The mayor's office inbox: the messages of the enti where this person answers for the mayor."""
    qs = MessaggioSindaco.objects.filter(ente__in=permissions.enti_ufficio_del_sindaco(utente))
    if tipo in TipoMessaggio.values:
        qs = qs.filter(tipo=tipo)
    if da_rispondere:
        qs = qs.filter(risposto_il__isnull=True)
    return qs.select_related("ente", "segnalazione").order_by("-creato_il")


def complimenti_visibili(utente: Utente) -> QuerySet[MessaggioSindaco]:
    """Compliments about resolved reports this person's office worked on (what the office sees)."""
    return MessaggioSindaco.objects.filter(
        tipo=TipoMessaggio.COMPLIMENTO,
        segnalazione__in=Segnalazione.objects.visibili_a(utente),
    ).select_related("segnalazione__ufficio").order_by("-creato_il")


def pubblica(messaggio: MessaggioSindaco, utente: Utente) -> MessaggioSindaco:
    """After review; never without the author's consent."""
    _ufficio_del_sindaco(utente, messaggio.ente)
    if not messaggio.consenso_pubblicazione:
        raise InvalidData({"pubblicato": [gettext_lazy("Chi ha scritto non ha acconsentito alla pubblicazione.")]})
    messaggio.pubblicato, messaggio.rivisto_da, messaggio.rivisto_il = True, utente, timezone.now()
    messaggio.save(update_fields=["pubblicato", "rivisto_da", "rivisto_il"])
    return messaggio


def rispondi(messaggio: MessaggioSindaco, utente: Utente, testo: str, *, pubblica: bool = False) -> MessaggioSindaco:
    """Answer the author (by e-mail if they left one); a public answer shows under the published
    message, so it needs the message to be published."""
    from civico.comunicazioni.consegna import accoda_dopo_il_commit
    from civico.comunicazioni.outbox import Origine, righe_per, salva

    _ufficio_del_sindaco(utente, messaggio.ente)
    errori: dict = {}
    testo = valida_testo(testo, "risposta", MAX_TESTO, errori, obbligatorio=True)
    if pubblica and not messaggio.pubblicato:
        errori["risposta_pubblica"] = [gettext_lazy("Si risponde in pubblico solo a un messaggio pubblicato.")]
    if errori:
        raise InvalidData(errori)
    with transaction.atomic():
        messaggio.risposta, messaggio.risposta_pubblica, messaggio.risposto_il = testo, pubblica, timezone.now()
        messaggio.save(update_fields=["risposta", "risposta_pubblica", "risposto_il"])
        d = Destinatario(utente=messaggio.utente, email=messaggio.email, lingua=messaggio.lingua)
        origine = Origine(f"sindaco:{messaggio.pk}:{messaggio.risposto_il.isoformat()}", "sindaco")
        contesto = {"ente": messaggio.ente, "messaggio": messaggio}
        righe = salva(righe_per(d, messaggio.ente, origine, lambda lingua: componi(
            "sindaco", contesto, lingua, oggetto=lambda: _("Risposta dell'ufficio del sindaco"),
            breve=lambda: _("Risposta dell'ufficio del sindaco"),
        ), dati={"filo": filo(messaggio)}, solo_email=True))
        accoda_dopo_il_commit([n.pk for n in righe])
    return messaggio


def pubblicati(ente: Ente) -> QuerySet[MessaggioSindaco]:
    return MessaggioSindaco.objects.filter(ente=ente, pubblicato=True, consenso_pubblicazione=True)


def complimenti_per_ufficio(ufficio: Ufficio) -> QuerySet[MessaggioSindaco]:
    """Compliments about the office's resolved reports: what the office is shown."""
    return MessaggioSindaco.objects.filter(
        tipo=TipoMessaggio.COMPLIMENTO, segnalazione__ufficio=ufficio
    ).select_related("segnalazione")


def conteggi_per_tipo(ente: Ente, dal: datetime | None = None, al: datetime | None = None) -> dict[str, int]:
    """How many messages of each type (every type present, zero included): for analytics."""
    qs = MessaggioSindaco.objects.filter(ente=ente)
    if dal:
        qs = qs.filter(creato_il__gte=dal)
    if al:
        qs = qs.filter(creato_il__lt=al)
    trovati = dict(qs.values_list("tipo").annotate(n=Count("id")).values_list("tipo", "n"))
    return {tipo: trovati.get(tipo, 0) for tipo in TipoMessaggio.values}
