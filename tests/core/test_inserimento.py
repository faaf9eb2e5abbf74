"""`core.inserimento` writes the rows `save()` and `bulk_create()` write, with statements built once."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy

from civico.comunicazioni.models import EventoDaScrivere
from civico.core.inserimento import _istruzione, inserisci, inserisci_tutti
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento
from tests import factories

pytestmark = pytest.mark.django_db

DIVERSI = {"id", "codice", "numero", "token", "chiave_idempotenza", "uuid"}  # unique: each copy its own


def _copia(s: Segnalazione, n: int) -> Segnalazione:
    campi = {f.attname: getattr(s, f.attname) for f in Segnalazione._meta.concrete_fields
             if not f.generated and f.attname not in DIVERSI}
    return Segnalazione(**campi, codice=f"{s.codice}-{n}", numero=s.numero + n, token=f"t{n}")


def _riga(pk: int) -> dict:
    return {k: v for k, v in Segnalazione.objects.filter(pk=pk).values().get().items() if k not in DIVERSI}


def test_the_row_is_the_one_save_writes_and_what_the_database_computes_comes_back(alessandria):
    s = factories.segnalazione(alessandria, titolo="Buca con pericolo", email="a@example.org")
    creazioni = []
    post_save.connect(lambda sender, instance, created, **kw: creazioni.append(created),
                      sender=Segnalazione, weak=False, dispatch_uid="test_inserimento")
    try:
        con_save = _copia(s, 1)
        con_save.save()
        nostra = inserisci(_copia(s, 2))
    finally:
        post_save.disconnect(sender=Segnalazione, dispatch_uid="test_inserimento")

    assert nostra.pk and not nostra._state.adding and creazioni == [True, True]
    assert nostra.livello_priorita == Segnalazione.objects.get(pk=nostra.pk).livello_priorita  # generated, returned
    assert _riga(nostra.pk) == _riga(con_save.pk) == _riga(s.pk)


def test_a_model_with_its_own_save_goes_through_it():
    assert _istruzione(Evento, connection, 1, con_save=True) is None  # Evento.save guards the history
    assert _istruzione(Segnalazione, connection, 1, con_save=True) is not None
    assert _istruzione(Evento, connection, 3, con_save=False) is not None  # as bulk_create: no save()


class _Testo(str):
    """A str subclass: not known to pass unchanged, so the ORM's preparation runs."""


@pytest.mark.parametrize("titolo", ["Buca", "", "Buca «grande» — via Roma 1", _Testo("Buca"), gettext_lazy("Buca")])
@pytest.mark.parametrize("nullo", [None, "02.12"])
def test_text_of_any_kind_and_nulls_are_written_as_save_writes_them(alessandria, titolo, nullo):
    s = factories.segnalazione(alessandria, titolo="Buca")
    con_save, nostra = _copia(s, 1), _copia(s, 2)
    for copia in (con_save, nostra):
        copia.titolo, copia.cap, copia.pubblica = titolo, nullo or "", nullo is None
        copia.segnalante_email = None if nullo is None else "x@example.org"  # a nullable column? then NULL
    try:
        with transaction.atomic():
            con_save.save()
    except IntegrityError:  # a NULL where the column refuses it: refused by inserisci too
        with pytest.raises(IntegrityError), transaction.atomic():
            inserisci(nostra)
        return
    inserisci(nostra)
    assert _riga(nostra.pk) == _riga(con_save.pk)


@pytest.mark.parametrize("quanti", [1, 2, 3, 5])
def test_several_events_are_the_rows_bulk_create_writes_in_order_with_their_ids(alessandria, quanti):
    s = factories.segnalazione(alessandria)
    adesso = timezone.now()

    def eventi(testo: str) -> list[Evento]:
        return [Evento(segnalazione=s, ente_id=s.ente_id, tipo=TipoEvento.COMMENT, testo=f"{testo} {i}",
                       dati={"attore": "staff", "n": i, "città": "Alessandria"}, creato_il=adesso)
                for i in range(quanti)]

    nostri = inserisci_tutti(eventi("nostro"))
    loro = Evento.objects.bulk_create(eventi("loro"))
    assert [e.pk for e in nostri] == sorted(e.pk for e in nostri) and all(not e._state.adding for e in nostri)
    letti = {e.pk: e for e in Evento.objects.filter(segnalazione=s, tipo=TipoEvento.COMMENT)}
    for nostro, suo in zip(nostri, loro, strict=True):
        assert letti[nostro.pk].testo == nostro.testo and letti[nostro.pk].dati == letti[suo.pk].dati
        assert letti[nostro.pk].creato_il == letti[suo.pk].creato_il == adesso
    assert inserisci_tutti([]) == []


def test_a_row_whose_key_is_its_own_is_written_with_it(alessandria):
    s = factories.segnalazione(alessandria)
    [evento] = inserisci_tutti([Evento(segnalazione=s, ente_id=s.ente_id, tipo=TipoEvento.COMMENT,
                                       creato_il=timezone.now())])
    riga = inserisci(EventoDaScrivere(evento=evento))
    assert EventoDaScrivere.objects.get(pk=evento.pk).creato_il == riga.creato_il
    with pytest.raises(IntegrityError), transaction.atomic():  # the same key twice: refused
        inserisci(EventoDaScrivere(evento=evento))
