"""A tiny HTTP/1.1 client on asyncio streams: keep-alive requests and Server-Sent Events.

The benchmarks need real sockets and many concurrent connections without extra dependencies
(httpx is not in the lock file); this speaks just enough HTTP for `civico serve` (uvicorn).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid


class Connessione:
    """One keep-alive connection; reconnects when the server closed it."""

    def __init__(self, host: str, porta: int) -> None:
        self.host, self.porta = host, porta
        self.lettore: asyncio.StreamReader | None = None
        self.scrittore: asyncio.StreamWriter | None = None

    async def _apri(self) -> None:
        self.lettore, self.scrittore = await asyncio.open_connection(self.host, self.porta, limit=2**22)

    async def chiudi(self) -> None:
        if self.scrittore is not None:
            self.scrittore.close()
            with contextlib.suppress(OSError):
                await self.scrittore.wait_closed()
        self.lettore = self.scrittore = None

    async def richiesta(self, metodo: str, percorso: str, corpo: bytes = b"",
                        intestazioni: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        for tentativo in range(2):
            if self.scrittore is None:
                await self._apri()
            try:
                return await self._scambia(metodo, percorso, corpo, intestazioni or {})
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.chiudi()
                if tentativo:
                    raise
        raise AssertionError("unreachable")

    async def _scambia(self, metodo, percorso, corpo, intestazioni):
        assert self.lettore is not None and self.scrittore is not None
        righe = [f"{metodo} {percorso} HTTP/1.1", f"Host: {self.host}:{self.porta}",
                 f"Content-Length: {len(corpo)}"]
        righe += [f"{k}: {v}" for k, v in intestazioni.items()]
        self.scrittore.write(("\r\n".join(righe) + "\r\n\r\n").encode() + corpo)
        await self.scrittore.drain()
        stato, teste = await leggi_testa(self.lettore)
        if "content-length" in teste:
            dati = await self.lettore.readexactly(int(teste["content-length"]))
        elif teste.get("transfer-encoding") == "chunked":
            dati = b"".join([pezzo async for pezzo in pezzi(self.lettore)])
        else:
            dati = await self.lettore.read()
        if teste.get("connection") == "close":
            await self.chiudi()
        return stato, teste, dati


async def leggi_testa(lettore: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    testa = await lettore.readuntil(b"\r\n\r\n")
    righe = testa.decode("latin-1").split("\r\n")
    stato = int(righe[0].split()[1])
    teste = {}
    for r in righe[1:]:
        if ":" in r:
            k, v = r.split(":", 1)
            teste[k.strip().lower()] = v.strip()
    return stato, teste


async def pezzi(lettore: asyncio.StreamReader):
    """The chunks of a chunked body, as they arrive."""
    while True:
        misura = int((await lettore.readuntil(b"\r\n")).split(b";")[0], 16)
        if misura == 0:
            await lettore.readuntil(b"\r\n")
            return
        dati = await lettore.readexactly(misura + 2)
        yield dati[:-2]


async def flusso_sse(host: str, porta: int, percorso: str, pronto: asyncio.Event | None = None):
    """Yield (arrival time, event text) for each SSE message of a stream; `pronto` is set once
    the server has started it (its first `retry:` line)."""
    lettore, scrittore = await asyncio.open_connection(host, porta, limit=2**22)
    try:
        richiesta = f"GET {percorso} HTTP/1.1\r\nHost: {host}:{porta}\r\nAccept: text/event-stream\r\n\r\n"
        scrittore.write(richiesta.encode())
        await scrittore.drain()
        stato, teste = await leggi_testa(lettore)
        if stato != 200:
            raise RuntimeError(f"SSE {percorso}: HTTP {stato}")
        resto = ""
        async for pezzo in pezzi(lettore):
            resto += pezzo.decode()
            while "\n\n" in resto:
                messaggio, resto = resto.split("\n\n", 1)
                if messaggio.startswith("retry:") and pronto is not None:
                    pronto.set()
                yield time.perf_counter(), messaggio
    finally:
        scrittore.close()


def multipart(campi: dict[str, str], file: list[tuple[str, str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type. file: (field, filename, data, type)."""
    confine = uuid.uuid4().hex
    parti = []
    for k, v in campi.items():
        parti.append(f'--{confine}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    for campo, nome, dati, tipo in file:
        parti.append(f'--{confine}\r\nContent-Disposition: form-data; name="{campo}"; filename="{nome}"\r\n'
                     f"Content-Type: {tipo}\r\n\r\n".encode() + dati + b"\r\n")
    parti.append(f"--{confine}--\r\n".encode())
    return b"".join(parti), f"multipart/form-data; boundary={confine}"
