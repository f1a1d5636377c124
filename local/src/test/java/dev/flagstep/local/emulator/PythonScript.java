package dev.flagstep.local.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a python3 script of the test resources ({@code /emulator/...}) and captures what it prints. */
final class PythonScript {

    record Result(int exitCode, String out, String err) {
        /** The output, or an error that shows what the script printed when it failed. */
        String outOrFail(String what) {
            if (exitCode != 0) {
                throw new AssertionError(what + " exited with " + exitCode + ":\n" + err + out);
            }
            return out;
        }
    }

    private PythonScript() {}

    static Result run(String resource, String stdin, Duration timeout, List<String> args) {
        try {
            Path script = Files.createTempFile("flagstep-", "-" + resource.substring(resource.lastIndexOf('/') + 1));
            script.toFile().deleteOnExit();
            try (InputStream in = PythonScript.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalArgumentException("no test resource " + resource);
                }
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            List<String> command = new ArrayList<>(List.of("python3", script.toString()));
            command.addAll(args);
            return exec(command, stdin, timeout);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Result exec(List<String> command, String stdin, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(command).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted", e);
        }
        return new Result(p.exitValue(), out.join(), err.join());
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
