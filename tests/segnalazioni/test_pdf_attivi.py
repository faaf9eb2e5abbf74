"""Accepted PDFs are rebuilt without active content (pikepdf): what is stored shows the same pages
and does nothing else — no scripts, launches, form submissions, links, embedded files, multimedia
or forms. PDFs that cannot be rebuilt (password, broken) are refused with a clear message."""

from __future__ import annotations

import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civico.errors import InvalidData
from civico.segnalazioni.media import prepara_allegato
from civico.segnalazioni.models import Allegato, TipoAllegato
from tests import factories
from tests.segnalazioni import pdf_attivi

TIPI = [
    "OpenAction:JavaScript", "OpenAction:Launch", "OpenAction:SubmitForm", "OpenAction:ImportData",
    "OpenAction:GoToR", "OpenAction:URI", "AA:JavaScript", "AA:Launch", "Names/JavaScript",
    "EmbeddedFiles", "FileAttachment", "Link:URI", "Link:JavaScript", "Link:SubmitForm", "Link:Launch",
    "Link:GoToR", "RichMedia", "XFA",
]


def _testo_intatto(dati: bytes, pagine: int = 1) -> None:
    n, testi = pdf_attivi.pagine_e_testo(dati)
    assert n == pagine
    for i, testo in enumerate(testi, start=1):
        assert f"{pdf_attivi.TESTO} - pagina {i}".encode() in testo


@pytest.mark.parametrize("tipo", TIPI)
def test_each_kind_of_active_content_is_gone_and_the_page_still_reads(tipo):
    dati = pdf_attivi.con(tipo)
    assert pdf_attivi.attivi(dati)  # the sender's file has it

    p = prepara_allegato("modulo.pdf", dati)

    assert p.tipo == TipoAllegato.DOCUMENTO and p.content_type == "application/pdf"
    assert pdf_attivi.attivi(p.contenuto) == set()
    _testo_intatto(p.contenuto)


def test_everything_at_once_with_forms_and_links_on_every_page():
    dati = pdf_attivi.base(3, modulo=True, link=True)
    for tipo in TIPI:
        dati = pdf_attivi.con(tipo, dati)

    p = prepara_allegato("tutto.pdf", dati)

    assert pdf_attivi.attivi(p.contenuto) == set()
    _testo_intatto(p.contenuto, pagine=3)
    for nome in (b"/JavaScript", b"/OpenAction", b"/Launch", b"/EmbeddedFile", b"/AcroForm", b"/XFA", b"/URI"):
        assert nome not in p.contenuto


def test_a_normal_pdf_is_accepted_and_readable():
    dati = pdf_attivi.base(2)
    p = prepara_allegato("verbale.pdf", dati)
    assert pdf_attivi.attivi(p.contenuto) == set()
    _testo_intatto(p.contenuto, pagine=2)


def test_a_pdf_with_only_an_owner_password_is_rebuilt_without_it():
    uscita = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf_attivi.con("OpenAction:JavaScript"))) as pdf:
        pdf.save(uscita, encryption=pikepdf.Encryption(owner="ufficio", user="", R=6))
    p = prepara_allegato("limitato.pdf", uscita.getvalue())
    with pikepdf.open(io.BytesIO(p.contenuto)) as ricostruito:
        assert not ricostruito.is_encrypted
    assert pdf_attivi.attivi(p.contenuto) == set()


def test_a_password_protected_pdf_is_refused_in_italian_and_english():
    uscita = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf_attivi.base())) as pdf:
        pdf.save(uscita, encryption=pikepdf.Encryption(owner="a", user="segreta", R=6))
    with pytest.raises(InvalidData) as e:
        prepara_allegato("protetto.pdf", uscita.getvalue())
    assert e.value.as_dict() == {"allegati": [
        'Il file "protetto.pdf" è protetto da password: allega un PDF senza protezione.']}
    with translation.override("en"):
        assert str(e.value.errors["allegati"][0]) == (
            'The file "protetto.pdf" is protected by a password: attach a PDF without protection.')


@pytest.mark.parametrize("dati", [
    b"%PDF-1.7\n" + b"\x00garbage" * 500 + b"\n%%EOF\n",
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
])
def test_a_pdf_that_cannot_be_rebuilt_is_refused_as_damaged(dati):
    with pytest.raises(InvalidData) as e:
        prepara_allegato("rotto.pdf", dati)
    assert e.value.as_dict() == {"allegati": ['Il file "rotto.pdf" è danneggiato o non è un PDF valido.']}


@pytest.mark.django_db
def test_the_stored_attachment_of_a_report_is_the_rebuilt_one(client, alessandria):
    lat, lon = factories.PIAZZA_LIBERTA
    dati = pdf_attivi.con("OpenAction:JavaScript", pdf_attivi.con("EmbeddedFiles"))
    r = client.post("/api/v1/segnalazioni", {
        "lat": lat, "lon": lon, "titolo": "Buca profonda davanti al civico 41", "categoria": "buche",
        "risposte": '{"dimensione": "grande"}',
        "allegati": [SimpleUploadedFile("modulo.pdf", dati, "application/pdf")],
    })
    assert r.status_code == 201, r.content
    allegato = Allegato.objects.get(tipo=TipoAllegato.DOCUMENTO)
    with allegato.file.open("rb") as f:
        memorizzato = f.read()
    assert memorizzato != dati and pdf_attivi.attivi(memorizzato) == set()
    _testo_intatto(memorizzato)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tagli=st.lists(st.tuples(st.integers(0, 10**6), st.binary(min_size=1, max_size=8)), min_size=1, max_size=6))
def test_damaged_variants_are_either_refused_or_rebuilt_clean(tagli):
    dati = bytearray(_CON_TUTTO)
    for posizione, pezzo in tagli:  # overwrite a few bytes anywhere, keeping header and %%EOF
        inizio = 16 + posizione % (len(dati) - 64)
        dati[inizio:inizio + len(pezzo)] = pezzo
    try:
        p = prepara_allegato("variante.pdf", bytes(dati))
    except InvalidData as e:
        assert set(e.errors) == {"allegati"}
        return
    assert pdf_attivi.attivi(p.contenuto) == set()


_CON_TUTTO = pdf_attivi.con("OpenAction:JavaScript", pdf_attivi.con("EmbeddedFiles", pdf_attivi.con("Link:Launch")))


@pytest.mark.parametrize("chiave", ["/Annotz", "/Anno\udcc6s", "/Resources"])
def test_a_link_hidden_under_a_mangled_page_key_does_not_survive(chiave):
    """Found by the fuzz test above: a damaged '/Annots' key kept its link annotation in the rebuilt file."""
    with pikepdf.open(io.BytesIO(pdf_attivi.con("Link:Launch"))) as pdf:
        pagina = pdf.pages[0].obj
        annotazioni = pagina["/Annots"]
        del pagina["/Annots"]
        if chiave == "/Resources":  # inside a dictionary that is kept, under a name nothing reads
            pagina["/Resources"]["/Nascoste"] = annotazioni
        else:
            pagina[chiave] = annotazioni
        uscita = io.BytesIO()
        pdf.save(uscita)
    p = prepara_allegato("nascosto.pdf", uscita.getvalue())
    assert pdf_attivi.attivi(p.contenuto) == set()
    _testo_intatto(p.contenuto)
