package dev.jgrad.nn;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Registration, traversal, naming, modes and state dicts, checked against what PyTorch prints for the same models. */
class ModuleTest {
    private final Generator gen = new Generator(7);

    /** torch: linear1 = Linear(4, 8); norm = LayerNorm(8); mask buffer; tmp non-persistent buffer; scale Parameter. */
    static final class Block extends Module implements UnaryModule {
        Block(Generator gen) {
            registerModule("linear1", new Linear(4, 8, true, gen));
            registerModule("norm", new LayerNorm(8));
            registerBuffer("mask", Tensor.ones(8));
            registerBuffer("tmp", Tensor.ones(8), false);
            registerParameter("scale", new Parameter(Tensor.ones(1)));
        }

        @Override
        public Tensor forward(Tensor x) {
            return ((LayerNorm) getSubmodule("norm")).forward(((Linear) getSubmodule("linear1")).forward(x)).mul(getParameter("scale"));
        }
    }

    static final class Container extends Module {}

    private Module model() {
        Module m = new Container();
        Module encoder = m.registerModule("encoder", new Container());
        encoder.registerModule("layers", new Sequential(new Block(gen), new Block(gen)));
        m.registerModule("head", new Linear(8, 3, false, gen));
        return m;
    }

    @Test
    void stateDictAndParameterNamesFollowPyTorch() {
        Module m = model();
        // Printed by PyTorch 1.13 for the same model: own parameters, own buffers, then children, recursively.
        assertEquals(List.of("encoder.layers.0.scale", "encoder.layers.0.mask", "encoder.layers.0.linear1.weight",
                "encoder.layers.0.linear1.bias", "encoder.layers.0.norm.weight", "encoder.layers.0.norm.bias",
                "encoder.layers.1.scale", "encoder.layers.1.mask", "encoder.layers.1.linear1.weight", "encoder.layers.1.linear1.bias",
                "encoder.layers.1.norm.weight", "encoder.layers.1.norm.bias", "head.weight"), List.copyOf(m.stateDict().keySet()));
        assertEquals(List.of("encoder.layers.0.scale", "encoder.layers.0.linear1.weight", "encoder.layers.0.linear1.bias",
                "encoder.layers.0.norm.weight", "encoder.layers.0.norm.bias", "encoder.layers.1.scale", "encoder.layers.1.linear1.weight",
                "encoder.layers.1.linear1.bias", "encoder.layers.1.norm.weight", "encoder.layers.1.norm.bias", "head.weight"),
                List.copyOf(m.namedParameters().keySet()));
        assertEquals(List.of("", "encoder", "encoder.layers", "encoder.layers.0", "encoder.layers.0.linear1", "encoder.layers.0.norm",
                "encoder.layers.1", "encoder.layers.1.linear1", "encoder.layers.1.norm", "head"), List.copyOf(m.namedModules().keySet()));
        assertEquals(List.of("encoder.layers.0.mask", "encoder.layers.0.tmp", "encoder.layers.1.mask", "encoder.layers.1.tmp"),
                List.copyOf(m.namedBuffers().keySet()));
        assertEquals(List.of("encoder", "head"), List.copyOf(m.namedChildren().keySet()));
        assertEquals(2 * (1 + 32 + 8 + 8 + 8) + 24, m.numParameters());
        assertSame(m.getParameter("encoder.layers.1.linear1.bias"), m.namedParameters().get("encoder.layers.1.linear1.bias"));
    }

    @Test
    void replacingASequentialChildChangesForwardAndStateDict() {
        Linear first = new Linear(2, 2, true, gen), second = new Linear(2, 2, true, gen);
        Sequential s = new Sequential(first, new ReLU());
        Tensor x = Tensor.of(new float[] {1, -2}, 1, 2);
        s.set(0, second);
        assertArrayEquals(second.forward(x).relu().toArray(), s.forward(x).toArray());
        assertSame(second.weight(), s.getParameter("0.weight"));
        s.registerModule("0", first); // as a new head is put in place by name
        assertArrayEquals(first.forward(x).relu().toArray(), s.forward(x).toArray());
        // The same module twice is applied twice, as in torch.nn.Sequential(l, l).
        Sequential twice = new Sequential(first, first);
        assertArrayEquals(first.forward(first.forward(x)).toArray(), twice.forward(x).toArray());
        assertThrows(IndexOutOfBoundsException.class, () -> s.set(2, new ReLU()));
    }

    @Test
    void nestedSequentialNames() {
        Sequential s = new Sequential(new Linear(2, 3, true, gen), new ReLU(), new Sequential(new Linear(3, 3, true, gen), new Tanh()),
                new LayerNorm(3), new Dropout(0.1), new GELU());
        assertEquals(List.of("0.weight", "0.bias", "2.0.weight", "2.0.bias", "3.weight", "3.bias"), List.copyOf(s.stateDict().keySet()));
        assertEquals(6, s.size());
        assertInstanceOf(Tanh.class, ((Sequential) s.get(2)).get(-1));
        assertEquals("""
                Sequential(
                  (0): Linear(in_features=2, out_features=3, bias=True)
                  (1): ReLU()
                  (2): Sequential(
                    (0): Linear(in_features=3, out_features=3, bias=True)
                    (1): Tanh()
                  )
                  (3): LayerNorm((3,), eps=1e-05, elementwise_affine=True)
                  (4): Dropout(p=0.1, inplace=False)
                  (5): GELU(approximate='none')
                )""", s.toString());
        assertEquals("Embedding(10, 3, padding_idx=0)", new Embedding(10, 3, 0, gen).toString());
        Tensor y = s.forward(Tensor.normal(0, 1, gen, 5, 2));
        assertArrayEquals(new int[] {5, 3}, y.shape());
        assertThrows(IndexOutOfBoundsException.class, () -> s.get(6));
    }

    @Test
    void tiedWeightsCountOnce() {
        Embedding emb = new Embedding(10, 4, gen);
        Linear head = new Linear(4, 10, false, gen);
        Module lm = new Container();
        lm.registerModule("wte", emb);
        lm.registerModule("lm_head", head);
        head.registerParameter("weight", emb.weight()); // lm_head.weight = wte.weight
        assertSame(emb.weight(), head.weight());
        assertEquals(List.of("wte.weight"), List.copyOf(lm.namedParameters().keySet()));
        assertEquals(1, lm.parameters().size());
        assertEquals(40, lm.numParameters());
        // state_dict keeps both names, as PyTorch's does.
        assertEquals(List.of("wte.weight", "lm_head.weight"), List.copyOf(lm.stateDict().keySet()));
        // Gradients from both uses accumulate in the one tensor.
        Tensor logits = head.forward(emb.forward(dev.jgrad.tensor.IntTensor.of(new int[] {1, 2})));
        logits.sum().backward();
        assertNotNull(emb.weight().grad());
    }

    @Test
    void trainEvalZeroGradAndFreezing() {
        Module m = model();
        assertTrue(m.isTraining());
        m.eval();
        for (Module sub : m.modules()) assertFalse(sub.isTraining());
        m.train();
        for (Module sub : m.modules()) assertTrue(sub.isTraining());

        Sequential layers = (Sequential) m.getSubmodule("encoder.layers");
        Tensor out = ((Block) layers.get(0)).forward(Tensor.normal(0, 1, gen, 2, 4));
        out.sum().backward();
        assertNotNull(m.getParameter("encoder.layers.0.linear1.weight").grad());
        m.zeroGrad();
        for (Parameter p : m.parameters()) assertNull(p.grad());

        m.getSubmodule("encoder").requiresGrad(false);
        assertEquals(24, m.numParameters(true));
        assertFalse(m.getParameter("encoder.layers.1.norm.bias").requiresGrad());
        assertTrue(m.getParameter("head.weight").requiresGrad());
        List<String> visited = new java.util.ArrayList<>();
        m.apply(mod -> visited.add(mod.getClass().getSimpleName()));
        assertEquals("Container", visited.getLast()); // children first, then the module itself
    }

    @Test
    void loadStateDictCopiesInPlace() {
        Module a = model(), b = model();
        Parameter target = b.getParameter("head.weight");
        Module.LoadResult r = b.loadStateDict(a.stateDict(), true);
        assertTrue(r.missingKeys().isEmpty() && r.unexpectedKeys().isEmpty());
        assertSame(target, b.getParameter("head.weight")); // same tensor object, so an optimiser keeps working
        assertArrayEquals(a.getParameter("head.weight").toArray(), target.toArray());
        assertArrayEquals(a.getParameter("encoder.layers.0.linear1.bias").toArray(), b.getParameter("encoder.layers.0.linear1.bias").toArray());
        // stateDict tensors share storage with the module.
        Tensor w = a.stateDict().get("head.weight");
        assertSame(a.getParameter("head.weight").storage(), w.storage());
        assertFalse(w.requiresGrad());
    }

    @Test
    void loadStateDictErrorsListEveryProblem() {
        Linear lin = new Linear(2, 3, true, gen);
        float[] before = lin.weight().toArray();
        Map<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("weight", Tensor.zeros(3, 3));
        sd.put("foo", Tensor.zeros(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lin.loadStateDict(sd, true));
        // PyTorch's message for the same call, with shapes printed as lists instead of torch.Size.
        assertEquals("Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: \"bias\". \n\t"
                + "Unexpected key(s) in state_dict: \"foo\". \n\tsize mismatch for weight: copying a param with shape [3, 3] from checkpoint, "
                + "the shape in current model is [3, 2].", e.getMessage());
        assertArrayEquals(before, lin.weight().toArray()); // nothing copied

        // Non-strict tolerates missing and unexpected keys but never a shape mismatch.
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> lin.loadStateDict(sd, false));
        assertTrue(e2.getMessage().contains("size mismatch for weight"), e2.getMessage());
        assertFalse(e2.getMessage().contains("Missing"), e2.getMessage());

        Map<String, Tensor> partial = Map.of("weight", Tensor.ones(3, 2), "extra.thing", Tensor.zeros(2));
        Module.LoadResult r = lin.loadStateDict(partial, false);
        assertEquals(List.of("bias"), r.missingKeys());
        assertEquals(List.of("extra.thing"), r.unexpectedKeys());
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, lin.weight().toArray());

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> lin.loadStateDict(Map.of("weight", Tensor.ones(3, 2))));
        assertEquals("Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: \"bias\". ", missing.getMessage());
    }

    @Test
    void namesAreValidated() {
        Module m = new Container();
        m.registerParameter("w", new Parameter(Tensor.zeros(2)));
        assertThrows(IllegalArgumentException.class, () -> m.registerModule("w", new ReLU()));
        assertThrows(IllegalArgumentException.class, () -> m.registerBuffer("a.b", Tensor.zeros(1)));
        assertThrows(IllegalArgumentException.class, () -> m.registerParameter("", new Parameter(Tensor.zeros(1))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.getSubmodule("x.y"));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.getParameter("nope"));
    }

    @Test
    void parameterIsADenseLeaf() {
        Tensor base = Tensor.arange(6).reshape(2, 3);
        Parameter shared = new Parameter(base);
        assertSame(base.storage(), shared.storage()); // like nn.Parameter(t): same values, no copy
        assertTrue(shared.requiresGrad() && shared.isLeaf());
        Parameter fromView = new Parameter(base.t());
        assertTrue(fromView.isContiguous());
        assertEquals(0, fromView.offset());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, fromView.toArray());
        Parameter fromRow = new Parameter(base.narrow(0, 1, 1)); // contiguous but at offset 3: copied
        assertEquals(0, fromRow.offset());
        assertArrayEquals(new float[] {3, 4, 5}, fromRow.storage());
        assertFalse(new Parameter(base, false).requiresGrad());
    }
}
