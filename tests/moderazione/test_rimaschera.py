"""Rows written before the gate are masked once on upgrade (and again on demand), keeping the
words as typed for the staff."""

from django.core.management import call_command

from civico.moderazione import models as moderazione
from civico.segnalazioni.models import Segnalazione
from tests import factories

TELEFONO = "0039 347 123 4567"
EMAIL = "mario.rossi(at)esempio.it"


def test_reports_stored_before_the_gate_are_masked_and_their_words_kept_for_staff(alessandria):
    s = factories.segnalazione(alessandria)
    # As an older release stored them: straight into the columns, past any gate.
    Segnalazione.objects.filter(pk=s.pk).update(
        indirizzo=f"Via Roma 12, citofono {TELEFONO}", descrizione=f"Scrivetemi a {EMAIL}, grazie"
    )

    call_command("rimaschera")
    s.refresh_from_db()

    assert TELEFONO not in s.indirizzo and "Via Roma 12" in s.indirizzo
    assert EMAIL not in s.descrizione and "grazie" in s.descrizione
    originali = dict(moderazione.TestoOriginale.objects.filter(segnalazione=s).values_list("campo", "testo"))
    assert TELEFONO in originali["indirizzo"] and EMAIL in originali["descrizione"]

    call_command("rimaschera")  # idempotent: nothing more changes, no second original
    assert moderazione.TestoOriginale.objects.filter(segnalazione=s).count() == 2
