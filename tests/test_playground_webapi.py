"""The playground's Slack stand-in answers the Web API as Slack does, through slack_sdk's own
WebClient: the methods the bot calls today and those features to come will call."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from playground import surfaces
from playground.people import BOT_USER
from playground.saved import load, save
from playground.webapi import StandIn

GENERAL, ANA, BEN = "C0GENERAL", "U0ANA", "U0BEN"
MODAL = {"type": "modal", "title": {"type": "plain_text", "text": "Hi"}, "blocks": []}
HOME = {"type": "home", "blocks": [{"type": "divider"}]}


@pytest.fixture
def slack() -> Iterator[StandIn]:
    stand_in = StandIn(zone="Europe/Berlin")
    stand_in.start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def client(slack: StandIn) -> WebClient:
    return WebClient(token="xoxb-playground", base_url=slack.api_url)


def code(call: object) -> str:
    with pytest.raises(SlackApiError) as refused:
        call()  # type: ignore[operator]
    return str(refused.value.response["error"])


def test_messages_are_posted_edited_reacted_to_and_deleted(
    slack: StandIn, client: WebClient
) -> None:
    posted = client.chat_postMessage(channel=GENERAL, text="hello", blocks=[{"type": "divider"}])
    ts = posted["ts"]
    reply = client.chat_postMessage(channel=GENERAL, text="in thread", thread_ts=ts)
    gone = client.chat_postMessage(channel=GENERAL, text="top", thread_ts="1.000000")
    assert slack.find(GENERAL, reply["ts"])["thread_ts"] == ts  # type: ignore[index]
    assert "thread_ts" not in slack.find(GENERAL, gone["ts"])  # type: ignore[operator]
    client.chat_update(channel=GENERAL, ts=ts, text="hello again")
    assert slack.find(GENERAL, ts)["text"] == "hello again"  # type: ignore[index]
    client.reactions_add(channel=GENERAL, timestamp=ts, name="tada")
    assert code(lambda: client.reactions_add(channel=GENERAL, timestamp=ts, name="tada")) == (
        "already_reacted"
    )
    assert code(lambda: client.reactions_add(channel=GENERAL, timestamp="9", name="x")) == (
        "message_not_found"
    )
    link = client.chat_getPermalink(channel=GENERAL, message_ts=ts)["permalink"]
    assert link.endswith(f"/archives/{GENERAL}/p{ts}")
    client.chat_delete(channel=GENERAL, ts=ts)
    assert slack.find(GENERAL, ts) is None
    assert code(lambda: client.chat_delete(channel=GENERAL, ts=ts)) == "message_not_found"
    assert code(lambda: client.chat_postMessage(channel="CNOPE", text="x")) == "channel_not_found"
    slack.post(GENERAL, ANA, "mine")
    mine = slack.history[GENERAL][-1]["ts"]
    assert code(lambda: client.chat_update(channel=GENERAL, ts=mine, text="x")) == (
        "cant_update_message"
    )


def test_direct_messages_and_ephemeral_messages(slack: StandIn, client: WebClient) -> None:
    dm = client.conversations_open(users=ANA)["channel"]["id"]
    by_id = client.chat_postMessage(channel=ANA, text="to Ana")  # Slack posts it in the DM
    assert by_id["channel"] == dm
    assert code(lambda: client.conversations_open(users="UNOBODY")) == "user_not_found"
    client.chat_postEphemeral(channel=GENERAL, user=BEN, text="just Ben")
    assert slack.history[GENERAL][-1]["only_for"] == BEN
    assert code(lambda: client.chat_postEphemeral(channel=dm, user=BEN, text="x")) == (
        "user_not_in_channel"
    )
    slack.channels[GENERAL]["members"].remove(BOT_USER)
    assert code(lambda: client.chat_postMessage(channel=GENERAL, text="x")) == "not_in_channel"


def test_people_and_channels(slack: StandIn, client: WebClient) -> None:
    ana = client.users_info(user=ANA)["user"]
    assert (ana["real_name"], ana["tz"], ana["is_admin"]) == ("Ana Lima", "Europe/Berlin", True)
    assert client.users_info(user=BOT_USER)["user"]["is_bot"]
    assert len(client.users_list()["members"]) == len(slack.people) + 1
    members = client.conversations_members(channel=GENERAL)["members"]
    assert ANA in members and BOT_USER in members
    assert code(lambda: client.conversations_members(channel="CNOPE")) == "channel_not_found"
    info = client.conversations_info(channel=GENERAL)["channel"]
    assert (info["name"], info["is_member"], info["is_im"]) == ("general", True, False)
    assert code(lambda: client.conversations_info(channel="CNOPE")) == "channel_not_found"
    mine = [c["name"] for c in client.users_conversations(user=BEN)["channels"]]
    assert mine == ["general", "platform"]
    assert client.dnd_info(user=ANA)["dnd_enabled"] is False
    assert client.team_info()["team"]["id"] == slack.team_id
    assert client.bots_info(bot="BBOT")["bot"]["name"] == "nudgebot"


def test_modals_open_push_update_and_close(slack: StandIn, client: WebClient) -> None:
    trigger = slack.new_trigger(ANA)
    opened = client.views_open(trigger_id=trigger, view=MODAL)["view"]
    assert code(lambda: client.views_open(trigger_id=trigger, view=MODAL)) == "invalid_trigger_id"
    pushed = client.views_push(trigger_id=slack.new_trigger(ANA), view=MODAL)["view"]
    assert [v["id"] for v in slack.modals[ANA]] == [opened["id"], pushed["id"]]
    assert surfaces.top_modal(slack, ANA)["id"] == pushed["id"]  # type: ignore[index]
    changed = {**MODAL, "title": {"type": "plain_text", "text": "Changed"}}
    updated = client.views_update(view_id=pushed["id"], view=changed, hash=pushed["hash"])
    assert updated["view"]["title"]["text"] == "Changed"
    assert code(lambda: client.views_update(view_id=pushed["id"], view=MODAL, hash="old")) == (
        "hash_conflict"
    )
    assert code(lambda: client.views_update(view_id="VNOPE", view=MODAL)) == "not_found"
    assert code(lambda: client.views_open(trigger_id=slack.new_trigger(ANA), view=HOME)) == (
        "invalid_arguments"
    )
    surfaces.close_modal(slack, ANA, pushed["id"])
    assert surfaces.top_modal(slack, ANA)["id"] == opened["id"]  # type: ignore[index]
    surfaces.close_modal(slack, ANA, everything=True)
    assert surfaces.top_modal(slack, ANA) is None


def test_app_home_is_published_and_republished(slack: StandIn, client: WebClient) -> None:
    first = client.views_publish(user_id=ANA, view=HOME)["view"]
    again = client.views_publish(user_id=ANA, view={**HOME, "blocks": []})["view"]
    assert again["id"] == first["id"] and slack.homes[ANA]["blocks"] == []
    assert surfaces.find_view(slack, first["id"]) is slack.homes[ANA]
    assert code(lambda: client.views_publish(user_id="UNOBODY", view=HOME)) == "user_not_found"
    assert code(lambda: client.views_publish(user_id=ANA, view=MODAL)) == "invalid_arguments"


def test_files_are_uploaded_as_files_upload_v2_does(slack: StandIn, client: WebClient) -> None:
    done = client.files_upload_v2(
        channel=GENERAL, content="a,b\n", filename="log.csv", title="The log", initial_comment="Hi"
    )
    file_id = done["file"]["id"]
    shared = slack.history[GENERAL][-1]
    assert shared["text"] == "Hi" and shared["files"][0]["title"] == "The log"
    assert shared["files"][0]["url_private"] == f"/play/files/{file_id}"
    assert slack.files[file_id]["data"] == b"a,b\n"
    assert client.files_info(file=file_id)["file"]["mimetype"] == "text/csv"
    assert code(lambda: client.files_info(file="FNOPE")) == "file_not_found"
    unsent = client.files_getUploadURLExternal(filename="x.png", length=1)["file_id"]
    files = [{"id": unsent, "title": "x"}]
    assert code(lambda: client.files_completeUploadExternal(files=files)) == "file_not_found"


def test_response_urls_show_as_slack_shows_them(slack: StandIn, client: WebClient) -> None:
    url = slack.new_hook(GENERAL, ANA)
    assert WebhookClient(url).send(text="only Ana").status_code == 200
    assert WebhookClient(url).send(text="all", response_type="in_channel").status_code == 200
    shown = [(m["text"], m.get("only_for")) for m in slack.history[GENERAL]]
    assert shown == [("only Ana", ANA), ("all", None)]
    clicked = slack.history[GENERAL][-1]["ts"]
    on_click = slack.new_hook(GENERAL, ANA, clicked)
    WebhookClient(on_click).send_dict({"replace_original": True, "text": "changed"})
    assert slack.find(GENERAL, clicked)["text"] == "changed"  # type: ignore[index]
    WebhookClient(on_click).send_dict({"delete_original": True})
    assert slack.find(GENERAL, clicked) is None
    expired = WebhookClient(slack.response_url("RNEVER")).send(text="x")
    assert (expired.status_code, expired.body) == (404, "expired_url")


def test_the_workspace_is_saved_and_loaded(slack: StandIn, client: WebClient, tmp_path) -> None:
    client.chat_postMessage(channel=GENERAL, text="kept")
    client.views_publish(user_id=ANA, view=HOME)
    client.files_upload_v2(channel=GENERAL, content="x", filename="a.txt")
    save(slack, tmp_path / "playground.json")
    again = StandIn()
    assert load(again, tmp_path / "playground.json")
    assert again.history[GENERAL][0]["text"] == "kept"
    assert again.homes[ANA]["blocks"] == HOME["blocks"]
    assert [f["data"] for f in again.files.values()] == [b"x"]
    assert int(again.file_id()[1:]) > max(int(f[1:]) for f in again.files)
    (tmp_path / "broken.json").write_text("{")
    assert not load(again, tmp_path / "broken.json")
    (tmp_path / "old.json").write_text(json.dumps({"version": 0}))
    assert not load(again, tmp_path / "old.json")
    assert not load(again, tmp_path / "missing.json")
