"""No reporter's personal data in any public output (GDPR art. 5, 25): a seeded database, every
public page, map, feed, API and export fetched anonymously, each searched for the seeded names,
e-mails, phones and codici fiscali. Extend `PUBBLICI` when a public URL is added."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache

from civico.accounts.permissions import Attore
from civico.segnalazioni import interazioni, workflow
from civico.segnalazioni.models import Evento, TipoEvento, Visibilita
from tests import factories

pytestmark = pytest.mark.django_db

PERSONE = [
    {"nome": "Ermenegilda Scarpantibus", "email": "ermenegilda.scarpa@example.org", "telefono": "+39 347 9182736"},
    {"nome": "Policarpo Zuccherinoni", "email": "policarpo.z@example.net", "telefono": "+39 320 5551234"},
    {"nome": "Teodolinda Brambillaccia", "email": "teo.bramba@example.com", "telefono": "+39 339 8765432"},
]
CODICE_FISCALE = "SCRRMN80A41A182X"

# Every public output, as (description, path). `{ente}` is the comune's slug, `{istat}` its ISTAT
# code, `{codice}` a public report's code. Add new public endpoints here.
PUBBLICI = [
    ("home nazionale", "/"),
    ("home del comune", "/{ente}/"),
    ("elenco delle segnalazioni", "/{ente}/segnalazioni/"),
    ("mappa GeoJSON", "/{ente}/segnalazioni/mappa.json?bbox=8.5,44.8,8.8,45.0&zoom=17"),
    ("mappa GeoJSON a grappoli", "/{ente}/segnalazioni/mappa.json?bbox=8.5,44.8,8.8,45.0&zoom=10"),
    ("pagina di una segnalazione", "/segnalazioni/{codice}/"),
    ("Open311 servizi", "/open311/v2/services.json?jurisdiction_id={istat}"),
    ("Open311 richieste XML", "/open311/v2/requests.xml?jurisdiction_id={istat}"),
    ("Open311 richieste JSON", "/open311/v2/requests.json?jurisdiction_id={istat}"),
    ("Open311 una richiesta", "/open311/v2/requests/{codice}.json?jurisdiction_id={istat}"),
    ("Open311 aggiornamenti", "/open311/v2/servicerequestupdates.json?jurisdiction_id={istat}"),
    ("API elenco", "/api/v1/segnalazioni?ente={ente}"),
    ("API una segnalazione", "/api/v1/segnalazioni/{codice}"),
    ("API comune", "/api/v1/enti/{ente}"),
    ("feed Atom degli avvisi", "/{ente}/avvisi.atom"),
    ("dati aperti", "/dati-aperti/"),
    ("dati aperti del comune", "/{ente}/dati-aperti/"),
    ("dati aperti CSV", "/{ente}/dati-aperti/segnalazioni.csv"),
    ("dati aperti JSON", "/{ente}/dati-aperti/segnalazioni.json"),
    ("dati aperti GeoJSON", "/{ente}/dati-aperti/segnalazioni.geojson"),
    ("informativa del comune", "/privacy/{ente}/"),
    ("registro dei trattamenti", "/privacy/{ente}/registro/"),
    ("registro JSON", "/privacy/{ente}/registro/?formato=json"),
]


def _varianti(persona: dict) -> list[str]:
    """The datum and the forms it could leak in (lower case, escaped, digits of the phone)."""
    cifre = "".join(c for c in persona["telefono"] if c.isdigit())
    cognome = persona["nome"].split()[-1]
    return [persona["nome"].lower(), cognome.lower(), persona["email"].lower(), persona["email"].split("@")[0],
            cifre[-9:], persona["telefono"][-8:]]


@pytest.fixture
def seminato(alessandria):
    cache.clear()
    segnalazioni = []
    for i, persona in enumerate(PERSONE):
        s = factories.segnalazione(alessandria, titolo=f"Lampione spento numero {i}", categoria="tombini",
                                   descrizione="Il lampione non si accende da giorni.", **persona)
        segnalazioni.append(s)
    operatore = factories.operatore(alessandria)
    prima = segnalazioni[0]
    workflow.transition(prima, "take_in_charge", operatore)
    workflow.transition(prima, "resolve", operatore, testo="Lampione sostituito.")
    interazioni.commenta(segnalazioni[1], Attore.del_segnalante(), "Sono Policarpo, chiamatemi al 320 5551234")
    # A citizen signed in with SPID.
    cittadino = factories.UtenteFactory(username="spid-user", email=PERSONE[2]["email"], first_name="Teodolinda",
                                        last_name="Brambillaccia", codice_fiscale=CODICE_FISCALE)
    segnalazioni[2].segnalante = cittadino
    segnalazioni[2].save(update_fields=["segnalante"])
    return alessandria, segnalazioni


def test_no_public_output_holds_the_reporters_personal_data(client, seminato, caplog):
    ente, segnalazioni = seminato
    caplog.set_level(logging.DEBUG)
    cercati = [v for p in PERSONE for v in _varianti(p)] + [CODICE_FISCALE.lower()]
    controllati = 0
    for s in segnalazioni:
        for descrizione, modello in PUBBLICI:
            url = modello.format(ente=ente.slug, istat=ente.codice_istat, codice=s.codice)
            r = client.get(url)
            assert r.status_code == 200, f"{descrizione} {url}: {r.status_code}"
            corpo = b"".join(r.streaming_content) if r.streaming else r.content
            testo = corpo.decode("utf-8", errors="replace").lower()
            for dato in cercati:
                assert dato not in testo, f"{descrizione} ({url}) mostra «{dato}»"
            controllati += 1
    assert controllati == len(PUBBLICI) * len(segnalazioni)
    # The public pages did show the reports: the check above looked at real content.
    assert "lampione spento numero 0" in client.get(f"/segnalazioni/{segnalazioni[0].codice}/").content.decode().lower()
    registro = caplog.text.lower()
    for dato in cercati:
        assert dato not in registro, f"i log contengono «{dato}»"


def test_the_reporters_private_message_is_not_in_the_public_timeline(client, seminato):
    _, segnalazioni = seminato
    commento = Evento.objects.get(segnalazione=segnalazioni[1], tipo=TipoEvento.COMMENT)
    assert commento.visibilita != Visibilita.PUBBLICA
    assert "chiamatemi" not in client.get(f"/segnalazioni/{segnalazioni[1].codice}/").content.decode()


def test_the_receipt_with_the_reporters_data_needs_the_private_link(client, seminato):
    _, segnalazioni = seminato
    assert client.get("/seguimi/non-il-token/ricevuta.pdf").status_code == 404
    r = client.get(f"/seguimi/{segnalazioni[0].token}/ricevuta.pdf")
    assert r.status_code == 200 and r["Cache-Control"] == "private, no-store"
