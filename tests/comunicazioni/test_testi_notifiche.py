"""A comune's own notification texts reach its citizens: placeholders filled, in their language,
by e-mail (real SMTP) and SMS; other comuni and empty texts keep the platform's default."""

from __future__ import annotations

import pytest

from civico.comunicazioni import iscrizioni, testi_ente
from civico.comunicazioni.models import Notifica
from civico.errors import InvalidData
from civico.segnalazioni import interazioni, workflow
from tests import factories

pytestmark = pytest.mark.django_db

RICEVUTA_IT = "Grazie! Il Comune di {ente} ha ricevuto «{titolo}» ({categoria}), codice {codice}. Stato: {stato}."
RICEVUTA_EN = "Thank you! {ente} received \"{titolo}\", reference {codice}. Status: {stato}."


def _amministratore(ente):
    from civico.accounts.models import Ruolo

    return factories.staff(f"admin.{ente.slug}", Ruolo.ENTE_ADMIN, ente)


def test_the_receipt_carries_the_comunes_text_by_email_and_the_other_comune_the_default(
        alessandria, casale, smtp, consegnato):
    testi_ente.imposta_testi(_amministratore(alessandria), alessandria, {("ricevuta", "it"): RICEVUTA_IT})

    s = consegnato(factories.segnalazione, alessandria, email="mario@example.org", titolo="Buca in via Milano")
    altra = consegnato(factories.segnalazione, casale, email="anna@example.org", punto=factories.CASALE)

    per_indirizzo = {str(m["To"]): m for m in smtp.messaggi}
    testo = per_indirizzo["mario@example.org"].get_body(("plain",)).get_content()
    html = per_indirizzo["mario@example.org"].get_body(("html",)).get_content()
    atteso = (f"Grazie! Il Comune di Alessandria ha ricevuto «Buca in via Milano» ({s.categoria.nome}), "
              f"codice {s.codice}. Stato: {s.get_stato_display()}.")
    assert atteso in testo
    assert "Buca in via Milano" in html and s.codice in html and "Abbiamo ricevuto la tua segnalazione" not in html
    assert "Abbiamo ricevuto la tua segnalazione" not in testo
    # Casale wrote nothing: the platform's words.
    altro = per_indirizzo["anna@example.org"].get_body(("plain",)).get_content()
    assert "Grazie!" not in altro and f"Il suo codice è {altra.codice}" in altro


def test_english_recipients_get_the_english_text_and_sms_the_filled_text(alessandria, settings):
    settings.CIVICO_COMUNICAZIONI = {"SMS_URL": "http://127.0.0.1:9/sms"}
    testi_ente.imposta_testi(_amministratore(alessandria), alessandria, {
        ("stato", "it"): "{codice}: ora è «{stato}». {descrizione}",
        ("stato", "en"): "{codice} is now \"{stato}\". {link}",
    })
    s = factories.segnalazione(alessandria)
    john = factories.UtenteFactory(username="john")
    factories.PreferenzeFactory(utente=john, lingua="en")
    anna = factories.UtenteFactory(username="anna")
    factories.PreferenzeFactory(utente=anna, canali=["sms"], telefono="333 123 4567")
    for u in (john, anna):
        iscrizioni.segui(s, u)

    workflow.transition(s, "take_in_charge", factories.operatore(alessandria))

    [a_john] = Notifica.objects.filter(segnalazione=s, utente=john)
    [ad_anna] = Notifica.objects.filter(segnalazione=s, utente=anna)
    assert f"{s.codice} is now \"Taken in charge\". http" in a_john.testo
    assert "ora è" not in a_john.testo
    assert ad_anna.canale == "sms" and ad_anna.testo.startswith(f"{s.codice}: ora è «Presa in carico».")


def test_an_empty_text_means_the_default_and_other_events_are_untouched(alessandria):
    admin = _amministratore(alessandria)
    testi_ente.imposta_testi(admin, alessandria, {("risposta", "it"): "Il comune ti ha risposto: {descrizione}"})
    testi_ente.imposta_testi(admin, alessandria, {("risposta", "it"): "   "})
    s = factories.segnalazione(alessandria, email="mario@example.org")

    interazioni.rispondi(s, factories.operatore(alessandria), "Interverremo entro la settimana.")

    [risposta] = Notifica.objects.filter(segnalazione=s, testo__contains="entro la settimana")
    assert "Il comune ti ha risposto" not in risposta.testo


@pytest.mark.parametrize("testo", ["{{ s.segnalante_email }}", "{% debug %}", "{titolo.__class__}", "{password}"])
def test_template_code_is_refused_on_save_and_nothing_is_stored(alessandria, testo):
    with pytest.raises(InvalidData) as exc:
        testi_ente.imposta_testi(_amministratore(alessandria), alessandria,
                                 {("ricevuta", "it"): "Buongiorno", ("ricevuta", "en"): testo})
    assert "testo_ricevuta_en" in exc.value.as_dict()
    assert testi_ente.testi(alessandria) == {}


def test_only_the_comunes_administrators_write_its_texts(alessandria, casale):
    from civico.errors import NotAllowed

    with pytest.raises(NotAllowed):
        testi_ente.imposta_testi(_amministratore(casale), alessandria, {("ricevuta", "it"): "Ciao"})
    assert testi_ente.testi(alessandria) == {}
