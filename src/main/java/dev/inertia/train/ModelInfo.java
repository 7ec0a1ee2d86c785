package dev.inertia.train;

import dev.inertia.data.Dataset;
import dev.inertia.data.FeatureTransform;
import dev.inertia.data.Scaling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a model file records next to the weights so that a predictor can use the model without
 * its training run: the task, the names of the classes and of the input features, how one
 * example is shaped and whether it is flattened before the model, the model's output width, and
 * the preprocessing applied to raw features.
 *
 * <p>Made with {@link #classification} or {@link #regression}, then {@link #withFeatureNames} and
 * {@link #withFlattenInput} where the defaults do not fit. Every instance is valid: the
 * constructor checks the fields against each other.
 *
 * @param task         classification or regression
 * @param classNames   the classes in output order (classification), empty for regression
 * @param featureNames one name per input feature, row-major over {@code exampleShape}
 * @param exampleShape the shape of one raw example, like {@code [64]} or {@code [1, 28, 28]}
 * @param flattenInput whether examples are fed as {@code [N, features]} rather than
 *                     {@code [N, ...exampleShape]} (an MLP over images)
 * @param outputWidth  the model's outputs per example: the number of classes, or of regression targets
 * @param transform    the preprocessing of raw features ({@link FeatureTransform#IDENTITY} for none)
 */
public record ModelInfo(Task task, List<String> classNames, List<String> featureNames, int[] exampleShape,
        boolean flattenInput, int outputWidth, FeatureTransform transform) {

    /** What the model's outputs mean. */
    public enum Task {
        /** One score (logit) per class. */
        CLASSIFICATION,
        /** Real-valued targets. */
        REGRESSION;

        /** {@code classification} or {@code regression}, as model files store it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The task labelled {@code label} (see {@link #label()}). */
        public static Task parse(String label) {
            for (Task t : values()) {
                if (t.label().equals(label)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown task \"" + label + "\": expected classification or regression");
        }
    }

    /** Checks the fields against each other and copies the lists and the shape. */
    public ModelInfo {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(transform, "transform");
        exampleShape = exampleShape.clone();
        classNames = List.copyOf(classNames);
        featureNames = List.copyOf(featureNames);
        int features = features(exampleShape);
        if (featureNames.size() != features) {
            throw new IllegalArgumentException(featureNames.size() + " feature names for examples of shape "
                    + Arrays.toString(exampleShape) + " (" + features + " features)");
        }
        if (task == Task.CLASSIFICATION) {
            if (classNames.isEmpty()) {
                throw new IllegalArgumentException("a classifier needs at least one class name");
            }
            Set<String> seen = new HashSet<>();
            for (String c : classNames) {
                if (!seen.add(c)) {
                    throw new IllegalArgumentException("class name \"" + c + "\" appears twice");
                }
            }
            if (outputWidth != classNames.size()) {
                throw new IllegalArgumentException("a classifier of " + classNames.size() + " classes has "
                        + classNames.size() + " outputs, not " + outputWidth);
            }
        } else {
            if (!classNames.isEmpty()) {
                throw new IllegalArgumentException("a regression model has no class names, got " + classNames);
            }
            if (outputWidth < 1) {
                throw new IllegalArgumentException("a regression model needs at least one output, got " + outputWidth);
            }
        }
        if (transform instanceof Scaling s && s.features() != features) {
            throw new IllegalArgumentException("the scaling was fitted on " + s.features() + " features but examples"
                    + " have " + features);
        }
    }

    /**
     * A classifier over {@code classNames} (output order), examples of {@code exampleShape} fed
     * in that shape, features named {@code x0}, {@code x1}, ...
     */
    public static ModelInfo classification(List<String> classNames, int[] exampleShape, FeatureTransform transform) {
        return new ModelInfo(Task.CLASSIFICATION, classNames, defaultFeatureNames(exampleShape), exampleShape, false,
                classNames.size(), transform);
    }

    /**
     * A regression model of {@code outputs} targets, examples of {@code exampleShape} fed in that
     * shape, features named {@code x0}, {@code x1}, ...
     */
    public static ModelInfo regression(int outputs, int[] exampleShape, FeatureTransform transform) {
        return new ModelInfo(Task.REGRESSION, List.of(), defaultFeatureNames(exampleShape), exampleShape, false,
                outputs, transform);
    }

    /**
     * What a model trained on {@code data} with {@code transform} needs to predict: a classifier
     * over its class names or a regression of its targets, its example shape and feature names.
     */
    public static ModelInfo of(Dataset data, FeatureTransform transform) {
        ModelInfo info = data.isClassification() ? classification(data.classNames(), data.exampleShape(), transform)
                : regression(data.targetWidth(), data.exampleShape(), transform);
        return info.withFeatureNames(data.featureNames());
    }

    /** This info with the features named {@code names} (one per feature, row-major). */
    public ModelInfo withFeatureNames(List<String> names) {
        return new ModelInfo(task, classNames, names, exampleShape, flattenInput, outputWidth, transform);
    }

    /** This info with examples fed as {@code [N, features]} ({@code true}) or in their shape. */
    public ModelInfo withFlattenInput(boolean flatten) {
        return new ModelInfo(task, classNames, featureNames, exampleShape, flatten, outputWidth, transform);
    }

    /** Features per example: the product of {@link #exampleShape()}. */
    public int features() {
        return features(exampleShape);
    }

    /** The shape one example is fed in: {@code [features]} when flattened, else {@link #exampleShape()}. */
    public int[] inputShape() {
        return flattenInput ? new int[] {features()} : exampleShape.clone();
    }

    /** A copy of the example shape. */
    @Override
    public int[] exampleShape() {
        return exampleShape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelInfo m && task == m.task && classNames.equals(m.classNames)
                && featureNames.equals(m.featureNames) && Arrays.equals(exampleShape, m.exampleShape)
                && flattenInput == m.flattenInput && outputWidth == m.outputWidth && transform.equals(m.transform);
    }

    @Override
    public int hashCode() {
        return Objects.hash(task, classNames, featureNames, Arrays.hashCode(exampleShape), flattenInput, outputWidth,
                transform);
    }

    @Override
    public String toString() {
        return "ModelInfo[" + task.label() + ", " + (task == Task.CLASSIFICATION ? classNames.size() + " classes, "
                : outputWidth + " outputs, ") + "examples " + Arrays.toString(exampleShape)
                + (flattenInput ? " flattened" : "") + ", " + (transform == FeatureTransform.IDENTITY ? "identity"
                : transform) + "]";
    }

    private static int features(int[] shape) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("the example shape needs at least one dimension");
        }
        int n = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("example shape " + Arrays.toString(shape)
                        + " has a dimension below 1");
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static List<String> defaultFeatureNames(int[] exampleShape) {
        int n = features(exampleShape);
        List<String> names = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            names.add("x" + j);
        }
        return names;
    }
}
