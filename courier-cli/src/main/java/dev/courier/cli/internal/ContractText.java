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
      if (!c.documentation().isBlank()) {
        out.append("  ").append(oneLine(c.documentation())).append("\n\n");
      }
      List<Row> rows = new ArrayList<>();
      for (OperationMetadata op : c.operations()) {
        List<String> notes = new ArrayList<>();
        if (!op.faults().isEmpty()) {
          notes.add("faults: " + op.faults().stream().map(f -> type(f.detailType())).collect(Collectors.joining(", ")));
        }
        if (!op.documentation().isBlank()) {
          notes.add(oneLine(op.documentation()));
        }
        rows.add(new Row(List.of(pattern(op.pattern()), signature(op)), notes));
      }
      table(out, rows);
    }
    List<Row> types = new ArrayList<>();
    for (SchemaType t : metadata.types()) {
      switch (t) {
        case EnumType e -> types.add(new Row(List.of(e.name().getLocalPart(), "enum { " + String.join(", ", e.values())
            + " }"), documentation(e.documentation())));
        case ComplexType c -> {
          if (c.arrayItem().isEmpty() && !isMapEntry(c)) {
            types.add(new Row(List.of(c.name().getLocalPart(), c.elements().stream().map(this::element)
                .collect(Collectors.joining(", ", "{ ", " }"))), documentation(c.documentation())));
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
    List<Row> endpoints = new ArrayList<>();
    for (EndpointMetadata e : metadata.endpoints()) {
      endpoints.add(new Row(List.of(e.address().toString(), e.contract().getLocalPart(), protocol(e), e.name()),
          List.of()));
    }
    table(out, endpoints);
    return out.toString();
  }

  /** One line of a table, and the notes written under its second column. */
  private record Row(List<String> cells, List<String> notes) {}

  private static List<String> documentation(String text) {
    return text.isBlank() ? List.of() : List.of(oneLine(text));
  }

  private static String oneLine(String text) {
    return text.strip().replaceAll("\\s+", " ");
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
    return e.repeated() ? type(e.type()) + "[]" : (e.optional() ? "optional " : "") + type(e.type());
  }

  private String element(SchemaElement e) {
    return e.repeated() ? e.name().getLocalPart() + ": " + type(e.type()) + "[]"      // JAX-WS's list: its items
        : e.name().getLocalPart() + (e.optional() ? "?" : "") + ": " + type(e.type());
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

  /**
   * Rows of columns, each column as wide as its widest cell, indented by two spaces; a row's notes follow it,
   * each on a line of its own, indented two spaces past the start of the second column.
   */
  private static void table(StringBuilder out, List<Row> rows) {
    int columns = rows.stream().mapToInt(r -> r.cells().size()).max().orElse(0);
    int[] width = new int[columns];
    for (Row r : rows) {
      for (int i = 0; i < r.cells().size(); i++) {
        width[i] = Math.max(width[i], r.cells().get(i).length());
      }
    }
    for (Row r : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < r.cells().size(); i++) {
        String cell = r.cells().get(i);
        line.append(cell);
        if (i < r.cells().size() - 1) {
          line.append(" ".repeat(width[i] - cell.length() + 2));
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
      for (String note : r.notes()) {
        out.append(" ".repeat(2 + width[0] + 2 + 2)).append(note).append('\n');
      }
    }
  }
}
