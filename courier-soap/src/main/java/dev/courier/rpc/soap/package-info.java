/**
 * SOAP 1.1 and 1.2 messages for Courier contracts, document/literal wrapped as their WSDL
 * ({@code dev.courier.rpc.metadata}) describes them. {@link dev.courier.rpc.soap.SoapVersion} names the two
 * versions, {@link dev.courier.rpc.soap.SoapBinding} carries them over HTTP (docs/soap.md).
 */
package dev.courier.rpc.soap;
