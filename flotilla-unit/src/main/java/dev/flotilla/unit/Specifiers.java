package dev.flotilla.unit;

import java.util.Objects;

/**
 * The one {@code %} specifier expander, shared by the engine (for {@code [X-Fleet]}) and the
 * runtimes (for Exec lines and container options). Meanings are systemd's:
 *
 * <table>
 * <caption>Specifiers</caption>
 * <tr><th>spec</th><th>meaning</th><th>{@code web@a-b.service}</th></tr>
 * <tr><td>%n</td><td>full unit name</td><td>web@a-b.service</td></tr>
 * <tr><td>%N</td><td>name without type suffix</td><td>web@a-b</td></tr>
 * <tr><td>%p</td><td>prefix</td><td>web</td></tr>
 * <tr><td>%P</td><td>prefix, unescaped</td><td>web</td></tr>
 * <tr><td>%i</td><td>instance (empty when none)</td><td>a-b</td></tr>
 * <tr><td>%I</td><td>instance, unescaped</td><td>a/b</td></tr>
 * <tr><td>%f</td><td>{@code /} + unescaped instance, or {@code /} + unescaped prefix</td><td>/a/b</td></tr>
 * <tr><td>%H</td><td>host name</td><td></td></tr>
 * <tr><td>%m</td><td>machine ID</td><td></td></tr>
 * <tr><td>%b</td><td>boot ID</td><td></td></tr>
 * <tr><td>%%</td><td>a literal {@code %}</td><td>%</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe.
 */
public final class Specifiers {

    /** The specifiers fleet expands at scheduling time, before a machine is known. */
    public static final String SCHEDULING_TIME = "%n %N %p %i %%";

    /** Every specifier {@link #expand} knows. */
    public static final String ALL = "%n %N %p %P %i %I %f %H %m %b %%";

    private Specifiers() {}

    /**
     * Expands every specifier in {@code text} for unit {@code unit} on machine {@code machine}.
     *
     * @throws SpecifierException naming an unknown specifier, or a {@code %} at the very end
     */
    public static String expand(String text, UnitName unit, MachineFacts machine) {
        return expand(text, unit, Objects.requireNonNull(machine, "machine"), true);
    }

    /**
     * Expands only fleet's scheduling-time set ({@code %n %N %p %i %%}), as for {@code [X-Fleet]}
     * values, which are read before any machine is chosen.
     *
     * @throws SpecifierException naming an unknown specifier or one that needs a machine
     */
    public static String expandForScheduling(String text, UnitName unit) {
        return expand(text, unit, null, false);
    }

    private static String expand(String text, UnitName unit, MachineFacts machine, boolean all) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(unit, "unit");
        int pct = text.indexOf('%');
        if (pct < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 32).append(text, 0, pct);
        for (int i = pct; i < text.length(); ) {
            char c = text.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 >= text.length()) {
                throw new SpecifierException("%", i, "incomplete specifier: '%' at the end of the value; "
                        + "write %% for a literal %");
            }
            int cp = text.codePointAt(i + 1);
            String spec = "%" + new String(Character.toChars(cp));
            String value = switch (cp) {
                case 'n' -> unit.name();
                case 'N' -> unit.nameWithoutType();
                case 'p' -> unit.prefix();
                case 'i' -> unit.instance();
                case '%' -> "%";
                case 'P', 'I', 'f', 'H', 'm', 'b' -> {
                    if (!all) {
                        throw new SpecifierException(spec, i, "specifier " + spec + " is not available here: "
                                + "[X-Fleet] values are expanded before a machine is chosen, with only "
                                + SCHEDULING_TIME);
                    }
                    yield machineOrUnescaped(cp, unit, machine);
                }
                default -> throw new SpecifierException(spec, i, "unknown specifier " + Text.quote(spec)
                        + "; known: " + (all ? ALL : SCHEDULING_TIME) + " (write %% for a literal %)");
            };
            out.append(value);
            i += 1 + Character.charCount(cp);
        }
        return out.toString();
    }

    private static String machineOrUnescaped(int spec, UnitName unit, MachineFacts machine) {
        return switch (spec) {
            case 'P' -> UnitName.unescape(unit.prefix());
            case 'I' -> UnitName.unescape(unit.instance());
            case 'f' -> path(unit.isInstance() ? unit.instance() : unit.prefix());
            case 'H' -> machine.hostname();
            case 'm' -> machine.machineId();
            case 'b' -> machine.bootId();
            default -> throw new AssertionError(spec);
        };
    }

    /** systemd's unit_name_path_unescape, leniently: {@code -} is the root, a slash is prepended once. */
    private static String path(String escaped) {
        if (escaped.equals("-")) {
            return "/";
        }
        String p = UnitName.unescape(escaped);
        return p.startsWith("/") ? p : "/" + p;
    }
}
