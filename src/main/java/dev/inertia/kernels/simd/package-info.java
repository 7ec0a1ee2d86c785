/**
 * The Vector API kernels: one class per kernel family, each the SIMD twin of a scalar class in
 * {@code dev.inertia.kernels}, loaded by name only when {@code jdk.incubator.vector} is readable.
 *
 * <p>No kernel here reinterprets a vector's bits ({@code test(IS_NAN)}, {@code reinterpretAs*},
 * {@code viewAs*}, {@code reinterpretShape}): a NaN test is {@code v.compare(NE, v)}, and bit
 * manipulation loads the memory as ints. Until C2 compiles a caller, the Vector API runs those
 * operations through a byte array wrapped in a memory segment, and that heap segment enters the
 * type profile of {@code FloatVector.intoMemorySegment}; a GEMM microkernel compiled afterwards
 * then fails to intrinsify its stores and boxes its accumulators (the cnn's two-thread step
 * allocated 130-260 MB and ran ~15% slower, in one JVM of three or four). {@code
 * StepAllocationTest} checks that a training step loads no such segment class.
 */
package dev.inertia.kernels.simd;
