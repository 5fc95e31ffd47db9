package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.ServiceEndpoint;
import dev.flotilla.api.ServiceSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flotilla services}: the endpoints units register with {@code [X-Service]}, and their health. */
@Command(name = "services", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "List the endpoints of the cluster's services and their health.",
        description = {"A tab-separated table: SERVICE, UNIT, MACHINE (2aa4e35a.../10.208.201.253), ADDRESS",
                "(host:port), HEALTH (passing, warning or critical), SINCE (when the health last changed,",
                "UTC); one line per endpoint, sorted by service, unit, then machine. Units register",
                "endpoints with an [X-Service] section (docs/services.md). Nothing registered: the",
                "header only."},
        footer = {"", "Examples:", "  flotilla services", "  flotilla services web --health passing --no-legend"})
final class ServicesCommand extends ApiCommand {

    private static final List<String> HEALTHS = List.of(ServiceEndpoint.PASSING, ServiceEndpoint.WARNING,
            ServiceEndpoint.CRITICAL);

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "Only this service (default: every service).")
    String name;

    @Option(names = "--health", paramLabel = "HEALTH",
            description = "Only endpoints in this health: passing, warning or critical.")
    String health;

    @Mixin
    ListOptions list;

    @Override
    int run(FleetClient client) throws ApiException {
        if (health != null && !HEALTHS.contains(health)) {
            throw new CliException(ExitCodes.USAGE, "--health must be passing, warning or critical, not \"" + health + "\"");
        }
        List<ServiceEndpoint> endpoints = new ArrayList<>();
        if (name != null) {
            endpoints.addAll(client.service(name, health).endpoints());
        } else {
            for (ServiceSummary s : client.services()) {
                endpoints.addAll(client.service(s.name(), health).endpoints());
            }
        }
        MachineLegends legends = new MachineLegends(client);
        Table table = new Table();
        if (!list.noLegend) {
            table.header(List.of("service", "unit", "machine", "address", "health", "since"));
        }
        for (ServiceEndpoint e : endpoints) {
            table.row(List.of(e.service(), e.unit(), legends.of(e.machineId(), list.full), hostPort(e), e.health(),
                    e.since() == null ? "-" : e.since()));
        }
        out().print(table.render());
        return ExitCodes.OK;
    }

    private static String hostPort(ServiceEndpoint e) {
        return (e.address().contains(":") ? "[" + e.address() + "]" : e.address()) + ":" + e.port();
    }
}
