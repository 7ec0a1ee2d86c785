package dev.inertia.io;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Reads and writes the safetensors format of Hugging Face, which PyTorch users load with
 * {@code safetensors.torch.load_file}: an 8-byte little-endian header length N, N bytes of JSON
 * {@code {"__metadata__": {"k": "v"}, "name": {"dtype": "F32", "shape": [2, 3],
 * "data_offsets": [begin, end]}, ...}}, then the tensors' little-endian bytes, back to back.
 *
 * <p>Like the reference writer, tensors are laid out widest dtype first, then by name (UTF-8 byte
 * order); the JSON is compact with {@code __metadata__} first (keys sorted) and padded with spaces
 * to a multiple of 8 bytes so the data starts 8-byte aligned.
 *
 * <p>{@link #write} is atomic ({@link AtomicFile}): it writes a temporary file in the target's
 * directory, forces it to disk, and renames it over the target, so a crash or failure leaves
 * either the previous file or the new one, never a mix; a failure names the target. {@link #read} validates everything (header length, UTF-8, JSON,
 * dtypes, shapes, offsets contiguous and matching the sizes, nothing missing or extra) and
 * reports a bad file as one {@link SafeTensorsException} line. Its cost is linear in the file's
 * length whatever the file holds: the header is read only once its length is known to fit the
 * file, {@link JsonParser} bounds its tokens, every dimension must fit an int and shape products
 * must fit a long, and the data is allocated only once the offsets are known to cover exactly the
 * bytes present.
 */
public final class SafeTensors {
    /** The reference implementation's limit on the header (100 MB). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** The header key of the string-to-string metadata. */
    public static final String METADATA_KEY = "__metadata__";

    private static final int CHUNK = 1 << 20;
    private static final long READ_SLICE = 1L << 30;

    private SafeTensors() {
    }

    // ---- the values ----------------------------------------------------------------------

    /**
     * One tensor: its dtype, its shape and its elements in native byte order (the order of
     * {@link Tensor} memory; the file itself is little-endian and conversion happens on the way).
     */
    public record Entry(SafeDtype dtype, long[] shape, MemorySegment data) {
        public Entry {
            Objects.requireNonNull(dtype, "dtype");
            Objects.requireNonNull(data, "data");
            shape = shape.clone();
            long bytes = byteSizeOf(dtype, shape);
            if (bytes < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is negative or too large");
            }
            if (data.byteSize() != bytes) {
                throw new IllegalArgumentException(dtype + Arrays.toString(shape) + " needs " + bytes
                        + " bytes but the data has " + data.byteSize());
            }
        }

        /** The tensor's memory as it is (no copy). */
        public static Entry of(Tensor tensor) {
            long[] shape = Arrays.stream(tensor.shape()).asLongStream().toArray();
            return new Entry(SafeDtype.of(tensor.dtype()), shape, tensor.segment());
        }

        /** F32 values over a Java array (no copy); the shape defaults to {@code [values.length]}. */
        public static Entry ofFloats(float[] values, long... shape) {
            return new Entry(SafeDtype.F32, shapeOr(shape, values.length), MemorySegment.ofArray(values));
        }

        /** F64 values over a Java array (no copy). */
        public static Entry ofDoubles(double[] values, long... shape) {
            return new Entry(SafeDtype.F64, shapeOr(shape, values.length), MemorySegment.ofArray(values));
        }

        /** I32 values over a Java array (no copy). */
        public static Entry ofInts(int[] values, long... shape) {
            return new Entry(SafeDtype.I32, shapeOr(shape, values.length), MemorySegment.ofArray(values));
        }

        /** I64 values over a Java array (no copy). */
        public static Entry ofLongs(long[] values, long... shape) {
            return new Entry(SafeDtype.I64, shapeOr(shape, values.length), MemorySegment.ofArray(values));
        }

        /** U8 values over a Java array (no copy). */
        public static Entry ofBytes(byte[] values, long... shape) {
            return new Entry(SafeDtype.U8, shapeOr(shape, values.length), MemorySegment.ofArray(values));
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** The number of elements. */
        public long elementCount() {
            return data.byteSize() / dtype.byteSize();
        }

        /**
         * The shape as ints, for {@link Tensor}s.
         *
         * @throws IllegalArgumentException when a dimension is beyond {@link Integer#MAX_VALUE} (a
         *                                  shape {@link #read} never returns)
         */
        public int[] intShape() {
            int[] out = new int[shape.length];
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("dimension " + i + " of shape " + Arrays.toString(shape)
                            + " is beyond " + Integer.MAX_VALUE + ", the largest a Tensor has");
                }
                out[i] = (int) shape[i];
            }
            return out;
        }

        /** A {@link Tensor} view of the data (no copy); only for F32, F64, F16 and BF16. */
        public Tensor toTensor() {
            return Tensor.wrap(data, tensorDType(), intShape());
        }

        /** Copies the data into {@code dst}, which must have this dtype and shape. */
        public void copyTo(Tensor dst) {
            DType want = tensorDType();
            if (dst.dtype() != want || !Arrays.equals(dst.shape(), intShape())) {
                throw new IllegalArgumentException("cannot load " + dtype + Arrays.toString(shape) + " into "
                        + dst.describe());
            }
            MemorySegment.copy(data, 0, dst.segment(), 0, data.byteSize());
        }

        public float[] toFloatArray() {
            return data.toArray(checked(SafeDtype.F32, ValueLayout.JAVA_FLOAT));
        }

        public double[] toDoubleArray() {
            return data.toArray(checked(SafeDtype.F64, ValueLayout.JAVA_DOUBLE));
        }

        public int[] toIntArray() {
            return data.toArray(checked(SafeDtype.I32, ValueLayout.JAVA_INT));
        }

        public long[] toLongArray() {
            return data.toArray(checked(SafeDtype.I64, ValueLayout.JAVA_LONG));
        }

        public byte[] toByteArray() {
            return data.toArray(checked(SafeDtype.U8, ValueLayout.JAVA_BYTE));
        }

        private <L extends ValueLayout> L checked(SafeDtype want, L layout) {
            if (dtype != want) {
                throw new IllegalStateException("tensor is " + dtype + ", not " + want);
            }
            return layout;
        }

        private DType tensorDType() {
            DType t = dtype.toDType();
            if (t == null) {
                throw new IllegalStateException(dtype + " has no Tensor dtype (Tensors hold F32, F64, F16, BF16)");
            }
            return t;
        }

        private static long[] shapeOr(long[] shape, int length) {
            return shape.length == 0 ? new long[] {length} : shape;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && e.dtype == dtype && Arrays.equals(e.shape, shape)
                    && data.byteSize() == e.data.byteSize() && data.mismatch(e.data) < 0;
        }

        @Override
        public int hashCode() {
            return dtype.hashCode() * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return dtype + Arrays.toString(shape);
        }
    }

    /** What a file holds: tensors by name (in file order) and the metadata. */
    public record Contents(String file, Map<String, Entry> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }

        /** The tensor named {@code name}; an {@link IllegalArgumentException} naming the file when absent. */
        public Entry get(String name) {
            Entry e = tensors.get(name);
            if (e == null) {
                throw new IllegalArgumentException(file + " has no tensor '" + name + "' (it has " + tensors.keySet()
                        + ")");
            }
            return e;
        }
    }

    // ---- writing -------------------------------------------------------------------------

    /** Writes tensors and no metadata; see {@link #write(Path, Map, Map)}. */
    public static void write(Path file, Map<String, Entry> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} and {@code metadata} to {@code file} atomically: into a temporary file
     * in the same directory, forced to disk, then renamed over {@code file}. If anything fails the
     * temporary file is removed and a previous {@code file} is left as it was. Temporary files of
     * earlier writers of {@code file} whose process died mid-write are removed first.
     */
    public static void write(Path file, Map<String, Entry> tensors, Map<String, String> metadata) throws IOException {
        Objects.requireNonNull(file, "file");
        List<Map.Entry<String, Entry>> ordered = layout(tensors);
        byte[] header = header(ordered, metadata);
        AtomicFile.write(file, channel -> {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            writeFully(channel, prefix);
            writeFully(channel, ByteBuffer.wrap(header));
            ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
            MemorySegment chunkSegment = MemorySegment.ofBuffer(chunk);
            for (Map.Entry<String, Entry> e : ordered) {
                writeData(channel, e.getValue(), chunk, chunkSegment);
            }
        });
    }

    /** The reference order: widest dtype first, then name by UTF-8 bytes. */
    static List<Map.Entry<String, Entry>> layout(Map<String, Entry> tensors) {
        Objects.requireNonNull(tensors, "tensors");
        List<Map.Entry<String, Entry>> ordered = new ArrayList<>(tensors.size());
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "tensor name");
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("'" + METADATA_KEY + "' is reserved for the metadata");
            }
            ordered.add(Map.entry(name, Objects.requireNonNull(e.getValue(), () -> "tensor " + name)));
        }
        Comparator<Map.Entry<String, Entry>> byDtype = Comparator.comparing(e -> e.getValue().dtype());
        ordered.sort(byDtype.reversed().thenComparing((a, b) -> Arrays.compareUnsigned(
                a.getKey().getBytes(StandardCharsets.UTF_8), b.getKey().getBytes(StandardCharsets.UTF_8))));
        return ordered;
    }

    /** The padded JSON header for tensors already in layout order. */
    static byte[] header(List<Map.Entry<String, Entry>> ordered, Map<String, String> metadata) {
        Objects.requireNonNull(metadata, "metadata");
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            Json.quote(json, METADATA_KEY).append(":{");
            boolean first = true;
            for (Map.Entry<String, String> m : new TreeMap<>(metadata).entrySet()) {
                if (!first) {
                    json.append(',');
                }
                first = false;
                Json.quote(json, m.getKey()).append(':');
                Json.quote(json, Objects.requireNonNull(m.getValue(), () -> "metadata value of " + m.getKey()));
            }
            json.append('}');
        }
        long offset = 0;
        for (Map.Entry<String, Entry> e : ordered) {
            if (json.length() > 1) {
                json.append(',');
            }
            Entry t = e.getValue();
            Json.quote(json, e.getKey()).append(":{\"dtype\":\"").append(t.dtype().name()).append("\",\"shape\":[");
            long[] shape = t.shape;
            for (int i = 0; i < shape.length; i++) {
                json.append(i == 0 ? "" : ",").append(shape[i]);
            }
            long end = offset + t.data().byteSize();
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        json.append('}');
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (bytes.length + 7) & ~7;
        byte[] out = Arrays.copyOf(bytes, padded);
        Arrays.fill(out, bytes.length, padded, (byte) ' ');
        return out;
    }

    /** Copies a tensor's native-order elements into little-endian chunks and writes them. */
    private static void writeData(FileChannel channel, Entry entry, ByteBuffer chunk, MemorySegment chunkSegment)
            throws IOException {
        MemorySegment src = entry.data();
        int elementSize = entry.dtype().byteSize();
        ValueLayout nativeLayout = elementLayout(elementSize, ByteOrder.nativeOrder());
        ValueLayout littleLayout = elementLayout(elementSize, ByteOrder.LITTLE_ENDIAN);
        long perChunk = CHUNK / elementSize;
        long total = entry.elementCount();
        for (long done = 0; done < total; ) {
            long n = Math.min(perChunk, total - done);
            MemorySegment.copy(src, nativeLayout, done * elementSize, chunkSegment, littleLayout, 0, n);
            chunk.clear().limit((int) (n * elementSize));
            writeFully(channel, chunk);
            done += n;
        }
    }

    private static ValueLayout elementLayout(int size, ByteOrder order) {
        return switch (size) {
            case 1 -> ValueLayout.JAVA_BYTE;
            case 2 -> ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
            case 4 -> ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
            case 8 -> ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order);
            default -> throw new IllegalArgumentException("element size " + size);
        };
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    // ---- reading -------------------------------------------------------------------------

    /**
     * Reads and validates {@code file}; the tensors' data is copied into memory of {@code scope}
     * (native byte order) and lives as long as it.
     */
    public static Contents read(Path file, Scope scope) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(scope, "scope");
        String name = file.toString();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw new SafeTensorsException(name, "the file has " + fileSize
                        + " bytes, fewer than the 8 of the header length");
            }
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, prefix, 0, name);
            long headerLength = prefix.flip().getLong();
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
                throw new SafeTensorsException(name, "header length " + Long.toUnsignedString(headerLength)
                        + " is beyond the format's limit of " + MAX_HEADER_BYTES + " bytes");
            }
            if (8 + headerLength > fileSize) {
                throw new SafeTensorsException(name, "header length " + headerLength + " runs past the end of the "
                        + fileSize + "-byte file");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8, name);
            Header header = parseHeader(name, headerBytes.flip(), fileSize - 8 - headerLength);
            MemorySegment data = scope.allocate(header.dataLength);
            for (long done = 0; done < header.dataLength; done += READ_SLICE) {
                // a ByteBuffer addresses at most 2 GB: read big files slice by slice
                ByteBuffer target = data.asSlice(done, Math.min(READ_SLICE, header.dataLength - done)).asByteBuffer();
                readFully(channel, target, 8 + headerLength + done, name);
            }
            Map<String, Entry> tensors = new LinkedHashMap<>();
            for (Slot slot : header.slots) {
                MemorySegment slice = data.asSlice(slot.begin, slot.end - slot.begin);
                toNativeOrder(slice, slot.dtype.byteSize());
                tensors.put(slot.name, new Entry(slot.dtype, slot.shape, slice));
            }
            return new Contents(name, tensors, header.metadata);
        }
    }

    private record Slot(String name, SafeDtype dtype, long[] shape, long begin, long end) {
    }

    private record Header(List<Slot> slots, Map<String, String> metadata, long dataLength) {
    }

    private static Header parseHeader(String file, ByteBuffer bytes, long available) throws SafeTensorsException {
        // The fast decoder replaces malformed input by U+FFFD; only then (or for a real U+FFFD) does
        // the strict one, three times slower on a long header, decide.
        String text = new String(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining(),
                StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') >= 0) {
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
            } catch (CharacterCodingException e) {
                throw new SafeTensorsException(file, "the header is not valid UTF-8", e);
            }
        }
        if (!text.startsWith("{")) {
            throw new SafeTensorsException(file, "the header does not start with '{'");
        }
        Object parsed;
        try {
            parsed = JsonParser.parse(text);
        } catch (IllegalArgumentException e) {
            throw new SafeTensorsException(file, "the header is not valid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new SafeTensorsException(file, "the header is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Slot> slots = new ArrayList<>();
        for (Map.Entry<?, ?> e : root.entrySet()) {
            String key = (String) e.getKey();
            if (key.equals(METADATA_KEY)) {
                readMetadata(file, e.getValue(), metadata);
            } else {
                slots.add(slot(file, key, e.getValue()));
            }
        }
        slots.sort(Comparator.comparingLong(Slot::begin).thenComparingLong(Slot::end));
        long expected = 0;
        for (Slot s : slots) {
            if (s.begin != expected) {
                throw new SafeTensorsException(file, "tensor '" + s.name + "' starts at data offset " + s.begin
                        + " but the data before it ends at " + expected + " (offsets must be contiguous from 0)");
            }
            expected = s.end;
        }
        if (expected > available) {
            throw new SafeTensorsException(file, "the tensors need " + expected + " data bytes but the file holds only "
                    + available + " after the header (truncated?)");
        }
        if (expected < available) {
            throw new SafeTensorsException(file, (available - expected) + " bytes follow the last tensor's data");
        }
        return new Header(slots, metadata, expected);
    }

    private static void readMetadata(String file, Object value, Map<String, String> metadata)
            throws SafeTensorsException {
        if (value == null) {
            return;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new SafeTensorsException(file, "'" + METADATA_KEY + "' is not an object");
        }
        for (Map.Entry<?, ?> m : map.entrySet()) {
            if (!(m.getValue() instanceof String s)) {
                throw new SafeTensorsException(file, "metadata '" + m.getKey() + "' is not a string");
            }
            metadata.put((String) m.getKey(), s);
        }
    }

    private static Slot slot(String file, String name, Object value) throws SafeTensorsException {
        String where = "tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> info)) {
            throw new SafeTensorsException(file, where + " is not an object");
        }
        if (!(info.get("dtype") instanceof String dtypeName)) {
            throw new SafeTensorsException(file, where + " has no string \"dtype\"");
        }
        SafeDtype dtype = SafeDtype.byName(dtypeName);
        if (dtype == null) {
            throw new SafeTensorsException(file, where + " has unknown dtype \"" + dtypeName + "\" (known: "
                    + Arrays.toString(SafeDtype.values()) + ")");
        }
        long[] shape = naturals(file, where, "shape", info.get("shape"), -1);
        for (long d : shape) {
            // Tensors have int dimensions; an empty [0, 3000000000] would pass the byte count below.
            if (d > Integer.MAX_VALUE) {
                throw new SafeTensorsException(file, where + " has a shape " + Arrays.toString(shape)
                        + " with a dimension beyond " + Integer.MAX_VALUE);
            }
        }
        long[] offsets = naturals(file, where, "data_offsets", info.get("data_offsets"), 2);
        if (offsets[1] < offsets[0]) {
            throw new SafeTensorsException(file, where + " has data_offsets " + Arrays.toString(offsets)
                    + " that end before they begin");
        }
        long bytes = byteSizeOf(dtype, shape);
        if (bytes < 0) {
            throw new SafeTensorsException(file, where + " has a shape " + Arrays.toString(shape)
                    + " too large to address");
        }
        if (bytes != offsets[1] - offsets[0]) {
            throw new SafeTensorsException(file, where + " is " + dtype + Arrays.toString(shape) + ", " + bytes
                    + " bytes, but its data_offsets " + Arrays.toString(offsets) + " span "
                    + (offsets[1] - offsets[0]));
        }
        return new Slot(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** A JSON array of non-negative integers, of the given length (or any length when negative). */
    private static long[] naturals(String file, String where, String field, Object value, int length)
            throws SafeTensorsException {
        if (!(value instanceof List<?> list)) {
            throw new SafeTensorsException(file, where + " has no array \"" + field + "\"");
        }
        if (length >= 0 && list.size() != length) {
            throw new SafeTensorsException(file, where + " has " + list.size() + " \"" + field + "\", not " + length);
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = list.get(i);
            if (v instanceof Long l && l >= 0) {
                out[i] = l;
            } else if (v instanceof BigInteger) {
                throw new SafeTensorsException(file, where + " has \"" + field + "\" value " + v + " out of range");
            } else {
                throw new SafeTensorsException(file, where + " has \"" + field + "\" value " + v
                        + ", not a non-negative integer");
            }
        }
        return out;
    }

    /** Bytes of a dtype and shape, or -1 on a negative dimension or overflow. */
    private static long byteSizeOf(SafeDtype dtype, long[] shape) {
        long n = dtype.byteSize();
        for (long d : shape) {
            if (d < 0) {
                return -1;
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return n;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, String file)
            throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new SafeTensorsException(file, "the file ended at byte " + at + " while reading (truncated"
                        + " while being read?)");
            }
            at += n;
        }
    }

    /** The file is little-endian; tensors are native-order memory. A no-op on little-endian machines. */
    private static void toNativeOrder(MemorySegment slice, int elementSize) {
        if (elementSize == 1 || ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            return;
        }
        MemorySegment.copy(slice, elementLayout(elementSize, ByteOrder.LITTLE_ENDIAN), 0, slice,
                elementLayout(elementSize, ByteOrder.nativeOrder()), 0, slice.byteSize() / elementSize);
    }
}
