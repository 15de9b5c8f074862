package dev.courier.io;

/** Whoever presented a request to a handler (a device queue), told when the handler is done with it. */
interface PresentationOwner {

  /** The presented request was completed or sent and forgotten; it is no longer the handler's. */
  void finished(RealIoRequest request);
}
