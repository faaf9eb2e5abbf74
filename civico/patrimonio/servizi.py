"""Asset questions the rest of the platform asks: nearest, in a box, for a category, history."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from civico.catalogo.models import Categoria
from civico.enti.models import Ente
from civico.errors import InvalidData
from civico.patrimonio.models import Bene, BeneSegnalato, TipoBene
from civico.segnalazioni.models import Segnalazione
from civico.territorio.distanza import distanza_m, riquadro

# The box a map may ask for at once (about 3 km × 3 km) and the assets it gets back at most.
MAX_LATO_GRADI = 0.03
MAX_NEL_RIQUADRO = 500
# How far from the report's point a picked asset may be: a tap is never that precise.
MAX_DISTANZA_SCELTA_M = 100

ALBERI = "alberi"


def vicini(
    tipi: Iterable[TipoBene], lat: float, lon: float, raggio_m: float = 30, limite: int = 5
) -> list[tuple[Bene, float]]:
    """Active assets of these kinds within raggio_m of the point, nearest first, with metres."""
    tipi = list(tipi)
    if not tipi or not (math.isfinite(lat) and math.isfinite(lon)) or raggio_m <= 0:
        return []
    sud, nord, ovest, est = riquadro(lat, lon, raggio_m)
    candidati = Bene.objects.filter(
        tipo__in=tipi, attivo=True, lat__range=(sud, nord), lon__range=(ovest, est)
    ).select_related("tipo").order_by()
    trovati = [(b, distanza_m(lat, lon, b.lat, b.lon)) for b in candidati]
    trovati = [(b, d) for b, d in trovati if d <= raggio_m]
    trovati.sort(key=lambda coppia: (coppia[1], coppia[0].identificativo))
    return trovati[:limite]


def nel_riquadro(tipo: TipoBene, sud: float, ovest: float, nord: float, est: float) -> list[Bene]:
    """Active assets of a kind in a map's box (bounded in size and count)."""
    if not all(math.isfinite(v) for v in (sud, ovest, nord, est)) or sud > nord or ovest > est:
        raise InvalidData({"bbox": ["bbox"]})  # the view says it to the citizen
    if nord - sud > MAX_LATO_GRADI or est - ovest > MAX_LATO_GRADI:
        return []  # zoomed out too far: the map asks again closer in
    return list(
        Bene.objects.filter(tipo=tipo, attivo=True, lat__range=(sud, nord), lon__range=(ovest, est))
        .order_by("lat", "lon")[:MAX_NEL_RIQUADRO]
    )


def tipi_della_categoria(categoria: Categoria | None) -> list[TipoBene]:
    if categoria is None:
        return []
    return list(categoria.tipi_bene.filter(ente_id=categoria.ente_id).order_by("nome"))


def bene_scelto(categoria: Categoria | None, identificativo: int | None, lat: float | None,
                lon: float | None) -> Bene | None:
    """The asset a citizen picked, checked: of a kind linked to the category, active, and
    near the report's point. None when nothing was picked; InvalidData when it does not fit."""
    if not identificativo:
        return None
    errore = InvalidData({"bene": [_("Il bene scelto non è valido per questa categoria o questo luogo: "
                                     "scegline un altro o nessuno.")]})
    bene = Bene.objects.filter(
        pk=identificativo, attivo=True, tipo__in=tipi_della_categoria(categoria)
    ).select_related("tipo").first()
    if bene is None or lat is None or lon is None:
        raise errore
    if distanza_m(lat, lon, bene.lat, bene.lon) > MAX_DISTANZA_SCELTA_M:
        raise errore
    return bene


def collega(segnalazione: Segnalazione, bene: Bene | None) -> None:
    """Record (or clear) the asset the report is about."""
    if bene is None:
        BeneSegnalato.objects.filter(segnalazione=segnalazione).delete()
        return
    if bene.ente_id != segnalazione.ente_id:
        raise InvalidData({"bene": [_("Il bene appartiene a un altro ente.")]})
    BeneSegnalato.objects.update_or_create(segnalazione=segnalazione, defaults={"bene": bene})


def bene_della_segnalazione(segnalazione: Segnalazione) -> Bene | None:
    """The report's asset; no query when the report was loaded with
    select_related("bene_segnalato__bene__tipo") (the backoffice's report page)."""
    if Segnalazione.bene_segnalato.is_cached(segnalazione):
        legame = getattr(segnalazione, "bene_segnalato", None)
    else:
        legame = BeneSegnalato.objects.filter(segnalazione=segnalazione).select_related("bene__tipo").first()
    return legame.bene if legame else None


def storia(bene: Bene, utente) -> QuerySet[Segnalazione]:
    """The asset's reports this staff member may see, newest first."""
    return (
        Segnalazione.objects.visibili_a(utente)
        .filter(bene_segnalato__bene=bene)
        .select_related("categoria")
        .order_by("-creata_il")
    )


def tipo_alberi(ente: Ente, fonte: str, licenza: str, attribuzione: str) -> TipoBene:
    """The trees kind of an ente (created on first use), linked to its green categories."""
    tipo, creato = TipoBene.objects.get_or_create(
        ente=ente, codice=ALBERI,
        defaults={"nome": "Albero", "nome_en": "Tree", "attributo_descrittivo": "specie",
                  "fonte": fonte, "licenza": licenza, "attribuzione": attribuzione},
    )
    if creato:
        tipo.categorie.set(Categoria.objects.filter(ente=ente, codice__in=CATEGORIE_ALBERI))
    return tipo


# Categories about trees, by code, in the demo catalogue and Alessandria's own.
CATEGORIE_ALBERI = ("verde-pubblico", "alberi", "verde", "aree-verdi", "potature")


CAMPI_TIPO = ("nome", "nome_en", "attributo_descrittivo", "fonte", "licenza", "attribuzione")


def salva_tipo(ente: Ente, codice: str, categorie: Iterable[str] | None = None, **campi: str) -> TipoBene:
    """Create or update a kind of asset of the ente; licence, source and name are required
    (the data are shown to citizens, with their attribution)."""
    from django.utils.text import slugify

    codice = slugify(codice or campi.get("nome", ""))[:40]
    tipo = TipoBene.objects.filter(ente=ente, codice=codice).first() or TipoBene(ente=ente, codice=codice)
    for campo in CAMPI_TIPO:
        if campi.get(campo) is not None:
            setattr(tipo, campo, str(campi[campo]).strip())
    errori: dict[str, list[str]] = {}
    if not codice:
        errori["codice"] = [_("Indica un codice per il tipo di bene (es. «lampioni»).")]
    for campo, messaggio in (("nome", _("Indica il nome del tipo di bene (es. «Lampione»).")),
                             ("fonte", _("Indica la fonte dei dati (chi li pubblica).")),
                             ("licenza", _("Indica la licenza dei dati: è obbligatoria."))):
        if not getattr(tipo, campo):
            errori[campo] = [messaggio]
    trovate = []
    if categorie is not None:
        codici = [c.strip() for c in categorie if c and str(c).strip()]
        trovate = list(Categoria.objects.filter(ente=ente, codice__in=codici))
        ignote = sorted(set(codici) - {c.codice for c in trovate})
        if ignote:
            errori["categorie"] = [_("Categorie sconosciute: %(c)s.") % {"c": ", ".join(ignote)}]
    if errori:
        raise InvalidData(errori)
    tipo.save()
    if categorie is not None:
        tipo.categorie.set(trovate)
    return tipo


# --- Picking the asset in the reporting flow ---------------------------------------------------

RAGGIO_SCELTA_M = 40  # the assets listed around the report's point
MAX_SCELTE = 8


def scelte(categorie: Iterable[Categoria], lat: float | None, lon: float | None) -> list[dict[str, Any]]:
    """For each asset kind linked to one of these categories: the codes of its categories and
    the nearest active assets around the point (the list the citizen picks from)."""
    tipi: dict[int, dict[str, Any]] = {}
    for categoria in categorie:
        for tipo in categoria.tipi_bene.all():
            voce = tipi.setdefault(tipo.pk, {"tipo": tipo, "categorie": []})
            voce["categorie"].append(categoria.codice)
    for voce in tipi.values():
        voce["vicini"] = (
            vicini([voce["tipo"]], lat, lon, RAGGIO_SCELTA_M, MAX_SCELTE) if lat is not None and lon is not None else []
        )
    return sorted(tipi.values(), key=lambda v: v["tipo"].nome)


def durata_in_parole(giorni: int) -> str:
    """"2 anni", "3 mesi", "1 giorno": the span of an asset's history, rounded down."""
    from django.utils.translation import ngettext

    if giorni >= 365:
        n = giorni // 365
        return ngettext("%(n)d anno", "%(n)d anni", n) % {"n": n}
    if giorni >= 30:
        n = giorni // 30
        return ngettext("%(n)d mese", "%(n)d mesi", n) % {"n": n}
    n = max(giorni, 1)
    return ngettext("%(n)d giorno", "%(n)d giorni", n) % {"n": n}


def riassunto_storia(bene: Bene, utente, adesso=None) -> dict[str, Any]:
    """What the office reads on a report about an asset: "5 segnalazioni in 2 anni" and the list."""
    from django.utils import timezone
    from django.utils.translation import ngettext

    elenco = list(storia(bene, utente))
    if not elenco:
        return {"bene": bene, "elenco": [], "testo": ""}
    giorni = ((adesso or timezone.now()) - elenco[-1].creata_il).days
    testo = ngettext("%(n)d segnalazione in %(periodo)s", "%(n)d segnalazioni in %(periodo)s", len(elenco)) % {
        "n": len(elenco), "periodo": durata_in_parole(giorni)}
    return {"bene": bene, "elenco": elenco, "testo": testo}
