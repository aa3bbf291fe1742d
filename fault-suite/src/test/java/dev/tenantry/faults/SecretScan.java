package dev.tenantry.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Searches text for secrets. Each secret is known by a name and found in every form it may be
 * written in (a key as base64 or hex, a token whole or its signature alone); a hit names the
 * secret and the place, never the secret itself, so that a report does not spread it.
 */
final class SecretScan {

    /** Shorter fragments would match by chance. */
    private static final int MIN_FRAGMENT = 16;

    private final Map<String, Pattern> secrets = new LinkedHashMap<>();

    /** A secret written as is (every form at least {@value #MIN_FRAGMENT} characters). */
    SecretScan literal(String name, List<String> forms) {
        List<String> usable = forms.stream()
                .filter(f -> f != null && f.length() >= MIN_FRAGMENT)
                .distinct()
                .toList();
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("no usable form of " + name);
        }
        secrets.put(name, Pattern.compile(usable.stream().map(Pattern::quote).collect(Collectors.joining("|"))));
        return this;
    }

    /** A secret too short or too common to search alone (a password like "local"): found in its context. */
    SecretScan pattern(String name, Pattern pattern) {
        secrets.put(name, pattern);
        return this;
    }

    /** A key given as base64: also searched for as base64url and hex. */
    SecretScan base64Key(String name, String base64) {
        byte[] key = Base64.getDecoder().decode(base64.strip());
        return literal(
                name,
                List.of(
                        base64.strip(),
                        Base64.getUrlEncoder().withoutPadding().encodeToString(key),
                        HexFormat.of().formatHex(key)));
    }

    /** A JWT: whole, or its signature alone (with the header and claims, which are not secret, it is the token). */
    SecretScan token(String name, String token) {
        String[] parts = token.split("\\.");
        return literal(name, List.of(token, parts.length == 3 ? parts[2] : token));
    }

    /**
     * A PEM private key: every line of its base64 body, which is also every piece of the body
     * written in one line; lines its public half shares are not secret and left out.
     */
    SecretScan privateKeyPem(String name, String privatePem, String publicPem) {
        String publicBody = publicPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        List<String> lines = privatePem
                .lines()
                .map(String::strip)
                .filter(l -> !l.startsWith("-----"))
                .filter(l -> !publicBody.contains(l))
                .toList();
        return literal(name, lines);
    }

    Set<String> names() {
        return secrets.keySet();
    }

    /** Every secret in the file, as "secret in file:line", with how many more lines carry it. */
    List<String> scanFile(Path file) throws IOException {
        Map<String, Integer> firstLine = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        // Malformed bytes (a binary part of a log) become replacement characters, not an error.
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                for (Map.Entry<String, Pattern> secret : secrets.entrySet()) {
                    if (secret.getValue().matcher(line).find()) {
                        firstLine.putIfAbsent(secret.getKey(), number);
                        lines.merge(secret.getKey(), 1, Integer::sum);
                    }
                }
            }
        }
        List<String> hits = new ArrayList<>();
        firstLine.forEach((name, number) -> hits.add(name + " in " + file + ":" + number
                + (lines.get(name) > 1 ? " (and " + (lines.get(name) - 1) + " more lines)" : "")));
        return hits;
    }

    /**
     * @param allowed names of secrets that belong in this text (the answer that issued them)
     */
    List<String> scan(String where, String text, Set<String> allowed) {
        List<String> hits = new ArrayList<>();
        secrets.forEach((name, pattern) -> {
            if (!allowed.contains(name) && pattern.matcher(text).find()) {
                hits.add(name + " in " + where);
            }
        });
        return hits;
    }
}
