#!/usr/bin/env bash
# Builds the README's "Use jgrad from Java" programs the way a Java team would: `mvn install` here, then
# a fresh Maven project elsewhere that depends on dev.jgrad:jgrad-core alone, compiled and run with the
# JVM flag the README gives. Also checks that jgrad-core has no runtime dependency.
#
#   scripts/java-examples.sh [JDK25_HOME]
#
# The programs are taken from README.md itself (each ```java block whose first line is `// Name.java`),
# so the README cannot drift from what runs. Data sets come from the public URLs, or from
# JGRAD_DATA_MIRROR (set to ../shared/data when that folder is beside the repository, as in CI).
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
jdk=${1:-${JGRAD_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}}
work=$(mktemp -d "${TMPDIR:-/tmp}/jgrad-java-examples.XXXXXX")
trap 'rm -rf "$work"' EXIT
say() { printf 'java-examples: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

export JGRAD_DATA=$work/data-cache
if [[ -z ${JGRAD_DATA_MIRROR:-} && -d $root/../shared/data ]]; then
    export JGRAD_DATA_MIRROR=$root/../shared/data
fi

say "mvn install (jgrad-core and jgrad-cli into the local repository)"
(cd "$root" && mvn -q -B -DskipTests -Djdk25.home="$jdk" install)

say "jgrad-core's runtime dependencies"
(cd "$root" && mvn -q -B dependency:tree -pl jgrad-core -Dscope=runtime -DoutputFile="$work/tree.txt")
cat "$work/tree.txt" >&2
[[ $(grep -c . "$work/tree.txt") -eq 1 ]] || fail "jgrad-core has runtime dependencies (above)"

say "the README's programs"
app=$work/app
mkdir -p "$app/src/main/java"
awk -v dir="$app/src/main/java" '
    /^```java$/ { inblock = 1; first = 1; file = ""; next }
    /^```$/ && inblock { inblock = 0; if (file != "") close(file); next }
    inblock && first { first = 0; if (match($0, /^\/\/ [A-Za-z]+\.java$/)) file = dir "/" substr($0, 4) }
    inblock && file != "" { print > file }
' "$root/README.md"
programs=$(cd "$app/src/main/java" && ls)
[[ $(wc -w <<<"$programs") -ge 3 ]] || fail "expected three programs in README.md, found: $programs"
version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$root/jgrad-core/pom.xml" | head -1)
cat >"$app/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>uses-jgrad</artifactId>
  <version>1.0</version>
  <properties>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
    <dependency>
      <groupId>dev.jgrad</groupId>
      <artifactId>jgrad-core</artifactId>
      <version>$version</version>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.15.0</version>
        <configuration>
          <fork>true</fork>
          <executable>$jdk/bin/javac</executable>
          <release>25</release>
          <compilerArgs><arg>--add-modules</arg><arg>jdk.incubator.vector</arg></compilerArgs>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
POM
(cd "$app" && mvn -q -B compile dependency:build-classpath -Dmdep.outputFile="$work/cp.txt")
cp=$app/target/classes:$(cat "$work/cp.txt")
run() { "$jdk/bin/java" --add-modules jdk.incubator.vector -cp "$cp" "$@" 2> >(grep -v '^WARNING: Using incubator modules' >&2); }

say "models trained by the command line, for the programs that load them"
"$root/jgrad" train charlm --max-steps 30 --eval-every 30 --out "$work/charlm" >"$work/charlm.log" 2>&1 ||
    { cat "$work/charlm.log" >&2; fail "jgrad train charlm"; }
"$root/jgrad" train translate --vocab-size 400 --d-model 32 --heads 4 --encoder-layers 1 --decoder-layers 1 --ff 64 \
    --batch-tokens 600 --max-steps 30 --valid-sentences 20 --out "$work/translate" >"$work/translate.log" 2>&1 ||
    { cat "$work/translate.log" >&2; fail "jgrad train translate"; }

say "TrainFashionMnist"
out=$(run TrainFashionMnist "$work/fashion") || fail "TrainFashionMnist"
echo "$out"
[[ $out =~ test\ accuracy\ 0\.(8[0-9]|9[0-9]) ]] || fail "TrainFashionMnist: expected a test accuracy of at least 80%"
[[ -f $work/fashion/best.safetensors ]] || fail "TrainFashionMnist wrote no best.safetensors"

say "SampleShakespeare"
out=$(run SampleShakespeare "$work/charlm") || fail "SampleShakespeare"
echo "$out"
[[ $out == ROMEO:* && $out == *"perplexity of a line: "* ]] || fail "SampleShakespeare: unexpected output"

say "TranslateSentences"
out=$(run TranslateSentences "$work/translate") || fail "TranslateSentences"
echo "$out"
[[ $(grep -c ' -> .' <<<"$out") -eq 2 ]] || fail "TranslateSentences: expected two translations"

say "all three programs ran against jgrad-core $version"
