package io.kamacache.codec;

import java.io.ObjectStreamConstants;

/**
 * A class descriptor of a serialization stream, as much of it as {@link StreamScan} needs: the
 * shape of its objects' data, and what a hash collection of that class hashes of the objects in
 * its {@code writeObject} data. Also the stream's type codes for fields and array classes.
 */
final class StreamClassDesc {

  /** What a hash collection hashes of the objects in its {@code writeObject} data. */
  static final int HASHES_NONE = 0;
  static final int HASHES_ALL = 1;
  static final int HASHES_KEYS = 2;
  /** {@code java.util.CollSer}, whose {@code tag} field says whether it is a list, set or map. */
  static final int HASHES_BY_TAG = 3;

  final String name;
  int flags;
  int primitiveBytes;
  int objectFields;
  /** Where the int {@code tag} of a {@code java.util.CollSer} is in its primitive data, or -1. */
  int tagOffset = -1;
  /** What its writeObject data holds that a hash collection hashes. */
  int hashes;
  /** Whether objects of it have data of this class: fields, or writeObject data. */
  boolean hasData;
  /** The nearest superclass whose objects have data of it, or null. */
  StreamClassDesc dataSuper;
  /** Whether it or a superclass is of a package whose hashCode methods hash what they hold. */
  boolean hashesContents;
  boolean complete;

  /**
   * A hash collection is known by the JDK class whose {@code writeObject} data holds its elements,
   * so subclasses (LinkedHashSet, Properties, an application's) count through that superclass's
   * data; {@code Set.of} and {@code Map.of} are written as a CollSer.
   */
  StreamClassDesc(String name) {
    this.name = name;
    this.hashes = switch (name) {
      case "java.util.HashSet" -> HASHES_ALL;
      case "java.util.HashMap", "java.util.Hashtable", "java.util.concurrent.ConcurrentHashMap" -> HASHES_KEYS;
      case "java.util.CollSer" -> HASHES_BY_TAG;
      default -> HASHES_NONE;
    };
  }

  /** Completes the descriptor once its superclass's, {@code superDesc} (null for none), is known. */
  void complete(StreamClassDesc superDesc) {
    hasData = primitiveBytes > 0 || objectFields > 0 || (flags & ObjectStreamConstants.SC_WRITE_METHOD) != 0;
    dataSuper = superDesc == null ? null : superDesc.hasData ? superDesc : superDesc.dataSuper;
    hashesContents = name.startsWith("java.util.") || name.startsWith("javax.cache.")
        || (superDesc != null && superDesc.hashesContents);
    complete = true;
  }

  /** What a CollSer whose {@code tag} field holds {@code collectionKind} hashes: 2 is a set, 3 a map. */
  static int hashesOfCollSer(int collectionKind) {
    return collectionKind == 2 ? HASHES_ALL : collectionKind == 3 ? HASHES_KEYS : HASHES_NONE;
  }

  /** Bytes of a primitive field or array element of type code {@code type}; 0 for an object, -1 if unknown. */
  static int primitiveWidth(char type) {
    switch (type) {
      case 'B': case 'Z':
        return 1;
      case 'C': case 'S':
        return 2;
      case 'I': case 'F':
        return 4;
      case 'J': case 'D':
        return 8;
      case 'L': case '[':
        return 0;
      default:
        return -1;
    }
  }

  /** The Java name of the elements of the array class named {@code name} in a stream: "[J" has long. */
  static String elementTypeName(String name) {
    int dimensions = 1;
    while (dimensions < name.length() && name.charAt(dimensions) == '[') {
      dimensions++;
    }
    if (dimensions == name.length()) {
      return null;
    }
    String element;
    switch (name.charAt(dimensions)) {
      case 'B': element = "byte"; break;
      case 'Z': element = "boolean"; break;
      case 'C': element = "char"; break;
      case 'S': element = "short"; break;
      case 'I': element = "int"; break;
      case 'F': element = "float"; break;
      case 'J': element = "long"; break;
      case 'D': element = "double"; break;
      default:
        element = name.endsWith(";") ? name.substring(dimensions + 1, name.length() - 1) : name.substring(dimensions);
    }
    return element + "[]".repeat(dimensions - 1);
  }
}
