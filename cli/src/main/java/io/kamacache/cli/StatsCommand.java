package io.kamacache.cli;

import io.kamacache.cluster.ClusterAdmin;
import io.kamacache.cluster.ClusterNode;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kamacache stats CACHE}: each member's JSR-107 statistics for the cache, and their total. */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = "Shows each member's statistics for CACHE (the calls made through that member), and the total.")
final class StatsCommand implements Callable<Integer> {

  @Mixin
  ConnectionOptions connection;

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "CACHE", description = "The cache's name.")
  String cache;

  /** The counts summed over the members. */
  record Total(long entries, long gets, long hits, long misses, long puts, long removals, long evictions) {}

  record Report(String cluster, String cache, List<ClusterAdmin.Statistics> members, Total total) {}

  @Override
  public Integer call() {
    try (ClusterNode node = connection.open()) {
      List<ClusterAdmin.Statistics> members = node.admin().statistics(cache);
      long answered = members.stream().filter(s -> s.error() == null).count();
      Total total = new Total(sum(members, ClusterAdmin.Statistics::entries), sum(members, ClusterAdmin.Statistics::gets),
          sum(members, ClusterAdmin.Statistics::hits), sum(members, ClusterAdmin.Statistics::misses),
          sum(members, ClusterAdmin.Statistics::puts), sum(members, ClusterAdmin.Statistics::removals),
          sum(members, ClusterAdmin.Statistics::evictions));
      if (connection.json) {
        Output.json(spec.commandLine().getOut(), new Report(node.cluster(), cache, members, total));
      } else if (answered > 0) {
        Output.Table table = new Output.Table("MEMBER", "STATISTICS", "ENTRIES", "GETS", "HITS", "MISSES", "PUTS",
            "REMOVALS", "EVICTIONS", "AVG GET us", "AVG PUT us", "CALLS SERVED");
        for (ClusterAdmin.Statistics s : members) {
          if (s.error() == null) {
            table.row(s.member(), s.enabled() ? "on" : "off", s.entries(), s.gets(), s.hits(), s.misses(), s.puts(),
                s.removals(), s.evictions(), micros(s.averageGetMicros()), micros(s.averagePutMicros()),
                s.cluster().get("CallsServed"));
          }
        }
        table.row("TOTAL", "", total.entries(), total.gets(), total.hits(), total.misses(), total.puts(),
            total.removals(), total.evictions(), "", "", "");
        table.print(spec.commandLine().getOut());
      }
      if (!connection.json) {
        for (ClusterAdmin.Statistics s : members) {
          if (s.error() != null) {
            spec.commandLine().getErr().println("member " + s.member() + ": " + s.error());
          }
        }
      }
      if (answered == 0) {
        spec.commandLine().getErr().println("kamacache: no member answered for cache '" + cache + "'");
        return KamaCacheCli.FAILED;
      }
      return answered == members.size() ? 0 : KamaCacheCli.FAILED;
    }
  }

  private static long sum(List<ClusterAdmin.Statistics> members,
      ToLongFunction<ClusterAdmin.Statistics> count) {
    return members.stream().filter(s -> s.error() == null).mapToLong(count).sum();
  }

  private static String micros(float value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
