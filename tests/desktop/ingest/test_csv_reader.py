"""The streaming CSV reader: quoting, line ends, ragged rows, chunking."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.errors import InvalidInput
from desktop.ingest.csv_reader import CsvReader
from desktop.ingest.phi_policy import PhiPolicy
from desktop.ingest.readers import inspect

from .claims_files import GOOD_LINE, csv_text, line, lines


def read_rows(
    path: Path, chunk_rows: int = 1000
) -> tuple[list[dict[str, str | None]], list[int], list[str]]:
    """Rows as dicts of contract columns, their positions, and the reader's row problems."""
    reader = CsvReader(inspect(path), PhiPolicy(), lambda headers: None)
    rows: list[dict[str, str | None]] = []
    positions: list[int] = []
    problems: list[str] = []
    try:
        for chunk in reader.chunks(chunk_rows):
            names = list(chunk.columns)
            for i in range(len(chunk)):
                rows.append({n: chunk.columns[n][i] for n in names})
            positions.extend(int(p) for p in chunk.positions)
            problems.extend(f"{p.position}: {p.message}" for p in chunk.problems)
    finally:
        reader.close()
    return rows, positions, problems


def test_plain_file(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(csv_text(lines(5)))
    rows, positions, problems = read_rows(path)
    assert positions == [1, 2, 3, 4, 5]
    assert rows[0] == {**GOOD_LINE, "claim_id": "C00001"}
    assert problems == []


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("quoted", [False, True])
def test_line_ends_and_quoting_give_the_same_rows(
    tmp_path: Path, newline: str, quoted: bool
) -> None:
    data = lines(50)
    if quoted:
        data[7] = line(claim_id="C00008", payer='Blue Cross, "Blue" Shield\nof Nowhere')
    path = tmp_path / "c.csv"
    path.write_bytes(csv_text(data, newline=newline).encode())
    for chunk_rows in (1, 7, 1000):
        rows, positions, problems = read_rows(path, chunk_rows)
        assert positions == list(range(1, 51))
        assert [r["claim_id"] for r in rows] == [d["claim_id"] for d in data]
        assert rows[7]["payer"] == data[7]["payer"]
        assert problems == []


def test_quote_appearing_late_switches_to_the_csv_module(tmp_path: Path) -> None:
    data = lines(3000)
    data[2500] = line(claim_id="C02501", payer='Acme, "Health"')
    path = tmp_path / "c.csv"
    path.write_text(csv_text(data))
    rows, positions, _ = read_rows(path, 100)
    assert len(rows) == 3000 and positions[-1] == 3000
    assert rows[2500]["payer"] == 'Acme, "Health"'


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    text = csv_text(lines(3, payer="Ökokasse Süd")).replace(
        "\nC00002", "\n\n,,,,,,,,,,,,,,,,,,\nC00002"
    )
    path = tmp_path / "c.csv"
    path.write_text(text + "\n\n")
    rows, positions, problems = read_rows(path)
    assert [r["claim_id"] for r in rows] == ["C00001", "C00002", "C00003"]
    assert positions == [1, 4, 5]
    assert problems == []


def test_truncated_last_line_is_a_row_problem(tmp_path: Path) -> None:
    text = csv_text(lines(3))
    path = tmp_path / "c.csv"
    path.write_text(text[: text.rindex(",2026-01-07")])
    rows, positions, problems = read_rows(path)
    assert positions == [1, 2, 3]
    assert rows[2]["claim_id"] == "C00003" and rows[2]["submitted_date"] == ""
    assert problems == [
        "3: the row has 9 fields but the header has 19 (an incomplete or truncated line?)"
    ]


def test_unclosed_quote_at_the_end_is_a_row_problem(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(csv_text(lines(2)) + 'C9,1,"Acme Health')
    rows, positions, problems = read_rows(path)
    assert positions == [1, 2, 3]
    assert problems and problems[0].startswith("3: the row has 3 fields")


def test_extra_field_is_a_row_problem(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(csv_text(lines(2)).replace("C00002,", "C00002,extra,", 1))
    _, _, problems = read_rows(path)
    assert problems == ["2: the row has 20 fields but the header has 19 (an unquoted comma?)"]


def test_tab_and_semicolon_delimiters(tmp_path: Path) -> None:
    for delimiter in ("\t", ";"):
        path = tmp_path / "c.csv"
        path.write_text(csv_text(lines(2, modifiers="25"), delimiter=delimiter))
        rows, _, _ = read_rows(path)
        assert rows[1]["claim_id"] == "C00002"


def test_numbered_modifier_columns_are_joined(tmp_path: Path) -> None:
    header = [
        "Claim #",
        "Payer Name",
        "CPT Code",
        "Mod 1",
        "Mod 2",
        "DOS",
        "Submitted Date",
        "Billed",
        "Status",
    ]
    path = tmp_path / "c.csv"
    path.write_text(
        ",".join(header) + "\nC1,Acme,99213,25,59,2026-01-05,2026-01-07,10,paid\n"
        "C2,Acme,99213,,59,2026-01-05,2026-01-07,10,paid\n"
    )
    rows, _, _ = read_rows(path)
    assert [r["modifiers"] for r in rows] == ["25;59", "59"]


def test_header_only_gives_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(csv_text([]))
    assert read_rows(path)[0] == []


def test_missing_required_columns_are_named(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("claim_id,payer,whatever\nC1,Acme,x\n")
    with pytest.raises(InvalidInput, match="cpt, date_of_service, submitted_date, billed_amount"):
        CsvReader(inspect(path), PhiPolicy(), lambda headers: None)


def test_two_columns_for_one_contract_column_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(csv_text(lines(1), [*GOOD_LINE, "Claim #"]))
    with pytest.raises(InvalidInput, match="'claim_id', 'Claim #' all name claim_id"):
        CsvReader(inspect(path), PhiPolicy(), lambda headers: None)


def test_text_that_is_not_the_detected_encoding(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(csv_text(lines(1)).encode("utf-16-le"))
    facts = inspect(path)
    broken = tmp_path / "broken.csv"
    broken.write_bytes(path.read_bytes()[:-1])  # an odd number of bytes: the last one is torn
    facts = facts.__class__(broken, facts.size - 1, facts.sha256, "csv", facts.encoding)
    reader = CsvReader(facts, PhiPolicy(), lambda headers: None)
    try:
        with pytest.raises(InvalidInput, match="not valid utf-16"):
            list(reader.chunks(10))
    finally:
        reader.close()
