package dev.jgrad.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The benchmark workloads that {@code jgrad bench} knows, by the peer's sub-command names, and {@code fma_peak}.
 *
 * <p>Entries are kept in the order of the PyTorch peer script torch_bench.py (sgemm, lstm_lm_train,
 * transformer_train, resnet18_cifar_train, lstm_infer, transformer_decode) so that
 * {@code jgrad bench} and the peer print their lines in the same order and can be diffed.
 * Suppliers, not instances: a workload allocates its tensors when constructed, and only the
 * ones asked for should pay that.
 */
public final class Workloads {
    private Workloads() {}

    /** The one workload that is not the peer's: jgrad's FMA peak, the yardstick for the others. */
    public static final String FMA_PEAK = "fma_peak";

    private static final Map<String, Supplier<Workload>> REGISTRY = new LinkedHashMap<>();

    static {
        register("sgemm", SgemmWorkload::new);
        register("lstm_lm_train", LstmLmTrainWorkload::new);
        register("transformer_train", TransformerTrainWorkload::new);
        register("resnet18_cifar_train", ResNet18CifarTrainWorkload::new);
        register("lstm_infer", LstmInferWorkload::new);
        register("transformer_decode", TransformerDecodeWorkload::new);
        register(FMA_PEAK, FmaPeakWorkload::new);
    }

    private static void register(String name, Supplier<Workload> factory) {
        if (REGISTRY.putIfAbsent(name, factory) != null) {
            throw new IllegalStateException("workload registered twice: " + name);
        }
    }

    /** Registered names: the peer's workloads in the peer's order, then {@value #FMA_PEAK}. */
    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    /**
     * The peer's workloads, in its order: what {@code jgrad bench} runs by default and what
     * {@code --against torch} can compare. Not {@value #FMA_PEAK}, which the peer script does not have, so
     * that the default output stays line for line the peer's.
     */
    public static List<String> peerNames() {
        return names().stream().filter(n -> !n.equals(FMA_PEAK)).toList();
    }

    /** A fresh instance of the named workload, or empty if no such workload is registered. */
    public static Optional<Workload> create(String name) {
        Supplier<Workload> factory = REGISTRY.get(name);
        return factory == null ? Optional.empty() : Optional.of(factory.get());
    }

    /** Name to factory, in the peer's order; unmodifiable. */
    public static Map<String, Supplier<Workload>> all() {
        return Collections.unmodifiableMap(REGISTRY);
    }
}
