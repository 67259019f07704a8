package dev.jgrad.inference;

import dev.jgrad.tensor.Shape;
import dev.jgrad.tensor.Tensor;
import dev.jgrad.vision.Image;
import dev.jgrad.vision.Normalize;

import java.util.List;

/** Images as the image loaders' networks take them: stacked into one batch, grey repeated for a colour network, normalised. */
final class ImageInput {
    private ImageInput() {}

    /**
     * The images, all of one size, as one tensor [N, C, H, W].
     *
     * @param who names the loader in messages
     * @throws IllegalArgumentException naming the first image whose size differs from the first one's
     */
    static Tensor stack(List<Image> images, String who) {
        Image first = images.getFirst();
        int size = first.data().length;
        float[] data = new float[images.size() * size];
        for (int i = 0; i < images.size(); i++) {
            Image im = images.get(i);
            if (im.channels() != first.channels() || im.height() != first.height() || im.width() != first.width()) {
                throw new IllegalArgumentException(who + ": image " + i + " is " + im.channels() + "x" + im.height() + "x" + im.width()
                        + " but image 0 is " + first.channels() + "x" + first.height() + "x" + first.width() + "; give images of one size");
            }
            System.arraycopy(im.data(), 0, data, i * size, size);
        }
        return Tensor.of(data, images.size(), first.channels(), first.height(), first.width());
    }

    /**
     * {@code images} [N, C, H, W] as a network of {@code channels} input channels takes them: a grey image repeated
     * over three channels for a colour network, as training did, then normalised by {@code norm} (none when null).
     *
     * @param who names the loader in messages
     * @throws IllegalArgumentException if the tensor is not 4-d or its channels do not fit the network
     */
    static Tensor prepare(Tensor images, int channels, Normalize norm, String who) {
        if (images.dim() != 4) {
            throw new IllegalArgumentException(who + ": expected images [N, C, H, W] or one image [C, H, W], got " + Shape.str(images.shape()));
        }
        Tensor x = images;
        int c = x.size(1);
        if (c == 1 && channels == 3) {
            x = x.expand(x.size(0), 3, x.size(2), x.size(3));
        } else if (c != channels) {
            throw new IllegalArgumentException(who + ": the images have " + c + " channels but the network takes " + channels);
        }
        return norm != null ? norm.apply(x) : x.contiguous();
    }
}
