package dev.flotilla.unit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Whatever the input, the only failure is a well-formed UnitParseException; success round-trips. */
class ArbitraryInputTest {

    private static final String[] FRAGMENTS = {"[", "]", "=", "#", ";", "\\", " ", "\t", "\n", "\r", "\r\n", "\0",
        "\uFEFF", "\uD800", "\uDC00", "\uD83D\uDE80", "\u00e9", "a", "Key", "[Unit]", "[X-Fleet]", "[Container]", "%",
        "\"", "'", "@", ".service", "\u0085", "\u2028"};

    private static final String[] FLEET_KEYS = {"MachineID", "MachineOf", "MachineMetadata", "Conflicts", "Global",
        "Replaces", "X-ConditionMachineID", "X-ConditionMachineBootID", "X-ConditionMachineOf",
        "X-ConditionMachineMetadata", "X-Conflicts", "Bogus"};
    private static final String[] CONTAINER_KEYS = {"Image", "Exec", "Entrypoint", "ContainerName", "Environment",
        "EnvironmentFile", "PublishPort", "Volume", "Network", "Memory", "CPUWeight", "CPUShares", "HealthCmd",
        "HealthInterval", "HealthTimeout", "HealthRetries", "HealthStartPeriod", "HealthOnFailure", "HealthStartupCmd",
        "HealthStartupInterval", "HealthStartupTimeout", "HealthStartupRetries", "HealthStartupSuccess", "Pull",
        "Label", "StopTimeout", "User", "WorkingDir", "PodmanArgs", "NetworkAlias"};
    private static final String[] VALUE_BITS = {"%", "%i", "%n", "%H", "%%", "%q", "\"", "'", "\\", "\\x41", "=", ":",
        "::", "[", "]", "*", "?", "-1", "0", "1", "99999999999", "1g", "1.5", "80", "80:80", "[::1]", "/x", "rel",
        "ro", "infinity", "5s", "1min", "yes", "no", "a=b", " ", "\t", "db", "web@", ".service", "2aa4e35a",
        "2aa4e35a0b1c4d5e8f9a0b1c2d3e4f50", "\u00e9", "tcp", "/udp", "never", "restart", "\\\n", "}", "{", "--volumes-from=db1",
        "--volumes-from", ":ro"};

    private static final String ASCII = "[]=#;\\ \t\n\rKey%\"'";

    private static final MachineFacts FACTS = MachineFacts.of("2aa4e35a0b1c4d5e8f9a0b1c2d3e4f50", "core01",
            "0123456789abcdef0123456789abcdef");

    @Test
    void arbitraryTextOnlyFailsWithUnitParseException() {
        int accepted = 0;
        int total = 6000;
        for (long seed : Seeds.of("chars", total).toArray()) {
            Random r = new Random(seed);
            StringBuilder b = new StringBuilder(r.nextInt(4) > 0 ? "[S]\n" : "");
            for (int line = r.nextInt(8); line > 0; line--) {
                if (r.nextInt(3) > 0) {
                    b.append(r.nextBoolean() ? "Key" : "K" + (char) r.nextInt(0x80)).append('=');
                }
                for (int i = r.nextInt(12); i > 0; i--) {
                    int k = r.nextInt(60);
                    b.append(k == 0 ? "\0" : k == 1 ? "\uD800" : k < 25 ? FRAGMENTS[r.nextInt(FRAGMENTS.length)]
                            : String.valueOf((char) (0x20 + r.nextInt(0x3000))));
                }
                b.append(r.nextInt(5) == 0 ? "\r\n" : "\n");
            }
            if (check(seed, b.toString())) {
                accepted++;
            }
        }
        assertThat(accepted).as("both outcomes must be exercised").isBetween(total / 20, total - total / 20);
    }

    @Test
    void arbitraryBytesOnlyFailWithUnitParseException() {
        int accepted = 0;
        int total = 6000;
        for (long seed : Seeds.of("bytes", total).toArray()) {
            Random r = new Random(seed);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.writeBytes(r.nextInt(4) > 0 ? "[S]\n".getBytes(StandardCharsets.UTF_8) : new byte[0]);
            for (int line = r.nextInt(6); line > 0; line--) {
                out.writeBytes("Key=".getBytes(StandardCharsets.UTF_8));
                for (int i = r.nextInt(20); i > 0; i--) {
                    int k = r.nextInt(40);
                    if (k == 0) {
                        out.write(r.nextInt(256));
                    } else if (k < 4) {
                        out.writeBytes(Character.toString(r.nextInt(0x80, 0x11000)).getBytes(StandardCharsets.UTF_8));
                    } else {
                        out.write(ASCII.charAt(r.nextInt(ASCII.length())));
                    }
                }
                out.write('\n');
            }
            byte[] bytes = out.toByteArray();
            try {
                UnitFile f = UnitFile.parse("bytes.service", bytes);
                assertThat(f.serialise().getBytes(StandardCharsets.UTF_8)).as("seed %d", seed).isEqualTo(bytes);
                accepted++;
            } catch (UnitParseException e) {
                assertWellFormed(seed, e, new String(bytes, StandardCharsets.ISO_8859_1));
            } catch (RuntimeException | Error e) {
                fail("seed " + seed + ": unexpected " + e, e);
            }
        }
        assertThat(accepted).as("both outcomes must be exercised").isBetween(total / 20, total - total / 20);
    }

    @Test
    void arbitraryFleetAndContainerSectionsOnlyFailWithUnitParseException() {
        int accepted = 0;
        for (long seed : Seeds.of("sections", 6000).toArray()) {
            Random r = new Random(seed);
            StringBuilder b = new StringBuilder("[Unit]\nDescription=x\n");
            for (int s = 1 + r.nextInt(2); s > 0; s--) {
                boolean fleet = r.nextBoolean();
                b.append(fleet ? "[X-Fleet]\n" : "[Container]\n");
                for (int e = r.nextInt(5); e > 0; e--) {
                    String[] keys = fleet ? FLEET_KEYS : CONTAINER_KEYS;
                    b.append(keys[r.nextInt(keys.length)]).append('=');
                    for (int v = r.nextInt(5); v > 0; v--) {
                        b.append(VALUE_BITS[r.nextInt(VALUE_BITS.length)]);
                    }
                    b.append('\n');
                }
            }
            UnitName name = r.nextBoolean() ? UnitName.parse("web@0" + r.nextInt(10) + ".container")
                    : UnitName.parse("db.service");
            if (check(seed, b.toString(), name) && fullyAccepted(b.toString(), name)) {
                accepted++;
            }
        }
        assertThat(accepted).as("some generated sections must be valid").isGreaterThan(300);
    }

    private static boolean check(long seed, String text) {
        return check(seed, text, UnitName.parse("arb.service"));
    }

    /** Returns whether the text parsed; the other parsers then run and may refuse it (well-formed) too. */
    private static boolean check(long seed, String text, UnitName name) {
        UnitFile f;
        try {
            f = UnitFile.parse(name.name(), text);
            assertThat(f.serialise()).as("seed %d", seed).isEqualTo(text);
        } catch (UnitParseException e) {
            assertWellFormed(seed, e, text);
            return false;
        } catch (RuntimeException | Error e) {
            return fail("seed " + seed + ": unexpected " + e + " for " + Text.quote(text), e);
        }
        try {
            UnitDefinition.check(name, f);
            if (f.sections().contains("Container")) {
                ContainerSpec.parse(f, name, FACTS);
            }
            FleetOptions.parse(f, name);
        } catch (UnitParseException e) {
            assertWellFormed(seed, e, text);
        } catch (RuntimeException | Error e) {
            fail("seed " + seed + ": unexpected " + e + " for " + Text.quote(text), e);
        }
        return true;
    }

    private static boolean fullyAccepted(String text, UnitName name) {
        try {
            UnitFile f = UnitFile.parse(name.name(), text);
            UnitDefinition.check(name, f);
            if (f.sections().contains("Container")) {
                ContainerSpec.parse(f, name, FACTS);
            }
            return true;
        } catch (UnitParseException e) {
            return false;
        }
    }

    private static void assertWellFormed(long seed, UnitParseException e, String text) {
        long lines = text.chars().filter(c -> c == '\n' || c == '\r').count() + 1;
        assertThat(e.line()).as("seed %d: %s", seed, e.getMessage()).isBetween(1, (int) lines);
        assertThat(e.column()).as("seed %d: %s", seed, e.getMessage()).isGreaterThanOrEqualTo(1);
        assertThat(e.getMessage()).as("seed %d", seed)
                .isEqualTo(e.source() + ":" + e.line() + ":" + e.column() + ": " + e.reason());
        assertThat(e.reason()).as("seed %d: one line", seed).doesNotContain("\n", "\r").isNotBlank();
    }
}
