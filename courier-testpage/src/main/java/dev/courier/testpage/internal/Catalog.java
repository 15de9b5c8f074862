package dev.courier.testpage.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.courier.rpc.ServiceEndpoint;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.metadata.ComplexType;
import dev.courier.rpc.metadata.ContractMetadata;
import dev.courier.rpc.metadata.EnumType;
import dev.courier.rpc.metadata.FaultMetadata;
import dev.courier.rpc.metadata.OperationMetadata;
import dev.courier.rpc.metadata.SchemaElement;
import dev.courier.rpc.metadata.SchemaType;
import dev.courier.rpc.metadata.ServiceMetadata;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.namespace.QName;

/**
 * What the page lists: each endpoint of a host with its contract's operations, their parameters and results as
 * type trees read from the contract's schema (the metadata the host publishes), as JSON.
 *
 * <pre>{@code
 * {"service": "ShopService",
 *  "endpoints": [{"index": 0, "contract": "Shop", "address": "http://127.0.0.1:8080/shop", "wire": "text",
 *    "operations": [{"name": "place", "pattern": "REQUEST_REPLY",
 *      "parameters": [{"name": "order", "optional": false, "nullable": true,
 *                      "type": {"kind": "record", "ref": "{ns}Order", "name": "Order"}}],
 *      "result": {...}, "faults": ["OutOfStock"]}]}],
 *  "types": {"{ns}Order": {"name": "Order", "fields": [...]}}}
 * }</pre>
 *
 * <p>Kinds: {@code boolean}, {@code integer} (with {@code xsd}: byte, short, int, long, unsignedShort for a
 * {@code char}), {@code number} (float, double), {@code string}, {@code bytes} (base64), {@code enum} (with its
 * {@code values}), {@code record} (a {@code ref} into {@code types}, so that recursive records end), {@code list}
 * (an {@code item} slot) and {@code map} ({@code key} and {@code value} slots).
 */
public final class Catalog {
  private static final String KEY_VALUE_PREFIX = "KeyValueOf";

  private final ObjectNode json;

  private Catalog(ObjectNode json) {
    this.json = json;
  }

  /** The catalog of {@code host}'s endpoints, at their bound addresses. */
  public static Catalog of(ServiceHost host, ObjectMapper mapper) {
    ObjectNode root = mapper.createObjectNode();
    ObjectNode types = mapper.createObjectNode();
    ArrayNode endpoints = root.putArray("endpoints");
    List<ServiceEndpoint> served = host.endpoints();
    String service = null;
    for (int i = 0; i < served.size(); i++) {
      ServiceEndpoint e = served.get(i);
      ServiceMetadata metadata = host.metadata(e.contract().type());
      service = metadata.name();
      ContractMetadata contract = metadata.contracts().stream()
          .filter(c -> c.name().getLocalPart().equals(e.contract().name())).findFirst()
          .orElse(metadata.contracts().getFirst());
      ObjectNode endpoint = endpoints.addObject();
      endpoint.put("index", i);
      endpoint.put("contract", e.contract().name());
      endpoint.put("namespace", e.contract().namespace());
      endpoint.put("javaType", e.contract().type().getName());
      endpoint.put("address", e.address().toString());
      endpoint.put("wire", WireTap.showsText(e.address()) ? "text" : "hex");
      endpoint.put("duplex", e.contract().isDuplex());
      ArrayNode operations = endpoint.putArray("operations");
      TypeTrees trees = new TypeTrees(metadata, types, e.contract().wrappedLists());
      for (OperationMetadata op : contract.operations()) {
        if (op.pattern().isCallback()) {
          continue;        // the service calls these; the page has no callback object to take them
        }
        ObjectNode o = operations.addObject();
        o.put("name", op.name());
        o.put("pattern", op.pattern().name());
        ArrayNode parameters = o.putArray("parameters");
        op.request().elements().forEach(p -> parameters.add(trees.slot(p)));
        Optional<SchemaElement> result = op.reply().flatMap(r -> r.elements().stream().findFirst());
        if (result.isPresent()) {
          o.set("result", trees.slot(result.get()));
        } else {
          o.putNull("result");
        }
        ArrayNode faults = o.putArray("faults");
        op.faults().stream().map(FaultMetadata::name).forEach(faults::add);
      }
    }
    root.put("service", service);
    root.set("types", types);
    return new Catalog(root);
  }

  /** The catalog as JSON. */
  public JsonNode json() {
    return json;
  }

  /** Turns schema elements into slots and type trees, filling the shared table of records. */
  private record TypeTrees(ServiceMetadata metadata, ObjectNode types, boolean wrappedLists) {
    private static final Map<String, String> BUILT_IN = Map.ofEntries(
        Map.entry("boolean", "boolean"), Map.entry("byte", "integer"), Map.entry("short", "integer"),
        Map.entry("int", "integer"), Map.entry("long", "integer"), Map.entry("unsignedShort", "integer"),
        Map.entry("float", "number"), Map.entry("double", "number"), Map.entry("string", "string"),
        Map.entry("base64Binary", "bytes"));

    ObjectNode slot(SchemaElement element) {
      if (element.repeated()) {                     // a list as its items alone (ServiceContract.wrappedLists false)
        ObjectNode slot = types.objectNode();
        slot.put("name", element.name().getLocalPart());
        slot.put("optional", false);
        slot.put("nullable", false);
        ObjectNode list = slot.putObject("type");
        list.put("kind", "list");
        list.set("item", slot(element.item()));
        return slot;
      }
      ObjectNode slot = types.objectNode();
      slot.put("name", element.name().getLocalPart());
      slot.put("optional", element.optional());
      slot.put("nullable", element.nillable());
      slot.set("type", type(element.type()));
      return slot;
    }

    private ObjectNode type(QName name) {
      ObjectNode t = types.objectNode();
      if (SchemaType.XSD_NAMESPACE.equals(name.getNamespaceURI())) {
        String kind = BUILT_IN.get(name.getLocalPart());
        t.put("kind", kind != null ? kind : "string");
        t.put("xsd", name.getLocalPart());
        return t;
      }
      SchemaType schemaType = metadata.type(name).orElseThrow(() -> new IllegalStateException(
          "type " + name + " is not in the metadata (expected: every type the contract uses)"));
      switch (schemaType) {
        case EnumType e -> {
          t.put("kind", "enum");
          t.put("name", e.name().getLocalPart());
          ArrayNode values = t.putArray("values");
          e.values().forEach(values::add);
        }
        case ComplexType c when (wrappedLists ? c.arrayItem() : c.wcfArrayItem()).isPresent() -> {
          SchemaElement item = c.arrayItem().get();
          Optional<ComplexType> entry = metadata.type(item.type()).filter(ComplexType.class::isInstance)
              .map(ComplexType.class::cast).filter(Catalog::isMapEntry);
          if (entry.isPresent()) {
            t.put("kind", "map");
            t.set("key", slot(entry.get().elements().get(0)));
            t.set("value", slot(entry.get().elements().get(1)));
          } else {
            t.put("kind", "list");
            ObjectNode itemSlot = slot(item.item());
            itemSlot.put("optional", false);        // minOccurs 0 of the repeated element: the list may be empty
            t.set("item", itemSlot);
          }
        }
        case ComplexType c -> {
          String ref = c.name().toString();
          t.put("kind", "record");
          t.put("ref", ref);
          t.put("name", c.name().getLocalPart());
          if (!types.has(ref)) {
            ObjectNode record = types.putObject(ref);       // before the fields: a recursive record ends here
            record.put("name", c.name().getLocalPart());
            ArrayNode fields = record.putArray("fields");
            c.elements().forEach(f -> fields.add(slot(f)));
          }
        }
      }
      return t;
    }
  }

  private static boolean isMapEntry(ComplexType type) {
    List<SchemaElement> elements = type.elements();
    return type.name().getLocalPart().startsWith(KEY_VALUE_PREFIX) && elements.size() == 2
        && elements.get(0).name().getLocalPart().equals("Key") && elements.get(1).name().getLocalPart().equals("Value");
  }
}
