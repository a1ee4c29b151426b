"""[access] invitation_days: how long an invitation link stays valid."""

from __future__ import annotations

import pytest

from bot.settings import ConfigError, settings_from_mapping


def test_invitations_last_a_week_unless_configured() -> None:
    assert settings_from_mapping({}, environ={}).access.invitation_days == 7
    configured = settings_from_mapping({"access": {"invitation_days": 3}}, environ={})
    assert configured.access.invitation_days == 3


@pytest.mark.parametrize("value", [0, 91, "7", True, 2.5])
def test_invalid_invitation_days_name_the_key(value: object) -> None:
    with pytest.raises(ConfigError) as error:
        settings_from_mapping({"access": {"invitation_days": value}}, environ={})
    assert error.value.key == "access.invitation_days"
