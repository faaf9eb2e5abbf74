"""Routing: the category's office, unless a zone rule (polygon or H3 cells) says otherwise."""

import h3
import pytest

from civico.errors import InvalidData, NotAllowed
from civico.segnalazioni import routing
from civico.segnalazioni.models import TipoEvento
from tests import factories

pytestmark = pytest.mark.django_db

# A square of about 1 km around Piazza della Libertà.
CENTRO = {
    "type": "Polygon",
    "coordinates": [[[8.607, 44.909], [8.621, 44.909], [8.621, 44.918], [8.607, 44.918], [8.607, 44.909]]],
}


def test_a_report_goes_to_its_category_default_office(alessandria):
    s = factories.segnalazione(alessandria, categoria="verde-pubblico", risposte={"problema": ["rami"]})
    assert s.ufficio.nome == "Verde pubblico"
    assert s.eventi.get(tipo=TipoEvento.ROUTED).dati["ufficio"] == "Verde pubblico"


def test_a_zone_polygon_rule_overrides_the_default_office(alessandria):
    centro = factories.UfficioFactory(ente=alessandria, nome="Squadra strade del centro")
    buche = alessandria.categorie.get(codice="buche")
    factories.RegolaInstradamentoFactory(ente=alessandria, nome="Centro", categoria=buche, zona=CENTRO, ufficio=centro)

    dentro = factories.segnalazione(alessandria)
    fuori = factories.segnalazione(alessandria, punto=(44.8897, 8.6843))  # Spinetta Marengo

    assert dentro.ufficio == centro
    assert dentro.eventi.get(tipo=TipoEvento.ROUTED).dati["regola"] == "Centro"
    assert fuori.ufficio.nome == "Lavori pubblici – strade"


def test_an_h3_cell_rule_matches_points_inside_a_coarser_cell(alessandria):
    squadra = factories.UfficioFactory(ente=alessandria, nome="Squadra H3")
    cella = h3.latlng_to_cell(*factories.PIAZZA_LIBERTA, 7)
    factories.RegolaInstradamentoFactory(ente=alessandria, nome="Cella", celle_h3=[cella], ufficio=squadra)
    assert factories.segnalazione(alessandria).ufficio == squadra


def test_rules_of_another_category_or_inactive_do_not_apply(alessandria):
    altro = factories.UfficioFactory(ente=alessandria, nome="Altro ufficio")
    verde = alessandria.categorie.get(codice="verde-pubblico")
    factories.RegolaInstradamentoFactory(ente=alessandria, nome="Verde", categoria=verde, zona=CENTRO, ufficio=altro)
    factories.RegolaInstradamentoFactory(ente=alessandria, nome="Spenta", zona=CENTRO, ufficio=altro, attiva=False)
    assert factories.segnalazione(alessandria).ufficio.nome == "Lavori pubblici – strade"


def test_the_first_matching_rule_by_priority_wins(alessandria):
    primo = factories.UfficioFactory(ente=alessandria, nome="Primo")
    secondo = factories.UfficioFactory(ente=alessandria, nome="Secondo")
    factories.RegolaInstradamentoFactory(ente=alessandria, nome="B", zona=CENTRO, ufficio=secondo, priorita=20)
    factories.RegolaInstradamentoFactory(ente=alessandria, nome="A", zona=CENTRO, ufficio=primo, priorita=10)
    assert factories.segnalazione(alessandria).ufficio == primo


def test_rerouting_is_a_public_event_with_an_internal_reason(alessandria):
    s = factories.segnalazione(alessandria)
    verde = alessandria.uffici.get(nome="Verde pubblico")

    routing.reroute(s, verde, factories.operatore(alessandria), motivo="Radici che sollevano l'asfalto")

    s.refresh_from_db()
    assert s.ufficio == verde
    evento = s.eventi.get(tipo=TipoEvento.REROUTED)
    assert evento.visibilita == "public" and evento.dati["da_ufficio"] == "Lavori pubblici – strade"
    nota = s.eventi.get(tipo=TipoEvento.INTERNAL_NOTE)
    assert nota.visibilita == "internal" and "Radici" in nota.testo


def test_rerouting_needs_a_reason_a_role_and_an_office_of_the_same_comune(alessandria, casale):
    s = factories.segnalazione(alessandria)
    verde = alessandria.uffici.get(nome="Verde pubblico")
    with pytest.raises(InvalidData):
        routing.reroute(s, verde, factories.operatore(alessandria), motivo="")
    with pytest.raises(NotAllowed):
        routing.reroute(s, verde, factories.operatore(casale), motivo="perché sì")
    with pytest.raises(InvalidData):
        routing.reroute(s, casale.uffici.first(), factories.operatore(alessandria), motivo="altrove")
