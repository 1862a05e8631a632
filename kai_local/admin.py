"""The operator's store commands (`kai-local products | keys | usage | backup | restore`): what
they do and print. Parsing is kai_local.cli's."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from kai_local.backup import backup, restore
from kai_local.errors import NotFound
from kai_local.gateway.products import DEFAULT_MAX_FILE_SIZE, Product, parse_endpoints, parse_list
from kai_local.gateway.reports import usage_report
from kai_local.gateway.store import Store
from kai_local.gateway.usage import period_of, utc_now
from kai_local.settings import Settings


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


def product_from_args(args: argparse.Namespace, base: Product) -> Product:
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


def products(store: Store, args: argparse.Namespace) -> None:
    if args.action == "list":
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
        print_table(rows)
    elif args.action == "create":
        base = Product(name=args.name, label=args.label or args.name, max_file_size=DEFAULT_MAX_FILE_SIZE)
        product = product_from_args(args, base)
        store.create_product(product)
        print(f"created product {product.name}")
    elif args.action == "update":
        product = product_from_args(args, store.get_product(args.name))
        store.update_product(product)
        print(f"updated product {product.name}")
    else:
        store.delete_product(args.name)
        print(f"deleted product {args.name}")


def keys(store: Store, args: argparse.Namespace) -> None:
    if args.action == "list":
        rows = [["ID", "PRODUCT", "STATUS", "CREATED", "TRIAL_ENDS", "FREE", "LABEL"]]
        for k in store.list_keys():
            rows.append(
                [
                    k.id,
                    k.product,
                    k.status,
                    k.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                    k.trial_ends_at.strftime("%Y-%m-%d %H:%M") if k.trial_ends_at else "-",
                    "yes" if k.is_free else "no",
                    k.label or "-",
                ]
            )
        print_table(rows)
    elif args.action == "create":
        key, plain = store.create_key(
            args.product,
            trial_days=args.trial_days,
            trial_usage_limit=args.trial_usage_limit,
            is_free=args.free,
            label=args.label,
        )
        print(f"created key {key.id} for product {key.product}; it is shown only once:", file=sys.stderr)
        print(plain)
    else:
        key = store.revoke_key(args.id)
        print(f"revoked key {key.id} (status {key.status})")


def usage(store: Store, args: argparse.Namespace) -> None:
    """What GET /usage shows, for any key (or a product's keys), for any month."""
    now = utc_now()
    period = args.month or period_of(now)
    chosen = [
        k
        for k in store.list_keys()
        if (args.key is None or k.id == args.key) and (args.product is None or k.product == args.product)
    ]
    if args.key is not None and not chosen:
        raise NotFound(f"No key with id '{args.key}'" + (f" in product '{args.product}'" if args.product else ""))
    if args.product is not None:
        store.get_product(args.product)  # an unknown product is an error, not an empty table
    products_by_name = {p.name: p for p in store.list_products()}
    reports = []
    for key in chosen:
        product = products_by_name.get(key.product)
        if product is None:  # a deleted product's revoked key: its history still counts
            product = Product(name=key.product, label=key.product)
        reports.append({"key_id": key.id, "label": key.label, **usage_report(store, key, product, period, now)})
    if args.json:
        print(json.dumps(reports, indent=2))
        return
    header = "KEY LABEL PRODUCT STATUS REQUESTS OK ERRORS TOKENS_IN TOKENS_OUT AUDIO_S CAP_LEFT"
    rows = [header.split()]
    for r in reports:
        rows.append(
            [
                r["key_id"],
                r["label"] or "-",
                r["product"],
                r["status"],
                *(str(r[f"total_{n}"]) for n in ("requests", "ok", "errors", "tokens_in", "tokens_out")),
                f"{r['total_audio_seconds']:g}",
                "-" if r["usage_remaining"] is None else str(r["usage_remaining"]),
            ]
        )
    print(f"usage in {period}", file=sys.stderr)
    print_table(rows)


def backup_command(settings: Settings, file: Path) -> None:
    size = backup(settings.store_location, file)
    print(f"backed up the store to {file} ({size} bytes)")


def restore_command(settings: Settings, file: Path) -> None:
    kept = restore(settings.store_location, file)
    print(f"restored the store from {file}" + (f"; the one it replaced is kept at {kept}" if kept else ""))


def month(text: str) -> str:
    """`--month YYYY-MM`."""
    parts = text.split("-")
    if len(parts) != 2 or len(parts[0]) != 4 or len(parts[1]) != 2 or not all(p.isdigit() for p in parts):
        raise argparse.ArgumentTypeError("must be YYYY-MM, e.g. 2026-11")
    if not 1 <= int(parts[1]) <= 12:
        raise argparse.ArgumentTypeError("the month must be 01 to 12")
    return text
