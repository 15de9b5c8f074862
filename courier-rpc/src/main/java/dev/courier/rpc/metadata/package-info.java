/**
 * Metadata: a contract as a document that leaves the JVM. A {@link dev.courier.rpc.ContractDescription}
 * becomes a {@link dev.courier.rpc.metadata.ServiceMetadata}, which {@link dev.courier.rpc.metadata.Wsdl}
 * writes as one WSDL 1.1 document with its schema inline, in the shape WCF gives basicHttpBinding, and reads
 * back from any such document (Courier's, WCF's, CXF's, Metro's).
 *
 * <h2>Starting points</h2>
 * <ul>
 *   <li>{@link dev.courier.rpc.metadata.ServiceMetadata#builder(String)}: contracts and endpoints to describe.
 *   <li>{@link dev.courier.rpc.metadata.Wsdl#write(ServiceMetadata)} and
 *       {@link dev.courier.rpc.metadata.Wsdl#read(java.io.InputStream, java.net.URI)}: the document.
 *   <li>{@link dev.courier.rpc.metadata.OperationMetadata}, {@link dev.courier.rpc.metadata.SchemaType}: what
 *       a generator or a dynamic client reads.
 * </ul>
 *
 * <p>How Java types map to XML Schema is in {@code docs/metadata.md}.
 */
package dev.courier.rpc.metadata;
