/**
 * Where ops run, not exported: {@link io.kuaxin.internal.dispatch.Placement} decides, from the backend's
 * {@code unsupportedReason} and the fallback policy, whether an op runs on its device or on the runtime's fallback
 * device. {@code io.kuaxin.OpRunner} carries the decision out; the op methods of {@code io.kuaxin.OpContext}
 * validate through the op's spec in {@code io.kuaxin.op} first.
 */
package io.kuaxin.internal.dispatch;
