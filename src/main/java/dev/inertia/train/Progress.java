package dev.inertia.train;

import java.io.Console;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A progress display for a phase of known length (an epoch): percent done, samples per second,
 * the loss and the estimated time left, like
 * {@code epoch 3/10  42.7%  12,345 samples/s  loss 0.4321  ETA 0:12}.
 *
 * <p>On a terminal it redraws one line in place with {@code \r} (at most every 100 ms); when the
 * output is not a terminal (a log file, a pipe, CI) it prints plain lines, at most one every
 * {@code plainIntervalNanos}, and always a last line for the phase. Updates build the line in
 * reused buffers, so a training step that reports progress allocates nothing.
 */
public final class Progress {
    private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Default spacing of plain lines. */
    public static final long DEFAULT_PLAIN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long plainIntervalNanos;

    private final StringBuilder line = new StringBuilder(128);
    private byte[] bytes = new byte[128];
    private String label = "";
    private long total;
    private long startedAt;
    private long lastDrawnAt;
    private boolean drawnOnce;
    private int lastWidth;
    private long done;
    private double loss = Double.NaN;

    /**
     * A display writing to {@code out}; {@code terminal} chooses in-place redraws over plain
     * lines; {@code clock} gives nanoseconds ({@code System::nanoTime}, or a fake in tests).
     */
    public Progress(PrintStream out, boolean terminal, LongSupplier clock, long plainIntervalNanos) {
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = terminal;
        this.clock = Objects.requireNonNull(clock, "clock");
        if (plainIntervalNanos < 0) {
            throw new IllegalArgumentException("plain interval must be >= 0, not " + plainIntervalNanos);
        }
        this.plainIntervalNanos = plainIntervalNanos;
    }

    /** A display on {@code System.err} that redraws in place when it runs on a terminal. */
    public static Progress onStderr() {
        return new Progress(System.err, isTerminal(), System::nanoTime, DEFAULT_PLAIN_INTERVAL_NANOS);
    }

    /**
     * Whether the process is attached to a terminal. Java cannot ask about stderr alone; this
     * asks whether there is an interactive console ({@code System.console()} that
     * {@linkplain Console#isTerminal() is a terminal}).
     */
    public static boolean isTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }

    /** Whether this display redraws one line in place. */
    public boolean terminal() {
        return terminal;
    }

    /** Starts a phase of {@code total} samples; {@code label} (like "epoch 3/10") leads each line. */
    public void begin(String label, long total) {
        if (total < 0) {
            throw new IllegalArgumentException("total must be >= 0, not " + total);
        }
        this.label = Objects.requireNonNull(label, "label");
        this.total = total;
        this.done = 0;
        this.loss = Double.NaN;
        this.startedAt = clock.getAsLong();
        this.lastDrawnAt = startedAt;
        this.drawnOnce = false;
        this.lastWidth = 0;
    }

    /** Reports {@code done} samples of the phase processed and the current (running) loss. */
    public void update(long done, double loss) {
        this.done = done;
        this.loss = loss;
        long now = clock.getAsLong();
        long interval = terminal ? REDRAW_NANOS : plainIntervalNanos;
        if (terminal && !drawnOnce || now - lastDrawnAt >= interval) {
            draw(now, false);
        }
    }

    /** Ends the phase: draws its final state and moves to a new line. */
    public void end() {
        draw(clock.getAsLong(), true);
    }

    private void draw(long now, boolean last) {
        lastDrawnAt = now;
        drawnOnce = true;
        line.setLength(0);
        if (terminal) {
            line.append('\r');
        }
        line.append(label);
        double elapsedS = (now - startedAt) / 1e9;
        double percent = total == 0 ? 100 : 100.0 * done / total;
        line.append("  ");
        appendFixed(percent, 1);
        line.append('%');
        line.append("  ");
        appendGrouped(elapsedS > 0 ? Math.round(done / elapsedS) : 0);
        line.append(" samples/s  loss ");
        appendFixed(loss, 4);
        if (last) {
            line.append("  took ");
            appendDuration(elapsedS);
        } else {
            line.append("  ETA ");
            if (done > 0 && elapsedS > 0) {
                appendDuration(elapsedS * (total - done) / done);
            } else {
                line.append('?');
            }
        }
        int width = line.length() - (terminal ? 1 : 0);
        if (terminal) {
            for (int i = width; i < lastWidth; i++) {
                line.append(' '); // wipe the rest of a longer previous line
            }
        }
        lastWidth = width;
        if (!terminal || last) {
            line.append('\n');
        }
        write();
    }

    /** Writes the line as bytes through a reused buffer: no String per update. */
    private void write() {
        int n = line.length();
        if (bytes.length < 4 * n) {
            bytes = new byte[4 * n];
        }
        int k = 0;
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (c < 0x80) {
                bytes[k++] = (byte) c;
            } else {
                // rare (a non-ASCII label): encode this char alone
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(encoded, 0, bytes, k, encoded.length);
                k += encoded.length;
            }
        }
        out.write(bytes, 0, k);
        out.flush();
    }

    private void appendFixed(double value, int decimals) {
        if (Double.isNaN(value)) {
            line.append("nan");
            return;
        }
        if (Double.isInfinite(value)) {
            line.append(value > 0 ? "inf" : "-inf");
            return;
        }
        long scale = decimals == 1 ? 10 : 10_000;
        long scaled = Math.round(Math.abs(value) * scale);
        if (value < 0 && scaled != 0) {
            line.append('-');
        }
        line.append(scaled / scale).append('.');
        long fraction = scaled % scale;
        for (long s = scale / 10; s > fraction && s > 1; s /= 10) {
            line.append('0');
        }
        line.append(fraction);
    }

    private void appendGrouped(long value) {
        if (value >= 1000) {
            appendGrouped(value / 1000);
            line.append(',');
            long rest = value % 1000;
            if (rest < 100) {
                line.append('0');
            }
            if (rest < 10) {
                line.append('0');
            }
            line.append(rest);
        } else {
            line.append(value);
        }
    }

    /** Like {@code 0:07}, {@code 12:34} or {@code 1:02:03}. */
    private void appendDuration(double seconds) {
        long s = Math.round(Math.min(seconds, 1e9));
        long h = s / 3600;
        long m = s / 60 % 60;
        long sec = s % 60;
        if (h > 0) {
            line.append(h).append(':');
            if (m < 10) {
                line.append('0');
            }
        }
        line.append(m).append(':');
        if (sec < 10) {
            line.append('0');
        }
        line.append(sec);
    }
}
