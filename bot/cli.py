"""The ``councilbot`` command: run, db upgrade, registry load, import, demo."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
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
    except BrokenPipeError:
        # The reader went away (`councilbot extract … | head`): stop quietly, as Unix tools do.
        # Python would otherwise complain again while flushing stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


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

    run = commands.add_parser(
        "run", help="apply migrations and run the bot (long polling, or a webhook server)"
    )
    run.add_argument(
        "--webhook",
        action="store_true",
        help="serve a webhook (the [webhook] settings) instead of long polling",
    )
    run.set_defaults(func=cmd_run)

    database = commands.add_parser("db", help="database maintenance")
    database_commands = database.add_subparsers(dest="db_command", required=True)
    upgrade = database_commands.add_parser("upgrade", help="apply the migrations")
    upgrade.set_defaults(func=cmd_db_upgrade)
    backup = database_commands.add_parser("backup", help="write a consistent backup to FILE")
    backup.add_argument("file", type=Path)
    backup.set_defaults(func=cmd_db_backup)
    restore = database_commands.add_parser(
        "restore", help="replace the database's contents with a backup (stop the bot first)"
    )
    restore.add_argument("file", type=Path)
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore.set_defaults(func=cmd_db_restore)

    registry = commands.add_parser("registry", help="councils and agencies")
    registry_commands = registry.add_subparsers(dest="registry_command", required=True)
    load = registry_commands.add_parser(
        "load", help="add or update councils and agencies from a TOML file (by code)"
    )
    load.add_argument("file", type=Path)
    load.add_argument("--dry-run", action="store_true", help="show the changes, write nothing")
    load.add_argument("--lang", choices=("vi", "en"), help="language of the report")
    load.set_defaults(func=cmd_registry_load)

    directive = commands.add_parser(
        "import", help="import a directive file (docs/directive-format.md)"
    )
    directive.add_argument("file", type=Path, help=".toml, .xlsx, .docx, .pdf, .txt or .md")
    directive.add_argument("--dry-run", action="store_true", help="show the changes, write nothing")
    directive.add_argument("--lang", choices=("vi", "en"), help="language of the report")
    directive.add_argument(
        "--councils", help="council codes, comma-separated (a letter: default, those it names)"
    )
    directive.add_argument(
        "--date", type=_iso_date, help="the letter's date (YYYY-MM-DD) when the text lacks one"
    )
    directive.set_defaults(func=cmd_import)

    extract = commands.add_parser(
        "extract", help="read a letter (.docx, .pdf, .txt) and print the tasks it assigns"
    )
    extract.add_argument("file", type=Path)
    extract.add_argument("--json", action="store_true", help="JSON (docs/directive-format.md)")
    extract.add_argument(
        "--date", type=_iso_date, help="the letter's date (YYYY-MM-DD) when the text lacks one"
    )
    extract.add_argument("--lang", choices=("vi", "en"), help="language of the text output")
    extract.set_defaults(func=cmd_extract)

    report = commands.add_parser(
        "report", help="write the report workbook (.xlsx) and its chart (.png)"
    )
    report.add_argument("--council", help="a council's code (default: every council)")
    report.add_argument("--period", default="", help='e.g. "quý IV năm 2023" (default: this year)')
    report.add_argument("--agency", help="only the tasks this agency leads or co-operates on")
    report.add_argument("--directive", help="only this directive's tasks, e.g. 6411/VPCP-KTTH")
    report.add_argument("--lang", choices=("vi", "en"), help="language of the report")
    report.add_argument("--output", type=Path, required=True, help="the workbook, FILE.xlsx")
    report.add_argument("--chart", type=Path, help="the chart, FILE.png")
    report.set_defaults(func=cmd_report)

    doctor = commands.add_parser("doctor", help="report what would stop the bot from working")
    doctor.set_defaults(func=cmd_doctor)

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


def cmd_db_backup(args: argparse.Namespace) -> int:
    from db.backup import BackupError, backup

    settings = settings_from_args(args)
    try:
        backup(settings.database.url, args.file)
    except BackupError as error:
        print(f"councilbot: backup failed: {error}", file=sys.stderr)
        return 1
    print(f"backup written to {args.file}")
    return 0


def cmd_db_restore(args: argparse.Namespace) -> int:
    from db.backup import BackupError, restore

    settings = settings_from_args(args)
    if not args.yes:
        answer = input(f"Replace ALL data of the configured database with {args.file}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("nothing restored")
            return 1
    try:
        restore(settings.database.url, args.file)
    except BackupError as error:
        print(f"councilbot: restore failed: {error}", file=sys.stderr)
        return 1
    print(f"restored from {args.file}; run `councilbot db upgrade` if the backup is older")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.application import build_application
    from bot.context import RUNTIME_KEY
    from bot.logs import configure_logging
    from bot.webhook import ALLOWED_UPDATES, require_webhook_settings, serve_webhook
    from db.engine import make_engine
    from db.migrate import upgrade

    settings = settings_from_args(args)
    token = settings.require_token()
    webhook = args.webhook or settings.telegram.mode == "webhook"
    if webhook:
        require_webhook_settings(settings)
    configure_logging(secrets=[token, settings.webhook.secret_token.get_secret_value()])
    engine = make_engine(settings.database.url)
    upgrade(engine)
    application = build_application(settings, engine=engine)
    if webhook:
        asyncio.run(serve_webhook(application, application.bot_data[RUNTIME_KEY]))
    else:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


def _read_file(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        print(f"councilbot: {path}: file not found", file=sys.stderr)
    except UnicodeDecodeError:
        print(f"councilbot: {path}: not UTF-8 text", file=sys.stderr)
    return None


def cmd_registry_load(args: argparse.Namespace) -> int:
    """Exit 0 with the report, or 1 with one ``FILE:LINE: field: message`` line per problem."""
    from bot.outbound.import_report import issue_lines_for_terminal, plain, render_registry
    from db.engine import make_engine, session_scope
    from db.migrate import upgrade
    from db.registry_file import load_registry
    from schedules.clock import SystemClock

    settings = settings_from_args(args)
    lang = args.lang or settings.app.default_language
    source = _read_file(args.file)
    if source is None:
        return 1
    engine = make_engine(settings.database.url)
    upgrade(engine)
    with session_scope(engine) as session:
        outcome = load_registry(
            session=session, source=source, now=SystemClock().now(), dry_run=args.dry_run
        )
    engine.dispose()
    if outcome.issues:
        for line in issue_lines_for_terminal(outcome.issues, lang, str(args.file)):
            print(line, file=sys.stderr)
        return 1
    print(plain(render_registry(outcome, lang)))
    return 0


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from error


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        print(f"councilbot: {path}: file not found", file=sys.stderr)
    return None


def cmd_extract(args: argparse.Namespace) -> int:
    """Print what a letter assigns (text, or the documented JSON); writes nothing."""
    from bot.catalogue import t
    from bot.outbound.import_report import issue_lines_for_terminal, plain
    from bot.outbound.intake_view import render_proposal
    from db.engine import make_engine, session_scope
    from db.errors import InvalidInput
    from db.intake.files import read_proposal
    from db.migrate import upgrade
    from schedules.clock import SystemClock
    from schedules.recurrence import format_recurrence

    settings = settings_from_args(args)
    lang = args.lang or settings.app.default_language
    data = _read_bytes(args.file)
    if data is None:
        return 1
    engine = make_engine(settings.database.url)
    upgrade(engine)
    try:
        with session_scope(engine) as session:
            proposal, _, issues = read_proposal(
                session=session,
                data=data,
                file_name=args.file.name,
                tz=settings.app.timezone,
                now=SystemClock().now(),
                letter_date=args.date,
            )
    except InvalidInput as error:
        print(
            f"councilbot: {args.file}: {plain(t(lang, error.key, **error.params))}", file=sys.stderr
        )
        return 1
    finally:
        engine.dispose()
    if proposal is None:
        for line in issue_lines_for_terminal(issues, lang, str(args.file)):
            print(line, file=sys.stderr)
        return 1
    if args.json:
        document = proposal.to_json(settings.app.timezone)
        for warning, item in zip(proposal.warnings, document["warnings"], strict=True):
            item["message"] = plain(t(lang, warning.key, **warning.params))
        for task, item in zip(proposal.tasks, document["tasks"], strict=True):
            if task.schedule is not None:
                item["schedule_read"] = format_recurrence(task.schedule, lang)
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print(plain(render_proposal(proposal, lang)))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Exit 0 with the report, or 1 with one ``FILE:LINE: field: message`` line per problem."""
    from bot.catalogue import t
    from bot.outbound.import_report import issue_lines_for_terminal, plain, render_report
    from bot.reminder_config import reminder_config
    from db.engine import make_engine, session_scope
    from db.errors import InvalidInput
    from db.intake.files import import_file
    from db.migrate import upgrade
    from schedules.clock import SystemClock

    settings = settings_from_args(args)
    lang = args.lang or settings.app.default_language
    data = _read_bytes(args.file)
    if data is None:
        return 1
    engine = make_engine(settings.database.url)
    upgrade(engine)
    councils = [code.strip() for code in (args.councils or "").split(",") if code.strip()]
    try:
        with session_scope(engine) as session:
            outcome = import_file(
                session=session,
                data=data,
                file_name=args.file.name,
                tz=settings.app.timezone,
                now=SystemClock().now(),
                actor_label="cli",
                dry_run=args.dry_run,
                reminders=reminder_config(settings),
                councils=councils or None,
                letter_date=args.date,
            )
    except InvalidInput as error:
        print(
            f"councilbot: {args.file}: {plain(t(lang, error.key, **error.params))}", file=sys.stderr
        )
        return 1
    finally:
        engine.dispose()
    if outcome.report is None:
        for line in issue_lines_for_terminal(outcome.issues, lang, str(args.file)):
            print(line, file=sys.stderr)
        return 1
    print(plain(render_report(outcome.report, lang)))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Exit 0 having written the files, or 1 with one line and nothing written."""
    from bot.outbound.report_files import report_from_cli

    settings = settings_from_args(args)
    lang = args.lang or settings.app.default_language
    return report_from_cli(
        settings,
        council=args.council,
        period=args.period,
        agency=args.agency,
        directive=args.directive,
        lang=lang,
        output=args.output,
        chart=args.chart,
    )


def cmd_doctor(args: argparse.Namespace) -> int:
    from bot.application import build_application
    from bot.offline.demo import plain
    from handlers.doctor import doctor_report, render

    settings = settings_from_args(args)
    settings.require_token()
    application = build_application(settings)
    findings = asyncio.run(doctor_report(application))
    print(plain(render(findings, settings.app.default_language)))
    return 0 if all(finding.ok for finding in findings) else 1


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.offline.demo import run_demo

    return asyncio.run(run_demo())


if __name__ == "__main__":
    raise SystemExit(main())
