package dev.waymark.drools;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.drools.model.Model;

/**
 * The standard rules' executable model, generated at build time from their DRL ({@code src/build/java/
 * GenerateStandardModel.java}) and described by {@code dev/waymark/rules/executable-model.properties}: the
 * model class and the SHA-256 of every DRL file it was made from. The DRL stays the source: the model is used
 * only when the DRL on the classpath is the text it was made from.
 */
final class StandardModel {

    static final String DESCRIPTOR = "dev/waymark/rules/executable-model.properties";
    private static final String RULES_DIR = "dev/waymark/rules/";

    private StandardModel() {
    }

    /** The model, when there is one and every source of {@code standard} is the DRL it was made from; else null. */
    static Model matching(List<RuleSource> standard) {
        Properties descriptor = descriptor();
        if (descriptor == null) {
            return null;
        }
        for (RuleSource s : standard) {
            if (!s.name().startsWith(RULES_DIR)
                    || !sha256(s.drl()).equals(descriptor.getProperty("drl." + s.name().substring(RULES_DIR.length())))) {
                return null;
            }
        }
        String modelClass = descriptor.getProperty("model");
        if (modelClass == null) {
            return null;
        }
        try {
            return (Model) Class.forName(modelClass, true, StandardModel.class.getClassLoader())
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return null; // a partial or foreign build: the DRL compiler gives the same rules
        }
    }

    private static Properties descriptor() {
        try (InputStream in = StandardModel.class.getClassLoader().getResourceAsStream(DESCRIPTOR)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            return p;
        } catch (IOException e) {
            return null;
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }
}
