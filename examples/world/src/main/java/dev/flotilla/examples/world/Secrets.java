package dev.flotilla.examples.world;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the app's passwords come from: a file named by an option, else an environment variable. Never
 * a default and never an option carrying the password itself ({@code ps} would show it), so nothing
 * secret is baked into the jar or the unit files.
 */
final class Secrets {

    private Secrets() {}

    /**
     * The password from {@code file} (first line, trailing newline dropped) if given, else from
     * {@code variable} in {@code env}.
     *
     * @param what what the password is for, for the error message
     * @param option the file option's name, for the error message
     * @throws IllegalArgumentException when neither is set, the file cannot be read, or the value is empty
     */
    static String password(Path file, String variable, Map<String, String> env, String what, String option) {
        String value;
        if (file != null) {
            try {
                value = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            } catch (IOException e) {
                throw new IllegalArgumentException(option + " " + file + ": cannot read the " + what + ": " + e);
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException(option + " " + file + ": the file is empty; write the " + what
                        + " on its first line");
            }
            return value;
        }
        value = env.get(variable);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("no " + what + ": give " + option + " FILE or set " + variable);
        }
        return value;
    }
}
