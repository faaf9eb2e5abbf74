"""Intake: the one door every channel uses. Valid reports are stored whole; bad ones leave nothing."""

import io

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from civico.enti.geo import ComuneNonAttivo, PuntoFuoriItalia
from civico.errors import Conflict, DomainError, InvalidData
from civico.segnalazioni import intake, sla
from civico.segnalazioni.models import Allegato, Evento, Segnalazione, TipoEvento
from civico.stati import Stato
from tests import factories
from tests.segnalazioni import immagini

pytestmark = pytest.mark.django_db


def _dati(**campi) -> intake.NuovaSegnalazione:
    base = {
        "lat": factories.PIAZZA_LIBERTA[0], "lon": factories.PIAZZA_LIBERTA[1],
        "titolo": "Buca profonda", "categoria": "buche", "risposte": {"dimensione": "media"},
        "nome": "Giulia Ferrari", "email": "giulia@example.org", "telefono": "+39 333 1234567",
    }
    base.update(campi)
    return intake.NuovaSegnalazione(**base)


def _conteggi() -> tuple[int, int, int]:
    return Segnalazione.objects.count(), Evento.objects.count(), Allegato.objects.count()


def test_a_report_is_placed_in_its_comune_routed_and_given_a_code(alessandria):
    ricevuta = intake.submit(_dati())

    s = ricevuta.segnalazione
    assert ricevuta.creata
    assert s.ente == alessandria
    assert s.codice == f"AL-{s.anno}-000001"
    assert len(s.token) >= 40
    assert s.ufficio.nome == "Lavori pubblici – strade"
    assert s.stato == Stato.SUBMITTED
    assert s.indirizzo.startswith("Piazza della Libertà")
    assert len(s.cella_h3) == 15
    assert s.scadenza == sla.calcola_scadenza(s.categoria, alessandria, s.creata_il)
    assert (s.scadenza - timezone.localdate(s.creata_il)).days >= 30  # 30 days, moved past a Sunday or holiday
    assert [e.tipo for e in s.eventi.all()] == [TipoEvento.CREATED, TipoEvento.ROUTED]


def test_codes_count_up_per_comune_and_year(alessandria, casale):
    a1 = intake.submit(_dati()).segnalazione
    a2 = intake.submit(_dati(titolo="Un'altra buca")).segnalazione
    c1 = factories.segnalazione(casale, punto=factories.CASALE)
    assert (a1.numero, a2.numero, c1.numero) == (1, 2, 1)
    assert c1.codice.startswith("CM-")


def test_the_category_is_suggested_from_the_words_when_missing(alessandria):
    s = intake.submit(_dati(categoria=None, titolo="Lampioni spenti in tutta la via",
                            risposte={"lampioni-spenti": 3})).segnalazione
    assert s.categoria.nome == "Illuminazione pubblica"


def test_no_category_and_no_hint_asks_to_choose_one(alessandria):
    with pytest.raises(InvalidData) as errore:
        intake.submit(_dati(categoria=None, titolo="Qualcosa non va", risposte={}))
    assert errore.value.field == "categoria"


def test_same_idempotency_key_returns_the_first_report(alessandria):
    prima = intake.submit(_dati(), chiave_idempotenza="k-123")
    di_nuovo = intake.submit(_dati(), chiave_idempotenza="k-123")
    assert di_nuovo.segnalazione.pk == prima.segnalazione.pk
    assert (prima.creata, di_nuovo.creata) == (True, False)
    assert Segnalazione.objects.count() == 1


def test_a_reused_key_with_other_content_is_refused(alessandria):
    intake.submit(_dati(), chiave_idempotenza="k-123")
    with pytest.raises(Conflict) as errore:
        intake.submit(_dati(titolo="Diverso"), chiave_idempotenza="k-123")
    assert errore.value.code == "idempotency_key_reused"


def test_a_point_in_an_inactive_comune_is_refused_naming_it(alessandria):
    with pytest.raises(ComuneNonAttivo) as errore:
        intake.submit(_dati(lat=factories.VALENZA[0], lon=factories.VALENZA[1]))
    assert "Valenza" in str(errore.value)
    assert _conteggi() == (0, 0, 0)


def test_a_point_in_the_sea_is_refused(alessandria):
    with pytest.raises(PuntoFuoriItalia):
        intake.submit(_dati(lat=factories.MAR_LIGURE[0], lon=factories.MAR_LIGURE[1]))


def test_a_category_of_another_comune_is_refused(alessandria, casale):
    with pytest.raises(InvalidData) as errore:
        intake.submit(_dati(categoria="cimiteri", ente=None, lat=factories.CASALE[0], lon=factories.CASALE[1]))
    assert "cimiteri" in str(errore.value) and "Casale Monferrato" in str(errore.value)


def test_a_point_outside_the_comune_the_channel_names_is_refused(alessandria, casale):
    with pytest.raises(InvalidData) as errore:
        intake.submit(_dati(ente=casale))
    assert "Casale Monferrato" in str(errore.value)


@pytest.mark.parametrize(
    ("campi", "campo"),
    [
        ({"titolo": "x" * 10_000}, "titolo"),
        ({"titolo": "   "}, "titolo"),
        ({"descrizione": "<script>alert(1)</script>"}, "descrizione"),
        ({"descrizione": "d" * 4001}, "descrizione"),
        ({"descrizione": "nul\x00byte"}, "descrizione"),
        ({"titolo": "surrogato \ud800"}, "titolo"),
        ({"lat": "abc"}, "posizione"),
        ({"lat": 91}, "posizione"),
        ({"email": "non-una-mail"}, "email"),
        ({"telefono": "chiamami"}, "telefono"),
        ({"canale": "piccione"}, "canale"),
        ({"risposte": {}}, "risposte.dimensione"),
        ({"risposte": {"dimensione": "enorme"}}, "risposte.dimensione"),
        ({"risposte": {"dimensione": "media", "colore": "blu"}}, "risposte.colore"),
    ],
)
def test_bad_input_gets_a_field_error_and_nothing_is_written(alessandria, campi, campo):
    with pytest.raises(InvalidData) as errore:
        intake.submit(_dati(**campi))
    assert campo in errore.value.as_dict()
    assert all(m for m in errore.value.as_dict()[campo])
    assert _conteggi() == (0, 0, 0)


def test_a_number_question_takes_numbers_only(alessandria):
    dati = _dati(categoria="illuminazione-pubblica", risposte={"lampioni-spenti": "tre"})
    with pytest.raises(InvalidData) as errore:
        intake.submit(dati)
    assert "numero" in str(errore.value)
    s = intake.submit(_dati(categoria="illuminazione-pubblica", risposte={"lampioni-spenti": "3"})).segnalazione
    assert s.risposte == {"lampioni-spenti": 3}


def test_a_photo_is_stored_reencoded_without_exif_with_a_thumbnail(alessandria):
    foto = immagini.jpeg(gps=immagini.ALESSANDRIA)
    s = intake.submit(_dati(), allegati=[("IMG_0001.jpg", foto)]).segnalazione

    a = s.allegati.get()
    assert a.pubblico and a.tipo == "foto" and a.content_type == "image/jpeg"
    with default_storage.open(a.file.name) as f:
        immagine = Image.open(io.BytesIO(f.read()))
        assert not immagine.getexif() and "exif" not in immagine.info
    assert default_storage.exists(a.miniatura.name)
    assert "IMG_0001" not in a.file.name


def test_a_renamed_exe_is_refused_and_nothing_is_written(alessandria):
    with pytest.raises(InvalidData) as errore:
        intake.submit(_dati(), allegati=[("foto.jpg", b"MZ\x90\x00" + b"\x00" * 2000)])
    assert "foto.jpg" in str(errore.value)
    assert _conteggi() == (0, 0, 0)


def test_a_40_mb_file_is_refused_with_the_limit(alessandria, settings):
    with pytest.raises(InvalidData) as errore:
        intake.submit(_dati(), allegati=[("grande.jpg", io.BytesIO(b"\xff\xd8" + b"0" * (40 * 1024 * 1024)))])
    assert "10 MB" in str(errore.value)
    assert _conteggi() == (0, 0, 0)


def test_a_category_that_requires_a_photo_refuses_a_report_without(alessandria):
    alessandria.categorie.filter(codice="buche").update(foto_obbligatoria=True)
    with pytest.raises(InvalidData) as errore:
        intake.submit(_dati())
    assert errore.value.field == "allegati"


def test_a_failure_after_files_were_stored_leaves_no_orphan_files(alessandria, monkeypatch):
    salvati_prima = _file_salvati()

    def guasto(self, *args, **kwargs):
        raise RuntimeError("disco pieno")

    monkeypatch.setattr(Allegato, "save", guasto)  # fails after the photo's files are written
    with pytest.raises(RuntimeError):
        intake.submit(_dati(titolo="Con foto"), allegati=[("a.jpg", immagini.jpeg())])
    assert _conteggi() == (0, 0, 0)
    assert _file_salvati() == salvati_prima


def _file_salvati() -> set[str]:
    import os

    from django.conf import settings

    radice = settings.MEDIA_ROOT
    return {os.path.join(d, f) for d, _, files in os.walk(radice) for f in files}


def test_every_domain_error_has_a_message_in_english_too(alessandria):
    from django.utils import translation

    with pytest.raises(DomainError) as errore:
        intake.submit(_dati(lat=factories.VALENZA[0], lon=factories.VALENZA[1]))
    with translation.override("en"):  # messages are lazy: rendered in the reader's language
        messaggio = str(errore.value)
    assert "Valenza" in messaggio and "Civico" in messaggio
    assert "comune di" not in messaggio


@pytest.mark.parametrize("variante", [
    {},
    {"risposte": {"dimensione": "grande", "note": ["a", {"b": 1}]}, "dati_client": {"device_id": "x"}},
    {"domande_all_ufficio": ("dimensione",), "da_localizzare": True, "lingua": "en"},
    {"nome": "Maria Rossi", "email": "m@example.org", "telefono": "+39 333 1234567", "canale": "sms"},
    {"con_ente": True, "url_media_esterno": "https://example.org/f.jpg", "categoria": 7},
])
def test_the_request_fingerprint_is_the_one_earlier_versions_stored(alessandria, variante):
    """A retry after an upgrade must match the fingerprint its first attempt stored: the way the
    fingerprint is computed may get cheaper, never different (it was `dataclasses.asdict`)."""
    import dataclasses
    import hashlib
    import json as json_

    variante = dict(variante)
    ente = alessandria if variante.pop("con_ente", False) else None
    dati = intake.NuovaSegnalazione(lat=44.91, lon=8.61, titolo="Buca", ente=ente, **variante)
    prima = dataclasses.asdict(dati)
    del prima["lingua"]
    for nuovo in ("domande_all_ufficio", "da_localizzare"):
        if not prima[nuovo]:
            del prima[nuovo]
    prima["ente"] = ente.pk if ente else None
    prima["allegati"] = ["abc"]
    atteso = hashlib.sha256(json_.dumps(prima, sort_keys=True, default=str).encode()).hexdigest()

    class _Preparato:
        sha256 = "abc"

    assert intake._impronta(dati, [_Preparato()]) == atteso
