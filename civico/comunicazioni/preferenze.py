"""The citizen's own settings in the area personale: channels, area alerts, followed reports."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from civico.accounts.models import Utente
from civico.catalogo.models import Categoria
from civico.comunicazioni import allerte, canali
from civico.comunicazioni.canali import CanaleDiConsegna, Collegamento
from civico.comunicazioni.destinatari import preferenze
from civico.comunicazioni.models import Allerta, Frequenza, Iscrizione, Lingua, Preferenze, TipoArea
from civico.enti import geo
from civico.enti.models import Ente
from civico.errors import InvalidData

RAGGIO = (100, 5000)


def salva_canali(utente: Utente, *, canali_scelti: Collection[str], campi: Mapping[str, str] | None = None,
                 lingua: str = Lingua.IT) -> Preferenze:
    """Store the set of channels the person chose (names of registered channels) and the values
    those channels need (`campi`: the phone for SMS, the codice fiscale for App IO…), each checked
    by its channel."""
    errori: dict = {}
    campi = campi or {}
    valori: dict[str, str] = {}
    for c in canali.tutti():
        if c.campo is None:
            continue
        try:
            valori[c.campo.nome] = c.normalizza((campi.get(c.campo.nome) or "").strip())
        except ValueError as exc:
            errori[c.campo.nome] = [str(exc)]
            continue
        if c.nome in canali_scelti and not valori[c.campo.nome]:
            errori[c.campo.nome] = [c.campo.mancante]
    if lingua not in Lingua.values:
        errori["lingua"] = [_("Lingua non disponibile.")]
    if errori:
        raise InvalidData(errori)
    p = preferenze(utente)
    p.canali = [n for n in canali.nomi() if n in canali_scelti]
    for campo, valore in valori.items():
        setattr(p, campo, valore)
    p.lingua = lingua
    p.save()
    return p


@dataclass(frozen=True)
class CanaleDellaPagina:
    """One channel as the preferences page shows it: its checkbox, its field, its link."""

    canale: CanaleDiConsegna
    etichetta: str
    scelto: bool
    valore: str  # the value of its field (what was typed, after an error)
    collegamento: Collegamento | None


def canali_della_pagina(utente: Utente, p: Preferenze, inviati: Mapping[str, str] | None) -> list[CanaleDellaPagina]:
    """The channels a person may choose (`in_preferenze`). `inviati`: the form as sent, when it is
    shown again with errors."""
    righe = []
    suoi = comuni_della_persona(utente)
    for c in canali.tutti():
        if not c.in_preferenze() or (suoi and not any(canali.offerto(c.nome, e) for e in suoi)):
            continue
        campo = c.campo.nome if c.campo else ""
        righe.append(CanaleDellaPagina(
            canale=c, etichetta=c.etichetta_scelta(utente),
            scelto=inviati.get(c.nome) == "1" if inviati is not None else c.nome in p.canali,
            valore=(inviati.get(campo, "") if inviati is not None else getattr(p, campo, "")) if campo else "",
            collegamento=c.collegamento(utente, p),
        ))
    return righe


def comuni_della_persona(utente: Utente) -> list[Ente]:
    """The comuni whose messages a person gets: of the reports they follow and the areas they
    watch; none yet: every active comune (what they may come to follow). Their preferences page
    offers a channel that at least one of these comuni offers."""
    ids = set(Iscrizione.objects.filter(utente=utente).values_list("segnalazione__ente_id", flat=True))
    ids |= set(Allerta.objects.filter(utente=utente, attiva=True).values_list("ente_id", flat=True))
    return list(Ente.objects.filter(pk__in=ids) if ids else Ente.objects.filter(attivo=True))


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
