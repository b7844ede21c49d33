"""Adding a source document (issue 19): `beleid add-source` turns a PDF (made here, by hand: a few
hundred bytes with a text stream) or a text file into a numbered source text whose quotes
`beleid check` verifies, with a `document` skeleton; bad input gets a located error, exit 2.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import BASE, run_cli

LETTER = [
    "Kamerbrief over stikstof",
    "Datum 3 maart 2026",
    "De uitstoot van ammoniak daalt met 12 procent.",
]


def minimal_pdf(pages: list[list[str]], *, font: bool = True) -> bytes:
    """A valid PDF: one Helvetica text line per entry, 14 points apart, on each page."""
    count = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, lines in enumerate(pages):
        shown = " T* ".join(
            "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj"
            for line in lines
        )
        stream = f"BT /F1 12 Tf 14 TL 72 720 Td {shown} ET".encode() if lines else b""
        resources = "/Resources << /Font << /F1 3 0 R >> >>" if font else ""
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] {resources} "
            f"/Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the base fixture policy with a hand-kept sources/README.md table."""
    policy = tmp_path / "policy"
    shutil.copytree(BASE, policy)
    (policy / "sources" / "README.md").write_text(
        "# Sources\n\n| file | document | date |\n|---|---|---|\n| `brief.txt` | Brief | 2025 |\n"
        "\nMore text.\n",
        encoding="utf-8",
    )
    return policy


def _add(capsys, tree: Path, file: Path, *extra: str):
    return run_cli(capsys, "add-source", file, "--policy", tree, *extra)


def test_a_pdf_becomes_a_source_text_whose_quotes_beleid_check_verifies(tree, tmp_path, capsys):
    pytest.importorskip("pypdf")
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(minimal_pdf([LETTER[:2], LETTER[2:]]))
    rule_file = tree / "nieuw.policy"
    code, out, err = _add(
        capsys, tree, pdf, "--id", "brief_2026", "--date", "2026-03-03", "--kind", "kamerbrief",
        "--title", "Kamerbrief over stikstof", "--to", rule_file,
    )  # fmt: skip
    assert code == 0, err
    added = sorted((tree / "sources").glob("000_*.txt"))
    assert len(added) == 1 and "wrote" in err and out == ""
    lines = added[0].read_text(encoding="utf-8").splitlines()
    assert lines == [LETTER[0], LETTER[1], "", LETTER[2]]
    declaration = rule_file.read_text(encoding="utf-8")
    assert f'bestand   "sources/{added[0].name}"' in declaration
    assert "datum     2026-03-03" in declaration and "soort     kamerbrief" in declaration
    readme = (tree / "sources" / "README.md").read_text(encoding="utf-8")
    assert f"| `{added[0].name}` | Kamerbrief over stikstof | 3 Mar 2026 |\n\nMore text." in readme

    cited = declaration.rstrip().removesuffix("}") + (
        'bron brief_2026 regel 4 "De uitstoot van ammoniak daalt met 12 procent."\n}\n'
    )
    rule_file.write_text(cited, encoding="utf-8")
    code, out, _ = run_cli(capsys, "check", tree)
    assert code == 0 and "0 errors" in out
    rule_file.write_text(cited.replace("regel 4", "regel 2"), encoding="utf-8")
    code, out, _ = run_cli(capsys, "check", tree)
    assert code == 1 and "P206" in out  # the quote stands on another line: found and located


def test_a_text_file_becomes_the_next_numbered_source_and_the_skeleton_is_printed(
    tree, tmp_path, capsys
):
    (tree / "sources" / "007_0123456789abcdef.txt").write_text("oud\n", encoding="utf-8")
    text = tmp_path / "nota.txt"
    text.write_bytes("\ufeffRegel een  \r\nRegel twee\r\n".encode())
    code, out, _ = _add(capsys, tree, text, "--id", "nota")
    assert code == 0
    added = sorted((tree / "sources").glob("008_*.txt"))
    assert added[0].read_text(encoding="utf-8") == "Regel een\nRegel twee\n"
    assert out.splitlines() == [
        'document nota "nota" {',
        f'    bestand   "sources/{added[0].name}"',
        "}",
    ]


def _pdf_error(capsys, tree, tmp_path, data: bytes, name: str = "in.pdf", ident: str = "nieuw"):
    file = tmp_path / name
    file.write_bytes(data)
    before = sorted(p.name for p in (tree / "sources").iterdir())
    code, out, err = _add(capsys, tree, file, "--id", ident)
    assert sorted(p.name for p in (tree / "sources").iterdir()) == before  # nothing written
    assert code == 2 and out == ""
    assert err.startswith(f"{file}:1:1: error[")
    return err


def test_a_file_that_is_not_a_pdf_is_S010(tree, tmp_path, capsys):
    err = _pdf_error(capsys, tree, tmp_path, b"<html>not a pdf</html>")
    assert "error[S010]" in err and "hint:" in err


def test_a_damaged_pdf_is_S010(tree, tmp_path, capsys):
    pytest.importorskip("pypdf")
    err = _pdf_error(capsys, tree, tmp_path, minimal_pdf([LETTER])[:60])
    assert "error[S010]" in err and "damaged" in err


def test_an_encrypted_pdf_is_S011(tree, tmp_path, capsys):
    pypdf = pytest.importorskip("pypdf")
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(minimal_pdf([LETTER]))
    writer = pypdf.PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="geheim", owner_password="geheim", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    err = _pdf_error(capsys, tree, tmp_path, locked.read_bytes())
    assert "error[S011]" in err and "password" in err


def test_a_pdf_without_a_text_layer_is_S012(tree, tmp_path, capsys):
    pytest.importorskip("pypdf")
    err = _pdf_error(capsys, tree, tmp_path, minimal_pdf([[], []]))
    assert "error[S012]" in err and "none of the 2 pages" in err


def test_an_id_already_declared_is_S013(tree, tmp_path, capsys):
    err = _pdf_error(capsys, tree, tmp_path, b"Nieuwe tekst\n", "nota.txt", ident="brief")
    assert "error[S013]" in err and "basis.policy" in err


def test_a_document_already_a_source_is_S013(tree, tmp_path, capsys):
    existing = (tree / "sources" / "brief.txt").read_bytes()
    err = _pdf_error(capsys, tree, tmp_path, existing, "kopie.txt")
    assert "error[S013]" in err and "brief.txt" in err


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"\xff\xfe bad", "not UTF-8"), (b"a\x00b", "NUL"), (b"\n \n", "no text")],
)
def test_a_text_file_that_cannot_be_a_source_is_S014(tree, tmp_path, capsys, data, reason):
    err = _pdf_error(capsys, tree, tmp_path, data, "bad.txt")
    assert "error[S014]" in err and reason in err


def test_a_missing_file_or_a_folder_is_S014(tree, tmp_path, capsys):
    for file in (tmp_path / "missing.pdf", tmp_path):
        code, _, err = _add(capsys, tree, file, "--id", "nieuw")
        assert code == 2 and "error[S014]" in err


def test_a_bad_id_or_policy_folder_is_a_usage_error(tree, tmp_path, capsys):
    text = tmp_path / "nota.txt"
    text.write_text("tekst\n", encoding="utf-8")
    code, _, err = _add(capsys, tree, text, "--id", "Nota-1")
    assert code == 2 and "is not an id" in err
    code, _, err = run_cli(capsys, "add-source", text, "--id", "x", "--policy", tmp_path / "no")
    assert code == 2 and "no policy folder" in err
    code, _, err = _add(capsys, tree, text, "--id", "x", "--to", tmp_path / "elders.policy")
    assert code == 2 and "outside the policy folder" in err
