package io.kamacache.codec;

import static io.kamacache.codec.HashWorkGraph.LEAF;
import static io.kamacache.codec.StreamClassDesc.HASHES_ALL;
import static io.kamacache.codec.StreamClassDesc.HASHES_BY_TAG;
import static io.kamacache.codec.StreamClassDesc.HASHES_KEYS;
import static io.kamacache.codec.StreamClassDesc.HASHES_NONE;
import static io.kamacache.codec.StreamClassDesc.elementTypeName;
import static io.kamacache.codec.StreamClassDesc.hashesOfCollSer;
import static io.kamacache.codec.StreamClassDesc.primitiveWidth;
import static io.kamacache.codec.StreamInput.malformed;

import java.io.ObjectStreamConstants;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a Java serialization stream from another process before {@link java.io.ObjectInputStream}
 * does, without making any of its objects, to find out how much hashing decoding it would cause,
 * and refuses it when that is more than {@link DecodeLimits#maxHashWork}.
 *
 * <p>The scan builds a {@link HashWorkGraph} of the stream's objects and arrays (which object
 * holds which: object fields, array elements and the objects of {@code writeObject} data), with
 * back-references as edges to the objects they name, and marks every element a hash collection
 * hashes while it is read: all of the elements of a HashSet or LinkedHashSet, the keys of a
 * HashMap, LinkedHashMap, Hashtable, Properties or ConcurrentHashMap, the elements of a
 * {@code Set.of} and the keys of a {@code Map.of}, also in subclasses ({@link StreamClassDesc});
 * every object of the stream counts, reachable from the value or not, since the stream makes them
 * all. An object weighs 1, plus 1 for each null, string, enum or class it holds, plus one per
 * {@value #ELEMENTS_PER_UNIT} elements of a primitive array (a class's hashCode may hash an
 * array's contents, and a shared array is hashed once per object that holds it).
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
   * Elements of a primitive array that count as one object: hashing one costs under a quarter of
   * what visiting an object costs (measured in docs/performance.md).
   */
  static final int ELEMENTS_PER_UNIT = 4;

  /** First size of the handle tables: a small value never grows them, and doubling is cheap. */
  private static final int INITIAL_HANDLES = 64;

  private final StreamInput in;
  /** Stream bytes the elements of the arrays so far take at the least. */
  private long arrayBytes;
  private final DecodeLimits limits;

  /** For each handle: the node it names, or LEAF; and the class descriptor it names, if it is one. */
  private int[] handleNodes = new int[INITIAL_HANDLES];
  private StreamClassDesc[] handleDescs = new StreamClassDesc[INITIAL_HANDLES];
  private int handles;

  private final HashWorkGraph graph = new HashWorkGraph();

  private StreamScan(byte[] bytes, int offset, int length, DecodeLimits limits) {
    this.in = new StreamInput(bytes, offset, length);
    this.limits = limits;
  }

  /**
   * Refuses, with a {@link CodecException} that names no content of the value, a serialization
   * stream of {@code length} bytes at {@code offset} that is malformed, nests deeper than the
   * depth limit, or would make hash collections do more than {@link DecodeLimits#maxHashWork}.
   */
  static void check(byte[] bytes, int offset, int length, DecodeLimits limits) {
    if (hashWork(bytes, offset, length, limits) > limits.maxHashWork) {
      throw new CodecException(JavaSerializationCodec.LIMITS + limits.hashWorkRefusal(), null);
    }
  }

  /**
   * The hash work of the stream, or {@code maxHashWork + 1} when that is exceeded; refuses a
   * stream that {@link #check} refuses for any other reason.
   */
  static long hashWork(byte[] bytes, int offset, int length, DecodeLimits limits) {
    StreamScan scan = new StreamScan(bytes, offset, length, limits);
    scan.read();
    return scan.graph.work(limits.maxHashWork);
  }

  // ---- Reading the stream --------------------------------------------------------------------

  private void read() {
    if (in.readUnsignedShort() != (ObjectStreamConstants.STREAM_MAGIC & 0xffff)
        || in.readUnsignedShort() != ObjectStreamConstants.STREAM_VERSION) {
      throw malformed("it has no serialization stream header");
    }
    // ObjectInputStream reads one value, taking resets before it; anything after it is ignored.
    while (in.peek() == ObjectStreamConstants.TC_RESET) {
      in.readByte();
      handles = 0;
    }
    content(1);
  }

  /** One object, array, string, class, descriptor, enum, reference or null at {@code depth}. */
  private int content(int depth) {
    byte tag = in.readByte();
    switch (tag) {
      case ObjectStreamConstants.TC_NULL:
        return LEAF;
      case ObjectStreamConstants.TC_REFERENCE:
        return handleNodes[handle()];
      case ObjectStreamConstants.TC_STRING:
        in.skip(in.readUnsignedShort());
        return assign(LEAF, null);
      case ObjectStreamConstants.TC_LONGSTRING:
        in.skip(in.readLong());
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
        byte nameTag = in.readByte();
        if (nameTag == ObjectStreamConstants.TC_STRING) {
          in.skip(in.readUnsignedShort());
        } else if (nameTag == ObjectStreamConstants.TC_LONGSTRING) {
          in.skip(in.readLong());
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

  private int array(StreamClassDesc desc, int depth) {
    String name = desc.name;
    if (name.length() < 2 || name.charAt(0) != '[') {
      throw malformed("an array of a class that is not an array class");
    }
    int length = in.readInt();
    if (length < 0) {
      throw malformed("an array of negative length");
    }
    int width = primitiveWidth(name.charAt(1));
    if (width < 0) {
      throw malformed("an array class with an unknown element type");
    }
    // As the deserialization filter charges arrays (DecodeLimits), so that refusals read the same.
    long elementBytes = (long) length * Math.max(1, width);
    if (elementBytes > in.length() - arrayBytes) {
      throw new CodecException(JavaSerializationCodec.LIMITS
          + DecodeLimits.arrayRefusal(elementTypeName(name), length, arrayBytes, in.length()), null);
    }
    arrayBytes += elementBytes;
    int node = graph.newNode(true);
    assign(node, null);
    if (width > 0) {
      in.skip(elementBytes);
      graph.addWeight(node, length / ELEMENTS_PER_UNIT);
    } else {
      for (int i = 0; i < length; i++) {
        graph.edge(node, content(depth + 1));
      }
    }
    return node;
  }

  private int object(StreamClassDesc desc, int depth) {
    int node = graph.newNode(!desc.hashesContents);
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
    for (StreamClassDesc d = desc.hasData ? desc : desc.dataSuper; d != null; d = d.dataSuper) {
      classes++;
    }
    StreamClassDesc[] hierarchy = new StreamClassDesc[classes];
    for (StreamClassDesc d = desc.hasData ? desc : desc.dataSuper; d != null; d = d.dataSuper) {
      hierarchy[--classes] = d;
    }
    for (StreamClassDesc d : hierarchy) {
      int hashes = d.hashes;
      if (d.tagOffset >= 0 && d.primitiveBytes <= in.remaining()) {
        hashes = hashesOfCollSer(in.peekIntAhead(d.tagOffset) & 0xff);
      }
      in.skip(d.primitiveBytes);
      for (int i = 0; i < d.objectFields; i++) {
        graph.edge(node, content(depth + 1));
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
      byte tag = in.peek();
      if (tag == ObjectStreamConstants.TC_ENDBLOCKDATA) {
        in.readByte();
        return;
      } else if (tag == ObjectStreamConstants.TC_BLOCKDATA) {
        in.readByte();
        in.skip(in.readByte() & 0xff);
      } else if (tag == ObjectStreamConstants.TC_BLOCKDATALONG) {
        in.readByte();
        int length = in.readInt();
        if (length < 0) {
          throw malformed("block data of negative length");
        }
        in.skip(length);
      } else {
        int child = content(depth + 1);
        if (node != LEAF) {
          graph.edge(node, child);
        }
        if (hashes == HASHES_ALL || (hashes == HASHES_KEYS && objects % 2 == 0)) {
          graph.hashed(child);
        }
        objects++;
      }
    }
  }

  /** A class descriptor where one belongs: new, a reference to one, or null. */
  private StreamClassDesc classDesc(int depth) {
    byte tag = in.readByte();
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
  private StreamClassDesc newClassDescs(byte tag, int depth) {
    List<StreamClassDesc> chain = new ArrayList<>(4);
    StreamClassDesc top;
    for (;;) {
      if (tag == ObjectStreamConstants.TC_PROXYCLASSDESC) {
        throw new CodecException(JavaSerializationCodec.PROXY_REFUSED, null);
      }
      chain.add(classDescBody(depth));
      tag = in.readByte();
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
  private StreamClassDesc classDescBody(int depth) {
    StreamClassDesc desc = new StreamClassDesc(in.readName(in.readUnsignedShort()));
    in.skip(8); // serialVersionUID
    assign(LEAF, desc);
    desc.flags = in.readByte() & 0xff;
    if ((desc.flags & ObjectStreamConstants.SC_SERIALIZABLE) != 0
        && (desc.flags & ObjectStreamConstants.SC_EXTERNALIZABLE) != 0) {
      throw malformed("a class both Serializable and Externalizable");
    }
    int fields = in.readShort();
    if (fields < 0) {
      throw malformed("a negative field count");
    }
    boolean collSer = desc.hashes == HASHES_BY_TAG;
    for (int i = 0; i < fields; i++) {
      char type = (char) (in.readByte() & 0xff);
      boolean tag = in.skipNameMatching(in.readUnsignedShort(), "tag") && collSer && type == 'I';
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
    byte tag = in.readByte();
    if (tag == ObjectStreamConstants.TC_STRING) {
      in.skip(in.readUnsignedShort());
      assign(LEAF, null);
    } else if (tag == ObjectStreamConstants.TC_LONGSTRING) {
      in.skip(in.readLong());
      assign(LEAF, null);
    } else if (tag == ObjectStreamConstants.TC_REFERENCE) {
      handle();
    } else if (tag != ObjectStreamConstants.TC_NULL) {
      throw malformed("a field type that is not a string");
    }
  }

  private StreamClassDesc completeDesc(int handle) {
    StreamClassDesc desc = handleDescs[handle];
    if (desc == null) {
      throw malformed("a reference to something other than a class descriptor where one belongs");
    }
    if (!desc.complete) {
      throw malformed("a class descriptor used before it is complete");
    }
    return desc;
  }

  private static StreamClassDesc required(StreamClassDesc desc, String what) {
    if (desc == null) {
      throw malformed(what + " without a class");
    }
    return desc;
  }

  private void checkDepth(int depth) {
    if (depth > limits.maxDepth) {
      throw new CodecException(JavaSerializationCodec.LIMITS + limits.depthRefusal(), null);
    }
  }

  // ---- Handles -------------------------------------------------------------------------------

  private int handle() {
    long handle = (long) in.readInt() - ObjectStreamConstants.baseWireHandle;
    if (handle < 0 || handle >= handles) {
      throw malformed("a reference to a handle not yet assigned");
    }
    return (int) handle;
  }

  private int assign(int node, StreamClassDesc desc) {
    if (handles == handleNodes.length) {
      handleNodes = Arrays.copyOf(handleNodes, handles * 2);
      handleDescs = Arrays.copyOf(handleDescs, handles * 2);
    }
    handleNodes[handles] = node;
    handleDescs[handles] = desc;
    handles++;
    return node;
  }
}
