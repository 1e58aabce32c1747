"""Preferences of the desktop app: the person's own, under the machine policy IT sets.

``load_preferences()`` gives every known setting with its effective value, where it
came from (``default``, ``user`` or ``machine``) and whether IT locked it;
``set_user_preference`` saves one and refuses a locked one (``PreferenceLocked``).
"""

from desktop.config.keys import SPECS, PreferenceSpec
from desktop.config.machine_policy import (
    POLICY_ENV,
    MachinePolicy,
    MachinePolicyError,
    load_machine_policy,
    machine_policy_path,
)
from desktop.config.preferences import (
    Preference,
    PreferenceLocked,
    Preferences,
    UserSettingsError,
    load_preferences,
    set_user_preference,
    user_settings_path,
)

__all__ = [
    "POLICY_ENV",
    "SPECS",
    "MachinePolicy",
    "MachinePolicyError",
    "Preference",
    "PreferenceLocked",
    "PreferenceSpec",
    "Preferences",
    "UserSettingsError",
    "load_machine_policy",
    "load_preferences",
    "machine_policy_path",
    "set_user_preference",
    "user_settings_path",
]
