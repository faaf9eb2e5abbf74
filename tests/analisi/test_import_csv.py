"""The generic CSV importer: another platform's export described by a mapping file."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from civico.analisi.importazione import mappatura, motore
from civico.analisi.importazione.mappatura import ErroreMappatura
from civico.segnalazioni.models import Canale, Segnalazione, TipoEvento
from civico.stati import Stato
from tests import factories

pytestmark = pytest.mark.django_db
ESEMPIO = Path(__file__).parents[2] / "docs" / "mappa-import-esempio.toml"
ROMA = ZoneInfo("Europe/Rome")
EXPORT = (
    "ID Ticket,Stato,Data apertura,Data chiusura,Tipologia,Oggetto,Testo,Indirizzo,Latitudine,Longitudine,Canale\n"
    'S-1,Risolta,03/02/2025 09:15,05/02/2025 17:40,Buche,Buca in piazza,"Profonda,\npericolosa",'
    '"Piazza della Libertà 41","44,913256","8,615123",App iOS\n'
    "S-2,Nuova,04/02/2025 10:00,,,Lampione,,,,,Telefono\n"
    "S-3,Cancellata,04/02/2025,,Verde pubblico,Spam,,,,,\n"
    "S-4,Assegnata,05/02/2025 08:00,,Buche,Altra buca,,,,91.5,Portale\n"
)


def _export(tmp_path: Path, testo: str = EXPORT) -> Path:
    percorso = tmp_path / "segnalaci.csv"
    percorso.write_text(testo, encoding="utf-8")
    return percorso


def test_the_example_mapping_imports_another_platforms_export(alessandria, tmp_path):
    r = motore.importa(_export(tmp_path), alessandria, mappatura.carica(ESEMPIO))

    assert (r.importate, r.scartate) == (4, [])
    s1 = Segnalazione.objects.get(origine="segnalaci", id_origine="S-1")
    assert (s1.stato, s1.titolo, s1.descrizione, s1.canale) == (
        Stato.RESOLVED, "Buca in piazza", "Profonda,\npericolosa", Canale.APP)
    assert (s1.lat, s1.lon) == (44.913256, 8.615123) and s1.cella_h3
    assert s1.creata_il == datetime(2025, 2, 3, 9, 15, tzinfo=ROMA)
    assert s1.chiusa_il == datetime(2025, 2, 5, 17, 40, tzinfo=ROMA)
    assert s1.eventi.get(tipo=TipoEvento.STATE_CHANGED).transizione == "resolve"
    s2 = Segnalazione.objects.get(id_origine="S-2")
    assert (s2.categoria.nome, s2.titolo, s2.canale, s2.lat) == ("Altro", "Lampione", Canale.PHONE, None)
    s3 = Segnalazione.objects.get(id_origine="S-3")
    assert s3.pubblica is False and s3.creata_il == datetime(2025, 2, 4, 12, 0, tzinfo=ROMA)
    # A wrong position is dropped with a warning, the report kept.
    s4 = Segnalazione.objects.get(id_origine="S-4")
    assert s4.lat is None and s4.stato == Stato.ACCEPTED
    assert [(p.riga, "importata senza posizione" in p.motivo) for p in r.avvisi] == [(6, True)]
    assert r.senza_posizione == 3


def test_an_imported_report_with_a_place_is_on_the_map_and_routed_by_zone(client, alessandria, tmp_path):
    motore.importa(_export(tmp_path), alessandria, mappatura.carica(ESEMPIO))

    mappa = client.get(f"/{alessandria.slug}/segnalazioni/mappa.json",
                       {"bbox": "8.5,44.8,8.7,45.0", "zoom": 18}).json()

    assert [p["codice"] for p in mappa["punti"]] == [Segnalazione.objects.get(id_origine="S-1").codice]


def test_the_same_mapping_in_json_works_as_well(alessandria, tmp_path):
    dati = {
        "origine": "altra", "separatore": ";",
        "colonne": {"id_origine": "n", "stato": "s", "creata_il": "quando"},
        "stati": {"A": "submitted"},
    }
    (tmp_path / "mappa.json").write_text(json.dumps(dati), encoding="utf-8")
    _export(tmp_path, "N;S;Quando\n7;a;2025-01-02T10:30:00\n")
    out = io.StringIO()

    call_command("import", "csv", str(tmp_path / "segnalaci.csv"), "--ente", "006003",
                 "--mappa", str(tmp_path / "mappa.json"), stdout=out, stderr=io.StringIO())

    s = Segnalazione.objects.get(origine="altra", id_origine="7")
    assert s.categoria.nome == "Altro" and s.creata_il == datetime(2025, 1, 2, 10, 30, tzinfo=ROMA)
    assert "Importate: 1" in out.getvalue()


def test_a_mapping_with_mistakes_names_each_of_them(tmp_path):
    percorso = tmp_path / "sbagliata.toml"
    percorso.write_text('origine = "Con Spazi"\n[colonne]\nid_origine = "id"\nlat = "y"\ncolore = "c"\n'
                        '[stati]\naperta = "open"\n', encoding="utf-8")

    with pytest.raises(ErroreMappatura) as errore:
        mappatura.carica(percorso)

    messaggio = str(errore.value)
    for atteso in ("«origine» è obbligatoria", "campo sconosciuto in «colonne»: colore", "manca «stato»",
                   "manca «creata_il»", "servono sia «lat» sia «lon»", "non è uno stato importabile"):
        assert atteso in messaggio


def test_the_command_says_when_the_mapping_file_is_unreadable(alessandria, tmp_path):
    (tmp_path / "rotta.toml").write_text("origine = \n", encoding="utf-8")
    with pytest.raises(CommandError, match="Il file di mappatura non è valido"):
        call_command("import", "csv", str(_export(tmp_path)), "--ente", "006003",
                     "--mappa", str(tmp_path / "rotta.toml"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="deve essere .json o .toml"):
        call_command("import", "csv", str(_export(tmp_path)), "--ente", "006003",
                     "--mappa", str(ESEMPIO.with_suffix(".md")), stdout=io.StringIO())


def test_zone_rules_route_imported_reports_that_have_a_place(alessandria, tmp_path):
    from civico.catalogo.models import Categoria

    squadra = factories.UfficioFactory(ente=alessandria, nome="Squadra centro")
    lat, lon = factories.PIAZZA_LIBERTA
    factories.RegolaInstradamentoFactory(
        ente=alessandria, nome="Centro", categoria=Categoria.objects.get(ente=alessandria, codice="buche"),
        ufficio=squadra, priorita=1,
        zona={"type": "Polygon", "coordinates": [[[lon - .01, lat - .01], [lon + .01, lat - .01],
                                                  [lon + .01, lat + .01], [lon - .01, lat + .01],
                                                  [lon - .01, lat - .01]]]},
    )

    motore.importa(_export(tmp_path), alessandria, mappatura.carica(ESEMPIO))

    assert Segnalazione.objects.get(id_origine="S-1").ufficio == squadra
    assert Segnalazione.objects.get(id_origine="S-4").ufficio.nome != "Squadra centro"
