package dev.jgrad.bench;

import dev.jgrad.models.ResNetCifar;
import dev.jgrad.nn.Functional;
import dev.jgrad.optim.SGD;
import dev.jgrad.tensor.Generator;
import dev.jgrad.tensor.IntTensor;
import dev.jgrad.tensor.Tensor;

/**
 * The peer's resnet18_cifar_train: one SGD step (lr 0.1, momentum 0.9, weight decay 5e-4) of its CIFAR
 * ResNet-18 ({@link ResNetCifar}, in training mode) with cross-entropy on a random batch of 64 x 3 x 32 x 32
 * images and random labels of 10 classes.
 */
public final class ResNet18CifarTrainWorkload implements Workload {
    @Override
    public String name() {
        return "resnet18_cifar_train";
    }

    /** Per image: a training step, 3x the forward of 32 x 32 images (about 3.3 GFLOP; see {@link FlopCounts}). */
    @Override
    public double flopsPerUnit() {
        return FlopCounts.TRAINING_FACTOR * FlopCounts.resnet18CifarForwardPerImage(32, 32, 10);
    }

    @Override
    public void run(boolean quick) {
        int batch = 64;
        Generator gen = new Generator(0);
        ResNetCifar model = new ResNetCifar(10, gen);
        model.train();
        SGD opt = new SGD(model.parameters(), SGD.options(0.1).withMomentum(0.9).withWeightDecay(5e-4));
        Tensor x = Tensor.normal(0f, 1f, gen, batch, 3, 32, 32);
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) y[i] = gen.nextInt(10);
        IntTensor targets = IntTensor.of(y, batch);
        StepCost cost = new StepCost();
        Bench.Timing t = Bench.timeIt(cost.around(() -> {
            opt.zeroGrad();
            Tensor loss = Functional.crossEntropy(model.forward(x), targets);
            loss.backward();
            opt.step();
        }), 2, 12, 40, quick);
        Bench.info("resnet18_cifar_train params=" + model.numParameters() + " " + t.spread());
        Bench.info(cost.summary("resnet18_cifar_train", t));
        Bench.emit("resnet18_cifar_train", batch / t.median(), "images/s");
        Bench.emit("resnet18_cifar_train", t.median() * 1e3, "ms/step");
    }
}
