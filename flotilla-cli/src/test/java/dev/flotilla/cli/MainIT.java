package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The launcher's promises: help, version, one-line errors. */
class MainIT {

    @Test
    void versionNamesTheBuildAndTheRuntime() {
        CliProcess.Result result = CliProcess.run("--version");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).startsWith("flotilla 0.").contains("Java 25");
    }

    @Test
    void helpListsTheCommands() {
        CliProcess.Result result = CliProcess.run("--help");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("Usage: flotilla").contains("kv").contains("--version");
    }

    @Test
    void noArgumentsShowsHelp() {
        CliProcess.Result result = CliProcess.run();
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("Usage: flotilla");
    }

    @Test
    void unknownCommandIsOneLineAndExitTwo() {
        CliProcess.Result result = CliProcess.run("frobnicate");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().lines()).as(result.toString()).hasSize(1);
        assertThat(result.err()).contains("frobnicate");
    }

    @Test
    void kvHelpDocumentsEachSubcommand() {
        CliProcess.Result result = CliProcess.run("kv", "put", "--help");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("--ttl").contains("--etcd").contains("KEY").contains("VALUE");
    }
}
