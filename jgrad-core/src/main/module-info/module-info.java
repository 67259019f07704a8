/**
 * jgrad's library: float32 tensors with reverse-mode autograd, Vector API kernels, neural-network
 * modules (recurrent, attention, Transformer, convolutional), optimizers, safetensors checkpoints,
 * data loaders, tokenizers, metrics and ready-made models. It depends on nothing beyond the JDK.
 */
module dev.jgrad.core {
    requires transitive jdk.incubator.vector;
    requires java.desktop; // images: javax.imageio and java.awt.image for the vision package
    requires java.net.http; // fetching the public data sets

    exports dev.jgrad;
    exports dev.jgrad.autograd;
    exports dev.jgrad.data;
    exports dev.jgrad.datasets;
    exports dev.jgrad.inference;
    exports dev.jgrad.io;
    exports dev.jgrad.kernels;
    exports dev.jgrad.metrics;
    exports dev.jgrad.models;
    exports dev.jgrad.nn;
    exports dev.jgrad.optim;
    exports dev.jgrad.tensor;
    exports dev.jgrad.text;
    exports dev.jgrad.train;
    exports dev.jgrad.vision;
}
