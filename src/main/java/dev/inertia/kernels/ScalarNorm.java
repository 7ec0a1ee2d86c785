package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The scalar twin of batch normalization: two passes per channel for the statistics. */
final class ScalarNorm implements NormKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    @Override
    public void batchNormF32(MemorySegment x, long xOff, MemorySegment gamma, long gammaOff, MemorySegment beta,
            long betaOff, MemorySegment y, long yOff, MemorySegment mean, long meanOff, MemorySegment invstd,
            long invstdOff, int outer, int channels, int inner, float eps) {
        float count = (float) outer * inner;
        for (int c = 0; c < channels; c++) {
            float s = 0;
            for (int o = 0; o < outer; o++) {
                long base = xOff + ((long) o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    s += x.getAtIndex(F, base + i);
                }
            }
            float mu = s / count;
            float v = 0;
            for (int o = 0; o < outer; o++) {
                long base = xOff + ((long) o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    float d = x.getAtIndex(F, base + i) - mu;
                    v += d * d;
                }
            }
            float is = 1f / (float) Math.sqrt(v / count + eps);
            float g = gamma.getAtIndex(F, gammaOff + c) * is;
            float b = beta.getAtIndex(F, betaOff + c);
            mean.setAtIndex(F, meanOff + c, mu);
            invstd.setAtIndex(F, invstdOff + c, is);
            for (int o = 0; o < outer; o++) {
                long at = ((long) o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    y.setAtIndex(F, yOff + at + i, (x.getAtIndex(F, xOff + at + i) - mu) * g + b);
                }
            }
        }
    }

    @Override
    public void batchNormF64(MemorySegment x, long xOff, MemorySegment gamma, long gammaOff, MemorySegment beta,
            long betaOff, MemorySegment y, long yOff, MemorySegment mean, long meanOff, MemorySegment invstd,
            long invstdOff, int outer, int channels, int inner, double eps) {
        double count = (double) outer * inner;
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int o = 0; o < outer; o++) {
                long base = xOff + ((long) o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    s += x.getAtIndex(D, base + i);
                }
            }
            double mu = s / count;
            double v = 0;
            for (int o = 0; o < outer; o++) {
                long base = xOff + ((long) o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    double d = x.getAtIndex(D, base + i) - mu;
                    v += d * d;
                }
            }
            double is = 1d / Math.sqrt(v / count + eps);
            double g = gamma.getAtIndex(D, gammaOff + c) * is;
            double b = beta.getAtIndex(D, betaOff + c);
            mean.setAtIndex(D, meanOff + c, mu);
            invstd.setAtIndex(D, invstdOff + c, is);
            for (int o = 0; o < outer; o++) {
                long at = ((long) o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    y.setAtIndex(D, yOff + at + i, (x.getAtIndex(D, xOff + at + i) - mu) * g + b);
                }
            }
        }
    }

    @Override
    public void batchNormBackwardF32(MemorySegment x, long xOff, MemorySegment gamma, long gammaOff,
            MemorySegment mean, long meanOff, MemorySegment invstd, long invstdOff, MemorySegment dy, long dyOff,
            MemorySegment dx, long dxOff, MemorySegment dgamma, long dgammaOff, MemorySegment dbeta, long dbetaOff,
            int outer, int channels, int inner) {
        float count = (float) outer * inner;
        for (int c = 0; c < channels; c++) {
            float mu = mean.getAtIndex(F, meanOff + c), is = invstd.getAtIndex(F, invstdOff + c);
            float sdy = 0, sdyx = 0;
            for (int o = 0; o < outer; o++) {
                long at = ((long) o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    float g = dy.getAtIndex(F, dyOff + at + i);
                    sdy += g;
                    sdyx += g * (x.getAtIndex(F, xOff + at + i) - mu) * is;
                }
            }
            if (dgamma != null) {
                dgamma.setAtIndex(F, dgammaOff + c, sdyx);
            }
            if (dbeta != null) {
                dbeta.setAtIndex(F, dbetaOff + c, sdy);
            }
            if (dx == null) {
                continue;
            }
            float k = gamma.getAtIndex(F, gammaOff + c) * is, mdy = sdy / count, mdyx = sdyx / count;
            for (int o = 0; o < outer; o++) {
                long at = ((long) o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    float xhat = (x.getAtIndex(F, xOff + at + i) - mu) * is;
                    dx.setAtIndex(F, dxOff + at + i, k * (dy.getAtIndex(F, dyOff + at + i) - mdy - xhat * mdyx));
                }
            }
        }
    }

    @Override
    public void batchNormBackwardF64(MemorySegment x, long xOff, MemorySegment gamma, long gammaOff,
            MemorySegment mean, long meanOff, MemorySegment invstd, long invstdOff, MemorySegment dy, long dyOff,
            MemorySegment dx, long dxOff, MemorySegment dgamma, long dgammaOff, MemorySegment dbeta, long dbetaOff,
            int outer, int channels, int inner) {
        double count = (double) outer * inner;
        for (int c = 0; c < channels; c++) {
            double mu = mean.getAtIndex(D, meanOff + c), is = invstd.getAtIndex(D, invstdOff + c);
            double sdy = 0, sdyx = 0;
            for (int o = 0; o < outer; o++) {
                long at = ((long) o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    double g = dy.getAtIndex(D, dyOff + at + i);
                    sdy += g;
                    sdyx += g * (x.getAtIndex(D, xOff + at + i) - mu) * is;
                }
            }
            if (dgamma != null) {
                dgamma.setAtIndex(D, dgammaOff + c, sdyx);
            }
            if (dbeta != null) {
                dbeta.setAtIndex(D, dbetaOff + c, sdy);
            }
            if (dx == null) {
                continue;
            }
            double k = gamma.getAtIndex(D, gammaOff + c) * is, mdy = sdy / count, mdyx = sdyx / count;
            for (int o = 0; o < outer; o++) {
                long at = ((long) o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    double xhat = (x.getAtIndex(D, xOff + at + i) - mu) * is;
                    dx.setAtIndex(D, dxOff + at + i, k * (dy.getAtIndex(D, dyOff + at + i) - mdy - xhat * mdyx));
                }
            }
        }
    }

    @Override
    public void batchNormTangentF32(MemorySegment x, long xOff, MemorySegment gamma, long gammaOff,
            MemorySegment mean, long meanOff, MemorySegment invstd, long invstdOff, MemorySegment tx, long txOff,
            MemorySegment tgamma, long tgammaOff, MemorySegment tbeta, long tbetaOff, MemorySegment t, long tOff,
            int outer, int channels, int inner) {
        float count = (float) outer * inner;
        for (int c = 0; c < channels; c++) {
            float mu = mean.getAtIndex(F, meanOff + c), is = invstd.getAtIndex(F, invstdOff + c);
            float st = 0, stx = 0;
            if (tx != null) {
                for (int o = 0; o < outer; o++) {
                    long at = ((long) o * channels + c) * inner;
                    for (int i = 0; i < inner; i++) {
                        float v = tx.getAtIndex(F, txOff + at + i);
                        st += v;
                        stx += v * (x.getAtIndex(F, xOff + at + i) - mu) * is;
                    }
                }
            }
            float k = gamma.getAtIndex(F, gammaOff + c) * is, mt = st / count, mtx = stx / count;
            float tg = tgamma == null ? 0f : tgamma.getAtIndex(F, tgammaOff + c);
            float tb = tbeta == null ? 0f : tbeta.getAtIndex(F, tbetaOff + c);
            for (int o = 0; o < outer; o++) {
                long at = ((long) o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    float xhat = (x.getAtIndex(F, xOff + at + i) - mu) * is;
                    float v = tx == null ? 0f : tx.getAtIndex(F, txOff + at + i);
                    t.setAtIndex(F, tOff + at + i, k * (v - mt - xhat * mtx) + tg * xhat + tb);
                }
            }
        }
    }

    @Override
    public void batchNormTangentF64(MemorySegment x, long xOff, MemorySegment gamma, long gammaOff,
            MemorySegment mean, long meanOff, MemorySegment invstd, long invstdOff, MemorySegment tx, long txOff,
            MemorySegment tgamma, long tgammaOff, MemorySegment tbeta, long tbetaOff, MemorySegment t, long tOff,
            int outer, int channels, int inner) {
        double count = (double) outer * inner;
        for (int c = 0; c < channels; c++) {
            double mu = mean.getAtIndex(D, meanOff + c), is = invstd.getAtIndex(D, invstdOff + c);
            double st = 0, stx = 0;
            if (tx != null) {
                for (int o = 0; o < outer; o++) {
                    long at = ((long) o * channels + c) * inner;
                    for (int i = 0; i < inner; i++) {
                        double v = tx.getAtIndex(D, txOff + at + i);
                        st += v;
                        stx += v * (x.getAtIndex(D, xOff + at + i) - mu) * is;
                    }
                }
            }
            double k = gamma.getAtIndex(D, gammaOff + c) * is, mt = st / count, mtx = stx / count;
            double tg = tgamma == null ? 0d : tgamma.getAtIndex(D, tgammaOff + c);
            double tb = tbeta == null ? 0d : tbeta.getAtIndex(D, tbetaOff + c);
            for (int o = 0; o < outer; o++) {
                long at = ((long) o * channels + c) * inner;
                for (int i = 0; i < inner; i++) {
                    double xhat = (x.getAtIndex(D, xOff + at + i) - mu) * is;
                    double v = tx == null ? 0d : tx.getAtIndex(D, txOff + at + i);
                    t.setAtIndex(D, tOff + at + i, k * (v - mt - xhat * mtx) + tg * xhat + tb);
                }
            }
        }
    }
}
