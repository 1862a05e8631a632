#!/usr/bin/env bash
# Installs kai-local as a systemd service, from this project folder (which scripts/setup.sh or
# scripts/install-offline.sh has set up, .venv included):
#   - a system user `kai-local`, state in /var/lib/kai-local (0700);
#   - /etc/kai-local/kai-local.env (settings, 0640 root:kai-local) and /etc/kai-local/models.toml,
#     each written only if absent (an upgrade keeps the operator's);
#   - the bundled models prepared into the state folder;
#   - deploy/kai-local.service as /etc/systemd/system/kai-local.service, enabled and started.
# Usage: sudo scripts/install-service.sh [--no-start]
#        scripts/install-service.sh --root DIR   (write the files under DIR only: for packaging and tests)
set -euo pipefail
cd "$(dirname "$0")/.."
PROJECT="$(pwd)"
ROOT=""
START=1
while (($#)); do
    case "$1" in
        --root) ROOT="$2"; shift 2 ;;
        --no-start) START=0; shift ;;
        *) echo "usage: $0 [--root DIR] [--no-start]" >&2; exit 2 ;;
    esac
done

KAI_LOCAL="$PROJECT/.venv/bin/kai-local"
if [ ! -x "$KAI_LOCAL" ]; then
    echo "error: $KAI_LOCAL is missing: run scripts/setup.sh (or scripts/install-offline.sh) first" >&2
    exit 1
fi
case "$ROOT:$PROJECT" in
    :/root/*|:/home/*|:/run/user/*)
        echo "error: the service cannot read $PROJECT (ProtectHome=true): put the project in /opt/kai-local" >&2
        echo "       (git clone or unpack it there, run scripts/setup.sh there, then this script)" >&2
        exit 1 ;;
esac
if [ -z "$ROOT" ] && [ "$(id -u)" -ne 0 ]; then
    echo "error: run as root (sudo), or with --root DIR to only write the files" >&2
    exit 1
fi

ETC="$ROOT/etc/kai-local"
STATE="$ROOT/var/lib/kai-local"
UNIT="$ROOT/etc/systemd/system/kai-local.service"
mkdir -p "$ETC" "$STATE" "$(dirname "$UNIT")"
chmod 0750 "$ETC"
chmod 0700 "$STATE"

if [ ! -e "$ETC/kai-local.env" ]; then
    cat > "$ETC/kai-local.env" <<ENV
# kai-local settings (KAI_* variables; see docs/configuration.md or \`kai-local config\`).
# Read by the service and by the kai-local CLI, so both use the same store.
KAI_DATA_DIR=/var/lib/kai-local
KAI_HOST=127.0.0.1
KAI_PORT=8000
# Several gateways on one PostgreSQL store:
# KAI_STORE_URL=postgresql://kai:SECRET@db-host:5432/kai
# HTTPS served by kai-local itself (or put a reverse proxy in front):
# KAI_SSL_CERTFILE=/etc/kai-local/tls/cert.pem
# KAI_SSL_KEYFILE=/etc/kai-local/tls/key.pem
ENV
    chmod 0640 "$ETC/kai-local.env"
fi
[ -e "$ETC/models.toml" ] || install -m 0640 "$PROJECT/models.toml" "$ETC/models.toml"
sed "s|@KAI_LOCAL@|$KAI_LOCAL|" deploy/kai-local.service > "$UNIT"
chmod 0644 "$UNIT"

if [ -n "$ROOT" ]; then
    echo "wrote $UNIT, $ETC/kai-local.env, $ETC/models.toml under $ROOT"
    exit 0
fi

getent group kai-local >/dev/null || groupadd --system kai-local
getent passwd kai-local >/dev/null || useradd --system --gid kai-local --home-dir /var/lib/kai-local \
    --shell /usr/sbin/nologin --comment "kai-local service" kai-local
chown root:kai-local "$ETC" "$ETC/kai-local.env" "$ETC/models.toml"
chown kai-local:kai-local "$STATE"
# The bundled models, prepared as the service's user into its state folder (offline, from the
# installed model packages).
runuser -u kai-local -- env KAI_CONFIG_FILE="$ETC/kai-local.env" "$KAI_LOCAL" models prepare \
    --models-file "$ETC/models.toml"
systemctl daemon-reload
systemctl enable kai-local.service
if ((START)); then
    systemctl restart kai-local.service
    echo "kai-local is running: systemctl status kai-local; journalctl -u kai-local"
fi
echo "create a key: sudo $KAI_LOCAL keys create --product default   (the CLI reads $ETC/kai-local.env)"
