package io.kamacache.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code kamacache} command: its subcommands, and its exit codes, 0 when the command did what
 * it was asked, 1 when it failed (etcd unreachable, member unknown, permission denied, ...), 2
 * for a wrong command line.
 *
 * <pre>java -jar kamacache-cli.jar members --config kamacache.properties [--json]</pre>
 */
@Command(name = "kamacache", mixinStandardHelpOptions = true, versionProvider = KamaCacheCli.Version.class,
    description = "Looks at a KamaCache cluster and drains its members, with the settings a client uses.",
    subcommands = {MembersCommand.class, CachesCommand.class, StatsCommand.class, DrainCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:failed (etcd unreachable, member unknown, permission denied, ...)",
        "2:wrong command line"})
public final class KamaCacheCli implements Runnable {

  /** The failure exit code; picocli's usage code, 2, and 0 are its own. */
  static final int FAILED = 1;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: members, caches, stats or drain");
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one command line, writing to {@code out} and {@code err}; returns its exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    quietLogs();
    CommandLine line = new CommandLine(new KamaCacheCli());
    line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    line.setExecutionExceptionHandler((e, failed, parsed) -> {
      failed.getErr().println("kamacache: " + Failures.describe(e));
      return FAILED;
    });
    return line.execute(args);
  }

  /**
   * The client node logs what a long-running member would (connections, retries); a command that
   * prints its own errors shows only severe ones. {@code -Dkamacache.cli.verbose=true} shows all.
   */
  private static void quietLogs() {
    if (!Boolean.getBoolean("kamacache.cli.verbose")) {
      Logger.getLogger("").setLevel(Level.SEVERE);
    }
  }

  /** The version in the jar's manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = KamaCacheCli.class.getPackage().getImplementationVersion();
      return new String[] {"kamacache " + (version == null ? "(development build)" : version)};
    }
  }
}
