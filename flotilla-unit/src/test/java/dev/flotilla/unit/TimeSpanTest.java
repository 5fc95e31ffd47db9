package dev.flotilla.unit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimeSpanTest {

    @ParameterizedTest(name = "{0} = {1}us")
    @CsvSource(delimiter = '|', value = {
            "5s | 5000000", "90 | 90000000", "0 | 0", "1min 30s | 90000000", "1min30s | 90000000",
            "1h30min | 5400000000", "100ms | 100000", "250 msec | 250000", "1.5s | 1500000", ".5s | 500000",
            "2 weeks | 1209600000000", "1d 2h | 93600000000", "3us | 3", "7µs | 7", "1m | 60000000",
            "1M | 2629800000000", "1y | 31557600000000", "  10 sec  | 10000000", "1 2 | 3000000",
            "5 seconds 4 minutes | 245000000", "1hr | 3600000000"})
    void parsesSystemdSyntax(String text, long micros) {
        assertThat(TimeSpan.parse(text).micros()).isEqualTo(micros);
    }

    @Test
    void infinity() {
        assertThat(TimeSpan.parse("infinity")).isEqualTo(TimeSpan.INFINITY);
        assertThat(TimeSpan.INFINITY.isInfinite()).isTrue();
        assertThat(TimeSpan.INFINITY).isGreaterThan(TimeSpan.parse("100y"));
        assertThat(TimeSpan.INFINITY.toString()).isEqualTo("infinity");
        assertThatThrownBy(TimeSpan.INFINITY::toDuration).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void convertsToDuration() {
        assertThat(TimeSpan.parse("1min 30.5s").toDuration()).isEqualTo(Duration.ofMillis(90_500));
        assertThat(TimeSpan.of(Duration.ofMillis(1500))).isEqualTo(TimeSpan.parse("1.5s"));
    }

    @Test
    void refusesMalformedSpans() {
        assertThatThrownBy(() -> TimeSpan.parse("")).isInstanceOf(ValueSyntaxException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> TimeSpan.parse("-5s")).hasMessageContaining("negative");
        assertThatThrownBy(() -> TimeSpan.parse("5 parsecs")).isInstanceOfSatisfying(ValueSyntaxException.class,
                e -> assertThat(e.offset()).isEqualTo(2)).hasMessageContaining("unknown time unit");
        assertThatThrownBy(() -> TimeSpan.parse("5sx")).hasMessageContaining("unknown time unit");
        assertThatThrownBy(() -> TimeSpan.parse("5mins")).hasMessageContaining("unknown time unit");
        assertThatThrownBy(() -> TimeSpan.parse("s")).hasMessageContaining("expected a number");
        assertThatThrownBy(() -> TimeSpan.parse("1.2.3s")).hasMessageContaining("expected a number");
        assertThatThrownBy(() -> TimeSpan.parse("99999999999999y")).hasMessageContaining("too large");
        assertThatThrownBy(() -> TimeSpan.parse("infinite")).hasMessageContaining("expected a number");
        assertThatThrownBy(() -> new TimeSpan(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringParsesBackToTheSameSpan() {
        assertThat(TimeSpan.parse("90s").toString()).isEqualTo("1min 30s");
        assertThat(TimeSpan.parse("1d 1us").toString()).isEqualTo("1d 1us");
        assertThat(TimeSpan.ZERO.toString()).isEqualTo("0");
        Random r = new Random(11);
        for (int i = 0; i < 5000; i++) {
            long micros = r.nextInt(4) == 0 ? r.nextLong(1, 1_000_000) : r.nextLong(0, Long.MAX_VALUE / 2);
            TimeSpan t = new TimeSpan(micros);
            assertThat(TimeSpan.parse(t.toString())).as("%d us written as %s", micros, t).isEqualTo(t);
        }
    }
}
