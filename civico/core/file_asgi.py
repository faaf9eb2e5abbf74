"""Files streamed asynchronously under ASGI (static files from WhiteNoise, attachments).

WhiteNoise and FileResponse hand Django a synchronous file iterator. Under uvicorn Django then
warns "StreamingHttpResponse must consume synchronous iterators" and reads the WHOLE file into
memory in one thread call before sending a byte. This middleware swaps that iterator for an
asynchronous one reading 64 KiB blocks in a worker thread, so a large photo from S3 or a font
is sent as it is read and holds one block of memory. Under WSGI (tests, `runserver`) nothing
changes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse, HttpRequest, HttpResponse

BLOCCO = 64 * 1024
_FINE = object()


def _prossimo(iteratore: Iterator[Any]) -> Any:
    return next(iteratore, _FINE)


async def _blocchi(iteratore: Iterator[bytes]) -> AsyncIterator[bytes]:
    # thread_sensitive=False: file reads touch no database, they need not queue behind the views.
    leggi = sync_to_async(_prossimo, thread_sensitive=False)
    while (blocco := await leggi(iteratore)) is not _FINE:
        yield blocco


def _letture(file: Any) -> Iterator[bytes]:
    while blocco := file.read(BLOCCO):
        yield blocco


class FileAsincroniMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Files only: other streams (CSV exports) read the database, which must stay in the
        # request's thread; Django's own fallback handles them.
        if isinstance(request, ASGIRequest) and isinstance(response, FileResponse) and not response.is_async:
            file = response.file_to_stream
            sorgente = _letture(file) if file is not None else iter(response.streaming_content)
            # The file stays registered among the response's closers (closed when the response is);
            # an async iterator marks the response asynchronous.
            response.streaming_content = _blocchi(sorgente)
        return response
