"""Reading reports for the public: what may be shown, and nothing more.

`scheda_pubblica()` is the one public representation of a report: the public page, Open311 and
the JSON API all build their output from it, so they cannot disagree or leak a field. Long lists
build the very same card from plain rows (`righe`) instead of model instances (`riga`): both read
`COLONNE` and go through `Schede`.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cached_property
from typing import Any

from django.db.models import BooleanField, F, Func, Prefetch, QuerySet, TextField
from django.db.models.functions import Cast
from django.db.models.lookups import In
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from civico.segnalazioni.models import Allegato, Segnalazione, condizione_pubblica
from civico.segnalazioni.workflow import stato_open311
from civico.stati import Stato

# What the card reads of a report, related names included: attribute paths on a model instance,
# lookups for `.values()` on a list. "foto" (its public photos' ids) is added beside them.
COLONNE = (
    "id", "codice", "uuid", "stato", "priorita", "titolo", "descrizione", "lat", "lon", "indirizzo", "cap",
    "canale", "creata_il", "aggiornata_il", "scadenza", "nota_pubblica", "url_media_esterno",
    "ente__nome", "ente__codice_istat", "ente__slug", "categoria__codice", "categoria__nome", "ufficio__nome",
    "duplicato_di__codice",
)
Riga = dict[str, Any]  # one report: COLONNE's values and "foto" ((pk, version) of each public photo)
_UUID = COLONNE.index("uuid")
# Timestamps a list reads as text and parses with `istante` (see there).
_ISTANTI = (COLONNE.index("creata_il"), COLONNE.index("aggiornata_il"))
_CAMMINI = tuple((colonna, tuple(colonna.split("__"))) for colonna in COLONNE)


def elenco_pubblico() -> QuerySet[Segnalazione]:
    """Every report the public may see, with what `scheda_pubblica` reads (no N+1 queries)."""
    return (
        Segnalazione.objects.pubbliche()
        .select_related("ente", "categoria", "ufficio", "duplicato_di")
        .defer("ente__confine")  # a comune's boundary is large and never shown with a report
        .prefetch_related(
            Prefetch(
                "allegati",
                queryset=Allegato.objects.filter(pubblico=True).order_by("id"),
                to_attr="foto_pubbliche",
            )
        )
    )


def pubblica(codice: str) -> Segnalazione | None:
    """A report by tracking code, if the public may see it."""
    return elenco_pubblico().filter(codice=codice.strip().upper()).first()


def per_token(token: str) -> Segnalazione | None:
    """A report by the reporter's private token (public or not)."""
    if not token or len(token) > 64:
        return None
    return (
        Segnalazione.objects.select_related("ente", "categoria", "ufficio", "duplicato_di")
        .prefetch_related(
            Prefetch("allegati", queryset=Allegato.objects.filter(pubblico=True), to_attr="foto_pubbliche")
        )
        .filter(token=token)
        .first()
    )


def allegato_visibile(pk: int) -> Allegato | None:
    """An attachment the public may download: a public photo of a report the public may see."""
    return (
        Allegato.objects.select_related("segnalazione")
        .filter(condizione_pubblica("segnalazione__"), pk=pk, pubblico=True)
        .first()
    )


def versione(sha256: str) -> str:
    """The content version a public photo's URL carries (`?v=`): redacting a photo changes its
    bytes, so its URL, and the old URL stops answering at once (docs/security.md)."""
    return sha256[:16]


def versione_caricata(allegato: Allegato, chiesta: str) -> bool:
    """Whether `chiesta` is the version of the upload of a photo since re-encoded, the one a page or
    API answer rendered while it was pending links: that URL leads on to the current one."""
    caricato = allegato.sha256_caricato
    return bool(caricato) and chiesta == versione(caricato) != versione(allegato.sha256)


def url_foto(allegato: Allegato, base_url: str, *, miniatura: bool = False) -> str:
    nome = "portale:miniatura" if miniatura else "portale:allegato"
    return f"{base_url.rstrip('/')}{reverse(nome, args=[allegato.pk])}?v={versione(allegato.sha256)}"


def foto_della_pagina(s: Segnalazione) -> list[dict[str, Any]]:
    """The public photos of a report as its page shows them: versioned URLs and sizes."""
    foto = getattr(s, "foto_pubbliche", None)
    if foto is None:
        foto = s.allegati.filter(pubblico=True).order_by("id")
    return [
        {"url": url_foto(a, ""), "miniatura": url_foto(a, "", miniatura=True),
         "larghezza": a.larghezza, "altezza": a.altezza}
        for a in foto
    ]


def scheda_pubblica(s: Segnalazione, base_url: str) -> dict[str, Any]:
    """The public facts of a report. Never the reporter's data, the token or internal notes."""
    return Schede(base_url).scheda(riga(s))


def riga(s: Segnalazione) -> Riga:
    """What the card reads, from a model instance (its photos prefetched by `elenco_pubblico`)."""
    foto = getattr(s, "foto_pubbliche", None)
    if foto is None:
        foto = list(s.allegati.filter(pubblico=True).order_by("id"))
    valori: Riga = {colonna: _attributo(s, cammino) for colonna, cammino in _CAMMINI}
    valori["foto"] = tuple((a.pk, versione(a.sha256)) for a in foto)
    return valori


def righe(qs: QuerySet[Segnalazione]) -> list[Riga]:
    """What the card reads, for every report `qs` selects (filtered, ordered and sliced already):
    two queries and plain values. 1,000 model instances and their photos' prefetch took ~50 ms,
    these rows take ~20 ms."""
    valori: list[Riga] = []
    colonne_sql = [Cast(c, TextField()) if i in _ISTANTI else c for i, c in enumerate(COLONNE)]
    for tupla in qs.prefetch_related(None).values_list(*colonne_sql):
        colonne = list(tupla)
        # The uuid as text, so a row holds atomic values only: the garbage collector never tracks
        # it, and 1,000 rows no longer bring on a full collection of the process (~150 ms) every
        # few requests.
        colonne[_UUID] = str(colonne[_UUID])
        for i in _ISTANTI:
            colonne[i] = istante(colonne[i])
        valori.append(dict(zip(COLONNE, colonne, strict=True)))
    foto: dict[int, list[tuple[int, str]]] = {}
    if valori:
        pubbliche = Allegato.objects.filter(UnoDi("segnalazione_id", [r["id"] for r in valori]), pubblico=True)
        for segnalazione_id, pk, sha in pubbliche.order_by("id").values_list("segnalazione_id", "id", "sha256"):
            foto.setdefault(segnalazione_id, []).append((pk, versione(sha)))
    for r in valori:
        r["foto"] = tuple(foto.get(r["id"], ()))
    return valori


class UnoDi(Func):
    """`campo IN (ids)` for a long list of ids (a page of 1,000 reports' photos or events): on
    PostgreSQL `campo = ANY(%s::bigint[])`, one parameter. Django prepares each value of an IN list
    and psycopg splits a query of 1,000 placeholders in Python (~3.5 + 1.5 ms of CPU a query);
    one text parameter costs neither. Elsewhere the plain IN lookup."""

    output_field = BooleanField()

    def __init__(self, campo: str, ids: list[int]):
        super().__init__(F(campo))
        self.ids = ids

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(In(self.source_expressions[0], self.ids))

    def as_postgresql(self, compiler, connection, **extra_context):
        colonna, parametri = compiler.compile(self.source_expressions[0])
        return f"{colonna} = ANY(%s::bigint[])", [*parametri, "{" + ",".join(str(int(i)) for i in self.ids) + "}"]


def istante(testo: str | None) -> datetime | None:
    """A timestamp the database wrote as text (`Cast(campo, TextField())`), as the aware datetime
    the ORM would give. For long lists: the timestamp loader Django gives psycopg is pure Python
    (~8 µs a value), `fromisoformat` takes under 1 µs. SQLite keeps UTC without an offset."""
    if testo is None:
        return None
    quando = datetime.fromisoformat(testo)
    return quando if quando.tzinfo is not None else quando.replace(tzinfo=UTC)


def _attributo(s: Segnalazione, cammino: tuple[str, ...]) -> Any:
    """("ente", "nome") → s.ente.nome; None as soon as a relation is empty (no office, not a duplicate)."""
    valore: Any = s
    for nome in cammino:
        valore = getattr(valore, nome)
        if valore is None:
            break
    return valore


class Schede:
    """Builds public cards. What all the cards of one answer share is worked out once: the URL
    prefixes (a `reverse()` per row and photo) and the state labels (a translation per row)."""

    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")
        self._etichette: dict[str, str] = {}

    def scheda(self, r: Riga) -> dict[str, Any]:
        return {
            "codice": r["codice"],
            "uuid": str(r["uuid"]),
            "ente": {"nome": r["ente__nome"], "codice_istat": r["ente__codice_istat"], "slug": r["ente__slug"]},
            "categoria": {"codice": r["categoria__codice"], "nome": r["categoria__nome"]},
            "ufficio": r["ufficio__nome"],
            "stato": r["stato"],
            "stato_etichetta": self.etichetta(r["stato"]),
            "stato_open311": stato_open311(r["stato"]),
            "priorita": r["priorita"],
            "titolo": r["titolo"],
            "descrizione": r["descrizione"],
            "lat": r["lat"],
            "lon": r["lon"],
            "indirizzo": r["indirizzo"],
            "cap": r["cap"],
            "canale": r["canale"],
            "creata_il": r["creata_il"],
            "aggiornata_il": r["aggiornata_il"],
            "scadenza": r["scadenza"],
            "nota_pubblica": r["nota_pubblica"],
            "duplicato_di": r["duplicato_di__codice"],
            "foto": self.foto(r),
            "url_media_esterno": r["url_media_esterno"],
            "url": self.url(r),
        }

    def foto(self, r: Riga) -> list[dict[str, str]]:
        """The public photos of a row: versioned URLs of the image and its thumbnail."""
        base = self.base
        return [
            {"url": f"{base}{self._allegato.url(pk)}?v={v}", "miniatura": f"{base}{self._miniatura.url(pk)}?v={v}"}
            for pk, v in r["foto"]
        ]

    def url(self, r: Riga) -> str:
        """The public page of a row."""
        return self.base + self._pagina.url(r["codice"])

    def etichetta(self, stato: str) -> str:
        if stato not in self._etichette:
            # Stato(...).label, not get_stato_display(): the latter rebuilds the choices on every call.
            self._etichette[stato] = str(Stato(stato).label)
        return self._etichette[stato]

    @cached_property
    def _pagina(self) -> _Percorso:
        return percorso("portale:segnalazione")

    @cached_property
    def _allegato(self) -> _Percorso:
        return percorso("portale:allegato")

    @cached_property
    def _miniatura(self) -> _Percorso:
        return percorso("portale:miniatura")


# Characters `reverse()` never percent-encodes (RFC 3986's unreserved ones): a tracking code made
# of these goes into the path as it is.
_INTATTO = re.compile(r"[A-Za-z0-9._~-]+")
_SEGNAPOSTO = "9876543210"  # matches both the <int:pk> and the <str:codice> converters
_PERCORSI: dict[tuple[str, str, str | None], _Percorso] = {}


def percorso(nome: str) -> _Percorso:
    """The `_Percorso` of this URL name, reversed once per process (and per script prefix and
    URLconf, the only other things `reverse` reads here): a report's intake answers with three URLs."""
    chiave = (nome, get_script_prefix(), get_urlconf())
    trovato = _PERCORSI.get(chiave)
    if trovato is None:
        trovato = _PERCORSI[chiave] = _Percorso(nome)
    return trovato


class _Percorso:
    """`reverse(nome, args=[valore])` for one argument its converter accepts (a pk, a tracking
    code, a token), reversed once around a placeholder."""

    def __init__(self, nome: str):
        self.nome = nome
        self.prima, _, self.dopo = reverse(nome, args=[_SEGNAPOSTO]).partition(_SEGNAPOSTO)

    def url(self, valore: int | str) -> str:
        testo = str(valore)
        if _INTATTO.fullmatch(testo):
            return self.prima + testo + self.dopo
        return reverse(self.nome, args=[valore])  # anything reverse() would check or encode


def iso(valore: datetime | date | None, fuso: tzinfo | None = None) -> str | None:
    """W3C datetimes with their offset (2026-05-04T09:30:00+02:00), in the comune's time zone: the
    active one, or `fuso` (pass `timezone.get_current_timezone()` once per list: reading the
    active one for every value costs a thread-local lookup each time)."""
    if valore is None:
        return None
    if isinstance(valore, datetime):
        if valore.tzinfo is None:
            raise ValueError("iso() cannot write a naive datetime")  # as timezone.localtime() would
        return valore.astimezone(fuso or timezone.get_current_timezone()).isoformat(timespec="seconds")
    return valore.isoformat()


# "MM:SS" of each second of an hour, for `Orari`.
_MINUTI_SECONDI = tuple(f"{m:02d}:{s:02d}" for m in range(60) for s in range(60))
# Per time zone: UTC hour (proleptic ordinal × 24 + hour) → what `iso()` writes for any time of that
# hour before and after "MM:SS", or None where it cannot be split so (an offset of 5:30, an offset
# that changes within the hour). Facts of the zone, so kept by the process; bounded all the same.
# Keyed by text too ("2026-05-04 09", the hour as the database writes it: `Orari.testo`).
_ORE: dict[tzinfo, dict[int | str, tuple[str, str] | None]] = {}
_ORE_MASSIME = 200_000  # ~11 years of hours per zone, by number and by text
# A UTC hour as the database writes it as text ("2026-05-04 09"), and what may follow it: ":MM:SS",
# microseconds perhaps, PostgreSQL's "+00" (Django sets each connection's zone to UTC).
_ORA_TESTO = re.compile(r"\d{4}-\d\d-\d\d \d\d")
_UTC_TESTO = re.compile(r":[0-5]\d:[0-5]\d(?:\.\d{1,6})?(?:\+00)?")


class Orari:
    """`iso()` for the many timestamps of a list, in one time zone (`fuso`, or the active one),
    writing the same text. A zone's offset changes only at a DST change, and for every zone
    Civico serves that happens on the hour: so the local date, hour and offset of a UTC hour are
    worked out once, and each value costs a look-up and a join, not a zoneinfo conversion and
    `isoformat` (~1.5 µs; 5,000 events and 2,000 report dates per Open311 list). Any hour that
    cannot be split so (half-hour offsets, a change within the hour) goes through `iso()`."""

    def __init__(self, fuso: tzinfo | None = None):
        self.fuso = fuso or timezone.get_current_timezone()
        self._ore = _ORE.setdefault(self.fuso, {})

    def iso(self, valore: datetime | date | None) -> str | None:
        zona = getattr(valore, "tzinfo", None)
        if zona is not UTC:
            if zona is None:  # None, a date, or a naive datetime (which iso() refuses)
                return iso(valore, self.fuso)
            valore = valore.astimezone(UTC)
        chiave = valore.toordinal() * 24 + valore.hour
        try:
            parti = self._ore[chiave]
        except KeyError:
            parti = self._ora(chiave, valore)
        if parti is None:
            return iso(valore, self.fuso)
        return parti[0] + _MINUTI_SECONDI[valore.minute * 60 + valore.second] + parti[1]

    def testo(self, valore: str | None) -> str | None:
        """`iso()` of a timestamp the database wrote as text in UTC (`Cast(campo, TextField())`:
        PostgreSQL's "2026-05-04 09:30:00.123456+00", SQLite's without the offset), without
        parsing it: its date and hour pick the parts worked out for that UTC hour, its minutes and
        seconds are copied. Anything else is parsed (`istante`) and written by `iso()`."""
        if valore is None:
            return None
        try:
            parti = self._ore[valore[:13]]
        except KeyError:
            parti = self._ora_testo(valore)
        # PostgreSQL writes its zone's offset last, so "+00" is all it takes there to know the rest
        # is ":MM:SS[.ffffff]"; anything else (SQLite, a text someone wrote) is checked in full.
        if parti is None or (valore[-3:] != "+00" and not _UTC_TESTO.fullmatch(valore, 13)):
            return self.iso(istante(valore))
        return parti[0] + valore[14:19] + parti[1]

    def _ora_testo(self, valore: str) -> tuple[str, str] | None:
        if not _ORA_TESTO.fullmatch(valore, 0, 13):
            return None
        try:
            inizio = datetime(int(valore[:4]), int(valore[5:7]), int(valore[8:10]), int(valore[11:13]), tzinfo=UTC)
        except ValueError:  # not a date: `istante` says so
            return None
        chiave = inizio.toordinal() * 24 + inizio.hour
        parti = self._ore[chiave] if chiave in self._ore else self._ora(chiave, inizio)
        self._ore[valore[:13]] = parti
        return parti

    def _ora(self, chiave: int, valore: datetime) -> tuple[str, str] | None:
        inizio = valore.replace(minute=0, second=0, microsecond=0)
        locale = inizio.astimezone(self.fuso)
        fine = (inizio + timedelta(seconds=3599)).astimezone(self.fuso)
        parti = None
        if (locale.minute, locale.second, locale.microsecond) == (0, 0, 0) and locale.utcoffset() == fine.utcoffset():
            testo = locale.isoformat()  # 2026-03-29T03:00:00+02:00
            parti = (testo[:14], testo[19:])
        if len(self._ore) >= _ORE_MASSIME:
            self._ore.clear()
        self._ore[chiave] = parti
        return parti
