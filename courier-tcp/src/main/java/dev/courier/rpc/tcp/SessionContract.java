package dev.courier.rpc.tcp;

import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.tcp.ContractSignature.Field;
import dev.courier.rpc.tcp.ContractSignature.OpSig;
import dev.courier.rpc.spi.Encoding;
import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the two ends of a session found when it opened and they exchanged their contracts' signatures
 * (docs/tcp-protocol.md, section 4): for each operation this side calls, whether it may go, and how to read its
 * result and faults; for each operation this side serves, whether a call of it is refused before its arguments
 * are read, and how to read them. An operation whose shapes are equal on both ends reads with this side's own
 * forms, so that a session of agreeing contracts costs nothing per call.
 *
 * <p>It is thus the session's binary encoding: values are written by this side's contract and read as the two
 * ends agreed ({@link WireCodec} has the forms). {@link #UNCHECKED} is the encoding of any contract whose peer
 * is the same.
 *
 * <p>Immutable and thread safe.
 */
final class SessionContract implements Encoding<ByteBuf, WireInput> {
  /** A session whose peer sent no signature: every call goes, and values are read by this side's contract alone. */
  static final SessionContract UNCHECKED = new SessionContract();
  /** Makes the binary encoding of a contract: values read by the contract alone, as two ends that agree do. */
  static final Encoding.Factory<ByteBuf, WireInput> ENCODING = contract -> UNCHECKED;

  private final OperationDescription[] calls;
  private final String[] callRefusals;
  private final WireCodec.Form[] results;
  private final List<Map<String, WireCodec.Form>> faultDetails;
  private final OperationDescription[] served;
  private final String[] serveRefusals;
  private final WireCodec.Form[][] arguments;

  private SessionContract() {
    calls = new OperationDescription[0];
    callRefusals = new String[0];
    results = new WireCodec.Form[0];
    faultDetails = List.of();
    served = new OperationDescription[0];
    serveRefusals = new String[0];
    arguments = new WireCodec.Form[0][];
  }

  /**
   * The agreement of a session: this side calls the operations of {@code calls} and serves those of
   * {@code serves} (either may be {@code null}); {@code mine} is the signature this side sent, {@code peer} the
   * one it received. On a client, {@code calls} is the contract and {@code serves} its callback contract; on a
   * server the other way round.
   */
  SessionContract(ContractDescription calls, ContractDescription serves, ContractSignature mine, ContractSignature peer,
      boolean client) {
    String me = client ? "client" : "service";
    String other = client ? "service" : "client";
    List<OperationDescription> callOps = calls == null ? List.of() : calls.operations();
    this.calls = callOps.toArray(OperationDescription[]::new);
    this.callRefusals = new String[this.calls.length];
    this.results = new WireCodec.Form[this.calls.length];
    List<Map<String, WireCodec.Form>> faults = new java.util.ArrayList<>(java.util.Collections.nCopies(this.calls.length,
        Map.<String, WireCodec.Form>of()));
    for (OperationDescription op : callOps) {
      OpSig myOp = mine.operation(op.action(), !client);
      OpSig peerOp = peer.operation(op.action(), !client);
      int i = op.index();
      if (myOp == null || peerOp == null) {
        continue;                     // unknown to the peer: it answers ActionNotSupported, as without signatures
      }
      callRefusals[i] = refusal(myOp, mine, peerOp, peer, me, other);
      if (callRefusals[i] == null && op.hasResult()) {
        results[i] = WireCodec.reading(peer, peerOp.result(), mine, myOp.result(), WireCodec.replyType(op));
      }
      faults.set(i, faultForms(op, myOp, mine, peerOp, peer));
    }
    this.faultDetails = List.copyOf(faults);
    List<OperationDescription> servedOps = serves == null ? List.of() : serves.operations();
    this.served = servedOps.toArray(OperationDescription[]::new);
    this.serveRefusals = new String[served.length];
    this.arguments = new WireCodec.Form[served.length][];
    for (OperationDescription op : servedOps) {
      OpSig myOp = mine.operation(op.action(), client);
      OpSig peerOp = peer.operation(op.action(), client);
      if (myOp == null || peerOp == null) {
        continue;                     // the peer does not call it, or this side answers ActionNotSupported
      }
      int i = op.index();
      serveRefusals[i] = refusal(peerOp, peer, myOp, mine, other, me);
      if (serveRefusals[i] == null) {
        WireCodec.Form[] forms = new WireCodec.Form[op.requestPartTypes().size()];
        for (int p = 0; p < forms.length; p++) {
          forms[p] = WireCodec.reading(peer, peerOp.parameters().get(p).sig(), mine, myOp.parameters().get(p).sig(),
              op.requestPartTypes().get(p));
        }
        arguments[i] = forms;
      }
    }
  }

  /**
   * Why a call of {@code callerOp} (as the caller declares it) cannot be served as {@code calleeOp}, in words
   * that name the operation and the difference; {@code null} when it can.
   */
  static String refusal(OpSig callerOp, ContractSignature callerSig, OpSig calleeOp, ContractSignature calleeSig,
      String caller, String callee) {
    String op = "operation " + callerOp.name() + ": ";
    if (callerOp.oneWay() != calleeOp.oneWay()) {
      return op + (callerOp.oneWay() ? "one-way" : "request-reply") + " on the " + caller + ", "
          + (calleeOp.oneWay() ? "one-way" : "request-reply") + " on the " + callee;
    }
    List<Field> sent = callerOp.parameters();
    List<Field> expected = calleeOp.parameters();
    String arguments = op + caller + " sends " + callerSig.describe(sent) + ", " + callee + " expects "
        + calleeSig.describe(expected);
    if (sent.size() != expected.size()) {
      return arguments;
    }
    for (int i = 0; i < sent.size(); i++) {
      String why = ContractSignature.incompatibility(callerSig, sent.get(i).sig(), calleeSig, expected.get(i).sig(),
          caller, callee);
      if (why != null) {
        return arguments + (why.startsWith(caller + " has") ? "" : " (" + why + ")");
      }
    }
    if (callerOp.oneWay()) {
      return null;
    }
    if ((callerOp.result() == null) != (calleeOp.result() == null)) {
      return op + callee + " returns " + (calleeOp.result() == null ? "nothing (void)" : calleeSig.describe(calleeOp.result()))
          + ", " + caller + " expects " + (callerOp.result() == null ? "nothing (void)" : callerSig.describe(callerOp.result()));
    }
    if (callerOp.result() != null) {
      String why = ContractSignature.incompatibility(calleeSig, calleeOp.result(), callerSig, callerOp.result(), callee,
          caller);
      if (why != null) {
        return op + callee + " returns " + calleeSig.describe(calleeOp.result()) + ", " + caller + " expects "
            + callerSig.describe(callerOp.result()) + (why.startsWith(callee + " has") ? "" : " (" + why + ")");
      }
    }
    return null;
  }

  /** The forms that read the details of the faults both ends declare alike; the others arrive without detail. */
  private static Map<String, WireCodec.Form> faultForms(OperationDescription op, OpSig myOp, ContractSignature mine,
      OpSig peerOp, ContractSignature peer) {
    Map<String, WireCodec.Form> forms = new HashMap<>();
    for (Class<? extends Record> type : op.faults()) {
      String name = type.getSimpleName();
      Field theirs = peerOp.faults().stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
      Field ours = myOp.faults().stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
      if (theirs != null && ours != null
          && ContractSignature.incompatibility(peer, theirs.sig(), mine, ours.sig(), "", "") == null) {
        forms.put(name, WireCodec.reading(peer, theirs.sig(), mine, ours.sig(), type));
      }
    }
    return Map.copyOf(forms);
  }

  /** Whether this agreement came from the peer's signature (else every call goes unchecked). */
  boolean checked() {
    return this != UNCHECKED;
  }

  /** Why a call of {@code op} that this side makes is refused before it is sent; {@code null} when it may go. */
  String callRefusal(OperationDescription op) {
    int i = op.index();
    return i < calls.length && calls[i] == op ? callRefusals[i] : null;
  }

  /** The form that reads {@code op}'s result; {@code null} for this side's own. */
  WireCodec.Form result(OperationDescription op) {
    int i = op.index();
    return i < calls.length && calls[i] == op ? results[i] : null;
  }

  /**
   * The form that reads the detail of the fault {@code name} of {@code op}, {@code null} when the two ends do not
   * declare it alike (the caller gets the fault's code and reason without detail); {@code unchecked} when the
   * session has no agreement.
   */
  WireCodec.Form faultDetail(OperationDescription op, String name, WireCodec.Form unchecked) {
    int i = op.index();
    if (!checked() || i >= calls.length || calls[i] != op) {
      return unchecked;
    }
    return faultDetails.get(i).get(name);
  }

  /** Why a call of {@code op} that the peer makes is refused before its arguments are read; {@code null} if not. */
  String serveRefusal(OperationDescription op) {
    int i = op.index();
    return i < served.length && served[i] == op ? serveRefusals[i] : null;
  }

  /** The forms that read {@code op}'s arguments; {@code null} for this side's own. */
  WireCodec.Form[] arguments(OperationDescription op) {
    int i = op.index();
    return i < served.length && served[i] == op ? arguments[i] : null;
  }

  // ---- the session's encoding ----------------------------------------------------------------------------

  @Override
  public void writeArguments(ByteBuf out, OperationDescription op, Object[] arguments) {
    WireCodec.writeArguments(out, op, arguments);
  }

  @Override
  public Object[] readArguments(WireInput in, OperationDescription op) {
    WireCodec.Form[] forms = arguments(op);
    return forms == null ? WireCodec.readArguments(in.frame(), op, in.budget())
        : WireCodec.readArguments(in.frame(), op, forms, in.budget());
  }

  @Override
  public void writeResult(ByteBuf out, OperationDescription op, Object result) {
    if (op.hasResult()) {
      WireCodec.writeResult(out, op, result);
    }
  }

  @Override
  public Object readResult(WireInput in, OperationDescription op) {
    if (!op.hasResult()) {
      return null;
    }
    WireCodec.Form form = result(op);
    return form == null ? WireCodec.readResult(in.frame(), op, in.budget())
        : WireCodec.result(op, WireCodec.read(in.frame(), form, in.budget()));
  }

  /** Writes the detail's fault name, then the detail. */
  @Override
  public void writeFaultDetail(ByteBuf out, OperationDescription op, Record detail) {
    if (!op.faults().contains(detail.getClass())) {
      throw new IllegalArgumentException("operation " + op.name() + " declares no fault " + detail.getClass().getName()
          + " (expected: one of " + op.faults() + ")");
    }
    WireCodec.writeString(out, detail.getClass().getSimpleName());
    WireCodec.write(out, detail.getClass(), detail);
  }

  /**
   * Reads the fault name and the detail, as the fault of that name that {@code op} declares; {@code null} when
   * this side declares no such fault, the two ends declare it differently, or its detail does not decode by that
   * type (the same name, another shape). Reads the rest of the frame.
   */
  @Override
  public Record readFaultDetail(WireInput in, OperationDescription op) {
    ByteBuf frame = in.frame();
    String name = WireCodec.readString(frame);
    Record detail = null;
    for (Class<? extends Record> type : op.faults()) {
      if (type.getSimpleName().equals(name)) {
        WireCodec.Form form = faultDetail(op, name, WireCodec.formOf(type));
        if (form == null) {
          break;
        }
        try {
          detail = (Record) WireCodec.read(frame, form, in.budget());
          if (frame.isReadable()) {
            detail = null;
          }
        } catch (WireCodec.WireException | IndexOutOfBoundsException e) {
          detail = null;
        }
        break;
      }
    }
    frame.skipBytes(frame.readableBytes());
    return detail;
  }
}
