package dev.jgrad.kernels;

import java.util.Locale;

/**
 * Picks the {@link Kernels} implementation once, at class initialisation.
 *
 * <p>{@code -Djgrad.kernels=scalar} forces {@link ScalarKernels} and {@code -Djgrad.kernels=vector}
 * forces {@link VectorKernels}. Without the property, VectorKernels is used when the
 * jdk.incubator.vector module is in the boot layer ({@code --add-modules jdk.incubator.vector}),
 * else ScalarKernels with one warning on stderr, since the scalar kernels are several times slower
 * and nothing else would tell. Either is a whole set of the narrow interfaces ({@link GemmKernels},
 * {@link ElementwiseKernels}, {@link ConvKernels}, {@link NormKernels}), so implementations are never
 * mixed. The classes are loaded reflectively so that a JVM without the
 * module never tries to link VectorKernels. {@code -Djgrad.kernels.verbose=true} prints the choice.
 */
final class KernelsProvider {

    /** The values {@code -Djgrad.kernels} accepts. */
    static final String KNOWN = "scalar, vector";

    /** Why no implementation could be chosen (a bad -Djgrad.kernels), or null. */
    private static String failure;
    private static final Kernels CHOSEN = chooseOrRecordFailure();

    private KernelsProvider() {}

    /** The chosen implementation; a bad setting is an IllegalStateException with one clear message, on every call. */
    static Kernels instance() {
        if (CHOSEN == null) throw new IllegalStateException(failure);
        return CHOSEN;
    }

    private static Kernels chooseOrRecordFailure() {
        try {
            return choose();
        } catch (IllegalStateException e) {
            failure = e.getMessage();
            return null;
        }
    }

    private static Kernels choose() {
        String wanted = System.getProperty("jgrad.kernels", "").strip().toLowerCase(Locale.ROOT);
        boolean verbose = Boolean.getBoolean("jgrad.kernels.verbose");
        boolean vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        Kernels chosen;
        String why;
        switch (wanted) {
            case "scalar" -> {
                chosen = new ScalarKernels();
                why = "jgrad.kernels=scalar";
            }
            case "vector" -> {
                if (!vectorModule) {
                    throw new IllegalStateException("-Djgrad.kernels=vector needs the Vector API: run java with "
                            + "--add-modules jdk.incubator.vector");
                }
                chosen = loadVector();
                why = "jgrad.kernels=vector";
            }
            case "" -> {
                if (vectorModule) {
                    chosen = loadVector();
                    why = "jdk.incubator.vector present";
                } else {
                    chosen = new ScalarKernels();
                    why = "jdk.incubator.vector absent";
                    System.err.println("jgrad: warning: the Vector API is missing, so the scalar kernels run "
                            + "(several times slower); run java with --add-modules jdk.incubator.vector");
                }
            }
            default -> throw new IllegalStateException("-Djgrad.kernels=" + System.getProperty("jgrad.kernels")
                    + " is not a kernel implementation; known: " + KNOWN);
        }
        if (verbose) System.err.println("jgrad: kernels = " + chosen.getClass().getSimpleName() + " (" + why + ")");
        return chosen;
    }

    private static Kernels loadVector() {
        try {
            return (Kernels) Class.forName("dev.jgrad.kernels.VectorKernels").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("the Vector API kernels failed to load: " + e, e);
        }
    }
}
