package dev.jgrad.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The benchmark workloads that {@code jgrad bench} knows, by the peer's sub-command names.
 *
 * <p>Entries are kept in the order of the PyTorch peer script torch_bench.py (sgemm, lstm_lm_train,
 * transformer_train, resnet18_cifar_train, lstm_infer, transformer_decode) so that
 * {@code jgrad bench} and the peer print their lines in the same order and can be diffed.
 * Suppliers, not instances: a workload allocates its tensors when constructed, and only the
 * ones asked for should pay that.
 */
public final class Workloads {
    private Workloads() {}

    private static final Map<String, Supplier<Workload>> REGISTRY = new LinkedHashMap<>();

    static {
        register("sgemm", SgemmWorkload::new);
        register("lstm_lm_train", LstmLmTrainWorkload::new);
        register("transformer_train", TransformerTrainWorkload::new);
        register("resnet18_cifar_train", ResNet18CifarTrainWorkload::new);
        register("lstm_infer", LstmInferWorkload::new);
        register("transformer_decode", TransformerDecodeWorkload::new);
    }

    private static void register(String name, Supplier<Workload> factory) {
        if (REGISTRY.putIfAbsent(name, factory) != null) {
            throw new IllegalStateException("workload registered twice: " + name);
        }
    }

    /** Registered names, in the peer's order. */
    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
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
