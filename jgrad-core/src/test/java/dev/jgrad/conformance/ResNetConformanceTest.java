package dev.jgrad.conformance;

import dev.jgrad.io.SafeTensors;
import dev.jgrad.models.ResNet;
import dev.jgrad.models.ResNetCifar;
import dev.jgrad.nn.Functional;
import dev.jgrad.nn.Module;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.jgrad.conformance.AssertClose.assertClose;
import static org.junit.jupiter.api.Assertions.*;

/**
 * ResNets against torchvision itself (fixtures from scripts/make_fixtures_resnet.py in
 * src/test/resources/resnet/): the state_dict layout of every torchvision ResNet and of the benchmark
 * peer's CIFAR network, and the logits, loss, gradients and batch-norm updates of width-scaled torchvision
 * networks loaded from their exported state_dicts (F32 weights, I64 num_batches_tracked).
 */
class ResNetConformanceTest {

    static Path dir() {
        try {
            return Path.of(ResNetConformanceTest.class.getResource("/resnet").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** model name -> key -> "[shape]" from torchvision_keys.txt. */
    static Map<String, LinkedHashMap<String, String>> torchvisionKeys() throws IOException {
        Map<String, LinkedHashMap<String, String>> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir().resolve("torchvision_keys.txt"))) {
            if (line.startsWith("#") || line.isBlank()) continue;
            String[] f = line.split(" ");
            out.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).put(f[1], f[3]);
        }
        return out;
    }

    static LinkedHashMap<String, String> layout(Module m) {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> out.put(k, Shape.str(v.shape()).replace(" ", "")));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnet34", "resnet50", "resnet101", "resnet152"})
    void stateDictKeysOrderAndShapesAreTorchvisions(String arch) throws IOException {
        LinkedHashMap<String, String> expected = torchvisionKeys().get(arch);
        assertNotNull(expected, arch + " missing from torchvision_keys.txt");
        // The deepest two are only compared by name, at a reduced width, to keep the test fast.
        boolean deep = arch.equals("resnet101") || arch.equals("resnet152");
        ResNet.Config config = ResNet.Config.named(arch, 1000);
        ResNet model = new ResNet(deep ? config.withWidth(8) : config, new Generator(0));
        LinkedHashMap<String, String> actual = layout(model);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), arch + " keys in order");
        if (!deep) assertEquals(expected, actual, arch + " shapes");
        long params = Map.of("resnet18", 11_689_512L, "resnet34", 21_797_672L, "resnet50", 25_557_032L).getOrDefault(arch, -1L);
        if (!deep) assertEquals(params, model.numParameters(), arch + " parameters (torchvision's count)");
    }

    @Test
    void peerCifarNetworkHasThePeersKeysAndShapes() throws IOException {
        LinkedHashMap<String, String> expected = torchvisionKeys().get("resnet18_cifar");
        if (expected == null) return; // the script ran without ../shared/peers
        ResNetCifar model = new ResNetCifar(10, new Generator(0));
        assertEquals(expected, layout(model));
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(layout(model).keySet()));
        assertEquals(11_173_962, model.numParameters(), "the peer's params= line");
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet18_w4", "resnet_bottleneck_w4", "resnet_small_input_w4"})
    void logitsLossGradientsAndRunningStatsMatchTorchvision(String name) throws IOException {
        Map<String, Tensor> state = SafeTensors.load(dir().resolve(name + ".safetensors"));
        SafeTensors.File io = SafeTensors.read(dir().resolve(name + "_io.safetensors"));
        Map<String, String> meta = io.metadata();

        ResNet model = ResNet.fromStateDict(state);
        ResNet.Config c = model.config();
        assertEquals(meta.get("block").equals("BasicBlock") ? ResNet.Block.BASIC : ResNet.Block.BOTTLENECK, c.block());
        assertEquals(meta.get("layers"), String.join(",", c.layers().stream().map(String::valueOf).toList()));
        assertEquals(Integer.parseInt(meta.get("width")), c.width());
        assertEquals(Integer.parseInt(meta.get("in_channels")), c.inChannels());
        assertEquals(Boolean.parseBoolean(meta.get("small_input")), c.smallInput());
        assertEquals(Integer.parseInt(meta.get("num_classes")), c.numClasses());
        assertEquals(3, model.getBuffer("bn1.num_batches_tracked").item(), "I64 count read");

        // The same network built from its configuration loads the export strictly, too.
        new ResNet(c, new Generator(1)).loadStateDict(state);

        Map<String, Tensor> t = io.tensors();
        Tensor x = t.get("x");
        model.eval();
        assertClose(name + " eval logits", t.get("logits"), model.forward(x), 1e-4, 1e-5);

        model.train();
        Tensor logits = model.forward(x);
        assertClose(name + " train logits", t.get("train.logits"), logits, 1e-4, 1e-5);
        float[] tv = t.get("targets").toArray();
        int[] targets = new int[tv.length];
        for (int i = 0; i < tv.length; i++) targets[i] = (int) tv[i];
        Tensor loss = Functional.crossEntropy(logits, IntTensor.of(targets, targets.length));
        assertClose(name + " loss", t.get("train.loss"), loss, 1e-4, 1e-6);
        loss.backward();
        t.forEach((key, expected) -> {
            if (key.startsWith("train.grad.")) {
                String p = key.substring("train.grad.".length());
                assertClose(name + " grad " + p, expected, model.getParameter(p).grad(), 1e-3, 1e-5);
            } else if (key.startsWith("train.updated.")) {
                String b = key.substring("train.updated.".length());
                assertClose(name + " updated " + b, expected, model.getBuffer(b), 1e-4, 1e-6);
            }
        });
        assertEquals(4, model.getBuffer("bn1.num_batches_tracked").item());
    }
}
