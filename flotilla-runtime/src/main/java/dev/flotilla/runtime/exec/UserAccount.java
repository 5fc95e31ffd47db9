package dev.flotilla.runtime.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The account a unit's commands run as ({@code User=}, {@code Group=}), resolved through the
 * system's name service ({@code getent}, so LDAP and friends work), with the groups it belongs to.
 * Immutable.
 *
 * @param name the user name
 * @param uid the user ID
 * @param gid the primary group ID ({@code Group=} when given)
 * @param groups the supplementary group IDs
 * @param home the home directory
 * @param shell the login shell
 */
record UserAccount(String name, long uid, long gid, List<Long> groups, String home, String shell) {

    UserAccount {
        groups = List.copyOf(groups);
    }

    /**
     * Resolves {@code user} (a name or numeric ID) and optional {@code group}.
     *
     * @throws BadSettingException when the user or group does not exist, or the agent is not root
     *     and the user is not the agent's own
     */
    static UserAccount resolve(String user, Optional<String> group) {
        List<String> pw = getent("passwd", user).orElseThrow(() -> new BadSettingException("User=" + user
                + ": no such user on this machine; create it or change User="));
        long uid = Long.parseLong(pw.get(2));
        long gid = Long.parseLong(pw.get(3));
        if (group.isPresent()) {
            List<String> gr = getent("group", group.get()).orElseThrow(() -> new BadSettingException("Group="
                    + group.get() + ": no such group on this machine"));
            gid = Long.parseLong(gr.get(2));
        }
        long self = currentUid();
        if (self != 0 && uid != self) {
            throw new BadSettingException("User=" + user + ": the agent runs as uid " + self + " and can only switch "
                    + "users as root; run the agent as root or remove User=");
        }
        List<Long> groups = run("id", "-G", pw.get(0)).map(s -> java.util.Arrays.stream(s.strip().split("\\s+"))
                .filter(w -> !w.isEmpty()).map(Long::parseLong).toList()).orElse(List.of(gid));
        return new UserAccount(pw.get(0), uid, gid, groups, pw.get(5), pw.get(6));
    }

    /** The agent's own user ID, from {@code /proc/self/status}. */
    static long currentUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).strip().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }

    private static Optional<List<String>> getent(String db, String key) {
        return run("getent", db, key).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> List.of(s.split("\n")[0].split(":", -1))).filter(f -> f.size() >= (db.equals("passwd") ? 7 : 3));
    }

    private static Optional<String> run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            throw new BadSettingException("cannot resolve users: " + command[0] + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
