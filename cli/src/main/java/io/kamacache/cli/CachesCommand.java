package io.kamacache.cli;

import io.kamacache.cluster.ClusterAdmin;
import io.kamacache.cluster.ClusterNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kamacache caches}: every cache, its entries summed over the members, and its configuration. */
@Command(name = "caches", mixinStandardHelpOptions = true,
    description = "Lists the caches: entries (in total and on each member), capacity, expiry, backups, statistics.")
final class CachesCommand implements Callable<Integer> {

  @Mixin
  ConnectionOptions connection;

  @Spec
  CommandSpec spec;

  /** One cache across the cluster: the sum of what its owners hold, and its configuration. */
  record Cache(String name, long entries, Map<String, Long> members, long capacity, String expiry, int backups,
      boolean statistics, boolean storeByValue, long nearCapacity, boolean readThrough, boolean writeThrough) {}

  /** A member that could not be asked. */
  record Failure(String member, String error) {}

  record Listing(String cluster, List<Cache> caches, List<Failure> errors) {}

  @Override
  public Integer call() {
    try (ClusterNode node = connection.open()) {
      Map<String, ClusterAdmin.CacheInfo> configuration = new TreeMap<>();
      Map<String, Map<String, Long>> entries = new TreeMap<>();
      List<Failure> errors = new ArrayList<>();
      for (ClusterAdmin.MemberCaches member : node.admin().listCaches()) {
        if (member.error() != null) {
          errors.add(new Failure(member.member(), member.error()));
          continue;
        }
        for (ClusterAdmin.CacheInfo cache : member.caches()) {
          configuration.putIfAbsent(cache.name(), cache);
          entries.computeIfAbsent(cache.name(), n -> new TreeMap<>()).put(member.member(), cache.entries());
        }
      }
      List<Cache> caches = new ArrayList<>();
      configuration.forEach((name, c) -> caches.add(new Cache(name,
          entries.get(name).values().stream().mapToLong(Long::longValue).sum(), entries.get(name), c.capacity(),
          c.expiry(), c.backups(), c.statistics(), c.storeByValue(), c.nearCapacity(), c.readThrough(),
          c.writeThrough())));
      if (connection.json) {
        Output.json(spec.commandLine().getOut(), new Listing(node.cluster(), caches, errors));
      } else {
        Output.Table table = new Output.Table("CACHE", "ENTRIES", "CAPACITY", "EXPIRY", "BACKUPS", "STATISTICS",
            "ON EACH MEMBER");
        for (Cache cache : caches) {
          StringBuilder each = new StringBuilder();
          cache.members().forEach((member, count) -> each.append(each.length() == 0 ? "" : " ")
              .append(member).append('=').append(count));
          table.row(cache.name(), cache.entries(), cache.capacity() == 0 ? "unbounded" : cache.capacity(),
              cache.expiry(), cache.backups(), cache.statistics() ? "on" : "off", each);
        }
        table.print(spec.commandLine().getOut());
        for (Failure failure : errors) {
          spec.commandLine().getErr().println(failure.error());
        }
      }
      return errors.isEmpty() ? 0 : KamaCacheCli.FAILED;
    }
  }
}
