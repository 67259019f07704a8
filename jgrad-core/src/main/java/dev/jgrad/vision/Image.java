package dev.jgrad.vision;

/**
 * One image as a plain row-major float array [channels, height, width], the form the augmentations work
 * on: a transform reads one and returns a new one (or the same one when it does nothing), so a pipeline
 * touches no autograd machinery and no tensor views.
 */
public record Image(float[] data, int channels, int height, int width) {

    public Image {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("Image: channels, height and width must be positive, got [" + channels + ", " + height + ", " + width + "]");
        }
        if (data.length != channels * height * width) {
            throw new IllegalArgumentException("Image: " + data.length + " values do not make an image [" + channels + ", " + height + ", " + width
                    + "] (" + channels * height * width + " values)");
        }
    }

    /** A zero image of the given size. */
    public static Image zeros(int channels, int height, int width) {
        return new Image(new float[channels * height * width], channels, height, width);
    }

    /** Values per channel plane. */
    public int planeSize() {
        return height * width;
    }

    public float get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }
}
