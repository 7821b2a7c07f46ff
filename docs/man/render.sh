#!/bin/sh
# Renders a manual page from its template (docs/man/*.in): @VERSION@ becomes the
# version, @OPTIONS@ the program's option table as `--flag` entries and @KEYS@ the same
# table as configuration-file keys, both read from `PROGRAM --help`, so the pages list
# exactly the options the program has.
#   render.sh PROGRAM TEMPLATE OUTPUT VERSION
set -eu
program=$1 template=$2 output=$3 version=$4
help=$("$program" --help)
entries() { # flags|keys: one .TP entry per "  --name  text" line of --help
  printf '%s\n' "$help" | awk -v mode="$1" '
    /^  --[a-z0-9-]+ / {
      name = $1; sub(/^--/, "", name)
      text = $0; sub(/^  --[a-z0-9-]+ +/, "", text)
      gsub(/\\/, "\\e", text); gsub(/-/, "\\-", text)
      if (mode == "keys") { gsub(/-/, "_", name); label = "\\fB" name "\\fR = \\fIvalue\\fR" }
      else { gsub(/-/, "\\-", name); label = "\\fB\\-\\-" name "\\fR \\fIvalue\\fR" }
      printf ".TP\n%s\n\\&%s\n", label, text
    }'
}
SF_MAN_FLAGS=$(entries flags) SF_MAN_KEYS=$(entries keys) \
awk -v version="$version" '
  /^@OPTIONS@$/ { print ENVIRON["SF_MAN_FLAGS"]; next }
  /^@KEYS@$/ { print ENVIRON["SF_MAN_KEYS"]; next }
  { gsub(/@VERSION@/, version); print }' "$template" >"$output"
