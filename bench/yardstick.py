"""The yardstick: a plain Flask app, no extension, sending from memory the answers the portal
sent, byte for byte (body and headers), so that a page from the portal's cache is measured
against what it costs Flask alone to send the same bytes.

    YARDSTICK_ANSWERS=answers.pickle gunicorn 'bench.yardstick:create_app()'

The file maps each path to the status, headers and body the portal answered for it
(``capture``, which ``bench/run.py`` calls).
"""
import os
import pickle
import urllib.request

from flask import Flask, Response

# What gunicorn writes itself on every answer, the yardstick's as the portal's.
WRITTEN_BY_THE_SERVER = {"server", "date", "connection", "transfer-encoding"}


def create_app():
    app = Flask(__name__)
    with open(os.environ["YARDSTICK_ANSWERS"], "rb") as answers_file:
        answers = pickle.load(answers_file)

    @app.get("/<path:path>")
    @app.get("/", defaults={"path": ""})
    def answer(path):
        status, headers, body = answers["/" + path]
        return Response(body, status=status, headers=headers)
    return app


def capture(base, paths, headers):
    """What the portal at ``base`` answers for each path, asked with ``headers``."""
    answers = {}
    for path in paths:
        with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers)) as reply:
            answers[path] = (reply.status, [(name, value) for name, value in reply.getheaders()
                                            if name.lower() not in WRITTEN_BY_THE_SERVER],
                             reply.read())
    return answers
