package dev.flotilla.unit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** serialise(parse(x)) == x for generated units, and the options are what systemd would read. */
class GeneratedRoundTripTest {

    @Test
    void generatedUnitsRoundTripAndParseToTheExpectedOptions() throws NoSuchAlgorithmException {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        int withContinuations = 0;
        for (long seed : Seeds.of("roundtrip", 4000).toArray()) {
            UnitTextGenerator.Generated g = new UnitTextGenerator(seed).unit();
            String why = "seed " + seed + ", text " + Text.quote(g.text());
            UnitFile f = UnitFile.parse("gen.service", g.text());
            assertThat(f.serialise()).as(why).isEqualTo(g.text());
            assertThat(f.options()).as(why).isEqualTo(g.options());
            byte[] bytes = g.text().getBytes(StandardCharsets.UTF_8);
            assertThat(f.hash().hex()).as(why).isEqualTo(HexFormat.of().formatHex(sha1.digest(bytes)));
            assertThat(UnitFile.parse("gen.service", bytes)).as(why).isEqualTo(f);
            UnitFile canonical = UnitFile.fromOptions("gen.service", f.options());
            assertThat(canonical.options()).as(why).isEqualTo(groupedBySection(f.options()));
            assertThat(UnitFile.parse("gen.service", canonical.serialise()).serialise()).as(why)
                    .isEqualTo(canonical.serialise());
            for (UnitOption o : f.options()) {
                assertThat(f.value(o.section(), o.name())).as(why).isPresent();
            }
            if (g.text().contains("\\\n") || g.text().contains("\\\r")) {
                withContinuations++;
            }
        }
        assertThat(withContinuations).as("the generator must exercise continuations").isGreaterThan(500);
    }

    /** fleet's canonical order: sections in order of first appearance, options in order within each. */
    private static List<UnitOption> groupedBySection(List<UnitOption> options) {
        List<String> order = options.stream().map(UnitOption::section).distinct().toList();
        return options.stream().sorted(Comparator.comparingInt(o -> order.indexOf(o.section()))).toList();
    }
}
