"""Staff hear of their work as each of them chose: at once, in the daily digest, or never; overdue
reports only ever in one summary a day. Everything over a real SMTP server, counted per recipient."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from civico.accounts.models import Ruolo, Utente
from civico.accounts.permissions import Attore
from civico.catalogo.models import Ufficio
from civico.comunicazioni import personale, sindaco
from civico.comunicazioni.models import ModoAvviso, PreferenzaPersonale, TipoMessaggio
from civico.demo import catalogo_demo as C
from civico.errors import InvalidData
from civico.segnalazioni import interazioni, workflow
from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.backoffice.conftest import entra_verificato

pytestmark = pytest.mark.django_db


def persona(username: str, ruolo: str, ente, ufficio=None) -> Utente:
    u = factories.staff(username, ruolo, ente, ufficio)
    u.email = f"{username}@comune.example.org"
    u.save()
    return u


def per_destinatario(smtp) -> Counter:
    return Counter(d for _mittente, destinatari in smtp.raccoglitore.buste for d in destinatari)


def oggetti_di(smtp, indirizzo: str) -> list[str]:
    return [str(m["Subject"]) for m, (_f, ds) in zip(smtp.messaggi, smtp.raccoglitore.buste, strict=True)
            if indirizzo in ds]



@pytest.fixture
def strade(alessandria) -> Ufficio:
    return Ufficio.objects.get(ente=alessandria, nome=C.STRADE)


@pytest.fixture
def verde(alessandria) -> Ufficio:
    return Ufficio.objects.get(ente=alessandria, nome=C.VERDE)


def in_ritardo(*segnalazioni: Segnalazione, giorni: int = 5) -> None:
    Segnalazione.objects.filter(pk__in=[s.pk for s in segnalazioni]).update(
        scadenza=timezone.localdate() - timedelta(days=giorni))


# --- Overdue: one summary per recipient, never one e-mail per report ---------------------------------


def test_the_first_run_on_many_late_reports_sends_one_summary_per_recipient(alessandria, strade, verde, smtp,
                                                                          consegnato):
    persona("resp-strade", Ruolo.OFFICE_MANAGER, alessandria, strade)
    persona("resp-ente", Ruolo.OFFICE_MANAGER, alessandria)
    persona("resp-verde", Ruolo.OFFICE_MANAGER, alessandria, verde)
    buche = [factories.segnalazione(alessandria, titolo=f"Buca numero {i}") for i in range(24)]
    alberi = [factories.segnalazione(alessandria, categoria="verde-pubblico", risposte={"problema": ["rami"]},
                                     titolo=f"Ramo caduto {i}") for i in range(6)]
    assert {s.ufficio_id for s in buche} == {strade.pk} and {s.ufficio_id for s in alberi} == {verde.pk}
    in_ritardo(*buche, *alberi)
    smtp.raccoglitore.messaggi.clear(), smtp.raccoglitore.buste.clear()  # the receipts to reporters

    consegnato(call_command, "controlla_scadenze")
    consegnato(call_command, "controlla_scadenze")  # a second run the same day: nothing more

    assert per_destinatario(smtp) == {"resp-strade@comune.example.org": 1, "resp-ente@comune.example.org": 1,
                                      "resp-verde@comune.example.org": 1}
    [riepilogo_ente] = [m for m, (_f, ds) in zip(smtp.messaggi, smtp.raccoglitore.buste, strict=True)
                        if "resp-ente@comune.example.org" in ds]
    testo = riepilogo_ente.get_body(("plain",)).get_content()
    assert all(s.codice in testo for s in buche + alberi)
    assert "30 segnalazioni in ritardo" in str(riepilogo_ente["Subject"])
    assert Segnalazione.objects.filter(sollecitata_il__isnull=False).count() == 30


def test_reports_late_after_today_s_summary_wait_for_tomorrow_s(alessandria, strade, smtp, consegnato):
    persona("resp-strade", Ruolo.OFFICE_MANAGER, alessandria, strade)
    prima, dopo = factories.segnalazione(alessandria), factories.segnalazione(alessandria)
    in_ritardo(prima)
    smtp.raccoglitore.messaggi.clear(), smtp.raccoglitore.buste.clear()
    consegnato(call_command, "controlla_scadenze")
    in_ritardo(dopo)

    consegnato(call_command, "controlla_scadenze")  # escalated today, summarised tomorrow
    assert per_destinatario(smtp) == {"resp-strade@comune.example.org": 1}
    domani = timezone.now() + timedelta(days=1)
    consegnato(personale.invia_riepiloghi, domani, solo_ritardi=True)
    consegnato(personale.invia_riepiloghi, domani, solo_ritardi=True)

    assert per_destinatario(smtp) == {"resp-strade@comune.example.org": 2}
    assert dopo.codice in oggetti_di(smtp, "resp-strade@comune.example.org")[1]


def test_a_manager_who_turned_overdue_summaries_off_gets_none(alessandria, strade, smtp, consegnato):
    spento = persona("resp-strade", Ruolo.OFFICE_MANAGER, alessandria, strade)
    persona("resp-ente", Ruolo.OFFICE_MANAGER, alessandria)
    personale.salva_modi(spento, {**personale.modi(spento), "ritardo": ModoAvviso.MAI})
    in_ritardo(factories.segnalazione(alessandria))
    smtp.raccoglitore.messaggi.clear(), smtp.raccoglitore.buste.clear()

    consegnato(call_command, "controlla_scadenze")

    assert per_destinatario(smtp) == {"resp-ente@comune.example.org": 1}


# --- The other kinds: at once, in the digest, or never ------------------------------------------------


def test_an_assignment_reaches_the_assignee_at_once_by_default(alessandria, strade, smtp, consegnato):
    capo = persona("capo", Ruolo.OFFICE_MANAGER, alessandria, strade)
    operatrice = persona("operatrice", Ruolo.OPERATORE, alessandria, strade)
    s = factories.segnalazione(alessandria)
    smtp.raccoglitore.messaggi.clear(), smtp.raccoglitore.buste.clear()

    consegnato(interazioni.assegna, s, Attore.staff(capo), operatrice)

    assert per_destinatario(smtp) == {"operatrice@comune.example.org": 1}
    assert oggetti_di(smtp, "operatrice@comune.example.org") == [f"Segnalazione {s.codice} assegnata a te"]


def test_nobody_is_told_of_an_assignment_they_made_to_themselves_or_switched_off(alessandria, strade, smtp,
                                                                               consegnato):
    operatrice = persona("operatrice", Ruolo.OPERATORE, alessandria, strade)
    collega = persona("collega", Ruolo.OPERATORE, alessandria, strade)
    personale.salva_modi(collega, {**personale.modi(collega), "assegnata": ModoAvviso.MAI})
    s = factories.segnalazione(alessandria)
    smtp.raccoglitore.messaggi.clear(), smtp.raccoglitore.buste.clear()

    consegnato(interazioni.assegna, s, Attore.staff(operatrice), operatrice)
    consegnato(interazioni.assegna, s, Attore.staff(operatrice), collega)

    assert per_destinatario(smtp) == {}


def test_new_reports_in_my_office_come_in_one_daily_digest_by_default(alessandria, strade, verde, smtp,
                                                                     consegnato):
    persona("operatrice", Ruolo.OPERATORE, alessandria, strade)
    persona("giardiniere", Ruolo.OPERATORE, alessandria, verde)
    nuove = [consegnato(factories.segnalazione, alessandria, titolo=f"Buca in via Roma {i}") for i in range(3)]
    consegnato(factories.segnalazione, alessandria, categoria="verde-pubblico", risposte={"problema": ["rami"]})
    assert "operatrice@comune.example.org" not in per_destinatario(smtp)  # nothing at once

    consegnato(call_command, "invia_riepiloghi")
    consegnato(call_command, "invia_riepiloghi")

    conti = per_destinatario(smtp)
    assert conti["operatrice@comune.example.org"] == 1 and conti["giardiniere@comune.example.org"] == 1
    [oggetto] = oggetti_di(smtp, "operatrice@comune.example.org")
    assert oggetto == "Il riepilogo del giorno: 3 novità"
    digest = [m for m, (_f, ds) in zip(smtp.messaggi, smtp.raccoglitore.buste, strict=True)
              if "operatrice@comune.example.org" in ds][0].get_body(("plain",)).get_content()
    assert all(s.codice in digest for s in nuove)
    assert "/backoffice/comunicazioni/avvisi-di-lavoro/" in digest


def test_who_chose_at_once_gets_one_mail_per_new_report_and_no_digest(alessandria, strade, smtp, consegnato):
    operatrice = persona("operatrice", Ruolo.OPERATORE, alessandria, strade)
    personale.salva_modi(operatrice, {**personale.modi(operatrice), "nuova": ModoAvviso.SUBITO})
    nuove = [consegnato(factories.segnalazione, alessandria) for _ in range(2)]

    consegnato(call_command, "invia_riepiloghi")

    assert sorted(oggetti_di(smtp, "operatrice@comune.example.org")) == sorted(
        f"Nuova segnalazione {s.codice} nel tuo ufficio" for s in nuove)


def test_the_reporter_s_message_and_reopening_reach_the_assignee(alessandria, strade, smtp, consegnato):
    operatrice = persona("operatrice", Ruolo.OPERATORE, alessandria, strade)
    s = factories.segnalazione(alessandria, email="cittadina@example.org")
    s = workflow.transition(s, "take_in_charge", Attore.staff(operatrice))
    s = interazioni.assegna(s, Attore.staff(operatrice), operatrice)
    s = workflow.transition(s, "resolve", Attore.staff(operatrice), testo="Riparata")
    smtp.raccoglitore.messaggi.clear(), smtp.raccoglitore.buste.clear()

    consegnato(workflow.transition, s, "reopen", Attore.del_segnalante(), testo="La buca è ancora lì")

    oggetti = oggetti_di(smtp, "operatrice@comune.example.org")
    assert oggetti == [f"Segnalazione {s.codice} riaperta dal segnalante"]


def test_a_letter_to_the_mayor_reaches_the_mayor_s_office_at_once(alessandria, smtp, consegnato):
    persona("segreteria", Ruolo.SINDACO, alessandria)
    persona("operatrice", Ruolo.OPERATORE, alessandria)

    consegnato(sindaco.scrivi, alessandria, tipo=TipoMessaggio.SUGGERIMENTO, testo="Servono più panchine al parco.",
               nome="Anna")

    assert per_destinatario(smtp) == {"segreteria@comune.example.org": 1}
    assert oggetti_di(smtp, "segreteria@comune.example.org") == ["Nuovo messaggio al sindaco"]


# --- The page where each person chooses ----------------------------------------------------------------


def test_each_staff_member_sets_their_own_choices_on_the_page(client, alessandria, strade):
    operatrice = persona("operatrice", Ruolo.OPERATORE, alessandria, strade)
    entra_verificato(client, operatrice)
    pagina = client.get("/backoffice/comunicazioni/avvisi-di-lavoro/")
    assert pagina.status_code == 200
    html = pagina.content.decode()
    assert 'name="modo_assegnata" id="modo-assegnata-subito" value="subito" checked' in html
    assert 'id="modo-ritardo-subito"' not in html  # overdue reports are never sent one by one

    scelte = {f"modo_{t}": m for t, m in personale.PREDEFINITI.items()} | {"modo_nuova": "mai"}
    risposta = client.post("/backoffice/comunicazioni/avvisi-di-lavoro/", scelte)

    assert risposta.status_code == 302
    assert PreferenzaPersonale.objects.get(utente=operatrice, tipo="nuova").modo == "mai"


@pytest.mark.parametrize("tipo, modo", [("ritardo", "subito"), ("nuova", "sempre"), ("assegnata", ""),
                                        ("sindaco", "<script>")])
def test_a_choice_not_offered_is_refused_with_a_clear_message(client, alessandria, strade, tipo, modo):
    operatrice = persona("operatrice", Ruolo.OPERATORE, alessandria, strade)
    entra_verificato(client, operatrice)
    scelte = {f"modo_{t}": m for t, m in personale.PREDEFINITI.items()} | {f"modo_{tipo}": modo}

    risposta = client.post("/backoffice/comunicazioni/avvisi-di-lavoro/", scelte)
    inglese = client.post("/backoffice/comunicazioni/avvisi-di-lavoro/", scelte, HTTP_ACCEPT_LANGUAGE="en")

    assert risposta.status_code == inglese.status_code == 400
    assert "Scegli quando ricevere questi avvisi." in risposta.content.decode()
    assert "Choose when to receive these notices." in inglese.content.decode()
    assert not PreferenzaPersonale.objects.filter(utente=operatrice).exists()
    with pytest.raises(InvalidData):
        personale.salva_modi(operatrice, {tipo: modo})


def test_the_worker_s_planner_sends_the_digest_from_the_set_hour_once_a_day(alessandria, strade, smtp, consegnato):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    persona("operatrice", Ruolo.OPERATORE, alessandria, strade)
    consegnato(factories.segnalazione, alessandria)
    oggi = timezone.localdate()
    alba = datetime.combine(oggi, time(6, 30), tzinfo=ZoneInfo("Europe/Rome"))
    mattina = datetime.combine(oggi, time(7, 5), tzinfo=ZoneInfo("Europe/Rome"))

    assert consegnato(personale.passo_pianificato, alba) == 0
    assert consegnato(personale.passo_pianificato, mattina) == 1
    assert consegnato(personale.passo_pianificato, mattina + timedelta(minutes=5)) == 0

    assert per_destinatario(smtp)["operatrice@comune.example.org"] == 1


def test_the_reporter_s_message_reaches_the_office_staff_when_nobody_is_assigned(alessandria, strade, smtp,
                                                                                 consegnato):
    persona("operatrice", Ruolo.OPERATORE, alessandria, strade)
    persona("spenta", Ruolo.OPERATORE, alessandria, strade)
    spenta = Utente.objects.get(username="spenta")
    personale.salva_modi(spenta, {**personale.modi(spenta), "risposta": ModoAvviso.MAI})
    s = factories.segnalazione(alessandria, email="cittadina@example.org")
    smtp.raccoglitore.messaggi.clear(), smtp.raccoglitore.buste.clear()

    consegnato(interazioni.commenta, s, Attore.del_segnalante(), "Ho una foto migliore")

    assert oggetti_di(smtp, "operatrice@comune.example.org") == [
        f"Messaggio del segnalante sulla segnalazione {s.codice}"]
    assert "spenta@comune.example.org" not in per_destinatario(smtp)


def test_a_mayor_s_office_that_chose_the_digest_gets_the_letters_in_it(alessandria, smtp, consegnato):
    segreteria = persona("segreteria", Ruolo.SINDACO, alessandria)
    personale.salva_modi(segreteria, {**personale.modi(segreteria), "sindaco": ModoAvviso.RIEPILOGO})
    for testo in ("Servono più panchine al parco.", "Grazie per la nuova piazza."):
        consegnato(sindaco.scrivi, alessandria, tipo=TipoMessaggio.SUGGERIMENTO, testo=testo)
    assert per_destinatario(smtp) == {}

    consegnato(personale.invia_riepiloghi)

    assert oggetti_di(smtp, "segreteria@comune.example.org") == ["Il riepilogo del giorno: 2 novità"]


def test_a_bulk_assignment_of_many_reports_is_one_e_mail_to_the_assignee(alessandria, strade, smtp, consegnato):
    from civico.backoffice import azioni
    from civico.backoffice import blocco as lavori

    capo = persona("capo", Ruolo.OFFICE_MANAGER, alessandria, strade)
    operatrice = persona("operatrice", Ruolo.OPERATORE, alessandria, strade)
    segnalazioni = [factories.segnalazione(alessandria) for _ in range(12)]
    smtp.raccoglitore.messaggi.clear(), smtp.raccoglitore.buste.clear()

    lavoro = consegnato(lavori.avvia, capo, [s.codice for s in segnalazioni], "assegna",
                        azioni.Dati(assegnatario=str(operatrice.pk)))
    consegnato(lavori.esegui, lavoro.pk)  # the queue retries it: nothing is sent twice

    assert per_destinatario(smtp) == {"operatrice@comune.example.org": 1}
    [messaggio] = smtp.messaggi
    assert str(messaggio["Subject"]) == "12 segnalazioni assegnate a te"
    testo = messaggio.get_body(("plain",)).get_content()
    assert all(s.codice in testo for s in segnalazioni)
    assert Segnalazione.objects.filter(assegnatario=operatrice).count() == 12
