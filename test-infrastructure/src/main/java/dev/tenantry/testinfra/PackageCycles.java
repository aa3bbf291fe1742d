package dev.tenantry.testinfra;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * The check that a module's packages depend on each other without cycles, so that each package
 * can be read (and changed) knowing only the ones below it. Every module runs it from a unit test.
 */
public final class PackageCycles {

    private PackageCycles() {}

    /**
     * Fails, naming the classes on each cycle, when two packages of the module that holds {@code
     * anyMainClass} depend on each other, directly or through others. Only that module's own main
     * classes are read: cycles across modules cannot exist (Maven refuses them).
     */
    public static void assertNone(Class<?> anyMainClass) {
        Location location;
        try {
            location = Location.of(anyMainClass
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the classes of " + anyMainClass, e);
        }
        JavaClasses classes = new ClassFileImporter().importLocations(Set.of(location));
        // "(**)": every package is a slice of its own, so a cycle between sub-packages counts too.
        slices().matching("dev.tenantry.(**)").should().beFreeOfCycles().check(classes);
    }
}
