"""The two companies of a partnership by name: the vendor (the workspace that installed
partnerbot and linked the channel) and the partner (named in the setup).

Both sides are named alike wherever a person is shown with their side ("Terry (Globex)",
"Dana (Acme Resellers)"), and what belongs to both reads as joint (the two names joined by
a multiplication sign). The names are text a person typed (a workspace's name, the setup's
partner name): views quote them through ``handlers.text`` like any other typed text.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from storage.models import Partnership, Side, Workspace
from storage.queries import loaded

TIMES = "\N{MULTIPLICATION SIGN}"
# Shown until partnerbot has learned its own workspace's name (every request tells it).
UNKNOWN_VENDOR = "Vendor"


@dataclass(frozen=True)
class Sides:
    """The names of a partnership's two companies."""

    vendor: str
    partner: str
    vendor_known: bool = True

    @property
    def joint(self) -> str:
        """What belongs to both: the two names joined by a multiplication sign."""
        return f"{self.vendor} {TIMES} {self.partner}"

    def name(self, side: Side) -> str:
        """The company of ``side``: "Globex" or "Acme Resellers"."""
        return self.vendor if side is Side.VENDOR else self.partner

    def other(self, side: Side) -> str:
        """The company across from ``side``."""
        return self.partner if side is Side.VENDOR else self.vendor

    def tag(self, side: Side) -> str:
        """A side named in full: "Globex, vendor side" or "Acme Resellers, partner side"."""
        if side is Side.VENDOR and not self.vendor_known:
            return "vendor side"
        return f"{self.name(side)}, {side.value} side"

    def label(self, person: str, side: Side) -> str:
        """A person beside their company: "Terry TM (Globex)", "Dana (Acme Resellers)"."""
        return f"{person} ({self.name(side)})"


def vendor_name(session: Session, team_id: str) -> str | None:
    """The vendor workspace's name, when partnerbot has learned it."""
    workspace = session.get(Workspace, team_id)
    return workspace.name if workspace is not None and workspace.name else None


def sides(session: Session, partnership: Partnership) -> Sides:
    """Both company names of a partnership (the vendor's as read with it, or looked up)."""
    if loaded(partnership, "vendor_workspace"):  # loaded with it: the hot reads join it in
        workspace = partnership.vendor_workspace
        vendor = workspace.name if workspace is not None and workspace.name else None
    else:
        vendor = vendor_name(session, partnership.vendor_team_id)
    return Sides(
        vendor=vendor or UNKNOWN_VENDOR,
        partner=partnership.partner_name,
        vendor_known=vendor is not None,
    )
