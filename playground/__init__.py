"""The playground: the real bot on its real request path, against a Slack stand-in with a
web page, so nudgebot can be tried without Slack (`python app.py playground`)."""
