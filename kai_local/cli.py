"""The operator's command line: `kai-local serve | products ... | keys ... | models ...`."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace

from kai_local.catalog import ModelCatalog
from kai_local.errors import KaiError, NotFound
from kai_local.gateway.products import (
    DEFAULT_MAX_FILE_SIZE,
    ENDPOINTS,
    Product,
    parse_endpoints,
    parse_list,
)
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
    parser.add_argument("--data-dir", help="state folder (default: $KAI_DATA_DIR or the per-user data folder)")
    parser.add_argument(
        "--store-url",
        help="sqlite:///PATH or postgresql://USER:PASS@HOST:PORT/DB (default: $KAI_STORE_URL, "
        "else the SQLite file in the data dir)",
    )
    if models_file:  # products use --models for their allowed model ids instead
        parser.add_argument("--models", dest="models_file", help="models.toml to use")


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
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the API server")
    _common(serve, models_file=True)
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
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

    keys = commands.add_parser("keys", help="manage API keys").add_subparsers(dest="action", required=True)
    key_create = keys.add_parser("create")
    _common(key_create)
    key_create.add_argument("--product", required=True)
    key_create.add_argument("--trial-days", type=_positive_int)
    key_create.add_argument("--trial-usage-limit", type=_positive_int)
    key_create.add_argument("--free", action="store_true", help="an anonymous free key")
    _common(keys.add_parser("list"))
    revoke = keys.add_parser("revoke")
    _common(revoke)
    revoke.add_argument("id")

    models = commands.add_parser("models", help="bundled model weights").add_subparsers(dest="action", required=True)
    prepare = models.add_parser("prepare", help="build bundled weights into the data dir (idempotent)")
    _common(prepare, models_file=True)
    prepare.add_argument("ids", nargs="*", help="only these model ids")
    _common(models.add_parser("list"), models_file=True)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        data_dir=args.data_dir,
        store_url=args.store_url,
        models_file=getattr(args, "models_file", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
    )


def _product_from_args(args: argparse.Namespace, base: Product) -> Product:
    changes: dict[str, object] = {}
    for field in (
        "label",
        "usage_label",
        "rate_limit_per_minute",
        "max_concurrent",
        "max_file_size",
        "default_chat_model",
        "default_transcription_model",
    ):
        value = getattr(args, field)
        if value is not None:
            changes[field] = value
    if hasattr(args, "monthly_cap"):
        changes["monthly_cap"] = args.monthly_cap
    if args.endpoints is not None:
        changes["endpoints"] = parse_endpoints(args.endpoints)
    if args.allowed_models is not None:
        changes["models"] = parse_list(args.allowed_models)
    return replace(base, **changes)  # type: ignore[arg-type]


def _print_table(rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


def _products_list(store: Store) -> None:
    rows = [["NAME", "LABEL", "RPM", "CONCURRENT", "MONTHLY_CAP", "MAX_FILE_SIZE", "ENDPOINTS", "MODELS"]]
    for p in store.list_products():
        rows.append(
            [
                p.name,
                p.label,
                str(p.rate_limit_per_minute),
                str(p.max_concurrent),
                "none" if p.monthly_cap is None else str(p.monthly_cap),
                str(p.max_file_size),
                ",".join(p.endpoints) or "-",
                ",".join(p.models) or "all",
            ]
        )
    _print_table(rows)


def _keys_list(store: Store) -> None:
    rows = [["ID", "PRODUCT", "STATUS", "CREATED", "TRIAL_ENDS", "FREE"]]
    for k in store.list_keys():
        rows.append(
            [
                k.id,
                k.product,
                k.status,
                k.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                k.trial_ends_at.strftime("%Y-%m-%d %H:%M") if k.trial_ends_at else "-",
                "yes" if k.is_free else "no",
            ]
        )
    _print_table(rows)


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
            _print_table(rows)
        return 0

    try:
        store = Store.at(settings.store_location)
    except ValueError as exc:  # a bad URL, or a PostgreSQL server that does not answer
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"store: {store.database.where}", file=sys.stderr)  # which one, when several could be meant
    try:
        if args.command == "products":
            if args.action == "list":
                _products_list(store)
            elif args.action == "create":
                label = args.label or args.name
                product = _product_from_args(
                    args, Product(name=args.name, label=label, max_file_size=DEFAULT_MAX_FILE_SIZE)
                )
                store.create_product(product)
                print(f"created product {product.name}")
            else:
                product = _product_from_args(args, store.get_product(args.name))
                store.update_product(product)
                print(f"updated product {product.name}")
        elif args.command == "keys":
            if args.action == "list":
                _keys_list(store)
            elif args.action == "create":
                key, plain = store.create_key(
                    args.product,
                    trial_days=args.trial_days,
                    trial_usage_limit=args.trial_usage_limit,
                    is_free=args.free,
                )
                print(f"created key {key.id} for product {key.product}; it is shown only once:", file=sys.stderr)
                print(plain)
            else:
                key = store.revoke_key(args.id)
                print(f"revoked key {key.id} (status {key.status})")
    finally:
        store.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    # First: vLLM and the hub libraries, imported by the commands, read these at import.
    enforce_offline()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        # A bad KAI_* value or models.toml is the operator's to fix: one line, not a traceback.
        settings = _settings(args)
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
