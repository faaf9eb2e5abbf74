"""Two reports read at the same time by two server threads each get their own words' stems.

The server runs sync views in threads; a stemmer shared between them mixed two words up and made
an intake fail with a 500 under load (seen by `make bench` at 16 clients).
"""

from __future__ import annotations

import sys
import threading

from civico.triage import modello

_PAROLE = [f"{radice}{fine}" for radice in ("lampion", "marciapied", "buc", "rifiut", "alber", "semafor",
                                            "stradal", "illuminazion", "tomb", "fognatur")
           for fine in ("e", "i", "ato", "ati", "azione", "azioni", "ino", "ini", "issimo", "mente")]


def test_radici_calcolate_da_molti_thread_insieme_sono_quelle_di_uno_solo() -> None:
    attese = {(p, lingua): modello._stemmer(lingua).stemWord(p) for p in _PAROLE for lingua in ("it", "en")}
    errori: list[BaseException] = []
    sbagliate: list[tuple[str, str, str]] = []
    via = threading.Barrier(8)

    def lavora(scarto: int) -> None:
        via.wait()
        try:
            for giro in range(40):
                for i, parola in enumerate(_PAROLE):
                    lingua = ("it", "en")[(i + giro + scarto) % 2]
                    # modello.radice is cached: the stemmer is what threads share.
                    ottenuta = modello.radice.__wrapped__(parola, lingua)
                    if ottenuta != attese[(parola, lingua)]:
                        sbagliate.append((parola, lingua, ottenuta))
        except BaseException as e:  # noqa: BLE001 — the failure under test is an IndexError in the stemmer
            errori.append(e)

    intervallo = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, as a loaded server does
    try:
        threads = [threading.Thread(target=lavora, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(intervallo)
    assert not errori, errori[:3]
    assert not sbagliate, sbagliate[:5]
