package dev.flotilla.store;

import java.util.List;

/**
 * What a transaction did.
 *
 * @param succeeded whether every compare held (so {@code then} ran rather than {@code otherwise})
 * @param revision  the store revision after the transaction
 * @param gets      one result per {@link Op.Get} of the branch that ran, in order
 */
public record TxnResult(boolean succeeded, long revision, List<RangeResult> gets) {
    public TxnResult {
        gets = List.copyOf(gets);
    }
}
