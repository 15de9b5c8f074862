package dev.courier.rpc;

/** Which service instance serves a call ({@code InstanceContextMode}). */
public enum InstanceMode {
  /** A new instance for every call. */
  PER_CALL,
  /** One instance per client channel (session). */
  PER_SESSION,
  /** One instance for all calls. */
  SINGLE
}
