"""Avvisi: the comune's announcements. Published by its staff, shown on the portal and in an
Atom feed, and pushed to the alerts of their area and topics: emergencies at once, the rest in
the daily digest."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civico.accounts import permissions
from civico.accounts.models import Utente
from civico.comunicazioni import allerte, collegamenti
from civico.comunicazioni.messaggi import componi
from civico.comunicazioni.models import (
    Allerta,
    Avviso,
    ElementoRiepilogo,
    StatoAvviso,
    TipoArea,
    TipoAvviso,
    TipoElemento,
)
from civico.enti.models import Ente
from civico.errors import InvalidData, NotAllowed
from civico.territorio import gazetteer
from civico.testo import valida_testo


def puo_pubblicare(utente: Utente | None, ente: Ente) -> bool:
    return permissions.puo_pubblicare_avvisi(utente, ente)


def _valida(ente: Ente, *, titolo: str, testo: str, tipo: str, valido_dal: datetime | None,
            valido_al: datetime | None, area: dict | None, quartiere: str, categorie) -> dict:
    errori: dict = {}
    campi = {
        "titolo": valida_testo(titolo, "titolo", 200, errori, obbligatorio=True),
        "testo": valida_testo(testo, "testo", 10_000, errori, obbligatorio=True),
        "quartiere": valida_testo(quartiere, "quartiere", 80, errori),
        "tipo": tipo, "valido_dal": valido_dal or timezone.now(), "valido_al": valido_al, "area": area,
    }
    if tipo not in TipoAvviso.values:
        errori["tipo"] = [gettext_lazy("Tipo di avviso sconosciuto.")]
    if valido_al and valido_al <= campi["valido_dal"]:
        errori["valido_al"] = [gettext_lazy("La fine della validità deve venire dopo l'inizio.")]
    if area is not None and _poligono(area) is None:
        errori["area"] = [gettext_lazy("L'area deve essere un poligono GeoJSON valido.")]
    if any(getattr(c, "ente_id", ente.pk) != ente.pk for c in categorie):
        errori["categorie"] = [gettext_lazy("Scegli categorie di questo comune.")]
    if errori:
        raise InvalidData(errori)
    return campi


def salva(ente: Ente, utente: Utente, avviso: Avviso | None = None, *, titolo: str, testo: str,
          tipo: str = TipoAvviso.INFORMAZIONE, valido_dal: datetime | None = None,
          valido_al: datetime | None = None, area: dict | None = None, quartiere: str = "",
          categorie=()) -> Avviso:
    """Create a draft, or edit an avviso (a published one stays published and is not pushed again)."""
    if not puo_pubblicare(utente, ente) or (avviso is not None and avviso.ente_id != ente.pk):
        raise NotAllowed(gettext_lazy("Solo il comune può pubblicare avvisi."))
    campi = _valida(ente, titolo=titolo, testo=testo, tipo=tipo, valido_dal=valido_dal, valido_al=valido_al,
                    area=area, quartiere=quartiere, categorie=categorie)
    adesso = timezone.now()
    with transaction.atomic():
        if avviso is None:
            avviso = Avviso(ente=ente, creato_da=utente, creato_il=adesso, stato=StatoAvviso.BOZZA)
        for nome, valore in campi.items():
            setattr(avviso, nome, valore)
        avviso.aggiornato_il = adesso
        avviso.save()
        avviso.categorie.set(categorie)
    return avviso


def metti_online(avviso: Avviso, utente: Utente) -> Avviso:
    """Publish a draft (or a withdrawn avviso again) and push it to the alerts, once."""
    if not puo_pubblicare(utente, avviso.ente):
        raise NotAllowed(gettext_lazy("Solo il comune può pubblicare avvisi."))
    with transaction.atomic():
        avviso = Avviso.objects.select_for_update().get(pk=avviso.pk)
        if avviso.stato == StatoAvviso.PUBBLICATO:
            return avviso
        adesso = timezone.now()
        avviso.stato, avviso.ritirato_il, avviso.aggiornato_il = StatoAvviso.PUBBLICATO, None, adesso
        if avviso.creato_il > adesso or avviso.diffuso_il is None:
            avviso.creato_il = adesso
        da_diffondere = avviso.diffuso_il is None
        avviso.diffuso_il = avviso.diffuso_il or adesso
        avviso.save()
        if da_diffondere:
            diffondi(avviso)
    return avviso


def ritira(avviso: Avviso, utente: Utente) -> Avviso:
    """Take it off the portal, the feed and the API (the digests not sent yet drop it too)."""
    if not puo_pubblicare(utente, avviso.ente):
        raise NotAllowed(gettext_lazy("Solo il comune può pubblicare avvisi."))
    adesso = timezone.now()
    with transaction.atomic():
        Avviso.objects.filter(pk=avviso.pk).update(stato=StatoAvviso.RITIRATO, ritirato_il=adesso,
                                                   aggiornato_il=adesso)
        ElementoRiepilogo.objects.filter(avviso=avviso, notifica__isnull=True).delete()
    avviso.refresh_from_db()
    return avviso


def pubblica(
    ente: Ente, utente: Utente, *, titolo: str, testo: str, tipo: str = TipoAvviso.INFORMAZIONE,
    valido_dal: datetime | None = None, valido_al: datetime | None = None, area: dict | None = None,
    quartiere: str = "", categorie=(),
) -> Avviso:
    """Write and publish in one step."""
    with transaction.atomic():
        avviso = salva(ente, utente, titolo=titolo, testo=testo, tipo=tipo, valido_dal=valido_dal,
                       valido_al=valido_al, area=area, quartiere=quartiere, categorie=categorie)
        return metti_online(avviso, utente)


def diffondi(avviso: Avviso) -> int:
    """Tell the alerts that watch it: now if it is an emergency, else in their next digest."""
    from civico.comunicazioni.consegna import accoda_dopo_il_commit
    from civico.comunicazioni.outbox import Origine, righe_per, salva

    trovate = allerte.per_avviso(avviso)
    if avviso.tipo != TipoAvviso.EMERGENZA:
        for a in trovate:
            ElementoRiepilogo.objects.get_or_create(allerta=a, avviso=avviso, defaults={"tipo": TipoElemento.AVVISO})
        return len(trovate)
    link = collegamenti.feed_avvisi(avviso.ente)
    righe = []
    for a in trovate:
        disiscrizione = collegamenti.disiscrizione("a", a.pk)
        contesto = {"ente": avviso.ente, "avviso": avviso, "emergenza": True, "disiscrizione": disiscrizione}

        def oggetto() -> str:
            return _("Avviso di emergenza: %(titolo)s") % {"titolo": avviso.titolo}

        righe += righe_per(
            allerte.destinatario(a), avviso.ente, Origine(f"avviso:{avviso.pk}", "avviso"),
            lambda lingua, c=contesto: componi("avviso", c, lingua, oggetto=oggetto,
                                               breve=lambda: f"{oggetto()}. {avviso.testo[:250]}"),
            dati={"disiscrizione": disiscrizione, "url": link},
        )
    salvate = salva(righe)
    accoda_dopo_il_commit([n.pk for n in salvate])
    return len(trovate)


def avvisi_attivi(ente: Ente, quando: datetime | None = None) -> QuerySet[Avviso]:
    """In force now, emergencies first, then the newest."""
    quando = quando or timezone.now()
    return (
        Avviso.objects.filter(ente=ente, stato=StatoAvviso.PUBBLICATO, valido_dal__lte=quando)
        .filter(Q(valido_al__isnull=True) | Q(valido_al__gt=quando))
        .annotate(urgenza=Case(When(tipo=TipoAvviso.EMERGENZA, then=Value(0)), default=Value(1),
                               output_field=IntegerField()))
        .order_by("urgenza", "-valido_dal", "-id")
    )


def _poligono(area: dict | None):
    from shapely.geometry import shape

    try:
        geometria = shape(area)
    except Exception:  # noqa: BLE001 - anything malformed is simply not a polygon
        return None
    if geometria.geom_type not in ("Polygon", "MultiPolygon") or not geometria.is_valid:
        return None
    return geometria


def tocca(avviso: Avviso, a: Allerta) -> bool:
    """Whether the avviso's area meets the alert's: a polygon against the alert's centre, a
    quartiere against the alert's quartiere (or the quartiere of its centre)."""
    if a.tipo_area == TipoArea.COMUNE or (avviso.area is None and not avviso.quartiere):
        return True
    if avviso.area is not None:
        if a.tipo_area != TipoArea.CERCHIO:
            return True  # a quartiere has no shape here: better one message too many
        from shapely.geometry import Point

        poligono = _poligono(avviso.area)
        centro = Point(a.lon, a.lat)
        # The circle meets the polygon if its centre is within raggio of it (degrees → ~metres).
        return poligono is not None and poligono.distance(centro) * 111_000 <= a.raggio_m
    quartiere = a.quartiere
    if a.tipo_area == TipoArea.CERCHIO and a.lat is not None:
        trovato = gazetteer.indirizzo_piu_vicino(avviso.ente, a.lat, a.lon)
        quartiere = trovato.quartiere if trovato else ""
    return bool(quartiere) and quartiere.casefold() == avviso.quartiere.casefold()
