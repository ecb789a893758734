#!/usr/bin/env bash
# test/release/bevries.sh VERSION [--opnieuw [--zonder COMMIT...]]
#
# Freeze a release: write the install script of VERSION, assembled from the
# parts in sql/install exactly as the Makefile assembles it, to
# sql/verwerkingenlog--VERSION.sql, to be committed and never changed again.
# From then on the Makefile installs the frozen script for VERSION and the
# parts are the source of the NEXT version, which ships an upgrade script
# sql/verwerkingenlog--VERSION--NEXT.sql (test/scripts/upgrade.sh proves that
# frozen VERSION + upgrade script equals a fresh install from the parts).
#
# Without --zonder, VERSION must be default_version of verwerkingenlog.control
# (the version the parts are now).  An existing frozen script is refused;
# --opnieuw (again) overwrites it, which is right only while that version has
# not been shipped.
#
# --zonder COMMIT...: freeze the parts as they are now but without the
# changes those commits made to sql/install (reverse-applied to a copy; the
# tree is not touched).  For freezing VERSION again after more work was merged
# into it while the next version's first changes are already in the parts:
#   test/release/bevries.sh 1.0 --opnieuw --zonder <the commit of the 1.0.1 step>
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
versie=${1:?usage: $0 VERSION [--opnieuw [--zonder COMMIT...]]}
shift
opnieuw=
zonder=()
while [ $# -gt 0 ]; do
	case $1 in
		--opnieuw) opnieuw=yes ;;
		--zonder)
			shift
			[ $# -gt 0 ] || { echo "bevries: --zonder needs a commit" >&2; exit 2; }
			while [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; do zonder+=("$1"); shift; done
			continue
			;;
		*) echo "bevries: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
cd "$top"
control=$(sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" verwerkingenlog.control)
if [ ${#zonder[@]} -eq 0 ] && [ "$versie" != "$control" ]; then
	echo "bevries: verwerkingenlog.control says default_version '$control', not '$versie'" >&2
	exit 1
fi
doel=sql/verwerkingenlog--$versie.sql
if [ -e "$doel" ] && [ -z "$opnieuw" ]; then
	echo "bevries: $doel exists; a released script never changes (--opnieuw only before it shipped)" >&2
	exit 1
fi
export LC_ALL=C
delen=sql/install
if [ ${#zonder[@]} -gt 0 ]; then
	kopie=$(mktemp -d /tmp/vwl_bevries.XXXXXX)
	trap 'rm -rf "$kopie"' EXIT
	cp -a sql "$kopie/"
	for c in "${zonder[@]}"; do
		git show --format= "$c" -- sql/install >"$kopie/wijziging.diff"
		[ -s "$kopie/wijziging.diff" ] || { echo "bevries: commit $c changed nothing in sql/install" >&2; exit 1; }
		(cd "$kopie" && git apply -R wijziging.diff) || { echo "bevries: the changes of $c to sql/install no longer reverse-apply; freeze by hand" >&2; exit 1; }
		echo "bevries: without $(git log -1 --format='%h %s' "$c" | cut -c1-72)"
	done
	delen=$kopie/sql/install
fi
# shellcheck disable=SC2046
cat $(printf '%s\n' "$delen"/*.sql | sort) >"$doel.tmp"
mv "$doel.tmp" "$doel"
echo "bevries: $doel from $(ls "$delen"/*.sql | wc -l) parts, $(wc -l <"$doel") lines, sha256 $(sha256sum "$doel" | cut -c1-16)"
