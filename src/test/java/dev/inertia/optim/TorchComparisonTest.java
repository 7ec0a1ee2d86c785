package dev.inertia.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.kernels.Simd;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * AdamW, SGD and RMSprop in F64 against torch.optim itself, run by /usr/bin/python3 on the same
 * starting point, gradients and per-step learning rates (script: torch_trajectories.py next to
 * this test's resources). Skipped, with a message, when python3 with torch is not installed
 * (Debian: {@code apt-get install python3-torch}).
 */
class TorchComparisonTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final int N = 1003;
    private static final int STEPS = 25;
    private static final double TOL = 1e-12;

    private static String torchVersion;
    private static double worst;

    @BeforeAll
    static void findTorch() throws Exception {
        if (!Simd.enabled() || !Files.isExecutable(PYTHON)) {
            return;
        }
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch; print(torch.__version__)")
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
            torchVersion = out;
        }
    }

    private record Case(TensorOptimizer<?> optimizer, double[] theta0, double[] lrs, double[][] grads) {}

    private static Case newCase(TensorOptimizer<?> optimizer, long seed, double lr) {
        Random r = new Random(seed);
        double[] theta0 = new double[N];
        double[] lrs = new double[STEPS];
        double[][] grads = new double[STEPS][N];
        for (int i = 0; i < N; i++) {
            theta0[i] = r.nextGaussian();
        }
        for (int k = 0; k < STEPS; k++) {
            lrs[k] = lr * (1 + 0.5 * Math.sin(k + 1));
            for (int i = 0; i < N; i++) {
                grads[k][i] = r.nextGaussian() * (1 + (i % 4));
            }
        }
        return new Case(optimizer, theta0, lrs, grads);
    }

    @Test
    void matchesTorchOptim() throws Exception {
        // The scalar twins give the SIMD kernels' bits (OptimizerKernelsTest): one comparison is enough.
        Assumptions.assumeTrue(Simd.enabled(), "skipped on the scalar path: compared once, on the SIMD path");
        Assumptions.assumeTrue(torchVersion != null,
                "skipped: " + PYTHON + " with torch is not available (apt-get install python3-torch)");
        List<Case> cases = List.of(
                newCase(AdamW.builder().beta1(0.9).beta2(0.99).eps(1e-8).weightDecay(0.02).build(), 1, 0.01),
                newCase(AdamW.builder().build(), 2, 1e-3),
                newCase(SGD.builder().build(), 3, 0.05),
                newCase(SGD.builder().momentum(0.9).dampening(0.1).weightDecay(1e-3).build(), 4, 0.05),
                newCase(SGD.builder().momentum(0.9).nesterov(true).weightDecay(1e-3).build(), 5, 0.05),
                newCase(RMSprop.builder().build(), 6, 0.01),
                newCase(RMSprop.builder().alpha(0.9).momentum(0.8).weightDecay(0.01).build(), 7, 0.003));
        List<String> lines = runTorch(cases);
        assertEquals(cases.size() * STEPS, lines.size(), "lines from torch " + torchVersion);
        int line = 0;
        for (Case c : cases) {
            try (Scope scope = Scope.open()) {
                Tensor theta = Tensor.of(scope, c.theta0.clone());
                Tensor grad = Tensor.zeros(scope, theta.dtype(), N);
                line = follow(c, c.optimizer, theta, grad, lines, line);
            }
        }
        System.out.println("torch " + torchVersion + ": largest relative error over " + cases.size() + " cases of "
                + STEPS + " steps: " + worst);
    }

    private static <S extends OptimizerState> int follow(Case c, TensorOptimizer<S> opt, Tensor theta, Tensor grad,
            List<String> lines, int line) {
        S st = opt.init(theta);
        for (int k = 0; k < STEPS; k++) {
            grad.copyFrom(Tensor.wrap(c.grads[k].clone()));
            opt.setLr(c.lrs[k]);
            opt.step(theta, grad, st);
            String[] hex = lines.get(line++).split(" ");
            double[] torch = new double[hex.length];
            for (int i = 0; i < hex.length; i++) {
                torch[i] = Double.parseDouble(hex[i]);
            }
            double err = Reference.relativeError(theta.toDoubleArray(), torch);
            worst = Math.max(worst, err);
            assertTrue(err <= TOL, opt + " vs torch " + torchVersion + ", step " + (k + 1) + ": relative error " + err);
        }
        return line;
    }

    private static List<String> runTorch(List<Case> cases) throws IOException, InterruptedException {
        StringBuilder json = new StringBuilder("{\"cases\": [");
        for (int c = 0; c < cases.size(); c++) {
            Case k = cases.get(c);
            json.append(c == 0 ? "" : ",").append("{\"optimizer\": \"").append(k.optimizer.name())
                    .append("\", \"hyper\": {");
            boolean first = true;
            for (Map.Entry<String, Double> e : k.optimizer.hyperparameters().entrySet()) {
                json.append(first ? "" : ", ").append('"').append(e.getKey()).append("\": ").append(e.getValue());
                first = false;
            }
            json.append("}, \"lrs\": ").append(numbers(k.lrs)).append(", \"theta0\": ").append(hex(k.theta0))
                    .append(", \"grads\": [");
            for (int s = 0; s < k.grads.length; s++) {
                json.append(s == 0 ? "" : ",").append(hex(k.grads[s]));
            }
            json.append("]}");
        }
        json.append("]}");
        Path script = Files.createTempFile("torch_trajectories", ".py");
        try (InputStream in = TorchComparisonTest.class.getResourceAsStream("torch_trajectories.py")) {
            Files.write(script, in.readAllBytes());
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), script.toString()).start();
            try (OutputStream os = p.getOutputStream()) {
                os.write(json.toString().getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            byte[] err = p.getErrorStream().readAllBytes();
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "torch did not finish");
            assertEquals(0, p.exitValue(), "torch script failed: " + new String(err, StandardCharsets.UTF_8));
            return out.lines().toList();
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static String hex(double[] xs) {
        List<String> s = new ArrayList<>(xs.length);
        for (double x : xs) {
            s.add('"' + Double.toHexString(x) + '"');
        }
        return "[" + String.join(",", s) + "]";
    }

    private static String numbers(double[] xs) {
        List<String> s = new ArrayList<>(xs.length);
        for (double x : xs) {
            s.add(Double.toString(x));
        }
        return "[" + String.join(",", s) + "]";
    }
}
