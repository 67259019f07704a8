package dev.jgrad.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The jars a cluster's executors need to run jgrad's code (spark.jars): those that hold the given classes. A class
 * loaded from a directory of classes (a build's target/classes, as in the tests) is packed into a temporary jar.
 */
final class AppJars {
    private static final Map<Path, Path> PACKED = new ConcurrentHashMap<>();

    private AppJars() {}

    /** The jars of these classes' code, without duplicates, in order. */
    static List<String> of(List<Class<?>> classes) {
        Set<String> jars = new LinkedHashSet<>();
        for (Class<?> c : classes) {
            CodeSource source = c.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) continue; // the JDK's own
            Path where;
            try {
                where = Path.of(source.getLocation().toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException("cannot locate the code of " + c.getName() + ": " + source.getLocation(), e);
            }
            jars.add((Files.isDirectory(where) ? PACKED.computeIfAbsent(where, AppJars::pack) : where).toString());
        }
        return List.copyOf(jars);
    }

    private static Path pack(Path classes) {
        try {
            Path jar = Files.createTempFile("jgrad-app-", ".jar");
            jar.toFile().deleteOnExit();
            try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
                 Stream<Path> files = Files.walk(classes)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                    zip.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    Files.copy(f, zip);
                    zip.closeEntry();
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pack " + classes + " into a jar for the executors: " + e.getMessage(), e);
        }
    }
}
