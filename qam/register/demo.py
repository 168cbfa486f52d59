"""The demo's register beyond HMICFRS: an IOPC learning recommendation and two coroners'
prevention of future deaths reports (plans/learning.csv), and a month of action-plan updates,
one a correction, so the clocks, the register report and the board packs have something to
show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qam.demo import DemoContext

# (ref, days ago, progress, rag, evidence, next check-point in days from now)
UPDATES = (
    (
        "REC-2023-011",
        29,
        "Handover checklist drafted with the custody sergeants.",
        "amber",
        None,
        20,
    ),
    (
        "COC-2023-001",
        27,
        "Risk-review prompt added to the custody record at every handover.",
        "amber",
        "Custody system change CR-2211",
        35,
    ),
    (
        "IOPC-2026-014",
        26,
        "Rousing-check briefing given to every custody team; monthly audit designed.",
        "amber",
        "Briefing register, 4 suites",
        14,
    ),
    (
        "AFI-2024-007",
        24,
        "Vulnerability screening questions agreed with the control room.",
        "green",
        None,
        30,
    ),
    ("PFD-2026-004", 21, "Draft response to the coroner circulated to the ACC.", "amber", None, 7),
    (
        "REC-2024-002",
        18,
        "Twelve call handlers recruited; training starts in January.",
        "amber",
        "Recruitment tracker",
        40,
    ),
    (
        "COC-2024-001",
        16,
        "Abandoned 101 calls down from 19% to 14% since September.",
        "red",
        "Contact management dashboard",
        28,
    ),
    (
        "AFI-2025-001",
        12,
        "Exploitation screening tool live at the hub; partners trained.",
        "green",
        "MASH minutes, 10 Nov",
        45,
    ),
    (
        "REC-2023-011",
        6,
        "Checklist live in Eastbridge and Northgate; Westfield next month.",
        "green",
        "Dip sample of 20 handovers",
        20,
    ),
    (
        "AFI-2024-012",
        3,
        "Performance framework refreshed; first quarterly review held.",
        "green",
        None,
        60,
    ),
)
CORRECTED = (
    "REC-2023-011",
    "Checklist live in Eastbridge and Northgate (not yet Westfield).",
    "The first update said drafted; it was already in use in two suites.",
)


def add_learning_and_updates(ctx: DemoContext) -> str:
    """Import the other sources of learning and record a month of updates (dated as they were)."""
    from qam.register.importer import import_register
    from qam.register.updates import record_update

    receipt = import_register(ctx.store, ctx.plans / "learning.csv", actor=ctx.actor)
    now = datetime.now(UTC).replace(microsecond=0)
    first: dict[str, str] = {}
    for ref, ago, progress, rag, evidence, ahead in UPDATES:
        row = record_update(
            ctx.store,
            ref,
            progress=progress,
            actor=ctx.actor,
            rag=rag,
            evidence=evidence,
            checkpoint=(now + timedelta(days=ahead)).date().isoformat(),
            at=(now - timedelta(days=ago)).isoformat(),
        )
        first.setdefault(ref, row["id"])
    ref, progress, reason = CORRECTED
    record_update(
        ctx.store,
        ref,
        progress=progress,
        actor=ctx.actor,
        rag="amber",
        corrects=first[ref],
        reason=reason,
        at=(now - timedelta(days=28)).isoformat(),
    )
    return (
        f"{len(receipt.added)} items from the IOPC and coroners; "
        f"{len(UPDATES) + 1} action-plan updates over the month (one a correction)"
    )
