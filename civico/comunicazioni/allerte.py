"""Area alerts: new and resolved reports (and the comune's avvisi) in a circle, a quartiere or
the whole comune, of some categories; told at once or in a daily digest.

Immediate alerts are capped per person (address) per channel per day (`ALLERTE_AL_GIORNO`, SMS
the tightest): a burst of reports in one street must not become hundreds of messages. What the
cap holds back is folded into the next digest, so it is never lost and never told twice."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civico.comunicazioni import canali, collegamenti
from civico.comunicazioni.destinatari import Destinatario, recapiti
from civico.comunicazioni.impostazioni import impostazione
from civico.comunicazioni.messaggi import componi
from civico.comunicazioni.models import (
    Allerta,
    Avviso,
    CanaleConsegna,
    ElementoRiepilogo,
    Frequenza,
    Notifica,
    TipoArea,
    TipoElemento,
)
from civico.core.memoria import Memoria
from civico.enti.models import Ente
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento
from civico.stati import Stato
from civico.territorio import gazetteer
from civico.territorio.distanza import distanza_m


def crea(ente: Ente, *, utente=None, email: str = "", tipo_area: str = TipoArea.COMUNE, lat=None, lon=None,
         raggio_m: int = 500, quartiere: str = "", categorie=(), nuove=True, risolte=True, avvisi=True,
         frequenza: str = Frequenza.IMMEDIATA, nome: str = "") -> Allerta:
    a = Allerta.objects.create(
        ente=ente, utente=utente, email=(email or "").strip().lower(), tipo_area=tipo_area, lat=lat, lon=lon,
        raggio_m=raggio_m, quartiere=quartiere, nuove=nuove, risolte=risolte, avvisi=avvisi,
        frequenza=frequenza, nome=nome,
    )
    if categorie:
        a.categorie.set(categorie)
    return a


def _quartiere_del_punto(ente: Ente, lat: float, lon: float) -> Callable[[], str]:
    """Looked up once, and only if some alert asks for a quartiere."""
    memo: list[str] = []

    def quartiere() -> str:
        if not memo:
            trovato = gazetteer.indirizzo_piu_vicino(ente, lat, lon)
            memo.append(trovato.quartiere if trovato else "")
        return memo[0]

    return quartiere


def _nell_area(a: Allerta, lat: float, lon: float, quartiere: Callable[[], str]) -> bool:
    if a.tipo_area == TipoArea.COMUNE:
        return True
    if a.tipo_area == TipoArea.CERCHIO:
        return a.lat is not None and a.lon is not None and distanza_m(a.lat, a.lon, lat, lon) <= a.raggio_m
    return bool(a.quartiere) and a.quartiere.casefold() == quartiere().casefold()


def corrispondenti(s: Segnalazione, campo: str) -> list[Allerta]:
    """The active alerts of the report's ente that watch its place and category."""
    if not _ente_ha_allerte(s.ente_id, campo):
        return []
    # An imported report may have no place: only whole-comune alerts can watch it.
    senza_luogo = s.lat is None or s.lon is None
    quartiere = (lambda: "") if senza_luogo else _quartiere_del_punto(s.ente, s.lat, s.lon)
    trovate = []
    for a in Allerta.objects.filter(ente_id=s.ente_id, attiva=True, **{campo: True}).select_related(
        "utente__preferenze"
    ).prefetch_related("categorie"):
        categorie = {c.pk for c in a.categorie.all()}
        if categorie and s.categoria_id not in categorie:
            continue
        if _del_segnalante(a, s):
            continue  # the reporter hears about their own report anyway
        if senza_luogo and a.tipo_area != TipoArea.COMUNE:
            continue
        if _nell_area(a, s.lat, s.lon, quartiere):
            trovate.append(a)
    return trovate


# Most comuni have few or no alerts, and every new report asks: whether an ente has any active
# alert of a kind is kept per process. Creating or saving one makes it stale at once; switching
# one off with update() leaves a True that only costs the query it saves otherwise.
_memoria = Memoria("allerte", ("comunicazioni.Allerta",), ttl_s=300)


def _ente_ha_allerte(ente_id: int, campo: str) -> bool:
    return _memoria.prendi((ente_id, campo), lambda: Allerta.objects.using(DEFAULT_DB_ALIAS).filter(
        ente_id=ente_id, attiva=True, **{campo: True}).exists())


def _del_segnalante(a: Allerta, s: Segnalazione) -> bool:
    if a.utente_id and a.utente_id == s.segnalante_id:
        return True
    email = (a.email or (a.utente.email if a.utente else "")).lower()
    return bool(email) and email == (s.segnalante_email or "").strip().lower()


def su_evento(evento: Evento, s: Segnalazione, avvisati: set[tuple[str, str]] | None = None) -> list[Notifica]:
    """Rows for the alerts an event triggers; digest items are stored straight away.

    `avvisati`: the (channel, address) pairs already told of this event for a stronger reason
    (reporter, follower); an alert adds nothing there, and one person with several alerts on
    the spot hears once. Immediate rows beyond the person's daily cap become digest items."""
    if evento.tipo == TipoEvento.CREATED:
        tipo, campo = TipoElemento.NUOVA, "nuove"
    elif evento.tipo == TipoEvento.STATE_CHANGED and evento.stato_a == Stato.RESOLVED:
        tipo, campo = TipoElemento.RISOLTA, "risolte"
    else:
        return []
    if not s.pubblica:
        return []
    avvisati = set() if avvisati is None else avvisati
    composti: dict = {}  # one rendering per language, shared by every alert (only the unsubscribe link differs)
    subito: list[tuple[Allerta, list[Notifica]]] = []
    for a in corrispondenti(s, campo):
        if a.frequenza == Frequenza.GIORNALIERA:
            indirizzi = {(r.canale, r.indirizzo) for r in recapiti(destinatario(a), s.ente, solo_email=True)}
            if not indirizzi & avvisati:
                ElementoRiepilogo.objects.get_or_create(allerta=a, tipo=tipo, segnalazione=s)
                avvisati |= indirizzi
            continue
        nuove = [n for n in _immediata(a, s, tipo, evento, composti) if (n.canale, n.indirizzo) not in avvisati]
        avvisati |= {(n.canale, n.indirizzo) for n in nuove}
        if nuove:
            subito.append((a, nuove))
    return _entro_i_limiti(subito, s, tipo)


def limite_al_giorno(canale: str) -> int:
    propri = dict(impostazione("ALLERTE_AL_GIORNO"))
    if canale in propri:
        return int(propri[canale])
    return canali.canale(canale).allerte_al_giorno if canale in canali.nomi() else 0


def _entro_i_limiti(subito: list[tuple[Allerta, list[Notifica]]], s: Segnalazione, tipo: str) -> list[Notifica]:
    """Keep each address's rows within today's cap for its channel; an alert whose e-mail (or
    every row) is held back goes into the digest instead."""
    if not subito:
        return []
    inizio_giorno = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    indirizzi = {n.indirizzo for _a, righe in subito for n in righe}
    oggi = Counter(Notifica.objects.filter(
        motivo="allerta", creata_il__gte=inizio_giorno, indirizzo__in=indirizzi,
    ).values_list("canale", "indirizzo"))
    tenute: list[Notifica] = []
    for a, righe in subito:
        entro = [n for n in righe if oggi[(n.canale, n.indirizzo)] < limite_al_giorno(n.canale)]
        oggi.update((n.canale, n.indirizzo) for n in entro)
        tenute += entro
        email_trattenuta = any(n.canale == CanaleConsegna.EMAIL for n in righe) and not any(
            n.canale == CanaleConsegna.EMAIL for n in entro)
        if email_trattenuta or not entro:
            ElementoRiepilogo.objects.get_or_create(allerta=a, tipo=tipo, segnalazione=s)
    return tenute


def destinatario(a: Allerta) -> Destinatario:
    return Destinatario(utente=a.utente, email=a.email, disiscrizione=("a", a.pk))


def _immediata(a: Allerta, s: Segnalazione, tipo: str, evento: Evento,
               composti: dict | None = None) -> list[Notifica]:
    from civico.comunicazioni.outbox import SEGNAPOSTO_DISISCRIZIONE, Origine, con_disiscrizione, righe_per

    composti = {} if composti is None else composti
    disiscrizione = collegamenti.disiscrizione("a", a.pk)
    link = collegamenti.pagina_pubblica(s)
    contesto = {"ente": s.ente, "s": s, "nuova": tipo == TipoElemento.NUOVA, "link": link,
                "disiscrizione": SEGNAPOSTO_DISISCRIZIONE}

    def oggetto() -> str:
        if tipo == TipoElemento.NUOVA:
            return _("Nuova segnalazione nella tua zona: %(titolo)s") % {"titolo": s.titolo}
        return _("Risolta nella tua zona: %(titolo)s") % {"titolo": s.titolo}

    def messaggio(lingua: str):
        if lingua not in composti:
            composti[lingua] = componi("allerta", contesto, lingua, oggetto=oggetto,
                                       breve=lambda: f"{oggetto()} {link}")
        return con_disiscrizione(composti[lingua], disiscrizione)

    origine = Origine(f"allerta:{a.pk}:{tipo}:{s.pk}", "allerta", s, evento)
    return righe_per(destinatario(a), s.ente, origine, messaggio, dati={"disiscrizione": disiscrizione, "url": link})


def invia_riepiloghi(quando=None) -> int:
    """One digest per alert with something waiting; run daily (`civico invia_riepiloghi`).
    The digest's key names the day, so a second run the same day adds nothing."""
    from civico.comunicazioni.consegna import accoda_dopo_il_commit
    from civico.comunicazioni.outbox import Origine, righe_per, salva

    quando = quando or timezone.now()
    giorno = timezone.localdate(quando).isoformat()
    per_allerta: dict[int, list[ElementoRiepilogo]] = defaultdict(list)
    for e in ElementoRiepilogo.objects.filter(notifica__isnull=True, allerta__attiva=True).select_related(
        "allerta__ente", "allerta__utente__preferenze", "segnalazione", "avviso"
    ).order_by("creato_il", "id"):
        per_allerta[e.allerta_id].append(e)
    inviati = 0
    for elementi in per_allerta.values():
        a = elementi[0].allerta
        disiscrizione = collegamenti.disiscrizione("a", a.pk)
        contesto = {"ente": a.ente, "voci": [_voce(e) for e in elementi], "disiscrizione": disiscrizione}
        with transaction.atomic():
            righe = salva(righe_per(
                destinatario(a), a.ente, Origine(f"riepilogo:{a.pk}:{giorno}", "riepilogo"),
                lambda lingua, c=contesto, nome=a.ente.nome: componi(
                    "riepilogo", c, lingua, oggetto=lambda: _oggetto_riepilogo(nome),
                    breve=lambda: _oggetto_riepilogo(nome)),
                dati={"disiscrizione": disiscrizione}, solo_email=True,
            ))
            if righe:
                ElementoRiepilogo.objects.filter(pk__in=[e.pk for e in elementi]).update(notifica=righe[0])
                accoda_dopo_il_commit([n.pk for n in righe])
                inviati += 1
    return inviati


def _oggetto_riepilogo(ente: str) -> str:
    return _("Le novità nella tua zona") + f" · {ente}"


def _voce(e: ElementoRiepilogo) -> dict:
    if e.avviso_id:
        return {"tipo": e.tipo, "titolo": e.avviso.titolo, "testo": e.avviso.testo[:300],
                "link": collegamenti.feed_avvisi(e.avviso.ente)}
    s = e.segnalazione
    return {"tipo": e.tipo, "titolo": f"{s.codice} · {s.titolo}", "testo": s.indirizzo,
            "link": collegamenti.pagina_pubblica(s)}


def per_avviso(avviso: Avviso) -> list[Allerta]:
    """Alerts that watch avvisi and whose area and topics meet this one's."""
    from civico.comunicazioni.avvisi import tocca

    categorie_avviso = {c.pk for c in avviso.categorie.all()}
    trovate = []
    for a in Allerta.objects.filter(ente=avviso.ente, attiva=True, avvisi=True).select_related(
        "utente__preferenze"
    ).prefetch_related("categorie"):
        categorie = {c.pk for c in a.categorie.all()}
        if categorie and categorie_avviso and not categorie & categorie_avviso:
            continue
        if tocca(avviso, a):
            trovate.append(a)
    return trovate
