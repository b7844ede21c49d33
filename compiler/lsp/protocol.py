"""The JSON-RPC edge of the language server: every request gets an answer, and the input stream
finds its next frame after a broken one.

pygls drops a request whose parameters do not fit the protocol's types (a position with a negative
line, a line past 2^31, a character that is text): it logs the error and sends nothing, so the
editor waits for an answer that never comes. `PolicyProtocol` answers such a request with the
JSON-RPC error the parameters deserve (`-32602 Invalid Params`, naming the method).

pygls reads a frame's headers line by line and needs `Content-Length` before the blank line; a
frame without it leaves its body unread, and the body, which ends without a newline, is read as
the start of the next frame's header line. That line no longer reads as a header, so every frame
after it is misread the same way. `FramedInput` hands pygls the header alone when a line ends in
one, so the stream is back in step at the next frame.
"""

from __future__ import annotations

import logging
import re
from typing import Any, BinaryIO

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol

logger = logging.getLogger(__name__)

# A `Content-Length` header at the end of a line, after stray bytes of a broken frame.
_HEADER_AT_END = re.compile(rb"Content-Length: \d+\r\n\Z")


class _Answered:
    """A request already answered with an error while it was read; nothing more to do."""

    jsonrpc = ""


ANSWERED = _Answered()


class PolicyProtocol(LanguageServerProtocol):
    """pygls's protocol, answering a request it cannot read with an error instead of silence."""

    def structure_message(self, data: dict[str, Any]):
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            request_id = data.get("id")
            if not _answerable(data, request_id):
                raise
            method = data["method"]
            answer = (
                JsonRpcInvalidParams(f"invalid params for {method}: they do not fit the protocol")
                if isinstance(error, JsonRpcInvalidParams)
                else error
            )
            logger.warning("answered request %r (%s) with %s", request_id, method, answer.message)
            self._send_response(request_id, None, answer.to_response_error())
            return ANSWERED

    def handle_message(self, message) -> None:
        if message is ANSWERED:
            return
        super().handle_message(message)


def _answerable(data: dict[str, Any], request_id: object) -> bool:
    """Whether `data` is a request (not a response) with an id an answer can carry."""
    is_request = "jsonrpc" in data and "method" in data and "error" not in data
    valid_id = isinstance(request_id, (int, str)) and not isinstance(request_id, bool)
    return is_request and valid_id


class FramedInput:
    """The server's input stream: a line that ends in a `Content-Length` header after stray bytes
    (the unread body of a frame without one) is read as the header alone.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw

    def readline(self) -> bytes:
        line = self.raw.readline()
        found = _HEADER_AT_END.search(line)
        if found is not None and found.start() > 0:
            logger.warning("skipped %d bytes of a frame without Content-Length", found.start())
            return line[found.start() :]
        return line

    def read(self, size: int) -> bytes:
        return self.raw.read(size)
