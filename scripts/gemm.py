"""GemmF32.java and GemmF64.java (dev.inertia.kernels.simd) from scripts/templates/Gemm.java.template.

The register tile is MR rows by NV vectors; its accumulators are named locals (c<row>_<vec>)
because an array of vectors would be boxed. Kernels for NV, NV-1, .., 1 vectors are generated
(the narrower ones serve the last columns). The template has its own placeholders ($V, $KERNELS,
..): code is unrolled here, not by scripts/javatemplate.py. Called by scripts/generate.py.
"""

MR = 8     # rows of the register tile
NVMAX = 3  # vectors of the register tile (the template's dispatch expects 3)


def ind(lines, n):
    return '\n'.join((' ' * n + l) if l else '' for l in lines)


def kernel_body(NV):
    acc = [f'c{r}_{v}' for r in range(MR) for v in range(NV)]
    out = []
    out.append(f'$V {", ".join(a + " = zero" for a in acc)};')
    # Byte offsets stepped by the loop (not recomputed from p), and A read with the unaligned
    # layout (no alignment check per broadcast): fewer scalar uops beside the 24 FMAs, which on a
    # core with two FMA ports compete with them for ports 0 and 5. Measured +5-6% (docs/PERFORMANCE.md).
    out.append('long ao = aIdx * $B, bo = bIdx * $B, aEnd = ao + (long) kc * (MR * $B);')
    out.append('for (; ao < aEnd; ao += MR * $B, bo += NR * $B) {')
    for v in range(NV):
        out.append(f'    $V b{v} = $V.fromMemorySegment(S, bp, bo + {v}L * VB, NATIVE);')
    for r in range(MR):
        decl = '$V ' if r == 0 else ''
        out.append(f'    {decl}a = $V.broadcast(S, ap.get(USER, ao + {r}L * $B));')
        out.append('    ' + ' '.join(f'c{r}_{v} = a.fma(b{v}, c{r}_{v});' for v in range(NV)))
    out.append('}')
    out.append('// Park the accumulators in the tile buffer; storeTile applies the epilogue on the way to C.')
    for r in range(MR):
        out.append(' '.join(f'c{r}_{v}.intoMemorySegment(tile, {r * NVMAX + v}L * VB, NATIVE);' for v in range(NV)))
    out.append('storeTile(tile, c, cIdx, ldc, mr, nr, alpha, beta, biasKind, bias, biasIdx, act, lo, hi, slope);')
    return ind(out, 8)


KERNEL_DOC = """    /**
     * The microkernel for a tile of MR rows × {nv} vectors: C tile (mr×nr at cIdx) =
     * epilogue(alpha · Apanel · Bpanel + beta · C), B panels having rows of NR elements. {doc}
     * Self-contained on purpose: vectors never cross a call that C2 might not inline, and the
     * masked code stays out of this method so that it compiles quickly.
     */
    private static void kernel{nv}(MemorySegment ap, long aIdx, MemorySegment bp, long bIdx, int kc, MemorySegment c,
            long cIdx, int ldc, int mr, int nr, $T alpha, $T beta, int biasKind, MemorySegment bias, long biasIdx,
            int act, $T lo, $T hi, $T slope, MemorySegment tile) {{
        $V zero = $V.zero(S);
"""

FULL_DOC = ('The\n     * accumulators go to {@code tile} (MR×NR, this thread\'s, in L1) and {@link #storeTile}\n'
            '     * applies the epilogue in the one pass over the tile of C. Storing a full tile, or applying\n'
            '     * the epilogue, straight from the accumulators makes this method too large for C1 ("out of\n'
            '     * virtual registers"), and HotSpot can then leave it boxing vectors at tier 2 for a long time.')


def kernels():
    parts = []
    for nv in range(NVMAX, 0, -1):
        doc = FULL_DOC if nv == NVMAX else (
            'For the last\n     * columns of C only: the accumulators go through {@code tile} and {@link #storeTile}.')
        parts.append(KERNEL_DOC.format(nv=nv, doc=doc) + kernel_body(nv) + '\n    }\n')
    return '\n'.join(parts)


def transpose_stages(L, src, store, indent):
    """Loads L rows (src.format(r=...)), transposes the L×L block in registers, emits store(q, name)."""
    out = []
    for r in range(L):
        out.append(f'$V x0_{r} = $V.fromMemorySegment(S, {src.format(r=r)}, NATIVE);')
    stage = 0
    h = L // 2
    while h >= 1:
        idx = {1: 0, 2: 1, 4: 2, 8: 3}[h]
        for i in range(L):
            if i & h:
                continue
            out.append(f'$V x{stage + 1}_{i} = lo{idx}.selectFrom(x{stage}_{i}, x{stage}_{i + h}), '
                       f'x{stage + 1}_{i + h} = hi{idx}.selectFrom(x{stage}_{i}, x{stage}_{i + h});')
        stage += 1
        h //= 2
    for q in range(L):
        out.extend(store(q, f'x{stage}_{q}'))
    return ind(out, indent)


def transpose(L):
    """B stored n×k: L rows of B (L values along k each) become L rows of the panel."""
    return transpose_stages(L, 'b, s + {r} * rowStride',
                            lambda q, x: [f'{x}.intoMemorySegment(bp, d + {q}L * NR * $B, NATIVE);'], 20)


def transpose_a16():
    """A stored m×k, 16 lanes: 8 rows × 16 values of k. The 8-lane pattern transposes both halves
    (vector q: column q low, column q + 8 high); one more permute pairs columns 2j, 2j + 1 so
    that every store is a whole, unmasked vector."""
    def store(q, x):
        if q < 7:
            return []
        lines = []
        for j in range(8):
            a, b = (2 * j, 2 * j + 1) if j < 4 else (2 * (j - 4), 2 * (j - 4) + 1)
            sel = 'pairLo' if j < 4 else 'pairHi'
            lines.append(f'{sel}.selectFrom(x3_{a}, x3_{b}).intoMemorySegment(ap, d + {2 * j}L * MR * $B, NATIVE);')
        return lines
    return transpose_stages(8, 'a, s + {r} * rowStride', store, 16)


def transpose_a8():
    """A stored m×k, 8 lanes: 8 rows (one panel) × 8 values of k."""
    return transpose_stages(8, 'a, s + {r} * rowStride',
                            lambda q, x: [f'{x}.intoMemorySegment(ap, d + {q}L * MR * $B, NATIVE);'], 16)


def pack_b_copy():
    out = []
    out.append('if (nr == NR) {')
    for v in range(NVMAX):
        out.append(f'    $V.fromMemorySegment(S, b, src + {v}L * VB, NATIVE).intoMemorySegment(bp, dst + {v}L * VB, NATIVE);')
    out.append('} else {')
    for v in range(NVMAX):
        out.append(f'    $V.fromMemorySegment(S, b, src + {v}L * VB, NATIVE, S.indexInRange({v} * VL, nr))'
                   f'.intoMemorySegment(bp, dst + {v}L * VB, NATIVE);')
    out.append('}')
    return ind(out, 20)


def render(template, prec):
    """The class for prec (32 or 64) from the template's text."""
    if prec == 32:
        r = dict(V='FloatVector', S='F', T='float', B='4', E='Float', SUF='F32', LAY='JAVA_FLOAT', CLS='GemmF32',
                 WIDTH='Widths.F', ZERO='0f', KC='KC_F32')
    else:
        r = dict(V='DoubleVector', S='D', T='double', B='8', E='Double', SUF='F64', LAY='JAVA_DOUBLE',
                 CLS='GemmF64', WIDTH='Widths.D', ZERO='0d', KC='KC_F64')
    t = template.replace('$KERNELS', kernels()).replace('$PACK_B_COPY', pack_b_copy())
    t = t.replace('$PLAIN_ROW', ind([f'$V.fromMemorySegment(S, tile, t + {v}L * VB, NATIVE).intoMemorySegment(c, o + {v}L * VB, NATIVE);'
                                     for v in range(NVMAX)], 12))
    bias = ['$V ' + ', '.join(f'bc{v} = $V.broadcast(S, -$ZERO)' for v in range(NVMAX)) + ';',
            'if (bias != null) {']
    bias += [f'    bc{v} = $V.fromMemorySegment(S, bias, (biasIdx + {v} * VL) * $B, NATIVE);' for v in range(NVMAX)]
    bias.append('}')
    t = t.replace('$BIAS_VECTORS', ind(bias, 8))
    t = t.replace('$EPILOGUE_ROW', ind([f'$V.fromMemorySegment(S, tile, t + {v}L * VB, NATIVE).mul(va).add(bc{v}).max(vlo).min(vhi)'
                                        f'.intoMemorySegment(c, o + {v}L * VB, NATIVE);' for v in range(NVMAX)], 12))
    t = t.replace('$TRANSPOSE16', transpose(16)).replace('$TRANSPOSE8', transpose(8))
    t = t.replace('$TRANSPOSE_A8', transpose_a8()).replace('$TRANSPOSE_A16', transpose_a16())
    t = t.replace('$MR', str(MR)).replace('$NV', str(NVMAX))
    for k, v in sorted(r.items(), key=lambda kv: -len(kv[0])):
        t = t.replace('$' + k, v)
    return t

