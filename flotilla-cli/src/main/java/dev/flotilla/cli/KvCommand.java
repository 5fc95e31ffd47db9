package dev.flotilla.cli;

import java.time.Duration;
import java.util.Optional;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla kv}: read and write the cluster store's keys. With {@code --etcd} (the default) it talks to
 * etcd directly, so it works when no agent is running; with {@code --endpoint URL} it asks an agent's
 * {@code /v1/kv} API ({@link KvOverApi}), which works in dev mode too and is what sidekick units use.
 *
 * <p>These classes name no store type in any field or method signature: picocli reflects on every
 * command when the CLI starts, and that must not load the store (or jetcd) for the fleet commands. The
 * store work is in {@link KvOperations}, loaded only when a {@code kv} command runs.
 */
@Command(name = "kv",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        header = "Read and write keys in the cluster store: in etcd, or through an agent's API.",
        description = {"For operators: inspect or repair what Flotilla keeps in etcd (--etcd, the default).",
                "For sidekicks: register what a unit serves through any agent's API (--endpoint URL), e.g.",
                "  flotilla kv put --endpoint \"$FLOTILLA_ENDPOINT\" --ttl 10 /services/web/web01/host core01",
                "Through the API, keys start with / and the cluster's own keys (/flotilla/) are off limits."},
        subcommands = {KvCommand.Get.class, KvCommand.Put.class, KvCommand.Rm.class, KvCommand.Ls.class},
        footer = {"", "Examples:",
                "  flotilla kv put /greeting hello --ttl 30 --etcd http://127.0.0.1:2379",
                "  flotilla kv set /services/web/web01/host core01 --ttl 10 --endpoint http://127.0.0.2:7070",
                "  flotilla kv get /greeting",
                "  flotilla kv ls /flotilla/",
                "  flotilla kv rm --prefix /scratch/"})
final class KvCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "get", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            header = "Print a key's value, or every key and value under a prefix.",
            description = {"With --prefix, prints one line per key: KEY<TAB>VALUE, sorted by key.",
                    "Exits 1 when the key does not exist."})
    static final class Get implements java.util.concurrent.Callable<Integer> {
        @Mixin
        EtcdOptions etcd;
        @Mixin
        ApiOptions api;
        @Spec
        CommandSpec spec;
        @Option(names = "--prefix", description = "Treat KEY as a prefix and print every key under it.")
        boolean prefix;
        @Parameters(paramLabel = "KEY", description = "The key (or prefix).")
        String key;

        @Override
        public Integer call() throws dev.flotilla.api.ApiException {
            if (KvOverApi.chosen(api, etcd)) {
                return KvOverApi.get(api.client(), key, prefix, spec.commandLine().getOut());
            }
            return KvOperations.get(etcd, key, prefix, spec.commandLine().getOut());
        }
    }

    @Command(name = "put", aliases = "set", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            header = "Write a value under a key.",
            description = {"With --ttl, the key is attached to a new lease and disappears TTL seconds later.",
                    "'set' is the same command under etcdctl v2's name."})
    static final class Put implements java.util.concurrent.Callable<Integer> {
        @Mixin
        EtcdOptions etcd;
        @Mixin
        ApiOptions api;
        @Spec
        CommandSpec spec;
        @Option(names = "--ttl", paramLabel = "SECONDS",
                description = "Delete the key after this many seconds (a whole number, at least 1).")
        String ttl;
        @Parameters(index = "0", paramLabel = "KEY", description = "The key.")
        String key;
        @Parameters(index = "1", paramLabel = "VALUE", description = "The value (UTF-8 text).")
        String value;

        @Override
        public Integer call() throws dev.flotilla.api.ApiException {
            Optional<Duration> leaseTtl = parseTtl(ttl);
            if (KvOverApi.chosen(api, etcd)) {
                return KvOverApi.put(api.client(), key, value, leaseTtl, spec.commandLine().getOut());
            }
            return KvOperations.put(etcd, key, value, leaseTtl, spec.commandLine().getOut());
        }

        static Optional<Duration> parseTtl(String ttl) {
            if (ttl == null) {
                return Optional.empty();
            }
            long seconds;
            try {
                seconds = Long.parseLong(ttl.trim());
            } catch (NumberFormatException e) {
                throw new CliException(ExitCodes.USAGE,
                        "--ttl must be a whole number of seconds, at least 1; got '" + ttl + "'");
            }
            if (seconds < 1 || seconds > 10L * 365 * 24 * 3600) {
                throw new CliException(ExitCodes.USAGE,
                        "--ttl must be between 1 and 315360000 seconds; got " + seconds);
            }
            return Optional.of(Duration.ofSeconds(seconds));
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            header = "Delete a key, or every key under a prefix.",
            description = {"Prints how many keys were deleted. Exits 1 when a single KEY did not exist."})
    static final class Rm implements java.util.concurrent.Callable<Integer> {
        @Mixin
        EtcdOptions etcd;
        @Mixin
        ApiOptions api;
        @Spec
        CommandSpec spec;
        @Option(names = "--prefix", description = "Delete every key that starts with KEY.")
        boolean prefix;
        @Parameters(paramLabel = "KEY", description = "The key (or prefix).")
        String key;

        @Override
        public Integer call() throws dev.flotilla.api.ApiException {
            if (prefix && key.isEmpty()) {
                throw new CliException(ExitCodes.USAGE, "refusing to delete every key: give a non-empty prefix");
            }
            if (KvOverApi.chosen(api, etcd)) {
                return KvOverApi.rm(api.client(), key, prefix, spec.commandLine().getOut());
            }
            return KvOperations.rm(etcd, key, prefix, spec.commandLine().getOut());
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            header = "List the keys under a prefix, one per line, sorted.")
    static final class Ls implements java.util.concurrent.Callable<Integer> {
        @Mixin
        EtcdOptions etcd;
        @Mixin
        ApiOptions api;
        @Spec
        CommandSpec spec;
        @Option(names = "--prefix", hidden = true, description = "Accepted for symmetry with get and rm; ls always lists a prefix.")
        boolean prefix;
        @Parameters(paramLabel = "PREFIX", arity = "0..1", defaultValue = "/",
                description = "List keys starting with this (default: ${DEFAULT-VALUE}).")
        String keyPrefix;

        @Override
        public Integer call() throws dev.flotilla.api.ApiException {
            if (KvOverApi.chosen(api, etcd)) {
                return KvOverApi.ls(api.client(), keyPrefix, spec.commandLine().getOut());
            }
            return KvOperations.ls(etcd, keyPrefix, spec.commandLine().getOut());
        }
    }
}
