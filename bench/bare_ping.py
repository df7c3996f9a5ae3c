"""Baseline for GET /api/v1/ping: a bare Flask app, one view, no extensions.

Served by bench/run.py with the same gunicorn settings as the app, so the
ratio between the two is what the app's own per-request machinery costs.
"""
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/ping")
def ping():
    return jsonify(ok=True)
