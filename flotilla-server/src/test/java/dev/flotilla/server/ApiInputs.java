package dev.flotilla.server;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Generators of bad (and sometimes good) input for every endpoint of the API, from a seeded {@link Random}:
 * unit names and path segments, query strings, Content-Types and bodies. The hand-made nasty cases are lists
 * here too, so the generated cases mix them in.
 */
final class ApiInputs {

    /** Path segments where a unit name goes, as they appear in a URL (some percent-encoded). */
    static final List<String> NASTY_NAMES = List.of(
            "../x.service", "..%2Fx.service", "..%2fx.service", "a%2Fb.service", "%2e%2e", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "..%5C..%5Cwin.service", "a%5Cx2fb.service", "%00.service", "a%00.service", "a.service%00", "x".repeat(257)
                    + ".service", "x".repeat(3000) + ".service", "%E2%80%AEecivres.exe", "a%E2%88%95b.service",
            "%EF%BC%8E%EF%BC%8E%EF%BC%8Fx.service", "a%CC%81.service", "%C0%AE%C0%AE%2Fx.service", "%F0%9F%9A%80.service",
            "%EF%BB%BFa.service", "a%E2%80%8Bb.service", "web@.service", "@.service", ".service", "..service",
            "a%0Ab.service", "a%0D%0AX-Injected:%201.service", "a%20b.service", "a%09b.service", "con.service",
            "a.service.", "a.SERVICE", "a..service", "a@b@c.service", "%24%7Bjndi:ldap://x%7D.service", "%25",
            "%25%32%65%25%32%65", "a;b.service", "a%3Bb.service", "*", "-", "a%7Cb.service", "a%22b.service",
            "a'b.service", "a%3Cscript%3E.service", "a:b.service", "-.service", "a.service%2F", "%2F", "%2Fetc%2Fpasswd");

    /** Paths with {@code {name}} where a unit name goes, with the methods that make sense there and some that do not. */
    static final List<String> PATHS = List.of("/fleet/v1/units", "/fleet/v1/units/{name}", "/fleet/v1/state",
            "/fleet/v1/state/{name}", "/fleet/v1/machines", "/v1/health", "/v1/units/{name}/placement",
            "/v1/units/{name}/status", "/v1/units/{name}/journal", "/fleet/v1/units/{name}/x", "/v1/units/{name}",
            "/fleet/v1", "/", "/fleet/v1/units/", "/v1/units//status", "/v1/kv/fuzz/{name}", "/v1/kv", "/v1/kv/{name}", "/metrics",
            "/v1/services", "/v1/services/{name}", "/v1/units/{name}/file", "/v1/machines/{name}/stats",
            "/v1/loadbalancers", "/ui", "/ui/{name}");

    static final List<String> METHODS = List.of("GET", "GET", "GET", "PUT", "PUT", "PUT", "DELETE", "PATCH", "POST",
            "HEAD", "OPTIONS", "TRACE", "CONNECTX");

    static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-8",
            "APPLICATION/JSON", "text/plain", "", "application/json, text/plain", "application/jsonx", "multipart/form-data",
            "application/x-www-form-urlencoded", ";", "application/json; charset=ebcdic");

    private static final List<String> KEYS = List.of("name", "options", "contents", "desiredState", "section", "value",
            "currentState", "machineID", "hash", "op", "path", "metadata", "");
    private static final List<String> STATES = List.of("inactive", "loaded", "launched", "LAUNCHED", "running", "", " ",
            "launched\u0000", "destroyed");
    private static final List<String> UNIT_BITS = List.of("[Unit]\n", "[Service]\n", "[X-Fleet]\n", "[Container]\n",
            "Description=x\n", "ExecStart=/bin/sleep 1000\n", "ExecStart=\n", "MachineOf=db.service\n",
            "Conflicts=web@*.service\n", "Global=true\n", "MachineID=123\n", "Image=busybox\n", "Environment=A=1 B\n",
            "=x\n", "[\n", "]\n", "no equals\n", "Key=\\\n", "%\n", "ExecStart=%q\n", "\u0000", "\uD800", "\r", "\r\n",
            "# comment\n", "\uFEFF", "X-ConditionMachineOf=%i\n", "Replaces=*\n");

    private final Random r;

    ApiInputs(Random r) {
        this.r = r;
    }

    <T> T pick(List<T> list) {
        return list.get(r.nextInt(list.size()));
    }

    /** A path segment for a unit name: nasty, valid, or random bytes percent-encoded. */
    String name() {
        return switch (r.nextInt(4)) {
            case 0 -> pick(NASTY_NAMES);
            case 1 -> pick(List.of("db.service", "web@1.service", "web@.service", "a.container", "x.timer", "db"));
            case 2 -> percentEncoded(randomBytes(1 + r.nextInt(40)));
            default -> percentEncoded(randomText(1 + r.nextInt(30)).getBytes(StandardCharsets.UTF_8)) + ".service";
        };
    }

    /** A request target: a path of the API (or near it) with a unit name and a random query. */
    String target() {
        String path = pick(PATHS).replace("{name}", name());
        return path + (r.nextInt(3) == 0 ? "" : "?" + query());
    }

    String query() {
        StringBuilder q = new StringBuilder();
        for (int i = 1 + r.nextInt(3); i > 0; i--) {
            if (!q.isEmpty()) {
                q.append('&');
            }
            String key = pick(List.of("lines", "nextPageToken", "machineID", "unitName", "alt", "x", "lines", ""));
            String value = switch (r.nextInt(6)) {
                case 0 -> Integer.toString(r.nextInt(20_001) - 5000);
                case 1 -> pick(List.of("json", "", "-1", "1e3", "0x10", "99999999999999999999", "NaN", "%ZZ", "%00"));
                case 2 -> java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(r.nextInt(40)));
                case 3 -> java.util.Base64.getUrlEncoder().encodeToString(("v1\n" + randomText(10)).getBytes(StandardCharsets.UTF_8));
                case 4 -> pick(NASTY_NAMES);
                default -> percentEncoded(randomBytes(r.nextInt(20)));
            };
            q.append(key).append('=').append(value);
        }
        return q.toString();
    }

    /** A request body: random bytes, mutated or structurally wrong JSON, deep nesting, or unit files. */
    byte[] body() {
        if (r.nextInt(9) == 0) {
            return randomBytes(r.nextInt(300));
        }
        String text = switch (r.nextInt(9)) {
            case 0, 1 -> null;
            case 2 -> mutate(validUnitJson());
            case 3 -> json(4);
            case 4 -> "[".repeat(2000 + r.nextInt(100_000)) + "]".repeat(r.nextInt(3) == 0 ? 2000 : 0);
            case 5 -> "{\"contents\":" + Http.quote(unitText()) + (r.nextBoolean() ? ",\"desiredState\":" + Http.quote(pick(STATES)) : "") + "}";
            case 6 -> "{\"options\":[" + option() + (r.nextBoolean() ? "," + option() : "") + "]}";
            case 7 -> "{\"desiredState\":" + Http.quote(pick(STATES)) + "}";
            default -> validUnitJson();
        };
        if (text == null) {
            return null;
        }
        return text.getBytes(r.nextInt(10) == 0 ? StandardCharsets.UTF_16 : StandardCharsets.UTF_8);
    }

    String validUnitJson() {
        return "{\"name\":null,\"desiredState\":\"launched\",\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\","
                + "\"value\":\"/bin/sleep 1000\"}]}";
    }

    private String option() {
        return "{" + field("section", pick(List.of("\"Service\"", "\"X-Fleet\"", "null", "1", "\"\"", "\"[x]\"", "[]")))
                + "," + field("name", pick(List.of("\"ExecStart\"", "\"Conflicts\"", "null", "\"a b\"", "\"\"", "{}", "\"MachineID\"")))
                + "," + field("value", pick(List.of("\"/bin/true\"", "null", "\"%q\"", "\"a\\nb\"", "\"\\u0000\"", "true", "\"web@*\"")))
                + "}";
    }

    private static String field(String key, String value) {
        return "\"" + key + "\":" + value;
    }

    /** Random JSON of any shape, with the API's field names as keys. */
    String json(int depth) {
        return switch (depth <= 0 ? r.nextInt(4) : r.nextInt(7)) {
            case 0 -> Http.quote(r.nextBoolean() ? pick(STATES) : randomText(r.nextInt(20)));
            case 1 -> pick(List.of("null", "true", "false", "0", "-1", "1e999", "123456789012345678901234567890", "-0.0"));
            case 2 -> Http.quote(pick(NASTY_NAMES));
            case 3 -> "\"" + "x".repeat(r.nextInt(5000)) + "\"";
            case 4, 5 -> {
                StringBuilder b = new StringBuilder("{");
                for (int i = r.nextInt(5); i > 0; i--) {
                    b.append(Http.quote(pick(KEYS))).append(':').append(json(depth - 1)).append(i > 1 ? "," : "");
                }
                yield b.append('}').toString();
            }
            default -> {
                StringBuilder b = new StringBuilder("[");
                for (int i = r.nextInt(4); i > 0; i--) {
                    b.append(json(depth - 1)).append(i > 1 ? "," : "");
                }
                yield b.append(']').toString();
            }
        };
    }

    /** A unit file from fragments, valid or not. */
    String unitText() {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(12); i > 0; i--) {
            b.append(pick(UNIT_BITS));
        }
        return b.toString();
    }

    private String mutate(String json) {
        StringBuilder b = new StringBuilder(json);
        for (int i = 1 + r.nextInt(4); i > 0 && !b.isEmpty(); i--) {
            int at = r.nextInt(b.length());
            switch (r.nextInt(4)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, pick(List.of("{", "}", "[", "]", "\"", ",", ":", "\\", "\u0000", "\uD800", "null", "1")));
                case 2 -> b.insert(at, b.substring(at, Math.min(b.length(), at + r.nextInt(20))));
                default -> b.setCharAt(at, (char) r.nextInt(0x3000));
            }
        }
        return b.toString();
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        r.nextBytes(bytes);
        return bytes;
    }

    private String randomText(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.appendCodePoint(r.nextInt(10) == 0 ? r.nextInt(0x110000) : 0x20 + r.nextInt(0x60));
        }
        return b.toString().replaceAll("[\uD800-\uDFFF]", "?");
    }

    static String percentEncoded(byte[] bytes) {
        StringBuilder b = new StringBuilder();
        for (byte x : bytes) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~@".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c));
            }
        }
        return b.toString();
    }
}
