"""Where "Add to Slack" keeps its installations and OAuth states: slack_sdk's SQLAlchemy
stores on the app's own tables (models/installs.py, created by migration 0013), with every
token sealed on the way in and opened on the way out (bot/slack/tokens.py)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, Table, and_, delete, desc, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.slack.tokens import Sealer
from models.installs import SlackBot, SlackInstallation, SlackOAuthState, SlackOrgTeam

log = logging.getLogger("nudgebot.installs")

BOT_TOKENS = ("bot_token", "bot_refresh_token")
TOKENS = (*BOT_TOKENS, "user_token", "user_refresh_token")
STATE_SECONDS = 600  # an install started must finish within ten minutes


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


class SealedInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's SQLAlchemy installation store on our tables; tokens sealed at rest.
    Its tables come from the migrations only (`create_tables` refuses)."""

    def __init__(self, client_id: str, engine: Engine, sealer: Sealer) -> None:
        super().__init__(client_id=client_id, engine=engine, logger=log)
        self.installations = _table(SlackInstallation)
        self.bots = _table(SlackBot)
        self.sealer = sealer

    def create_tables(self) -> None:
        raise RuntimeError("the installation tables are created by the migrations (0013)")

    # -- sealed on the way in, opened on the way out ----------------------------------------

    def save(self, installation: Installation) -> None:
        sealed = Installation(**installation.to_dict_for_copying())
        for name in TOKENS:
            setattr(sealed, name, self.sealer.seal(getattr(installation, name)))
        super().save(sealed)  # saves its bot through save_bot, already sealed

    def save_bot(self, bot: Bot) -> None:
        sealed = Bot(**bot.to_dict_for_copying())
        for name in BOT_TOKENS:
            setattr(sealed, name, self.sealer.seal(getattr(bot, name)))
        super().save_bot(sealed)

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        bot = super().find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        if bot is not None:
            for name in BOT_TOKENS:
                setattr(bot, name, self.sealer.open(getattr(bot, name)))
        return bot

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = super().find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        if found is not None:
            for name in TOKENS:  # a token copied from find_bot is open already
                setattr(found, name, self.sealer.open(getattr(found, name)))
        return found

    # -- what the app asks besides --------------------------------------------------------

    def installed_where(self, team_id: str) -> tuple[str | None, str | None, bool] | None:
        """(enterprise_id, team_id, is_enterprise_install) of the installation that speaks
        for the workspace `team_id`: its own, else its org's (an org-wide install), else None."""
        c = self.installations.c
        with self.engine.connect() as conn:
            row = conn.execute(
                select(c.enterprise_id)
                .where(c.client_id == self.client_id, c.team_id == team_id)
                .order_by(desc(c.installed_at))
                .limit(1)
            ).first()
            if row is not None:
                return row.enterprise_id, team_id, False
            enterprise = conn.scalar(
                select(SlackOrgTeam.enterprise_id).where(SlackOrgTeam.team_id == team_id)
            )
            if enterprise is None:
                return None
            org = conn.scalar(
                select(c.id)
                .where(
                    c.client_id == self.client_id,
                    c.enterprise_id == enterprise,
                    c.team_id.is_(None),
                )
                .limit(1)
            )
        return (enterprise, None, True) if org is not None else None

    def remember_org(self, team_id: str, enterprise_id: str) -> None:
        """Record that the workspace `team_id` belongs to the org `enterprise_id`."""
        table = _table(SlackOrgTeam)
        values = {"team_id": team_id, "enterprise_id": enterprise_id, "seen_at": datetime.now(UTC)}
        with self.engine.begin() as conn:
            dialect = conn.dialect.name
            insert = pg_insert if dialect == "postgresql" else sqlite_insert
            conn.execute(
                insert(table)
                .values(**values)
                .on_conflict_do_update(
                    index_elements=["team_id"], set_={"enterprise_id": enterprise_id}
                )
            )

    def teams_of_org(self, enterprise_id: str) -> list[str]:
        """The workspaces seen of the org `enterprise_id` that have no installation of
        their own (the org-wide one speaks for them)."""
        c = self.installations.c
        own = select(c.team_id).where(c.client_id == self.client_id, c.team_id.is_not(None))
        with self.engine.connect() as conn:
            return list(
                conn.scalars(
                    select(SlackOrgTeam.team_id).where(
                        SlackOrgTeam.enterprise_id == enterprise_id,
                        SlackOrgTeam.team_id.not_in(own),
                    )
                )
            )

    def delete_bot_tokens(self, enterprise_id: str | None, team_id: str | None) -> None:
        """`tokens_revoked` for the bot: its rows go, and the installations' bot tokens."""
        self.delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        c = self.installations.c
        with self.engine.begin() as conn:
            conn.execute(
                update(self.installations)
                .where(
                    c.client_id == self.client_id,
                    c.enterprise_id == enterprise_id,
                    c.team_id == team_id,
                )
                .values(bot_token=None, bot_refresh_token=None, bot_token_expires_at=None)
            )

    def delete_user_tokens(
        self, enterprise_id: str | None, team_id: str | None, user_ids: list[str]
    ) -> None:
        """`tokens_revoked` for people: their installations go."""
        for user_id in user_ids:
            self.delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)

    def reseal_all(self) -> int:
        """Seal every stored token again with the newest key (plain text too); the number of
        values changed. Each row is changed only if nobody changed it meanwhile."""
        changed = 0
        for table, names in ((self.installations, TOKENS), (self.bots, BOT_TOKENS)):
            for row in self._rows(table, names):
                for name in names:
                    old = row[name]
                    new = self.sealer.reseal(old)
                    if new == old:
                        continue
                    with self.engine.begin() as conn:
                        result = conn.execute(
                            update(table)
                            .where(and_(table.c.id == row["id"], table.c[name] == old))
                            .values({name: new})
                        )
                    changed += result.rowcount
        return changed

    def check_keys(self) -> None:
        """Raise TokenError unless the newest stored bot token opens with the keys given
        now: a key replaced rather than added in front would leave every workspace unable
        to work, so the app says so at its start instead."""
        with self.engine.connect() as conn:
            newest = conn.execute(
                select(self.bots.c.bot_token)
                .where(self.bots.c.bot_token.is_not(None))
                .order_by(self.bots.c.installed_at.desc(), self.bots.c.id.desc())
                .limit(1)
            ).scalar()
        self.sealer.open(newest)

    def _rows(self, table: Table, names: tuple[str, ...]) -> Iterator[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(table.c.id, *(table.c[n] for n in names))).mappings()
            found = [dict(row) for row in rows]
        yield from found


class SignedStateStore(SQLAlchemyOAuthStateStore):
    """slack_sdk's SQLAlchemy state store on our table: a state is signed with
    SLACK_STATE_SECRET (a forged one is refused without a database read), good for ten
    minutes, and consumed at most once even when two requests race (one DELETE decides)."""

    def __init__(
        self, engine: Engine, secret: str, expiration_seconds: int = STATE_SECONDS
    ) -> None:
        super().__init__(expiration_seconds=expiration_seconds, engine=engine, logger=log)
        self.oauth_states = _table(SlackOAuthState)
        self._key = secret.encode()

    def create_tables(self) -> None:
        raise RuntimeError("the OAuth state table is created by the migrations (0013)")

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._key, nonce.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self, *args: Any, **kwargs: Any) -> str:
        nonce = secrets.token_urlsafe(24)
        state = f"{nonce}.{self._sign(nonce)}"
        now = datetime.now(UTC).replace(tzinfo=None)
        c = self.oauth_states.c
        with self.engine.begin() as conn:
            conn.execute(delete(self.oauth_states).where(c.expire_at <= now))
            conn.execute(
                self.oauth_states.insert(),
                {"state": state, "expire_at": now + timedelta(seconds=self.expiration_seconds)},
            )
        return state

    def consume(self, state: str) -> bool:
        nonce, _, signature = (state or "").partition(".")
        if not nonce or not hmac.compare_digest(signature.encode(), self._sign(nonce).encode()):
            return False
        now = datetime.now(UTC).replace(tzinfo=None)
        c = self.oauth_states.c
        with self.engine.begin() as conn:  # a database error: the flow says "try again"
            result = conn.execute(
                delete(self.oauth_states).where(c.state == state, c.expire_at > now)
            )
        return result.rowcount == 1
