"""The operator's command line: `kai-local serve | products ... | keys ... | models ...`."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from kai_local import admin
from kai_local.catalog import ModelCatalog
from kai_local.errors import KaiError, NotFound
from kai_local.gateway.database import redacted_url
from kai_local.gateway.products import ENDPOINTS
from kai_local.gateway.store import Store
from kai_local.offline import enforce_offline
from kai_local.settings import Settings


def _monthly_cap(text: str) -> int | None:
    if text.lower() == "none":
        return None
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be a non-negative integer or 'none'")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _common(parser: argparse.ArgumentParser, models_file: bool = False) -> None:
    """--data-dir and --store-url on every command; --models-file where models.toml is read."""
    parser.add_argument("--data-dir", help="state folder (default: $KAI_DATA_DIR or the per-user data folder)")
    parser.add_argument(
        "--store-url",
        help="sqlite:///PATH or postgresql://USER:PASS@HOST:PORT/DB (default: $KAI_STORE_URL, "
        "else the SQLite file in the data dir)",
    )
    if models_file:  # products use --models for their allowed model ids instead
        parser.add_argument("--models-file", dest="models_file", help="models.toml to use")
        # The old name, for one release: it meant a file here and model ids for `products`.
        parser.add_argument("--models", dest="models_file_deprecated", help=argparse.SUPPRESS)


def _product_options(parser: argparse.ArgumentParser) -> None:
    # On update, None means "leave as it is".
    parser.add_argument("--label")
    parser.add_argument("--usage-label")
    parser.add_argument("--rate-limit-per-minute", type=_positive_int)
    parser.add_argument("--max-concurrent", type=_positive_int)
    parser.add_argument(
        "--monthly-cap", type=_monthly_cap, default=argparse.SUPPRESS, help="successful requests per month, or 'none'"
    )
    parser.add_argument("--max-file-size", type=_positive_int, help="bytes")
    parser.add_argument("--endpoints", help=f"comma-separated: {','.join(ENDPOINTS)}")
    parser.add_argument("--models", dest="allowed_models", help="comma-separated model ids (default: all)")
    parser.add_argument("--default-chat-model")
    parser.add_argument("--default-transcription-model")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kai-local", description=__doc__)
    parser.add_argument("--version", action="version", version=f"kai-local {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the API server")
    _common(serve, models_file=True)
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--ssl-certfile", help="serve HTTPS with this certificate (PEM; with --ssl-keyfile)")
    serve.add_argument("--ssl-keyfile", help="the certificate's private key (PEM)")
    serve.add_argument("--log-level", default="info")

    products = commands.add_parser("products", help="manage products").add_subparsers(dest="action", required=True)
    create = products.add_parser("create")
    _common(create)
    create.add_argument("name")
    _product_options(create)
    update = products.add_parser("update")
    _common(update)
    update.add_argument("name")
    _product_options(update)
    _common(products.add_parser("list"))
    delete = products.add_parser("delete", help="refused while the product has active keys")
    _common(delete)
    delete.add_argument("name")

    keys = commands.add_parser("keys", help="manage API keys").add_subparsers(dest="action", required=True)
    key_create = keys.add_parser("create")
    _common(key_create)
    key_create.add_argument("--product", required=True)
    key_create.add_argument("--trial-days", type=_positive_int)
    key_create.add_argument("--trial-usage-limit", type=_positive_int)
    key_create.add_argument("--free", action="store_true", help="an anonymous free key")
    key_create.add_argument("--label", help="a note on whose key this is (shown by keys list and usage)")
    _common(keys.add_parser("list"))
    revoke = keys.add_parser("revoke")
    _common(revoke)
    revoke.add_argument("id")

    models = commands.add_parser("models", help="bundled model weights").add_subparsers(dest="action", required=True)
    prepare = models.add_parser("prepare", help="build bundled weights into the data dir (idempotent)")
    _common(prepare, models_file=True)
    prepare.add_argument("ids", nargs="*", help="only these model ids")
    _common(models.add_parser("list"), models_file=True)

    usage = commands.add_parser("usage", help="what /usage shows, for any key, from the store")
    _common(usage)
    usage.add_argument("--product", help="only this product's keys")
    usage.add_argument("--key", help="only this key id")
    usage.add_argument("--month", type=admin.month, help="YYYY-MM (default: this month, UTC)")
    usage.add_argument("--json", action="store_true", help="JSON, one object per key, as /usage answers")

    backup = commands.add_parser("backup", help="copy the store to FILE (SQLite: safe while serving)")
    _common(backup)
    backup.add_argument("file", type=Path)
    restore = commands.add_parser("restore", help="replace the store by a backup (no server may be running)")
    _common(restore)
    restore.add_argument("file", type=Path)

    config = commands.add_parser("config", help="print the effective settings and where each came from")
    _common(config, models_file=True)
    return parser


def package_version() -> str:
    try:
        return metadata.version("kai-local")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _overrides(args: argparse.Namespace) -> dict[str, object]:
    """The settings the command line sets (None: not given)."""
    models_file = getattr(args, "models_file", None)
    if getattr(args, "models_file_deprecated", None):
        print("warning: --models is now --models-file; the old name goes in the next release", file=sys.stderr)
        models_file = models_file or args.models_file_deprecated
    return {
        "data_dir": args.data_dir,
        "store_url": args.store_url,
        "models_file": models_file,
        "host": getattr(args, "host", None),
        "port": getattr(args, "port", None),
        "ssl_certfile": getattr(args, "ssl_certfile", None),
        "ssl_keyfile": getattr(args, "ssl_keyfile", None),
    }


def _run(args: argparse.Namespace, settings: Settings, catalog: ModelCatalog | None) -> int:
    if args.command == "serve":
        from kai_local.server import serve

        serve(settings, log_level=args.log_level)
        return 0
    if args.command == "models":
        from kai_local.preparation import prepare_models

        assert catalog is not None  # main loads it for the models commands
        if args.action == "prepare":
            unknown = [i for i in args.ids or () if i not in catalog.models]
            if unknown:
                known = ", ".join(catalog.models)
                raise NotFound(f"unknown model id(s) {', '.join(unknown)}; {settings.models_file} has: {known}")
            built = prepare_models(catalog, args.ids or None)
            print(f"prepared: {', '.join(built) if built else 'nothing to do'}")
        else:
            rows = [["ID", "KIND", "ENGINE", "DEVICE", "AVAILABLE", "WEIGHTS"]]
            for m in catalog.models.values():
                rows.append([m.id, m.kind, m.engine, m.device, "yes" if m.available else "no", str(m.weights)])
            admin.print_table(rows)
        return 0
    if args.command == "config":
        _print_config(args)
        return 0
    if args.command == "backup":
        admin.backup_command(settings, args.file)
        return 0
    if args.command == "restore":
        admin.restore_command(settings, args.file)
        return 0
    try:
        store = Store.at(settings.store_location)
    except ValueError as exc:  # a bad URL, or a PostgreSQL server that does not answer
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"store: {store.database.where}", file=sys.stderr)  # which one, when several could be meant
    try:
        {"products": admin.products, "keys": admin.keys, "usage": admin.usage}[args.command](store, args)
    finally:
        store.close()
    return 0


def _print_config(args: argparse.Namespace) -> None:
    settings, sources = Settings.explain(**_overrides(args))
    rows = [["SETTING", "VALUE", "FROM"]]
    for name, source in sources.items():
        value = getattr(settings, name)
        if name in ("store_url", "metrics_token") and value:
            value = redacted_url(value) if name == "store_url" else "***"
        rows.append([name, str(value), source])
    rows.append(["(store)", redacted_url(settings.store_location), "store_url, else data_dir"])
    admin.print_table(rows)


def main(argv: Sequence[str] | None = None) -> int:
    # First: vLLM and the hub libraries, imported by the commands, read these at import.
    enforce_offline()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        # A bad KAI_* value or models.toml is the operator's to fix: one line, not a traceback.
        settings = Settings.from_env(**_overrides(args))
        if args.command == "serve":
            settings.tls_options()
        # serve checks it here too, before starting (its lifespan loads it again to serve it)
        catalog = (
            ModelCatalog.load(settings.models_file, settings.models_dir)
            if args.command in ("serve", "models")
            else None
        )
    except ValueError as exc:  # the message names the variable, or the file and its entry
        print(f"error: {exc}", file=sys.stderr)
        return 1  # configuration; 2 stays argparse's and a refused command's
    try:
        return _run(args, settings, catalog)
    except KaiError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
