# flotilla exec watchdog: the dead man's switch of one exec runtime (see ExecWatchdog.java and
# docs/agent.md, "Fencing a dead agent's units"). Usage: perl flotilla-watchdog.pl STATE_DIR HEARTBEAT
#
# Every poll it reads the agent's heartbeat file. While the heartbeat's fence time lies ahead it does
# nothing else. Once it has passed (the agent stopped renewing its lease: dead, hung or cut off),
# it fences: it writes HEARTBEAT.fenced, writes a "fenced" marker into the directory of every unit
# that runs or is about to (so that a runtime adopting it takes it as stopped and does not restart
# it), and stops every process of those units as their stop would: the unit's kill signal (and
# SIGCONT), then its final signal (SIGKILL) after its stop timeout, as the unit's "kill" file says.
# A unit's processes are the descendants of its live shims (each is a child subreaper) and the
# members of their sessions. It goes on fencing whatever appears while the fence time stays past,
# and exits once nothing is left to stop for "linger" seconds, when its state directory is gone,
# or when .watchdog.pid names another live watchdog. It never talks to the agent.
use strict;
use warnings;
use POSIX ();

my ($state, $heartbeat) = @ARGV;
die "usage: flotilla-watchdog.pl STATE_DIR HEARTBEAT\n" unless defined $heartbeat;
my $machine_marker = "$heartbeat.fenced";
my $pid_file = "$state/.watchdog.pid";

POSIX::setsid();    # not in the agent's process group or session: a Ctrl-C or a group kill spares it
$SIG{HUP} = 'IGNORE';
$SIG{PIPE} = 'IGNORE';
$| = 1;

my $boot = slurp('/proc/sys/kernel/random/boot_id');
$boot = defined $boot ? (split ' ', $boot)[0] : 'unknown';

my %pending;        # "pid:start" => what was sent to a process of a fenced unit, and when
my $episode = 0;    # whether this period past the fence time has fenced anything yet
my $idle_since;     # uptime since when, past the fence time, nothing was left to stop
my $ticks = 0;

sub slurp {
    my ($file) = @_;
    open(my $h, '<', $file) or return undef;
    local $/;
    my $text = <$h>;
    close($h);
    return $text;
}

sub write_atomic {
    my ($path, $text) = @_;
    open(my $h, '>', "$path.tmp") or return 0;
    print $h $text;
    close($h) or return 0;
    return rename("$path.tmp", $path);
}

sub uptime {
    my $t = slurp('/proc/uptime');
    return defined $t ? (split ' ', $t)[0] : 0;
}

sub wall {
    return POSIX::strftime('%Y-%m-%dT%H:%M:%SZ', gmtime());
}

sub note {
    print STDERR wall() . " flotilla-watchdog[$$]: @_\n";
}

# The heartbeat as {fence, poll, linger}, or undef when missing, malformed or of another boot.
sub heartbeat {
    my $t = slurp($heartbeat);
    return undef unless defined $t
        && $t =~ /^flotilla-heartbeat 1 boot=(\S+) held=([0-9.]+) fence=([0-9.]+) poll=([0-9.]+) linger=([0-9.]+)/;
    return undef unless $1 eq $boot;
    return { fence => $3, poll => $4, linger => $5 };
}

sub due {
    my ($hb, $now) = @_;
    return !defined $hb || $now >= $hb->{fence};
}

# (state, ppid, session, start time) of a process, or () when there is none.
sub stat_of {
    my ($pid) = @_;
    my $t = slurp("/proc/$pid/stat");
    return () unless defined $t;
    my $close = rindex($t, ')');
    return () if $close < 0;
    my @f = split ' ', substr($t, $close + 2);
    return () if $f[0] eq 'Z' || $f[0] eq 'X';
    return ($f[0], $f[1], $f[3], $f[19]);
}

# pid => [state, ppid, session, start] of every live process.
sub table {
    my %t;
    opendir(my $d, '/proc') or return \%t;
    for my $e (readdir $d) {
        next unless $e =~ /^\d+$/;
        my @s = stat_of($e);
        $t{$e} = \@s if @s;
    }
    closedir($d);
    return \%t;
}

sub units {
    opendir(my $d, $state) or return ();
    my @units = grep { !/^\./ && -d "$state/$_/run" } readdir $d;
    closedir($d);
    return sort @units;
}

# The PIDs of the unit's shims that still run (recognised by PID and start time).
sub live_shims {
    my ($unit) = @_;
    my @out;
    opendir(my $d, "$state/$unit/run") or return ();
    for my $f (readdir $d) {
        next unless $f =~ /^\d+\.inv$/;
        my $t = slurp("$state/$unit/run/$f");
        next unless defined $t && $t =~ /^shim=(\d+)\\?:(\d+)\s*$/m;
        my ($pid, $start) = ($1, $2);
        my @s = stat_of($pid);
        push @out, $pid if @s && $s[3] == $start;
    }
    closedir($d);
    return @out;
}

# Whether the unit's record says it is active, activating or deactivating.
sub unsettled {
    my ($unit) = @_;
    my $t = slurp("$state/$unit/state.properties");
    return defined $t && $t =~ /^active=(ACTIVE|ACTIVATING|DEACTIVATING)\s*$/m;
}

# The unit's kill settings (written by the runtime when it runs the unit), with systemd's defaults.
sub kill_settings {
    my ($unit) = @_;
    my %k = (signal => 15, final => 9, timeout => 90, sigkill => 1);
    my $t = slurp("$state/$unit/kill");
    if (defined $t) {
        $k{$1} = $2 while $t =~ /\b(signal|final|timeout|sigkill)=([0-9.]+)/g;
    }
    return \%k;
}

# Every process below the shims, and every member of their sessions; not the shims themselves.
sub processes_of {
    my ($tab, @shims) = @_;
    my %shim = map { $_ => 1 } @shims;
    my %children;
    for my $p (keys %$tab) {
        push @{ $children{ $tab->{$p}[1] } }, $p;
    }
    my %out;
    my @todo = @shims;
    while (@todo) {
        my $p = pop @todo;
        for my $c (@{ $children{$p} || [] }) {
            push @todo, $c unless $out{$c}++;
        }
    }
    for my $p (keys %$tab) {
        $out{$p} = 1 if $shim{ $tab->{$p}[2] };
    }
    delete $out{$_} for (@shims, $$);
    return grep { $_ > 1 } keys %out;
}

# Leaves HEARTBEAT.fenced for the agent (a living one fences too when it sees it, and deletes it).
sub tell_agent {
    return if -e $machine_marker;
    write_atomic($machine_marker, "at " . wall() . ": the agent's heartbeat ran out (no lease keep-alive for one TTL:"
        . " the agent died, hung or was cut off)\n");
}

# One round past the fence time: marks and signals what runs. Returns whether anything was found.
sub fence_round {
    my ($now) = @_;
    my $found = 0;
    my $tab;
    for my $unit (units()) {
        my @shims = live_shims($unit);
        my $marked = -e "$state/$unit/fenced";
        next unless @shims || (!$marked && unsettled($unit));
        return $found unless due(heartbeat(), uptime());    # the agent is back: fence nothing more
        if (!$episode) {
            $episode = 1;
            note("the agent's heartbeat ran out: fencing every unit of $state");
        }
        if (!$marked) {
            write_atomic("$state/$unit/fenced", "fenced by the watchdog at " . wall() . ": no lease keep-alive for"
                . " one TTL (the agent died, hung or was cut off), so the cluster may run the unit elsewhere\n");
            tell_agent();
            $found = 1;
        }
        next unless @shims;
        $tab //= table();
        my $k = kill_settings($unit);
        for my $pid (processes_of($tab, @shims)) {
            my $id = "$pid:$tab->{$pid}[3]";
            next if $pending{$id};
            tell_agent();
            $found = 1;
            kill($k->{signal}, $pid);
            kill(18, $pid) unless $k->{signal} == 9;    # SIGCONT, so that a stopped process sees the signal
            $pending{$id} = { pid => $pid, unit => $unit, since => $now, %$k };
            note("$unit: sent signal $k->{signal} to $pid");
        }
        $found = 1 if grep { $_->{unit} eq $unit } values %pending;
    }
    return $found;
}

# Sends the final signal to processes that outlived their stop timeout; forgets those gone.
sub progress {
    my ($now) = @_;
    for my $id (keys %pending) {
        my $e = $pending{$id};
        my ($pid, $start) = split /:/, $id;
        my @s = stat_of($pid);
        if (!@s || $s[3] != $start) {
            delete $pending{$id};
            next;
        }
        next if $e->{killed} || !$e->{sigkill} || $e->{timeout} <= 0 || $now - $e->{since} < $e->{timeout};
        kill($e->{final}, $pid);
        $e->{killed} = $now;
        note("$e->{unit}: $pid outlived its stop timeout ($e->{timeout} s): sent signal $e->{final}");
    }
}

note("watching $heartbeat for $state");
while (1) {
    exit 0 unless -d $state;
    if (++$ticks % 20 == 0) {
        my $owner = slurp($pid_file);
        if (defined $owner && $owner =~ /^(\d+):/ && $1 != $$ && kill(0, $1)) {
            note("replaced by another watchdog: exiting");
            exit 0;
        }
    }
    my $hb = heartbeat();
    my $now = uptime();
    my $poll = defined $hb ? $hb->{poll} : 0.1;
    $poll = 0.01 if $poll < 0.01;
    $poll = 1 if $poll > 1;
    if (due($hb, $now)) {
        if (fence_round($now)) {
            undef $idle_since;
        } else {
            $idle_since //= $now;
        }
    } else {
        $episode = 0;
        undef $idle_since;
    }
    progress($now) if %pending;
    if (defined $idle_since && !%pending && $now - $idle_since >= (defined $hb ? $hb->{linger} : 0)) {
        note("nothing left to guard: exiting");
        exit 0;
    }
    select(undef, undef, undef, $poll);
}
