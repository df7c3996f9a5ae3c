"""`flask --app booking tokens ...`: personal API tokens from the command line."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..services import accounts, tokens
from ..services.errors import BookingError


@click.group("tokens", cls=AppGroup, help="Personal API tokens.")
def tokens_group() -> None:
    pass


@tokens_group.command("create")
@click.argument("email")
@click.option("--name", default="Command line", help="A name to recognise the token by.")
def tokens_create(email: str, name: str) -> None:
    """Create a token for EMAIL; the token is printed once, as the last line."""
    from ..cli import cli_session, fail

    try:
        with cli_session() as session:
            user = accounts.get_user_by_email(session, email)
            if user is None or user.is_deleted:
                fail(f"No account with the email {email!r}.")
            token, secret = tokens.create_token(session, user, name)
            click.echo(f"Created token {token.prefix}… for {user.email}. It is shown only once:")
            click.echo(secret)
    except BookingError as error:
        fail(error.message)
