package dev.jgrad.vision;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * One image as a plain row-major float array [channels, height, width], the form the augmentations work
 * on: a transform reads one and returns a new one (or the same one when it does nothing), so a pipeline
 * touches no autograd machinery and no tensor views.
 *
 * @param data     the values, row-major [channels, height, width] (not copied)
 * @param channels the number of channels, 1 for grey or 3 for RGB
 * @param height   the number of rows
 * @param width    the number of columns
 */
public record Image(float[] data, int channels, int height, int width) {

    /**
     * Checks the sizes.
     *
     * @throws IllegalArgumentException if a size is not positive or {@code data} has not
     *                                  channels * height * width values
     */
    public Image {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("Image: channels, height and width must be positive, got [" + channels + ", " + height + ", " + width + "]");
        }
        if (data.length != channels * height * width) {
            throw new IllegalArgumentException("Image: " + data.length + " values do not make an image [" + channels + ", " + height + ", " + width
                    + "] (" + channels * height * width + " values)");
        }
    }

    /**
     * Decodes an image file's bytes (PNG, JPEG, BMP, GIF: what javax.imageio reads) to values in [0, 1], as
     * {@link ImageFolder} reads files: a colour image to grey by PIL's "L" weights, a grey one repeated over RGB.
     *
     * @param encoded  the file's bytes
     * @param channels 1 for grey or 3 for RGB
     * @return the image [channels, height, width]
     * @throws IOException              if the bytes are not an image javax.imageio can decode
     * @throws IllegalArgumentException if {@code channels} is neither 1 nor 3
     */
    public static Image decode(byte[] encoded, int channels) throws IOException {
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("Image.decode: channels must be 1 (grey) or 3 (RGB), got " + channels);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(encoded));
        if (img == null) throw new IOException("not an image that javax.imageio can decode (PNG, JPEG, BMP, GIF), or corrupt (" + encoded.length + " bytes)");
        return new Image(ImageFolder.pixels(img, channels == 1), channels, img.getHeight(), img.getWidth());
    }

    /**
     * A zero image of the given size.
     *
     * @param channels the number of channels, at least 1
     * @param height   the number of rows, at least 1
     * @param width    the number of columns, at least 1
     * @return a black image
     */
    public static Image zeros(int channels, int height, int width) {
        return new Image(new float[channels * height * width], channels, height, width);
    }

    /**
     * Values per channel plane.
     *
     * @return height * width
     */
    public int planeSize() {
        return height * width;
    }

    /**
     * One value (no bounds check beyond the array's).
     *
     * @param c the channel
     * @param y the row
     * @param x the column
     * @return the value at [c, y, x]
     */
    public float get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }
}
