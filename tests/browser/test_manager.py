"""The manager's journey: a practitioner refused an assessment asks again for safeguarding,
and their manager authorises the override at their side with a one-time code.

The live server is hub and node at once; axe checks every page on the way.
"""

from __future__ import annotations

import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from fame.federation.models import DetailRequest
from fame.node.models import NodeRecord

from ..conftest import UserFactory, authenticator, current_code
from ..federation.test_detail_requests import consent_for_health, share_assessments
from .test_child_index import signed_in
from .test_detail_requests import open_olivia, region_on_live_server  # noqa: F401 - fixture
from .test_journeys import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SCHOOL = "Hollins Lane Primary School"


def next_code(device) -> str:
    """The code for the next time step: a code already used (the override's) is refused."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + device.step
    return f"{totp.token():06d}"


@pytest.fixture
def manager(health_trust):
    return UserFactory(
        username="hana",
        first_name="Hana",
        last_name="Price",
        organisation=health_trust,
        job_title="Health visiting team manager",
        roles=["manager"],
    )


@pytest.fixture
def family_refused(region_on_live_server, isa_officer, health_visitor):  # noqa: F811
    """A protocol lets the school share assessments with health; the family refused it."""
    NodeRecord.objects.update(caf_status="open")
    share_assessments(by=isa_officer)
    consent_for_health(health_visitor, decision="deny")


def test_a_manager_authorises_a_safeguarding_override(
    page, health_visitor, manager, family_refused
):
    device = authenticator(manager)
    signed_in(page, health_visitor)
    open_olivia(page, purpose="Safeguarding")
    consents = page.get_by_role("table", name="Consent decisions recorded for this child")
    expect(consents.get_by_role("cell", name="Refused by a parent")).to_be_visible()
    expect(consents.get_by_role("cell", name="Northmoor Community Health")).to_be_visible()
    covers = "Assessment and case information, for early help and safeguarding"
    expect(consents.get_by_role("cell", name=covers)).to_be_visible()

    # Asked for early help, the school refuses: the family said no.
    page.get_by_role("link", name=f"Ask {SCHOOL} for more information").click()
    page.check()
    page.get_by_label("Early help", exact=True).check()
    page.get_by_label("Assessments").check()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Send the request").click()
    page.check()
    expect(page.get_by_role("heading", name=f"{SCHOOL} refused your request")).to_be_visible()
    expect(page.get_by_text("a consent in force refuses sharing assessment")).to_be_visible()
    expect(page.get_by_role("heading", name="What you can do next")).to_be_visible()
    page.save_screenshot("manager-journey-refused")

    # The page leads to the ask form for safeguarding, the override part open.
    page.get_by_role("link", name="ask again for safeguarding reasons").click()
    page.check()
    expect(page.get_by_label("Safeguarding")).to_be_checked()
    expect(page.get_by_label("Assessments")).to_be_checked()
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Why has the family not been told?").fill(
        "Telling the family may put the child at risk"
    )
    page.get_by_label("If there is no consent: why you must ask without it").fill(
        "Bruising seen at clinic today"
    )
    page.get_by_label("Username of the manager").fill("hana")
    page.get_by_label("Their security code").fill(current_code(device))
    page.save_screenshot("manager-journey-override")
    page.get_by_role("button", name="Send the request").click()
    page.check()
    expect(page.get_by_role("heading", name=f"{SCHOOL} shared information")).to_be_visible()
    expect(page.get_by_text("Common Assessment Framework (CAF), open")).to_be_visible()
    released = DetailRequest.objects.get(status="released")
    assert (released.purpose, released.override_authoriser) == ("safeguarding", "hana")

    # Both requests are on the disclosures page: the refusal and the release.
    page.get_by_role("link", name="Back to the record").click()
    page.check()
    page.get_by_role("link", name="Information shared about this child").click()
    page.check()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Refused")).to_have_count(1)
    released_row = rows.filter(has_text="Shared").filter(has_text="authorised by Hana Price")
    expect(released_row).to_have_count(1)
    page.save_screenshot("manager-journey-disclosures")

    # The manager signs in; their home page is kept for a person to look at.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "hana")
    page.get_by_label("Security code").fill(next_code(device))
    page.get_by_role("button", name="Continue").click()
    page.check()
    expect(page.page).to_have_title("Home – FAME")
    page.save_screenshot("home-manager")
