#!/usr/bin/env bash
# Writes the secrets the compose stack reads (once; an existing file is kept):
#   deploy/secrets/gateway-credentials     account-id,access-key-id,secret-access-key (the EC2 API's key pair)
#   deploy/secrets/grafana-admin-password  Grafana's admin password
# The folder is private to you (0700); the files inside are 0644 so the containers' own users
# (tapline 10001, grafana 472) can read them once compose bind-mounts them.
#   deploy/make-credentials.sh [ACCOUNT_ID]   (default 123456789012)
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)/secrets"
account=${1:-123456789012}
[[ "$account" =~ ^[0-9]{12}$ ]] || { echo "account id must be 12 digits: $account" >&2; exit 2; }
mkdir -p "$dir"
chmod 0700 "$dir"
random() { LC_ALL=C tr -dc "$1" </dev/urandom | head -c "$2"; }
if [ ! -s "$dir/gateway-credentials" ]; then
  key="AKIA$(random 'A-Z0-9' 16)"
  secret="$(random 'A-Za-z0-9' 40)"
  printf '%s,%s,%s\n' "$account" "$key" "$secret" >"$dir/gateway-credentials"
  chmod 0644 "$dir/gateway-credentials"
  echo "EC2 API key pair (account $account), also in $dir/gateway-credentials:"
  echo "  export AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret"
else
  echo "kept $dir/gateway-credentials"
fi
if [ ! -s "$dir/grafana-admin-password" ]; then
  random 'A-Za-z0-9' 24 >"$dir/grafana-admin-password"
  chmod 0644 "$dir/grafana-admin-password"
  echo "Grafana: user admin, password in $dir/grafana-admin-password"
else
  echo "kept $dir/grafana-admin-password"
fi
