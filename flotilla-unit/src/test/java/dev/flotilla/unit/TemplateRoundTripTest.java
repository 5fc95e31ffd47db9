package dev.flotilla.unit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Template + instance name -> the instance's unit; names parse and format back; escaping round-trips. */
class TemplateRoundTripTest {

    private static final String PREFIX_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_.-";
    private static final String INSTANCE_CHARS = PREFIX_CHARS + "@\\";
    private static final MachineFacts FACTS = MachineFacts.of("6847f4f7" + "a".repeat(24), "core03", "b".repeat(32));

    @Test
    void namesFormatAndParseBack() {
        for (long seed : Seeds.of("names", 4000).toArray()) {
            Random r = new Random(seed);
            String prefix = word(r, PREFIX_CHARS, 1, 20);
            String instance = word(r, INSTANCE_CHARS, 1, 20);
            String type = UnitName.KNOWN_TYPES.get(r.nextInt(UnitName.KNOWN_TYPES.size()));
            String why = "seed " + seed;
            UnitName template = UnitName.of(prefix, "", type);
            UnitName name = UnitName.of(prefix, instance, type);
            assertThat(UnitName.parse(name.toString())).as(why).isEqualTo(name);
            assertThat(new UnitName(name.name())).as(why).isEqualTo(name);
            assertThat(name.prefix()).as(why).isEqualTo(prefix);
            assertThat(name.instance()).as(why).isEqualTo(instance);
            assertThat(name.type()).as(why).isEqualTo(type);
            assertThat(name.kind()).as(why).isEqualTo(UnitName.Kind.INSTANCE);
            assertThat(name.template()).as(why).contains(template);
            assertThat(template.withInstance(instance)).as(why).isEqualTo(name);
            assertThat(template.isTemplate()).as(why).isTrue();
            UnitName plain = UnitName.of(prefix, null, type);
            assertThat(UnitName.parse(plain.name())).as(why).isEqualTo(plain);
            assertThat(plain.kind()).as(why).isEqualTo(UnitName.Kind.PLAIN);
        }
    }

    @Test
    void instancesOfATemplateCarryItsOptionsAndExpandTheirOwnName() {
        for (long seed : Seeds.of("templates", 1500).toArray()) {
            Random r = new Random(seed);
            String prefix = word(r, PREFIX_CHARS, 1, 12);
            String instance = word(r, INSTANCE_CHARS.replace("\\", ""), 1, 12);
            String why = "seed " + seed + " " + prefix + "@" + instance;
            String text = "# generated\n[Unit]\nDescription=" + new UnitTextGenerator(seed).text(15).strip().replace("%", "%%")
                    + "\nBindsTo=db@%i.service\n\n[Service]\nExecStart=/bin/echo %i \\\n  %p %n %H\nRestart=always\n\n"
                    + "[X-Fleet]\nX-ConditionMachineOf=db@%i.service\nConflicts=%p@*.service\n";
            UnitFile template = UnitFile.parse(prefix + "@.service", text);
            UnitName name = UnitName.of(prefix, instance, "service");

            UnitDefinition def = UnitDefinition.fromOptions(name, template.options());
            assertThat(def.file().options()).as(why).isEqualTo(template.options());
            assertThat(def.hash()).as(why).isEqualTo(UnitFile.fromOptions("other", template.options()).hash());
            assertThat(def.fleet().machineOf()).as(why).containsExactly(UnitName.of("db", instance, "service"));
            UnitName sibling = UnitName.of(prefix, instance + "x", "service");
            assertThat(def.fleet().conflictsWith(name, sibling)).as(why).isTrue();
            assertThat(def.fleet().conflictsWith(name, name)).as(why).isFalse();
            assertThat(Specifiers.expand(def.file().value("Service", "ExecStart").orElseThrow(), name, FACTS))
                    .as(why).isEqualTo("/bin/echo " + instance + "    " + prefix + " " + name + " core03");

            UnitDefinition fromText = UnitDefinition.parse(name, template.serialise());
            assertThat(fromText.fleet()).as(why).isEqualTo(def.fleet());
            assertThat(fromText.file().options()).as(why).isEqualTo(template.options());
        }
    }

    @Test
    void escapeUnescapeRoundTripsAndSpecifiersUnescape() {
        for (long seed : Seeds.of("escape", 4000).toArray()) {
            Random r = new Random(seed);
            StringBuilder b = new StringBuilder();
            for (int i = 1 + r.nextInt(12); i > 0; i--) {
                int k = r.nextInt(6);
                b.append(switch (k) {
                    case 0 -> "/";
                    case 1 -> "-";
                    case 2 -> List.of("\u00e9", "\uD83D\uDE80", "\u6771", " ", "\\", "@", ".", "%").get(r.nextInt(8));
                    default -> String.valueOf(PREFIX_CHARS.charAt(r.nextInt(PREFIX_CHARS.length())));
                });
            }
            String s = b.toString();
            String why = "seed " + seed + " " + Text.quote(s);
            String escaped = UnitName.escape(s);
            assertThat(UnitName.unescape(escaped)).as(why).isEqualTo(s);
            UnitName unit = UnitName.of("mount", escaped, "service");
            assertThat(Specifiers.expand("%I", unit, FACTS)).as(why).isEqualTo(s);
            assertThat(Specifiers.expand("%i", unit, FACTS)).as(why).isEqualTo(escaped);
            assertThat(Specifiers.expand("%f", unit, FACTS)).as(why).isEqualTo(s.startsWith("/") ? s : "/" + s);
        }
    }

    private static String word(Random r, String alphabet, int min, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = min + r.nextInt(max - min + 1); i > 0; i--) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
