package dev.flotilla.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.flotilla.registry.MachineId;
import dev.flotilla.testkit.WorkDirs;

/** The data directory: machine ID generated once and kept; one agent at a time. */
class DataDirTest {

    @Test
    void machineIdIsGeneratedOnceAndKept() throws IOException {
        Path dir = WorkDirs.create("datadir").resolve("agent");
        MachineId first;
        try (DataDir d = DataDir.open(dir)) {
            first = d.machineId();
            assertThat(d.machineId()).isEqualTo(first);
        }
        assertThat(Files.readString(dir.resolve("machine-id"))).isEqualTo(first.value() + "\n");
        try (DataDir d = DataDir.open(dir)) {
            assertThat(d.machineId()).isEqualTo(first);
        }
    }

    @Test
    void malformedMachineIdIsRefusedWithWhatToDo() throws IOException {
        Path dir = WorkDirs.create("datadir");
        Files.writeString(dir.resolve("machine-id"), "not-an-id\n");
        try (DataDir d = DataDir.open(dir)) {
            assertThatThrownBy(d::machineId).isInstanceOf(IOException.class)
                    .hasMessageContaining("not-an-id").hasMessageContaining("delete it");
        }
    }

    @Test
    void aSecondAgentCannotUseTheSameDirectory() throws IOException {
        Path dir = WorkDirs.create("datadir");
        try (DataDir d = DataDir.open(dir)) {
            assertThat(d.path()).isEqualTo(dir);
            assertThatThrownBy(() -> DataDir.open(dir)).isInstanceOf(IOException.class)
                    .hasMessageContaining("in use by another agent");
        }
        DataDir.open(dir).close();
    }
}
