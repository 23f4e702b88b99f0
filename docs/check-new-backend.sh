#!/usr/bin/env bash
# Checks docs/new-backend.md outside the reactor: builds the guide's Acme skeleton as written (header, emulator,
# Java) and runs its AcmeConformanceTest on the Acme emulator. Prints the TCK summary; exits non-zero on a build
# error or a failed case.
# Needs the reactor's classes first: ./mvnw -pl conformance,backend-cpu-reference -am package -DskipTests
# and JUnit in ~/.m2 (the build's own version). Usage: docs/check-new-backend.sh [work-dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
m2=${M2_REPO:-$HOME/.m2/repository}
junit=$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' "$root/pom.xml")
platform=1.${junit#5.}
slf4j=$(ls "$m2/org/slf4j/slf4j-api" | sort -V | tail -1)
mkdir -p "$work/include/acme" "$work/src" "$work/test" "$work/classes/META-INF/services" "$work/emu"

# Fenced blocks in order: C (header, emulator), then Java (module-info is skipped: the check runs on the classpath).
awk -v w="$work" '
  /^```c$/ { c++; out = (c == 1) ? w "/include/acme/acme_rt.h" : w "/acme_emu.c"; next }
  /^```java$/ { j++; out = w "/block" j ".java"; next }
  /^```$/ { out = ""; next }
  out != "" { print > out }' "$root/docs/new-backend.md"
for f in "$work"/block*.java; do
  name=$(sed -n 's/^\(public \)\{0,1\}\(final \)\{0,1\}class \([A-Za-z]*\).*/\3/p' "$f" | head -1)
  if [ -z "$name" ]; then rm "$f"; continue; fi
  case $name in *Test) mv "$f" "$work/test/$name.java" ;; *) mv "$f" "$work/src/$name.java" ;; esac
done
echo io.kuaxin.backend.acme.AcmeProvider > "$work/classes/META-INF/services/io.kuaxin.spi.BackendProvider"

gcc -O2 -fPIC -Wall -Wextra -Werror -pthread -std=gnu11 -shared -Wl,--no-undefined \
    -I"$work/include" -I"$root/native/include" -I"$root/native/emu/core" -I"$root/native/emu/hostmath" \
    -o "$work/emu/libkuaxin-emu-acme.so" "$work/acme_emu.c" "$root"/native/emu/core/*.c \
    "$root"/native/emu/hostmath/*.c -lm

cp=""
for m in runtime-api kernels conformance backend-cpu-reference native; do cp="$cp:$root/$m/target/classes"; done
for a in org/junit/jupiter/junit-jupiter-api/$junit org/junit/jupiter/junit-jupiter-engine/$junit \
         org/junit/jupiter/junit-jupiter-params/$junit org/junit/platform/junit-platform-commons/$platform \
         org/junit/platform/junit-platform-engine/$platform org/junit/platform/junit-platform-launcher/$platform \
         org/slf4j/slf4j-api/$slf4j; do
  cp="$cp:$(ls "$m2/$a"/*.jar | grep -v sources | head -1)"
done
for a in org/opentest4j/opentest4j org/apiguardian/apiguardian-api; do
  v=$(ls "$m2/$a" | sort -V | tail -1); cp="$cp:$(ls "$m2/$a/$v"/*.jar | grep -v sources | head -1)"
done
cp=${cp#:}
javac -nowarn -d "$work/classes" -cp "$cp" "$work"/src/*.java
javac -nowarn -d "$work/classes" -cp "$cp:$work/classes" "$work"/test/*.java

cat > "$work/RunTck.java" <<'JAVA'
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

public class RunTck {
    public static void main(String[] args) throws Exception {
        SummaryGeneratingListener l = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request().selectors(selectClass(Class.forName(args[0]))).build(), l);
        l.getSummary().printTo(new java.io.PrintWriter(System.out));
        l.getSummary().printFailuresTo(new java.io.PrintWriter(System.out), 5);
        long bad = l.getSummary().getTotalFailureCount();
        System.out.println(bad == 0 && l.getSummary().getTestsSucceededCount() > 0 ? "OK" : "FAILED");
        System.exit(bad == 0 && l.getSummary().getTestsSucceededCount() > 0 ? 0 : 1);
    }
}
JAVA
cd "$work"
java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Dkuaxin.emulate=acme \
    -Dkuaxin.emulator.dir="$work/emu" -cp "$cp:$work/classes" RunTck.java io.kuaxin.backend.acme.AcmeConformanceTest
