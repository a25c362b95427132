"""Named people and helpers shared by every test."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from fame.accounts.models import AccreditationStatus, OrganisationType, User
from fame.audit.signing import clear_key_cache

from .factories import OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Iterator[Path]:
    """Each test keeps keys and files under its own DATA_DIR, never the developer's var/."""
    settings.DATA_DIR = tmp_path
    clear_key_cache()
    yield tmp_path
    clear_key_cache()


@pytest.fixture
def school(db):
    return OrganisationFactory(
        agency_id="sch-001", name="Hollins Lane Primary School", type=OrganisationType.SCHOOL
    )


@pytest.fixture
def health_trust(db):
    return OrganisationFactory(
        agency_id="hlt-001", name="Northmoor Community Health", type=OrganisationType.HEALTH_TRUST
    )


@pytest.fixture
def local_authority(db):
    return OrganisationFactory(
        agency_id="lasc-001",
        name="Northmoor Children's Services",
        type=OrganisationType.SOCIAL_CARE,
    )


@pytest.fixture
def pending_charity(db):
    return OrganisationFactory(
        agency_id="vol-009",
        name="Riverside Family Trust",
        type=OrganisationType.VOLUNTARY,
        accreditation_status=AccreditationStatus.PENDING,
        accreditation_date=None,
    )


@pytest.fixture
def school_teacher(school) -> User:
    return UserFactory(
        username="alice", first_name="Alice", organisation=school, job_title="Class teacher"
    )


@pytest.fixture
def health_visitor(health_trust) -> User:
    return UserFactory(
        username="bob", first_name="Bob", organisation=health_trust, job_title="Health visitor"
    )


@pytest.fixture
def isa_officer(local_authority) -> User:
    return UserFactory(
        username="charlie",
        first_name="Charlie",
        organisation=local_authority,
        job_title="Information-sharing officer",
        roles=["practitioner", "isa_officer"],
    )


@pytest.fixture
def isa_only(local_authority) -> User:
    """An ISA officer whose only role is that, as in the demo region: no practitioner role."""
    return UserFactory(
        username="ines",
        first_name="Ines",
        last_name="Ward",
        organisation=local_authority,
        job_title="Information sharing and assessment officer",
        roles=["isa_officer"],
    )


@pytest.fixture
def manager(local_authority) -> User:
    return UserFactory(
        username="morag",
        first_name="Morag",
        last_name="Reid",
        organisation=local_authority,
        job_title="Head of early help",
        roles=["manager"],
    )


@pytest.fixture
def coordinator(local_authority) -> User:
    return UserFactory(
        username="cora",
        first_name="Cora",
        organisation=local_authority,
        job_title="CAF co-ordinator",
        roles=["caf_coordinator"],
    )


@pytest.fixture
def administrator(local_authority) -> User:
    return UserFactory(
        username="dana",
        first_name="Dana",
        organisation=local_authority,
        job_title="Systems administrator",
        roles=["administrator"],
    )


@pytest.fixture
def auditor(local_authority) -> User:
    return UserFactory(
        username="judy",
        first_name="Judy",
        last_name="Okafor",
        organisation=local_authority,
        job_title="Information governance auditor",
        roles=["auditor"],
    )


@pytest.fixture
def partnership_officer(local_authority) -> User:
    """Oversees the children's services partnership: watches the region live, does none
    of its work."""
    return UserFactory(
        username="pat",
        first_name="Pat",
        last_name="Partner",
        organisation=local_authority,
        job_title="Partnership performance lead",
        roles=["partnership_officer"],
    )


@pytest.fixture
def directory_editor(local_authority) -> User:
    """Keeps the service directory current; sees no child's record."""
    return UserFactory(
        username="dee",
        first_name="Dee",
        last_name="Rector",
        organisation=local_authority,
        job_title="Family information service officer",
        roles=["directory_editor"],
    )


@pytest.fixture
def unvetted_volunteer(school) -> User:
    return UserFactory(
        username="eve",
        first_name="Eve",
        organisation=school,
        job_title="Volunteer",
        vetting_checked_on=None,
    )


@pytest.fixture
def unaccredited_worker(pending_charity) -> User:
    return UserFactory(
        username="frank",
        first_name="Frank",
        organisation=pending_charity,
        job_title="Family support worker",
    )


def authenticator(user: User) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "Test authenticator"}
    )
    return device


def current_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def signed_in_client(user: User) -> Client:
    """A test client signed in with both factors."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()
    return client


@pytest.fixture
def demo_history(db, settings, tmp_path: Path):
    """A hub with a played history: a demo region of 300 children on this process as hub and
    node, and its last three years of CAFs played at the node and delivered to the hub
    (``fame.caf.node.history``). The report of what was played; the region in tmp_path."""
    from fame.federation import client as federation_client
    from fame.federation._breaker import breakers
    from fame.federation.transports import DjangoClientTransport
    from fame.web.management.commands._region import region_with_history

    settings.FAME_PUBLIC_URL = settings.FAME_HUB_URL = "http://testserver"
    settings.FAME_OUTBOX_MAX_BACKOFF = 0.01
    # A transactional test before this one on the same worker flushed the courses the
    # migrations made (a region's practitioners hold them): make them again.
    import_module("fame.accounts.migrations.0002_required_training").add_courses(django_apps, None)
    breakers.reset()
    federation_client.use_transport(DjangoClientTransport())
    try:
        yield region_with_history(tmp_path / "demo", children=300, seed=11)
    finally:
        federation_client.use_transport(None)
        breakers.reset()
