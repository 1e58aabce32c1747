"""``sniff`` decides from content, never from the file name."""

from __future__ import annotations

import pytest

from desktop.ingest.x12 import sniff

from .builders import ISA, interchange, remittance, render

REMITTANCE = render(remittance("CLP*C1*1*100*100**12*P", "SVC*HC:99213*100*100")).encode()
SUBMISSION = render(interchange("837", ["BHT*0019*00*B1*20240110*1200*CH"])).encode()


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (REMITTANCE, "835"),
        (SUBMISSION, "837"),
        (REMITTANCE[:4096], "835"),
        (b"ST*835*0001~BPR*I*1*C*CHK~", "835"),
        (b"ST|837|0001|005010X222A1\nBHT|0019", "837"),
        (b"\xef\xbb\xbf" + REMITTANCE, "835"),
        # the head ends before any ST: the functional group decides
        (f"{ISA}~GS*HP*S*R*20240105*1200*1*X*005010X221A1~".encode(), "835"),
        (f"{ISA}~GS*HC*S*R*20240105*1200*1*X*005010X222A1~".encode(), "837"),
        (f"{ISA}~GS*HS*S*R*20240105*1200*1*X*005010X279A1~ST*270*1~".encode(), None),
        (REMITTANCE[:60], None),  # not even a whole ISA
        (b"claim_id,line_number,payer\nC1,1,ACME\n", None),
        (b"%PDF-1.7\n", None),
        (b"", None),
        (b"STATUS REPORT 835 837", None),
    ],
    ids=range(14),
)
def test_sniff(head: bytes, kind: str | None) -> None:
    assert sniff(head) == kind
