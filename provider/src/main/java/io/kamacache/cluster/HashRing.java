package io.kamacache.cluster;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable consistent-hash ring of members, each at {@code virtualNodes} positions. Positions
 * and key hashes are 64-bit murmur3 over bytes (a member's id, a key's codec bytes), so every JVM
 * computes the same owner for the same key. A membership change builds a new ring; readers never
 * see one half-built, and a lookup takes no lock and writes nothing.
 */
public final class HashRing {

  private static final HashFunction HASH = Hashing.murmur3_128(0x6b616d61);

  private final long epoch;
  private final Map<String, Member> members;
  private final long[] positions;
  private final Member[] owners;

  /**
   * A member as the ring knows it: its id, the address peers reach it at, and its incarnation
   * (the lease it registered under), which tells a member that came back apart from its old self.
   */
  public static final class Member {
    final String id;
    final String address;
    final String incarnation;

    public Member(String id, String address) {
      this(id, address, "");
    }

    public Member(String id, String address, String incarnation) {
      this.id = id;
      this.address = address;
      this.incarnation = incarnation;
    }

    /** A member from its registration's value ({@code address=host:port;incarnation=hex}), or null. */
    static Member parse(String id, String value) {
      String address = "";
      String incarnation = "";
      for (String part : value.split(";")) {
        if (part.startsWith("address=")) {
          address = part.substring("address=".length()).trim();
        } else if (part.startsWith("incarnation=")) {
          incarnation = part.substring("incarnation=".length()).trim();
        }
      }
      return address.isEmpty() ? null : new Member(id, address, incarnation);
    }

    public String id() {
      return id;
    }

    public String address() {
      return address;
    }

    public String incarnation() {
      return incarnation;
    }

    @Override public boolean equals(Object other) {
      return other instanceof Member && ((Member) other).id.equals(id) && ((Member) other).address.equals(address)
          && ((Member) other).incarnation.equals(incarnation);
    }

    @Override public int hashCode() {
      return (id.hashCode() * 31 + address.hashCode()) * 31 + incarnation.hashCode();
    }

    @Override public String toString() {
      return id + "@" + address;
    }
  }

  public HashRing(long epoch, Collection<Member> members, int virtualNodes) {
    this.epoch = epoch;
    TreeMap<Long, Member> byPosition = new TreeMap<>();
    Map<String, Member> byId = new TreeMap<>();
    for (Member member : members) {
      byId.put(member.id, member);
      for (int i = 0; i < virtualNodes; i++) {
        long position = HASH.hashString(member.id + "#" + i, StandardCharsets.UTF_8).asLong();
        // On the rare collision, the smaller id keeps the position, the same on every JVM.
        byPosition.merge(position, member, (a, b) -> a.id.compareTo(b.id) <= 0 ? a : b);
      }
    }
    this.members = Collections.unmodifiableMap(byId); // sorted by id, for view()
    this.positions = new long[byPosition.size()];
    this.owners = new Member[byPosition.size()];
    int i = 0;
    for (Map.Entry<Long, Member> entry : byPosition.entrySet()) {
      positions[i] = entry.getKey();
      owners[i] = entry.getValue();
      i++;
    }
  }

  /**
   * The members and their incarnations in a canonical form: two rings with the same view give the
   * same string, whatever their epochs.
   */
  public String view() {
    StringBuilder view = new StringBuilder();
    for (Member member : members.values()) {
      view.append(member.id).append('@').append(member.incarnation).append(',');
    }
    return view.toString();
  }

  /** The etcd revision of the membership view this ring was built from. */
  public long epoch() {
    return epoch;
  }

  public boolean isEmpty() {
    return positions.length == 0;
  }

  public Map<String, Member> members() {
    return members;
  }

  public static long hash(byte[] keyBytes) {
    return HASH.hashBytes(keyBytes).asLong();
  }

  /** The member owning the key with these codec bytes, or null on an empty ring. */
  public Member owner(byte[] keyBytes) {
    return ownerOf(hash(keyBytes));
  }

  Member ownerOf(long hash) {
    if (positions.length == 0) {
      return null;
    }
    int index = Arrays.binarySearch(positions, hash);
    if (index < 0) {
      index = -index - 1;
    }
    return owners[index == positions.length ? 0 : index];
  }

  /** Up to {@code count} distinct members after the owner, clockwise. */
  public List<Member> backups(byte[] keyBytes, int count) {
    List<Member> backups = new ArrayList<>();
    if (positions.length == 0) {
      return backups;
    }
    Member owner = owner(keyBytes);
    int index = Arrays.binarySearch(positions, hash(keyBytes));
    index = index < 0 ? -index - 1 : index;
    for (int step = 0; step < positions.length && backups.size() < count; step++) {
      Member member = owners[(index + step) % positions.length];
      if (!member.equals(owner) && !backups.contains(member)) {
        backups.add(member);
      }
    }
    return backups;
  }

  @Override public String toString() {
    return "HashRing{epoch=" + epoch + ", members=" + members.values() + "}";
  }
}
