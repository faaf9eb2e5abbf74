"""Routing by confidence: a report whose category comes from its words is routed by itself when the
top probability reaches the comune's threshold (recorded in its history); below it, or with no
threshold (the default), the operator sees it as "to confirm" with the top choices."""

from __future__ import annotations

import pytest

from civico.segnalazioni import intake
from civico.segnalazioni.models import Evento, TipoEvento
from civico.triage import servizi as triage
from civico.triage.models import SuggerimentoTriage
from tests import factories
from tests.backoffice.conftest import come, persone, strade  # noqa: F401 — fixtures
from tests.backoffice.test_scheda import agisci, url

pytestmark = pytest.mark.django_db

TITOLO, DESCRIZIONE = "Lampione spento", "in via Dante la strada è al buio da tre sere"


def _senza_categoria() -> intake.NuovaSegnalazione:
    return intake.NuovaSegnalazione(
        lat=factories.PIAZZA_LIBERTA[0], lon=factories.PIAZZA_LIBERTA[1], titolo=TITOLO, descrizione=DESCRIZIONE,
        categoria=None, risposte={"lampioni-spenti": 1}, email="giulia@example.org", canale="api",
    )


def _nota_automatica(s) -> list[Evento]:
    return list(Evento.objects.filter(segnalazione=s, tipo=TipoEvento.INTERNAL_NOTE, dati__triage="automatica"))


def _probabilita(alessandria) -> float:
    return triage.decidi_categoria(alessandria, f"{TITOLO}\n{DESCRIZIONE}").probabilita


@pytest.mark.parametrize("scarto, automatica", [(0.0, True), (-0.1, True), (0.0001, False), (0.2, False)])
def test_the_threshold_decides_on_both_sides(alessandria, scarto, automatica):
    soglia = min(1.0, _probabilita(alessandria) + scarto)
    triage.imposta_soglia(alessandria, soglia)

    s = intake.submit(_senza_categoria()).segnalazione

    suggerimento = SuggerimentoTriage.objects.get(segnalazione=s)
    assert s.categoria.codice == "illuminazione-pubblica"
    assert (suggerimento.automatica, suggerimento.da_confermare) == (automatica, not automatica)
    assert len(_nota_automatica(s)) == (1 if automatica else 0)
    if automatica:
        nota = _nota_automatica(s)[0]
        assert nota.visibilita == "internal" and "Classificata automaticamente" in nota.testo
        assert s.ufficio == s.categoria.ufficio_predefinito  # its office, by the usual routing


def test_off_by_default_the_operator_confirms_from_the_top_choices(come, persone, alessandria):  # noqa: F811
    assert triage.soglia_automatica(alessandria) is None
    s = intake.submit(_senza_categoria()).segnalazione
    operatore = come(persone.operatore)

    assert not _nota_automatica(s)
    casella = operatore.get("/backoffice/").content.decode()
    riga = casella[casella.index(f'data-codice="{s.codice}"'):]
    assert "categoria da confermare" in riga[:riga.index("</tr>")]
    scheda = operatore.get(url(s)).content.decode()
    riquadro = scheda[scheda.index('data-testid="categoria-da-confermare"'):]
    riquadro = riquadro[:riquadro.index("</div>")]
    assert "da confermare: «Illuminazione pubblica»" in riquadro
    scelte = SuggerimentoTriage.objects.get(segnalazione=s).scelte
    seconda = s.ente.categorie.get(pk=scelte[1][0])
    assert f"{seconda.nome} ({round(scelte[1][1] * 100)} %)" in riquadro

    agisci(operatore, s, "riclassifica", categoria=seconda.pk)  # one click on a choice

    s.refresh_from_db()
    assert s.categoria == seconda
    assert 'data-testid="categoria-da-confermare"' not in operatore.get(url(s)).content.decode()


def test_a_category_the_citizen_chose_is_not_to_confirm_but_its_suggestion_is_kept(alessandria):
    s = factories.segnalazione(alessandria, titolo=TITOLO, descrizione=DESCRIZIONE)  # chose "buche"

    suggerimento = SuggerimentoTriage.objects.get(segnalazione=s)
    assert not suggerimento.da_confermare and not _nota_automatica(s)
    assert suggerimento.categoria.codice == "illuminazione-pubblica"  # what the analytics compare


def test_the_ente_admin_sets_the_threshold_and_bad_values_get_a_clear_error(come, persone, alessandria):  # noqa: F811
    pagina = f"/backoffice/configurazione/{alessandria.slug}/categorie/classificazione/"
    amministratore = come(persone.amministratore)
    assert "mai automatica" in amministratore.get(pagina).content.decode()

    for sbagliato in ("150", "10", "tanto"):
        risposta = amministratore.post(pagina, {"soglia": sbagliato})
        assert risposta.status_code == 200 and "is-invalid" in risposta.content.decode()
    assert triage.soglia_automatica(alessandria) is None

    amministratore.post(pagina, {"soglia": "85"})
    assert triage.soglia_automatica(alessandria) == pytest.approx(0.85)
    amministratore.post(pagina, {"soglia": ""})
    assert triage.soglia_automatica(alessandria) is None
    assert come(persone.operatore).get(pagina).status_code == 403  # an operator may not


@pytest.mark.parametrize("canale", ["sms", "telegram"])
@pytest.mark.parametrize("soglia, automatica", [(None, False), (0.3, True), (1.0, False)])
def test_a_message_dialogue_s_category_follows_the_threshold_too(alessandria, canale, soglia, automatica):
    """A channel that reads the category from the words (to ask its questions) is not a person
    choosing it: the same threshold decides automatic or "to confirm"."""
    from civico.comunicazioni.inbound.conversazione import conversa

    if soglia is not None:
        triage.imposta_soglia(alessandria, soglia)
    esito = conversa(alessandria, canale=canale, mittente="+393331234567", chiave="k1",
                     testo="BUCA grande profonda in via Dante Alighieri 12")

    assert esito.azione == "creata"
    suggerimento = SuggerimentoTriage.objects.get(segnalazione=esito.segnalazione)
    assert suggerimento.categoria == esito.segnalazione.categoria
    assert (suggerimento.automatica, suggerimento.da_confermare) == (automatica, not automatica)
    assert len(_nota_automatica(esito.segnalazione)) == (1 if automatica else 0)
