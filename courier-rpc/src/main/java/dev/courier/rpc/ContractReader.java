package dev.courier.rpc;

import dev.courier.rpc.spi.ArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/** Builds and validates {@link ContractDescription}s from interfaces. */
final class ContractReader {
  private ContractReader() {}

  /** One method's contribution to an operation. */
  private record Part(Method method, OperationShape shape, String base, List<Type> params, Type result,
      Role role, dev.courier.rpc.spi.CallShape custom) {
    Part(Method method, OperationShape shape, String base, List<Type> params, Type result, Role role) {
      this(method, shape, base, params, result, role, null);
    }
  }

  private enum Role { MAIN, END, LISTENER, CUSTOM }

  static ContractDescription read(Class<?> type) {
    if (!type.isInterface()) {
      throw new IllegalArgumentException("contract: " + type.getName() + " (expected: an interface)");
    }
    ServiceContract sc = type.getAnnotation(ServiceContract.class);
    String name = sc != null && !sc.name().isEmpty() ? sc.name() : type.getSimpleName();
    String namespace = sc != null ? sc.namespace() : ServiceContract.DEFAULT_NAMESPACE;
    Class<?> callback = sc != null && sc.callback() != void.class ? sc.callback() : null;
    if (callback != null && !callback.isInterface()) {
      throw new IllegalArgumentException("callback contract: " + callback.getName()
          + " (expected: an interface)\n    for contract " + type.getName());
    }

    Method cancelAsync = null;
    Method isBusy = null;
    List<dev.courier.rpc.spi.CallShape.Factory> shapes = java.util.ServiceLoader
        .load(dev.courier.rpc.spi.CallShape.Factory.class, type.getClassLoader()).stream()
        .map(java.util.ServiceLoader.Provider::get).toList();
    Map<String, List<Part>> groups = new LinkedHashMap<>();
    List<Method> methods = Arrays.stream(type.getMethods())
        .filter(m -> Modifier.isAbstract(m.getModifiers()) && !m.isSynthetic())
        .sorted(Comparator.comparing(Method::getName).thenComparing(Method::toGenericString))
        .toList();
    for (Method m : methods) {
      if (m.getName().equals("cancelAsync") && m.getParameterCount() == 1
          && m.getParameterTypes()[0] == Object.class && m.getReturnType() == void.class) {
        cancelAsync = m;
        continue;
      }
      if (m.getName().equals("isBusy") && m.getParameterCount() == 0 && m.getReturnType() == boolean.class) {
        isBusy = m;
        continue;
      }
      Part part = custom(m, shapes);
      if (part == null) {
        part = classify(m, type);
      }
      String key = operationName(part);
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(part);
    }
    // An event-shaped method without a user state is an event call only when a listener names it.
    List<String> names = groups.keySet().stream().sorted().toList();
    List<OperationDescription> ops = new ArrayList<>();
    int index = 0;
    for (String opName : names) {
      ops.add(build(type, name, namespace, opName, groups.get(opName), index++));
    }
    Set<String> actions = new HashSet<>();
    for (OperationDescription op : ops) {
      if (!actions.add(op.action())) {
        throw new IllegalArgumentException("two operations with action " + op.action()
            + " (expected: one action per operation)\n    for contract " + type.getName());
      }
    }
    return new ContractDescription(type, name, namespace, sc == null || sc.qualifiedElements(),
        sc == null || sc.wrappedLists(), ops, callback,
        cancelAsync, isBusy);
  }

  private static String where(Method m) {
    return "\n    for method " + m.getDeclaringClass().getSimpleName() + "." + m.getName();
  }

  /** The part a {@link dev.courier.rpc.spi.CallShape.Factory} claims {@code m} as, or {@code null}. */
  private static Part custom(Method m, List<dev.courier.rpc.spi.CallShape.Factory> factories) {
    for (dev.courier.rpc.spi.CallShape.Factory f : factories) {
      dev.courier.rpc.spi.CallShape shape = f.create(m);
      if (shape != null) {
        return new Part(m, null, shape.operationName(), shape.parameterTypes(), shape.resultType(), Role.CUSTOM, shape);
      }
    }
    return null;
  }

  private static Part classify(Method m, Class<?> contract) {
    String n = m.getName();
    Class<?>[] p = m.getParameterTypes();
    Type[] gp = m.getGenericParameterTypes();
    // onOpCompleted(CompletedListener<R>)
    if (n.startsWith("on") && n.endsWith("Completed") && n.length() > "onCompleted".length()
        && p.length == 1 && p[0] == CompletedListener.class) {
      if (m.getReturnType() != void.class) {
        throw new IllegalArgumentException("listener method must return void (found: " + m.getReturnType().getSimpleName() + ")" + where(m));
      }
      String base = decapitalize(n.substring(2, n.length() - "Completed".length()));
      return new Part(m, OperationShape.EVENT, base, List.of(), typeArgument(gp[0], m), Role.LISTENER);
    }
    // beginOp(args..., AsyncCallback, Object) -> AsyncResult
    if (n.startsWith("begin") && n.length() > 5 && Character.isUpperCase(n.charAt(5))
        && m.getReturnType() == AsyncResult.class) {
      if (p.length < 2 || p[p.length - 2] != AsyncCallback.class || p[p.length - 1] != Object.class) {
        throw new IllegalArgumentException("begin method must end with (AsyncCallback callback, Object state)" + where(m));
      }
      return new Part(m, OperationShape.BEGIN_END, decapitalize(n.substring(5)),
          List.of(Arrays.copyOf(gp, gp.length - 2)), null, Role.MAIN);
    }
    // endOp(AsyncResult) -> R
    if (n.startsWith("end") && n.length() > 3 && Character.isUpperCase(n.charAt(3))
        && p.length == 1 && p[0] == AsyncResult.class) {
      return new Part(m, OperationShape.BEGIN_END, decapitalize(n.substring(3)), List.of(),
          m.getGenericReturnType(), Role.END);
    }
    // opAsync(args) -> CompletableFuture<R> / CompletionStage<R>
    if (n.endsWith("Async") && n.length() > 5
        && (m.getReturnType() == CompletableFuture.class || m.getReturnType() == CompletionStage.class)) {
      Type r = typeArgument(m.getGenericReturnType(), m);
      return new Part(m, OperationShape.TASK, n.substring(0, n.length() - 5), List.of(gp),
          r == Void.class ? void.class : r, Role.MAIN);
    }
    // opAsync(args, Object userState) -> void
    if (n.endsWith("Async") && n.length() > 5 && m.getReturnType() == void.class
        && p.length >= 1 && p[p.length - 1] == Object.class) {
      return new Part(m, OperationShape.EVENT, n.substring(0, n.length() - 5),
          List.of(Arrays.copyOf(gp, gp.length - 1)), null, Role.MAIN);
    }
    if (m.getReturnType() == CompletableFuture.class || m.getReturnType() == CompletionStage.class) {
      throw new IllegalArgumentException("a method returning " + m.getReturnType().getSimpleName()
          + " must be named opAsync (expected: " + n + "Async)" + where(m));
    }
    return new Part(m, OperationShape.SYNC, n, List.of(gp), m.getGenericReturnType(), Role.MAIN);
  }

  private static String operationName(Part part) {
    Operation op = part.method().getAnnotation(Operation.class);
    return op != null && !op.name().isEmpty() ? op.name() : part.base();
  }

  private static OperationDescription build(Class<?> type, String contractName, String namespace, String opName,
      List<Part> parts, int index) {
    Map<OperationShape, Method> methods = new EnumMap<>(OperationShape.class);
    Map<Method, dev.courier.rpc.spi.CallShape> customs = new java.util.HashMap<>();
    Method end = null;
    Method listener = null;
    List<Type> params = null;
    Type result = null;
    Part paramsFrom = null;
    Part resultFrom = null;
    Operation annotation = null;
    Method annotated = null;
    Set<Class<? extends Record>> faults = new java.util.LinkedHashSet<>();

    for (Part part : parts) {
      Method m = part.method();
      Operation a = m.getAnnotation(Operation.class);
      if (a != null) {
        if (annotation != null && (annotation.oneWay() != a.oneWay() || !annotation.action().equals(a.action())
            || !annotation.resultName().equals(a.resultName()) || annotation.idempotent() != a.idempotent())) {
          throw new IllegalArgumentException("@Operation of " + annotated.getName() + " and " + m.getName()
              + " disagree (expected: the same oneWay, idempotent, action and resultName on every shape of operation "
              + opName
              + ")" + where(m));
        }
        annotation = a;
        annotated = m;
      }
      for (FaultContract f : m.getAnnotationsByType(FaultContract.class)) {
        if (!f.value().isRecord()) {
          throw new IllegalArgumentException("fault detail " + f.value().getName() + " (expected: a record)" + where(m));
        }
        for (Class<? extends Record> other : faults) {
          if (other != f.value() && other.getSimpleName().equals(f.value().getSimpleName())) {
            throw new IllegalArgumentException("faults " + other.getName() + " and " + f.value().getName()
                + " of operation " + opName + " have one name, " + other.getSimpleName()
                + " (expected: fault records of distinct simple names: a fault travels by its name)" + where(m));
          }
        }
        faults.add(f.value());
      }
      switch (part.role()) {
        case MAIN -> {
          if (methods.put(part.shape(), m) != null) {
            throw new IllegalArgumentException("two operations named " + opName + " in shape " + part.shape()
                + " (expected: one method per shape; overloads are not operations)" + where(m));
          }
        }
        case END -> {
          if (end != null) {
            throw new IllegalArgumentException("two end methods for operation " + opName + where(m));
          }
          end = m;
        }
        case LISTENER -> listener = m;
        case CUSTOM -> customs.put(m, part.custom());
      }
      if (part.role() != Role.END && part.role() != Role.LISTENER) {
        if (params == null) {
          params = part.params();
          paramsFrom = part;
        } else if (!params.stream().map(ContractReader::normalize).toList()
            .equals(part.params().stream().map(ContractReader::normalize).toList())) {
          throw new IllegalArgumentException("shapes of operation " + opName + " disagree on parameters: "
              + signature(paramsFrom) + " vs " + signature(part) + where(m));
        }
      }
      if (part.result() != null) {
        if (result == null) {
          result = part.result();
          resultFrom = part;
        } else if (!normalize(result).equals(normalize(part.result()))) {
          throw new IllegalArgumentException("shapes of operation " + opName + " disagree on the result: "
              + resultFrom.method().getName() + " returns " + result.getTypeName() + ", " + m.getName()
              + " returns " + part.result().getTypeName() + where(m));
        }
      }
    }
    if (methods.containsKey(OperationShape.BEGIN_END) && end == null) {
      Method b = methods.get(OperationShape.BEGIN_END);
      throw new IllegalArgumentException(b.getName() + " has no matching end" + capitalize(opName)
          + "(AsyncResult) (expected: a Begin/End pair)" + where(b));
    }
    if (end != null && !methods.containsKey(OperationShape.BEGIN_END)) {
      throw new IllegalArgumentException(end.getName() + " has no matching begin" + capitalize(opName)
          + "(..., AsyncCallback, Object) (expected: a Begin/End pair)" + where(end));
    }
    if (listener != null && !methods.containsKey(OperationShape.EVENT)) {
      throw new IllegalArgumentException(listener.getName() + " listens to an operation with no "
          + opName + "Async(..., Object userState) method" + where(listener));
    }
    if (methods.isEmpty() && customs.isEmpty()) {
      throw new IllegalArgumentException("operation " + opName + " has no method that calls it" + where(parts.get(0).method()));
    }
    if (result == null) {
      result = void.class;   // only EVENT (with no listener) has no declared result; it is void unless a listener says otherwise
    }
    Method first = paramsFrom.method();
    boolean oneWay = annotation != null && annotation.oneWay();
    if (oneWay && normalize(result) != void.class) {
      Method m = resultFrom != null ? resultFrom.method() : first;
      throw new IllegalArgumentException("one-way operation " + opName + " must return void (found: "
          + result.getTypeName() + ")" + where(m));
    }
    if (oneWay && !faults.isEmpty()) {
      throw new IllegalArgumentException("one-way operation " + opName
          + " cannot declare faults: no reply carries them" + where(first));
    }
    for (int i = 0; i < params.size(); i++) {
      checkDataContract(params.get(i), "parameter " + i, first, new HashSet<>());
      if (params.size() > 1 && params.get(i) instanceof Class<?> c && c.isAnnotationPresent(MessageContract.class)) {
        throw new IllegalArgumentException("parameter " + i + " of operation " + opName + " is the message contract "
            + c.getSimpleName() + " among " + params.size() + " parameters (expected: a message contract as the "
            + "only parameter, since its components are the whole request)" + where(first));
      }
    }
    if (normalize(result) instanceof Class<?> c && c.isAnnotationPresent(MessageContract.class) && annotation != null
        && !annotation.resultName().isEmpty()) {
      throw new IllegalArgumentException("operation " + opName + " returns the message contract " + c.getSimpleName()
          + " and names its result " + annotation.resultName() + " (expected: no resultName: the record's components "
          + "name the reply's parts)" + where(annotated));
    }
    methods.values().forEach(ContractReader::requireVisibleResult);
    if (end != null) {
      requireVisibleResult(end);
    }
    if (normalize(result) != void.class) {
      checkDataContract(result, "result", resultFrom != null ? resultFrom.method() : first, new HashSet<>());
    }
    String action = annotation != null && !annotation.action().isEmpty()
        ? annotation.action() : namespace + (namespace.endsWith("/") ? "" : "/") + contractName + "/" + opName;
    String resultName = annotation != null && !annotation.resultName().isEmpty()
        ? annotation.resultName() : opName + "Result";
    List<String> names = paramsFrom.role() == Role.MAIN
        ? Arrays.stream(first.getParameters()).limit(params.size()).map(java.lang.reflect.Parameter::getName).toList()
        : List.of();
    return new OperationDescription(contractName, opName, action, resultName,
        oneWay ? MessageExchangePattern.ONE_WAY : MessageExchangePattern.REQUEST_REPLY,
        params.stream().map(ContractReader::canonical).toList(), names, canonical(result), List.copyOf(faults), methods,
        end, listener, customs, index, annotation != null && annotation.idempotent());
  }

  /** The logical form of a type: boxes of primitives as the primitive, Void as void, so every shape describes alike. */
  static Type canonical(Type t) {
    if (t == Void.class) {
      return void.class;
    }
    if (t instanceof Class<?> c && !c.isPrimitive()) {
      Class<?> unboxed = java.lang.invoke.MethodType.methodType(c).unwrap().returnType();
      return unboxed.isPrimitive() ? unboxed : c;
    }
    return t;
  }

  /** Compares types with primitives and their boxes alike ({@code int add} and {@code Future<Integer> addAsync}). */
  private static Type normalize(Type t) {
    if (t == Void.class) {
      return void.class;
    }
    if (t instanceof Class<?> c && c.isPrimitive() && c != void.class) {
      return java.lang.invoke.MethodType.methodType(c).wrap().returnType();
    }
    return t;
  }

  private static String signature(Part part) {
    return part.method().getName() + part.params().stream().map(Type::getTypeName)
        .collect(Collectors.joining(", ", "(", ")"));
  }

  private static Type typeArgument(Type t, Method m) {
    if (t instanceof ParameterizedType pt && pt.getActualTypeArguments().length == 1) {
      return pt.getActualTypeArguments()[0];
    }
    throw new IllegalArgumentException("type " + t.getTypeName() + " needs its type argument (expected: e.g. "
        + ((Class<?>) (t instanceof ParameterizedType p ? p.getRawType() : t)).getSimpleName() + "<Integer>)" + where(m));
  }

  /**
   * Data contracts: primitives and boxes, String, byte[], enums, records of data contracts, List, Map, Optional,
   * and arrays (but {@code byte[]}) of data contracts, which are lists.
   */
  static void checkDataContract(Type t, String what, Method m, Set<Type> seen) {
    Optional<ArrayType> array = ArrayType.of(t);
    if (array.isPresent()) {
      checkDataContract(array.get().itemType(), what + " item", m, seen);
      return;
    }
    if (t instanceof Class<?> c) {
      if (c.isPrimitive() && c != void.class) {
        return;
      }
      if (c == String.class || c == byte[].class || c == Boolean.class || c == Byte.class || c == Short.class
          || c == Integer.class || c == Long.class || c == Float.class || c == Double.class
          || c == Character.class) {
        return;
      }
      if (c.isEnum()) {
        return;
      }
      if (c.isRecord()) {
        if (!seen.add(c)) {
          return;
        }
        for (RecordComponent rc : c.getRecordComponents()) {
          checkDataContract(rc.getGenericType(), what + " component " + c.getSimpleName() + "." + rc.getName(), m, seen);
        }
        return;
      }
    } else if (t instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw) {
      Type[] args = pt.getActualTypeArguments();
      if (raw == List.class || raw == Optional.class) {
        checkDataContract(args[0], what + " element", m, seen);
        return;
      }
      if (raw == Map.class) {
        Type k = args[0];
        if (!(k == String.class || k == Integer.class || k == Long.class || (k instanceof Class<?> kc && kc.isEnum()))) {
          throw new IllegalArgumentException(what + " has unsupported map key type " + k.getTypeName()
              + " (expected: String, Integer, Long or an enum)" + where(m));
        }
        checkDataContract(args[1], what + " value", m, seen);
        return;
      }
    }
    throw new IllegalArgumentException(what + " has unsupported type " + t.getTypeName()
        + " (expected: a record, enum, primitive or its box, String, byte[], List, Map, Optional or array of those)"
        + where(m));
  }

  /**
   * The proxy of a public contract lives in another module and casts what a synchronous method returns:
   * that type must be public (a non-public one fails with IllegalAccessError only when it is called).
   */
  private static void requireVisibleResult(Method m) {
    Class<?> r = m.getReturnType();
    if (java.lang.reflect.Modifier.isPublic(m.getDeclaringClass().getModifiers()) && !r.isPrimitive()
        && !java.lang.reflect.Modifier.isPublic(r.getModifiers())) {
      throw new IllegalArgumentException("result type " + r.getName() + " is not public (expected: a public type, since "
          + "the contract is public; or a contract that is not public either)" + where(m));
    }
  }

  static String decapitalize(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
