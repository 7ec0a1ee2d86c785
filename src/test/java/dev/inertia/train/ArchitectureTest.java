package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.autodiff.Kinks;
import dev.inertia.autodiff.Var;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.BatchNorm1d;
import dev.inertia.nn.BatchNorm2d;
import dev.inertia.nn.Conv2d;
import dev.inertia.nn.Dropout;
import dev.inertia.nn.Flatten;
import dev.inertia.nn.Hardtanh;
import dev.inertia.nn.LeakyReLU;
import dev.inertia.nn.Linear;
import dev.inertia.nn.MaxPool2d;
import dev.inertia.nn.Models;
import dev.inertia.nn.Module;
import dev.inertia.nn.ReLU;
import dev.inertia.nn.ReLU6;
import dev.inertia.nn.Sequential;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Architecture specs: what describe writes, that build gives the same state-dict layout back, and errors. */
class ArchitectureTest {
    /** A model with every kind the registry knows, nested, with non-default arguments. */
    static Sequential everyKind(Scope scope, DType dtype) {
        SplittableRandom r = new SplittableRandom(3);
        return new Sequential(
                new Conv2d(scope, dtype, 2, 4, 3, 2, 1, false, r),
                new BatchNorm2d(scope, dtype, 4, 1e-3, 0.2),
                new ReLU(Kinks.pytorch()),
                new MaxPool2d(3, 2, 1, Kinks.jax()),
                new Flatten(),
                new Sequential(new Linear(scope, dtype, 16, 8, false, r), new LeakyReLU(0.2), new Dropout(scope, 0.25, 9)),
                new BatchNorm1d(scope, dtype, 8),
                new ReLU6(),
                new Hardtanh(),
                new Linear(scope, dtype, 8, 3, r));
    }

    @Test
    void describesTheMlpAsTheDesignSays() {
        try (Scope scope = Scope.open()) {
            assertEquals("{\"format\":\"inertia-architecture-1\",\"type\":\"Sequential\",\"layers\":["
                    + "{\"type\":\"Linear\",\"in\":784,\"out\":1024,\"bias\":true},{\"type\":\"ReLU\"},"
                    + "{\"type\":\"Linear\",\"in\":1024,\"out\":1024,\"bias\":true},{\"type\":\"ReLU\"},"
                    + "{\"type\":\"Linear\",\"in\":1024,\"out\":10,\"bias\":true}]}",
                    Architecture.describe(Models.mlp(scope, DType.F32, 1)));
        }
    }

    @Test
    void buildGivesBackTheSameSpecAndStateDictLayout() {
        try (Scope scope = Scope.open()) {
            for (Module original : List.of(Models.mlp(scope, DType.F32, 1), Models.cnn(scope, DType.F32, 1),
                    everyKind(scope, DType.F64))) {
                String spec = Architecture.describe(original);
                DType dtype = original.stateDict().values().iterator().next().dtype();
                Module rebuilt = Architecture.build(spec, scope, dtype);
                assertEquals(spec, Architecture.describe(rebuilt));
                assertEquals(original.toString(), rebuilt.toString());
                Map<String, Tensor> a = original.stateDict(), b = rebuilt.stateDict();
                assertEquals(List.copyOf(a.keySet()), List.copyOf(b.keySet()));
                a.forEach((k, t) -> assertEquals(t.describe(), b.get(k).describe(), k));
            }
        }
    }

    @Test
    void storesEveryConstructorArgument() {
        try (Scope scope = Scope.open()) {
            String spec = Architecture.describe(everyKind(scope, DType.F32));
            for (String part : List.of(
                    "{\"type\":\"Conv2d\",\"in\":2,\"out\":4,\"kernel\":3,\"stride\":2,\"padding\":1,\"bias\":false}",
                    "{\"type\":\"BatchNorm2d\",\"features\":4,\"eps\":0.001,\"momentum\":0.2}",
                    "{\"type\":\"ReLU\"}", // the kink policy is a training-time choice, not stored
                    "{\"type\":\"MaxPool2d\",\"kernel\":3,\"stride\":2,\"padding\":1}",
                    "{\"type\":\"Flatten\"}",
                    "{\"type\":\"Sequential\",\"layers\":[{\"type\":\"Linear\",\"in\":16,\"out\":8,\"bias\":false},"
                            + "{\"type\":\"LeakyReLU\",\"slope\":0.2},{\"type\":\"Dropout\",\"p\":0.25}]}",
                    "{\"type\":\"BatchNorm1d\",\"features\":8,\"eps\":1.0E-5,\"momentum\":0.1}",
                    "{\"type\":\"ReLU6\"}", "{\"type\":\"Hardtanh\"}")) {
                assertTrue(spec.contains(part), part + " in " + spec);
            }
            Sequential rebuilt = (Sequential) Architecture.build(spec, scope, DType.F32);
            assertEquals(0.25, ((Dropout) ((Sequential) rebuilt.layers().get(5)).layers().get(2)).p());
            assertEquals(1e-3, ((BatchNorm2d) rebuilt.layers().get(1)).eps());
            assertTrue(rebuilt.isTraining(), "built like a constructor leaves it");
        }
    }

    @Test
    void readsTheShortFormWithoutARootType() {
        try (Scope scope = Scope.open()) {
            Module m = Architecture.build("{\"format\":\"inertia-architecture-1\",\"layers\":[{\"type\":\"Linear\","
                    + "\"in\":64,\"out\":64,\"bias\":true},{\"type\":\"ReLU\"},{\"type\":\"LeakyReLU\",\"slope\":0}]}",
                    scope, DType.F64);
            Sequential s = assertInstanceOf(Sequential.class, m);
            assertEquals(64, ((Linear) s.layers().get(0)).out());
            assertEquals(DType.F64, ((Linear) s.layers().get(0)).weight().value().dtype());
            assertEquals(0.0, ((LeakyReLU) s.layers().get(2)).slope(), "an integer where a number goes");
        }
    }

    /** A module of one's own: the registry does not know it. */
    static final class Square extends Module {
        @Override
        public Var forward(Var x) {
            return x.mul(x);
        }
    }

    @Test
    void aModuleWithoutSpecIsNamed() {
        try (Scope scope = Scope.open()) {
            Sequential model = new Sequential(new Linear(scope, DType.F32, 2, 2, new SplittableRandom(1)),
                    new Sequential(new ReLU(), new Square()));
            assertFalse(Architecture.isDescribable(model));
            assertTrue(Architecture.isDescribable(Models.cnn(scope, DType.F32, 1)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Architecture.describe(model));
            assertTrue(e.getMessage().contains("module '1.1' is a " + Square.class.getName()), e.getMessage());
            assertTrue(e.getMessage().contains("weights-only"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Architecture.describe(new Square()));
            assertTrue(e.getMessage().startsWith("the model is a " + Square.class.getName()), e.getMessage());
        }
    }

    private static String buildError(String spec) {
        try (Scope scope = Scope.open()) {
            return assertThrows(IllegalArgumentException.class, () -> Architecture.build(spec, scope, DType.F32))
                    .getMessage();
        }
    }

    private static String spec(String layers) {
        return "{\"format\":\"inertia-architecture-1\",\"type\":\"Sequential\",\"layers\":[" + layers + "]}";
    }

    @Test
    void badSpecsSayWhereAndWhat() {
        assertTrue(buildError("{\"format\":").contains("architecture spec is not valid JSON"));
        assertEquals("architecture spec is not a JSON object", buildError("[1]"));
        assertEquals("architecture spec has format (none), expected \"inertia-architecture-1\"",
                buildError("{\"layers\":[]}"));
        assertEquals("architecture spec has format \"inertia-architecture-9\", expected \"inertia-architecture-1\"",
                buildError("{\"format\":\"inertia-architecture-9\"}"));
        String unknown = buildError(spec("{\"type\":\"ReLU\"},{\"type\":\"Gelu\"}"));
        assertTrue(unknown.startsWith("architecture spec: layers[1] has unknown layer type \"Gelu\" (model files know"
                + " [Sequential, Linear,"), unknown);
        assertEquals("architecture spec: layers[0] (Linear) lacks field \"bias\"",
                buildError(spec("{\"type\":\"Linear\",\"in\":2,\"out\":3}")));
        assertEquals("architecture spec: layers[0] (Linear): field \"in\" is \"two\", expected an integer",
                buildError(spec("{\"type\":\"Linear\",\"in\":\"two\",\"out\":3,\"bias\":true}")));
        assertEquals("architecture spec: layers[0] (Linear): field \"in\" is 2.5, expected an integer",
                buildError(spec("{\"type\":\"Linear\",\"in\":2.5,\"out\":3,\"bias\":true}")));
        assertEquals("architecture spec: layers[0] (Linear): field \"in\" is 4294967296, expected an integer in"
                + " int range", buildError(spec("{\"type\":\"Linear\",\"in\":4294967296,\"out\":3,\"bias\":true}")));
        assertEquals("architecture spec: layers[0] (Linear): field \"bias\" is 1, expected true or false",
                buildError(spec("{\"type\":\"Linear\",\"in\":2,\"out\":3,\"bias\":1}")));
        assertEquals("architecture spec: layers[0] (Linear) has fields [bais] that Linear does not take",
                buildError(spec("{\"type\":\"Linear\",\"in\":2,\"out\":3,\"bias\":true,\"bais\":false}")));
        assertEquals("architecture spec: layers[0] (Dropout): dropout probability must be in [0, 1), got 1.5",
                buildError(spec("{\"type\":\"Dropout\",\"p\":1.5}")));
        assertEquals("architecture spec: layers[1].layers[0] (Linear): Linear needs positive sizes, got 0 -> 3",
                buildError(spec("{\"type\":\"ReLU\"},{\"type\":\"Sequential\",\"layers\":[{\"type\":\"Linear\","
                        + "\"in\":0,\"out\":3,\"bias\":true}]}")));
        assertEquals("architecture spec: layers[0] (Sequential): Sequential needs at least one module",
                buildError(spec("{\"type\":\"Sequential\",\"layers\":[]}")));
        assertEquals("architecture spec: layers[0] is 3, not a module object", buildError(spec("3")));
        assertEquals("architecture spec: layers[0] has no \"type\"", buildError(spec("{\"in\":3}")));
        assertEquals("architecture spec: layers[0] has \"type\" 7, not a string", buildError(spec("{\"type\":7}")));
        assertEquals("architecture spec: the root (Sequential): field \"layers\" is an object, expected a list of"
                + " modules", buildError("{\"format\":\"inertia-architecture-1\",\"layers\":{}}"));
        try (Scope scope = Scope.open()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Architecture.build(spec("{\"type\":\"ReLU\"}"), scope, DType.BF16));
            assertEquals("models are built in F32 or F64, not BF16", e.getMessage());
        }
    }

    @Test
    void builtModelsComputeWhatTheOriginalDoes() {
        try (Scope scope = Scope.open(); dev.inertia.autodiff.Tape tape = new dev.inertia.autodiff.Tape()) {
            Sequential original = everyKind(scope, DType.F64);
            Module rebuilt = Architecture.build(Architecture.describe(original), scope, DType.F64);
            rebuilt.loadStateDict(original.stateDict());
            original.eval();
            rebuilt.eval();
            SplittableRandom r = new SplittableRandom(5);
            double[] x = new double[3 * 2 * 7 * 7];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextDouble(-2, 2);
            }
            Tensor input = Tensor.of(scope, x, 3, 2, 7, 7);
            double[] a = original.forward(tape.constant(input)).value().toDoubleArray();
            double[] b = rebuilt.forward(tape.constant(input)).value().toDoubleArray();
            assertArrayEquals(a, b);
        }
    }
}
