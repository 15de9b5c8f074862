package dev.courier.codegen.internal;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.courier.rpc.DataContract;
import dev.courier.rpc.MessageContract;
import dev.courier.rpc.metadata.ComplexType;
import dev.courier.rpc.metadata.EnumType;
import dev.courier.rpc.metadata.SchemaElement;
import dev.courier.rpc.metadata.SchemaType;
import dev.courier.rpc.metadata.ServiceMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Modifier;
import javax.xml.namespace.QName;

/**
 * The Java form of a document's schema types, as Courier's contract mapper would have written them: a record
 * per sequence, an enum per enumeration, {@code List} (or an array) for WCF's {@code ArrayOfX}, {@code Map} for its
 * {@code ArrayOfKeyValueOfKV}, {@code Optional} for an element that may be absent, a box for a nillable
 * primitive. Records and enums are made the first time an operation uses them, in that order.
 *
 * <p>Not thread safe: one per generation.
 */
public final class DataTypes {
  private static final Map<QName, TypeName> BUILT_IN = Map.of(
      SchemaType.XS_BOOLEAN, TypeName.BOOLEAN,
      SchemaType.XS_BYTE, TypeName.BYTE,
      SchemaType.XS_SHORT, TypeName.SHORT,
      SchemaType.XS_INT, TypeName.INT,
      SchemaType.XS_LONG, TypeName.LONG,
      SchemaType.XS_FLOAT, TypeName.FLOAT,
      SchemaType.XS_DOUBLE, TypeName.DOUBLE,
      SchemaType.XS_UNSIGNED_SHORT, TypeName.CHAR,
      SchemaType.XS_STRING, ClassName.get(String.class),
      SchemaType.XS_BASE64_BINARY, ArrayTypeName.of(TypeName.BYTE));

  /** The namespace of the names of message records, apart from every schema type's. */
  private static final String MESSAGES = "urn:courier:codegen:message";
  /** The prefix of the namespaces of names the generator makes: they go in the contract's package. */
  public static final String GENERATED = "urn:courier:codegen:";

  /** A type the generator made, and the package it goes in. */
  public record Generated(String packageName, TypeSpec type) {
    /** Its qualified name. */
    public String qualifiedName() {
      return packageName + "." + type.name();
    }
  }

  private final ServiceMetadata metadata;
  private final Function<String, String> packages;
  private final String contractNamespace;
  private final boolean wrappedLists;
  private final boolean arrays;
  private final Map<QName, TypeName> named = new LinkedHashMap<>();
  private final Map<String, QName> classNames = new LinkedHashMap<>();
  private final List<Generated> generated = new ArrayList<>();

  /**
   * The data types of {@code metadata}, each in the package {@code packages} gives its schema's namespace; the
   * contract's own namespace needs no annotation, and the types the generator makes for an operation go in its
   * package. {@code ArrayOfX} is an array with {@code arrays}, else a {@code List}.
   */
  public DataTypes(ServiceMetadata metadata, Function<String, String> packages, String contractNamespace) {
    this(metadata, packages, contractNamespace, true, false);
  }

  /**
   * The same, for a contract whose lists are wrapped in an element of their own, as WCF's are, or are their items
   * alone, repeated elements of the list's name, as JAX-WS's are ({@link #wrappedLists(ServiceMetadata, List)}),
   * and that are arrays with {@code arrays}, else {@code List}s.
   */
  public DataTypes(ServiceMetadata metadata, Function<String, String> packages, String contractNamespace,
      boolean wrappedLists, boolean arrays) {
    this.metadata = metadata;
    this.packages = packages;
    this.contractNamespace = contractNamespace;
    this.wrappedLists = wrappedLists;
    this.arrays = arrays;
  }

  /** Whether the lists of this contract's messages travel wrapped, as WCF's do, or as repeated elements. */
  public boolean wrappedLists() {
    return wrappedLists;
  }

  /**
   * Whether the messages of {@code elements} (a contract's parts) and the types they reach send lists as WCF does:
   * no element repeats but as the only element of its type named after its own type ({@code ArrayOfstring}'s
   * {@code string}). A repeated element among others, or under a name of its own, is JAX-WS's form.
   */
  public static boolean wrappedLists(ServiceMetadata metadata, List<SchemaElement> elements) {
    java.util.Set<QName> seen = new java.util.HashSet<>();
    java.util.ArrayDeque<SchemaElement> todo = new java.util.ArrayDeque<>(elements);
    while (!todo.isEmpty()) {
      SchemaElement e = todo.pop();
      if (e.repeated()) {
        return false;
      }
      if (seen.add(e.type()) && metadata.type(e.type()).orElse(null) instanceof ComplexType c) {
        Optional<SchemaElement> item = c.arrayItem();
        if (item.isPresent() && c.wcfArrayItem().isEmpty()) {
          return false;
        }
        if (item.isPresent()) {
          todo.push(item.get().item());
        } else {
          todo.addAll(c.elements());
        }
      }
    }
    return true;
  }

  /** The records, enums and classes made so far, in the order they were first used. */
  public List<Generated> generated() {
    return List.copyOf(generated);
  }

  /** The Java type of a parameter, result or component that {@code element} describes. */
  public TypeName of(SchemaElement element, String where) {
    if (element.repeated()) {
      if (wrappedLists) {
        throw new IllegalArgumentException(where + " (element " + element.name().getLocalPart() + ") repeats "
            + "(maxOccurs=\"unbounded\") in a contract whose other lists are WCF's ArrayOf types (expected: one "
            + "form of list in a contract)");
      }
      return collection(of(element.type(), where + " (element " + element.name().getLocalPart() + ")"),
          element.nillable());                                       // JAX-WS's form: the items alone
    }
    TypeName type = of(element.type(), where + " (element " + element.name().getLocalPart() + ")");
    if (element.optional()) {
      return ParameterizedTypeName.get(ClassName.get(Optional.class), type.box());
    }
    return element.nillable() ? type.box() : type;
  }

  /** A list or an array of {@code item}s: an array of the primitive itself where the items cannot be nil. */
  private TypeName collection(TypeName item, boolean nillable) {
    return arrays ? ArrayTypeName.of(nillable ? item.box() : item)
        : ParameterizedTypeName.get(ClassName.get(List.class), item.box());
  }

  /** The Java type of the schema type {@code name}. */
  public TypeName of(QName name, String where) {
    TypeName builtIn = BUILT_IN.get(name);
    if (builtIn != null) {
      return builtIn;
    }
    TypeName known = named.get(name);
    if (known != null) {
      return known;
    }
    SchemaType type = metadata.type(name).orElseThrow(() -> new IllegalArgumentException(where + " has type " + name
        + ", which the document neither defines nor Courier knows (expected: a type of its schema, or one of "
        + "xs:boolean, byte, short, int, long, float, double, unsignedShort, string, base64Binary)"));
    return switch (type) {
      case EnumType e -> enumType(e);
      case ComplexType c -> complexType(c, where);
    };
  }

  private TypeName complexType(ComplexType c, String where) {
    Optional<SchemaElement> item = c.arrayItem();
    if (item.isPresent()) {
      SchemaElement entry = item.get();
      if (c.name().getLocalPart().startsWith("ArrayOfKeyValueOf")
          && metadata.type(entry.type()).orElse(null) instanceof ComplexType kv && kv.elements().size() == 2
          && kv.elements().get(0).name().getLocalPart().equals("Key")
          && kv.elements().get(1).name().getLocalPart().equals("Value")) {
        TypeName map = ParameterizedTypeName.get(ClassName.get(Map.class),
            of(kv.elements().get(0).type(), where).box(), of(kv.elements().get(1).type(), where).box());
        named.put(c.name(), map);
        return map;
      }
      if (c.wcfArrayItem().isPresent()) {                   // WCF's ArrayOfX; in a contract of unwrapped lists, a nested list
        TypeName collection = collection(of(entry.type(), where), entry.nillable());
        named.put(c.name(), collection);
        return collection;
      }
    }
    ClassName name = className(c.name());
    named.put(c.name(), name);                // before its components: a record may hold itself
    List<ParameterSpec> components = new ArrayList<>();
    for (SchemaElement e : c.elements()) {
      components.add(ParameterSpec.builder(of(e, "type " + c.name().getLocalPart()),
          javaName(e.name().getLocalPart(), "component of " + c.name().getLocalPart())).build());
    }
    add(TypeSpec.recordBuilder(name)
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc("The data contract {@code $L} of {@code $L}.\n$L", c.name().getLocalPart(), c.name().getNamespaceURI(),
            paragraph(c.documentation()))
        .addAnnotations(dataContract(c.name(), name))
        .recordConstructor(MethodSpec.constructorBuilder().addParameters(components).build())
        .build(), name.packageName());
    return name;
  }

  /**
   * A {@code @MessageContract} record named {@code name} whose components are {@code parts}, the elements of one
   * message of an operation.
   */
  public ClassName messageRecord(String name, List<SchemaElement> parts, String javadoc, String where) {
    ClassName className = className(new QName(MESSAGES, name));
    List<ParameterSpec> components = new ArrayList<>();
    for (SchemaElement e : parts) {
      components.add(ParameterSpec.builder(of(e, where), javaName(e.name().getLocalPart(), "a part of " + where)).build());
    }
    add(TypeSpec.recordBuilder(className)
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc(javadoc)
        .addAnnotation(MessageContract.class)
        .recordConstructor(MethodSpec.constructorBuilder().addParameters(components).build())
        .build(), className.packageName());
    return className;
  }

  /** Adds a class the generator made, of package {@code packageName}, to the generated types. */
  public void add(TypeSpec type, String packageName) {
    generated.add(new Generated(packageName, type));
  }

  private TypeName enumType(EnumType e) {
    ClassName name = className(e.name());
    named.put(e.name(), name);
    TypeSpec.Builder spec = TypeSpec.enumBuilder(name)
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc("The enumeration {@code $L} of {@code $L}.\n$L", e.name().getLocalPart(), e.name().getNamespaceURI(),
            paragraph(e.documentation()))
        .addAnnotations(dataContract(e.name(), name));
    for (String value : e.values()) {
      spec.addEnumConstant(javaName(value, "value of enumeration " + e.name().getLocalPart()));
    }
    add(spec.build(), name.packageName());
    return name;
  }

  private List<AnnotationSpec> dataContract(QName schemaName, ClassName javaName) {
    AnnotationSpec.Builder a = AnnotationSpec.builder(DataContract.class);
    boolean needed = false;
    if (!schemaName.getLocalPart().equals(javaName.simpleName())) {
      a.addMember("name", "$S", schemaName.getLocalPart());
      needed = true;
    }
    if (!schemaName.getNamespaceURI().equals(contractNamespace)) {
      a.addMember("namespace", "$S", schemaName.getNamespaceURI());
      needed = true;
    }
    return needed ? List.of(a.build()) : List.of();
  }

  /**
   * The class for the schema type {@code name}: its local name made a Java type name, distinct from the others
   * of its package, in the package of its namespace (the contract's for the names the generator makes, whose
   * namespaces start with {@code urn:courier:codegen:}).
   */
  public ClassName className(QName name) {
    String ns = name.getNamespaceURI().startsWith(GENERATED) ? contractNamespace : name.getNamespaceURI();
    String packageName = packages.apply(ns);
    String base = typeName(name.getLocalPart());
    String simple = base;
    for (int n = 2; classNames.containsKey(packageName + "." + simple)
        && !classNames.get(packageName + "." + simple).equals(name); n++) {
      simple = base + n;                      // the same local name in two namespaces of one package
    }
    classNames.put(packageName + "." + simple, name);
    return ClassName.get(packageName, simple);
  }

  /**
   * {@code documentation} from the metadata as a Javadoc paragraph (empty for none): HTML's special characters
   * and a comment's end escaped, so that any text stays text.
   */
  public static String paragraph(String documentation) {
    if (documentation.isEmpty()) {
      return "";
    }
    String text = documentation.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("*/", "*&#47;").replace("@", "&#64;");
    return "\n<p>" + text + "\n";
  }

  /** {@code name} as a Java type name: its first letter capitalized, each character no identifier takes an underscore. */
  public static String typeName(String name) {
    String id = identifier(name);
    id = Character.toUpperCase(id.charAt(0)) + id.substring(1);
    return SourceVersion.isKeyword(id) ? id + "_" : id;
  }

  /**
   * {@code name} as the name of a parameter, component or enum constant: Courier reads element names from
   * them, so it must be the name itself.
   *
   * @throws IllegalArgumentException when {@code name} is no Java identifier
   */
  public static String javaName(String name, String what) {
    if (!SourceVersion.isName(name) || name.contains(".")) {
      throw new IllegalArgumentException(what + " is named '" + name + "', which is no Java identifier (expected: "
          + "letters, digits and _ not starting with a digit, and no keyword: Courier names elements by Java names)");
    }
    return name;
  }

  private static String identifier(String name) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      b.append(i == 0 ? (Character.isJavaIdentifierStart(c) ? c : '_') : (Character.isJavaIdentifierPart(c) ? c : '_'));
    }
    return b.isEmpty() ? "_" : b.toString();
  }
}
