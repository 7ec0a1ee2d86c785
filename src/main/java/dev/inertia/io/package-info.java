/**
 * Files and text the library reads and writes: the safetensors format ({@link
 * dev.inertia.io.SafeTensors}) of checkpoints and model files, and JSON ({@link
 * dev.inertia.io.JsonParser} reads, {@link dev.inertia.io.Json} writes). A leaf: it depends only
 * on {@code dev.inertia.memory}.
 */
package dev.inertia.io;
