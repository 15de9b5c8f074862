/**
 * Courier's service model: contracts, descriptions, client shapes, dispatch and hosting, and the
 * in-process binding.
 */
module dev.courier.rpc {
  requires transitive dev.courier.io;

  exports dev.courier.rpc;
  exports dev.courier.rpc.spi;
  exports dev.courier.rpc.inprocess;
}
