package dev.courier.rpc.metadata;

import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.DataContract;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.spi.ArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.namespace.QName;

/**
 * Maps contract descriptions and their Java data types to metadata, collecting the schema types on the way.
 * One mapper per document: it names every type once and refuses two types that would share a name.
 */
final class ContractMapper {
  private static final Map<Class<?>, QName> BUILT_IN = Map.ofEntries(
      Map.entry(boolean.class, SchemaType.XS_BOOLEAN), Map.entry(Boolean.class, SchemaType.XS_BOOLEAN),
      Map.entry(byte.class, SchemaType.XS_BYTE), Map.entry(Byte.class, SchemaType.XS_BYTE),
      Map.entry(short.class, SchemaType.XS_SHORT), Map.entry(Short.class, SchemaType.XS_SHORT),
      Map.entry(int.class, SchemaType.XS_INT), Map.entry(Integer.class, SchemaType.XS_INT),
      Map.entry(long.class, SchemaType.XS_LONG), Map.entry(Long.class, SchemaType.XS_LONG),
      Map.entry(float.class, SchemaType.XS_FLOAT), Map.entry(Float.class, SchemaType.XS_FLOAT),
      Map.entry(double.class, SchemaType.XS_DOUBLE), Map.entry(Double.class, SchemaType.XS_DOUBLE),
      Map.entry(char.class, SchemaType.XS_UNSIGNED_SHORT), Map.entry(Character.class, SchemaType.XS_UNSIGNED_SHORT),
      Map.entry(String.class, SchemaType.XS_STRING), Map.entry(byte[].class, SchemaType.XS_BASE64_BINARY));

  private final String namespace;
  private final Map<QName, SchemaType> types = new LinkedHashMap<>();
  private final Map<QName, Type> owners = new HashMap<>();
  private boolean qualified = true;                 // of the contract being mapped
  private boolean wrappedLists = true;              // of the contract being mapped

  ContractMapper(String namespace) {
    this.namespace = namespace;
  }

  /** The named types met so far, in the order they were first met. */
  List<SchemaType> types() {
    return List.copyOf(types.values());
  }

  ContractMetadata contract(ContractDescription contract) {
    qualified = contract.qualifiedElements();
    wrappedLists = contract.wrappedLists();
    List<OperationMetadata> operations = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    for (OperationDescription op : contract.operations()) {
      names.put(op.name(), contract.name());
      operations.add(operation(op, false));
    }
    Optional<ContractDescription> callbacks = contract.callbackContract();
    if (callbacks.isPresent()) {
      for (OperationDescription op : callbacks.get().operations()) {
        String clash = names.put(op.name(), callbacks.get().name());
        if (clash != null) {
          throw new IllegalArgumentException("callback operation " + callbacks.get().name() + "." + op.name()
              + " has the name of operation " + clash + "." + op.name() + " (expected: distinct names, since a "
              + "duplex contract's callbacks are operations of the same port type)");
        }
        operations.add(operation(op, true));
      }
    }
    return new ContractMetadata(new QName(namespace, contract.name()), operations);
  }

  private OperationMetadata operation(OperationDescription op, boolean callback) {
    List<SchemaElement> parameters = new ArrayList<>();
    for (int i = 0; i < op.requestPartTypes().size(); i++) {
      parameters.add(element(op.requestPartNames().get(i), op.requestPartTypes().get(i)));
    }
    MessageMetadata request = new MessageMetadata(op.action(), new QName(namespace, op.name()), parameters);
    OperationMetadata.Pattern pattern = callback
        ? (op.isOneWay() ? OperationMetadata.Pattern.CALLBACK_ONE_WAY : OperationMetadata.Pattern.CALLBACK_REQUEST_REPLY)
        : (op.isOneWay() ? OperationMetadata.Pattern.ONE_WAY : OperationMetadata.Pattern.REQUEST_REPLY);
    Optional<MessageMetadata> reply = Optional.empty();
    if (pattern.hasReply()) {
      reply = Optional.of(new MessageMetadata(op.action() + "Response", new QName(namespace, op.name() + "Response"),
          replyElements(op)));
    }
    List<FaultMetadata> faults = new ArrayList<>();
    for (Class<? extends Record> fault : op.faults()) {
      QName type = typeName(fault);
      faults.add(new FaultMetadata(fault.getSimpleName() + "Fault", op.action() + fault.getSimpleName() + "Fault",
          new QName(type.getNamespaceURI(), type.getLocalPart()), type));
    }
    return new OperationMetadata(op.name(), pattern, request, reply, faults);
  }

  private List<SchemaElement> replyElements(OperationDescription op) {
    List<SchemaElement> elements = new ArrayList<>();
    for (int i = 0; i < op.replyPartTypes().size(); i++) {
      elements.add(element(op.replyPartNames().get(i), op.replyPartTypes().get(i)));
    }
    return elements;
  }

  /** The element called {@code name} holding a {@code type}: an {@code Optional} may be absent, a reference be nil. */
  private SchemaElement element(String name, Type type) {
    return element(namespace, name, type);
  }

  /** The element called {@code name} of the schema of {@code ns} holding a {@code type}. */
  private SchemaElement element(String ns, String name, Type type) {
    QName qname = new QName(qualified ? ns : "", name);
    if (!wrappedLists && type instanceof ParameterizedType p && p.getRawType() == java.util.List.class) {
      Type item = p.getActualTypeArguments()[0];
      if (item instanceof ParameterizedType o && o.getRawType() == Optional.class) {
        item = o.getActualTypeArguments()[0];
      }
      return new SchemaElement(qname, typeName(item), 0, true, nillable(item));   // JAX-WS's form of a List
    }
    Optional<ArrayType> array = wrappedLists ? Optional.empty() : ArrayType.of(type);
    if (array.isPresent()) {                                                    // and of an array
      return new SchemaElement(qname, typeName(array.get().itemType()), 0, true, array.get().itemsMayBeNull());
    }
    if (type instanceof ParameterizedType p && p.getRawType() == Optional.class) {
      // an Optional list keeps WCF's wrapper even with wrappedLists false: only a wrapper tells absent from empty
      return new SchemaElement(qname, typeName(p.getActualTypeArguments()[0]), 0, false, false);
    }
    return new SchemaElement(qname, typeName(type), 1, false, nillable(type));
  }

  private static boolean nillable(Type type) {
    return !(type instanceof Class<?> c && c.isPrimitive());
  }

  /** The schema name of {@code type}, defining it (and what it uses) the first time it is met. */
  private QName typeName(Type type) {
    Optional<ArrayType> array = ArrayType.of(type);
    if (array.isPresent()) {
      return arrayOf(array.get().itemType());           // an array is described as the List of its items
    }
    if (type instanceof Class<?> c) {
      QName builtIn = BUILT_IN.get(c);
      if (builtIn != null) {
        return builtIn;
      }
      if (c.isEnum()) {
        QName name = claim(c);
        if (!types.containsKey(name)) {
          types.put(name, new EnumType(name, Arrays.stream(c.getEnumConstants()).map(e -> ((Enum<?>) e).name()).toList()));
        }
        return name;
      }
      if (c.isRecord()) {
        QName name = claim(c);
        if (!types.containsKey(name)) {
          types.put(name, new ComplexType(name, List.of())); // holds its place, and ends a recursion
          List<SchemaElement> elements = new ArrayList<>();
          for (RecordComponent rc : c.getRecordComponents()) {
            elements.add(element(name.getNamespaceURI(), rc.getName(), rc.getGenericType()));
          }
          types.put(name, new ComplexType(name, elements));
        }
        return name;
      }
    } else if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] args = p.getActualTypeArguments();
      if (raw == java.util.List.class) {
        return arrayOf(args[0] instanceof ParameterizedType o && o.getRawType() == Optional.class
            ? o.getActualTypeArguments()[0] : args[0]);
      }
      if (raw == Map.class) {
        QName key = typeName(args[0]);
        QName value = typeName(args[1]);
        String entry = "KeyValueOf" + key.getLocalPart() + value.getLocalPart();
        String ns = collectionNamespace(value.getNamespaceURI().equals(SchemaType.XSD_NAMESPACE) ? key : value);
        QName entryName = new QName(ns, entry);
        types.putIfAbsent(entryName, new ComplexType(entryName, List.of(
            new SchemaElement(new QName(ns, "Key"), key, 1, false, false),
            new SchemaElement(new QName(ns, "Value"), value, 1, false, nillable(args[1])))));
        QName name = new QName(ns, "ArrayOf" + entry);
        types.putIfAbsent(name, new ComplexType(name, List.of(
            new SchemaElement(new QName(ns, entry), entryName, 0, true, false))));
        return name;
      }
      if (raw == Optional.class) {
        return typeName(args[0]);
      }
    }
    throw new IllegalArgumentException("type " + type.getTypeName() + " has no XML Schema form (expected: a data "
        + "contract: a record, enum, primitive or its box, String, byte[], List, Map, Optional or array of those)");
  }

  /**
   * WCF's {@code ArrayOfX} of items of {@code item}: the type of a {@code List} and of an array alike. The same name
   * is the same type, so {@code int[]} and {@code List<Integer>} share {@code ArrayOfint}, whose items are nillable
   * when either may hold null.
   */
  private QName arrayOf(Type item) {
    QName itemType = typeName(item);
    String ns = collectionNamespace(itemType);
    QName name = new QName(ns, "ArrayOf" + itemType.getLocalPart());
    ComplexType array = new ComplexType(name, List.of(
        new SchemaElement(new QName(ns, itemType.getLocalPart()), itemType, 0, true, nillable(item))));
    SchemaType known = types.putIfAbsent(name, array);
    if (known instanceof ComplexType k && nillable(item) && k.arrayItem().filter(e -> !e.nillable()).isPresent()) {
      types.put(name, array);
    }
    return name;
  }

  /** WCF's namespace for collections of built-in types ({@code ArrayOfstring}, {@code ArrayOfKeyValueOfstringint}). */
  static final String WCF_ARRAYS = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";

  /**
   * The namespace of a list or map of {@code item}, as WCF names it: WCF's Arrays namespace for built-in types (and
   * collections of them), else the namespace of the item's data contract.
   */
  private static String collectionNamespace(QName item) {
    String ns = item.getNamespaceURI();
    return ns.equals(SchemaType.XSD_NAMESPACE) ? WCF_ARRAYS : ns;
  }

  /**
   * The schema name of the record or enum {@code owner}: its {@link DataContract}'s name and namespace, else its
   * simple name in the contract's namespace. Throws when another type holds that name.
   */
  private QName claim(Class<?> owner) {
    DataContract dc = owner.getAnnotation(DataContract.class);
    String localName = dc == null || dc.name().isEmpty() ? owner.getSimpleName() : dc.name();
    String ns = dc == null || dc.namespace().isEmpty() ? namespace : dc.namespace();
    if (!isNcName(localName)) {
      throw new IllegalArgumentException("@DataContract(name = \"" + localName + "\") on " + owner.getName()
          + " (expected: an XML name: a letter or _ first, then letters, digits, '.', '-' or '_')");
    }
    QName name = new QName(ns, localName);
    Type previous = owners.putIfAbsent(name, owner);
    if (previous != null && !previous.equals(owner)) {
      throw new IllegalArgumentException("types " + previous.getTypeName() + " and " + owner.getTypeName()
          + " would both be named " + localName + " in the schema of " + ns
          + " (expected: distinct names for the records and enums of one document: rename one, or give it "
          + "@DataContract(name = ...) or a namespace of its own)");
    }
    return name;
  }

  private static boolean isNcName(String s) {
    if (s.isEmpty() || !(Character.isLetter(s.charAt(0)) || s.charAt(0) == '_')) {
      return false;
    }
    return s.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '.' || ch == '-' || ch == '_');
  }
}
