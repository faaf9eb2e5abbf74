"""Retention: reporters' contact data anonymised N months after closing, per ente; by the
`civico conservazione` command and the django-tasks task, each time recorded as an internal event."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from civico.gdpr import diritti, tasks
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento, Visibilita
from tests import factories
from tests.factories import CASALE

pytestmark = pytest.mark.django_db


def chiusa(ente, giorni_fa: int, **campi) -> Segnalazione:
    s = factories.segnalazione(ente, nome="Anna Verdi", email="anna@example.org", telefono="+39 333 0000001", **campi)
    Segnalazione.objects.filter(pk=s.pk).update(stato="closed", chiusa_il=timezone.now() - timedelta(days=giorni_fa))
    return Segnalazione.objects.get(pk=s.pk)


def test_contacts_are_anonymised_after_the_entes_period_and_logged(alessandria, casale, caplog):
    alessandria.conservazione_contatti_mesi = 12
    alessandria.save()
    casale.conservazione_contatti_mesi = None  # kept until the reporter asks
    casale.save()
    vecchia = chiusa(alessandria, 400)
    recente = chiusa(alessandria, 300)
    aperta = factories.segnalazione(alessandria, nome="Aldo", email="aldo@example.org")
    di_casale = chiusa(casale, 2000, punto=CASALE)
    caplog.set_level(logging.INFO, logger="civico.gdpr.diritti")
    out = io.StringIO()
    call_command("conservazione", stdout=out)
    assert "Segnalazioni anonimizzate: 1" in out.getvalue()
    vecchia.refresh_from_db()
    assert (vecchia.segnalante_nome, vecchia.segnalante_email, vecchia.segnalante_telefono) == ("", "", "")
    evento = Evento.objects.get(segnalazione=vecchia, tipo=TipoEvento.INTERNAL_NOTE)
    assert evento.visibilita == Visibilita.INTERNA and "12 mesi" in evento.testo
    assert "1 segnalazioni anonimizzate" in caplog.text
    for intatta in (recente, aperta, di_casale):
        intatta.refresh_from_db()
        assert intatta.segnalante_email
    # Idempotent: a second run finds nothing and adds no event.
    assert diritti.applica_conservazione() == 0
    assert Evento.objects.filter(segnalazione=vecchia, tipo=TipoEvento.INTERNAL_NOTE).count() == 1


def test_the_scheduled_task_applies_the_same_rules(alessandria, settings):
    # The immediate backend runs the task in the call, as the worker would run it from the queue.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    alessandria.conservazione_contatti_mesi = 1
    alessandria.save()
    s = chiusa(alessandria, 60)
    risultato = tasks.applica_conservazione.enqueue()
    assert risultato.return_value == 1
    s.refresh_from_db()
    assert s.segnalante_email == ""


def test_the_command_can_hand_the_work_to_the_worker(alessandria):
    out = io.StringIO()
    call_command("conservazione", "--in-coda", stdout=out)
    assert "affidata al worker" in out.getvalue()


def test_the_generated_notice_states_the_entes_retention_and_dpo(client, alessandria):
    alessandria.conservazione_contatti_mesi = 18
    alessandria.rpd_nome, alessandria.rpd_email = "Avv. Laura Bianchi", "rpd@comune.alessandria.it"
    alessandria.foto_in_revisione = True
    alessandria.conserva_originali_foto = False
    alessandria.save()
    pagina = client.get(f"/privacy/{alessandria.slug}/").content.decode()
    assert "Comune di Alessandria" in pagina and "18 mesi dopo la chiusura" in pagina
    assert "rpd@comune.alessandria.it" in pagina
    assert "restano riservate finché" in pagina and "l&#x27;originale è distrutto" in pagina
    registro = client.get(f"/privacy/{alessandria.slug}/registro/?formato=json").json()
    assert registro["ente"] == "Alessandria" and "18 mesi" in registro["voci"]["Termini di cancellazione"]
    assert client.get("/privacy/comune-che-non-esiste/").status_code == 404
    # The general privacy page links every active comune's own notice.
    assert f'href="/privacy/{alessandria.slug}/"' in client.get("/privacy/").content.decode()
