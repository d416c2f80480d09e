#!/usr/bin/env bash
# Builds benchmarks/target/benchmarks.jar if needed, runs Waymark's JMH benchmarks and the retained-memory
# measurement, and ends with one line:
#   summary: speedup_vs_naive=X speedup_vs_naive_as_filed=F slowdown_vs_handwritten=Y ingest_events_per_s=Z bytes_per_contact=W
# (F: against naive Drools on the standard DRL as it was when the performance issue was filed)
#
#   benchmarks/run.sh            full: 10k, 100k and 1M contacts, 2 forks, 5 x 10 s warm-up and measurement
#                                (hours on 2 cores; the 1M base needs about 8 GB of heap)
#   benchmarks/run.sh --quick    100k contacts, 1 fork, 2 x 2 s warm-up and 3 x 2 s measurement (the bulk
#                                comparison 3 x 3 s and 5 x 3 s, its ratio is the point); under 10 min on 2 cores
#   benchmarks/run.sh --profile  the bulk run, due contacts and ingest once more with -prof gc and -prof stack,
#                                to see what dominates (no summary line)
#
# Results (JMH JSON, logs, retained.properties) go to benchmarks/target/results-<mode>/. Extra arguments after
# the mode are passed to every JMH run (for example -jvm /path/to/java).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/benchmarks.jar"

mode=full
if [[ $# -gt 0 ]]; then
  case "$1" in
    --quick) mode=quick; shift ;;
    --profile) mode=profile; shift ;;
    --full) shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
  esac
fi
extra=("$@")

# Build when the jar is missing or older than anything it is made of (the engine included).
sources=("$here/src" "$here/pom.xml" "$root/pom.xml" "$root/engine-api/pom.xml" "$root/engine-api/src/main"
         "$root/engine-drools/pom.xml" "$root/engine-drools/src/main")
if [[ ! -f $jar ]] || [[ -n $(find "${sources[@]}" -newer "$jar" -print -quit 2>/dev/null) ]]; then
  echo "building $jar" >&2
  (cd "$root" && mvn -B -q package -pl benchmarks -am -DskipTests)
fi

results="$here/target/results-$mode"
rm -rf "$results"
mkdir -p "$results"

# bulk_*: the bulk comparison (heap sized for its largest base; -Xms = -Xmx so the heap does not resize while
# timing). The quick mode leaves out waymarkNoSkip, which only explains the result.
case $mode in
  quick)   jmh_opts=(-f 1 -wi 2 -i 3 -w 2s -r 2s); bulk_opts=(-f 1 -wi 3 -i 5 -w 3s -r 3s)
           bulk_heap=3g; bulk_select='BulkEvaluationBenchmark.(waymark|naiveDrools|naiveDroolsAsFiled|handWritten)$'
           sizes=100000; retained=100000; heap=3g; build_forks=5 ;;
  full)    jmh_opts=(-f 2 -wi 5 -i 5 -w 10s -r 10s); bulk_opts=("${jmh_opts[@]}")
           bulk_heap=10g; bulk_select=BulkEvaluationBenchmark
           sizes=10000,100000,1000000; retained=1000000; heap=8g; build_forks=10 ;;
  profile) jmh_opts=(-f 1 -wi 3 -i 3 -w 5s -r 5s); bulk_opts=("${jmh_opts[@]}"); bulk_heap=3g; sizes=100000 ;;
esac

# JMH prints a lot; the log keeps all of it, the terminal gets progress and results.
show() {
  awk '/^# (Benchmark|Parameters|Run progress):|^Iteration|^Benchmark +|^[A-Za-z]+Benchmark\.|^dataset|^due sample|^live events|Exception|Error/ { print; fflush() }'
}

# jmh NAME ARGS...: one JMH run with the options in $opts, failing on the first benchmark error (a failed
# agreement check included).
opts=("${jmh_opts[@]}")
jmh() {
  local name=$1
  shift
  echo "== $name" >&2
  java -jar "$jar" "$@" "${opts[@]}" -foe true -rf json -rff "$results/$name.json" ${extra[@]+"${extra[@]}"} 2>&1 \
    | tee "$results/$name.log" | show
}

if [[ $mode == profile ]]; then
  # JMH's stack profiler (top frames) and a flight recording per benchmark, broken down by ProfileBreakdown.
  stack='stack:lines=1;top=25'
  jfr="jfr:dir=$results/jfr;stackDepth=512"
  opts=("${bulk_opts[@]}")
  jmh bulk 'BulkEvaluationBenchmark.(waymark|naiveDrools)$' -p size=$sizes -jvmArgsAppend "-Xms$bulk_heap -Xmx$bulk_heap" \
    -prof gc -prof "$stack" -prof "$jfr"
  opts=("${jmh_opts[@]}")
  jmh due-contacts 'MemoryBenchmark.(waymarkDue|handWrittenDue)$' -prof gc -prof "$stack" -prof "$jfr"
  jmh ingest 'IngestBenchmark.foldHistory$' -prof gc -prof "$stack" -prof "$jfr"
  java -cp "$jar" dev.waymark.bench.ProfileBreakdown "$results/jfr" | tee "$results/breakdown.txt"
  echo "profiles: $results/*.log, $results/breakdown.txt" >&2
  exit 0
fi

opts=("${bulk_opts[@]}")
jmh bulk "$bulk_select" -p size=$sizes -jvmArgsAppend "-Xms$bulk_heap -Xmx$bulk_heap"
opts=("${jmh_opts[@]}")
jmh ingest IngestBenchmark
jmh streaming StreamingLatencyBenchmark
jmh memory MemoryBenchmark -prof gc
# The cold start: one shot per fork, each fork a fresh JVM (the class's own settings, fewer forks when quick).
opts=(-f "$build_forks")
jmh engine-build EngineBuildBenchmark

echo "== retained memory ($retained contacts)" >&2
java -XX:+UseSerialGC -Xmx$heap -cp "$jar" dev.waymark.bench.RetainedMemory "$retained" "$results/retained.properties" \
  2>&1 | tee "$results/retained.log" | awk '!/^bytes_per_contact=/'

# The table, then the summary line, last.
java -cp "$jar" dev.waymark.bench.Summary "$results"
