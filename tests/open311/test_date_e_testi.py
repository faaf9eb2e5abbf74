"""What a list of requests writes for dates and texts now that it writes them fast (issue #21):
dates through `consultazione.Orari` (the offset worked out once per UTC hour), JSON through
orjson (`risposte.json_compatto`), the ids of a page as one parameter (`consultazione.UnoDi`).
Each must write what the plain path writes: `iso()`, `json.dumps(ensure_ascii=False)`, IN."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from civico.open311.risposte import json_compatto
from civico.segnalazioni.consultazione import Orari, UnoDi, iso
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento, Visibilita
from tests import factories
from tests.open311.conftest import AL, V2, segnalazione, xml
from tests.open311.test_xml import _con_elementtree

ROMA = ZoneInfo("Europe/Rome")
# Europe/Rome's changes in 2026: 29 March 01:00 UTC (+01:00 → +02:00), 25 October 01:00 UTC (back).
PRIMAVERA = datetime(2026, 3, 29, 1, tzinfo=UTC)
AUTUNNO = datetime(2026, 10, 25, 1, tzinfo=UTC)


def _intorno(cambio: datetime) -> list[datetime]:
    """Every 7 s and 250 ms, two hours either side of a change, and the seconds at its edge."""
    passo = timedelta(seconds=7, milliseconds=250)
    valori = [cambio - timedelta(hours=2) + passo * i for i in range(int(4 * 3600 / 7.25))]
    return valori + [cambio + timedelta(microseconds=d) for d in (-1_000_001, -1, 0, 1, 999_999, 1_000_000)]


@pytest.mark.parametrize("cambio", [PRIMAVERA, AUTUNNO], ids=["march", "october"])
def test_orari_writes_what_iso_writes_on_both_sides_of_a_dst_change(cambio):
    orari = Orari(ROMA)
    for valore in _intorno(cambio):
        assert orari.iso(valore) == iso(valore, ROMA), valore
    assert orari.iso(cambio - timedelta(microseconds=1)) == iso(cambio - timedelta(seconds=1), ROMA)
    if cambio is PRIMAVERA:
        assert [orari.iso(cambio - timedelta(seconds=1)), orari.iso(cambio)] == [
            "2026-03-29T01:59:59+01:00", "2026-03-29T03:00:00+02:00"]
    else:
        assert [orari.iso(cambio - timedelta(seconds=1)), orari.iso(cambio)] == [
            "2026-10-25T02:59:59+02:00", "2026-10-25T02:00:00+01:00"]


@pytest.mark.parametrize("fuso", [
    ZoneInfo("Asia/Kolkata"),  # +05:30: no hour of it can be split on the hour
    ZoneInfo("Australia/Lord_Howe"),  # a half-hour DST change
    ZoneInfo("America/St_Johns"),
    ZoneInfo("Europe/Dublin"),  # negative DST in tzdata
    ZoneInfo("UTC"),
    UTC,
    timezone(timedelta(hours=-3)),
    timezone(timedelta(hours=1, seconds=7)),
], ids=str)
def test_orari_writes_what_iso_writes_in_any_zone(fuso):
    orari = Orari(fuso)
    for anno in (1890, 1940, 2026):  # local mean time before 1893 in Rome, wartime changes
        for cambio in (datetime(anno, 3, 29, 1, tzinfo=UTC), datetime(anno, 10, 7, 0, 30, tzinfo=UTC)):
            for valore in _intorno(cambio)[::11]:
                assert orari.iso(valore) == iso(valore, fuso), (fuso, valore)


@pytest.mark.parametrize("cambio", [PRIMAVERA, AUTUNNO], ids=["march", "october"])
def test_orari_writes_a_database_timestamp_text_as_iso_writes_its_value(cambio):
    """Timelines keep the time as the database wrote it (PostgreSQL with "+00" and microseconds
    trimmed of zeros, SQLite without an offset): `Orari.testo` must write what `iso()` writes."""
    orari = Orari(ROMA)
    for valore in _intorno(cambio):
        testo = valore.astimezone(UTC).isoformat(sep=" ").removesuffix("+00:00")
        postgresql = testo.rstrip("0").removesuffix(".") + "+00" if "." in testo else testo + "+00"
        for scritto in (testo, postgresql):
            assert orari.testo(scritto) == iso(valore, ROMA), scritto
    # Other offsets, other shapes: parsed, never cut at the hour; nonsense still refused.
    assert orari.testo("2026-03-29 00:59:59+05:30") == iso(datetime(2026, 3, 28, 19, 29, 59, tzinfo=UTC), ROMA)
    assert orari.testo("2026-03-29T00:59:59Z") == "2026-03-29T01:59:59+01:00"
    assert orari.testo(None) is None
    with pytest.raises(ValueError):
        orari.testo("2026-13-29 00:59:59+00")


def test_orari_takes_any_aware_datetime_dates_and_none_and_refuses_naive_ones():
    orari = Orari()  # the active time zone
    a_new_york = datetime(2026, 3, 8, 6, 59, 59, 999_999, tzinfo=ZoneInfo("America/New_York"))
    assert orari.iso(a_new_york) == iso(a_new_york) == "2026-03-08T11:59:59+01:00"  # EDT from 07:00 UTC
    assert orari.iso(date(2026, 3, 29)) == "2026-03-29"
    assert orari.iso(None) is None
    with pytest.raises(ValueError):
        orari.iso(datetime(2026, 3, 29, 12))


@pytest.mark.parametrize("dati", [
    ["a\x00b\x07c\x0bd\x1f\x7f", "é «» – ✓ 😀 ẞ", "\u2028\u2029", "</script>", 'a"b\\c/d', "\r\n\t\b\f", ""],
    {"lat": 44.9133, "long": -8.6151, "zero": 0.0, "n": 2**63 - 1, "ok": True, "no": False, "vuoto": None},
    [{"notes": ({"datetime": "2026-05-04T09:30:00+02:00"},), "photos": ()}],
    {"troppo": 2**70},  # past 64 bits: orjson refuses it, json writes it
], ids=["strings", "numbers", "tuples", "big-int"])
def test_json_is_byte_for_byte_what_json_dumps_writes(dati):
    assert json_compatto(dati) == json.dumps(dati, ensure_ascii=False, separators=(",", ":")).encode()


@pytest.mark.django_db
def test_uno_di_selects_what_in_selects(alessandria):
    a, b, c = (factories.segnalazione(alessandria) for _ in range(3))
    tutti = Segnalazione.objects.order_by("id")

    assert list(tutti.filter(UnoDi("id", [c.pk, a.pk, 10**12]))) == [a, c]
    assert list(tutti.filter(UnoDi("id", []))) == []
    di_b = Evento.objects.filter(UnoDi("segnalazione_id", [b.pk])).values_list("segnalazione_id", flat=True)
    assert len(di_b) >= 2 and set(di_b) == {b.pk}  # received, routed


@pytest.fixture
def ai_cambi_d_ora(alessandria) -> list[Segnalazione]:
    """Two reports written just before each 2026 change of Europe/Rome, each with public events
    on both sides of it (microseconds included), due on the day of the change; and the words of
    a citizen with accents, emoji, a line separator, quotes, tags and control characters."""
    segnalazioni = []
    for cambio in (PRIMAVERA, AUTUNNO):
        prima = cambio - timedelta(seconds=1, microseconds=-999_999)  # 00:59:59.999999 UTC
        s = segnalazione(alessandria, quando=prima - timedelta(minutes=5))  # received, routed
        Segnalazione.objects.filter(pk=s.pk).update(creata_il=prima, aggiornata_il=cambio + timedelta(minutes=59),
                                                    scadenza=cambio.date())
        for quando, testo in ((prima, ""), (cambio, "Ancora lì «buca» – 😀 <b>&</b>\u2028\"x\"\x07\tfine"),
                              (cambio + timedelta(minutes=59, seconds=59), "")):
            Evento.objects.create(
                segnalazione=s, ente=alessandria, tipo=TipoEvento.COMMENT if testo else TipoEvento.STATE_CHANGED,
                visibilita=Visibilita.PUBBLICA, stato_a="" if testo else "accepted",
                transizione="" if testo else "take_in_charge", testo=testo,
                dati={"attore": "segnalante" if testo else "staff"}, creato_il=quando)
        segnalazioni.append(s)
    return segnalazioni


def _leggi(client, fmt: str, segnalazioni: list[Segnalazione]):
    codici = ",".join(s.codice for s in segnalazioni)  # by code: the list's 90-day window does not apply
    parametri = {"jurisdiction_id": AL, "extensions": "true", "service_request_id": codici}
    return client.get(f"{V2}/requests.{fmt}", parametri)


@pytest.mark.django_db
def test_a_list_writes_dates_either_side_of_a_dst_change_and_citizen_words_in_both_formats(client, ai_cambi_d_ora):
    risposta = _leggi(client, "json", ai_cambi_d_ora)
    elenco = {r["service_request_id"]: r for r in risposta.json()}
    primavera, autunno = (elenco[s.codice] for s in ai_cambi_d_ora)

    assert (primavera["requested_datetime"], primavera["updated_datetime"], primavera["expected_datetime"]) == (
        "2026-03-29T01:59:59+01:00", "2026-03-29T03:59:00+02:00", "2026-03-29T23:59:59+02:00")
    assert (autunno["requested_datetime"], autunno["updated_datetime"], autunno["expected_datetime"]) == (
        "2026-10-25T02:59:59+02:00", "2026-10-25T02:59:00+01:00", "2026-10-25T23:59:59+01:00")
    assert [n["datetime"] for n in primavera["notes"]][-3:] == [
        "2026-03-29T01:59:59+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T03:59:59+02:00"]
    assert [n["datetime"] for n in autunno["notes"]][-3:] == [
        "2026-10-25T02:59:59+02:00", "2026-10-25T02:00:00+01:00", "2026-10-25T02:59:59+01:00"]
    # The citizen's words as written (nothing here for the masking gate to hide), status after each.
    parole = "Ancora lì «buca» – 😀 <b>&</b>\u2028\"x\"\x07\tfine"
    assert [(n["type"], n["description"], n["status"]) for n in autunno["notes"]][-2:] == [
        ("comment", parole, "open"), ("state_changed", "La segnalazione è stata presa in carico.", "open")]
    # The same bytes json.dumps writes (UTF-8, not \\u escapes; control characters escaped).
    assert risposta.content == json.dumps(risposta.json(), ensure_ascii=False, separators=(",", ":")).encode()
    assert "😀 <b>&</b>\u2028\\\"x\\\"\\u0007\\tfine".encode() in risposta.content

    # XML: well-formed, the character XML cannot carry dropped, the rest escaped; what ElementTree writes.
    risposta_xml = _leggi(client, "xml", ai_cambi_d_ora)
    radice = xml(risposta_xml)
    note = {r.findtext("service_request_id"): [n.findtext("description") for n in r.find("notes").findall("note")]
            for r in radice.findall("request")}
    assert parole.replace("\x07", "") in note[ai_cambi_d_ora[1].codice]
    assert b"&lt;b&gt;&amp;&lt;/b&gt;" in risposta_xml.content
    assert risposta_xml.content == _con_elementtree("service_requests", list(elenco.values()))
