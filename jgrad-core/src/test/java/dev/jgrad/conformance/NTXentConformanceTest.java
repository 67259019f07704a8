package dev.jgrad.conformance;

import dev.jgrad.nn.BatchNorm1d;
import dev.jgrad.nn.Linear;
import dev.jgrad.nn.NTXentLoss;
import dev.jgrad.nn.Parameter;
import dev.jgrad.nn.ReLU;
import dev.jgrad.nn.Sequential;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.jgrad.conformance.AssertClose.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SimCLR's pieces against PyTorch 1.13 (fixtures from scripts/make_fixtures_simclr.py): the NT-Xent loss and
 * dL/dz (the reference computed in float64), and the projection head Linear-BatchNorm1d-ReLU-Linear
 * followed by NT-Xent with every parameter's gradient and BatchNorm1d's running statistics; all within 1e-5
 * relative (plus the helpers' 1e-6 absolute).
 */
class NTXentConformanceTest {

    @ParameterizedTest
    @ValueSource(strings = {"ntxent_basic", "ntxent_low_temperature", "ntxent_large_norms"})
    void ntXent(String name) {
        Fixture f = Fixture.load(name);
        Tensor z = f.leaf("z");
        Tensor loss = new NTXentLoss(f.metaDouble("temperature")).forward(z);
        assertClose(name + " out", f.get("out"), loss);
        loss.backward(f.get("grad_output"));
        assertClose(name + " z.grad", f.get("z.grad"), z.grad());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ntxent_basic", "ntxent_low_temperature"})
    void twoViewForm(String name) {
        Fixture f = Fixture.load(name);
        Tensor z = f.get("z");
        int n = f.metaInt("n");
        Tensor z1 = Tensor.of(z.narrow(0, 0, n).toArray(), n, z.size(1)).requiresGrad(true);
        Tensor z2 = Tensor.of(z.narrow(0, n, n).toArray(), n, z.size(1)).requiresGrad(true);
        Tensor loss = NTXentLoss.ntXent(z1, z2, f.metaDouble("temperature"));
        assertClose(name + " out", f.get("out"), loss);
        loss.backward(f.get("grad_output"));
        assertClose(name + " z1.grad", f.get("z.grad").narrow(0, 0, n), z1.grad());
        assertClose(name + " z2.grad", f.get("z.grad").narrow(0, n, n), z2.grad());
    }

    @org.junit.jupiter.api.Test
    void projectionHeadAndLoss() {
        Fixture f = Fixture.load("simclr_head");
        int features = f.metaInt("features"), hidden = f.metaInt("hidden"), out = f.metaInt("out");
        Generator gen = new Generator(0);
        Sequential head = new Sequential(new Linear(features, hidden, true, gen), new BatchNorm1d(hidden), new ReLU(),
                new Linear(hidden, out, true, gen));
        head.loadStateDict(state(f, head.stateDict().keySet().toArray(String[]::new)));
        BatchNorm1d bn = (BatchNorm1d) head.get(1);
        Tensor h = f.leaf("h");
        Tensor loss = NTXentLoss.ntXent(head.forward(h), f.metaDouble("temperature"));
        assertClose("simclr_head out", f.get("out"), loss);
        loss.backward(f.get("grad_output"));
        assertClose("simclr_head h.grad", f.get("h.grad"), h.grad());
        for (Map.Entry<String, Parameter> e : head.namedParameters().entrySet()) {
            assertClose("simclr_head " + e.getKey() + ".grad", f.get(e.getKey() + ".grad"), e.getValue().grad());
        }
        assertClose("simclr_head 1.running_mean", f.get("1.running_mean.updated"), bn.runningMean());
        assertClose("simclr_head 1.running_var", f.get("1.running_var.updated"), bn.runningVar());
        assertEquals(1, bn.numBatchesTracked());
    }

    private static Map<String, Tensor> state(Fixture f, String... names) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (String n : names) if (f.has(n)) state.put(n, f.get(n));
        return state;
    }
}
