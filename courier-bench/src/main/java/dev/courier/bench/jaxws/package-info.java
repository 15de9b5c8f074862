/**
 * The SOAP suite's echo service as the JAX-WS stacks (CXF, Metro) take it: the service's and the client's
 * endpoint interfaces, the implementation, the wrapper beans and the record as a JAXB bean, written by hand
 * (as wsimport would generate them) so that the XML on the wire has the element names of Courier's contract:
 * {@code echo(text)} answered by {@code echoResponse(echoResult)}, {@code echoParcel(parcel)} by
 * {@code echoParcelResponse(echoParcelResult)}, every element qualified in {@code urn:courier-bench/}.
 */
@XmlSchema(namespace = "urn:courier-bench/", elementFormDefault = XmlNsForm.QUALIFIED)
package dev.courier.bench.jaxws;

import jakarta.xml.bind.annotation.XmlNsForm;
import jakarta.xml.bind.annotation.XmlSchema;
