package dev.inertia.train;

import dev.inertia.autodiff.Tape;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.BatchNorm;
import dev.inertia.nn.BatchNorm1d;
import dev.inertia.nn.Dropout;
import dev.inertia.nn.Linear;
import dev.inertia.nn.Module;
import dev.inertia.nn.ReLU;
import dev.inertia.nn.Sequential;
import dev.inertia.optim.INNAprop;
import dev.inertia.optim.Optimizer;
import dev.inertia.optim.Param;
import dev.inertia.optim.ParamGroup;
import dev.inertia.optim.StateDict;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small model with every kind of state a checkpoint holds (weights, a batch norm's running
 * statistics and count, a dropout generator) and a two-group INNAprop optimizer, trained a few
 * steps; and a fingerprint of all of it, to prove that a failed load changed nothing.
 */
final class LoadFixtures {
    private LoadFixtures() {}

    /** A model and its optimizer, in one scope. */
    record Run(Module model, Optimizer optimizer) {
    }

    /** The model (6 -> 8 -> 3 with batch norm and dropout) and optimizer after {@code steps} steps from {@code seed}. */
    static Run run(Scope scope, long seed, int steps) {
        SplittableRandom random = new SplittableRandom(seed);
        Sequential model = new Sequential(new Linear(scope, DType.F32, 6, 8, random),
                new BatchNorm1d(scope, DType.F32, 8), new ReLU(), new Dropout(scope, 0.25, seed),
                new Linear(scope, DType.F32, 8, 3, random));
        List<Param> params = new ArrayList<>();
        model.parameters().forEach(p -> params.add(p.param()));
        Optimizer optimizer = Optimizer.builder()
                .group(INNAprop.builder().lr(0.01).build(), params.subList(0, 2))
                .group(INNAprop.builder().lr(0.005).weightDecay(0).build(), params.subList(2, params.size()))
                .build();
        float[] x = new float[4 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        Tensor input = Tensor.of(scope, x, 4, 6);
        try (Tape tape = new Tape()) {
            for (int k = 0; k < steps; k++) {
                tape.reset();
                var out = model.forward(tape.constant(input));
                tape.backward(out.mul(out).sum());
                optimizer.step();
            }
        }
        return new Run(model, optimizer);
    }

    /** SHA-256 of every bit the model and optimizer hold: weights, buffers, counts, generators, states, hyperparameters. */
    static String fingerprint(Run run) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        for (Map.Entry<String, Tensor> e : run.model().stateDict().entrySet()) {
            md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            md.update(e.getValue().segment().toArray(ValueLayout.JAVA_BYTE));
        }
        for (Module m : run.model().namedModules().values()) {
            if (m instanceof BatchNorm bn) {
                md.update(longBytes(bn.numBatchesTracked()));
            }
            if (m instanceof Dropout d) {
                md.update(longBytes(d.rngState()));
            }
        }
        StateDict sd = run.optimizer().stateDict();
        md.update(sd.optimizer().getBytes(StandardCharsets.UTF_8));
        for (StateDict.Group g : sd.paramGroups()) {
            g.hyperparameters().forEach((k, v) -> {
                md.update(k.getBytes(StandardCharsets.UTF_8));
                md.update(longBytes(Double.doubleToRawLongBits(v)));
            });
            for (int p : g.params()) {
                md.update(longBytes(p));
            }
        }
        for (ParamGroup<?> g : run.optimizer().groups()) {
            md.update(longBytes(Double.doubleToRawLongBits(g.lr())));
        }
        sd.state().forEach((p, s) -> {
            md.update(longBytes(p));
            md.update(longBytes(s.step()));
            s.buffers().forEach((k, b) -> {
                md.update(k.getBytes(StandardCharsets.UTF_8));
                md.update(b.data().toArray(ValueLayout.JAVA_BYTE));
            });
        });
        return HexFormat.of().formatHex(md.digest());
    }

    private static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }
}
