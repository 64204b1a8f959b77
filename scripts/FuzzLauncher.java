import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs one @FuzzTest method through the JUnit Platform, for scripts/fuzz.sh: Jazzer fuzzes only
 * one fuzz test per JVM. Run in source-file mode with a module's test class path:
 *
 * <pre>
 * java -cp CLASSPATH scripts/FuzzLauncher.java --list com.example.SomeFuzzTest
 * java -cp CLASSPATH scripts/FuzzLauncher.java com.example.SomeFuzzTest#method [key=value ...]
 * </pre>
 *
 * The key=value pairs are JUnit configuration parameters, such as Jazzer's {@code jazzer.*}.
 * The exit status is 0 when the test passed, 1 when it failed (a finding), 2 on a usage error.
 */
public class FuzzLauncher {

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--list")) {
      for (Method method : fuzzTests(Class.forName(args[1]))) {
        System.out.println(method.getName());
      }
      return;
    }
    if (args.length < 1 || !args[0].contains("#")) {
      System.err.println("usage: FuzzLauncher --list CLASS | FuzzLauncher CLASS#METHOD [key=value ...]");
      System.exit(2);
    }
    String className = args[0].substring(0, args[0].indexOf('#'));
    String methodName = args[0].substring(args[0].indexOf('#') + 1);
    Class<?> testClass = Class.forName(className);
    Method target = null;
    for (Method method : fuzzTests(testClass)) {
      if (method.getName().equals(methodName)) {
        target = method;
      }
    }
    if (target == null) {
      System.err.println("no @FuzzTest method " + methodName + " in " + className);
      System.exit(2);
    }
    LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectMethod(testClass, target));
    for (int i = 1; i < args.length; i++) {
      String[] pair = args[i].split("=", 2);
      request.configurationParameter(pair[0], pair.length > 1 ? pair[1] : "");
    }
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(request.build(), listener);
    TestExecutionSummary summary = listener.getSummary();
    PrintWriter out = new PrintWriter(System.out, true);
    summary.printFailuresTo(out, 30);
    out.printf("fuzz-launcher: %s#%s: %d run, %d failed%n", className, methodName,
        summary.getTestsStartedCount(), summary.getTotalFailureCount());
    System.exit(summary.getTotalFailureCount() == 0 && summary.getTestsStartedCount() > 0 ? 0 : 1);
  }

  /** The methods of {@code type} annotated with Jazzer's @FuzzTest, directly or through a meta-annotation. */
  private static List<Method> fuzzTests(Class<?> type) {
    List<Method> found = new ArrayList<>();
    for (Method method : type.getDeclaredMethods()) {
      if (org.junit.platform.commons.support.AnnotationSupport.isAnnotated(method,
          com.code_intelligence.jazzer.junit.FuzzTest.class)) {
        found.add(method);
      }
    }
    found.sort((a, b) -> a.getName().compareTo(b.getName()));
    return found;
  }
}
