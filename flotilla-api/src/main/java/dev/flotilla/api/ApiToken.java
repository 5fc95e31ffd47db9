package dev.flotilla.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The bearer token that guards an API (docs/security.md): agents are started with one, clients send it as
 * {@code Authorization: Bearer TOKEN}. A token is at least {@value #MIN_LENGTH} characters of
 * {@code A-Z a-z 0-9 - . _ ~ + / =} (what RFC 6750 allows in the header), e.g. the output of
 * {@code openssl rand -hex 32}. Immutable; {@link #toString()} never shows the token.
 */
public final class ApiToken {

    /** Shortest token accepted: shorter ones are guessable. */
    public static final int MIN_LENGTH = 16;
    /** Longest token accepted (a header line must stay small). */
    public static final int MAX_LENGTH = 4096;
    /** Largest token file read. */
    private static final int MAX_FILE_BYTES = 64 * 1024;

    private final String value;
    private final byte[] digest;

    private ApiToken(String value) {
        this.value = value;
        this.digest = sha256(value);
    }

    /**
     * A token from its text; whitespace around it (a file's final newline) is dropped.
     *
     * @param source where the text comes from, for messages: {@code "$FLOTILLA_TOKEN"}, {@code "the file x"}
     * @throws IllegalArgumentException naming {@code source} (never the text) when it is empty, too short, too
     *     long or has a character a bearer token may not have
     */
    public static ApiToken of(String text, String source) {
        Objects.requireNonNull(text, "text");
        String token = text.strip();
        if (token.isEmpty()) {
            throw new IllegalArgumentException("the token in " + source + " is empty");
        }
        if (token.length() < MIN_LENGTH || token.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the token in " + source + " is " + token.length() + " characters long; "
                    + "use " + MIN_LENGTH + " to " + MAX_LENGTH + " (e.g. openssl rand -hex 32)");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "-._~+/=".indexOf(c) >= 0)) {
                throw new IllegalArgumentException("the token in " + source + " has a character a bearer token may not "
                        + "have at position " + (i + 1) + "; use only A-Z a-z 0-9 - . _ ~ + / = (e.g. openssl rand -hex 32)");
            }
        }
        return new ApiToken(token);
    }

    /**
     * The token kept in {@code file} (its whole content, surrounding whitespace dropped).
     *
     * @throws IllegalArgumentException when the file cannot be read, is larger than 64 KiB, or holds no valid
     *     token; the message names the file
     */
    public static ApiToken read(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IllegalArgumentException("the token file " + file + " is larger than 64 KiB: it holds no token");
            }
            return of(Files.readString(file, StandardCharsets.UTF_8), "the file " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the token file " + file + ": " + describe(e));
        }
    }

    /** The value of an {@code Authorization} header carrying this token. */
    public String header() {
        return "Bearer " + value;
    }

    /**
     * Whether {@code presented} is this token. Takes the same time whatever {@code presented} is (both sides are
     * hashed, then compared in constant time), so answers do not leak how much of a guess was right.
     */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    /** Never the token itself. */
    @Override
    public String toString() {
        return "ApiToken[***]";
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String describe(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
    }
}
