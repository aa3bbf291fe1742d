package dev.tenantry.testinfra;

/** Asks Testcontainers whether Docker works; only loaded when there is a sign of an engine. */
final class DockerProbe {

    private DockerProbe() {}

    static boolean dockerAvailable() {
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
