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
 * {@code flotilla kv}: read and write the cluster store by hand, for operators. Talks to etcd
 * directly, so it works when no agent is running.
 *
 * <p>These classes name no store type in any field or method signature: picocli reflects on every
 * command when the CLI starts, and that must not load the store (or jetcd) for the fleet commands. The
 * store work is in {@link KvOperations}, loaded only when a {@code kv} command runs.
 */
@Command(name = "kv",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        header = "Read and write keys in the cluster store (etcd).",
        description = {"For operators: inspect or repair what Flotilla keeps in etcd."},
        subcommands = {KvCommand.Get.class, KvCommand.Put.class, KvCommand.Rm.class, KvCommand.Ls.class},
        footer = {"", "Examples:",
                "  flotilla kv put /greeting hello --ttl 30 --etcd http://127.0.0.1:2379",
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
        @Spec
        CommandSpec spec;
        @Option(names = "--prefix", description = "Treat KEY as a prefix and print every key under it.")
        boolean prefix;
        @Parameters(paramLabel = "KEY", description = "The key (or prefix).")
        String key;

        @Override
        public Integer call() {
            return KvOperations.get(etcd, key, prefix, spec.commandLine().getOut());
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            header = "Write a value under a key.",
            description = {"With --ttl, the key is attached to a new lease and disappears TTL seconds later."})
    static final class Put implements java.util.concurrent.Callable<Integer> {
        @Mixin
        EtcdOptions etcd;
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
        public Integer call() {
            Optional<Duration> leaseTtl = parseTtl(ttl);
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
        @Spec
        CommandSpec spec;
        @Option(names = "--prefix", description = "Delete every key that starts with KEY.")
        boolean prefix;
        @Parameters(paramLabel = "KEY", description = "The key (or prefix).")
        String key;

        @Override
        public Integer call() {
            if (prefix && key.isEmpty()) {
                throw new CliException(ExitCodes.USAGE, "refusing to delete every key: give a non-empty prefix");
            }
            return KvOperations.rm(etcd, key, prefix, spec.commandLine().getOut());
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            header = "List the keys under a prefix, one per line, sorted.")
    static final class Ls implements java.util.concurrent.Callable<Integer> {
        @Mixin
        EtcdOptions etcd;
        @Spec
        CommandSpec spec;
        @Option(names = "--prefix", hidden = true, description = "Accepted for symmetry with get and rm; ls always lists a prefix.")
        boolean prefix;
        @Parameters(paramLabel = "PREFIX", arity = "0..1", defaultValue = "/",
                description = "List keys starting with this (default: ${DEFAULT-VALUE}).")
        String keyPrefix;

        @Override
        public Integer call() {
            return KvOperations.ls(etcd, keyPrefix, spec.commandLine().getOut());
        }
    }
}
