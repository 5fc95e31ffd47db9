# flotilla exec shim: runs one command of a unit (see ProcessLauncher.java for the protocol).
# It starts a new session, joins the unit's cgroups, becomes a child subreaper, forks and execs the
# command, writes the command's PID to <dir>/<seq>.pid and one line per process it reaps to
# <dir>/<seq>.exits ("<pid> exited <status>" or "<pid> killed <signal>[ core]"), and exits once no
# descendant is left. It ignores the usual stop signals so that it outlives the processes it
# records; only SIGKILL ends it early. It never talks to the agent, so the agent may die at any time.
use strict;
use warnings;
use POSIX ();

my ($dir, $seq, $prctl, $uid, $gid, $groups, $cgroups, $argv0, @cmd) = @ARGV;
my @stop_signals = qw(HUP INT QUIT TERM USR1 USR2 PIPE ALRM);
# Block the stop signals until the fork is done: a signal sent to the command while it is still
# this script's child (before exec) stays pending and takes effect after exec, instead of being
# lost to the shim's "ignore" disposition.
my $stop_set = POSIX::SigSet->new(POSIX::SIGHUP(), POSIX::SIGINT(), POSIX::SIGQUIT(), POSIX::SIGTERM(),
    POSIX::SIGUSR1(), POSIX::SIGUSR2(), POSIX::SIGPIPE(), POSIX::SIGALRM());
POSIX::sigprocmask(POSIX::SIG_BLOCK(), $stop_set);

sub write_atomic {
    my ($path, $text) = @_;
    open(my $h, '>', "$path.tmp") or return 0;
    print $h $text;
    close($h) or return 0;
    return rename("$path.tmp", $path);
}

POSIX::setsid();
for my $procs (split /\n/, $cgroups) {
    next if $procs eq '';
    my $ok = open(my $h, '>>', $procs);
    $ok = print $h "$$\n" if $ok;
    $ok = close($h) if $ok;
    print STDERR "flotilla: cannot join cgroup $procs: $!\n" unless $ok;
}
syscall($prctl, 36, 1, 0, 0, 0) if $prctl > 0;    # prctl(PR_SET_CHILD_SUBREAPER, 1)

my %env;
{
    local $/ = "\0";
    if (open(my $e, '<', "$dir/$seq.env")) {
        while (my $kv = <$e>) {
            chomp $kv;
            my ($k, $v) = split /=/, $kv, 2;
            $env{$k} = $v if defined $v;
        }
        close($e);
        unlink("$dir/$seq.env");
    }
}

my $pid = fork();
if (!defined $pid) {
    print STDERR "flotilla: cannot fork: $!\n";
    exit 1;
}
if ($pid == 0) {
    $SIG{$_} = 'DEFAULT' for @stop_signals;
    POSIX::sigprocmask(POSIX::SIG_SETMASK(), POSIX::SigSet->new());
    %ENV = %env;
    if ($uid ne '') {
        $) = "$gid $groups";
        $( = $gid;
        if ((split ' ', $))[0] != $gid || (split ' ', $()[0] != $gid) {
            print STDERR "flotilla: cannot set group IDs to $gid $groups: $!\n";
            POSIX::_exit(216);
        }
        if (!defined POSIX::setuid($uid) || $< != $uid || $> != $uid) {
            print STDERR "flotilla: cannot set user ID to $uid: $!\n";
            POSIX::_exit(217);
        }
    }
    my $prog = $cmd[0];
    { no warnings 'exec'; exec {$prog} ($argv0 ne '' ? $argv0 : $prog, @cmd[1 .. $#cmd]); }
    print STDERR "flotilla: cannot execute $prog: $!\n";
    POSIX::_exit(203);
}
# the shim ignores stop signals (pending ones are discarded) so that it outlives what it records
$SIG{$_} = 'IGNORE' for @stop_signals;
POSIX::sigprocmask(POSIX::SIG_SETMASK(), POSIX::SigSet->new());
write_atomic("$dir/$seq.pid", "$pid\n") or print STDERR "flotilla: cannot write $dir/$seq.pid: $!\n";

while (1) {
    my $reaped = waitpid(-1, 0);
    if ($reaped > 0) {
        my $st = $?;
        my $line = ($st & 127)
            ? "$reaped killed " . ($st & 127) . (($st & 128) ? " core" : "")
            : "$reaped exited " . ($st >> 8);
        if (open(my $h, '>>', "$dir/$seq.exits")) {
            print $h "$line\n";
            close($h);
        }
        next;
    }
    last if $! == POSIX::ECHILD;
}
exit 0;
