"""Marking a duplicate, by every path staff have (the workspace button, the bulk action, the
duplicates queue, the API): its followers move to the main report once, the main report's
timeline records one public merge, and each follower hears of it once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from civico.accounts.models import Ruolo
from civico.backoffice.models import CoppiaDuplicati
from civico.comunicazioni.models import Iscrizione, Notifica
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento, Visibilita
from civico.stati import Stato
from tests import factories
from tests.api.conftest import V1, post_json, staff
from tests.backoffice.test_blocco import blocco
from tests.backoffice.test_scheda import agisci

pytestmark = pytest.mark.django_db

SEGUACI = {"sostenitore@example.org", "vicina@example.org"}


def dalla_scheda(client, come, persone, duplicata: Segnalazione, principale: Segnalazione) -> None:
    risposta = agisci(come(persone.operatore), duplicata, "mark_duplicate", duplicato_di=principale.codice)
    assert risposta.status_code == 302


def in_blocco(client, come, persone, duplicata: Segnalazione, principale: Segnalazione) -> None:
    risposta = blocco(come(persone.operatore), [duplicata.codice], "mark_duplicate", duplicato_di=principale.codice)
    assert risposta.context["a"].aggiornate == [duplicata.codice]


def dalla_coda(client, come, persone, duplicata: Segnalazione, principale: Segnalazione) -> None:
    coppia, _nuova = CoppiaDuplicati.objects.get_or_create(  # found already if the search ran
        prima=principale, seconda=duplicata, defaults={"ente": principale.ente, "punteggio": 0.9})
    risposta = come(persone.operatore).post(f"/backoffice/duplicati/{coppia.pk}/unisci/", {"ente": "AL"})
    assert risposta.status_code == 302


def dall_api(client, come, persone, duplicata: Segnalazione, principale: Segnalazione) -> None:
    _, intestazioni = staff("op-api-unione", Ruolo.OPERATORE, principale.ente)
    duplicata.refresh_from_db()
    risposta = post_json(
        client, f"{V1}/gestione/segnalazioni/{duplicata.codice}/transizioni",
        {"nome": "mark_duplicate", "versione": duplicata.versione, "duplicato_di": principale.codice},
        **intestazioni,
    )
    assert risposta.status_code == 200, risposta.content


PERCORSI: dict[str, Callable] = {
    "scheda": dalla_scheda, "blocco": in_blocco, "coda": dalla_coda, "api": dall_api,
}


@pytest.mark.parametrize("percorso", list(PERCORSI))
def test_every_path_moves_the_followers_once_and_records_one_public_merge(
    percorso, come, persone, alessandria, django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        principale = factories.segnalazione(alessandria, email="prima@example.org")
        duplicata = factories.segnalazione(alessandria, nome="Mario Rossi", email="mario@example.org")
    for email in (*SEGUACI, "prima@example.org"):  # the main report's reporter follows it already
        factories.IscrizioneFactory(segnalazione=duplicata, email=email)

    with django_capture_on_commit_callbacks(execute=True):
        PERCORSI[percorso](Client(), come, persone, duplicata, principale)

    duplicata.refresh_from_db()
    assert duplicata.stato == Stato.DUPLICATE and duplicata.duplicato_di == principale
    assert not Iscrizione.objects.filter(segnalazione=duplicata).exists()
    seguaci = list(Iscrizione.objects.filter(segnalazione=principale).values_list("email", flat=True))
    assert sorted(seguaci) == sorted({*SEGUACI, "prima@example.org", "mario@example.org"})  # nobody twice

    unione = Evento.objects.get(segnalazione=principale, tipo=TipoEvento.MERGED)
    assert unione.visibilita == Visibilita.PUBBLICA and duplicata.codice in unione.testo
    assert unione.attore == persone.operatore or percorso == "api"
    assert unione.dati["seguaci_spostati"] == 3  # the reporter of the duplicate and the two followers

    # Each follower of the duplicate is told once, of the merge, by the main report.
    segnata = Evento.objects.get(segnalazione=duplicata, transizione="mark_duplicate")
    for email in (*SEGUACI, "mario@example.org"):
        notifiche = Notifica.objects.filter(indirizzo=email, evento__in=[unione, segnata])
        assert list(notifiche.values_list("evento_id", flat=True)) == [unione.pk], email
