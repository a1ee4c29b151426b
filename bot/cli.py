"""The ``councilbot`` command: run, db upgrade, demo."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.settings import ConfigError, Settings, load_settings

ENV_CONFIG = "COUNCILBOT_CONFIG"
DEFAULT_CONFIG = Path("config.toml")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        print(f"councilbot: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="councilbot", description="Telegram bot for the regional coordination councils."
    )
    parser.add_argument(
        "--config",
        type=Path,
        help=f"TOML settings (default: ${ENV_CONFIG}, else ./config.toml when present)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="apply migrations and run the bot (long polling)")
    run.set_defaults(func=cmd_run)

    database = commands.add_parser("db", help="database maintenance")
    database_commands = database.add_subparsers(dest="db_command", required=True)
    upgrade = database_commands.add_parser("upgrade", help="apply the migrations")
    upgrade.set_defaults(func=cmd_db_upgrade)

    demo = commands.add_parser("demo", help="an offline demo: no token, no network")
    demo.set_defaults(func=cmd_demo)
    return parser


def settings_from_args(args: argparse.Namespace) -> Settings:
    path: Path | None = args.config
    if path is None and os.environ.get(ENV_CONFIG):
        path = Path(os.environ[ENV_CONFIG])
    if path is None and DEFAULT_CONFIG.exists():
        path = DEFAULT_CONFIG
    return load_settings(path)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from db.engine import make_engine
    from db.migrate import upgrade

    settings = settings_from_args(args)
    upgrade(make_engine(settings.database.url))
    print("database is up to date")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.application import build_application
    from bot.logs import configure_logging
    from db.engine import make_engine
    from db.migrate import upgrade

    settings = settings_from_args(args)
    token = settings.require_token()
    configure_logging(secrets=[token])
    engine = make_engine(settings.database.url)
    upgrade(engine)
    application = build_application(settings, engine=engine)
    application.run_polling(allowed_updates=["message", "callback_query"])
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    return asyncio.run(run_demo())


if __name__ == "__main__":
    raise SystemExit(main())
