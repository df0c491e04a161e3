package dev.idempotency.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** The output of a process, line by line, read by a daemon thread as it comes. */
final class ProcessLines {
    private ProcessLines() {
    }

    static BlockingQueue<String> of(Process process) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended or was stopped
            }
        }, "process-output");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }
}
