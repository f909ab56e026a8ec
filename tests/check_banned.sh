#!/usr/bin/env bash
# Every src/*.c includes loadlens/banned.h after its other includes, and banned.h really
# turns a banned call into a compile error. Usage: check_banned.sh SOURCE_DIR CC
set -u
src=$1 cc=$2
fail=0
for f in "$src"/src/*.c; do
  last=$(grep -n '^#include' "$f" | tail -n 1)
  case "$last" in
    *'"loadlens/banned.h"'*) ;;
    *) echo "FAIL $f: loadlens/banned.h is not its last include"; fail=1 ;;
  esac
done
tmp=$(mktemp -d)
for call in 'sprintf(b, "%d", 1)' 'strcpy(b, "x")' 'atoi("12x")' 'strtok(b, ",")'; do
  printf '#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n#include "loadlens/banned.h"\nint f(void);\nint f(void) { char b[8] = ""; return (int)(long)%s; }\n' "$call" > "$tmp/t.c"
  if "$cc" -fsyntax-only -I"$src/include" "$tmp/t.c" 2>/dev/null; then
    echo "FAIL banned.h lets through: $call"; fail=1
  fi
done
rm -rf "$tmp"
n=$(ls "$src"/src/*.c | wc -l)
if [ $fail -eq 0 ]; then echo "$((n + 4)) passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $fail
