package dev.courier.cli.internal;

import dev.courier.rpc.metadata.ComplexType;
import dev.courier.rpc.metadata.ContractMetadata;
import dev.courier.rpc.metadata.EndpointMetadata;
import dev.courier.rpc.metadata.EnumType;
import dev.courier.rpc.metadata.OperationMetadata;
import dev.courier.rpc.metadata.SchemaElement;
import dev.courier.rpc.metadata.SchemaType;
import dev.courier.rpc.metadata.ServiceMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.xml.namespace.QName;

/**
 * A service's metadata as a person reads it: each contract's operations with their exchange pattern, parameters,
 * result and faults, then the data types, then the endpoints.
 *
 * <pre>
 * contract OrderDesk (urn:orders)
 *   request/reply   GetOrder(id: string) -&gt; Order   faults: NoSuchOrder
 *   one-way         forget(id: string)
 * </pre>
 *
 * <p>Types are written by their schema names: built-in ones without prefix ({@code string}, {@code int},
 * {@code base64Binary}), lists as {@code T[]}, maps as {@code map<K, V>}; {@code name?} is an element that may be
 * absent.
 */
public final class ContractText {
  private final ServiceMetadata metadata;

  private ContractText(ServiceMetadata metadata) {
    this.metadata = metadata;
  }

  /** The text of {@code metadata}, ending with a line break. */
  public static String of(ServiceMetadata metadata) {
    return new ContractText(metadata).text();
  }

  /** The pattern as the text names it. */
  public static String pattern(OperationMetadata.Pattern pattern) {
    return switch (pattern) {
      case REQUEST_REPLY -> "request/reply";
      case ONE_WAY -> "one-way";
      case CALLBACK_ONE_WAY -> "callback, one-way";
      case CALLBACK_REQUEST_REPLY -> "callback, request/reply";
    };
  }

  /** An operation's signature: {@code name(param: type, ...) -> result}. */
  public static String signature(ServiceMetadata metadata, OperationMetadata op) {
    return new ContractText(metadata).signature(op);
  }

  /** The JSON object an operation's parameters are given in: {@code {"id": string, "count": int}}. */
  public static String jsonForm(ServiceMetadata metadata, OperationMetadata op) {
    ContractText t = new ContractText(metadata);
    return op.request().elements().stream()
        .map(e -> "\"" + e.name().getLocalPart() + "\": " + t.type(e.type()) + (e.optional() ? " (may be left out)" : ""))
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private String text() {
    StringBuilder out = new StringBuilder();
    out.append("service ").append(metadata.name()).append(" (").append(metadata.targetNamespace()).append(")\n");
    for (ContractMetadata c : metadata.contracts()) {
      out.append("\ncontract ").append(c.name().getLocalPart());
      if (!c.name().getNamespaceURI().equals(metadata.targetNamespace())) {
        out.append(" (").append(c.name().getNamespaceURI()).append(')');
      }
      out.append('\n');
      List<String[]> rows = new ArrayList<>();
      for (OperationMetadata op : c.operations()) {
        String faults = op.faults().isEmpty() ? "" : "faults: " + op.faults().stream()
            .map(f -> type(f.detailType())).collect(Collectors.joining(", "));
        rows.add(new String[] {pattern(op.pattern()), signature(op), faults});
      }
      table(out, rows);
    }
    List<String[]> types = new ArrayList<>();
    for (SchemaType t : metadata.types()) {
      switch (t) {
        case EnumType e -> types.add(new String[] {e.name().getLocalPart(), "enum { " + String.join(", ", e.values()) + " }"});
        case ComplexType c -> {
          if (c.arrayItem().isEmpty() && !isMapEntry(c)) {
            types.add(new String[] {c.name().getLocalPart(), c.elements().stream().map(this::element)
                .collect(Collectors.joining(", ", "{ ", " }"))});
          }
        }
      }
    }
    if (!types.isEmpty()) {
      out.append("\ntypes\n");
      table(out, types);
    }
    out.append("\nendpoints\n");
    if (metadata.endpoints().isEmpty()) {
      out.append("  (none)\n");
    }
    List<String[]> endpoints = new ArrayList<>();
    for (EndpointMetadata e : metadata.endpoints()) {
      endpoints.add(new String[] {e.address().toString(), e.contract().getLocalPart(), protocol(e), e.name()});
    }
    table(out, endpoints);
    return out.toString();
  }

  private static String protocol(EndpointMetadata e) {
    return switch (e.protocol()) {
      case SOAP_11 -> "SOAP 1.1";
      case SOAP_12 -> "SOAP 1.2";
      case COURIER -> "Courier " + e.address().getScheme();
    };
  }

  private String signature(OperationMetadata op) {
    String params = op.request().elements().stream().map(this::element).collect(Collectors.joining(", "));
    StringBuilder s = new StringBuilder(op.name()).append('(').append(params).append(')');
    Optional<List<SchemaElement>> reply = op.reply().map(r -> r.elements());
    if (reply.isPresent()) {
      List<SchemaElement> out = reply.get();
      s.append(" -> ").append(out.isEmpty() ? "void" : out.size() == 1 ? result(out.getFirst())
          : out.stream().map(this::element).collect(Collectors.joining(", ", "(", ")")));
    }
    return s.toString();
  }

  private String result(SchemaElement e) {
    return (e.optional() ? "optional " : "") + type(e.type());
  }

  private String element(SchemaElement e) {
    return e.name().getLocalPart() + (e.optional() ? "?" : "") + ": " + type(e.type());
  }

  /** A type's name: built-ins by their local name, lists as {@code T[]}, maps as {@code map<K, V>}. */
  private String type(QName name) {
    if (name.getNamespaceURI().equals(SchemaType.XSD_NAMESPACE)) {
      return name.getLocalPart();
    }
    Optional<SchemaType> t = metadata.type(name);
    if (t.isPresent() && t.get() instanceof ComplexType c && c.arrayItem().isPresent()) {
      SchemaElement item = c.arrayItem().get();
      if (metadata.type(item.type()).orElse(null) instanceof ComplexType kv && isMapEntry(kv)) {
        return "map<" + type(kv.elements().get(0).type()) + ", " + type(kv.elements().get(1).type()) + ">";
      }
      return type(item.type()) + "[]";
    }
    return name.getLocalPart();
  }

  private static boolean isMapEntry(ComplexType c) {
    return c.name().getLocalPart().startsWith("KeyValueOf") && c.elements().size() == 2
        && c.elements().get(0).name().getLocalPart().equals("Key")
        && c.elements().get(1).name().getLocalPart().equals("Value");
  }

  /** Rows of columns, each column as wide as its widest cell, indented by two spaces. */
  private static void table(StringBuilder out, List<String[]> rows) {
    int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    int[] width = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < r.length; i++) {
        line.append(r[i]);
        if (i < r.length - 1) {
          line.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
  }
}
