package dev.flotilla.store;

/** A watch asked for history the store no longer keeps. Re-read the current state and watch from there. */
public class CompactedException extends StoreException {
    private final long compactRevision;

    public CompactedException(long requestedRevision, long compactRevision) {
        super("revision " + requestedRevision + " has been compacted; the oldest kept is " + (compactRevision + 1));
        this.compactRevision = compactRevision;
    }

    /** The newest revision that was compacted away; watch from one past it at the earliest. */
    public long compactRevision() {
        return compactRevision;
    }
}
