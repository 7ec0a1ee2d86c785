package dev.inertia.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18, item 7 and "faults on disk": stale temporary files go, failures name the target, nothing is lost. */
class AtomicFileTest {
    @TempDir
    Path dir;

    private static AtomicFile.Body text(String s) {
        return channel -> channel.write(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)));
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The pid of a process that has exited (a short-lived child, waited for). */
    private static long deadPid() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long pid = p.pid();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still alive");
        return pid;
    }

    @Test
    void staleTemporaryFilesOfDeadWritersGoOnTheNextWrite() throws Exception {
        Path target = dir.resolve("ck.st");
        long dead = deadPid();
        long alive = ProcessHandle.current().pid();
        Files.writeString(dir.resolve(".ck.st." + dead + ".1a2b.tmp"), "killed mid-write");
        Files.writeString(dir.resolve(".ck.st." + alive + ".3c4d.tmp"), "a live writer's");
        Files.writeString(dir.resolve(".other.st." + dead + ".5e6f.tmp"), "another file's");
        Files.writeString(dir.resolve(".ck.st.notapid.tmp"), "not ours");
        AtomicFile.write(target, text("new"));
        assertEquals("new", Files.readString(target));
        assertEquals(List.of(".ck.st." + alive + ".3c4d.tmp", ".ck.st.notapid.tmp", ".other.st." + dead + ".5e6f.tmp",
                "ck.st"), names(), "only the dead writer's temporary file of this target is removed");
    }

    @Test
    void failuresNameTheTargetAndLoseNothing() throws IOException {
        Path target = dir.resolve("precious.st");
        AtomicFile.write(target, text("good"));

        // the disk fills up while writing: the message says so and names the target, which is intact
        IOException full = assertThrows(IOException.class, () -> AtomicFile.write(target, channel -> {
            channel.write(ByteBuffer.wrap(new byte[100]));
            throw new IOException("No space left on device");
        }));
        assertTrue(full.getMessage().startsWith("cannot write " + target + ": No space left on device (while"
                + " writing the temporary file .precious.st." + ProcessHandle.current().pid() + "."), full.getMessage());
        assertTrue(full.getMessage().endsWith("precious.st is unchanged)"), full.getMessage());
        assertEquals("good", Files.readString(target));
        assertEquals(List.of("precious.st"), names(), "no temporary file left behind");

        Path directory = Files.createDirectory(dir.resolve("adir"));
        IOException isDir = assertThrows(IOException.class, () -> AtomicFile.write(directory, text("x")));
        assertEquals("cannot write " + directory + ": it is a directory", isDir.getMessage());

        Path missing = dir.resolve("no/such/dir/ck.st");
        IOException noDir = assertThrows(IOException.class, () -> AtomicFile.write(missing, text("x")));
        assertEquals("cannot write " + missing + ": the directory " + missing.getParent() + " does not exist",
                noDir.getMessage());

        Path underFile = target.resolve("ck.st");
        IOException notDir = assertThrows(IOException.class, () -> AtomicFile.write(underFile, text("x")));
        assertEquals("cannot write " + underFile + ": " + target + " is not a directory", notDir.getMessage());
        assertEquals("good", Files.readString(target));
    }

    @Test
    void aDirectoryOneMayNotWriteIsNamed() throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root may write anywhere");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Path target = locked.resolve("ck.st");
            IOException e = assertThrows(IOException.class, () -> AtomicFile.write(target, text("x")));
            assertEquals("cannot write " + target + ": permission denied to create a file in " + locked,
                    e.getMessage());
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
