package dev.inertia.spark;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a {@code Dataset<Row>}'s feature and label columns, checked against the schema on the
 * driver: either one column of {@code array<float|double|int>} or several numeric columns as
 * the features; a numeric label column (an integral class index when the loss wants labels).
 */
final class RowReader implements Serializable {
    private final int[] featureColumns;
    private final boolean arrayColumn;
    private final int labelColumn;
    private final String labelName;
    private final boolean classification;
    private final int features;

    private RowReader(int[] featureColumns, boolean arrayColumn, int labelColumn, String labelName,
            boolean classification, int features) {
        this.featureColumns = featureColumns;
        this.arrayColumn = arrayColumn;
        this.labelColumn = labelColumn;
        this.labelName = labelName;
        this.classification = classification;
        this.features = features;
    }

    /**
     * A reader of {@code featureCols} and {@code labelCol} in {@code schema}; {@code firstRow}
     * gives the feature count of an array column (null when the data set is empty).
     */
    static RowReader of(StructType schema, List<String> featureCols, String labelCol, boolean classification,
            Row firstRow) {
        if (featureCols.isEmpty()) {
            throw new IllegalArgumentException("name at least one feature column");
        }
        int label = index(schema, labelCol, "label");
        DataType labelType = schema.fields()[label].dataType();
        if (!(labelType instanceof NumericType)) {
            throw new IllegalArgumentException("label column '" + labelCol + "' is " + labelType.simpleString()
                    + ", not numeric");
        }
        int[] cols = new int[featureCols.size()];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = index(schema, featureCols.get(i), "feature");
        }
        if (cols.length == 1 && schema.fields()[cols[0]].dataType() instanceof ArrayType array) {
            DataType element = array.elementType();
            if (!(element instanceof NumericType)) {
                throw new IllegalArgumentException("feature column '" + featureCols.getFirst() + "' is "
                        + array.simpleString() + ": the array must hold numbers");
            }
            int n = firstRow == null ? 0 : firstRow.getList(cols[0]).size();
            return new RowReader(cols, true, label, labelCol, classification, n);
        }
        for (int i = 0; i < cols.length; i++) {
            StructField f = schema.fields()[cols[i]];
            if (!(f.dataType() instanceof NumericType)) {
                throw new IllegalArgumentException("feature column '" + f.name() + "' is " + f.dataType().simpleString()
                        + ": give numeric columns, or one array<float> column (an ML Vector column converts"
                        + " with org.apache.spark.ml.functions.vector_to_array)");
            }
        }
        return new RowReader(cols, false, label, labelCol, classification, cols.length);
    }

    private static int index(StructType schema, String name, String what) {
        for (int i = 0; i < schema.fields().length; i++) {
            if (schema.fields()[i].name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no " + what + " column '" + name + "' in the data (columns: "
                + String.join(", ", schema.fieldNames()) + ")");
    }

    int features() {
        return features;
    }

    /** Packs one partition's rows. */
    PackedPartition pack(Iterator<Row> rows, String where) {
        PackedPartition.Growing g = new PackedPartition.Growing(features, classification);
        float[] x = new float[features];
        float[] target = new float[1];
        while (rows.hasNext()) {
            Row r = rows.next();
            String at = where + ", row " + g.rows;
            if (arrayColumn) {
                if (r.isNullAt(featureColumns[0])) {
                    throw new IllegalArgumentException(at + ": the feature array is null");
                }
                List<Object> values = r.getList(featureColumns[0]);
                if (values.size() != features) {
                    throw new IllegalArgumentException(at + ": " + values.size() + " features, the first row has "
                            + features);
                }
                for (int i = 0; i < features; i++) {
                    x[i] = number(values.get(i), at + ", feature " + i);
                }
            } else {
                for (int i = 0; i < features; i++) {
                    x[i] = number(r.isNullAt(featureColumns[i]) ? null : r.get(featureColumns[i]),
                            at + ", column " + r.schema().fields()[featureColumns[i]].name());
                }
            }
            Object raw = r.isNullAt(labelColumn) ? null : r.get(labelColumn);
            if (raw == null) {
                throw new IllegalArgumentException(at + ": label '" + labelName + "' is null");
            }
            double y = ((Number) raw).doubleValue();
            if (classification) {
                if (y != Math.rint(y) || y < 0 || y > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(at + ": label '" + labelName + "' is " + raw
                            + ", not a class index >= 0");
                }
                g.add(x, (int) y, null, where);
            } else {
                target[0] = (float) y;
                g.add(x, -1, target, where);
            }
        }
        return g.done();
    }

    private static float number(Object v, String at) {
        if (v == null) {
            throw new IllegalArgumentException(at + " is null");
        }
        return ((Number) v).floatValue();
    }

    /** The array type a feature column of floats has, for callers building a schema. */
    static DataType floatArray() {
        return DataTypes.createArrayType(DataTypes.FloatType, false);
    }
}
