import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The release check, run by {@code mvn -B -Prelease verify} after every published module is packaged.
 *
 * <p>A module is published unless its POM sets {@code maven.deploy.skip} to {@code true}. For each published module it
 * checks what the central repository requires of a release: a jar (unless the module is a POM), a sources jar holding
 * every source file, a Javadoc jar, the licence and notice inside the jar, and a POM whose metadata (name, description,
 * URL, licence, developers, SCM) is complete, inherited from the parent or, for the BOM, its own. It also checks that
 * the BOM lists exactly the published modules, at the parent's version. It prints one line per module and exits with
 * status 1, naming every gap, when anything is missing.
 *
 * <p>Run by hand: {@code java release-check/src/main/check/CheckRelease.java .} after the release build.
 */
public final class CheckRelease {

    private static final String BOM = "idempotency-bom";

    private final Path root;
    private final List<String> problems = new ArrayList<>();

    private CheckRelease(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        CheckRelease check = new CheckRelease(root);
        check.run();
        if (!check.problems.isEmpty()) {
            System.out.println();
            System.out.println("Release check FAILED: " + check.problems.size() + " problem(s)");
            check.problems.forEach(p -> System.out.println("  - " + p));
            System.exit(1);
        }
        System.out.println("Release check passed.");
    }

    private void run() throws Exception {
        Document parent = parse(root.resolve("pom.xml"));
        Element parentProject = parent.getDocumentElement();
        String version = text(parentProject, "version");
        checkMetadata("idempotency-parent", parentProject, true);

        Map<String, Element> published = new LinkedHashMap<>();
        Set<String> unpublished = new TreeSet<>();
        for (String module : modules(parentProject)) {
            Path pom = root.resolve(module).resolve("pom.xml");
            if (!Files.isRegularFile(pom)) {
                problems.add("module " + module + " has no pom.xml");
                continue;
            }
            Element project = parse(pom).getDocumentElement();
            String artifactId = text(project, "artifactId");
            if ("true".equals(property(project, "maven.deploy.skip"))) {
                unpublished.add(artifactId);
                continue;
            }
            published.put(module, project);
        }

        System.out.printf("%-40s %-8s %-8s %-8s %-8s %-8s%n", "published module", "jar", "sources", "javadoc", "licence",
                "pom");
        for (Map.Entry<String, Element> entry : published.entrySet()) {
            checkModule(entry.getKey(), entry.getValue(), version);
        }
        System.out.println("not published: " + String.join(", ", unpublished));
        checkBom(published, unpublished, version, parentProject);
    }

    private void checkModule(String module, Element project, String version) throws IOException {
        String artifactId = text(project, "artifactId");
        String packaging = orElse(text(project, "packaging"), "jar");
        Path dir = root.resolve(module);
        Path target = dir.resolve("target");
        boolean standalone = child(project, "parent") == null;
        String projectVersion = standalone ? text(project, "version") : text(child(project, "parent"), "version");
        if (!version.equals(projectVersion)) {
            problems.add(artifactId + ": version " + projectVersion + ", but the parent's is " + version);
        }
        String pom = checkMetadata(artifactId, project, standalone) ? "ok" : "MISSING";

        if (!"jar".equals(packaging)) {
            System.out.printf("%-40s %-8s %-8s %-8s %-8s %-8s%n", artifactId, "(" + packaging + ")", "-", "-", "-",
                    pom);
            return;
        }
        Path jar = find(target, artifactId, null, version);
        Path sources = find(target, artifactId, "sources", version);
        Path javadoc = find(target, artifactId, "javadoc", version);

        String jarState = jar == null ? "MISSING" : "ok";
        String licence = "MISSING";
        if (jar == null) {
            problems.add(artifactId + ": no jar in " + root.relativize(target));
        } else {
            Set<String> entries = entries(jar);
            if (entries.contains("META-INF/LICENSE") && entries.contains("META-INF/NOTICE")) {
                licence = "ok";
            } else {
                problems.add(artifactId + ": " + jar.getFileName() + " lacks META-INF/LICENSE or META-INF/NOTICE");
            }
        }

        String sourcesState = "MISSING";
        if (sources == null) {
            problems.add(artifactId + ": no sources jar in " + root.relativize(target));
        } else {
            Set<String> expected = sourceFiles(dir.resolve("src/main/java"));
            Set<String> present = entries(sources);
            expected.removeAll(present);
            if (expected.isEmpty()) {
                sourcesState = "ok";
            } else {
                problems.add(artifactId + ": " + sources.getFileName() + " lacks " + expected.size()
                        + " source file(s), e.g. " + expected.iterator().next());
            }
        }

        String javadocState = "MISSING";
        if (javadoc == null) {
            problems.add(artifactId + ": no Javadoc jar in " + root.relativize(target));
        } else {
            Set<String> entries = entries(javadoc);
            boolean hasClasses = !sourceFiles(dir.resolve("src/main/java")).isEmpty();
            boolean documented = hasClasses
                    ? entries.contains("index.html") && entries.stream().anyMatch(e -> e.endsWith(".html")
                            && !e.endsWith("index.html") && !e.contains("-"))
                    : !entries.isEmpty();
            if (documented) {
                javadocState = "ok";
            } else {
                problems.add(artifactId + ": " + javadoc.getFileName() + " documents no class");
            }
        }
        System.out.printf("%-40s %-8s %-8s %-8s %-8s %-8s%n", artifactId, jarState, sourcesState, javadocState, licence,
                pom);
    }

    private void checkBom(Map<String, Element> published, Set<String> unpublished, String version,
            Element parentProject) throws Exception {
        Path bomPom = root.resolve(BOM).resolve("pom.xml");
        if (!Files.isRegularFile(bomPom)) {
            problems.add("no " + BOM + " module");
            return;
        }
        Element bom = parse(bomPom).getDocumentElement();
        if (!version.equals(text(bom, "version"))) {
            problems.add(BOM + ": version " + text(bom, "version") + ", but the parent's is " + version);
        }
        for (String field : List.of("url", "inceptionYear")) {
            if (!text(parentProject, field).equals(text(bom, field))) {
                problems.add(BOM + ": <" + field + "> differs from the parent's");
            }
        }
        for (String section : List.of("licenses", "scm", "developers", "issueManagement", "organization")) {
            if (!flatten(child(parentProject, section)).equals(flatten(child(bom, section)))) {
                problems.add(BOM + ": <" + section + "> differs from the parent's");
            }
        }
        Element build = child(bom, "build");
        Element plugins = build == null || child(build, "pluginManagement") == null ? null
                : child(child(build, "pluginManagement"), "plugins");
        Element parentProperties = child(parentProject, "properties");
        for (Element plugin : plugins == null ? List.<Element>of() : children(plugins, "plugin")) {
            String artifactId = text(plugin, "artifactId");
            String pinned = parentProperties == null ? "" : text(parentProperties, artifactId + ".version");
            if (!pinned.equals(text(plugin, "version"))) {
                problems.add(BOM + ": " + artifactId + " " + text(plugin, "version") + ", but the parent pins "
                        + (pinned.isEmpty() ? "none" : pinned));
            }
        }
        Set<String> listed = new TreeSet<>();
        Element management = child(bom, "dependencyManagement");
        Element dependencies = management == null ? null : child(management, "dependencies");
        if (dependencies != null) {
            for (Element dependency : children(dependencies, "dependency")) {
                String artifactId = text(dependency, "artifactId");
                listed.add(artifactId);
                String v = text(dependency, "version");
                if (!"${project.version}".equals(v) && !version.equals(v)) {
                    problems.add(BOM + ": " + artifactId + " at " + v + ", not at " + version);
                }
                if (!"dev.idempotency".equals(text(dependency, "groupId"))) {
                    problems.add(BOM + ": " + artifactId + " is not one of ours");
                }
            }
        }
        Set<String> expected = published.values().stream()
                .map(p -> text(p, "artifactId"))
                .filter(a -> !a.equals(BOM))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(listed);
        Set<String> extra = new TreeSet<>(listed);
        extra.removeAll(expected);
        missing.forEach(m -> problems.add(BOM + " does not list the published module " + m));
        extra.forEach(e -> problems.add(BOM + " lists " + e + (unpublished.contains(e) ? ", which is not published"
                : ", which is no module of this build")));
        System.out.println(BOM + ": lists " + listed.size() + " of " + expected.size() + " published modules");
    }

    /** Name and description on every module; the rest where the module does not inherit it. */
    private boolean checkMetadata(String artifactId, Element project, boolean own) {
        List<String> required = new ArrayList<>(List.of("name", "description"));
        if (own) {
            required.addAll(List.of("url", "licenses", "developers", "scm"));
        }
        boolean complete = true;
        for (String field : required) {
            Element element = child(project, field);
            if (element == null || element.getTextContent().isBlank()) {
                problems.add(artifactId + ": POM has no <" + field + ">");
                complete = false;
            }
        }
        if (own) {
            Element licenses = child(project, "licenses");
            if (licenses != null && children(licenses, "license").stream()
                    .anyMatch(l -> text(l, "name").isEmpty() || text(l, "url").isEmpty())) {
                problems.add(artifactId + ": a <license> without <name> or <url>");
                complete = false;
            }
            Element scm = child(project, "scm");
            if (scm != null && (text(scm, "url").isEmpty() || text(scm, "connection").isEmpty())) {
                problems.add(artifactId + ": <scm> without <url> or <connection>");
                complete = false;
            }
        }
        return complete;
    }

    private static Path find(Path target, String artifactId, String classifier, String version) throws IOException {
        if (!Files.isDirectory(target)) {
            return null;
        }
        String suffix = classifier == null ? ".jar" : "-" + classifier + ".jar";
        List<String> names = List.of(artifactId + "-" + version + suffix, artifactId + suffix);
        for (String name : names) {
            Path candidate = target.resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static Set<String> sourceFiles(Path sourceRoot) throws IOException {
        if (!Files.isDirectory(sourceRoot)) {
            return new TreeSet<>();
        }
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .map(f -> sourceRoot.relativize(f).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Set<String> entries(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(ZipEntry::getName).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static List<String> modules(Element project) {
        List<String> modules = new ArrayList<>();
        Element list = child(project, "modules");
        if (list != null) {
            children(list, "module").forEach(m -> modules.add(m.getTextContent().trim()));
        }
        return modules;
    }

    private static String property(Element project, String name) {
        Element properties = child(project, "properties");
        return properties == null ? null : text(properties, name);
    }

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile());
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> result = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                result.add(e);
            }
        }
        return result;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? "" : e.getTextContent().trim();
    }

    private static String flatten(Element e) {
        return e == null ? "" : e.getTextContent().replaceAll("\\s+", " ").trim();
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }
}
