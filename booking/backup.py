"""Backups and restores: `flask --app booking backup PATH` / `restore PATH --yes`.

SQLite: the online backup API copies a consistent snapshot while the app keeps
serving (readers and writers are not stopped; WAL content is included).
Restoring copies the backup back page by page under the write lock, so the
running app sees either the old or the restored database, never a mixture.

PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot in one
transaction) and ``pg_restore --clean --if-exists --single-transaction``. The
password travels in PGPASSWORD, never on the command line where ``ps`` shows
it. Without the client tools installed the commands print what to run.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import URL, make_url


@dataclass
class PgCommand:
    argv: list[str]
    env: dict[str, str]

    def shown(self) -> str:
        return " ".join(self.argv)


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise click.ClickException("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def _libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and the environment that carries it."""
    parsed = make_url(url)
    env = {"PGPASSWORD": parsed.password} if parsed.password else {}
    bare = URL.create("postgresql", username=parsed.username, host=parsed.host,
                      port=parsed.port, database=parsed.database, query=parsed.query)
    return bare.render_as_string(hide_password=False), env


def pg_dump_command(url: str, path: Path) -> PgCommand:
    target, env = _libpq_target(url)
    return PgCommand(["pg_dump", "--format=custom", "--no-owner", "--file", str(path),
                      "--dbname", target], env)


def pg_restore_command(url: str, path: Path) -> PgCommand:
    target, env = _libpq_target(url)
    return PgCommand(["pg_restore", "--clean", "--if-exists", "--no-owner",
                      "--single-transaction", "--exit-on-error", "--dbname", target, str(path)],
                     env)


def backup_sqlite(url: str, path: Path) -> None:
    """A consistent copy of a live SQLite database, taken with the online backup API."""
    source = sqlite3.connect(_sqlite_path(url), timeout=30)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def restore_sqlite(url: str, path: Path) -> None:
    """Put a backup back in place of the live database (the backup API, reversed)."""
    if not path.is_file():
        raise click.ClickException(f"{path} is not a backup file.")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    target = sqlite3.connect(_sqlite_path(url), timeout=30)
    try:
        source.execute("PRAGMA schema_version").fetchone()  # fails early on a non-database
        source.backup(target)
    except sqlite3.DatabaseError as error:
        raise click.ClickException(f"{path} is not a SQLite backup ({error}).") from error
    finally:
        target.close()
        source.close()


def _run_pg(command: PgCommand) -> None:
    if shutil.which(command.argv[0]) is None:
        click.echo(f"{command.argv[0]} is not installed here. Run, with PGPASSWORD set:")
        click.echo(f"  {command.shown()}")
        raise SystemExit(2)
    result = subprocess.run(command.argv, env={**os.environ, **command.env},
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise click.ClickException(f"{command.argv[0]} failed: {result.stderr.strip()}")


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--print-command", is_flag=True,
              help="PostgreSQL: only print the pg_dump command.")
def backup_command(path: Path, print_command: bool) -> None:
    """Write a consistent backup of the database to PATH (safe while the app runs)."""
    url = current_app.config["DATABASE_URL"]
    if path.exists():
        raise click.ClickException(f"{path} exists; choose a new file name.")
    if _is_sqlite(url):
        backup_sqlite(url, path)
    else:
        command = pg_dump_command(url, path)
        if print_command:
            click.echo(command.shown())
            return
        _run_pg(command)
    click.echo(f"Backup written to {path} ({path.stat().st_size} bytes).")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm: the database's current contents are replaced.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database's contents with the backup at PATH."""
    if not yes:
        raise click.ClickException("Restoring replaces every booking made since the backup; "
                                   "add --yes to confirm.")
    url = current_app.config["DATABASE_URL"]
    if _is_sqlite(url):
        restore_sqlite(url, path)
    else:
        _run_pg(pg_restore_command(url, path))
    click.echo(f"Restored the database from {path}.")


COMMANDS = (backup_command, restore_command)
