package io.kamacache.codec;

import java.io.Externalizable;
import java.io.Serializable;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Copies a Serializable object graph field by field, giving what a Java serialization round trip
 * gives, at a small fraction of its cost: store-by-value, the JSR-107 default, copies on every
 * read and write, and serialization is what made every other provider's default 20 to 70 times
 * slower than by-reference.
 *
 * <p>It copies only what it can copy faithfully: plain Serializable classes (no custom
 * {@code writeObject}, {@code readObject}, {@code writeReplace}, {@code readResolve} or
 * {@code serialPersistentFields}, not Externalizable, in a package open to us), arrays, and the
 * common JDK collections whose serialized form is their elements. Like deserialization, it creates
 * instances without running their constructors (only that of the first non-Serializable
 * superclass), leaves transient fields at their defaults, and keeps shared references shared.
 * For anything else {@link #copy} throws {@link Unsupported}, and the caller falls back to real
 * serialization.
 */
final class GraphCopier {

  /** The graph holds something this copier cannot reproduce exactly; use serialization. */
  static final class Unsupported extends Exception {
    Unsupported() {
      super(null, null, false, false);
    }
  }

  private static final Unsupported UNSUPPORTED = new Unsupported();

  private static final ClassValue<Plan> PLANS = new ClassValue<>() {
    @Override protected Plan computeValue(Class<?> type) {
      return Plan.of(type);
    }
  };

  private GraphCopier() {}

  /**
   * A copy of {@code root} as a serialization round trip would make it.
   *
   * @throws Unsupported if some object in the graph needs real serialization
   * @throws CodecException if some object in the graph is not Serializable
   */
  static Object copy(Object root) throws Unsupported {
    return new Walk().copy(root);
  }

  private enum Kind { SHARE, PRIMITIVE_ARRAY, OBJECT_ARRAY, FIELDS, ARRAY_LIST, LINKED_LIST, ARRAY_DEQUE,
    HASH_MAP, HASH_SET, TREE_MAP, TREE_SET, DATE, NOT_SERIALIZABLE, UNSUPPORTED }

  /** How to copy one class, worked out once per class. */
  private static final class Plan {
    final Kind kind;
    final Constructor<?> constructor;
    final Field[] fields;

    private Plan(Kind kind, Constructor<?> constructor, Field[] fields) {
      this.kind = kind;
      this.constructor = constructor;
      this.fields = fields;
    }

    private static Plan of(Kind kind) {
      return new Plan(kind, null, null);
    }

    static Plan of(Class<?> type) {
      if (ImmutableTypes.contains(type)) {
        return of(Kind.SHARE);
      }
      if (type.isArray()) {
        return of(type.getComponentType().isPrimitive() ? Kind.PRIMITIVE_ARRAY : Kind.OBJECT_ARRAY);
      }
      Kind collection = collectionKind(type);
      if (collection != null) {
        return of(collection);
      }
      if (!Serializable.class.isAssignableFrom(type)) {
        return of(Kind.NOT_SERIALIZABLE);
      }
      if (Externalizable.class.isAssignableFrom(type) || type.isRecord() || type.isEnum() || type.isHidden()
          || Modifier.isAbstract(type.getModifiers())) {
        return of(Kind.UNSUPPORTED);
      }
      try {
        return fieldsPlan(type);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // Not open to us, or a shape we do not reproduce: serialization knows best.
        return of(Kind.UNSUPPORTED);
      }
    }

    private static Kind collectionKind(Class<?> type) {
      if (type == ArrayList.class) {
        return Kind.ARRAY_LIST;
      } else if (type == LinkedList.class) {
        return Kind.LINKED_LIST;
      } else if (type == ArrayDeque.class) {
        return Kind.ARRAY_DEQUE;
      } else if (type == HashMap.class) {
        return Kind.HASH_MAP;
      } else if (type == HashSet.class) {
        return Kind.HASH_SET;
      } else if (type == TreeMap.class) {
        return Kind.TREE_MAP;
      } else if (type == TreeSet.class) {
        return Kind.TREE_SET;
      } else if (type == Date.class) {
        return Kind.DATE;
      }
      return null;
    }

    private static Plan fieldsPlan(Class<?> type) throws ReflectiveOperationException {
      Module ours = GraphCopier.class.getModule();
      List<Field> fields = new ArrayList<>();
      Class<?> level = type;
      for (; level != null && Serializable.class.isAssignableFrom(level); level = level.getSuperclass()) {
        if (!level.getModule().isOpen(level.getPackageName(), ours) || hasSerializationHooks(level)) {
          return of(Kind.UNSUPPORTED);
        }
        for (Field field : level.getDeclaredFields()) {
          int modifiers = field.getModifiers();
          if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers)) {
            continue;
          }
          field.setAccessible(true);
          fields.add(field);
        }
      }
      if (inheritsReplaceHooks(level)) {
        return of(Kind.UNSUPPORTED);
      }
      // Deserialization runs the no-argument constructor of the first non-Serializable superclass.
      Constructor<?> base = (level == null ? Object.class : level).getDeclaredConstructor();
      if (!Modifier.isPublic(base.getModifiers()) && !Modifier.isProtected(base.getModifiers())
          && !(!Modifier.isPrivate(base.getModifiers()) && samePackage(base.getDeclaringClass(), type))) {
        return of(Kind.UNSUPPORTED);
      }
      Constructor<?> constructor = sun.reflect.ReflectionFactory.getReflectionFactory()
          .newConstructorForSerialization(type, base);
      constructor.setAccessible(true);
      return new Plan(Kind.FIELDS, constructor, fields.toArray(new Field[0]));
    }

    private static boolean samePackage(Class<?> a, Class<?> b) {
      return a.getClassLoader() == b.getClassLoader() && a.getPackageName().equals(b.getPackageName());
    }

    private static boolean hasSerializationHooks(Class<?> level) {
      for (Method method : level.getDeclaredMethods()) {
        switch (method.getName()) {
          case "writeObject", "readObject", "readObjectNoData", "writeReplace", "readResolve":
            return true;
          default:
            break;
        }
      }
      try {
        level.getDeclaredField("serialPersistentFields");
        return true;
      } catch (NoSuchFieldException absent) {
        return false;
      }
    }

    /** Serialization also calls a writeReplace or readResolve inherited from above the Serializable classes. */
    private static boolean inheritsReplaceHooks(Class<?> above) {
      for (Class<?> level = above; level != null && level != Object.class; level = level.getSuperclass()) {
        for (Method method : level.getDeclaredMethods()) {
          if ((method.getName().equals("writeReplace") || method.getName().equals("readResolve"))
              && method.getParameterCount() == 0 && !Modifier.isPrivate(method.getModifiers())) {
            return true;
          }
        }
      }
      return false;
    }
  }

  /** One copy: the objects copied so far, so shared references stay shared and cycles end. */
  private static final class Walk {
    private IdentityHashMap<Object, Object> copies;

    Object copy(Object original) throws Unsupported {
      if (original == null) {
        return null;
      }
      Plan plan = PLANS.get(original.getClass());
      if (plan.kind == Kind.SHARE) {
        return original;
      }
      if (copies == null) {
        copies = new IdentityHashMap<>();
      } else {
        Object done = copies.get(original);
        if (done != null) {
          return done;
        }
      }
      try {
        return copy(original, plan);
      } catch (ReflectiveOperationException e) {
        throw UNSUPPORTED;
      }
    }

    private <T> T remember(Object original, T copy) {
      copies.put(original, copy);
      return copy;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object copy(Object original, Plan plan) throws Unsupported, ReflectiveOperationException {
      switch (plan.kind) {
        case PRIMITIVE_ARRAY: {
          int length = Array.getLength(original);
          Object copy = Array.newInstance(original.getClass().getComponentType(), length);
          System.arraycopy(original, 0, copy, 0, length);
          return remember(original, copy);
        }
        case OBJECT_ARRAY: {
          Object[] source = (Object[]) original;
          Object[] copy = remember(original, (Object[]) Array.newInstance(source.getClass().getComponentType(), source.length));
          for (int i = 0; i < source.length; i++) {
            copy[i] = copy(source[i]);
          }
          return copy;
        }
        case FIELDS:
          return copyFields(original, plan);
        case ARRAY_LIST:
          return copyInto(remember(original, new ArrayList<>(((Collection<?>) original).size())), (Collection<?>) original);
        case LINKED_LIST:
          return copyInto(remember(original, new LinkedList<>()), (Collection<?>) original);
        case ARRAY_DEQUE:
          return copyInto(remember(original, new ArrayDeque<>(((Collection<?>) original).size())), (Collection<?>) original);
        case HASH_SET: // sized, as HASH_MAP, to take every element without a rehash at the JDK's default load
          return copyInto(remember(original, new HashSet<>(Math.max(16, (int) (((Collection<?>) original).size() / .75f) + 1))),
              (Collection<?>) original);
        case TREE_SET: {
          TreeSet source = (TreeSet) original;
          return copyInto(remember(original, new TreeSet<>(comparator(source.comparator()))), source);
        }
        case HASH_MAP: {
          Map<?, ?> source = (Map<?, ?>) original;
          return copyInto(remember(original, new HashMap<>(Math.max(16, (int) (source.size() / .75f) + 1))), source);
        }
        case TREE_MAP: {
          TreeMap source = (TreeMap) original;
          return copyInto(remember(original, new TreeMap<>(comparator(source.comparator()))), source);
        }
        case DATE:
          return remember(original, new Date(((Date) original).getTime()));
        case NOT_SERIALIZABLE:
          throw new CodecException("cannot copy a " + original.getClass().getName()
              + ": it is not Serializable, and the cache stores by value; make it Serializable or"
              + " configure the cache with setStoreByValue(false)", null);
        default:
          throw UNSUPPORTED;
      }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Comparator comparator(Comparator comparator) throws Unsupported {
      return comparator == null ? null : (Comparator) copy(comparator);
    }

    @SuppressWarnings("unchecked")
    private Collection<Object> copyInto(Collection<?> copy, Collection<?> source) throws Unsupported {
      Collection<Object> target = (Collection<Object>) copy;
      for (Object element : source) {
        target.add(copy(element));
      }
      return target;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> copyInto(Map<?, ?> copy, Map<?, ?> source) throws Unsupported {
      Map<Object, Object> target = (Map<Object, Object>) copy;
      for (Map.Entry<?, ?> entry : source.entrySet()) {
        target.put(copy(entry.getKey()), copy(entry.getValue()));
      }
      return target;
    }

    private Object copyFields(Object original, Plan plan) throws Unsupported, ReflectiveOperationException {
      Object copy = remember(original, plan.constructor.newInstance());
      for (Field field : plan.fields) {
        Class<?> type = field.getType();
        if (!type.isPrimitive()) {
          field.set(copy, copy(field.get(original)));
        } else if (type == int.class) {
          field.setInt(copy, field.getInt(original));
        } else if (type == long.class) {
          field.setLong(copy, field.getLong(original));
        } else if (type == boolean.class) {
          field.setBoolean(copy, field.getBoolean(original));
        } else if (type == double.class) {
          field.setDouble(copy, field.getDouble(original));
        } else if (type == float.class) {
          field.setFloat(copy, field.getFloat(original));
        } else if (type == byte.class) {
          field.setByte(copy, field.getByte(original));
        } else if (type == short.class) {
          field.setShort(copy, field.getShort(original));
        } else {
          field.setChar(copy, field.getChar(original));
        }
      }
      return copy;
    }
  }
}
