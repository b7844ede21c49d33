"""The language server over raw frames (issue 20, item 10): a request with a position that does not
fit the protocol is answered with an error, never left unanswered, and a frame without
`Content-Length` does not put the stream out of step for the frames after it.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading

import pytest

from tests.conftest import ROOT

TIMEOUT = 20  # seconds to wait for one answer


class RawClient:
    """`beleid lsp` in a child process, spoken to in bytes."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "compiler.lsp.server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self.answers: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line.startswith(b"Content-Length:"):
                    length = int(line.split(b":")[1])
                if line == b"\r\n":
                    break
            self.answers.put(json.loads(stream.read(length)))

    def send_bytes(self, data: bytes) -> None:
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message: dict) -> None:
        body = json.dumps(message).encode("utf-8")
        self.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def answer_to(self, request_id: int) -> dict:
        """The response to `request_id`, skipping notifications; fails after TIMEOUT seconds."""
        while True:
            try:
                message = self.answers.get(timeout=TIMEOUT)
            except queue.Empty:
                pytest.fail(f"no answer to request {request_id} in {TIMEOUT} s")
            if message.get("id") == request_id and "method" not in message:
                return message

    def close(self) -> None:
        self.send({"jsonrpc": "2.0", "id": 999, "method": "shutdown"})
        self.send({"jsonrpc": "2.0", "method": "exit"})
        try:
            self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def server(tmp_path):
    client = RawClient()
    client.send(
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"processId": None, "rootUri": None, "capabilities": {}},
        }
    )
    assert "result" in client.answer_to(1)
    client.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    document = tmp_path / "a.policy"
    document.write_text('actor kabinet "Kabinet" {\n    soort kabinet\n}\n', encoding="utf-8")
    client.uri = document.as_uri()
    client.send(
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {
                    "uri": client.uri,
                    "languageId": "beleid",
                    "version": 1,
                    "text": document.read_text(encoding="utf-8"),
                }
            },
        }
    )
    yield client
    client.close()


def _hover(client: RawClient, request_id: int, line, character) -> dict:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "textDocument/hover",
        "params": {
            "textDocument": {"uri": client.uri},
            "position": {"line": line, "character": character},
        },
    }


@pytest.mark.parametrize("line, character", [(-1, 0), (0, -5), (2**40, 0), ("een", 0)], ids=str)
def test_a_request_with_an_invalid_position_is_answered_with_an_error(server, line, character):
    server.send(_hover(server, 7, line, character))
    answer = server.answer_to(7)
    assert answer["error"]["code"] == -32602
    assert "textDocument/hover" in answer["error"]["message"]
    server.send(_hover(server, 8, 0, 7))  # and the server goes on
    assert "result" in server.answer_to(8)


def test_a_position_past_the_end_of_the_document_is_answered(server):
    server.send(_hover(server, 9, 500, 500))
    assert "result" in server.answer_to(9)


def test_a_frame_without_content_length_does_not_put_the_stream_out_of_step(server):
    body = json.dumps(_hover(server, 10, 0, 7)).encode("utf-8")
    server.send_bytes(b"Content-Type: application/vscode-jsonrpc\r\n\r\n" + body)
    for request_id in (11, 12, 13):
        server.send(_hover(server, request_id, 0, 7))
        assert "result" in server.answer_to(request_id)
