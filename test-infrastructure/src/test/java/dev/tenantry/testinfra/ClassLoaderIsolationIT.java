package dev.tenantry.testinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Quarkus loads test dependencies again in its own class loaders. A second copy of this module
 * must find the servers the first copy started, not start new ones.
 */
@RealInfrastructure
class ClassLoaderIsolationIT {

    @Test
    void aSecondCopyOfTheClassesSharesTheRunningServers(Infrastructure infra) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(toUrl(entry));
        }
        try (URLClassLoader isolated =
                new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Class<?> copy = isolated.loadClass(TenantryInfrastructure.class.getName());
            assertNotSame(TenantryInfrastructure.class, copy);
            Object other = copy.getMethod("get").invoke(null);
            Class<?> api = isolated.loadClass(Infrastructure.class.getName());
            assertEquals(infra.jdbcUrl(), api.getMethod("jdbcUrl").invoke(other));
            assertEquals(
                    infra.kafkaBootstrapServers(),
                    api.getMethod("kafkaBootstrapServers").invoke(other));
            assertEquals(Boolean.TRUE, copy.getMethod("isStarted").invoke(null));
        }
    }

    private static URL toUrl(String entry) {
        try {
            return Path.of(entry).toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(entry, e);
        }
    }
}
