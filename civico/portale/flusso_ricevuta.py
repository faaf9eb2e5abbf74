"""The receipt of a report as a PDF: what the citizen sent, its code, the deadline, the link.

Built from the report alone, in the reader's language. It holds no personal data beyond what
the citizen typed themselves (their name and contacts, if they gave them).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from civico.portale.flusso_riepilogo import risposte_leggibili
from civico.segnalazioni.models import Segnalazione
from civico.testo import coordinate


def ricevuta_pdf(s: Segnalazione, link_privato: str) -> bytes:
    stili = getSampleStyleSheet()
    corpo = stili["BodyText"]
    uscita = io.BytesIO()
    doc = SimpleDocTemplate(
        uscita, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title=_("Ricevuta della segnalazione %(codice)s") % {"codice": s.codice},
        author=_("Comune di %(nome)s") % {"nome": s.ente.nome}, creator="Civico",
    )

    def p(testo: str, stile=corpo) -> Paragraph:
        return Paragraph(escape(str(testo)).replace("\n", "<br/>"), stile)

    quando = timezone.localtime(s.creata_il)
    righe = [
        (_("Codice della segnalazione"), s.codice),
        (_("Ricevuta il"), date_format(quando, "DATETIME_FORMAT")),
        (_("Categoria"), s.categoria.nome_locale),
        (_("Titolo"), s.titolo),
        (_("Dettagli"), s.descrizione or "—"),
        *risposte_leggibili(s.categoria, s.risposte),
        (_("Luogo"), f"{s.indirizzo or '—'} ({coordinate(s.lat, s.lon)})"),
        (_("Allegati"), str(s.allegati.count())),
        (_("Ufficio competente"), s.ufficio.nome if s.ufficio else _("in attesa di assegnazione")),
    ]
    if s.scadenza:
        righe.append((_("Risoluzione prevista entro"), date_format(s.scadenza, "DATE_FORMAT")))
    contatti = [(etichetta, valore) for etichetta, valore in (
        (_("Nome e cognome"), s.segnalante_nome), (_("E-mail"), s.segnalante_email),
        (_("Telefono"), s.segnalante_telefono),
    ) if valore]

    storia = [
        p(_("Comune di %(nome)s") % {"nome": s.ente.nome}, stili["Heading3"]),
        p(_("Ricevuta della segnalazione"), stili["Title"]),
        _tabella([(p(str(a)), p(b)) for a, b in righe]),
    ]
    if contatti:
        storia += [Spacer(1, 4 * mm), p(_("Dati del segnalante"), stili["Heading4"]),
                   _tabella([(p(str(a)), p(b)) for a, b in contatti])]
    storia += [
        Spacer(1, 6 * mm),
        p(_("Segui la segnalazione con il tuo link privato (non condividerlo):")),
        p(link_privato),
        Spacer(1, 2 * mm),
        _qr(link_privato),
        Spacer(1, 4 * mm),
        p(_("Le informazioni che hai fornito hanno valore di dichiarazione."), stili["Italic"]),
    ]
    doc.build(storia)
    return uscita.getvalue()


def _tabella(righe: list) -> Table:
    t = Table(righe, colWidths=[55 * mm, 115 * mm])
    t.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c5c7c9")),
        ("TEXTCOLOR", (0, 0), (0, -1), colors.HexColor("#5c6f82")),
    ]))
    return t


def _qr(testo: str, lato: float = 32 * mm) -> Drawing:
    widget = QrCodeWidget(testo)
    x0, y0, x1, y1 = widget.getBounds()
    disegno = Drawing(lato, lato, transform=[lato / (x1 - x0), 0, 0, lato / (y1 - y0), 0, 0])
    disegno.add(widget)
    return disegno
