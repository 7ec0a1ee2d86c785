package dev.inertia.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class JitDirectivesTest {
    @Test
    void theJvmAcceptsTheDirectiveAndListsItsMatch() throws Exception {
        assertTrue(JitDirectives.install(), "the JVM refused the compiler directive:\n" + JitDirectives.DIRECTIVE);
        Object printed = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
                new Object[] {null}, new String[] {String[].class.getName()});
        // compilerDirectivesPrint writes to the JVM's output stream on some versions and returns ""
        String text = String.valueOf(printed);
        assertTrue(text.isEmpty() || text.contains("GemmF32"), "directives listed: " + text);
    }
}
