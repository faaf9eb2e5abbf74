"""What a citizen's e-mail reply says now, without the quoted message and the signature, as
Italian and English mail clients write them (inbound/citazioni.py)."""

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from civico.comunicazioni.inbound.citazioni import solo_il_nuovo

NUOVO = "Sono 2 lampioni, davanti al civico 12.\nGrazie"
CITATO = "Quanti lampioni sono spenti?"

INTESTAZIONI = {
    "gmail-it": "Il giorno lun 7 dic 2026 alle ore 10:12 Comune di Alessandria <segnala@civico.example> ha "
                "scritto:\n\n> " + CITATO,
    "gmail-it-a-capo": "Il giorno lun 7 dic 2026 alle ore 10:12 Comune di Alessandria\n<segnala@civico.example> "
                       "ha scritto:\n> " + CITATO,
    "thunderbird-it": "Il 07/12/2026 10:12, Comune di Alessandria ha scritto:\n> " + CITATO,
    "apple-it": "Il giorno 7 dic 2026, alle ore 10:12, Comune <segnala@civico.example> ha scritto:\n\n> " + CITATO,
    "gmail-en": "On Mon, Dec 7, 2026 at 10:12 AM Comune di Alessandria <segnala@civico.example> wrote:\n> " + CITATO,
    "messaggio-originale": "-----Messaggio originale-----\nDa: Comune <segnala@civico.example>\nInviato: lunedì 7 "
                           "dicembre 2026 10:12\nA: mario@example.org\nOggetto: Re: lampioni\n\n" + CITATO,
    "original-message": "-----Original Message-----\nFrom: Comune <segnala@civico.example>\nSent: Monday, "
                        "December 7, 2026 10:12 AM\nTo: mario@example.org\nSubject: lampioni\n\n" + CITATO,
    "outlook-it": "________________________________\nDa: Comune <segnala@civico.example>\nInviato: lunedì 7 "
                  "dicembre 2026 10:12\nA: mario@example.org\nOggetto: Re: lampioni\n\n" + CITATO,
    "outlook-it-senza-linea": "Da: Comune <segnala@civico.example>\nInviato: lunedì 7 dicembre 2026 10:12\n"
                              "A: mario@example.org\nOggetto: Re: lampioni\n\n" + CITATO,
    "outlook-en": "From: Comune <segnala@civico.example>\nSent: Monday, December 7, 2026 10:12 AM\n"
                  "To: mario@example.org\nSubject: RE: lampioni\n\n" + CITATO,
    "inoltrato": "---------- Forwarded message ---------\nDa: Comune <segnala@civico.example>\n\n" + CITATO,
    "solo-virgolette": "> " + CITATO + "\n> Comune di Alessandria",
}
FIRME = {
    "nessuna": "", "trattini": "\n-- \nMario Rossi\nVia Roma 1, Alessandria",
    "iphone-it": "\n\nInviato da iPhone", "android-it": "\n\nInviato dal mio Galaxy",
    "iphone-en": "\n\nSent from my iPhone",
    "cordiali-saluti": "\n\nCordiali saluti\nMario Rossi\n333 1234567",
}


@pytest.mark.parametrize("intestazione", INTESTAZIONI)
@pytest.mark.parametrize("firma", FIRME)
def test_quoted_message_and_signature_are_left_out(intestazione, firma):
    testo = f"{NUOVO}{FIRME[firma]}\n\n{INTESTAZIONI[intestazione]}\n"
    assert solo_il_nuovo(testo) == NUOVO
    assert solo_il_nuovo(testo.replace("\n", "\r\n")) == NUOVO


def test_a_reply_written_below_the_quote_is_read_too():
    testo = f"Il 07/12/2026 10:12, Comune di Alessandria ha scritto:\n> {CITATO}\n\n2 lampioni\n"
    assert solo_il_nuovo(testo) == "2 lampioni"
    assert solo_il_nuovo(f"> {CITATO}\n2") == "2"


def test_lists_and_dashes_the_citizen_wrote_stay():
    testo = "Problemi:\n- buca grande\n- lampione spento\n\nvia Dante 12 - angolo via Roma"
    assert solo_il_nuovo(testo) == testo


def test_a_message_without_quotes_stays_whole():
    assert solo_il_nuovo("BUCA grande\nvia Dante Alighieri 12") == "BUCA grande\nvia Dante Alighieri 12"
    assert solo_il_nuovo("") == ""


@given(st.text(max_size=2000))
@hsettings(max_examples=100, deadline=None)
def test_any_text_gives_part_of_itself(testo):
    nuovo = solo_il_nuovo(testo)
    assert isinstance(nuovo, str) and len(nuovo) <= len(testo) + 1
