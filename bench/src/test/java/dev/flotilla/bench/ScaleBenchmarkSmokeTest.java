package dev.flotilla.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A seconds-long run of the scale benchmark (20 hollow machines, 500 units, once per store), so it
 * cannot rot between real runs of bench/run. It checks the figures are there and sane, never their speed.
 */
class ScaleBenchmarkSmokeTest {

    @Test
    void everyUnitIsPlacedAndActiveOnBothStoresAndTheSectionHasItsFiguresAndCharts() throws Exception {
        ScaleBenchmark.Settings settings = ScaleBenchmark.Settings.smoke();
        List<ScaleBenchmark.StoreResult> results = List.of(ScaleBenchmark.onEmbedded(settings),
                ScaleBenchmark.onEtcd(settings));
        for (ScaleBenchmark.StoreResult result : results) {
            ScaleBenchmark.Run run = result.runs().getFirst();
            assertThat(run.converged()).as(result.store()).isTrue();
            assertThat(run.placementsPerSecond()).as(result.store()).isPositive();
            assertThat(run.placedSeconds()).as(result.store()).isPositive().isLessThanOrEqualTo(run.activeSeconds());
            assertThat(run.hollowStarts()).as(result.store()).isGreaterThanOrEqualTo(settings.units());
            assertThat(run.timeline().getLast().active()).as(result.store()).isEqualTo(settings.units());
        }
        Section section = ScaleBenchmark.section(settings, results);
        assertThat(section.name()).isEqualTo("scale");
        assertThat(section.markdown()).contains("| embedded, in memory |", "| etcd, 1 member on loopback |", "Result: on etcd, 500 units:");
        assertThat(section.charts()).extracting(Chart::id).containsExactly("timeline", "placements", "convergence");
    }

    @Test
    void theUnitsMixPlainConflictingAndMetadataBoundTemplates() {
        var units = ScaleBenchmark.units(20, 500);
        assertThat(units).hasSize(500);
        assertThat(units.values()).anyMatch(c -> c.contains("Conflicts=hollow-000@*.service"))
                .anyMatch(c -> c.contains("MachineMetadata=region="))
                .anyMatch(c -> !c.contains("[X-Fleet]"));
    }
}
