package io.kamacache.chaos.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run's network: a namespace for etcd holding a bridge, and a namespace per member joined to
 * the bridge by a veth pair. Setting a member's bridge port down cuts it from etcd and from every
 * other member at once; up heals it. Every name starts with this run's prefix ({@value #FAMILY}
 * and four hex digits), and a file under {@link #OWNERS} names the JVM that made them, so that a
 * later run can remove what a crashed one left behind without touching a live run's.
 */
final class Netns implements AutoCloseable {

  static final String FAMILY = "kcx";
  /** Where each prefix's owner PID is kept; tmpfs on most machines, so a reboot forgets stale owners. */
  static final Path OWNERS = Path.of(System.getProperty("java.io.tmpdir"), "kamacache-chaos-netns");
  /** Members get .10 and up; .1 is etcd's, on the bridge. */
  private static final int FIRST_MEMBER_HOST = 10;
  /** Addresses .10 to .250 of the /24. */
  static final int MAX_MEMBERS = 240;
  private static final Pattern OURS = Pattern.compile("^(" + FAMILY + "[0-9a-f]{4})[-vb].*");

  private final String prefix;
  private final int subnet;
  private final Map<String, Integer> members = new LinkedHashMap<>();
  private boolean etcdCreated;

  Netns(String prefix, int subnet) {
    this.prefix = prefix;
    this.subnet = subnet;
  }

  /** A fresh prefix and subnet, after removing what dead runs left; nothing is created yet. */
  static Netns allocate(Random random) {
    removeLeftovers(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    String prefix = FAMILY + String.format("%04x", random.nextInt(0x10000));
    Netns netns = new Netns(prefix, random.nextInt(256));
    netns.claim();
    return netns;
  }

  String prefix() {
    return prefix;
  }

  String etcdNamespace() {
    return prefix + "-etcd";
  }

  String etcdAddress() {
    return "10.251." + subnet + ".1";
  }

  String namespace(String member) {
    return prefix + "-" + member;
  }

  /** The member's address; members are numbered in the order they are first added. */
  String address(String member) {
    Integer index = members.get(member);
    if (index == null) {
      throw new IllegalArgumentException("no member " + member + " in " + prefix);
    }
    return "10.251." + subnet + "." + (FIRST_MEMBER_HOST + index);
  }

  /** Interface names are limited to 15 characters, so they carry the member's index, not its id. */
  String memberEnd(int index) {
    return prefix + "v" + index;
  }

  String bridgeEnd(int index) {
    return prefix + "b" + index;
  }

  void createEtcd() {
    String ns = etcdNamespace();
    etcdCreated = true;
    Os.run("ip", "netns", "add", ns);
    Os.run("ip", "-n", ns, "link", "set", "lo", "up");
    Os.run("ip", "-n", ns, "link", "add", "br0", "type", "bridge");
    Os.run("ip", "-n", ns, "addr", "add", etcdAddress() + "/24", "dev", "br0");
    Os.run("ip", "-n", ns, "link", "set", "br0", "up");
  }

  /** Creates the member's namespace and link once; a restarted member keeps both. */
  void addMember(String member) {
    if (members.containsKey(member)) {
      return;
    }
    int index = members.size();
    if (index >= MAX_MEMBERS) {
      throw new IllegalStateException("no addresses left in " + prefix);
    }
    members.put(member, index);
    String ns = namespace(member);
    String inside = memberEnd(index);
    String bridge = bridgeEnd(index);
    Os.run("ip", "netns", "add", ns);
    Os.run("ip", "-n", ns, "link", "set", "lo", "up");
    Os.run("ip", "link", "add", inside, "type", "veth", "peer", "name", bridge);
    Os.run("ip", "link", "set", inside, "netns", ns);
    Os.run("ip", "link", "set", bridge, "netns", etcdNamespace());
    Os.run("ip", "-n", etcdNamespace(), "link", "set", bridge, "master", "br0");
    Os.run("ip", "-n", etcdNamespace(), "link", "set", bridge, "up");
    Os.run("ip", "-n", ns, "addr", "add", address(member) + "/24", "dev", inside);
    Os.run("ip", "-n", ns, "link", "set", inside, "up");
  }

  /** Cuts the member from etcd and every other member: all its traffic crosses this bridge port. */
  void cut(String member) {
    Os.run("ip", "-n", etcdNamespace(), "link", "set", bridgeEnd(members.get(member)), "down");
  }

  void heal(String member) {
    Os.run("ip", "-n", etcdNamespace(), "link", "set", bridgeEnd(members.get(member)), "up");
  }

  /** The command prefix that runs a process inside a namespace; {@code ip netns exec} execs, so the PID is the process's. */
  static List<String> exec(String namespace) {
    return List.of("ip", "netns", "exec", namespace);
  }

  @Override
  public void close() {
    for (String member : members.keySet()) {
      Os.runAllowingFailure("ip", "netns", "del", namespace(member));
    }
    if (etcdCreated) {
      Os.runAllowingFailure("ip", "netns", "del", etcdNamespace());
    }
    removeOrphanLinks(prefix);
    try {
      Files.deleteIfExists(OWNERS.resolve(prefix));
    } catch (IOException e) {
      System.err.println("chaos: could not delete " + OWNERS.resolve(prefix) + ": " + e);
    }
  }

  private void claim() {
    try {
      Files.createDirectories(OWNERS);
      Files.writeString(OWNERS.resolve(prefix), String.valueOf(ProcessHandle.current().pid()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot record the owner of " + prefix + " in " + OWNERS, e);
    }
  }

  /** Deletes namespaces and root-namespace links of our family whose owner is not alive. */
  static void removeLeftovers(LongPredicate alive) {
    List<String> names = new ArrayList<>(namespaceNames(Os.listing("ip", "netns", "list")));
    names.addAll(linkNames(Os.listing("ip", "-o", "link", "show")));
    for (String prefix : stalePrefixes(names, prefix -> ownerAlive(prefix, alive))) {
      System.err.println("chaos: removing namespaces and links left by a dead run: " + prefix + "*");
      for (String ns : namespaceNames(Os.listing("ip", "netns", "list"))) {
        if (ns.startsWith(prefix + "-")) {
          Os.runAllowingFailure("ip", "netns", "del", ns);
        }
      }
      removeOrphanLinks(prefix);
      try {
        Files.deleteIfExists(OWNERS.resolve(prefix));
      } catch (IOException e) {
        System.err.println("chaos: could not delete " + OWNERS.resolve(prefix) + ": " + e);
      }
    }
  }

  /** A veth made but not yet moved into a namespace stays in the root namespace if its maker died. */
  private static void removeOrphanLinks(String prefix) {
    for (String link : linkNames(Os.listing("ip", "-o", "link", "show"))) {
      if (link.startsWith(prefix)) {
        Os.runAllowingFailure("ip", "link", "del", link);
      }
    }
  }

  private static boolean ownerAlive(String prefix, LongPredicate alive) {
    try {
      return alive.test(Long.parseLong(Files.readString(OWNERS.resolve(prefix)).trim()));
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  /** The prefixes of our family among {@code names} whose owner is not alive. */
  static List<String> stalePrefixes(List<String> names, Predicate<String> ownerAlive) {
    List<String> stale = new ArrayList<>();
    for (String name : names) {
      Matcher matcher = OURS.matcher(name);
      if (matcher.matches() && !stale.contains(matcher.group(1)) && !ownerAlive.test(matcher.group(1))) {
        stale.add(matcher.group(1));
      }
    }
    return stale;
  }

  /** Names from {@code ip netns list}, whose lines look like {@code name (id: 3)} or just {@code name}. */
  static List<String> namespaceNames(String listing) {
    return Os.lines(listing).stream().map(line -> line.split("\\s+")[0]).toList();
  }

  /** Names from {@code ip -o link show}: {@code 7: name@peer: <FLAGS> ...}. */
  static List<String> linkNames(String listing) {
    List<String> names = new ArrayList<>();
    for (String line : Os.lines(listing)) {
      String[] fields = line.split(":\\s+", 3);
      if (fields.length >= 2) {
        names.add(fields[1].split("@")[0]);
      }
    }
    return names;
  }
}
