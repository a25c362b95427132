"""The demo region's information-sharing protocol, so that detail requests can be answered.

A real region agrees its protocols and an ISA officer records them on the
protocols pages; the made-up demo region starts with one regional protocol
between every accredited organisation, recorded by its ISA officer. Consents
are still the family's: without one, assessments, case records and sensitive
involvement stay refused.
"""

from __future__ import annotations

from django.utils import timezone

from fame.accounts.models import Organisation, User

from .actions import create_protocol
from .models import Protocol

DEMO_PROTOCOL = "demo-regional-early-help"


def seed_demo_protocol(*, isa_officer_username: str) -> Protocol | None:
    """Register the demo protocol once; None when it exists or nobody can record it."""
    if Protocol.objects.filter(reference=DEMO_PROTOCOL).exists():
        return None
    officer = User.objects.filter(username=isa_officer_username, is_active=True).first()
    parties = [o.agency_id for o in Organisation.objects.order_by("agency_id") if o.is_accredited]
    if officer is None or len(parties) < 2:
        return None
    today = timezone.localdate()
    return create_protocol(
        reference=DEMO_PROTOCOL,
        title="Northmoor regional early help and safeguarding protocol (demo)",
        scope="regional",
        parties=parties,
        purposes=["early_help", "safeguarding", "service_coordination"],
        data_categories=["assessment", "case", "sensitive"],
        lawful_basis=(
            "Consent of the child or family; for safeguarding, Children Act 1989 s47 and "
            "Children Act 2004 s11. Demo region only."
        ),
        in_force_from=today.replace(month=1, day=1),
        in_force_to=None,
        by=officer,
    )
