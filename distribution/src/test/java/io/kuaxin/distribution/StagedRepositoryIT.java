package io.kuaxin.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks the file repository that {@code verify} deployed every published module to (the root pom's
 * release-checks profile, on in CI): exactly what a public repository would receive. Every module in the BOM is there and
 * nothing else; each jar module has its main, sources and javadoc jars and an SBOM; every POM is complete.
 */
class StagedRepositoryIT {

    static final String GROUP = "io.kuaxin";
    static Path repo;
    static String version;

    @BeforeAll
    static void locate() {
        assumeTrue(Boolean.getBoolean("kuaxin.release.checks"),
                "nothing staged: the release-checks profile is off (it is on in CI; -Prelease-checks turns it on)");
        repo = Path.of(System.getProperty("kuaxin.staging.repository")).resolve(GROUP.replace('.', '/'));
        version = System.getProperty("kuaxin.version");
        assertTrue(Files.isDirectory(repo), "nothing was staged at " + repo);
    }

    @Test
    void theBomListsExactlyTheStagedModules() throws Exception {
        Set<String> inBom = new TreeSet<>();
        for (Element dep : children(child(child(pom("kuaxin-bom").getDocumentElement(), "dependencyManagement"), "dependencies"), "dependency")) {
            if (GROUP.equals(text(dep, "groupId"))) {
                inBom.add(text(dep, "artifactId"));
                if ("test-jar".equals(text(dep, "type"))) {
                    Path tests = file(text(dep, "artifactId"), "tests", "jar");
                    assertTrue(Files.isRegularFile(tests), "the BOM lists a test-jar that was not staged: " + tests);
                }
                assertEquals("${project.version}", text(dep, "version"), "BOM entry " + text(dep, "artifactId"));
            }
        }
        Set<String> staged = stagedArtifactIds();
        staged.removeAll(Set.of("kuaxin-parent", "kuaxin-bom"));
        Set<String> notStaged = new TreeSet<>(inBom);
        notStaged.removeAll(staged);
        Set<String> notInBom = new TreeSet<>(staged);
        notInBom.removeAll(inBom);
        assertTrue(notStaged.isEmpty(), "in the BOM but not staged (not published, or built after the "
                + "distribution module: keep distribution the last module): " + notStaged);
        assertTrue(notInBom.isEmpty(), "staged but missing from bom/pom.xml: " + notInBom
                + " (add it there, or set maven.deploy.skip in its pom if it is not published)");
    }

    @Test
    void everyJarModuleHasMainSourcesJavadocAndSbom() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String id : stagedArtifactIds()) {
            Document pom = pom(id);
            String packaging = text(pom.getDocumentElement(), "packaging");
            for (String ext : List.of("json", "xml")) {
                if (!Files.isRegularFile(file(id, "cyclonedx", ext))) {
                    problems.add(id + ": no CycloneDX SBOM (" + ext + ")");
                }
            }
            if (packaging != null && !packaging.equals("jar")) {
                continue;
            }
            check(problems, id, null, "META-INF/MANIFEST.MF", ".class");
            check(problems, id, "sources", "META-INF/MANIFEST.MF", ".java");
            check(problems, id, "javadoc", "index.html", ".html");
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyPomIsComplete() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String id : stagedArtifactIds()) {
            String raw = Files.readString(file(id, null, "pom"));
            if (raw.contains("${revision}")) {
                problems.add(id + ": POM still says ${revision} (flatten-maven-plugin did not run)");
            }
            Element project = pom(id).getDocumentElement();
            for (String own : List.of("name", "description")) {   // not inherited, or meaningless when inherited
                if (blank(text(project, own))) {
                    problems.add(id + ": no <" + own + ">");
                }
            }
            for (String path : List.of("url", "licenses/license/name", "licenses/license/url",
                    "developers/developer/name", "scm/connection", "scm/url")) {
                if (blank(inherited(project, path))) {
                    problems.add(id + ": no <" + path + "> in its POM or its staged parent's");
                }
            }
            String license = inherited(project, "licenses/license/name");
            if (license != null && !license.equals("Apache-2.0")) {
                problems.add(id + ": license " + license);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void theStagedBomImportsNothingElse() throws Exception {
        Element project = pom("kuaxin-bom").getDocumentElement();
        assertEquals(null, child(project, "parent"), "the published BOM must not have a parent");
        assertEquals(null, child(project, "dependencies"), "the published BOM must not add dependencies");
        assertEquals(null, child(project, "properties"), "the published BOM must not carry the build's properties");
    }

    // ---- the repository layout -------------------------------------------------------------------------------

    private static Set<String> stagedArtifactIds() throws IOException {
        try (Stream<Path> dirs = Files.list(repo)) {
            Set<String> ids = new TreeSet<>();
            dirs.filter(d -> Files.isDirectory(d.resolve(version))).forEach(d -> ids.add(d.getFileName().toString()));
            return ids;
        }
    }

    /** The staged file; a SNAPSHOT's timestamped name comes from the version's maven-metadata.xml. */
    private static Path file(String id, String classifier, String ext) throws Exception {
        Path dir = repo.resolve(id).resolve(version);
        String fileVersion = version;
        if (version.endsWith("-SNAPSHOT")) {
            Document meta = parse(dir.resolve("maven-metadata.xml"));
            for (Element sv : children(child(child(meta.getDocumentElement(), "versioning"), "snapshotVersions"),
                    "snapshotVersion")) {
                String c = text(sv, "classifier");
                if (ext.equals(text(sv, "extension")) && (classifier == null ? c == null : classifier.equals(c))) {
                    fileVersion = text(sv, "value");
                }
            }
        }
        return dir.resolve(id + "-" + fileVersion + (classifier == null ? "" : "-" + classifier) + "." + ext);
    }

    private static void check(List<String> problems, String id, String classifier, String entry, String suffix)
            throws Exception {
        Path jar = file(id, classifier, "jar");
        String what = id + (classifier == null ? "" : " " + classifier) + " jar";
        if (!Files.isRegularFile(jar)) {
            problems.add(what + ": missing (" + jar.getFileName() + ")");
            return;
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            if (zip.getEntry(entry) == null) {
                problems.add(what + ": no " + entry);
            }
            if (zip.stream().noneMatch(e -> e.getName().endsWith(suffix))) {
                problems.add(what + ": no *" + suffix + " inside");
            }
        }
    }

    // ---- POMs -----------------------------------------------------------------------------------------------

    private static Document pom(String id) throws Exception {
        Path p = file(id, null, "pom");
        if (!Files.isRegularFile(p)) {
            fail(id + " has no staged POM at " + p);
        }
        return parse(p);
    }

    /** The value at path in this POM, else in its parent's (which must be staged too), as Maven inherits it. */
    private static String inherited(Element project, String path) throws Exception {
        Element e = project;
        for (String step : path.split("/")) {
            e = e == null ? null : child(e, step);
        }
        if (e != null && !blank(e.getTextContent())) {
            return e.getTextContent().trim();
        }
        Element parent = child(project, "parent");
        if (parent == null || !GROUP.equals(text(parent, "groupId"))) {
            return null;
        }
        return inherited(pom(text(parent, "artifactId")).getDocumentElement(), path);
    }

    private static Document parse(Path p) throws Exception {
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        return f.newDocumentBuilder().parse(p.toFile());
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent != null) {
            for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getTagName().equals(name)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
