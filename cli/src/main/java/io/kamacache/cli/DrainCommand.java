package io.kamacache.cli;

import io.kamacache.cluster.ClusterAdmin;
import io.kamacache.cluster.ClusterNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kamacache drain MEMBER}: the member hands its entries over and leaves the ring, but keeps running. */
@Command(name = "drain", mixinStandardHelpOptions = true,
    description = {"Drains MEMBER before maintenance: it hands every entry it owns to the new owners and leaves the"
        + " ring, but keeps running (state DRAINING) until it is stopped. Returns once it is out of the ring.",
        "Needs an admin's certificate (OU=kamacache-admin) or a member's where members use mutual TLS."})
final class DrainCommand implements Callable<Integer> {

  @Mixin
  ConnectionOptions connection;

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "MEMBER", description = "The member's id, as `kamacache members` lists it.")
  String member;

  @Override
  public Integer call() {
    try (ClusterNode node = connection.open()) {
      ClusterAdmin.Drained drained = node.admin().drain(member);
      if (connection.json) {
        Output.json(spec.commandLine().getOut(), drained);
      } else {
        spec.commandLine().getOut().println("member " + drained.member() + ": " + drained.state() + "; "
            + (drained.handedOver() ? "every entry handed over to its new owner"
            : "some entries could not be handed over and live on their backups only")
            + ". It keeps running until you stop it.");
        spec.commandLine().getOut().flush();
      }
      return 0;
    }
  }
}
