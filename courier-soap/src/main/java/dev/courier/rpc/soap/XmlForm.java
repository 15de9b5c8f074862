package dev.courier.rpc.soap;

import dev.courier.rpc.metadata.ComplexType;
import dev.courier.rpc.metadata.EnumType;
import dev.courier.rpc.metadata.SchemaElement;
import dev.courier.rpc.metadata.SchemaType;
import dev.courier.rpc.metadata.ServiceMetadata;
import dev.courier.rpc.spi.ArrayType;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;

/**
 * How one Java type is written as the content of an XML element and read back, by the contract's schema:
 * the element names come from the metadata model, so what goes on the wire is what the WSDL says.
 *
 * <p>Immutable once built; thread safe.
 */
abstract class XmlForm {
  static final String XSI = XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI;

  /** Writes {@code value} (never null) as the content of the element just started. */
  abstract void writeContent(XMLStreamWriter out, Object value) throws XMLStreamException;

  /**
   * Reads the content of the element at which {@code in} stands (a START_ELEMENT), up to and including its
   * END_ELEMENT. A nil element is handled by the caller.
   */
  abstract Object readContent(XMLStreamReader in, Limits limits) throws XMLStreamException;

  /**
   * One message's reading: how deep its elements nest, how many items its lists and maps hold so far and how long
   * one element's text is, against the limits, so that a hostile body fails fast. Not thread safe: one per message.
   */
  static final class Limits {
    private final int maxDepth;
    private final int maxItems;
    private final int maxText;
    private int depth;
    private int items;

    Limits(int maxDepth, int maxItems, int maxText) {
      this.maxDepth = maxDepth;
      this.maxItems = maxItems;
      this.maxText = maxText;
    }

    /**
     * The limits of one message of a binding: 64 levels, list items and map entries at most half its largest
     * message, its longest text.
     */
    static Limits of(int maxMessageSize, int maxTextLength) {
      return new Limits(64, maxMessageSize / 2, maxTextLength);
    }

    /** Enters an element's children. */
    void enter() {
      if (++depth > maxDepth) {
        throw new XmlReadException("elements nested deeper than " + maxDepth + " levels");
      }
    }

    void leave() {
      depth--;
    }

    /** Counts one more item of a list or map. */
    void item() {
      if (++items > maxItems) {
        throw new XmlReadException("more than " + maxItems + " list items and map entries in one message");
      }
    }

    /** Checks the length of one element's text. */
    void text(String text) {
      if (text.length() > maxText) {
        throw new XmlReadException("an element's text of " + text.length() + " characters, more than the "
            + maxText + " allowed (SoapBinding.Builder.maxTextLength)");
      }
    }
  }

  /** A body that does not follow the contract's schema: the call fails with a fault naming the place. */
  static final class XmlReadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    XmlReadException(String message) {
      super(message, null, false, false);
    }
  }

  // ---- elements: nil, optional, required --------------------------------------------------------------

  /**
   * One element of a sequence: its name, whether it may be absent ({@code Optional}) or nil, its form, and whether
   * it repeats: then its value is a {@code List} of which each item is one element of the name, with no element
   * around them (JAX-WS's form of a list), and {@code form}, {@code optional} and {@code nillable} are the items';
   * {@code array} is the array type it is, null for a {@code List}.
   */
  record Element(QName name, XmlForm form, boolean optional, boolean nillable, boolean repeated, ArrayType array) {
    Element(QName name, XmlForm form, boolean optional, boolean nillable) {
      this(name, form, optional, nillable, false, null);
    }

    void write(XMLStreamWriter out, Object value) throws XMLStreamException {
      if (repeated) {
        if (value != null) {                            // a null list is an empty one: no element tells them apart
          for (Object item : array == null ? (List<?>) value : array.items(value)) {
            writeOne(out, item);
          }
        }
        return;
      }
      writeOne(out, value);
    }

    private void writeOne(XMLStreamWriter out, Object value) throws XMLStreamException {
      Object v = value;
      if (optional) {
        Optional<?> o = (Optional<?>) value;
        if (o == null || o.isEmpty()) {
          return;                                       // absent: minOccurs="0"
        }
        v = o.get();
      }
      startElement(out, name);
      if (v == null) {
        if (!nillable) {
          throw new IllegalArgumentException("element " + name.getLocalPart() + " cannot be null (expected: a value "
              + "of a primitive type)");
        }
        out.writeAttribute("xsi", XSI, "nil", "true");
      } else {
        form.writeContent(out, v);
      }
      out.writeEndElement();
    }

    /** Reads the element at which {@code in} stands: of a repeated element, one item. */
    Object read(XMLStreamReader in, Limits limits) throws XMLStreamException {
      Object v;
      if ("true".equals(in.getAttributeValue(XSI, "nil")) || "1".equals(in.getAttributeValue(XSI, "nil"))) {
        if (!nillable && !optional) {
          throw new XmlReadException("element " + name.getLocalPart() + " is nil (expected: a value)");
        }
        skipElement(in);
        v = null;
      } else {
        v = form.readContent(in, limits);
      }
      return optional ? Optional.ofNullable(v) : v;
    }

    /** The value of a repeated element whose items were {@code items}: the list, or the array. */
    Object collected(List<Object> items) {
      if (array == null) {
        return Collections.unmodifiableList(items);
      }
      try {
        return array.array(items);
      } catch (IllegalArgumentException e) {
        throw new XmlReadException("element " + name.getLocalPart() + ": " + e.getMessage());
      }
    }

    /** The value of an element that is not there. */
    Object absent() {
      if (repeated) {
        return collected(new ArrayList<>());
      }
      if (optional) {
        return Optional.empty();
      }
      throw new XmlReadException("element " + name.getLocalPart() + " is missing (expected: one)");
    }
  }

  /**
   * Reads the children of the element at which {@code in} stands as {@code elements}, in order: an element
   * that is not there is absent (an {@code Optional}) or an error, and unknown elements after the known ones are
   * skipped (a newer writer's additions).
   */
  static Object[] readSequence(XMLStreamReader in, List<Element> elements, Limits limits) throws XMLStreamException {
    limits.enter();
    Object[] values = new Object[elements.size()];
    List<Object> items = null;                          // of the repeated element at i, once one was read
    int i = 0;
    int event = nextTag(in);
    while (event == XMLStreamConstants.START_ELEMENT) {
      QName at = in.getName();
      int found = -1;
      for (int j = i; j < elements.size(); j++) {
        if (elements.get(j).name().equals(at)) {
          found = j;
          break;
        }
      }
      if (found < 0) {
        skipElement(in);                                // not in this version of the contract
      } else {
        if (found > i && items != null) {
          values[i] = elements.get(i).collected(items);
          i++;
          items = null;
        }
        for (; i < found; i++) {
          values[i] = elements.get(i).absent();
        }
        Element e = elements.get(i);
        if (e.repeated()) {                             // the next ones of its name are its items too
          limits.item();
          if (items == null) {
            items = new ArrayList<>();
          }
          items.add(e.read(in, limits));
        } else {
          values[i] = e.read(in, limits);
          i++;
        }
      }
      event = nextTag(in);
    }
    if (items != null) {
      values[i] = elements.get(i).collected(items);
      i++;
    }
    for (; i < elements.size(); i++) {
      values[i] = elements.get(i).absent();
    }
    limits.leave();
    return values;
  }

  /**
   * Starts element {@code name}: an unqualified one, or a qualified one with the prefix its namespace has in
   * scope, else a new prefix ({@code q1}, {@code q2}... as WCF writes them) declared on it.
   */
  static void startElement(XMLStreamWriter out, QName name) throws XMLStreamException {
    String ns = name.getNamespaceURI();
    if (ns.isEmpty()) {
      out.writeStartElement(name.getLocalPart());
      return;
    }
    String prefix = out.getNamespaceContext().getPrefix(ns);
    if (prefix != null) {
      out.writeStartElement(prefix, name.getLocalPart(), ns);
      return;
    }
    int n = 1;
    while (out.getNamespaceContext().getNamespaceURI("q" + n) != null
        && !out.getNamespaceContext().getNamespaceURI("q" + n).isEmpty()) {
      n++;
    }
    prefix = "q" + n;
    out.writeStartElement(prefix, name.getLocalPart(), ns);
    out.writeNamespace(prefix, ns);
    out.setPrefix(prefix, ns);
  }

  /** The next START_ELEMENT or END_ELEMENT, skipping whitespace and comments; other text is an error. */
  static int nextTag(XMLStreamReader in) throws XMLStreamException {
    int event = in.next();
    while (event == XMLStreamConstants.CHARACTERS && in.isWhiteSpace()
        || event == XMLStreamConstants.COMMENT || event == XMLStreamConstants.SPACE
        || event == XMLStreamConstants.PROCESSING_INSTRUCTION) {
      event = in.next();
    }
    if (event != XMLStreamConstants.START_ELEMENT && event != XMLStreamConstants.END_ELEMENT) {
      throw new XmlReadException("unexpected " + (event == XMLStreamConstants.CHARACTERS ? "text \""
          + abbreviated(in.getText()) + "\"" : "content") + " (expected: an element or the end of one)");
    }
    return event;
  }

  /** Skips the element at which {@code in} stands, whatever it holds. */
  static void skipElement(XMLStreamReader in) throws XMLStreamException {
    int depth = 1;
    while (depth > 0) {
      int event = in.next();
      if (event == XMLStreamConstants.START_ELEMENT) {
        depth++;
      } else if (event == XMLStreamConstants.END_ELEMENT) {
        depth--;
      }
    }
  }

  private static String abbreviated(String s) {
    String t = s.strip();
    return t.length() > 40 ? t.substring(0, 40) + "..." : t;
  }

  // ---- building forms from Java types and the schema -------------------------------------------------

  /** Builds the forms of one contract's types against its metadata; one builder per contract. */
  static final class Builder {
    private final ServiceMetadata metadata;
    private final Map<Type, XmlForm> built = new HashMap<>();

    Builder(ServiceMetadata metadata) {
      this.metadata = metadata;
    }

    /** The element {@code e} of the schema holding a {@code type}. */
    Element element(SchemaElement e, Type type) {
      if (e.repeated()) {                               // JAX-WS's form of a list: its items, each an element
        Optional<ArrayType> array = ArrayType.of(type);
        if (array.isPresent()) {                        // a nil item of a primitive array is refused by the array
          Element item = element(e.item(), array.get().itemType());
          return new Element(e.name(), item.form(), item.optional(), true, true, array.get());
        }
        if (!(type instanceof ParameterizedType p && p.getRawType() == List.class)) {
          throw new IllegalStateException("element " + e.name() + " repeats, for " + type.getTypeName()
              + ", which is no List or array");
        }
        Element item = element(e.item(), p.getActualTypeArguments()[0]);
        return new Element(e.name(), item.form(), item.optional(), item.nillable(), true, null);
      }
      boolean optional = type instanceof ParameterizedType p && p.getRawType() == Optional.class;
      Type valueType = optional ? ((ParameterizedType) type).getActualTypeArguments()[0] : type;
      return new Element(e.name(), form(valueType, e.type()), optional, e.nillable());
    }


    XmlForm form(Type type, QName schemaType) {
      XmlForm f = built.get(type);
      if (f != null) {
        return f;
      }
      Optional<ArrayType> arrayType = ArrayType.of(type);
      if (arrayType.isPresent()) {
        Element item = arrayItem(type, schemaType, arrayType.get().itemType());
        // A nil item of a primitive array, which the schema may allow (List<Integer> shares ArrayOfint), is
        // read as null for the array to refuse naming its place.
        f = new ArrayForm(arrayType.get(), new Element(item.name(), item.form(), item.optional(), true));
      } else if (type instanceof Class<?> c) {
        if (c.isRecord()) {
          Late late = new Late();
          built.put(type, late);                      // a record that contains itself
          late.target = record(c, complex(schemaType, type));
          built.put(type, late.target);
          return late.target;
        }
        f = c.isEnum() ? enumForm(c, schemaType) : Text.of(c);
      } else if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
        f = new ListForm(arrayItem(type, schemaType, p.getActualTypeArguments()[0]));
      } else if (type instanceof ParameterizedType p && p.getRawType() == Map.class) {
        ComplexType array = complex(schemaType, type);
        SchemaElement entry = array.arrayItem().orElseThrow(() -> new IllegalStateException(schemaType + " is no map"));
        ComplexType pair = complex(entry.type(), type);
        f = new MapForm(entry.name(), element(pair.elements().get(0), p.getActualTypeArguments()[0]),
            element(pair.elements().get(1), p.getActualTypeArguments()[1]));
      } else {
        throw new IllegalArgumentException("type " + type.getTypeName() + " has no XML form");
      }
      built.put(type, f);
      return f;
    }

    /** The item element of the {@code ArrayOfX} {@code schemaType} that a {@code type} of items of {@code item} is. */
    private Element arrayItem(Type type, QName schemaType, Type item) {
      SchemaElement e = complex(schemaType, type).arrayItem()
          .orElseThrow(() -> new IllegalStateException(schemaType + " is no array, for " + type.getTypeName()));
      return element(e.item(), item);
    }

    private ComplexType complex(QName name, Type type) {
      SchemaType t = metadata.type(name).orElseThrow(() -> new IllegalStateException("no schema type " + name
          + " for " + type.getTypeName()));
      if (!(t instanceof ComplexType c)) {
        throw new IllegalStateException(name + " is not a complex type, for " + type.getTypeName());
      }
      return c;
    }

    private XmlForm record(Class<?> type, ComplexType schema) {
      RecordComponent[] components = type.getRecordComponents();
      List<Element> elements = new ArrayList<>();
      for (int i = 0; i < components.length; i++) {
        elements.add(element(schema.elements().get(i), components[i].getGenericType()));
      }
      return new RecordForm(type, components, elements);
    }

    private XmlForm enumForm(Class<?> type, QName schemaType) {
      if (!(metadata.type(schemaType).orElse(null) instanceof EnumType)) {
        throw new IllegalStateException(schemaType + " is not an enumeration, for " + type.getName());
      }
      Map<String, Object> byName = new LinkedHashMap<>();
      for (Object constant : type.getEnumConstants()) {
        byName.put(((Enum<?>) constant).name(), constant);
      }
      return new XmlForm() {
        @Override
        void writeContent(XMLStreamWriter out, Object value) throws XMLStreamException {
          out.writeCharacters(((Enum<?>) value).name());
        }

        @Override
        Object readContent(XMLStreamReader in, Limits limits) throws XMLStreamException {
          String name = in.getElementText().strip();
          Object constant = byName.get(name);
          if (constant == null) {
            throw new XmlReadException("enum " + type.getSimpleName() + " has no constant " + name + " (expected one of "
                + byName.keySet() + ")");
          }
          return constant;
        }
      };
    }
  }

  /** A form known once built: what a recursive record refers to while it is being built. */
  private static final class Late extends XmlForm {
    XmlForm target;

    @Override
    void writeContent(XMLStreamWriter out, Object value) throws XMLStreamException {
      target.writeContent(out, value);
    }

    @Override
    Object readContent(XMLStreamReader in, Limits limits) throws XMLStreamException {
      return target.readContent(in, limits);
    }
  }

  // ---- the forms ---------------------------------------------------------------------------------------

  /** Simple content: primitives, their boxes, strings, {@code char} as a number, {@code byte[]} as base64. */
  private abstract static class Text extends XmlForm {
    abstract String format(Object value);

    abstract Object parse(String text);

    @Override
    void writeContent(XMLStreamWriter out, Object value) throws XMLStreamException {
      out.writeCharacters(format(value));
    }

    @Override
    Object readContent(XMLStreamReader in, Limits limits) throws XMLStreamException {
      String text = in.getElementText();
      limits.text(text);
      try {
        return parse(text);
      } catch (IllegalArgumentException e) {
        throw new XmlReadException("\"" + abbreviated(text) + "\" is not " + what() + " (" + e.getMessage() + ")");
      }
    }

    abstract String what();

    static Text of(Class<?> c) {
      Class<?> t = c.isPrimitive() ? c : MethodType.methodType(c).unwrap().returnType();
      if (c == String.class) {
        return text("a string", v -> (String) v, s -> s);
      }
      if (c == byte[].class) {
        return text("base64 binary data", v -> Base64.getEncoder().encodeToString((byte[]) v),
            s -> Base64.getMimeDecoder().decode(s.strip()));
      }
      if (t == int.class) {
        return text("an xs:int", String::valueOf, s -> Integer.parseInt(s.strip()));
      }
      if (t == long.class) {
        return text("an xs:long", String::valueOf, s -> Long.parseLong(s.strip()));
      }
      if (t == short.class) {
        return text("an xs:short", String::valueOf, s -> Short.parseShort(s.strip()));
      }
      if (t == byte.class) {
        return text("an xs:byte", String::valueOf, s -> Byte.parseByte(s.strip()));
      }
      if (t == boolean.class) {
        return text("an xs:boolean", String::valueOf, s -> switch (s.strip()) {
          case "true", "1" -> true;
          case "false", "0" -> false;
          default -> throw new IllegalArgumentException("expected true, false, 1 or 0");
        });
      }
      if (t == double.class) {
        return text("an xs:double", v -> xsd((Double) v), s -> parseDouble(s.strip()));
      }
      if (t == float.class) {
        return text("an xs:float", v -> xsd(((Float) v).doubleValue()), s -> (float) parseDouble(s.strip()));
      }
      if (t == char.class) {
        return text("an xs:unsignedShort", v -> String.valueOf((int) (Character) v), s -> {
          int code = Integer.parseInt(s.strip());
          if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("expected 0 to 65535");
          }
          return (char) code;
        });
      }
      throw new IllegalArgumentException("type " + c.getName() + " has no XML form");
    }

    private static String xsd(double d) {
      if (Double.isNaN(d)) {
        return "NaN";
      }
      if (Double.isInfinite(d)) {
        return d > 0 ? "INF" : "-INF";
      }
      return Double.toString(d);
    }

    private static double parseDouble(String s) {
      return switch (s) {
        case "INF" -> Double.POSITIVE_INFINITY;
        case "-INF" -> Double.NEGATIVE_INFINITY;
        case "NaN" -> Double.NaN;
        default -> {
          if (s.isEmpty() || !(Character.isDigit(s.charAt(s.length() - 1)) || s.charAt(s.length() - 1) == '.')) {
            throw new IllegalArgumentException("expected a decimal or scientific number");
          }
          yield Double.parseDouble(s);
        }
      };
    }

    private static Text text(String what, java.util.function.Function<Object, String> format,
        java.util.function.Function<String, Object> parse) {
      return new Text() {
        @Override
        String format(Object value) {
          return format.apply(value);
        }

        @Override
        Object parse(String text) {
          return parse.apply(text);
        }

        @Override
        String what() {
          return what;
        }
      };
    }
  }

  /** A record: its components as a sequence of elements, in order. */
  private static final class RecordForm extends XmlForm {
    private final Class<?> type;
    private final MethodHandle[] accessors;
    private final MethodHandle constructor;
    private final List<Element> elements;

    RecordForm(Class<?> type, RecordComponent[] components, List<Element> elements) {
      this.type = type;
      this.elements = elements;
      this.accessors = new MethodHandle[components.length];
      Class<?>[] types = new Class<?>[components.length];
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        for (int i = 0; i < components.length; i++) {
          components[i].getAccessor().setAccessible(true);
          accessors[i] = lookup.unreflect(components[i].getAccessor());
          types[i] = components[i].getType();
        }
        var ctor = type.getDeclaredConstructor(types);
        ctor.setAccessible(true);
        this.constructor = lookup.unreflectConstructor(ctor).asSpreader(Object[].class, components.length);
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalArgumentException("record " + type.getName() + " cannot be read or built: " + e, e);
      }
    }

    @Override
    void writeContent(XMLStreamWriter out, Object value) throws XMLStreamException {
      for (int i = 0; i < accessors.length; i++) {
        Object component;
        try {
          component = accessors[i].invoke(value);
        } catch (Throwable t) {
          throw new IllegalStateException("reading " + type.getSimpleName() + " failed: " + t, t);
        }
        elements.get(i).write(out, component);
      }
    }

    @Override
    Object readContent(XMLStreamReader in, Limits limits) throws XMLStreamException {
      Object[] values = readSequence(in, elements, limits);
      try {
        return constructor.invoke(values);
      } catch (Throwable t) {
        throw new XmlReadException("record " + type.getSimpleName() + " refused its values: " + t.getMessage());
      }
    }
  }

  /** {@code List<T>}: WCF's {@code ArrayOfT}, one element per item. */
  private static class ListForm extends XmlForm {
    private final Element item;

    ListForm(Element item) {
      this.item = item;
    }

    @Override
    void writeContent(XMLStreamWriter out, Object value) throws XMLStreamException {
      for (Object v : (List<?>) value) {
        item.write(out, v);
      }
    }

    @Override
    Object readContent(XMLStreamReader in, Limits limits) throws XMLStreamException {
      List<Object> items = new ArrayList<>();
      limits.enter();
      while (nextTag(in) == XMLStreamConstants.START_ELEMENT) {
        if (!in.getName().equals(item.name())) {
          boolean sameLocalName = in.getName().getLocalPart().equals(item.name().getLocalPart());
          throw new XmlReadException("element " + (sameLocalName ? in.getName() : in.getName().getLocalPart())
              + " in a list (expected: " + (sameLocalName ? item.name() : item.name().getLocalPart()) + ")");
        }
        limits.item();
        items.add(item.read(in, limits));
      }
      limits.leave();
      return java.util.Collections.unmodifiableList(items);
    }
  }

  /**
   * An array (but {@code byte[]}): WCF's {@code ArrayOfT} as a {@code List<T>} is. A primitive array's items are
   * never null: a nil item is refused naming its place.
   */
  private static final class ArrayForm extends ListForm {
    private final ArrayType type;

    ArrayForm(ArrayType type, Element item) {
      super(item);
      this.type = type;
    }

    @Override
    void writeContent(XMLStreamWriter out, Object value) throws XMLStreamException {
      super.writeContent(out, type.items(value));
    }

    @Override
    Object readContent(XMLStreamReader in, Limits limits) throws XMLStreamException {
      List<?> list = (List<?>) super.readContent(in, limits);
      try {
        return type.array(list);
      } catch (IllegalArgumentException e) {
        throw new XmlReadException(e.getMessage());
      }
    }
  }

  /** {@code Map<K, V>}: WCF's {@code ArrayOfKeyValueOfKV} of {@code Key}/{@code Value} entries. */
  private static final class MapForm extends XmlForm {
    private final QName entry;
    private final List<Element> pair;

    MapForm(QName entry, Element key, Element value) {
      this.entry = entry;
      this.pair = List.of(key, value);
    }

    @Override
    void writeContent(XMLStreamWriter out, Object value) throws XMLStreamException {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        startElement(out, entry);
        pair.get(0).write(out, e.getKey());
        pair.get(1).write(out, e.getValue());
        out.writeEndElement();
      }
    }

    @Override
    Object readContent(XMLStreamReader in, Limits limits) throws XMLStreamException {
      Map<Object, Object> map = new LinkedHashMap<>();
      limits.enter();
      while (nextTag(in) == XMLStreamConstants.START_ELEMENT) {
        if (!in.getName().equals(entry)) {
          throw new XmlReadException("element " + in.getName().getLocalPart() + " in a map (expected: "
              + entry.getLocalPart() + ")");
        }
        limits.item();
        Object[] kv = readSequence(in, pair, limits);
        if (map.putIfAbsent(kv[0], kv[1]) != null || kv[0] == null) {
          throw new XmlReadException("map key " + kv[0] + (kv[0] == null ? " (expected: a key)" : " twice"));
        }
      }
      limits.leave();
      return java.util.Collections.unmodifiableMap(map);
    }
  }
}
