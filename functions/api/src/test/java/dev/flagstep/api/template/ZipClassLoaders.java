package dev.flagstep.api.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks a Lambda deployment zip as Lambda does (classes at the root, jars under lib/) and loads
 * classes from it alone, with no parent but the JDK: a class missing from the zip is missing here.
 */
public final class ZipClassLoaders {

    private static final Map<Path, Path> UNPACKED = new ConcurrentHashMap<>();

    private ZipClassLoaders() {}

    /** The zip unpacked once per test JVM into a temporary directory. */
    public static Path unpacked(Path zip) {
        return UNPACKED.computeIfAbsent(zip.toAbsolutePath(), ZipClassLoaders::unzip);
    }

    public static ClassLoader forZip(Path zip) {
        return new URLClassLoader(urls(unpacked(zip)), ClassLoader.getPlatformClassLoader());
    }

    /** classpath entries Lambda's Java runtime uses: the task root and every jar under lib/. */
    public static List<Path> classpath(Path dir) {
        List<Path> entries = new ArrayList<>();
        entries.add(dir);
        Path lib = dir.resolve("lib");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> jars = Files.list(lib)) {
                jars.filter(j -> j.toString().endsWith(".jar")).sorted().forEach(entries::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return entries;
    }

    private static URL[] urls(Path dir) {
        return classpath(dir).stream().map(p -> {
            try {
                return p.toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }).toArray(URL[]::new);
    }

    private static Path unzip(Path zip) {
        try {
            Path dir = Files.createTempDirectory("lambda-zip-");
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
                for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    Path target = dir.resolve(e.getName()).normalize();
                    if (!target.startsWith(dir)) {
                        throw new IOException("zip entry escapes the directory: " + e.getName());
                    }
                    if (e.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(in, target);
                    }
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + zip, e);
        }
    }
}
