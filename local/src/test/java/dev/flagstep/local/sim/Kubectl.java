package dev.flagstep.local.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real kubectl in a test, with one kubeconfig: runs to its end, or started to read its output as it comes
 * ({@code get -w}, {@code wait}). Every wait is bounded: kubectl's {@code --request-timeout}, its own
 * {@code --timeout}, or a bounded read of its output.
 */
public record Kubectl(Path kubeconfig) {

    /** What a kubectl run printed (stdout and stderr together). */
    public record Result(int exit, String output) {
    }

    /** Whether kubectl is on the PATH (tests skip without it). */
    public static boolean onPath() {
        String path = System.getenv("PATH");
        if (path == null) return false;
        return Stream.of(path.split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, "kubectl")));
    }

    /** Runs kubectl to its end (bounded by kubectl's request timeout) and asserts it succeeded. */
    public Result run(String... args) throws Exception {
        Process p = start(args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kubectl %s: %s", String.join(" ", args), out).isZero();
        return new Result(p.exitValue(), out);
    }

    /** Starts kubectl; the caller reads its output and destroys it. */
    public Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(), "--request-timeout=30s"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** kubectl's output lines as they come. */
    public static BlockingQueue<String> lines(Process p) {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) q.add(line);
            } catch (IOException ended) {
                // the process was stopped
            }
        });
        return q;
    }

    /** The lines up to the first one after which {@code done} holds for all read, waiting at most a minute for each. */
    public static List<String> until(BlockingQueue<String> lines, java.util.function.Predicate<List<String>> done)
            throws InterruptedException {
        List<String> read = new ArrayList<>();
        while (!done.test(read)) {
            String line = lines.poll(60, TimeUnit.SECONDS);
            assertThat(line).as("more lines from kubectl after %s", read).isNotNull();
            read.add(line);
        }
        return read;
    }

    /** The next line containing {@code text}, waiting at most a minute for it. */
    public static String next(BlockingQueue<String> lines, String text) throws InterruptedException {
        while (true) {
            String line = lines.poll(60, TimeUnit.SECONDS);
            assertThat(line).as("a line with \"%s\" from kubectl", text).isNotNull();
            if (line.contains(text)) return line;
        }
    }
}
