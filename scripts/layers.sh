#!/usr/bin/env bash
# Checks the layering after a build (`mvn -B verify` or `package`): reads the compiled classes of every module
# with jdeps, prints which Waymark package imports which, fails when two packages import each other
# (directly or round a longer cycle), and counts the top-level public types of the packages a host or a
# rule author imports (the host's API), failing above 20.
#
#   scripts/layers.sh            the package graph, any cycle, and the host-API count
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dirs=()
for m in engine-api engine-core engine-drools engine-examples engine-kafka-streams engine-store benchmarks; do
  [[ -d $root/$m/target/classes ]] && dirs+=("$root/$m/target/classes")
done
[[ ${#dirs[@]} -gt 0 ]] || { echo "layers: no target/classes; build first (mvn -B package -DskipTests)" >&2; exit 2; }
graph=$(for d in "${dirs[@]}"; do jdeps -verbose:package -filter:none "$d" 2>/dev/null; done \
  | awk '$1 ~ /^dev\.waymark/ && $2 == "->" && $3 ~ /^dev\.waymark/ && $1 != $3 { print $1, $3 }' | sort -u)
echo "package imports (A -> B):"
echo "$graph" | sed 's/^/  /; s/ dev/ -> dev/'
python3 - "$graph" <<'PY'
import sys
edges = {}
for line in sys.argv[1].splitlines():
    a, b = line.split()
    edges.setdefault(a, set()).add(b)
# Tarjan's strongly connected components: any with more than one package is a cycle.
index, low, stack, on, out, n = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
    for w in edges.get(v, ()):
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: out.append(sorted(comp))
for v in list(edges):
    if v not in index: visit(v)
if out:
    for c in out: print("cycle between packages: " + ", ".join(c))
    sys.exit(1)
print("no package cycle")
PY
count=0
for pkg in engine-api/target/classes/dev/waymark engine-api/target/classes/dev/waymark/json \
           engine-drools/target/classes/dev/waymark/drools engine-drools/target/classes/dev/waymark/drools/testing; do
  for f in "$root/$pkg"/*.class; do
    [[ $(basename "$f") == *'$'* ]] && continue
    if javap -public "$f" 2>/dev/null | grep -qE '^public '; then
      count=$((count + 1)); echo "  host API: $(basename "${f%.class}")"
    fi
  done
done
echo "host API: $count top-level public types (at most 20)"
[[ $count -le 20 ]]
