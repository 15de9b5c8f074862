package dev.courier.rpc;

/**
 * The detail of an internal fault when the host includes exception detail in faults (a debugging aid; off
 * by default, since it shows the service's internals to callers).
 *
 * @param type the exception's class name
 * @param message the exception's message
 * @param stackTrace the service's stack trace
 */
public record ExceptionDetail(String type, String message, String stackTrace) {}
