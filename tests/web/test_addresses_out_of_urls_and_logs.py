"""Email addresses and tokens stay out of URLs and out of every log line, the development
server's request log (`make run`) included."""
from __future__ import annotations

import logging
import threading
import urllib.request

from werkzeug.serving import make_server

from .conftest import submit, text_of
from .test_accounts import GOOD as GOOD_REGISTRATION


def test_the_sign_in_page_takes_no_address_from_its_url(client):
    page = client.get("/sign-in?email=victim@example.org")
    assert page.status_code == 200 and "victim@example.org" not in text_of(page)


def test_a_taken_address_reaches_the_sign_in_form_without_a_url_carrying_it(client, member):
    refused = submit(client, "/register", {**GOOD_REGISTRATION, "email": member.email})
    assert refused.status_code == 422
    assert member.email not in "".join(refused.headers.get_all("Location"))
    assert f'value="{member.email}"' in text_of(client.get("/sign-in"))
    assert f'value="{member.email}"' not in text_of(client.get("/sign-in"))  # only once


def test_the_development_servers_request_log_has_no_query_strings_or_addresses(app, caplog):
    server = make_server("127.0.0.1", 0, app)  # what `flask run` (make run) serves with
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            url = f"http://127.0.0.1:{server.port}/sign-in?email=victim%40example.org&token=wnh_x1"
            with urllib.request.urlopen(url) as answer:
                assert answer.status == 200
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
    logged = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("GET /sign-in" in line for line in logged)
    assert not any("?" in line or "victim" in line or "wnh_x1" in line for line in logged)
