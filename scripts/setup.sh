#!/usr/bin/env bash
# Installs what syndicate needs on Debian 12 / Python 3.11, then the package itself (editable).
#   scripts/setup.sh          the service: festival with its HTS voice (the best offline English
#                             voice), flite (the next best) + Python packages
#   scripts/setup.sh --test   also the test tools: Chromium, axe-core (npm), PostgreSQL (the tests
#                             start a throwaway server of their own), nginx and Caddy (the
#                             deploy/ configs are tested with them) and the test extras
# Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

apt_packages=()
command -v flite >/dev/null || apt_packages+=(flite)
[ -d /usr/share/festival/voices/us/cmu_us_slt_arctic_hts ] || apt_packages+=(festival festvox-us-slt-hts)
if [ "$want_tests" = 1 ]; then
  command -v chromium >/dev/null || apt_packages+=(chromium)
  command -v npm >/dev/null || apt_packages+=(npm)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || apt_packages+=(postgresql)
  # The shipped proxy configs (deploy/) are tested against the real servers.
  { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } || apt_packages+=(nginx)
  command -v caddy >/dev/null || apt_packages+=(caddy)
fi
if [ "${#apt_packages[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
  elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
  else
    echo "setup: cannot install ${apt_packages[*]} (not root, no apt-get); continuing without them" >&2
  fi
fi

pip_flags=(-q --disable-pip-version-check)
# Debian's own python3 refuses pip installs (PEP 668) unless told; other Pythons never ask.
stdlib=$(python3 -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
[ -f "$stdlib/EXTERNALLY-MANAGED" ] && pip_flags+=(--break-system-packages)
if [ "$want_tests" = 1 ]; then
  python3 -m pip install "${pip_flags[@]}" -e '.[test]'
  npm ci --silent --no-audit --no-fund
else
  python3 -m pip install "${pip_flags[@]}" -e .
fi
echo "setup: done"
