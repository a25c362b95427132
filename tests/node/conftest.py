"""Node tests run in the same embedded region as the federation tests."""

from __future__ import annotations

from ..federation.conftest import (  # noqa: F401 - fixtures
    agencies,
    embedded_node,
    federation_settings,
)
