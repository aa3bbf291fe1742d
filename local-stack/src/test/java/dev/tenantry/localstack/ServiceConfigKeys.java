package dev.tenantry.localstack;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The configuration a Tenantry service really reads, from its sources: the keys of its
 * application.properties and of the shared META-INF/microprofile-config.properties, the
 * environment variables those reference ({@code ${ENV:default}}), the
 * keys of its {@code @ConfigMapping} interfaces and {@code @ConfigProperty} injections, including
 * those of the shared service-support module.
 */
final class ServiceConfigKeys {

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");
    private static final Pattern MAPPING_PREFIX = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern CONFIG_PROPERTY = Pattern.compile("@ConfigProperty\\(\\s*name\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)[^{]*\\{");
    private static final Pattern WITH_NAME = Pattern.compile("@WithName\\(\\s*\"([^\"]+)\"\\s*\\)");
    private static final Pattern ANNOTATION = Pattern.compile("@\\w+(\\s*\\([^)]*\\))?");
    private static final Pattern METHOD = Pattern.compile("^(?:default\\s+)?(.+?)\\s+(\\w+)\\s*\\(\\s*\\)$");

    private final Set<String> keys;
    private final Set<String> referencedEnvironment;

    private ServiceConfigKeys(Set<String> keys, Set<String> referencedEnvironment) {
        this.keys = keys;
        this.referencedEnvironment = referencedEnvironment;
    }

    static ServiceConfigKeys of(Path serviceModule, Path... sharedModules) throws IOException {
        Set<String> keys = new TreeSet<>();
        Set<String> env = new TreeSet<>();
        List<Path> modules = new ArrayList<>();
        modules.add(serviceModule);
        modules.addAll(List.of(sharedModules));
        // The service's own settings, and those every service shares from a module it depends on.
        List<Path> propertyFiles = new ArrayList<>();
        propertyFiles.add(serviceModule.resolve("src/main/resources/application.properties"));
        for (Path module : modules) {
            Path shared = module.resolve("src/main/resources/META-INF/microprofile-config.properties");
            if (Files.isRegularFile(shared)) {
                propertyFiles.add(shared);
            }
        }
        for (Path properties : propertyFiles) {
            Properties parsed = new Properties();
            try (Reader reader = Files.newBufferedReader(properties, StandardCharsets.UTF_8)) {
                parsed.load(reader);
            }
            for (String key : parsed.stringPropertyNames()) {
                // Profile-specific keys (%test.x) are not read in production; %prod.x is x.
                if (!key.startsWith("%") || key.startsWith("%prod.")) {
                    keys.add(key.startsWith("%prod.") ? key.substring(6) : key);
                }
            }
            Matcher references = ENV_REFERENCE.matcher(Files.readString(properties, StandardCharsets.UTF_8));
            while (references.find()) {
                env.add(references.group(1));
            }
        }
        for (Path module : modules) {
            Path sources = module.resolve("src/main/java");
            if (!Files.isDirectory(sources)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String source = stripComments(Files.readString(file, StandardCharsets.UTF_8));
                    Matcher property = CONFIG_PROPERTY.matcher(source);
                    while (property.find()) {
                        keys.add(property.group(1));
                    }
                    Matcher mapping = MAPPING_PREFIX.matcher(source);
                    if (mapping.find()) {
                        keys.addAll(mappingKeys(source.substring(mapping.end()), mapping.group(1)));
                    }
                }
            }
        }
        return new ServiceConfigKeys(keys, env);
    }

    Set<String> keys() {
        return keys;
    }

    Set<String> referencedEnvironment() {
        return referencedEnvironment;
    }

    /** The key an environment variable sets, if the service reads it; the variable itself if referenced. */
    java.util.Optional<String> resolve(String environmentVariable) {
        if (referencedEnvironment.contains(environmentVariable)) {
            return java.util.Optional.of("${" + environmentVariable + "}");
        }
        return keys.stream()
                .filter(k -> toEnvironmentName(k).equals(environmentVariable))
                .findFirst();
    }

    /** MicroProfile Config: every character other than a letter or digit becomes _, then upper case. */
    static String toEnvironmentName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The keys of the @ConfigMapping interface that starts {@code afterAnnotation}, with its nested groups. */
    static Set<String> mappingKeys(String afterAnnotation, String prefix) {
        Matcher top = INTERFACE.matcher(afterAnnotation);
        if (!top.find()) {
            return Set.of();
        }
        Map<String, String> bodies = new LinkedHashMap<>();
        String topBody = body(afterAnnotation, top.end() - 1);
        collectInterfaces(top.group(1), topBody, bodies);
        Set<String> keys = new TreeSet<>();
        addKeys(top.group(1), prefix, bodies, keys, 0);
        return keys;
    }

    private static void collectInterfaces(String name, String body, Map<String, String> bodies) {
        bodies.put(name, body);
        Matcher nested = INTERFACE.matcher(body);
        int from = 0;
        while (nested.find(from)) {
            String nestedBody = body(body, nested.end() - 1);
            collectInterfaces(nested.group(1), nestedBody, bodies);
            from = nested.end() + nestedBody.length();
        }
    }

    private static void addKeys(String name, String prefix, Map<String, String> bodies, Set<String> keys, int depth) {
        if (depth > 10) {
            return;
        }
        String own = withoutNestedBlocks(bodies.get(name));
        for (String statement : own.split(";")) {
            Matcher withName = WITH_NAME.matcher(statement);
            String explicit = withName.find() ? withName.group(1) : null;
            String plain = ANNOTATION
                    .matcher(statement)
                    .replaceAll(" ")
                    .replaceAll("\\s+", " ")
                    .trim();
            Matcher method = METHOD.matcher(plain);
            if (!method.matches()) {
                continue;
            }
            String key = prefix + "." + (explicit != null ? explicit : kebab(method.group(2)));
            String type = method.group(1).replaceAll("\\s", "");
            String inner = type.replaceAll("^(Optional|List|Set)<(.+)>$", "$2");
            boolean map = inner.startsWith("Map<");
            if (map) {
                inner = inner.substring(inner.indexOf(',') + 1, inner.length() - 1);
            }
            if (bodies.containsKey(inner)) {
                addKeys(inner, map ? key + ".*" : key, bodies, keys, depth + 1);
            } else {
                keys.add(key);
            }
        }
    }

    /** The text between the brace at {@code open} and its match. */
    private static String body(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return text.substring(open + 1, i);
            }
        }
        return text.substring(open + 1);
    }

    private static String withoutNestedBlocks(String body) {
        StringBuilder own = new StringBuilder();
        int depth = 0;
        for (char c : body.toCharArray()) {
            if (c == '{') {
                depth++;
                // A nested declaration ends a statement.
                own.append(';');
            } else if (c == '}') {
                depth--;
            } else if (depth == 0) {
                own.append(c);
            }
        }
        // Drop "interface Name" headers left in front of nested bodies.
        return own.toString().replaceAll("\\binterface\\s+\\w+[^;]*;", ";");
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static String stripComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)//.*$", " ");
    }
}
