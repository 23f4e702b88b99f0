/**
 * Where ops run, not exported: {@link io.kuaxin.internal.dispatch.Placement} decides, from the backend's
 * {@code unsupportedReason} and the fallback policy, whether an op runs on its device or on the runtime's fallback
 * device. Every op reaches it the same way: {@code io.kuaxin.FrontDoor.call} validates through the op's spec in
 * {@code io.kuaxin.op}, then {@code io.kuaxin.OpRunner} asks here and carries the decision out.
 */
package io.kuaxin.internal.dispatch;
