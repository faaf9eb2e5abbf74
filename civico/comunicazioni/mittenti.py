"""Who a comune's e-mails come from.

A comune sends as itself ("Comune di Novi Ligure <urp@comune.noviligure.al.it>") only when the
platform may send for that domain: the domain is listed in DOMINI_MITTENTE_VERIFICATI, which the
platform operator fills once the comune has published the platform's SPF include and DKIM key.
Any other comune sends from the platform's own address, with the display name "Comune di X
tramite Civico" and Reply-To the comune's address: receiving servers' DMARC checks pass (the
From domain is the platform's) and an answer still reaches the comune. Without an address of
its own, a comune sends "tramite Civico" with no Reply-To.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from civico.comunicazioni.impostazioni import impostazione, mittente

if TYPE_CHECKING:
    from civico.enti.models import Ente


@dataclass(frozen=True)
class Mittente:
    da: str  # the From header
    rispondi_a: str = ""  # the Reply-To address, "" for none


def domini_verificati() -> frozenset[str]:
    valore = impostazione("DOMINI_MITTENTE_VERIFICATI") or ()
    if isinstance(valore, str):
        valore = valore.split(",")
    return frozenset(d.strip().lower().rstrip(".") for d in valore if d.strip())


def puo_inviare_per(indirizzo: str) -> bool:
    """Whether the platform may put `indirizzo` in a From header: its exact domain is verified."""
    dominio = indirizzo.rpartition("@")[2].strip().lower().rstrip(".")
    return bool(dominio) and "@" in indirizzo and dominio in domini_verificati()


def mittente_per(ente: Ente | None, indirizzo: str = "", nome: str = "") -> Mittente:
    """The From (and Reply-To) of an e-mail on behalf of `ente`: its `indirizzo` (default: the
    ente's e-mail) and display `nome` (default "Comune di <nome>"); the platform's address for
    mail of no comune."""
    piattaforma = mittente()
    if ente is None:
        return Mittente(piattaforma)
    indirizzo = (indirizzo or ente.email or "").strip()
    # One line: a display name never carries a header break.
    nome = " ".join((nome or _("Comune di %(nome)s") % {"nome": ente.nome}).split())
    if indirizzo and puo_inviare_per(indirizzo):
        return Mittente(formataddr((nome, indirizzo)))
    indirizzo_piattaforma = parseaddr(piattaforma)[1] or piattaforma
    tramite = _("%(nome)s tramite Civico") % {"nome": nome}
    return Mittente(formataddr((tramite, indirizzo_piattaforma)), rispondi_a=indirizzo)
