"""How street names are shown and keyed: the comune writes "Liberta'", people read "Libertà"."""

import pytest

from civico.territorio.dug import separa_dug
from civico.territorio.nomi_strade import chiave, in_lettere, nome_leggibile


@pytest.mark.parametrize(
    ("dug", "duf", "atteso"),
    [
        ("Piazza", "Della Liberta'", "Piazza della Libertà"),
        ("Borgo", "Citta' Nuova", "Borgo Città Nuova"),
        ("Via", "Niccolo' Machiavelli", "Via Niccolò Machiavelli"),
        ("Via", "Mondovi'", "Via Mondovì"),
        ("Piazza", "Giosue' Carducci", "Piazza Giosuè Carducci"),
        ("Piazza", "Fabrizio De Andre'", "Piazza Fabrizio De André"),
        ("Localita'", "Cascinali Stampa", "Località Cascinali Stampa"),
        ("Via", "Dell'Artigianato", "Via dell'Artigianato"),
        ("Via", "Sant'Ubaldo", "Via Sant'Ubaldo"),
        ("Via", "Leonardo Da Vinci", "Via Leonardo da Vinci"),
        ("Via", "Edmondo De Amicis", "Via Edmondo De Amicis"),
    ],
)
def test_il_nome_mostrato_ha_gli_accenti_e_le_preposizioni_minuscole(dug, duf, atteso):
    assert nome_leggibile(dug, duf) == atteso


def test_la_chiave_ignora_accenti_maiuscole_e_apostrofi():
    assert chiave("Piazza Della Liberta'") == chiave("PIAZZA della Libertà") == "piazza della liberta"
    assert chiave("Via Dell'Artigianato") == "via dellartigianato"


def test_la_chiave_scrive_i_numeri_in_lettere_come_fa_lo_stradario():
    assert chiave("Corso 100 Cannoni") == chiave("Corso Cento Cannoni")
    assert chiave("Corso XX Settembre") == chiave("Corso Venti Settembre")
    assert chiave("Via 1821") == "via milleottocentoventuno"
    assert chiave("Piazza 11 Settembre 2001") == "piazza undici settembre duemilauno"


@pytest.mark.parametrize(
    ("n", "parola"),
    [(1, "uno"), (21, "ventuno"), (28, "ventotto"), (100, "cento"), (183, "centottantatre"),
     (494, "quattrocentonovantaquattro"), (1898, "milleottocentonovantotto"),
     (2001, "duemilauno")],
)
def test_numeri_in_lettere(n, parola):
    assert in_lettere(n) == parola


@pytest.mark.parametrize(
    ("testo", "dug", "resto"),
    [
        ("p.zza della liberta", "piazza", "della liberta"),
        ("p.za liberta", "piazza", "liberta"),
        ("pza liberta", "piazza", "liberta"),
        ("c.so roma", "corso", "roma"),
        ("v. roma", "via", "roma"),
        ("v roma", "via", "roma"),
        ("v.roma", "via", "roma"),
        ("v.le medaglie d'oro", "viale", "medaglie d'oro"),
        ("l.go catania", "largo", "catania"),
        ("str. del fontanone", "strada", "del fontanone"),
        ("p.le berlinguer", "piazzale", "berlinguer"),
        ("vic. dell'oro", "vicolo", "dell'oro"),
        ("lung. tanaro", "lungo", "tanaro"),
        ("roma", None, "roma"),
        ("vianello", None, "vianello"),
    ],
)
def test_le_abbreviazioni_della_dug_sono_capite(testo, dug, resto):
    assert separa_dug(testo) == (dug, resto)
