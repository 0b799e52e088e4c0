"""The pages a person sees while adding nudgebot to Slack: the start, the success, and
each way it can fail, in plain words with the one thing to do next. Nothing on them comes
from the request but Slack's names of the workspace, escaped."""

from __future__ import annotations

from html import escape

INSTALL_PATH = "/slack/install"

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto;
       padding: 0 1rem; color: #1d1c1d; line-height: 1.5; }}
h1 {{ color: #2c5f2d; font-size: 1.6rem; }}
a.button {{ display: inline-block; background: #2c5f2d; color: #fff; padding: .7rem 1.2rem;
           border-radius: .4rem; text-decoration: none; font-weight: 600; }}
</style></head>
<body><h1>{title}</h1>{body}</body></html>
"""

# What went wrong, by the reason Bolt's OAuth flow gives (or Slack's `error` parameter).
FAILURES: dict[str, tuple[str, str]] = {
    "access_denied": (
        "Nothing was installed",
        "You cancelled in Slack, so nudgebot was not added. You can start again at any time.",
    ),
    "invalid_browser": (
        "Please start again from this browser",
        "This install was started in another browser, or more than ten minutes ago, so I "
        "can't be sure it is yours. Nothing was installed.",
    ),
    "invalid_state": (
        "This install link has already been used or has expired",
        "Each install link works once, for ten minutes. Nothing was installed this time.",
    ),
    "missing_code": (
        "Slack did not confirm the install",
        "The answer from Slack was incomplete, so nothing was installed.",
    ),
    "invalid_code": (
        "Slack did not confirm the install",
        "Slack did not accept the install's code (it may have been used already), so "
        "nothing was installed.",
    ),
    "storage_error": (
        "The install could not be saved",
        "Slack agreed, but I could not save the installation, so nothing was installed. "
        "Please try again in a minute.",
    ),
    "unavailable": (
        "nudgebot is busy",
        "I could not reach my database just now, so nothing was installed. Please try "
        "again in a minute.",
    ),
}
OTHER = (
    "The install did not finish",
    "Something went wrong between Slack and nudgebot, so nothing was installed.",
)


def page(title: str, body: str) -> str:
    return _PAGE.format(title=escape(title), body=body)


def start_page(authorize_url: str) -> str:
    """The start: what nudgebot does, and the button that takes the person to Slack."""
    return page(
        "Add nudgebot to Slack",
        "<p>nudgebot helps a team practise the Five Practices of Exemplary Leadership: "
        "recognise people with /kudos, share wins, keep the vision in sight and see how "
        "each channel is doing.</p>"
        "<p>Slack will ask you to choose a workspace and to allow what nudgebot needs.</p>"
        f'<p><a class="button" href="{escape(authorize_url, quote=True)}">Add to Slack</a></p>',
    )


def success_page(team_name: str | None, enterprise_name: str | None, org_wide: bool) -> str:
    where = escape((enterprise_name if org_wide else team_name) or "your workspace")
    scope = "every workspace of " if org_wide else ""
    return page(
        "nudgebot is installed",
        f"<p>nudgebot now works in {scope}<strong>{where}</strong>.</p>"
        "<p>Try <code>/nudge help</code> in any channel, or invite nudgebot to a channel "
        "with <code>/invite @nudgebot</code> and post a first prompt with "
        "<code>/nudge now</code>. You can close this page.</p>",
    )


def failure_page(reason: str) -> str:
    title, said = FAILURES.get(reason, OTHER)
    return page(
        title,
        f'<p>{escape(said)}</p><p><a class="button" href="{INSTALL_PATH}">Start again</a></p>',
    )
