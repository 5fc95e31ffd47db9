package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.flotilla.unit.MachineFacts;
import dev.flotilla.unit.UnitName;

/** Exec line parsing: quoting, prefixes, specifiers. */
class ExecCommandTest {

    private static final UnitName UNIT = UnitName.parse("web@07.service");
    private static final MachineFacts MACHINE = MachineFacts.of("m".repeat(32), "host-1", "b".repeat(32));

    private static ExecCommand parse(String value) {
        return ExecCommand.parse("ExecStart", value, UNIT, MACHINE);
    }

    @Test
    void splitsWithSystemdQuotingAndExpandsSpecifiersPerWord() {
        ExecCommand c = parse("/usr/bin/docker run --name \"web %i\" -p ${IP}:80%i:80 '%H'");

        assertThat(c.path()).isEqualTo("/usr/bin/docker");
        assertThat(c.argv0()).isEqualTo("/usr/bin/docker");
        assertThat(c.args()).containsExactly("run", "--name", "web 07", "-p", "${IP}:8007:80", "host-1");
        assertThat(c.identifier()).isEqualTo("docker");
        assertThat(c.ignoreFailure()).isFalse();
        assertThat(c.expandEnvironment()).isTrue();
    }

    @Test
    void prefixesCombine() {
        ExecCommand c = parse("-@:+/bin/sh name -c true");

        assertThat(c.ignoreFailure()).isTrue();
        assertThat(c.argv0()).isEqualTo("name");
        assertThat(c.args()).containsExactly("-c", "true");
        assertThat(c.expandEnvironment()).isFalse();
        assertThat(c.fullPrivileges()).isTrue();
        assertThat(parse("!!/bin/true").path()).isEqualTo("/bin/true");
    }

    @Test
    void refusesWhatItCannotRun() {
        assertThatThrownBy(() -> parse("|echo hi")).isInstanceOf(BadSettingException.class).hasMessageContaining("'|' prefix");
        assertThatThrownBy(() -> parse("-")).hasMessageContaining("no command");
        assertThatThrownBy(() -> parse("bin/tool")).hasMessageContaining("absolute path or a plain name");
        assertThatThrownBy(() -> parse("/bin/echo 'open")).hasMessageContaining("unterminated single quote");
        assertThatThrownBy(() -> parse("/bin/echo %z")).hasMessageContaining("unknown specifier");
    }

    @Test
    void describesItselfOnOneShortLine() {
        assertThat(parse("/usr/bin/false").describe()).isEqualTo("ExecStart=/usr/bin/false");
        String longOne = parse("/bin/bash -c 'while true; do\n  echo " + "x".repeat(100) + "; done'").describe();
        assertThat(longOne).hasSizeLessThanOrEqualTo(72).endsWith("...").doesNotContain("\n")
                .startsWith("ExecStart=/bin/bash -c while true; do echo xxx");
    }
}
