#!/bin/sh
# Install the Debian packages listed in deps/debian.txt that are missing.
# As root: apt-get update once, then apt-get install. Otherwise: print the
# exact command to run and fail.
set -eu
cd "$(dirname "$0")/.."
list=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' deps/debian.txt)
missing=""
for p in $list; do
	case "$p" in
	# Node.js may come from another Debian-format package that bundles npm;
	# what matters is that the commands exist.
	nodejs) command -v node >/dev/null 2>&1 && continue ;;
	npm) command -v npm >/dev/null 2>&1 && continue ;;
	esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "Installing missing Debian packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y --no-install-recommends $missing
else
	echo "khuyenhoc needs these Debian packages. Run:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi
