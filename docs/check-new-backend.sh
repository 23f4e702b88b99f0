#!/usr/bin/env bash
# Checks the Acme skeleton that docs/new-backend.md walks through (docs/new-backend/acme: C header, emulator, Java
# sources, conformance class) outside the reactor: builds those files as they are (gcc -Werror, javac) and runs
# AcmeConformanceTest on the Acme emulator. Prints the TCK summary; exits non-zero on a build error or a failed case.
# Needs the reactor's classes first: ./mvnw -pl conformance,backend-cpu-reference -am package -DskipTests
# and JUnit in ~/.m2 (the build's own version). Usage: docs/check-new-backend.sh [work-dir [skeleton-dir]]
# (skeleton-dir: a copy of docs/new-backend/acme to check instead, e.g. one with a deliberate bug)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
m2=${M2_REPO:-$HOME/.m2/repository}
junit=$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' "$root/pom.xml")
platform=1.${junit#5.}
slf4j=$(ls "$m2/org/slf4j/slf4j-api" | sort -V | tail -1)

src=$(cd "${2:-$root/docs/new-backend/acme}" && pwd)
mkdir -p "$work/classes/META-INF/services" "$work/emu"
cp "$src/backend-acme/src/main/resources/META-INF/services/io.kuaxin.spi.BackendProvider" "$work/classes/META-INF/services/"

# The emulator through its own make fragment, as native/Makefile includes it (the real tree's core and includes).
make -s -f "$src/native/emu/acme/acme.mk" KX_NATIVE_DIR="$root/native" ACME_INCLUDE="$src/native/include" \
    OUT="$work/emu" acme

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
# module-info.java is left out: the check runs on the classpath.
javac -nowarn -d "$work/classes" -cp "$cp" "$src"/backend-acme/src/main/java/io/kuaxin/backend/acme/*.java
javac -nowarn -d "$work/classes" -cp "$cp:$work/classes" "$src"/backend-acme/src/test/java/io/kuaxin/backend/acme/*.java

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
