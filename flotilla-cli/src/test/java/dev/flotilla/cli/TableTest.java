package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** {@link Table} reproduces fleetctl's tables byte for byte: the seed tutorial's sessions are the fixtures. */
class TableTest {

    @Test
    void theTutorialsListUnitsWithThreeUnits() {
        Table table = new Table().header(List.of("unit", "machine", "active", "sub"));
        for (String unit : List.of("db.service", "dbhelper.service", "mondb.service")) {
            table.row(List.of(unit, "2aa4e35a.../10.208.201.253", "active", "running"));
        }
        assertThat(table.render()).isEqualTo("UNIT\t\t\tMACHINE\t\t\t\tACTIVE\tSUB\n"
                + "db.service\t\t2aa4e35a.../10.208.201.253\tactive\trunning\n"
                + "dbhelper.service\t2aa4e35a.../10.208.201.253\tactive\trunning\n"
                + "mondb.service\t\t2aa4e35a.../10.208.201.253\tactive\trunning\n");
    }

    @Test
    void theTutorialsListUnitFilesColumns() {
        Table table = new Table().header(List.of("unit", "hash", "dstate", "state", "target"))
                .row(List.of("dbhelper.service", "747c778", "inactive", "inactive", "-"))
                .row(List.of("mondb.service", "a4f50cc", "inactive", "inactive", "-"));
        assertThat(table.render()).isEqualTo("UNIT\t\t\tHASH\tDSTATE\t\tSTATE\t\tTARGET\n"
                + "dbhelper.service\t747c778\tinactive\tinactive\t-\n"
                + "mondb.service\t\ta4f50cc\tinactive\tinactive\t-\n");
    }

    @Test
    void aSingleColumnHasNoTabsAndWidthCountsCharactersNotBytes() {
        assertThat(new Table().row(List.of("a.service")).row(List.of("b.service")).render())
                .isEqualTo("a.service\nb.service\n");
        assertThat(new Table().row(List.of("ünïcödé", "x")).row(List.of("abcdefgh", "y")).render())
                .isEqualTo("ünïcödé\t\tx\nabcdefgh\ty\n");
    }
}
