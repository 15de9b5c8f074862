package dev.courier.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A record whose components are the parts of a message ({@code [MessageContract]}): as an operation's only
 * parameter, the parts of its request; as its result, the parts of its reply. This is how an operation returns
 * several values, as WCF's {@code out} parameters do, and how svcutil's {@code /messageContract} shape takes and
 * returns whole messages.
 *
 * <pre>{@code
 * @MessageContract
 * record TryReserveResponse(boolean TryReserveResult, int reserved, String warehouse) {}
 *
 * @ServiceContract
 * interface Stock {
 *   TryReserveResponse tryReserve(String sku, int quantity);   // a reply of three parts
 * }
 * }</pre>
 *
 * <p>The message is the same on the wire and in the metadata whichever form a side declares: a request record
 * {@code AddRequest(int a, int b)} sends what {@code add(int a, int b)} sends, and a reply record with one
 * component receives what a method returning that component's type does. The wrapper elements are the
 * operation's ({@code op} and {@code opResponse}); the components name the parts, in order.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface MessageContract {}
