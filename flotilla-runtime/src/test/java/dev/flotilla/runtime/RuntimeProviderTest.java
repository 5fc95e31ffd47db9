package dev.flotilla.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Runtimes are found by unit type through ServiceLoader. */
class RuntimeProviderTest {

    @Test
    void theExecRuntimeRunsServiceUnits() throws Exception {
        RuntimeProvider exec = RuntimeProvider.forUnitType("service").orElseThrow();
        assertThat(exec.name()).isEqualTo("exec");
        assertThat(RuntimeProvider.forUnitType("socket")).isEmpty();

        Path dir = TestWork.dir("provider");
        try (Runtime runtime = exec.open(RuntimeSettings.of(dir))) {
            assertThat(runtime.unitTypes()).containsExactly("service");
            assertThat(runtime.adopt()).isEmpty();
        }
    }
}
