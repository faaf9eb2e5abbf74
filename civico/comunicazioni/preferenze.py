"""The citizen's own settings in the area personale: channels, area alerts, followed reports."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from civico.accounts.models import Utente
from civico.catalogo.models import Categoria
from civico.comunicazioni import allerte
from civico.comunicazioni.destinatari import normalizza_telefono, preferenze
from civico.comunicazioni.models import Allerta, Frequenza, Lingua, Preferenze, TipoArea
from civico.enti import geo
from civico.enti.models import Ente
from civico.errors import InvalidData

# Omocodia replaces digits with letters L–V: accept them where digits go.
CODICE_FISCALE = re.compile(r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$")
RAGGIO = (100, 5000)


def salva_canali(utente: Utente, *, email: bool, sms: bool, push: bool, app_io: bool, telefono: str = "",
                 codice_fiscale: str = "", lingua: str = Lingua.IT) -> Preferenze:
    errori: dict = {}
    telefono = (telefono or "").strip()
    if telefono:
        telefono = normalizza_telefono(telefono)
        if not re.fullmatch(r"\+\d{8,15}", telefono):
            errori["telefono"] = [_("Il numero di cellulare non è valido.")]
    elif sms:
        errori["telefono"] = [_("Per ricevere gli SMS indica il numero di cellulare.")]
    codice_fiscale = (codice_fiscale or "").strip().upper()
    if codice_fiscale and not CODICE_FISCALE.match(codice_fiscale):
        errori["codice_fiscale"] = [_("Il codice fiscale non è valido.")]
    elif app_io and not codice_fiscale:
        errori["codice_fiscale"] = [_("Per ricevere i messaggi nell'app IO indica il tuo codice fiscale.")]
    if lingua not in Lingua.values:
        errori["lingua"] = [_("Lingua non disponibile.")]
    if errori:
        raise InvalidData(errori)
    p = preferenze(utente)
    p.email, p.sms, p.push, p.app_io = email, sms, push, app_io
    p.telefono, p.codice_fiscale, p.lingua = telefono, codice_fiscale, lingua
    p.save()
    return p


def allerte_di(utente: Utente) -> QuerySet[Allerta]:
    return (Allerta.objects.filter(utente=utente, attiva=True).select_related("ente")
            .prefetch_related("categorie").order_by("-creata_il"))


def crea_allerta(utente: Utente, ente: Ente, *, tipo_area: str, lat=None, lon=None, raggio_m=None,
                 quartiere: str = "", categorie: list[str] | None = None, nuove: bool = True,
                 risolte: bool = True, avvisi: bool = True, frequenza: str = Frequenza.IMMEDIATA,
                 nome: str = "") -> Allerta:
    """Validate what the form sent (strings) and create the alert."""
    errori: dict = {}
    punto: tuple[float | None, float | None] = (None, None)
    raggio = 500
    if tipo_area not in TipoArea.values:
        errori["tipo_area"] = [_("Scegli l'area da seguire.")]
    elif tipo_area == TipoArea.CERCHIO:
        try:
            punto = (float(lat), float(lon))
            raggio = int(raggio_m or 500)
        except (TypeError, ValueError):
            errori["lat"] = [_("Scegli il punto sulla mappa.")]
        else:
            if not geo.punto_in_ente(ente, *punto):
                errori["lat"] = [_("Il punto scelto è fuori dal comune.")]
            if not RAGGIO[0] <= raggio <= RAGGIO[1]:
                errori["raggio_m"] = [_("Il raggio va da 100 a 5000 metri.")]
    elif tipo_area == TipoArea.QUARTIERE and not quartieri(ente).count(quartiere.strip()):
        errori["quartiere"] = [_("Scegli un quartiere del comune.")]
    scelte = list(Categoria.objects.filter(ente=ente, pk__in=[c for c in categorie or [] if str(c).isdigit()]))
    if len(scelte) != len(set(categorie or [])):
        errori["categorie"] = [_("Scegli categorie di questo comune.")]
    if frequenza not in Frequenza.values:
        errori["frequenza"] = [_("Scegli quando ricevere le notizie.")]
    if not (nuove or risolte or avvisi):
        errori["nuove"] = [_("Scegli almeno una cosa da seguire.")]
    if errori:
        raise InvalidData(errori)
    with transaction.atomic():
        return allerte.crea(
            ente, utente=utente, tipo_area=tipo_area, lat=punto[0], lon=punto[1], raggio_m=raggio,
            quartiere=quartiere.strip() if tipo_area == TipoArea.QUARTIERE else "", categorie=scelte,
            nuove=nuove, risolte=risolte, avvisi=avvisi, frequenza=frequenza, nome=(nome or "").strip()[:120],
        )


def elimina_allerta(utente: Utente, pk: int) -> bool:
    cancellate, _n = Allerta.objects.filter(utente=utente, pk=pk).delete()
    return cancellate > 0


def quartieri(ente: Ente) -> list[str]:
    from civico.territorio.models import Via

    return sorted(set(Via.objects.filter(ente=ente).exclude(quartiere="").values_list("quartiere", flat=True)))
