package io.kamacache.cli;

import io.kamacache.cluster.ClusterAdmin;
import io.kamacache.cluster.ClusterNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kamacache members}: every member in the cluster's view, as each describes itself. */
@Command(name = "members", mixinStandardHelpOptions = true,
    description = "Lists the members: id, address, role, state (JOINING, SERVING, DRAINING, FENCED), epoch.")
final class MembersCommand implements Callable<Integer> {

  @Mixin
  ConnectionOptions connection;

  @Spec
  CommandSpec spec;

  /** The JSON form: field names are part of the CLI's interface. */
  record Listing(String cluster, List<ClusterAdmin.Member> members) {}

  @Override
  public Integer call() {
    try (ClusterNode node = connection.open()) {
      List<ClusterAdmin.Member> members = node.admin().listMembers();
      if (connection.json) {
        Output.json(spec.commandLine().getOut(), new Listing(node.cluster(), members));
      } else {
        Output.Table table = new Output.Table("ID", "ADDRESS", "ROLE", "STATE", "EPOCH", "INCARNATION");
        for (ClusterAdmin.Member member : members) {
          table.row(member.id(), member.address(), member.role(), member.state(),
              member.error() == null ? member.epoch() : null, member.incarnation());
        }
        table.print(spec.commandLine().getOut());
        for (ClusterAdmin.Member member : members) {
          if (member.error() != null) {
            spec.commandLine().getErr().println(member.error());
          }
        }
      }
      if (members.isEmpty()) {
        spec.commandLine().getErr().println("kamacache: no members in cluster '" + node.cluster()
            + "' (is the cluster name right? --cluster)");
        return KamaCacheCli.FAILED;
      }
      return 0;
    }
  }
}
