package dev.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SequenceTasksTest {

    @Test
    void addingProblemMarksOneStepPerHalfAndTargetsTheirSum() {
        int batch = 50, length = 37; // odd, so the halves differ in size
        AddingProblem task = new AddingProblem(length);
        SequenceTask.Batch<Tensor> b = task.sample(batch, new Generator(3));
        assertArrayEquals(new int[] {batch, length, 2}, b.inputs().shape());
        assertArrayEquals(new int[] {batch, 1}, b.targets().shape());
        float[] x = b.inputs().toArray(), y = b.targets().toArray();
        int half = length / 2;
        for (int s = 0; s < batch; s++) {
            int first = -1, second = -1, marks = 0;
            for (int t = 0; t < length; t++) {
                float value = x[(s * length + t) * 2], marker = x[(s * length + t) * 2 + 1];
                assertTrue(value >= 0 && value < 1, "value " + value);
                assertTrue(marker == 0 || marker == 1, "marker " + marker);
                if (marker == 1) {
                    marks++;
                    if (t < half) first = t; else second = t;
                }
            }
            assertEquals(2, marks, "sequence " + s);
            assertTrue(first >= 0 && second >= half, "one marker per half in sequence " + s);
            float expected = x[(s * length + first) * 2] + x[(s * length + second) * 2];
            assertEquals(expected, y[s], 0f);
        }
    }

    @Test
    void addingProblemIsSeededAndItsLossIsZeroForTheTargets() {
        AddingProblem task = new AddingProblem(20);
        var a = task.sample(8, new Generator(11));
        var b = task.sample(8, new Generator(11));
        var c = task.sample(8, new Generator(12));
        assertArrayEquals(a.inputs().toArray(), b.inputs().toArray());
        assertArrayEquals(a.targets().toArray(), b.targets().toArray());
        assertFalse(Arrays.equals(a.inputs().toArray(), c.inputs().toArray()));
        assertEquals(0.0, task.loss(a.targets().reshape(8, 1, 1), a.targets()).item(), 0.0);
        // always answering 1 scores about 1/6
        var big = task.sample(4000, new Generator(5));
        double loss = task.loss(Tensor.ones(4000, 1, 1), big.targets()).item();
        assertEquals(task.baselineLoss(), loss, 0.01);
    }

    @Test
    void copyProblemShowsSymbolsThenBlanksThenTheDelimiter() {
        int batch = 6, length = 30;
        CopyProblem task = new CopyProblem(length, 5, 4);
        assertEquals(6, task.inputSize());
        assertEquals(5, task.outputSize());
        assertEquals(5, task.scoredSteps());
        assertEquals(24, task.delimiterStep());
        SequenceTask.Batch<IntTensor> b = task.sample(batch, new Generator(1));
        assertArrayEquals(new int[] {batch, length, 6}, b.inputs().shape());
        assertArrayEquals(new int[] {batch, 5}, b.targets().shape());
        float[] x = b.inputs().toArray();
        for (int s = 0; s < batch; s++) {
            for (int t = 0; t < length; t++) {
                int token = -1;
                float sum = 0;
                for (int v = 0; v < 6; v++) {
                    float e = x[(s * length + t) * 6 + v];
                    sum += e;
                    if (e == 1) token = v;
                }
                assertEquals(1f, sum, "one-hot at sequence " + s + ", step " + t);
                if (t < 5) {
                    assertTrue(token >= 1 && token <= 4, "symbol " + token);
                    assertEquals(token, b.targets().get(s, t), "the target repeats the symbol at step " + t);
                } else if (t == task.delimiterStep()) {
                    assertEquals(task.delimiter(), token);
                } else {
                    assertEquals(0, token, "blank at step " + t);
                }
            }
        }
        var again = task.sample(batch, new Generator(1));
        assertArrayEquals(b.targets().data(), again.targets().data());
    }

    @Test
    void copyProblemLossIsCrossEntropyOnTheAnswers() {
        CopyProblem task = new CopyProblem(25);
        var b = task.sample(3, new Generator(2));
        // uniform scores over the 9 classes: log 9
        double uniform = task.loss(Tensor.zeros(3, 10, 9), b.targets()).item();
        assertEquals(Math.log(9), uniform, 1e-5);
        // confident and right: about 0
        float[] logits = new float[3 * 10 * 9];
        for (int i = 0; i < 30; i++) logits[i * 9 + b.targets().data()[i]] = 30f;
        assertEquals(0.0, task.loss(Tensor.of(logits, 3, 10, 9), b.targets()).item(), 1e-6);
    }

    @Test
    void badArgumentsAreExplained() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CopyProblem(20, 10, 8));
        assertTrue(e.getMessage().contains("at least 21"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AddingProblem(1));
        assertThrows(IllegalArgumentException.class, () -> new AddingProblem(10).sample(0, new Generator(1)));
        var shapes = assertThrows(IllegalArgumentException.class,
                () -> new AddingProblem(10).loss(Tensor.zeros(4, 2, 1), Tensor.zeros(4, 1)));
        assertTrue(shapes.getMessage().contains("[4, 2, 1]"), shapes.getMessage());
        var copyShapes = assertThrows(IllegalArgumentException.class,
                () -> new CopyProblem(25).loss(Tensor.zeros(3, 10, 8), IntTensor.zeros(3, 10)));
        assertTrue(copyShapes.getMessage().contains("[batch, 10, 9]") && copyShapes.getMessage().contains("[3, 10, 8]"), copyShapes.getMessage());
    }
}
