package io.kamacache.codec;

import java.io.ObjectStreamConstants;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a Java serialization stream from another process before {@link java.io.ObjectInputStream}
 * does, without making any of its objects, to find out how much hashing decoding it would cause,
 * and refuses it when that is more than {@link DecodeLimits#maxHashWork}.
 *
 * <p>Hash collections hash their elements while they are being read, and the hash code of a
 * collection is made from those of its elements, so hashing an element visits every object below
 * it, once per path to it. A stream can share objects, so a small one can describe a graph with
 * exponentially many paths (SerialDOS: every set of a level holds every set of the next). The
 * scan builds the graph of the stream's objects and arrays (which object holds which: object
 * fields, array elements and the objects of {@code writeObject} data), with back-references as
 * edges to the objects they name, then counts:
 *
 * <ul>
 *   <li>for every object, the objects its hash code can reach counted once per path,
 *       {@code U(o) = weight(o) + sum of U(child)}, memoized and saturating just above the budget,
 *       so an exponential unfolding costs time linear in the graph. The weight is 1, plus 1 for
 *       each null, string, enum or class the object holds, plus one per {@value #ELEMENTS_PER_UNIT}
 *       elements of a primitive array (a class's hashCode may hash an array's contents, and a
 *       shared array is hashed once per object that holds it);
 *   <li>the work: the sum of {@code U(e)} over every element a hash collection hashes while it is
 *       read: all of the elements of a HashSet or LinkedHashSet, the keys of a HashMap,
 *       LinkedHashMap, Hashtable, Properties or ConcurrentHashMap, the elements of a
 *       {@code Set.of} and the keys of a {@code Map.of}, also in subclasses; every object of the
 *       stream counts, reachable from the value or not, since the stream makes them all.
 * </ul>
 *
 * <p>A reference cycle below a hashed element is counted once when it passes through an object
 * whose hashCode may stop there: an array, or an object of a class that neither is nor extends
 * one of {@code java.util} or {@code javax.cache}, such as an entity whose children point back to
 * it. A cycle made only of the collections and classes of those packages is refused, since hashing
 * it would recurse until the stack overflowed; the few of them whose hashCode ignores a field that
 * can close a cycle (the lock of {@code Collections.synchronizedList}, which is the list itself)
 * are refused with it when they are set elements or map keys.
 *
 * <p>The scan reads the grammar of the Java Object Serialization Specification (chapter 6) in
 * time and memory linear in the stream: it recurses only as deep as the stream nests, and no
 * deeper than the depth limit, which it checks as the deserialization filter would; class
 * descriptor chains and the graph are walked without recursion. It refuses, as malformed, what
 * {@code ObjectInputStream} would also refuse (unknown tags, block data or TC_ENDBLOCKDATA where an
 * object belongs, truncation, references to handles not yet assigned, a class descriptor used
 * before it is complete), and also what it cannot read: dynamic proxies (which the filtered stream
 * refuses anyway) and Externalizable data written without block data (protocol version 1, which
 * no JDK since 1.2 writes by default). Bytes after the value are ignored, as the stream ignores
 * them.
 */
final class StreamScan {

  /**
   * Elements of a primitive array that count as one object: {@code Arrays.hashCode} took 0.9 ns
   * an element, and hashing took 4 to 6 ns per object counted, on a 2-core VM.
   */
  static final int ELEMENTS_PER_UNIT = 4;

  /** What a hash collection hashes of the objects in its {@code writeObject} data. */
  private static final int HASHES_NONE = 0;
  private static final int HASHES_ALL = 1;
  private static final int HASHES_KEYS = 2;
  /** {@code java.util.CollSer}, whose {@code tag} field says whether it is a list, set or map. */
  private static final int HASHES_BY_TAG = 3;

  /** A child that is not an object or array of the graph: null, a string, an enum, a class. */
  private static final int LEAF = -1;

  private final byte[] in;
  private final int start;
  private final int end;
  private int pos;
  /** Stream bytes the elements of the arrays so far take at the least. */
  private long arrayBytes;
  private final DecodeLimits limits;

  /** For each handle: the node it names, or LEAF; and the class descriptor it names, if it is one. */
  private int[] handleNodes = new int[64];
  private Desc[] handleDescs = new Desc[64];
  private int handles;

  /** For each node: its own weight, and whether a cycle through it may stop hashing. */
  private long[] weights = new long[64];
  private boolean[] stopsHashing = new boolean[64];
  private int nodes;

  /** Edges of the graph, as parallel lists of from and to. */
  private final IntList edgeFrom = new IntList();
  private final IntList edgeTo = new IntList();
  /** Every element a hash collection hashes: a node, or LEAF. */
  private final IntList hashed = new IntList();

  private StreamScan(byte[] bytes, int offset, int length, DecodeLimits limits) {
    this.in = bytes;
    this.start = offset;
    this.pos = offset;
    this.end = offset + length;
    this.limits = limits;
  }

  /**
   * Refuses, with a {@link CodecException} that names no content of the value, a serialization
   * stream of {@code length} bytes at {@code offset} that is malformed, nests deeper than the
   * depth limit, or would make hash collections do more than {@link DecodeLimits#maxHashWork}.
   */
  static void check(byte[] bytes, int offset, int length, DecodeLimits limits) {
    StreamScan scan = new StreamScan(bytes, offset, length, limits);
    scan.read();
    long work = scan.hashWork();
    if (work > limits.maxHashWork) {
      throw new CodecException(JavaSerializationCodec.LIMITS + limits.hashWorkRefusal(), null);
    }
  }

  /** The work, or {@code maxHashWork + 1} when that is exceeded; for the measurements. */
  static long hashWork(byte[] bytes, int offset, int length, DecodeLimits limits) {
    StreamScan scan = new StreamScan(bytes, offset, length, limits);
    scan.read();
    return scan.hashWork();
  }

  // ---- Reading the stream --------------------------------------------------------------------

  private void read() {
    if (readUnsignedShort() != (ObjectStreamConstants.STREAM_MAGIC & 0xffff)
        || readUnsignedShort() != ObjectStreamConstants.STREAM_VERSION) {
      throw malformed("it has no serialization stream header");
    }
    // ObjectInputStream reads one value, taking resets before it; anything after it is ignored.
    while (peek() == ObjectStreamConstants.TC_RESET) {
      pos++;
      handles = 0;
    }
    content(1);
  }

  /** One object, array, string, class, descriptor, enum, reference or null at {@code depth}. */
  private int content(int depth) {
    byte tag = readByte();
    switch (tag) {
      case ObjectStreamConstants.TC_NULL:
        return LEAF;
      case ObjectStreamConstants.TC_REFERENCE:
        return handleNodes[handle()];
      case ObjectStreamConstants.TC_STRING:
        skip(readUnsignedShort());
        return assign(LEAF, null);
      case ObjectStreamConstants.TC_LONGSTRING:
        skip(readLong());
        return assign(LEAF, null);
      case ObjectStreamConstants.TC_CLASS:
        checkDepth(depth);
        required(classDesc(depth), "a class");
        return assign(LEAF, null);
      case ObjectStreamConstants.TC_CLASSDESC:
      case ObjectStreamConstants.TC_PROXYCLASSDESC:
        checkDepth(depth);
        newClassDescs(tag, depth);
        return LEAF;
      case ObjectStreamConstants.TC_ENUM:
        checkDepth(depth);
        if ((required(classDesc(depth), "an enum").flags & ObjectStreamConstants.SC_ENUM) == 0) {
          throw malformed("an enum constant of a class that is not an enum");
        }
        assign(LEAF, null);
        byte nameTag = readByte();
        if (nameTag == ObjectStreamConstants.TC_STRING) {
          skip(readUnsignedShort());
        } else if (nameTag == ObjectStreamConstants.TC_LONGSTRING) {
          skip(readLong());
        } else {
          throw malformed("an enum constant without a name");
        }
        return assign(LEAF, null);
      case ObjectStreamConstants.TC_ARRAY:
        checkDepth(depth);
        return array(required(classDesc(depth), "an array"), depth);
      case ObjectStreamConstants.TC_OBJECT:
        checkDepth(depth);
        return object(required(classDesc(depth), "an object"), depth);
      case ObjectStreamConstants.TC_BLOCKDATA:
      case ObjectStreamConstants.TC_BLOCKDATALONG:
      case ObjectStreamConstants.TC_ENDBLOCKDATA:
        throw malformed("block data where an object belongs");
      case ObjectStreamConstants.TC_RESET:
        throw malformed("a reset inside a value");
      case ObjectStreamConstants.TC_EXCEPTION:
        throw malformed("the writer's exception in place of an object");
      default:
        throw malformed("an unknown type code");
    }
  }

  private int array(Desc desc, int depth) {
    String name = desc.name;
    if (name.length() < 2 || name.charAt(0) != '[') {
      throw malformed("an array of a class that is not an array class");
    }
    int length = readInt();
    if (length < 0) {
      throw malformed("an array of negative length");
    }
    int width = primitiveWidth(name.charAt(1));
    if (width < 0) {
      throw malformed("an array class with an unknown element type");
    }
    // As the deserialization filter charges arrays (DecodeLimits), so that refusals read the same.
    long elementBytes = (long) length * Math.max(1, width);
    if (elementBytes > length() - arrayBytes) {
      throw new CodecException(JavaSerializationCodec.LIMITS
          + DecodeLimits.arrayRefusal(elementTypeName(name), length, arrayBytes, length()), null);
    }
    arrayBytes += elementBytes;
    int node = newNode(true);
    assign(node, null);
    if (width > 0) {
      skip(elementBytes);
      weights[node] += length / ELEMENTS_PER_UNIT;
    } else {
      for (int i = 0; i < length; i++) {
        edge(node, content(depth + 1));
      }
    }
    return node;
  }

  private int length() {
    return end - start;
  }

  /** The Java name of the elements of the array class named {@code name} in a stream: "[J" has long. */
  private static String elementTypeName(String name) {
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

  private int object(Desc desc, int depth) {
    int node = newNode(!desc.hashesContents);
    assign(node, null);
    if ((desc.flags & ObjectStreamConstants.SC_EXTERNALIZABLE) != 0) {
      if ((desc.flags & ObjectStreamConstants.SC_BLOCK_DATA) == 0) {
        throw malformed("Externalizable data without block data (protocol version 1), which this reader cannot follow");
      }
      writeObjectData(node, depth, HASHES_NONE);
      return node;
    }
    // The data of each class that has any, from the topmost superclass down.
    int classes = 0;
    for (Desc d = desc.hasData ? desc : desc.dataSuper; d != null; d = d.dataSuper) {
      classes++;
    }
    Desc[] hierarchy = new Desc[classes];
    for (Desc d = desc.hasData ? desc : desc.dataSuper; d != null; d = d.dataSuper) {
      hierarchy[--classes] = d;
    }
    for (Desc d : hierarchy) {
      int hashes = d.hashes;
      if (d.tagOffset >= 0 && d.primitiveBytes <= end - pos) {
        int collectionKind = readIntAt(pos + d.tagOffset) & 0xff;
        hashes = collectionKind == 2 ? HASHES_ALL : collectionKind == 3 ? HASHES_KEYS : HASHES_NONE;
      }
      skip(d.primitiveBytes);
      for (int i = 0; i < d.objectFields; i++) {
        edge(node, content(depth + 1));
      }
      if ((d.flags & ObjectStreamConstants.SC_WRITE_METHOD) != 0) {
        writeObjectData(node, depth, hashes);
      }
    }
    return node;
  }

  /**
   * Block data and objects up to TC_ENDBLOCKDATA, the objects held by {@code node} (none for a
   * class annotation) and hashed by it as {@code hashes} says.
   */
  private void writeObjectData(int node, int depth, int hashes) {
    int objects = 0;
    for (;;) {
      byte tag = peek();
      if (tag == ObjectStreamConstants.TC_ENDBLOCKDATA) {
        pos++;
        return;
      } else if (tag == ObjectStreamConstants.TC_BLOCKDATA) {
        pos++;
        skip(readByte() & 0xff);
      } else if (tag == ObjectStreamConstants.TC_BLOCKDATALONG) {
        pos++;
        int length = readInt();
        if (length < 0) {
          throw malformed("block data of negative length");
        }
        skip(length);
      } else {
        int child = content(depth + 1);
        if (node != LEAF) {
          edge(node, child);
        }
        if (hashes == HASHES_ALL || (hashes == HASHES_KEYS && objects % 2 == 0)) {
          hashed.add(child);
        }
        objects++;
      }
    }
  }

  /** A class descriptor where one belongs: new, a reference to one, or null. */
  private Desc classDesc(int depth) {
    byte tag = readByte();
    switch (tag) {
      case ObjectStreamConstants.TC_NULL:
        return null;
      case ObjectStreamConstants.TC_REFERENCE:
        return completeDesc(handle());
      case ObjectStreamConstants.TC_CLASSDESC:
      case ObjectStreamConstants.TC_PROXYCLASSDESC:
        return newClassDescs(tag, depth);
      default:
        throw malformed("no class descriptor where one belongs");
    }
  }

  /**
   * A new class descriptor and the new descriptors of its superclasses, which follow one another
   * in the stream; read in a loop, not recursively, since a chain costs only a few bytes a class.
   */
  private Desc newClassDescs(byte tag, int depth) {
    List<Desc> chain = new ArrayList<>(4);
    Desc top;
    for (;;) {
      if (tag == ObjectStreamConstants.TC_PROXYCLASSDESC) {
        throw new CodecException(JavaSerializationCodec.PROXY_REFUSED, null);
      }
      chain.add(classDescBody(depth));
      tag = readByte();
      if (tag == ObjectStreamConstants.TC_NULL) {
        top = null;
        break;
      } else if (tag == ObjectStreamConstants.TC_REFERENCE) {
        top = completeDesc(handle());
        break;
      } else if (tag != ObjectStreamConstants.TC_CLASSDESC && tag != ObjectStreamConstants.TC_PROXYCLASSDESC) {
        throw malformed("no superclass descriptor where one belongs");
      }
    }
    for (int i = chain.size() - 1; i >= 0; i--) {
      chain.get(i).complete(top);
      top = chain.get(i);
    }
    return top;
  }

  /** A class descriptor after TC_CLASSDESC, up to its superclass descriptor. */
  private Desc classDescBody(int depth) {
    int nameLength = readUnsignedShort();
    require(nameLength);
    // ISO-8859-1 keeps ASCII names as they are and cannot make a non-ASCII name equal to one.
    Desc desc = new Desc(new String(in, pos, nameLength, StandardCharsets.ISO_8859_1));
    pos += nameLength;
    skip(8); // serialVersionUID
    assign(LEAF, desc);
    desc.flags = readByte() & 0xff;
    if ((desc.flags & ObjectStreamConstants.SC_SERIALIZABLE) != 0
        && (desc.flags & ObjectStreamConstants.SC_EXTERNALIZABLE) != 0) {
      throw malformed("a class both Serializable and Externalizable");
    }
    int fields = readShort();
    if (fields < 0) {
      throw malformed("a negative field count");
    }
    boolean collSer = desc.hashes == HASHES_BY_TAG;
    for (int i = 0; i < fields; i++) {
      char type = (char) (readByte() & 0xff);
      int fieldNameLength = readUnsignedShort();
      require(fieldNameLength);
      boolean tag = collSer && type == 'I' && fieldNameLength == 3
          && in[pos] == 't' && in[pos + 1] == 'a' && in[pos + 2] == 'g';
      pos += fieldNameLength;
      int width = primitiveWidth(type);
      if (width > 0) {
        if (tag) {
          desc.tagOffset = desc.primitiveBytes;
        }
        desc.primitiveBytes += width;
      } else if (width == 0) {
        desc.objectFields++;
        typeName();
      } else {
        throw malformed("a field of an unknown type");
      }
    }
    if (collSer && desc.tagOffset < 0) {
      desc.hashes = HASHES_ALL; // no tag to say what it makes: count it as a set
    }
    writeObjectData(LEAF, depth, HASHES_NONE); // the class annotation
    return desc;
  }

  /** The type of an object field: a string, a reference to one, or null. */
  private void typeName() {
    byte tag = readByte();
    if (tag == ObjectStreamConstants.TC_STRING) {
      skip(readUnsignedShort());
      assign(LEAF, null);
    } else if (tag == ObjectStreamConstants.TC_LONGSTRING) {
      skip(readLong());
      assign(LEAF, null);
    } else if (tag == ObjectStreamConstants.TC_REFERENCE) {
      handle();
    } else if (tag != ObjectStreamConstants.TC_NULL) {
      throw malformed("a field type that is not a string");
    }
  }

  private Desc completeDesc(int handle) {
    Desc desc = handleDescs[handle];
    if (desc == null) {
      throw malformed("a reference to something other than a class descriptor where one belongs");
    }
    if (!desc.complete) {
      throw malformed("a class descriptor used before it is complete");
    }
    return desc;
  }

  private static Desc required(Desc desc, String what) {
    if (desc == null) {
      throw malformed(what + " without a class");
    }
    return desc;
  }

  /** Bytes of a primitive field or array element of type code {@code type}; 0 for an object, -1 if unknown. */
  private static int primitiveWidth(char type) {
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

  private void checkDepth(int depth) {
    if (depth > limits.maxDepth) {
      throw new CodecException(JavaSerializationCodec.LIMITS + limits.depthRefusal(), null);
    }
  }

  // ---- Handles and the graph -------------------------------------------------------------------

  private int handle() {
    long handle = (long) readInt() - ObjectStreamConstants.baseWireHandle;
    if (handle < 0 || handle >= handles) {
      throw malformed("a reference to a handle not yet assigned");
    }
    return (int) handle;
  }

  private int assign(int node, Desc desc) {
    if (handles == handleNodes.length) {
      handleNodes = Arrays.copyOf(handleNodes, handles * 2);
      handleDescs = Arrays.copyOf(handleDescs, handles * 2);
    }
    handleNodes[handles] = node;
    handleDescs[handles] = desc;
    handles++;
    return node;
  }

  private int newNode(boolean stopsHashing) {
    if (nodes == weights.length) {
      weights = Arrays.copyOf(weights, nodes * 2);
      this.stopsHashing = Arrays.copyOf(this.stopsHashing, nodes * 2);
    }
    weights[nodes] = 1;
    this.stopsHashing[nodes] = stopsHashing;
    return nodes++;
  }

  private void edge(int from, int to) {
    if (to == LEAF) {
      weights[from]++;
    } else {
      edgeFrom.add(from);
      edgeTo.add(to);
    }
  }

  /**
   * The sum, over every element hashed, of the objects its hash code reaches counted once per
   * path; at most {@code maxHashWork + 1}. Walks the graph depth first with a stack of its own,
   * since a chain of back-references can be as long as the stream.
   */
  private long hashWork() {
    long cap = limits.maxHashWork + 1;
    // The edges of each node, contiguous.
    int[] first = new int[nodes + 1];
    int edges = edgeFrom.size;
    for (int i = 0; i < edges; i++) {
      first[edgeFrom.values[i] + 1]++;
    }
    for (int n = 0; n < nodes; n++) {
      first[n + 1] += first[n];
    }
    int[] targets = new int[edges];
    int[] fill = Arrays.copyOf(first, nodes);
    for (int i = 0; i < edges; i++) {
      targets[fill[edgeFrom.values[i]]++] = edgeTo.values[i];
    }

    long[] reach = new long[nodes]; // U once done, the running sum while on the stack
    byte[] state = new byte[nodes]; // 0 not yet visited, 1 on the stack, 2 done
    int[] stackNode = new int[Math.max(1, nodes)];
    int[] stackEdge = new int[stackNode.length];
    int[] stackStops = new int[stackNode.length]; // nodes that stop hashing, up to this position
    int[] stackPosition = new int[Math.max(1, nodes)];
    long work = 0;
    for (int h = 0; h < hashed.size; h++) {
      int element = hashed.values[h];
      if (element == LEAF) {
        work = Math.min(cap, work + 1);
        continue;
      }
      if (state[element] != 2) {
        int top = 0;
        push(element, 0, stackNode, stackEdge, stackStops, stackPosition, state, reach, first);
        while (top >= 0) {
          int node = stackNode[top];
          int e = stackEdge[top];
          if (e < first[node + 1]) {
            stackEdge[top] = e + 1;
            int child = targets[e];
            if (state[child] == 2) {
              reach[node] = Math.min(cap, reach[node] + reach[child]);
            } else if (state[child] == 1) {
              int at = stackPosition[child];
              int stops = stackStops[top] - (at == 0 ? 0 : stackStops[at - 1]);
              if (stops == 0) {
                throw new CodecException(SELF_CONTAINING, null);
              }
              reach[node] = Math.min(cap, reach[node] + 1);
            } else {
              top++;
              push(child, top, stackNode, stackEdge, stackStops, stackPosition, state, reach, first);
            }
          } else {
            state[node] = 2;
            top--;
            if (top >= 0) {
              int parent = stackNode[top];
              reach[parent] = Math.min(cap, reach[parent] + reach[node]);
            }
          }
        }
      }
      work = Math.min(cap, work + reach[element]);
      if (work >= cap) {
        return cap;
      }
    }
    return work;
  }

  private void push(int node, int top, int[] stackNode, int[] stackEdge, int[] stackStops, int[] stackPosition,
      byte[] state, long[] reach, int[] first) {
    stackNode[top] = node;
    stackEdge[top] = first[node];
    stackStops[top] = (top == 0 ? 0 : stackStops[top - 1]) + (stopsHashing[node] ? 1 : 0);
    stackPosition[node] = top;
    state[node] = 1;
    reach[node] = weights[node];
  }

  static final String SELF_CONTAINING = "cannot deserialize a value: a set element or map key in it contains"
      + " itself through collections only, so hashing it would recurse until the stack overflowed";

  // ---- Bytes ---------------------------------------------------------------------------------

  private byte peek() {
    require(1);
    return in[pos];
  }

  private byte readByte() {
    require(1);
    return in[pos++];
  }

  private int readUnsignedShort() {
    require(2);
    int value = ((in[pos] & 0xff) << 8) | (in[pos + 1] & 0xff);
    pos += 2;
    return value;
  }

  private int readShort() {
    return (short) readUnsignedShort();
  }

  private int readInt() {
    require(4);
    int value = readIntAt(pos);
    pos += 4;
    return value;
  }

  private int readIntAt(int at) {
    return ((in[at] & 0xff) << 24) | ((in[at + 1] & 0xff) << 16) | ((in[at + 2] & 0xff) << 8) | (in[at + 3] & 0xff);
  }

  private long readLong() {
    long high = readInt() & 0xffffffffL;
    return (high << 32) | (readInt() & 0xffffffffL);
  }

  private void skip(long length) {
    if (length < 0 || length > end - pos) {
      throw truncated();
    }
    pos += (int) length;
  }

  private void require(int length) {
    if (length > end - pos) {
      throw truncated();
    }
  }

  private static CodecException truncated() {
    return malformed("it ends in the middle of an object");
  }

  private static CodecException malformed(String what) {
    return new CodecException("cannot deserialize a value: it is malformed (" + what + ")", null);
  }

  /** A class descriptor, as much of it as the scan needs. */
  private static final class Desc {
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
    Desc dataSuper;
    /** Whether it or a superclass is of a package whose hashCode methods hash what they hold. */
    boolean hashesContents;
    boolean complete;

    Desc(String name) {
      this.name = name;
      this.hashes = switch (name) {
        case "java.util.HashSet" -> HASHES_ALL;
        case "java.util.HashMap", "java.util.Hashtable", "java.util.concurrent.ConcurrentHashMap" -> HASHES_KEYS;
        case "java.util.CollSer" -> HASHES_BY_TAG;
        default -> HASHES_NONE;
      };
    }

    void complete(Desc superDesc) {
      hasData = primitiveBytes > 0 || objectFields > 0 || (flags & ObjectStreamConstants.SC_WRITE_METHOD) != 0;
      dataSuper = superDesc == null ? null : superDesc.hasData ? superDesc : superDesc.dataSuper;
      hashesContents = name.startsWith("java.util.") || name.startsWith("javax.cache.")
          || (superDesc != null && superDesc.hashesContents);
      complete = true;
    }
  }

  /** A growable list of ints. */
  private static final class IntList {
    int[] values = new int[64];
    int size;

    void add(int value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }
  }
}
