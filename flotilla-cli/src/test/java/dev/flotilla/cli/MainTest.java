package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Main builds only the subcommand the arguments name; its table of names must match the classes' own. */
class MainTest {

    @Test
    void everySubcommandIsListedUnderItsOwnName() {
        for (Map.Entry<String, Class<?>> entry : Main.SUBCOMMANDS.entrySet()) {
            assertThat(entry.getValue().getAnnotation(Command.class).name()).as(entry.getValue().getName())
                    .isEqualTo(entry.getKey());
        }
    }

    @Test
    void theCommandNameIsTheFirstArgumentThatIsNeitherAGlobalOptionNorItsValue() {
        CommandLine.Model.CommandSpec main = new CommandLine(new Main()).getCommandSpec();
        assertThat(Main.commandName(main, new String[] {"list-units", "--no-legend"})).isEqualTo("list-units");
        assertThat(Main.commandName(main, new String[] {"--endpoint", "http://a:1", "--request-timeout", "3",
                "--ca-file", "ca.crt", "status", "x"})).isEqualTo("status");
        assertThat(Main.commandName(main, new String[] {"--endpoint=http://a:1", "journal"})).isEqualTo("journal");
        assertThat(Main.commandName(main, new String[] {"--help"})).isNull();
        assertThat(Main.commandName(main, new String[] {})).isNull();
    }
}
