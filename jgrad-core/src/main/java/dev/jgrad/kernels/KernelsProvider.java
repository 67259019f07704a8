package dev.jgrad.kernels;

/**
 * Picks the {@link Kernels} implementation once, at class initialisation.
 *
 * <p>{@code -Djgrad.kernels=scalar} forces {@link ScalarKernels}; otherwise {@link VectorKernels}
 * is used when the jdk.incubator.vector module was added to the boot layer
 * ({@code --add-modules jdk.incubator.vector}), else ScalarKernels. Either is a whole set of the narrow
 * interfaces ({@link GemmKernels}, {@link ElementwiseKernels}, {@link ConvKernels}, {@link NormKernels}), so
 * implementations are never mixed. The classes are loaded reflectively so that a JVM without the module
 * never tries to link VectorKernels (nor the Vector* implementations it holds).
 * {@code -Djgrad.kernels.verbose=true} prints the choice to stderr.
 */
final class KernelsProvider {

    static final Kernels INSTANCE = choose();

    private KernelsProvider() {}

    private static Kernels choose() {
        String wanted = System.getProperty("jgrad.kernels", "").trim().toLowerCase(java.util.Locale.ROOT);
        boolean verbose = Boolean.getBoolean("jgrad.kernels.verbose");
        Kernels chosen = null;
        String why;
        if (wanted.equals("scalar")) {
            why = "jgrad.kernels=scalar";
        } else if (wanted.equals("native")) {
            chosen = load("dev.jgrad.kernels.NativeBlasKernels", verbose);
            why = chosen != null ? "jgrad.kernels=native" : "native BLAS unavailable";
            if (chosen == null) chosen = vectorIfPresent(verbose);
        } else if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            chosen = load("dev.jgrad.kernels.VectorKernels", verbose);
            why = chosen != null ? "jdk.incubator.vector present" : "VectorKernels failed to load";
        } else {
            why = "jdk.incubator.vector absent (run with --add-modules jdk.incubator.vector)";
        }
        if (chosen == null) chosen = new ScalarKernels();
        if (verbose) System.err.println("jgrad: kernels = " + chosen.getClass().getSimpleName() + " (" + why + ")");
        return chosen;
    }

    private static Kernels vectorIfPresent(boolean verbose) {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                ? load("dev.jgrad.kernels.VectorKernels", verbose) : null;
    }

    private static Kernels load(String className, boolean verbose) {
        try {
            return (Kernels) Class.forName(className).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            if (verbose) System.err.println("jgrad: cannot use " + className + ": " + e);
            return null;
        }
    }
}
