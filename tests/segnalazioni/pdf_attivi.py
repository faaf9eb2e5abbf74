"""PDFs with active content, built with reportlab and pikepdf, and what a reader would find in one."""

from __future__ import annotations

import io

import pikepdf
from reportlab.pdfgen import canvas

TESTO = "Buca profonda in via Roma 12"
VIETATI = frozenset({
    "/OpenAction", "/AA", "/JavaScript", "/JS", "/URI", "/Launch", "/SubmitForm", "/ImportData", "/GoToR",
    "/GoToE", "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia", "/XFA", "/AcroForm",
})
ANNOTAZIONI_ATTIVE = frozenset({"/Link", "/Widget", "/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound"})


def base(pagine: int = 1, *, modulo: bool = False, link: bool = False) -> bytes:
    """A normal document: text on each page (uncompressed, so a test can find it)."""
    uscita = io.BytesIO()
    c = canvas.Canvas(uscita, pageCompression=0)
    for n in range(pagine):
        c.drawString(72, 760, f"{TESTO} - pagina {n + 1}")
        if link:
            c.linkURL("http://169.254.169.254/latest/meta-data/", (72, 700, 300, 720))
        if modulo:
            c.acroForm.textfield(name=f"nome{n}", value="Mario", x=72, y=600, width=200, height=20)
        c.showPage()
    c.save()
    return uscita.getvalue()


def _azione(pdf: pikepdf.Pdf, tipo: str) -> pikepdf.Dictionary:
    azioni = {
        "JavaScript": {"/S": pikepdf.Name.JavaScript, "/JS": pikepdf.String("app.alert('x')")},
        "Launch": {"/S": pikepdf.Name.Launch, "/F": pikepdf.String("cmd.exe")},
        "SubmitForm": {"/S": pikepdf.Name.SubmitForm, "/F": pikepdf.Dictionary(
            FS=pikepdf.Name.URL, F=pikepdf.String("http://10.0.0.1/raccogli"))},
        "ImportData": {"/S": pikepdf.Name.ImportData, "/F": pikepdf.String("dati.fdf")},
        "GoToR": {"/S": pikepdf.Name.GoToR, "/F": pikepdf.String("\\\\\\\\10.0.0.1\\\\c$\\\\x.pdf"),
                  "/D": pikepdf.Array([0, pikepdf.Name.Fit])},
        "URI": {"/S": pikepdf.Name.URI, "/URI": pikepdf.String("http://169.254.169.254/")},
    }
    return pdf.make_indirect(pikepdf.Dictionary({"/Type": pikepdf.Name.Action, **azioni[tipo]}))


def con(tipo: str, dati: bytes | None = None) -> bytes:
    """`base()` plus one kind of active content."""
    pdf = pikepdf.open(io.BytesIO(dati or base()))
    pagina = pdf.pages[0].obj
    if tipo.startswith("OpenAction:"):
        pdf.Root.OpenAction = _azione(pdf, tipo.split(":")[1])
    elif tipo.startswith("AA:"):
        pagina.AA = pikepdf.Dictionary(O=_azione(pdf, tipo.split(":")[1]))
    elif tipo == "Names/JavaScript":
        pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(
            Names=pikepdf.Array([pikepdf.String("avvio"), _azione(pdf, "JavaScript")])))
    elif tipo == "EmbeddedFiles":
        pdf.attachments["fattura.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00 eseguibile",
                                                                  mime_type="application/octet-stream")
    elif tipo == "FileAttachment":
        spec = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00", filename="x.exe")
        _annota(pdf, pagina, pikepdf.Dictionary(Subtype=pikepdf.Name.FileAttachment, FS=spec.obj))
    elif tipo.startswith("Link:"):
        _annota(pdf, pagina, pikepdf.Dictionary(Subtype=pikepdf.Name.Link, A=_azione(pdf, tipo.split(":")[1])))
    elif tipo == "RichMedia":
        _annota(pdf, pagina, pikepdf.Dictionary(
            Subtype=pikepdf.Name.RichMedia,
            RichMediaContent=pdf.make_indirect(pikepdf.Dictionary(Assets=pikepdf.Dictionary())),
            RichMediaSettings=pikepdf.Dictionary()))
    elif tipo == "XFA":
        xfa = pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'><script>app.alert(1)</script></xdp:xdp>")
        pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=xfa))
    else:
        raise ValueError(tipo)
    uscita = io.BytesIO()
    pdf.save(uscita)  # the widgets left outside /AcroForm are the point
    return uscita.getvalue()


def _annota(pdf: pikepdf.Pdf, pagina: pikepdf.Dictionary, annotazione: pikepdf.Dictionary) -> None:
    annotazione.Type = pikepdf.Name.Annot
    annotazione.Rect = pikepdf.Array([72, 650, 200, 680])
    annotazione.P = pagina
    annotazioni = pagina.get("/Annots", pikepdf.Array())
    annotazioni.append(pdf.make_indirect(annotazione))
    pagina.Annots = annotazioni


def _nome(nome) -> str:
    """A name as written in the file (`#xx` escapes), never undecodable: a damaged file may hold
    names with bytes that are not UTF-8."""
    return bytes(nome.unparse()).decode("ascii", "replace")


def attivi(dati: bytes) -> set[str]:
    """Every active key, action or annotation type found anywhere in the file's objects."""
    trovati: set[str] = set()
    with pikepdf.open(io.BytesIO(dati)) as pdf:
        da_visitare: list = [pdf.trailer, *pdf.objects]
        visti: set = set()
        while da_visitare:
            o = da_visitare.pop()
            if isinstance(o, pikepdf.Dictionary | pikepdf.Stream | pikepdf.Array) and o.is_indirect:
                if o.objgen in visti:
                    continue
                visti.add(o.objgen)
            if isinstance(o, pikepdf.Array):
                da_visitare.extend(o)
            elif isinstance(o, pikepdf.Dictionary | pikepdf.Stream):
                for chiave in list(o.keys()):  # noqa: SIM118 — a pikepdf object's keys
                    valore = o[chiave]
                    if chiave in VIETATI:
                        trovati.add(chiave)
                    if isinstance(valore, pikepdf.Name) and (_nome(valore) in VIETATI or (
                            chiave == "/Subtype" and _nome(valore) in ANNOTAZIONI_ATTIVE)):
                        trovati.add(f"{chiave} {_nome(valore)}")
                    da_visitare.append(valore)
    return trovati


def pagine_e_testo(dati: bytes) -> tuple[int, list[bytes]]:
    """How many pages, and each page's content as a reader decodes it."""
    with pikepdf.open(io.BytesIO(dati)) as pdf:
        testi = []
        for pagina in pdf.pages:
            contenuti = pagina.obj.get("/Contents")
            parti = list(contenuti) if isinstance(contenuti, pikepdf.Array) else [contenuti]
            testi.append(b"".join(p.read_bytes() for p in parti if p is not None).strip())
        return len(pdf.pages), testi
