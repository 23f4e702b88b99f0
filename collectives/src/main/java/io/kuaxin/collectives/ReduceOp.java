package io.kuaxin.collectives;

/** How an all-reduce or reduce-scatter combines the ranks' elements. */
public enum ReduceOp {
    SUM, MAX, MIN,
    /** The sum divided by the number of ranks (integer division for integer dtypes). */
    AVG
}
