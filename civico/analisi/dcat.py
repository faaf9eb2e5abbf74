"""DCAT-AP_IT metadata: a catalogue with one dataset per active comune, for dati.gov.it to harvest.

One description (`catalogo()`, plain dictionaries) and two serialisations: JSON-LD and RDF/XML
(the form dati.gov.it's harvester reads). Vocabularies: DCAT, DCT, DCAT-AP_IT, vCard, FOAF, and
the EU authority tables for themes, file types and frequencies.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone

from civico.analisi.dati_aperti import FORMATI, LICENZA_URL
from civico.enti.models import Ente
from civico.segnalazioni.models import Segnalazione

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatapit": "http://dati.gov.it/onto/dcatapit#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU = "http://publications.europa.eu/resource/authority/"
TEMA = EU + "data-theme/GOVE"  # Governo e settore pubblico
FREQUENZA = EU + "frequency/DAILY"
TIPO_FILE = {"csv": EU + "file-type/CSV", "json": EU + "file-type/JSON", "geojson": EU + "file-type/GEOJSON"}
LINGUA = EU + "language/ITA"


def catalogo(base_url: str) -> dict[str, Any]:
    """The catalogue as plain data: what both serialisations write."""
    base = base_url.rstrip("/")
    date_per_ente = {
        r["ente_id"]: r
        for r in Segnalazione.objects.pubbliche(enti_per_id=True).order_by().values("ente_id").annotate(
            prima=Min("creata_il"), ultima=Max("aggiornata_il")
        )
    }
    dataset = []
    for ente in Ente.objects.filter(attivo=True).defer("confine").order_by("nome"):
        date_ente = date_per_ente.get(ente.pk, {})
        pagina = base + reverse("analisi:dati_ente", args=[ente.slug])
        dataset.append({
            "uri": pagina + "#dataset",
            "identificativo": f"{ente.codice_istat}:segnalazioni",
            "titolo": f"Segnalazioni dei cittadini · Comune di {ente.nome}",
            "descrizione": (
                f"Le segnalazioni pubbliche di disservizi ricevute dal Comune di {ente.nome} con il loro stato, "
                "la categoria, il luogo e i tempi di risoluzione. Senza dati personali."
            ),
            "pagina": pagina,
            "emesso": timezone.localdate(date_ente.get("prima") or ente.confine_aggiornato_il).isoformat(),
            "modificato": timezone.localdate(date_ente.get("ultima") or timezone.now()).isoformat(),
            "editore": {"nome": f"Comune di {ente.nome}", "identificativo": ente.codice_istat},
            "contatto": {"nome": f"Comune di {ente.nome}", "email": ente.email or ente.pec},
            "luogo": f"Comune di {ente.nome} ({ente.provincia})".replace(" ()", ""),
            "distribuzioni": [
                {
                    "uri": f"{pagina}#{formato}",
                    "formato": formato,
                    "tipo": FORMATI[formato].split(";")[0],
                    "url": base + reverse("analisi:scarica", args=[ente.slug, formato]),
                    "titolo": f"Segnalazioni degli ultimi 12 mesi ({formato.upper()})",
                }
                for formato in FORMATI
            ],
        })
    return {
        "uri": base + reverse("analisi:catalogo_jsonld"),
        "titolo": "Civico · segnalazioni dei cittadini ai comuni",
        "descrizione": "Catalogo dei dati aperti delle segnalazioni pubblicate dai comuni che usano Civico.",
        "homepage": base + reverse("analisi:dati_aperti"),
        "modificato": timezone.localdate().isoformat(),
        "dizionario": base + reverse("analisi:dizionario"),
        "dataset": dataset,
    }


def jsonld(c: dict[str, Any]) -> dict[str, Any]:
    def organizzazione(o: dict) -> dict:
        return {
            "@type": ["foaf:Organization", "dcatapit:Agent"], "foaf:name": o["nome"],
            "dct:identifier": o["identificativo"],
        }

    return {
        "@context": {k: v for k, v in NS.items() if k != "rdf"},
        "@id": c["uri"],
        "@type": ["dcat:Catalog", "dcatapit:Catalog"],
        "dct:title": {"@value": c["titolo"], "@language": "it"},
        "dct:description": {"@value": c["descrizione"], "@language": "it"},
        "foaf:homepage": {"@id": c["homepage"]},
        "dct:language": {"@id": LINGUA},
        "dct:modified": {"@value": c["modificato"], "@type": "xsd:date"},
        "dcat:dataset": [
            {
                "@id": d["uri"],
                "@type": ["dcat:Dataset", "dcatapit:Dataset"],
                "dct:identifier": d["identificativo"],
                "dct:title": {"@value": d["titolo"], "@language": "it"},
                "dct:description": {"@value": d["descrizione"], "@language": "it"},
                "dcat:landingPage": {"@id": d["pagina"]},
                "dcat:theme": {"@id": TEMA},
                "dct:accrualPeriodicity": {"@id": FREQUENZA},
                "dct:issued": {"@value": d["emesso"], "@type": "xsd:date"},
                "dct:modified": {"@value": d["modificato"], "@type": "xsd:date"},
                "dct:language": {"@id": LINGUA},
                "dct:publisher": organizzazione(d["editore"]),
                "dct:rightsHolder": organizzazione(d["editore"]),
                "dct:spatial": {"@type": "dct:Location", "dct:identifier": d["luogo"]},
                "dcat:keyword": ["segnalazioni", "disservizi", "manutenzione urbana"],
                "dcat:contactPoint": {
                    "@type": ["vcard:Organization", "dcatapit:Organization"], "vcard:fn": d["contatto"]["nome"],
                    **({"vcard:hasEmail": {"@id": "mailto:" + d["contatto"]["email"]}}
                       if d["contatto"]["email"] else {}),
                },
                "dct:conformsTo": {"@id": c["dizionario"]},
                "dcat:distribution": [
                    {
                        "@id": x["uri"],
                        "@type": ["dcat:Distribution", "dcatapit:Distribution"],
                        "dct:title": x["titolo"],
                        "dct:format": {"@id": TIPO_FILE[x["formato"]]},
                        "dcat:mediaType": x["tipo"],
                        "dcat:accessURL": {"@id": d["pagina"]},
                        "dcat:downloadURL": {"@id": x["url"]},
                        "dct:license": {
                            "@id": LICENZA_URL, "@type": ["dct:LicenseDocument", "dcatapit:LicenseDocument"],
                        },
                    }
                    for x in d["distribuzioni"]
                ],
            }
            for d in c["dataset"]
        ],
    }


def rdf_xml(c: dict[str, Any]) -> bytes:
    for prefisso, uri in NS.items():
        ET.register_namespace(prefisso, uri)

    def q(nome: str) -> str:
        prefisso, locale = nome.split(":")
        return f"{{{NS[prefisso]}}}{locale}"

    def testo(padre: ET.Element, nome: str, valore: str, *, lingua: bool = False, tipo: str = "") -> None:
        e = ET.SubElement(padre, q(nome))
        e.text = valore
        if lingua:
            e.set("{http://www.w3.org/XML/1998/namespace}lang", "it")
        if tipo:
            e.set(q("rdf:datatype"), NS["xsd"] + tipo)

    def risorsa(padre: ET.Element, nome: str, uri: str) -> None:
        ET.SubElement(padre, q(nome)).set(q("rdf:resource"), uri)

    def nodo(padre: ET.Element, nome: str, tipo: str, uri: str | None = None, *altri_tipi: str) -> ET.Element:
        e = ET.SubElement(ET.SubElement(padre, q(nome)), q(tipo))
        if uri:
            e.set(q("rdf:about"), uri)
        for t in altri_tipi:
            risorsa(e, "rdf:type", NS[t.split(":")[0]] + t.split(":")[1])
        return e

    radice = ET.Element(q("rdf:RDF"))
    cat = ET.SubElement(radice, q("dcatapit:Catalog"), {q("rdf:about"): c["uri"]})
    risorsa(cat, "rdf:type", NS["dcat"] + "Catalog")
    testo(cat, "dct:title", c["titolo"], lingua=True)
    testo(cat, "dct:description", c["descrizione"], lingua=True)
    risorsa(cat, "foaf:homepage", c["homepage"])
    risorsa(cat, "dct:language", LINGUA)
    testo(cat, "dct:modified", c["modificato"], tipo="date")
    for d in c["dataset"]:
        ds = nodo(cat, "dcat:dataset", "dcatapit:Dataset", d["uri"], "dcat:Dataset")
        testo(ds, "dct:identifier", d["identificativo"])
        testo(ds, "dct:title", d["titolo"], lingua=True)
        testo(ds, "dct:description", d["descrizione"], lingua=True)
        risorsa(ds, "dcat:landingPage", d["pagina"])
        risorsa(ds, "dcat:theme", TEMA)
        risorsa(ds, "dct:accrualPeriodicity", FREQUENZA)
        risorsa(ds, "dct:language", LINGUA)
        risorsa(ds, "dct:conformsTo", c["dizionario"])
        testo(ds, "dct:issued", d["emesso"], tipo="date")
        testo(ds, "dct:modified", d["modificato"], tipo="date")
        for ruolo in ("dct:publisher", "dct:rightsHolder"):
            org = nodo(ds, ruolo, "dcatapit:Agent", None, "foaf:Organization")
            testo(org, "foaf:name", d["editore"]["nome"])
            testo(org, "dct:identifier", d["editore"]["identificativo"])
        for parola in ("segnalazioni", "disservizi", "manutenzione urbana"):
            testo(ds, "dcat:keyword", parola)
        contatto = nodo(ds, "dcat:contactPoint", "dcatapit:Organization", None, "vcard:Organization")
        testo(contatto, "vcard:fn", d["contatto"]["nome"])
        if d["contatto"]["email"]:
            risorsa(contatto, "vcard:hasEmail", "mailto:" + d["contatto"]["email"])
        luogo = nodo(ds, "dct:spatial", "dct:Location")
        testo(luogo, "dct:identifier", d["luogo"])
        for x in d["distribuzioni"]:
            di = nodo(ds, "dcat:distribution", "dcatapit:Distribution", x["uri"], "dcat:Distribution")
            testo(di, "dct:title", x["titolo"])
            risorsa(di, "dct:format", TIPO_FILE[x["formato"]])
            testo(di, "dcat:mediaType", x["tipo"])
            risorsa(di, "dcat:accessURL", d["pagina"])
            risorsa(di, "dcat:downloadURL", x["url"])
            licenza = nodo(di, "dct:license", "dcatapit:LicenseDocument", LICENZA_URL, "dct:LicenseDocument")
            testo(licenza, "foaf:name", "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(radice, encoding="unicode")).encode()
