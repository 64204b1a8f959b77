#!/usr/bin/env bash
# Fuzzes the @FuzzTest methods with Jazzer, one JVM per method, and keeps every input that makes
# one fail (an exception, a failed assertion, a sanitizer finding, or an input slower than
# FUZZ_INPUT_TIMEOUT seconds) in that method's inputs directory,
# <module>/src/test/resources/<package>/<Class>Inputs/<method>/, where every `mvn test` replays it.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [CLASS...]
#
# SECONDS_PER_TARGET defaults to 300. CLASS is a fuzz test class, by simple or fully qualified
# name, in any module, or one method of it as CLASS#method; without one, every class with a
# @FuzzTest method is fuzzed.
#
# Environment:
#   FUZZ_INPUT_TIMEOUT  seconds one input may run before it counts as a finding (default 10)
#   FUZZ_JAVA_OPTS      extra options for the fuzzing JVM, e.g. system properties a test needs
#   FUZZ_INSTRUMENT     classes Jazzer instruments for coverage (default: the project's, and the
#                       JDK's deserialization classes, so mutations that get further into a
#                       serialization stream count as progress)
#   FUZZ_MVN_ARGS       arguments for the Maven build before fuzzing (default "-B -ntp -q";
#                       add -o to stay offline)
#   MVN_LOCK            a lock file that serializes Maven runs on a shared machine
#                       (default /tmp/mvn.lock; used when flock is installed)
#
# Maven only compiles and resolves the class path; the fuzzing itself runs in plain JVMs
# (scripts/FuzzLauncher.java), so a long run holds no Maven lock. The corpus each run grows is
# kept in <module>/.cifuzz-corpus/ (not committed) and seeds the next run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

seconds=${1:-300}
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [CLASS...]" >&2
  exit 2
fi
shift || true
input_timeout=${FUZZ_INPUT_TIMEOUT:-10}
instrument=${FUZZ_INSTRUMENT:-io.kamacache.**,com.acme.**,java.io.Object*}
read -r -a mvn_args <<< "${FUZZ_MVN_ARGS:--B -ntp -q}"

mvn_locked() {
  if command -v flock >/dev/null 2>&1; then
    flock "${MVN_LOCK:-/tmp/mvn.lock}" mvn "${mvn_args[@]}" "$@"
  else
    mvn "${mvn_args[@]}" "$@"
  fi
}

# Fuzz test classes: "module fully.qualified.Class" for each source file with a @FuzzTest.
targets=()
while IFS= read -r file; do
  module=${file%%/src/test/java/*}
  class=${file#*/src/test/java/}
  class=${class%.java}
  class=${class//\//.}
  if [ $# -eq 0 ]; then
    targets+=("$module $class")
  fi
  for name in "$@"; do
    if [ "${name%%#*}" = "$class" ] || [ "${name%%#*}" = "${class##*.}" ]; then
      method=""
      [[ "$name" == *#* ]] && method=${name#*#}
      targets+=("$module $class $method")
    fi
  done
done < <(grep -rlE --include='*.java' '@FuzzTest\b' -- */src/test/java 2>/dev/null | sort)

if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz.sh: no @FuzzTest classes${1:+ named $*}" >&2
  exit 2
fi

modules=$(printf '%s\n' "${targets[@]}" | cut -d' ' -f1 | sort -u | paste -sd, -)
echo "fuzz.sh: compiling $modules"
mvn_locked -pl "$modules" -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/fuzz-classpath.txt

summary=()
findings=0
for target in "${targets[@]}"; do
  read -r module class only <<< "$target"
  classpath="$root/$module/target/test-classes:$root/$module/target/classes:$(cat "$root/$module/target/fuzz-classpath.txt")"
  package_dir=$(dirname "${class//.//}")
  methods=${only:-$(cd "$module" && java -cp "$classpath" "$root/scripts/FuzzLauncher.java" --list "$class")}
  for method in $methods; do
    inputs="$root/$module/src/test/resources/$package_dir/${class##*.}Inputs/$method"
    mkdir -p "$inputs"
    before=$(ls -A "$inputs")
    log="$root/$module/target/fuzz-${class##*.}-$method.log"
    echo "fuzz.sh: fuzzing $class#$method for ${seconds}s (log: ${log#"$root"/})"
    start=$(date +%s)
    status=0
    # Jazzer writes each finding to the inputs directory; libFuzzer's arguments come last and win
    # over the @FuzzTest's maxDuration. JUnit's own time limit would cut the run short.
    # shellcheck disable=SC2086
    (cd "$module" && JAZZER_FUZZ=1 timeout $((seconds + 300)) java ${FUZZ_JAVA_OPTS:-} -cp "$classpath" \
        "$root/scripts/FuzzLauncher.java" "$class#$method" \
        junit.jupiter.execution.timeout.mode=disabled \
        jazzer.hooks=true \
        "jazzer.instrument=$instrument" \
        jazzer.internal.arg.0=fuzz \
        "jazzer.internal.arg.1=-max_total_time=$seconds" \
        "jazzer.internal.arg.2=-timeout=$input_timeout") > "$log" 2>&1 || status=$?
    elapsed=$(( $(date +%s) - start ))
    # Artifacts written outside the inputs directory (a module without src/test/resources) move in.
    for artifact in "$module"/crash-* "$module"/timeout-* "$module"/slow-unit-* "$module"/oom-* "$module"/leak-*; do
      [ -f "$artifact" ] && mv "$artifact" "$inputs/"
    done
    new=$(comm -13 <(printf '%s\n' "$before" | sort) <(ls -A "$inputs" | sort) | paste -sd' ' -)
    runs=$(grep -aoE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | awk '{print $2}')
    if [ -z "$runs" ]; then
      runs=$(grep -aoE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    fi
    result="no findings"
    if [ -n "$new" ]; then
      result="FINDINGS, kept as regression inputs: $new"
      findings=$((findings + 1))
    elif [ "$status" -ne 0 ]; then
      result="FAILED (exit $status) without a saved input: see ${log#"$root"/}"
      findings=$((findings + 1))
    fi
    summary+=("$class#$method: ${elapsed}s, ${runs:-?} executions, $result")
  done
done

echo
echo "fuzz.sh: summary"
printf '  %s\n' "${summary[@]}"
[ "$findings" -eq 0 ]
