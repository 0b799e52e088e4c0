from tests.driver import SlackDriver


def test_kudos_smoke(bot: SlackDriver) -> None:
    other = "UOTHER1"
    reply, key = bot.command("/kudos", f"<@{other}|ana> for running the retro")
    assert reply.status == 200, reply.body
    posted = bot.slack.wait_response(key)
    print(posted)
    assert posted["response_type"] == "in_channel"
