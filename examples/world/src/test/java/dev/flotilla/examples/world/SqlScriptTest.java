package dev.flotilla.examples.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SqlScriptTest {

    private static SqlScript parse(String text) {
        return SqlScript.parse(text.getBytes(StandardCharsets.UTF_8), "test.sql");
    }

    @Test
    void splitsAtSemicolonsOutsideQuotesAndComments() {
        SqlScript script = parse("""
                -- a comment; not a statement
                INSERT INTO t VALUES ('a;b', "c;d", 'it''s', 'back\\\\slash\\';');
                # another; comment
                /* block; comment */ SELECT `we;ird` FROM t;
                SELECT 1""");
        assertThat(script.statements()).containsExactly(
                "INSERT INTO t VALUES ('a;b', \"c;d\", 'it''s', 'back\\\\slash\\';')",
                "SELECT `we;ird` FROM t",
                "SELECT 1");
    }

    @Test
    void keepsVersionedCommentsForTheServerButDropsCharsetSwitches() {
        SqlScript script = parse("""
                /*!40101 SET NAMES utf8 */;
                /*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
                /*!40101 SET character_set_client = utf8 */;
                SET character_set_results = @old;
                CREATE TABLE t (a int);
                """);
        assertThat(script.statements()).containsExactly(
                "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */",
                "CREATE TABLE t (a int)");
        assertThat(script.skipped()).isEqualTo(3);
    }

    @Test
    void aUseLineNeedsNoDelimiterAndDelimiterLinesChangeIt() {
        SqlScript script = parse("""
                USE `world`
                --
                DROP TABLE IF EXISTS `City`;
                DELIMITER //
                CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END //
                DELIMITER ;
                SELECT 3;
                """);
        assertThat(script.statements()).containsExactly("USE `world`", "DROP TABLE IF EXISTS `City`",
                "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END", "SELECT 3");
    }

    @Test
    void anUnclosedQuoteIsAnErrorNamingTheLine() {
        assertThatThrownBy(() -> parse("SELECT 1;\nSELECT 2;\nINSERT INTO t VALUES ('oops);\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("test.sql:3: the quote ' opened here never closes");
    }

    @Test
    void theTutorialDumpIsLatin1AndSplitsIntoItsRows() throws IOException {
        byte[] dump;
        try (InputStream in = getClass().getResourceAsStream("/world_innodb.sql")) {
            dump = in.readAllBytes();
        }
        SqlScript script = SqlScript.parse(dump, "world_innodb.sql");
        assertThat(script.charset().name()).isEqualTo("windows-1252");
        assertThat(script.statements()).filteredOn(s -> s.startsWith("INSERT INTO `City`")).hasSize(4079);
        assertThat(script.statements()).filteredOn(s -> s.startsWith("INSERT INTO `Country`")).hasSize(239);
        assertThat(script.statements()).filteredOn(s -> s.startsWith("INSERT INTO `CountryLanguage`")).hasSize(984);
        assertThat(script.statements()).contains("USE `world`",
                "INSERT INTO `City` VALUES (20,'\u00b4s-Hertogenbosch','NLD','Noord-Brabant',129170)");
    }

    @Test
    void theBuiltInDatasetIsUtf8() throws IOException {
        SqlScript script = DbHelper.defaultDataset();
        assertThat(script.charset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(script.statements()).anyMatch(s -> s.contains("'Z\u00fcrich'"));
    }
}
