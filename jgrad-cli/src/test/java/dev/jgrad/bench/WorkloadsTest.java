package dev.jgrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadsTest {

    /** The order of ../shared/peers/torch_bench.py's WORKLOADS, which jgrad bench's output must follow. */
    private static final List<String> PEER_ORDER = List.of("sgemm", "lstm_lm_train", "transformer_train",
            "resnet18_cifar_train", "lstm_infer", "transformer_decode");

    @Test
    void registeredWorkloadsArePeerWorkloadsInThePeersOrder() {
        List<String> names = Workloads.peerNames();
        assertTrue(PEER_ORDER.containsAll(names), "not a peer workload: " + names);
        List<String> inPeerOrder = PEER_ORDER.stream().filter(names::contains).toList();
        assertEquals(inPeerOrder, names);
    }

    /** fma_peak is the one workload of jgrad's own, after the peer's, so that the default run stays the peer's. */
    @Test
    void fmaPeakComesAfterThePeersWorkloadsAndIsNotOneOfThem() {
        List<String> expected = new java.util.ArrayList<>(Workloads.peerNames());
        expected.add(Workloads.FMA_PEAK);
        assertEquals(expected, Workloads.names());
        assertEquals(PEER_ORDER, Workloads.peerNames());
    }

    /** The % of peak needs a FLOP count from every peer workload; fma_peak is the peak itself. */
    @Test
    void everyPeerWorkloadCountsItsFlops() {
        for (String name : Workloads.peerNames()) {
            assertTrue(Workloads.create(name).orElseThrow().flopsPerUnit() > 0, name);
        }
        assertEquals(0, Workloads.create(Workloads.FMA_PEAK).orElseThrow().flopsPerUnit());
    }

    @Test
    void eachFactoryMakesAWorkloadOfItsOwnName() {
        for (String name : Workloads.names()) {
            assertEquals(name, Workloads.create(name).orElseThrow().name());
        }
        assertTrue(Workloads.create("no_such_workload").isEmpty());
    }
}
