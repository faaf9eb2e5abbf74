"""Who sees which reports, said once: `Segnalazione.objects.pubbliche()` for the public and
`.visibili_a(attore)` for staff. Each situation a report can be in, then every public surface
checked end to end: a report the public may not see appears on none of them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest
from django.urls import reverse

from civico.accounts.models import Ruolo, Utente
from civico.accounts.permissions import Attore
from civico.catalogo.models import Categoria, Ufficio
from civico.enti.models import Ente
from civico.moderazione import servizi as moderazione
from civico.segnalazioni.models import Segnalazione, condizione_pubblica
from civico.stati import Stato
from tests import factories

pytestmark = pytest.mark.django_db


@dataclass
class Mondo:
    al: Ente
    cm: Ente
    uff_a: Ufficio  # the office the Alessandria reports are routed to
    uff_b: Ufficio  # another office of Alessandria
    pubblica: Segnalazione
    nascosta: Segnalazione  # hidden by moderation
    riservata: Segnalazione  # in a private category: never public
    altro_ufficio: Segnalazione
    per_stato: dict[str, Segnalazione]
    casale: Segnalazione  # another comune


@pytest.fixture
def mondo(alessandria, casale) -> Mondo:
    uff_a, uff_b = Ufficio.objects.filter(ente=alessandria).order_by("pk")[:2]
    pubblica = factories.segnalazione(alessandria, titolo="Buca pubblica")
    nascosta = factories.segnalazione(alessandria, titolo="Buca con insulti")
    moderatore = factories.staff("moderatore", Ruolo.ENTE_ADMIN, alessandria)
    moderazione.nascondi(nascosta, moderatore, "Contenuto offensivo")
    Categoria.objects.filter(ente=alessandria, codice="buche").update(pubblica=False)
    riservata = factories.segnalazione(alessandria, titolo="Buca riservata")
    Categoria.objects.filter(ente=alessandria, codice="buche").update(pubblica=True)
    altro_ufficio = factories.segnalazione(alessandria, titolo="Buca di un altro ufficio")
    per_stato = {}
    for stato in Stato.values:
        s = factories.segnalazione(alessandria, titolo=f"Buca nello stato {stato}")
        Segnalazione.objects.filter(pk=s.pk).update(stato=stato)
        per_stato[stato] = s
    Segnalazione.objects.filter(ente=alessandria).update(ufficio=uff_a)
    Segnalazione.objects.filter(pk=altro_ufficio.pk).update(ufficio=uff_b)
    di_casale = factories.segnalazione(casale, punto=factories.CASALE, titolo="Buca a Casale")
    assert not Segnalazione.objects.get(pk=nascosta.pk).pubblica
    assert not Segnalazione.objects.get(pk=riservata.pk).pubblica
    return Mondo(alessandria, casale, uff_a, uff_b, pubblica, nascosta, riservata, altro_ufficio, per_stato,
                 di_casale)


def _codici(qs) -> set[str]:
    return set(qs.values_list("codice", flat=True))


def _non_pubbliche(m: Mondo) -> set[str]:
    return {m.nascosta.codice, m.riservata.codice}


# --- .pubbliche() ----------------------------------------------------------------------------


def test_public_sees_public_reports_in_every_state_and_nothing_hidden_or_private(mondo):
    visibili = _codici(Segnalazione.objects.pubbliche())

    attese = {mondo.pubblica.codice, mondo.altro_ufficio.codice, mondo.casale.codice}
    attese |= {s.codice for s in mondo.per_stato.values()}
    assert visibili == attese
    assert not visibili & _non_pubbliche(mondo)


def test_public_of_one_ente_keeps_to_it(mondo):
    assert mondo.casale.codice not in _codici(Segnalazione.objects.pubbliche(mondo.al))
    assert _codici(Segnalazione.objects.pubbliche(mondo.cm)) == {mondo.casale.codice}
    assert _codici(Segnalazione.objects.pubbliche(mondo.al, enti_per_id=True)) == _codici(
        Segnalazione.objects.pubbliche(mondo.al))


def test_a_comune_leaving_the_platform_takes_its_reports_off_every_public_form(mondo):
    Ente.objects.filter(pk=mondo.cm.pk).update(attivo=False)
    mondo.cm.refresh_from_db()

    assert mondo.casale.codice not in _codici(Segnalazione.objects.pubbliche())
    assert mondo.casale.codice not in _codici(Segnalazione.objects.pubbliche(enti_per_id=True))
    assert not Segnalazione.objects.pubbliche(mondo.cm).exists()
    # The same rule read from the events: the Casale report's history is not public either.
    from civico.segnalazioni.models import Evento

    assert not Evento.objects.filter(condizione_pubblica("segnalazione__"), segnalazione=mondo.casale).exists()
    assert Evento.objects.filter(condizione_pubblica("segnalazione__"), segnalazione=mondo.pubblica).exists()


def test_a_loaded_reports_visibile_al_pubblico_says_what_pubbliche_says(mondo):
    """What templates ask (whether to link the public page) is the QuerySet's rule."""
    Ente.objects.filter(pk=mondo.cm.pk).update(attivo=False)
    pubbliche = set(_codici(Segnalazione.objects.pubbliche()))
    tutte = Segnalazione.objects.select_related("ente")

    assert {s.codice for s in tutte if s.visibile_al_pubblico} == pubbliche
    assert mondo.pubblica.codice in pubbliche and mondo.casale.codice not in pubbliche


def test_a_photo_of_a_report_of_an_inactive_comune_is_not_served(client, mondo):
    from civico.segnalazioni import consultazione, interazioni
    from tests.segnalazioni import immagini

    a = interazioni.aggiungi_allegato(mondo.casale, factories.operatore(mondo.cm), "buca.jpg", immagini.jpeg())
    assert consultazione.allegato_visibile(a.pk) is not None
    Ente.objects.filter(pk=mondo.cm.pk).update(attivo=False)

    assert consultazione.allegato_visibile(a.pk) is None


# --- .visibili_a(attore) ---------------------------------------------------------------------


def _tutte_di_alessandria(m: Mondo) -> set[str]:
    return _codici(Segnalazione.objects.filter(ente=m.al))


@pytest.mark.parametrize("ruolo", [Ruolo.ENTE_ADMIN, Ruolo.OPERATORE, Ruolo.SINDACO, Ruolo.OSSERVATORE])
def test_a_role_on_the_whole_ente_sees_all_its_reports_public_or_not_and_no_other_comunes(mondo, ruolo):
    utente = factories.staff(f"tutto-{ruolo}", ruolo, mondo.al)

    visibili = _codici(Segnalazione.objects.visibili_a(utente))

    assert visibili == _tutte_di_alessandria(mondo)
    assert _non_pubbliche(mondo) <= visibili
    assert mondo.casale.codice not in visibili


@pytest.mark.parametrize("ruolo", [Ruolo.OFFICE_MANAGER, Ruolo.OPERATORE])
def test_a_role_on_one_office_sees_only_that_offices_reports(mondo, ruolo):
    utente = factories.staff(f"ufficio-{ruolo}", ruolo, mondo.al, mondo.uff_b)

    assert _codici(Segnalazione.objects.visibili_a(utente)) == {mondo.altro_ufficio.codice}


def test_roles_in_two_comuni_add_up(mondo):
    utente = factories.staff("due-comuni", Ruolo.OPERATORE, mondo.al, mondo.uff_b)

    factories.IncaricoFactory(utente=utente, ruolo=Ruolo.OSSERVATORE, ente=mondo.cm)

    assert _codici(Segnalazione.objects.visibili_a(utente)) == {mondo.altro_ufficio.codice, mondo.casale.codice}


def test_the_platform_administrator_sees_every_report(mondo):
    admin = factories.staff("piattaforma", Ruolo.PLATFORM_ADMIN, None)

    assert _codici(Segnalazione.objects.visibili_a(admin)) == _codici(Segnalazione.objects.all())


def test_an_attore_is_read_as_the_person_behind_it(mondo):
    utente = factories.staff("attore", Ruolo.OPERATORE, mondo.al, mondo.uff_b)

    assert _codici(Segnalazione.objects.visibili_a(Attore.staff(utente))) == {mondo.altro_ufficio.codice}
    # A reporter reaches their own reports through the private link, not through staff lists.
    assert not Segnalazione.objects.visibili_a(Attore.del_segnalante(utente)).exists()
    assert not Segnalazione.objects.visibili_a(Attore.di_sistema()).exists()


def test_nobody_without_a_staff_role_sees_anything(mondo):
    cittadino = factories.UtenteFactory(username="cittadino")
    disattivato = factories.staff("disattivato", Ruolo.ENTE_ADMIN, mondo.al)
    Utente.objects.filter(pk=disattivato.pk).update(is_active=False)
    disattivato.refresh_from_db()

    for chi in (None, cittadino, disattivato):
        assert not Segnalazione.objects.visibili_a(chi).exists()


def test_visibili_a_narrows_and_never_widens_a_queryset(mondo):
    utente = factories.staff("stringe", Ruolo.OPERATORE, mondo.al)

    assert _codici(Segnalazione.objects.pubbliche().visibili_a(utente)) == _tutte_di_alessandria(mondo) - (
        _non_pubbliche(mondo))


# --- Every public surface, end to end --------------------------------------------------------


def _assenti(corpo: str, m: Mondo) -> None:
    assert m.pubblica.codice in corpo  # the surface does list reports
    for codice in _non_pubbliche(m):
        assert codice not in corpo


def test_public_list_page_shows_no_hidden_report(client, mondo):
    risposta = client.get(reverse("portale:esplora", args=[mondo.al.slug]), {"per_pagina": 100})

    assert risposta.status_code == 200
    corpo = risposta.content.decode()
    for s in (mondo.nascosta, mondo.riservata):
        assert s.titolo not in corpo
    assert mondo.pubblica.titolo in corpo


def test_open311_requests_lists_no_hidden_report(client, mondo):
    risposta = client.get("/open311/v2/requests.json", {"jurisdiction_id": mondo.al.codice_istat})

    codici = {r["service_request_id"] for r in risposta.json()}
    assert mondo.pubblica.codice in codici
    assert not codici & _non_pubbliche(mondo)


def test_json_api_list_shows_no_hidden_report(client, mondo):
    risposta = client.get("/api/v1/segnalazioni", {"limit": 100})

    assert risposta.status_code == 200
    codici = {r["codice"] for r in risposta.json()["risultati"]}
    assert mondo.pubblica.codice in codici
    assert not codici & _non_pubbliche(mondo)


def test_open_data_export_has_no_hidden_report(client, mondo):
    risposta = client.get(reverse("analisi:scarica", args=[mondo.al.slug, "csv"]))

    assert risposta.status_code == 200
    corpo = b"".join(risposta.streaming_content).decode()
    codici = {r["codice"] for r in csv.DictReader(io.StringIO(corpo))}
    _assenti(corpo, mondo)
    assert mondo.pubblica.codice in codici
