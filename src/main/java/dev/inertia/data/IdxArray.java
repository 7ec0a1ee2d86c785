package dev.inertia.data;

import java.util.Arrays;

/**
 * The contents of an unsigned-byte IDX file: its dimensions and its elements, row-major.
 *
 * @param source where it was read from (a path or a resource name), for messages
 * @param dims   the dimensions, outermost first (for images: count, rows, columns)
 * @param data   the elements as stored (read them with {@code & 0xFF}); the array itself, not a copy
 */
public record IdxArray(String source, int[] dims, byte[] data) {
    public IdxArray {
        dims = dims.clone();
        long size = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(source + ": negative dimension in " + describe(dims));
            }
            size *= d;
            if (size > Idx.MAX_ELEMENTS) {
                throw new IllegalArgumentException(source + ": dimensions " + describe(dims) + " are too large");
            }
        }
        if (size != data.length) {
            throw new IllegalArgumentException(source + ": dimensions " + describe(dims) + " hold " + size
                    + " elements, not " + data.length);
        }
    }

    /** A copy of the dimensions. */
    @Override
    public int[] dims() {
        return dims.clone();
    }

    /** The number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** One dimension. */
    public int dim(int axis) {
        return dims[axis];
    }

    /** Like {@code 60000x28x28}. */
    static String describe(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : "x").append(dims[i]);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdxArray other && source.equals(other.source) && Arrays.equals(dims, other.dims)
                && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dims) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "IdxArray[" + source + ", " + describe(dims) + "]";
    }
}
