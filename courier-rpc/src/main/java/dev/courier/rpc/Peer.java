package dev.courier.rpc;

import java.security.Principal;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The other end of a call's connection, as its binding knows it: where it is and, when the transport
 * authenticated it (TLS with a certificate), who it is. For a service the peer is its client; for the
 * callback object of a duplex contract it is the server.
 *
 * <pre>{@code
 * public void transfer(Order order) {
 *   Peer peer = OperationContext.current().peer();
 *   String who = peer.principal().map(Principal::getName).orElse("anonymous at " + peer.address());
 *   audit.log(who + " transfers " + order);
 * }
 * }</pre>
 *
 * @param address where the peer is, in its binding's terms: {@code courier.tcp://127.0.0.1:54321} for a TCP
 *     client (its own port, not the endpoint's), {@code http://127.0.0.1:54321} or {@code https://...} for a SOAP
 *     client, {@code inproc:client-7} for an in-process channel,
 *     {@code unknown} when the binding does not say
 * @param principal who the peer proved to be (the subject of its verified certificate); empty for a peer
 *     that presented none, or a transport without authentication
 * @param certificates the peer's verified certificate chain, its own certificate first; empty when none
 */
public record Peer(String address, Optional<Principal> principal, List<X509Certificate> certificates) {

  /** The peer of a binding that does not describe its connections. */
  public static final Peer UNKNOWN = new Peer("unknown", Optional.empty(), List.of());

  /** Checks the components and copies the chain. */
  public Peer {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(principal, "principal");
    certificates = List.copyOf(Objects.requireNonNull(certificates, "certificates"));
  }

  /** An unauthenticated peer at {@code address}. */
  public static Peer at(String address) {
    return new Peer(address, Optional.empty(), List.of());
  }

  /**
   * A peer at {@code address} that a TLS session authenticated: its principal and verified chain, or none when it
   * presented no certificate (client certificates optional).
   */
  public static Peer authenticated(String address, SSLSession session) {
    try {
      Principal principal = session.getPeerPrincipal();
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : session.getPeerCertificates()) {
        if (c instanceof X509Certificate x509) {
          chain.add(x509);
        }
      }
      return new Peer(address, Optional.of(principal), chain);
    } catch (SSLPeerUnverifiedException e) {
      return Peer.at(address);
    }
  }

  @Override
  public String toString() {
    return "Peer[" + address + ", " + principal.map(Principal::getName).orElse("unauthenticated")
        + (certificates.isEmpty() ? "" : ", " + certificates.size() + " certificates") + "]";
  }
}
