"""The masking gate against the shapes people (and people avoiding filters) write their data in:
+39/0039 prefixes, separators, digits glued to words, full-width digits, disguised e-mails, codici
fiscali with spaces or dashes, IBANs. And what must survive: house numbers, years, dates, times,
tracking codes, ISTAT codes, CAPs, amounts, counts. Generated variants, not a list of examples."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civico.moderazione.testo import CODICE_FISCALE, EMAIL, IBAN, NASCOSTO, TELEFONO, maschera, pubblico

VELOCE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PAROLE = ["buca", "in", "via", "Roma", "lampione", "spento", "da", "giorni", "chiamatemi", "al", "scrivete",
          "grazie", "urgente", "marciapiede", "ciao", "sono", "Mario", "il", "mio", "cell", "è", "tel."]
testo_libero = st.lists(st.sampled_from(PAROLE), min_size=0, max_size=6).map(" ".join)

# Mobile prefixes in use in Italy, and landline district codes: real shapes, made-up subscribers.
MOBILI = ["320", "328", "329", "333", "335", "338", "339", "340", "345", "347", "348", "349", "366", "380",
          "389", "392"]
DISTRETTI = ["0131", "011", "02", "06", "010", "0143", "0142", "051"]
PREFISSI = ["", "+39", "+39 ", "0039", "0039 ", "0039-", "(+39) ", "+39-", "(0039) "]
SEPARATORI = [" ", "-", ".", "/", "", " - ", "_"]
LARGHE = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def telefono(draw) -> tuple[str, str]:
    """(as written, its digits without the country code)."""
    if draw(st.booleans()):
        prefisso = draw(st.sampled_from(MOBILI))
        resto = draw(st.text("0123456789", min_size=7, max_size=7))
    else:
        prefisso = draw(st.sampled_from(DISTRETTI))
        resto = draw(st.text("123456789", min_size=1, max_size=1)) + draw(
            st.text("0123456789", min_size=5, max_size=6))
    cifre = prefisso + resto
    # Cut the digits into 1 to 4 groups of two or more, joined by one kind of separator.
    tagli = sorted(draw(st.sets(st.integers(2, len(cifre) - 2), max_size=3)))
    tagli = [t for i, t in enumerate(tagli) if i == 0 or t - tagli[i - 1] >= 2]
    gruppi = [cifre[i:j] for i, j in zip([0, *tagli], [*tagli, len(cifre)], strict=True)]
    separatore = draw(st.sampled_from(SEPARATORI))
    if separatore == "/":  # "0131/123456"; more slashes ("0/1/31…") read as dates and fractions
        gruppi = [cifre[:len(prefisso)], cifre[len(prefisso):]]
    scritto = draw(st.sampled_from(PREFISSI)) + separatore.join(gruppi)
    if draw(st.integers(0, 4)) == 0:
        scritto = scritto.translate(LARGHE)
    return scritto, cifre


def _cifre(testo: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", testo) if c.isdigit())


# What may stand right before or after a number: a word glued to it, a house number, a count, a CAP.
ACCANTO_PRIMA = ["", "cell", "tel:", "tel.", "via Roma 12 ", "3 lampioni ", "civico 41/B "]
ACCANTO_DOPO = ["", " 15121", " grazie", " 2026", "!"]


@VELOCE
@given(prima=testo_libero, dopo=testo_libero, numero=telefono(), accanto_prima=st.sampled_from(ACCANTO_PRIMA),
       accanto_dopo=st.sampled_from(ACCANTO_DOPO))
def test_an_italian_phone_in_any_shape_is_hidden(prima, dopo, numero, accanto_prima, accanto_dopo):
    scritto, cifre = numero
    testo = f"{prima} {accanto_prima}{scritto}{accanto_dopo} {dopo}".strip()

    esito = maschera(testo)

    assert cifre[-6:] not in _cifre(esito.testo), (testo, esito.testo)
    assert TELEFONO in esito.trovati and NASCOSTO in esito.testo
    assert maschera(esito.testo).testo == esito.testo  # idempotent


LOCALI = st.from_regex(r"[a-z]{3,8}(\.[a-z]{2,6})?", fullmatch=True)
DOMINI = st.from_regex(r"[a-z]{4,10}", fullmatch=True)
TLD = st.sampled_from(["it", "com", "org", "eu", "net"])
CHIOCCIOLE = ["@", " @ ", "(at)", " (at) ", "[at]", " [at] ", "{at}", " at ", " chiocciola ", "(chiocciola)", "＠"]
PUNTI = [".", " . ", "(dot)", " [dot] ", " dot ", " punto ", "[punto]", "．"]


@VELOCE
@given(prima=testo_libero, dopo=testo_libero, locale=LOCALI, dominio=DOMINI, tld=TLD,
       at=st.sampled_from(CHIOCCIOLE), punto=st.sampled_from(PUNTI), maiuscolo=st.booleans())
def test_an_email_plain_or_disguised_is_hidden(prima, dopo, locale, dominio, tld, at, punto, maiuscolo):
    indirizzo = f"{locale}{at}{dominio}{punto}{tld}"
    if maiuscolo:
        indirizzo = indirizzo.upper()
    testo = f"{prima} {indirizzo} {dopo}".strip()

    esito = maschera(testo)

    assert dominio not in esito.testo.lower(), (testo, esito.testo)
    assert EMAIL in esito.trovati
    assert maschera(esito.testo).testo == esito.testo


# Real-shaped codici fiscali with a correct check letter (python-stdnum computes it).
@st.composite
def codice_fiscale(draw) -> str:
    from stdnum.it import codicefiscale

    lettere = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=1)
    cognome_nome = "".join(draw(lettere) for _ in range(6))
    anno = f"{draw(st.integers(0, 99)):02d}"
    mese = draw(st.sampled_from("ABCDEHLMPRST"))
    giorno = f"{draw(st.integers(1, 31)) + draw(st.sampled_from([0, 40])):02d}"
    comune = draw(lettere) + f"{draw(st.integers(1, 999)):03d}"
    corpo = cognome_nome + anno + mese + giorno + comune
    return corpo + codicefiscale.calc_check_digit(corpo)


@VELOCE
@given(prima=testo_libero, dopo=testo_libero, cf=codice_fiscale(),
       sep=st.sampled_from(["", " ", "-", "."]), forma=st.sampled_from(["tutto", "gruppi", "ogni"]),
       minuscolo=st.booleans())
def test_a_codice_fiscale_with_spaces_dashes_or_lowercase_is_hidden(prima, dopo, cf, sep, forma, minuscolo):
    if forma == "gruppi":  # RSS MRA 80A01 H501U
        scritto = sep.join([cf[:3], cf[3:6], cf[6:11], cf[11:]])
    elif forma == "ogni":
        scritto = sep.join(cf)
    else:
        scritto = cf
    if minuscolo:
        scritto = scritto.lower()
    testo = f"{prima} {scritto} {dopo}".strip()

    esito = maschera(testo)

    compatto = re.sub(r"[^A-Z0-9]", "", esito.testo.upper())
    assert cf not in compatto and cf[11:15] not in esito.testo.upper(), (testo, esito.testo)
    assert CODICE_FISCALE in esito.trovati


@st.composite
def iban_italiano(draw) -> str:
    from stdnum import iban

    cifre = st.text("0123456789", min_size=22, max_size=22)
    corpo = draw(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) + draw(cifre)
    return "IT" + iban.calc_check_digits("IT00" + corpo) + corpo


@VELOCE
@given(prima=testo_libero, dopo=testo_libero, codice=iban_italiano(), a_gruppi=st.booleans(), minuscolo=st.booleans())
def test_an_iban_whole_or_in_groups_of_four_is_hidden(prima, dopo, codice, a_gruppi, minuscolo):
    scritto = " ".join(codice[i:i + 4] for i in range(0, len(codice), 4)) if a_gruppi else codice
    if minuscolo:
        scritto = scritto.lower()
    testo = f"{prima} IBAN {scritto} {dopo}".strip()

    esito = maschera(testo)

    assert codice[-10:] not in _cifre(esito.testo), (testo, esito.testo)
    assert IBAN in esito.trovati


# --- What must survive ---------------------------------------------------------------------------

@st.composite
def contenuto_legittimo(draw) -> str:
    anno = draw(st.integers(1990, 2039))
    return draw(st.sampled_from([
        f"via Roma {draw(st.integers(1, 300))}",
        f"civico {draw(st.integers(1, 300))}/{draw(st.sampled_from('ABC'))}",
        f"nel {anno}",
        f"il {draw(st.integers(1, 28)):02d}/{draw(st.integers(1, 12)):02d}/{anno}",
        f"il {anno}-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 28)):02d}",
        f"alle {draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}",
        f"{draw(st.sampled_from(['AL', 'CA', 'TO', 'MI']))}-{anno}-{draw(st.integers(1, 999999)):06d}",
        f"ISTAT {draw(st.sampled_from(['006003', '006039', '001272', '015146', '058091']))}",
        f"CAP {draw(st.sampled_from(['15121', '15033', '10121', '20121', '00184']))}",
        f"€ {draw(st.integers(1, 999))}.{draw(st.integers(0, 999)):03d},{draw(st.integers(0, 99)):02d}",
        f"{draw(st.integers(1, 1_000_000))} euro",
        f"{draw(st.integers(2, 40))} lampioni",
        f"{draw(st.floats(35.5, 47.1)):.5f} {draw(st.floats(6.6, 18.6)):.5f}",  # coordinates in Italy
        f"buca di {draw(st.integers(1, 300))} cm",
        f"palo n. {draw(st.integers(1, 99999)):07d}",
    ]))


@VELOCE
@given(pezzi=st.lists(contenuto_legittimo(), min_size=1, max_size=4), prima=testo_libero)
def test_house_numbers_dates_codes_amounts_and_counts_survive(pezzi, prima):
    testo = f"{prima} {' e '.join(pezzi)}".strip()
    assert maschera(testo).testo == testo


@VELOCE
@given(st.text(max_size=200))
def test_masking_any_text_twice_changes_nothing_and_never_fails(testo):
    una = maschera(testo).testo
    assert maschera(una).testo == una
    assert pubblico(testo) == una
