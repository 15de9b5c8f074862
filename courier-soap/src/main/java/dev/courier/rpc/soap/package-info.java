/**
 * SOAP 1.1 and 1.2 messages for Courier contracts, document/literal wrapped as their WSDL
 * ({@code dev.courier.rpc.metadata}) describes them. {@link dev.courier.rpc.soap.SoapVersion} names the two
 * versions; the HTTP binding that carries them is being built.
 */
package dev.courier.rpc.soap;
