package io.kamacache;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The provider's structure as docs/architecture.md promises it to a reader. */
class ArchitectureTest {

  /** The provider's own classes, as compiled; the generated protocol classes are another module. */
  private static final Path CLASSES = Path.of("target", "classes");

  @Test
  void packagesDependOnEachOtherWithoutCycles() {
    JavaClasses provider = new ClassFileImporter().importPath(CLASSES);
    slices().matching("io.kamacache.(*)..").should().beFreeOfCycles().check(provider);
  }

  /**
   * No class depends on a class that depends on it, so no class calls back into its caller. One
   * package at a time: a cycle across packages is already a package cycle, and a whole-provider
   * search stops reporting once one package's cycles fill its budget.
   */
  @TestFactory
  Stream<DynamicTest> classesInEachPackageDependOnEachOtherWithoutCycles() {
    JavaClasses provider = new ClassFileImporter().importPath(CLASSES);
    Set<String> packages = new TreeSet<>();
    provider.forEach(javaClass -> packages.add(javaClass.getPackageName()));
    return packages.stream().map(name -> DynamicTest.dynamicTest(name, () -> slices()
        .assignedFrom(TOP_LEVEL_CLASSES)
        .should().beFreeOfCycles()
        .check(provider.that(resideInAPackage(name)))));
  }

  /** A class and its nested classes are one slice: a nested class may use its outer class. */
  private static final SliceAssignment TOP_LEVEL_CLASSES = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
      String name = javaClass.getName();
      int nested = name.indexOf('$');
      return SliceIdentifier.of(nested < 0 ? name : name.substring(0, nested));
    }

    @Override
    public String getDescription() {
      return "top-level classes";
    }
  };
}
