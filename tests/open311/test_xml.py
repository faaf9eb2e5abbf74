"""The XML writer: the same bytes ElementTree writes for the spec's Spark convention."""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from defusedxml import ElementTree as DET

from civico.open311.risposte import SINGOLARI, json_compatto, json_elenco, xml, xml_elenco

# Every kind of value an answer carries, and text XML must escape or cannot carry at all.
DATI = [
    {
        "service_request_id": "AL-2026-000001",
        "status_notes": None,
        "description": "Buca <grande> & pericolosa > 1 m, \"tra\" 'virgolette'\r\nsu più righe\tcon tab",
        "address": "",
        "lat": 44.9133,
        "count": 0,
        "metadata": True,
        "variable": False,
        "control": "a\x00b\x07c\x0bd\ud800e\ufffef",
        "only_control": "\x01\x02",
        "extended_attributes": {"photos": [], "empty": {}, "state_label": "Presa in carico – ok ✓"},
        "notes": [{"datetime": "2026-05-04T09:30:00+02:00", "status": "open"}, {"description": None}],
        "keywords": ("buca", "asfalto"),
    },
    {},
]


def test_xml_matches_what_elementtree_writes_byte_for_byte():
    assert xml("service_requests", DATI) == _con_elementtree("service_requests", DATI)
    assert xml("errors", []) == _con_elementtree("errors", [])


@pytest.mark.parametrize("dati", [DATI, [], DATI * 120, [{"n": 2**70}, {"n": 1}] * 60],
                         ids=["some", "none", "many", "big-int"])
def test_a_list_written_item_by_item_is_the_same_bytes_as_the_list(dati):
    """Requests are written as they are built (`risposta` given an iterator): the same bytes."""
    assert xml_elenco("service_requests", iter(dati)) == xml("service_requests", dati)
    dati = [{**d, "control": "a\x00b\x07c"} if "control" in d else d for d in dati]  # JSON: no lone surrogate
    assert json_elenco(iter(dati)) == json_compatto(dati)
    assert json_elenco(iter(dati), lotto=1) == json_elenco(iter(dati), lotto=7) == json_compatto(dati)


def test_xml_escapes_text_and_drops_what_xml_cannot_carry():
    radice = DET.fromstring(xml("service_requests", DATI))

    richiesta = radice.find("request")
    assert richiesta.findtext("description").startswith("Buca <grande> & pericolosa > 1 m")
    assert richiesta.findtext("control") == "abcdef"
    assert richiesta.findtext("metadata") == "true" and richiesta.findtext("variable") == "false"
    assert [n.findtext("status") for n in richiesta.find("notes").findall("note")] == ["open", None]


def _con_elementtree(radice: str, dati: Any) -> bytes:
    """The writer as it was built on ElementTree: the reference."""
    contenitore = ET.Element("_")
    _elemento(contenitore, radice, dati)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(contenitore[0], encoding="unicode")).encode()


def _elemento(genitore: ET.Element, nome: str, valore: Any) -> None:
    el = ET.SubElement(genitore, nome)
    if isinstance(valore, dict):
        for chiave, v in valore.items():
            _elemento(el, chiave, v)
    elif isinstance(valore, list | tuple):
        for v in valore:
            _elemento(el, SINGOLARI.get(nome, nome.removesuffix("s")), v)
    elif valore is None:
        return
    elif isinstance(valore, bool):
        el.text = "true" if valore else "false"
    else:
        el.text = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", str(valore))
