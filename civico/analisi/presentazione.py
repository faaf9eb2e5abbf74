"""From the figures (codes and numbers) to what a page shows: labels, tables and SVG charts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from civico.analisi import grafici
from civico.analisi.zone import nome_cella
from civico.enti.models import Ente
from civico.segnalazioni.models import Canale


def etichetta_mese(mese: str) -> str:
    anno, m = mese.split("-")
    return formats.date_format(date(int(anno), int(m), 1), "M Y")


def etichette_fasce() -> dict[str, str]:
    return {
        "0-7": _("fino a 7 giorni"),
        "8-30": _("da 8 a 30 giorni"),
        "31-90": _("da 31 a 90 giorni"),
        "91-365": _("da 91 giorni a un anno"),
        "oltre-365": _("oltre un anno"),
    }


def quota(valore: float | None) -> str:
    return "—" if valore is None else formats.number_format(valore * 100, 1) + " %"


def pannelli(dati: dict[str, Any]) -> dict[str, Any]:
    """Everything the dashboard template draws: per section, the chart and its table's rows."""
    canali = dict(Canale.choices)
    fasce = etichette_fasce()
    mensile = [{**m, "etichetta": etichetta_mese(m["mese"])} for m in dati["mensile"]]
    arretrato = [{**f, "etichetta": fasce.get(f["fascia"], f["fascia"])} for f in dati["arretrato"]]
    mix = [{**c, "etichetta": str(canali.get(c["canale"], c["canale"]))} for c in dati["canali"]]
    totale_canali = sum(c["n"] for c in mix) or 1
    for c in mix:
        c["quota"] = quota(c["n"] / totale_canali)
    sodd = dati["soddisfazione"]
    scad = dati["scadenza"]
    return {
        "mensile": mensile,
        "grafico_mensile": grafici.colonne(
            [m["etichetta"] for m in mensile],
            [(_("Ricevute"), grafici.PRIMARIO, [m["ricevute"] for m in mensile]),
             (_("Risolte"), grafici.SUCCESSO, [m["risolte"] for m in mensile])],
            titolo=_("Segnalazioni ricevute e risolte per mese"),
            descrizione=_("Grafico a colonne; i valori sono nella tabella accanto."),
        ),
        "grafico_per_categoria": grafici.barre(
            [(r["nome"], [r["ricevute"]]) for r in dati["per_categoria"]], [_("Ricevute")],
            titolo=_("Segnalazioni ricevute per categoria"),
            descrizione=_("Grafico a barre; i valori sono nella tabella accanto."),
        ),
        "grafico_categorie": _grafico_tempi(dati["tempi_categoria"], _("Giorni per risolvere, per categoria")),
        "grafico_uffici": _grafico_tempi(dati["tempi_ufficio"], _("Giorni per risolvere, per ufficio")),
        "arretrato": arretrato,
        "grafico_arretrato": grafici.barre(
            [(f["etichetta"], [f["n"]]) for f in arretrato], [_("Segnalazioni aperte")],
            titolo=_("Segnalazioni ancora aperte, per tempo di attesa"),
            descrizione=_("Grafico a barre; i valori sono nella tabella accanto."),
        ),
        "scadenza": {**scad, "quota_testo": quota(scad["quota"])},
        "grafico_scadenza": grafici.barre(
            [(_("Entro la data prevista"), [scad["entro"]]),
             (_("Oltre la data prevista"), [scad["con_scadenza"] - scad["entro"]])],
            [_("Segnalazioni risolte")], colori=(grafici.SUCCESSO,),
            titolo=_("Segnalazioni risolte entro la data prevista"),
            descrizione=_("Grafico a barre; i valori sono nella tabella accanto."),
        ),
        "canali": mix,
        "grafico_canali": grafici.barre(
            [(c["etichetta"], [c["n"]]) for c in mix], [_("Segnalazioni")],
            titolo=_("Canali da cui arrivano le segnalazioni"),
            descrizione=_("Grafico a barre; i valori sono nella tabella accanto."),
        ),
        "soddisfazione": {**sodd, "quota_testo": quota(sodd["quota_si"])},
        "grafico_soddisfazione": grafici.barre(
            [(_("Sì, risolto"), [sodd["si"]]), (_("No, non risolto"), [sodd["no"]])], [_("Risposte")],
            colori=(grafici.SUCCESSO,),
            titolo=_("Il problema è stato risolto? Le risposte dei segnalanti"),
            descrizione=_("Grafico a barre; i valori sono nella tabella accanto."),
        ),
        "mappa": grafici.mappa_esagoni(
            [(c["cella"], c["n"]) for c in dati["mappa"]["celle"]],
            titolo=_("Da dove arrivano le segnalazioni"),
            descrizione=(
                _("Mappa a esagoni: più è scuro il colore, più sono le segnalazioni. Valori nella tabella accanto.")
                if dati["mappa"]["celle"] else _("Nessuna segnalazione con posizione nel periodo.")
            ),
        ),
        "celle": _con_nomi(dati.get("ente"), dati["mappa"]["celle"][:20]),
    }


def _grafico_tempi(righe: list[dict[str, Any]], titolo: str):
    return grafici.barre(
        [(r["nome"], [r["mediana_giorni"], r["p90_giorni"]]) for r in righe],
        [_("Mediana"), _("90° percentile")], unita=" gg", titolo=titolo,
        descrizione=_("Grafico a barre; i valori sono nella tabella accanto."),
    )


def _con_nomi(ente: dict[str, Any] | None, celle: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each hexagon named by its streets or quartiere: people read places, not H3 codes."""
    trovato = Ente.objects.filter(slug=ente["slug"]).defer("confine").first() if ente else None
    return [{**c, "nome": nome_cella(trovato, c["cella"])} for c in celle]
