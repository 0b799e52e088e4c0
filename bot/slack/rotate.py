"""`python app.py rotate-keys`: every stored token sealed again with the newest key of
NUDGEBOT_ENCRYPTION_KEY (and any token kept in plain text sealed for the first time).
Safe to run while the app runs: a token changed meanwhile (refreshed) is left as it is."""

from __future__ import annotations

import sys

from bot.settings import SettingsError, load_settings
from bot.slack.stores import SealedInstallationStore
from bot.slack.tokens import Sealer, TokenError
from models.db import make_engine
from models.migrate import MigrationError, upgrade


def main() -> int:
    """0 and how many values changed, or 2 and why not."""
    try:
        settings = load_settings(role="scheduler")
        if not settings.encryption_keys:
            raise TokenError(
                "NUDGEBOT_ENCRYPTION_KEY is not set: there is no key to seal the tokens with"
            )
        engine = make_engine(settings.database_url)
        try:
            upgrade(engine)
            store = SealedInstallationStore(
                settings.client_id or "", engine, Sealer.from_settings(settings)
            )
            changed = store.reseal_all()
        finally:
            engine.dispose()
    except (SettingsError, MigrationError, TokenError) as err:
        print(f"nudgebot: {err}", file=sys.stderr)
        return 2
    print(f"nudgebot: {changed} stored token value(s) sealed again with the newest key")
    return 0
